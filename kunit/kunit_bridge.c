// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel services kstd's C++ test bodies use (sockets, mounts, lockdep
 * classes, threads); see kunit_bridge.h.  The KUnit API itself is
 * kstd/kunit.hpp.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/wait_bit.h>
/* sockets */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/netlink.h>

#include <kstd/errno.h>

#include "kunit_bridge.h"

int kstd_kunit_in_softirq(void)
{
	return in_softirq();
}

const void *kstd_kunit_spinlock_class(spinlock_t *lock)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	return lock->dep_map.key;
#else
	return NULL;
#endif
}

const void *kstd_kunit_raw_spinlock_class(raw_spinlock_t *lock)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	return lock->dep_map.key;
#else
	return NULL;
#endif
}

const void *kstd_kunit_mutex_class(struct mutex *lock)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	return lock->dep_map.key;
#else
	return NULL;
#endif
}

struct kstd_kunit_thread {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
};

static int kstd_kunit_thread_fn(void *data)
{
	struct kstd_kunit_thread *t = data;

	t->fn(t->arg);
	complete(&t->done);
	return 0;
}

int kstd_kunit_run_threads(int nr, void (*fn)(void *arg), void *arg)
{
	struct kstd_kunit_thread *threads;
	int i, started = 0, err = 0;

	threads = kcalloc(nr, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct task_struct *task;

		threads[i].fn = fn;
		threads[i].arg = arg;
		init_completion(&threads[i].done);
		task = kthread_run(kstd_kunit_thread_fn, &threads[i], "kstd_test/%d", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&threads[i].done);
	kfree(threads);
	return err;
}

/* ---- errno, might_sleep ------------------------------------------------- */

/* The kernel's own value of every errno of kstd/errno.h, in table order. */
#define ERRNO_ROW(fn, name) name,
static const int kstd_kunit_errnos[] = { KSTD_ERRNO_TABLE(ERRNO_ROW) };
#undef ERRNO_ROW

int kstd_kunit_kernel_errno(unsigned int i)
{
	return i < ARRAY_SIZE(kstd_kunit_errnos) ? kstd_kunit_errnos[i] : 0;
}

void kstd_kunit_relax(void)
{
	/*
	 * A short hrtimer sleep, not cond_resched(): on UML's single CPU
	 * without preemption the thread waited for runs only once this one
	 * gives up the CPU, and cond_resched() waits for the tick to ask.
	 */
	usleep_range(1, 10);
}

int kstd_kunit_debug_atomic_sleep(void)
{
	return IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP);
}

/* ---- sockets ------------------------------------------------------------ */

/* kunit.py's UML boots with lo down (the x86 guest brings it up). Idempotent. */
int kstd_kunit_net_loopback_up(void)
{
	struct net_device *lo = init_net.loopback_dev;
	int err = 0;

	rtnl_lock();
	if (!(lo->flags & IFF_UP))
		err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	return err;
}

/* addrconf adds ::1 when lo comes up: wait (bounded) until it is usable. */
int kstd_kunit_net_ipv6_loopback_ready(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	int i;

	for (i = 0; i < 100; i++) {
		if (ipv6_chk_addr(&init_net, &in6addr_loopback, NULL, 0))
			return 1;
		msleep(20);
	}
#endif
	return 0;
}

/* A reference on the struct sock of @sock, which outlives the socket. */
struct sock *kstd_kunit_sock_get(struct socket *sock)
{
	sock_hold(sock->sk);
	return sock->sk;
}

void kstd_kunit_sock_put(struct sock *sk)
{
	sock_put(sk);
}

/* Does the socket hold a reference on its namespace, as user sockets do? */
int kstd_kunit_sock_holds_net(struct socket *sock)
{
	return sock->sk->sk_net_refcnt;
}

