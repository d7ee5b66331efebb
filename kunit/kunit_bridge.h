/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel services for kstd's own C++ test bodies (kunit_bridge.c): the
 * state of locks, sockets and files that the wrappers under test do not
 * expose.  Test code only; the KUnit API itself is <kstd/kunit.hpp>.
 */
#ifndef KSTD_KUNIT_BRIDGE_H
#define KSTD_KUNIT_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct kunit;
struct spinlock;
struct raw_spinlock;
struct mutex;

/* Kernel state the lock tests look at. */
int kstd_kunit_in_softirq(void) KSTD_NOEXCEPT;
const void *kstd_kunit_spinlock_class(struct spinlock *lock) KSTD_NOEXCEPT;
const void *kstd_kunit_raw_spinlock_class(struct raw_spinlock *lock) KSTD_NOEXCEPT;
const void *kstd_kunit_mutex_class(struct mutex *lock) KSTD_NOEXCEPT;

/* Run fn(arg) on @nr kernel threads concurrently and wait for all. */
int kstd_kunit_run_threads(int nr, void (*fn)(void *arg), void *arg) KSTD_NOEXCEPT;

/* The kernel's value of row @i of KSTD_ERRNO_TABLE (kstd/errno.h), 0 past it. */
int kstd_kunit_kernel_errno(unsigned int i) KSTD_NOEXCEPT;
/* Sleep a few microseconds: for a busy-wait loop in a kthread. */
void kstd_kunit_relax(void) KSTD_NOEXCEPT;
/* IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP) as this kernel was built. */
int kstd_kunit_debug_atomic_sleep(void) KSTD_NOEXCEPT;

/* Sockets: loopback for kunit.py's UML, bounded waits on counters. */
struct sockaddr;
int kstd_kunit_net_loopback_up(void) KSTD_NOEXCEPT;
int kstd_kunit_net_ipv6_loopback_ready(void) KSTD_NOEXCEPT;
struct sock;
struct socket;
struct sock *kstd_kunit_sock_get(struct socket *sock) KSTD_NOEXCEPT;
void kstd_kunit_sock_put(struct sock *sk) KSTD_NOEXCEPT;
int kstd_kunit_sock_holds_net(struct socket *sock) KSTD_NOEXCEPT;
int kstd_kunit_tcp_timer(struct sock *sk) KSTD_NOEXCEPT;
int kstd_kunit_sk_state(struct sock *sk) KSTD_NOEXCEPT;
/* Wait up to @timeout_ms for *@counter >= @at_least; returns whether it is. */
int kstd_kunit_wait_counter(int *counter, int at_least, unsigned int timeout_ms) KSTD_NOEXCEPT;
/* Wake kstd_kunit_wait_counter() after changing *@counter; any context. */
void kstd_kunit_wake_counter(int *counter) KSTD_NOEXCEPT;
int kstd_kunit_format_sockaddr(char *buf, __SIZE_TYPE__ len,
			       const struct sockaddr *addr) KSTD_NOEXCEPT;
void kstd_kunit_msleep(unsigned int ms) KSTD_NOEXCEPT;
struct page;
struct page *kstd_kunit_alloc_page(void) KSTD_NOEXCEPT;
void kstd_kunit_put_page(struct page *page) KSTD_NOEXCEPT;
void *kstd_kunit_page_address(struct page *page) KSTD_NOEXCEPT;
struct page *kstd_kunit_virt_to_page(const void *addr) KSTD_NOEXCEPT;

/* Workqueue / sync: the lockdep class of a work item (NULL without lockdep). */
struct work_struct;
const void *kstd_kunit_work_class(struct work_struct *work) KSTD_NOEXCEPT;
void kstd_kunit_udelay(unsigned int us) KSTD_NOEXCEPT;
void kstd_kunit_yield(void) KSTD_NOEXCEPT;