/* The TCP timer armed on @sk (ICSK_TIME_*), 0 for none. */
int kstd_kunit_tcp_timer(struct sock *sk)
{
	return READ_ONCE(inet_csk(sk)->icsk_pending);
}

int kstd_kunit_sk_state(struct sock *sk)
{
	return inet_sk_state_load(sk);
}

int kstd_kunit_wait_counter(int *counter, int at_least, unsigned int timeout_ms)
{
	wait_var_event_timeout(counter, READ_ONCE(*counter) >= at_least,
			       msecs_to_jiffies(timeout_ms));
	return READ_ONCE(*counter) >= at_least;
}

void kstd_kunit_wake_counter(int *counter)
{
	smp_mb();	/* the caller's update before the waiters' check */
	wake_up_var(counter);
}

int kstd_kunit_format_sockaddr(char *buf, size_t len, const struct sockaddr *addr)
{
	return snprintf(buf, len, "%pISpc", addr);
}

void kstd_kunit_msleep(unsigned int ms)
{
	msleep(ms);
}

struct page *kstd_kunit_alloc_page(void)
{
	return alloc_page(GFP_KERNEL);
}

void kstd_kunit_put_page(struct page *page)
{
	put_page(page);
}

void *kstd_kunit_page_address(struct page *page)
{
	return page_address(page);
}

struct page *kstd_kunit_virt_to_page(const void *addr)
{
	return virt_to_page(addr);
}

/* ---- workqueue / sync --------------------------------------------------- */

/* The lockdep class (key) of a work item, NULL without lockdep. */
const void *kstd_kunit_work_class(struct work_struct *work)
{
#ifdef CONFIG_LOCKDEP
	return work->lockdep_map.key;
#else
	return NULL;
#endif
}

/* Busy-wait @us microseconds (udelay()): a race's window, any context. */
void kstd_kunit_udelay(unsigned int us)
{
	udelay(us);
}

/* Let another runnable task have the CPU (yield()); process context. */
void kstd_kunit_yield(void)
{
	yield();
}

/* ---- kernel_if: module parameters, /proc ------------------------------- */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>

/* The kernel_param this module registered as @name (as the loader sees it). */
const struct kernel_param *kstd_kunit_param_find(const char *name)
{
	const char *prefix = "" MODULE_PARAM_PREFIX;
	const struct kernel_param *kp, *end;
	size_t plen = strlen(prefix);

#ifdef MODULE
	kp = THIS_MODULE->kp;
	end = kp + THIS_MODULE->num_kp;
#else
	kp = __start___param;
	end = __stop___param;
#endif
	for (; kp < end; kp++)
		if (!strncmp(kp->name, prefix, plen) && !strcmp(kp->name + plen, name))
			return kp;
	return NULL;
}

/* ops->set() under the parameter lock, as sysfs and the loader do. */
int kstd_kunit_param_set(const struct kernel_param *kp, const char *val)
{
	int err;

	kernel_param_lock(kp->mod);
	err = kp->ops->set(val, kp);
	kernel_param_unlock(kp->mod);
	return err;
}

/* ops->get() (which wants a page) into @buf, NUL-terminated. */
int kstd_kunit_param_get(const struct kernel_param *kp, char *buf, size_t size)
{
	char *page = (char *)__get_free_page(GFP_KERNEL);
	int n;

	if (!page)
		return -ENOMEM;
	kernel_param_lock(kp->mod);
	n = kp->ops->get(page, kp);
	kernel_param_unlock(kp->mod);
	if (n >= 0)
		strscpy(buf, page, min_t(size_t, size, (size_t)n + 1));
	free_page((unsigned long)page);
	return n;
}

/* A private instance of a file system ("proc", "sysfs"): no mount in / needed. */
struct vfsmount *kstd_kunit_mount(const char *fstype)
{
	struct file_system_type *type = get_fs_type(fstype);
	struct vfsmount *mnt;

	if (!type)
		return ERR_PTR(-ENODEV);
	mnt = kern_mount(type);
	module_put(type->owner);	/* put_filesystem() is not exported */
	return mnt;
}

void kstd_kunit_umount(struct vfsmount *mnt)
{
	kern_unmount(mnt);
}

/* Open @path relative to @mnt's root: @how 0 read, 1 write, 2 both. */
struct file *kstd_kunit_open(struct vfsmount *mnt, const char *path, int how)
{
	static const int flags[] = { O_RDONLY, O_WRONLY, O_RDWR };

	return file_open_root_mnt(mnt, path, flags[how] | O_CLOEXEC, 0);
}

long kstd_kunit_write(struct file *file, const char *buf, size_t len)
{
	loff_t pos = 0;

	return kernel_write(file, buf, len, &pos);
}

/* Read from offset 0; @buf gets a NUL after the data. */
long kstd_kunit_read(struct file *file, char *buf, size_t len)
{
	loff_t pos = 0;
	ssize_t n = kernel_read(file, buf, len - 1, &pos);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Close now (runs ->release before returning; KUnit cases are kthreads). */
void kstd_kunit_close(struct file *file)
{
	__fput_sync(file);
}

struct net *kstd_kunit_init_net(void)
{
	return &init_net;
}

/*
 * /proc files have no ->write_iter (so kernel_write() refuses them): tests
 * write through vfs_write() from a user buffer, as write(2) does.  This maps
 * @size bytes of user memory for the rest of the test (giving the test's
 * kthread an mm); 0 on failure.
 */
unsigned long kstd_kunit_user_buf(struct kunit *test, size_t size)
{
	unsigned long addr = kunit_vm_mmap(test, NULL, 0, size, PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);

	return addr >= TASK_SIZE ? 0 : addr;
}

/*
 * write(2) of @data through the user buffer @ubuf (vfs_write() is not
 * exported: call the file's ->write, procfs's proc_reg_write(), directly).
 */
long kstd_kunit_user_write(struct file *file, unsigned long ubuf, const char *data, size_t len)
{
	loff_t pos = 0;

	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!file->f_op->write)
		return -EINVAL;
	if (copy_to_user((void __user *)ubuf, data, len))
		return -EFAULT;
	return file->f_op->write(file, (const char __user *)ubuf, len, &pos);
}

struct kstd_kunit_mm_thread {
	struct mm_struct *mm;
	void (*fn)(void *arg);
	void *arg;
};

static void kstd_kunit_mm_thread_fn(void *data)
{
	struct kstd_kunit_mm_thread *t = data;

	kthread_use_mm(t->mm);
	t->fn(t->arg);
	kthread_unuse_mm(t->mm);
}

/* kstd_kunit_run_threads(), the threads sharing the caller's (test's) mm. */
int kstd_kunit_run_threads_mm(int nr, void (*fn)(void *arg), void *arg)
{
	struct kstd_kunit_mm_thread t = { current->mm, fn, arg };
	int err;

	if (!t.mm)
		return -EINVAL;
	mmget(t.mm);
	err = kstd_kunit_run_threads(nr, kstd_kunit_mm_thread_fn, &t);
	mmput(t.mm);
	return err;
}

/* ---- file: a tree in a private ramfs ------------------------------------- */
#include <linux/namei.h>

/*
 * Create @path (relative to @mnt's root; its parent must exist) as @kind:
 * 'f' a regular file holding @len bytes of @data, 'd' a directory, 'l' a
 * symbolic link to @data, 'p' a FIFO; permission bits @mode.
 */