/* kernel_if: module parameters through their kernel_param, files through the VFS. */
struct kernel_param;
struct vfsmount;
struct file;
struct net;
const struct kernel_param *kstd_kunit_param_find(const char *name) KSTD_NOEXCEPT;
int kstd_kunit_param_set(const struct kernel_param *kp, const char *val) KSTD_NOEXCEPT;
int kstd_kunit_param_get(const struct kernel_param *kp, char *buf, __SIZE_TYPE__ size) KSTD_NOEXCEPT;
struct vfsmount *kstd_kunit_mount(const char *fstype) KSTD_NOEXCEPT;
void kstd_kunit_umount(struct vfsmount *mnt) KSTD_NOEXCEPT;
struct file *kstd_kunit_open(struct vfsmount *mnt, const char *path, int how) KSTD_NOEXCEPT;
long kstd_kunit_write(struct file *file, const char *buf, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
long kstd_kunit_read(struct file *file, char *buf, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
void kstd_kunit_close(struct file *file) KSTD_NOEXCEPT;
struct net *kstd_kunit_init_net(void) KSTD_NOEXCEPT;
/* /proc files take no kernel_write(): write(2) through user memory. */
unsigned long kstd_kunit_user_buf(struct kunit *test, __SIZE_TYPE__ size) KSTD_NOEXCEPT;
long kstd_kunit_user_write(struct file *file, unsigned long ubuf, const char *data,
			   __SIZE_TYPE__ len) KSTD_NOEXCEPT;
int kstd_kunit_run_threads_mm(int nr, void (*fn)(void *arg), void *arg) KSTD_NOEXCEPT;

/* percpu, fifo: fn(arg) in a kworker on @cpu (work_on_cpu()); -EINVAL if offline. */
int kstd_kunit_run_on_cpu(int cpu, void (*fn)(void *arg), void *arg) KSTD_NOEXCEPT;
/* fn(arg, i) on @nr kthreads, thread i bound to the (i mod online)-th online CPU. */
int kstd_kunit_run_pinned(int nr, void (*fn)(void *arg, int index), void *arg) KSTD_NOEXCEPT;
int kstd_kunit_this_cpu(void) KSTD_NOEXCEPT;
int kstd_kunit_online_cpus(void) KSTD_NOEXCEPT;

/* file: build a tree in a private file system (see kstd_kunit_mount()). */
int kstd_kunit_fs_make(struct vfsmount *mnt, const char *path, char kind, const char *data,
		       __SIZE_TYPE__ len, unsigned int mode) KSTD_NOEXCEPT;

/*
 * device: a character device node in a private file system, and the
 * operations of an open file that the VFS does not export: read and write
 * at a position through kernel memory or the user address @ubuf, ioctl(),
 * and poll() that records whether the file's wait queue was woken while
 * @action(@arg) ran (-1: poll() registered no wait queue).
 */
int kstd_kunit_mknod_chr(struct vfsmount *mnt, const char *path, unsigned int major,
			 unsigned int minor) KSTD_NOEXCEPT;
long kstd_kunit_read_at(struct file *file, char *buf, __SIZE_TYPE__ len,
			long long *pos) KSTD_NOEXCEPT;
long kstd_kunit_user_read(struct file *file, unsigned long ubuf, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
long kstd_kunit_user_write_raw(struct file *file, unsigned long ubuf,
			       __SIZE_TYPE__ len) KSTD_NOEXCEPT;
long kstd_kunit_ioctl(struct file *file, unsigned int cmd, unsigned long arg) KSTD_NOEXCEPT;
int kstd_kunit_poll(struct file *file, unsigned int *mask, void (*action)(void *arg),
		    void *arg) KSTD_NOEXCEPT;
int kstd_kunit_copy_to_user(unsigned long to, const void *from, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
int kstd_kunit_copy_from_user(void *to, unsigned long from, __SIZE_TYPE__ len) KSTD_NOEXCEPT;

/*
 * kunit.hpp's own tests: a struct kunit that no runner owns, to make
 * checks fail on purpose and read its status; _end() runs its cleanups
 * (kunit_cleanup()) and frees it.
 */
struct kunit *kstd_kunit_fake_new(void) KSTD_NOEXCEPT;
int kstd_kunit_fake_failed(struct kunit *fake) KSTD_NOEXCEPT;
int kstd_kunit_fake_skipped(struct kunit *fake) KSTD_NOEXCEPT;
void kstd_kunit_fake_end(struct kunit *fake) KSTD_NOEXCEPT;

/* init_net's reference counts; the kernel's own getsockopt(TCP_DEFER_ACCEPT). */
int kstd_kunit_init_net_refs(void) KSTD_NOEXCEPT;
int kstd_kunit_init_net_passive_refs(void) KSTD_NOEXCEPT;
int kstd_kunit_tcp_defer_accept(struct socket *sock, unsigned long ubuf) KSTD_NOEXCEPT;

/* NETLINK_GENERIC sockets of init_net (extended, capped ACKs), no waiting. */
struct socket *kstd_kunit_genl_open(void) KSTD_NOEXCEPT;
void kstd_kunit_genl_close(struct socket *sock) KSTD_NOEXCEPT;
int kstd_kunit_genl_send(struct socket *sock, const void *buf, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
int kstd_kunit_genl_recv(struct socket *sock, void *buf, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
int kstd_kunit_genl_join(struct socket *sock, unsigned int group) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