int kstd_kunit_fs_make(struct vfsmount *mnt, const char *path, char kind, const char *data,
		       size_t len, unsigned int mode)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	struct inode *dir;
	struct path parent;
	struct dentry *d;
	char *name;
	int err;

	name = kstrndup(path, slash ? slash - path : 0, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	err = vfs_path_lookup(mnt->mnt_root, mnt, *name ? name : ".", LOOKUP_DIRECTORY, &parent);
	kfree(name);
	if (err)
		return err;
	dir = d_inode(parent.dentry);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	d = lookup_one_len(last, parent.dentry, strlen(last));
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
		goto unlock;
	}
	switch (kind) {
	case 'f':
		err = vfs_create(&nop_mnt_idmap, dir, d, S_IFREG | mode, true);
		break;
	case 'd':
		err = vfs_mkdir(&nop_mnt_idmap, dir, d, mode);
		break;
	case 'l':
		err = vfs_symlink(&nop_mnt_idmap, dir, d, data);
		break;
	case 'p':
		err = vfs_mknod(&nop_mnt_idmap, dir, d, S_IFIFO | mode, 0);
		break;
	default:
		err = -EINVAL;
	}
	dput(d);
unlock:
	inode_unlock(dir);
	path_put(&parent);
	if (!err && kind == 'f' && len) {
		struct file *f = file_open_root_mnt(mnt, path, O_WRONLY, 0);
		loff_t pos = 0;
		ssize_t n;

		if (IS_ERR(f))
			return PTR_ERR(f);
		n = kernel_write(f, data, len, &pos);
		__fput_sync(f);
		if (n != len)
			err = n < 0 ? n : -EIO;
	}
	return err;
}

/* ---- device: character device nodes and file operations ------------------ */
#include <linux/poll.h>
#include <linux/uio.h>

int kstd_kunit_mknod_chr(struct vfsmount *mnt, const char *path, unsigned int major,
			 unsigned int minor)
{
	struct path parent;
	struct dentry *d;
	int err;

	err = vfs_path_lookup(mnt->mnt_root, mnt, ".", LOOKUP_DIRECTORY, &parent);
	if (err)
		return err;
	inode_lock_nested(d_inode(parent.dentry), I_MUTEX_PARENT);
	d = lookup_one_len(path, parent.dentry, strlen(path));
	if (IS_ERR(d)) {
		err = PTR_ERR(d);
	} else {
		err = vfs_mknod(&nop_mnt_idmap, d_inode(parent.dentry), d, S_IFCHR | 0600,
				MKDEV(major, minor));
		dput(d);
	}
	inode_unlock(d_inode(parent.dentry));
	path_put(&parent);
	return err;
}

long kstd_kunit_read_at(struct file *file, char *buf, size_t len, long long *pos)
{
	loff_t p = *pos;
	ssize_t n = kernel_read(file, buf, len, &p);

	*pos = p;
	return n;
}

/* read(2)/write(2) through the user address @ubuf: the file's ->read_iter/->write_iter. */
long kstd_kunit_user_read(struct file *file, unsigned long ubuf, size_t len)
{
	struct kiocb kiocb;
	struct iov_iter iter;

	init_sync_kiocb(&kiocb, file);
	iov_iter_ubuf(&iter, ITER_DEST, (void __user *)ubuf, len);
	return file->f_op->read_iter(&kiocb, &iter);
}

long kstd_kunit_user_write_raw(struct file *file, unsigned long ubuf, size_t len)
{
	struct kiocb kiocb;
	struct iov_iter iter;

	init_sync_kiocb(&kiocb, file);
	iov_iter_ubuf(&iter, ITER_SOURCE, (void __user *)ubuf, len);
	return file->f_op->write_iter(&kiocb, &iter);
}

long kstd_kunit_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!file->f_op->unlocked_ioctl)
		return -ENOTTY;
	return file->f_op->unlocked_ioctl(file, cmd, arg);
}

struct kstd_kunit_poller {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	int woken;
};

static int kstd_kunit_poll_woken(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	container_of(wait, struct kstd_kunit_poller, entry)->woken++;
	return 0;
}

static void kstd_kunit_poll_queue(struct file *file, wait_queue_head_t *head, poll_table *pt)
{
	struct kstd_kunit_poller *p = container_of(pt, struct kstd_kunit_poller, pt);

	if (p->head)
		return;	/* one queue is all the tests use */
	p->head = head;
	init_waitqueue_func_entry(&p->entry, kstd_kunit_poll_woken);
	add_wait_queue(head, &p->entry);
}

int kstd_kunit_poll(struct file *file, unsigned int *mask, void (*action)(void *arg), void *arg)
{
	struct kstd_kunit_poller p = { .head = NULL, .woken = 0 };
	int woken;

	init_poll_funcptr(&p.pt, kstd_kunit_poll_queue);
	*mask = (__force unsigned int)vfs_poll(file, &p.pt);
	if (action)
		action(arg);
	if (!p.head)
		return -1;
	remove_wait_queue(p.head, &p.entry);
	woken = p.woken;
	return woken;
}

int kstd_kunit_copy_to_user(unsigned long to, const void *from, size_t len)
{
	return copy_to_user((void __user *)to, from, len) ? -EFAULT : 0;
}

int kstd_kunit_copy_from_user(void *to, unsigned long from, size_t len)
{
	return copy_from_user(to, (const void __user *)from, len) ? -EFAULT : 0;
}

/* ---- kunit.hpp's own tests: a struct kunit of their own ------------------ */

struct kunit *kstd_kunit_fake_new(void)
{
	struct kunit *fake = kzalloc(sizeof(*fake), GFP_KERNEL);

	if (fake)
		kunit_init_test(fake, "kstd_fake", NULL);
	return fake;
}

int kstd_kunit_fake_failed(struct kunit *fake)
{
	return fake->status == KUNIT_FAILURE;
}

int kstd_kunit_fake_skipped(struct kunit *fake)
{
	return fake->status == KUNIT_SKIPPED;
}

void kstd_kunit_fake_end(struct kunit *fake)
{
	kunit_cleanup(fake);
	kfree(fake);
}

/* ---- cboundary: added on the cboundary branch ---------------------------- */

#include <linux/tcp.h>

/* init_net's reference count (struct net's ns.count). */
int kstd_kunit_init_net_refs(void)
{
	return refcount_read(&init_net.ns.count);
}

/* init_net's passive reference count (what keeps struct net allocated). */
int kstd_kunit_init_net_passive_refs(void)
{
	return refcount_read(&init_net.passive);
}

/*
 * The kernel's own getsockopt(SOL_TCP, TCP_DEFER_ACCEPT) of @sock, as user
 * space calls it (the protocol's ->getsockopt takes user pointers: @ubuf
 * is user memory from kstd_kunit_user_buf(), at least two ints).  The
 * value, or a negative errno.
 */
int kstd_kunit_tcp_defer_accept(struct socket *sock, unsigned long ubuf)
{
	int __user *uval = (int __user *)ubuf;
	int len = sizeof(int), val, err;

	if (copy_to_user(uval + 1, &len, sizeof(len)))
		return -EFAULT;
	err = sock->ops->getsockopt(sock, SOL_TCP, TCP_DEFER_ACCEPT, (char __user *)uval, uval + 1);
	if (err)
		return err;
	if (copy_from_user(&val, uval, sizeof(val)))
		return -EFAULT;
	return val;
}

/* ---- percpu, fifo: work on chosen CPUs ----------------------------------- */
#include <linux/cpumask.h>
#include <linux/smp.h>

struct kstd_kunit_on_cpu {
	void (*fn)(void *arg);
	void *arg;
};

static long kstd_kunit_on_cpu_fn(void *data)
{
	struct kstd_kunit_on_cpu *c = data;

	c->fn(c->arg);
	return 0;
}

/* work_on_cpu(): fn(arg) in a kworker bound to @cpu; waits.  -EINVAL if offline. */
int kstd_kunit_run_on_cpu(int cpu, void (*fn)(void *arg), void *arg)
{
	struct kstd_kunit_on_cpu c = { fn, arg };
	int err = -EINVAL;

	cpus_read_lock();
	if (cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu))
		err = (int)work_on_cpu(cpu, kstd_kunit_on_cpu_fn, &c);
	cpus_read_unlock();
	return err;
}

int kstd_kunit_this_cpu(void)
{
	return raw_smp_processor_id();
}

int kstd_kunit_online_cpus(void)
{
	return num_online_cpus();
}

struct kstd_kunit_pinned {
	void (*fn)(void *arg, int index);
	void *arg;
	int index;
	struct completion done;
};

static int kstd_kunit_pinned_fn(void *data)
{
	struct kstd_kunit_pinned *t = data;

	t->fn(t->arg, t->index);
	complete(&t->done);
	return 0;
}

/*
 * fn(arg, i) on @nr kthreads, thread i bound to the (i mod online)-th
 * online CPU (so on different CPUs when there are enough); waits for all.
 */
int kstd_kunit_run_pinned(int nr, void (*fn)(void *arg, int index), void *arg)
{
	struct kstd_kunit_pinned *threads;
	int i, cpu = -1, started = 0, err = 0;

	threads = kcalloc(nr, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	cpus_read_lock();
	for (i = 0; i < nr; i++) {
		struct task_struct *task;

		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		threads[i] = (struct kstd_kunit_pinned){ .fn = fn, .arg = arg, .index = i };
		init_completion(&threads[i].done);
		task = kthread_create(kstd_kunit_pinned_fn, &threads[i], "kstd_pin/%d", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		kthread_bind(task, cpu);
		wake_up_process(task);
		started++;
	}
	cpus_read_unlock();
	for (i = 0; i < started; i++)
		wait_for_completion(&threads[i].done);
	kfree(threads);
	return err;
}

/*
 * A NETLINK_GENERIC socket of init_net, for the kstd_genetlink suite: the
 * kernel's own netlink code on both ends.  Extended ACKs on, ACKs capped
 * (an error carries struct nlmsgerr and its TLVs, not the request).
 */
struct socket *kstd_kunit_genl_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	struct socket *sock;
	int one = 1, err;

	err = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC, &sock);
	if (err)
		return ERR_PTR(err);
	err = kernel_bind(sock, (struct sockaddr *)&addr, sizeof(addr));
	if (!err)
		err = sock->ops->setsockopt(sock, SOL_NETLINK, NETLINK_EXT_ACK,
					    KERNEL_SOCKPTR(&one), sizeof(one));
	if (!err)
		err = sock->ops->setsockopt(sock, SOL_NETLINK, NETLINK_CAP_ACK,
					    KERNEL_SOCKPTR(&one), sizeof(one));
	if (err) {
		sock_release(sock);
		return ERR_PTR(err);
	}
	return sock;
}

void kstd_kunit_genl_close(struct socket *sock)
{
	if (!IS_ERR_OR_NULL(sock))
		sock_release(sock);
}

/* Send @len bytes (one or more netlink messages) to the kernel. */
int kstd_kunit_genl_send(struct socket *sock, const void *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to) };
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };

	return kernel_sendmsg(sock, &msg, &iov, 1, len);
}

/*
 * One datagram, without waiting (the kernel answers a request before
 * sendmsg() returns, and produces the next part of a dump inside
 * recvmsg()): its length, -EAGAIN if none is queued.
 */
int kstd_kunit_genl_recv(struct socket *sock, void *buf, size_t len)
{
	struct msghdr msg = {};
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &msg, &iov, 1, len, MSG_DONTWAIT);
}

/* setsockopt(NETLINK_ADD_MEMBERSHIP, @group). */
int kstd_kunit_genl_join(struct socket *sock, unsigned int group)
{
	return sock->ops->setsockopt(sock, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				     KERNEL_SOCKPTR(&group), sizeof(group));
}
