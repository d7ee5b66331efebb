// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: module parameters, /proc and /proc/net entries.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/kernel_if.h>.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* ---- module parameters ------------------------------------------------- */

/*
 * <kstd/param.hpp> emits struct kernel_param from C++ (into the __param
 * section, like module_param_cb()) with a mirror of its layout, checked
 * there against these constants, which are checked here against the real
 * structures.
 */
CHECK_LAYOUT(KERNEL_PARAM, struct kernel_param);
CHECK_LAYOUT(KPARAM_STRING, struct kparam_string);
#define CHECK_OFFSET(name, type, member)					\
	static_assert(KSTD_OFFSETOF_##name == offsetof(type, member),		\
		      "kstd/layout.h is stale for " #type "." #member)
CHECK_OFFSET(KERNEL_PARAM_NAME, struct kernel_param, name);
CHECK_OFFSET(KERNEL_PARAM_MOD, struct kernel_param, mod);
CHECK_OFFSET(KERNEL_PARAM_OPS, struct kernel_param, ops);
CHECK_OFFSET(KERNEL_PARAM_PERM, struct kernel_param, perm);
CHECK_OFFSET(KERNEL_PARAM_LEVEL, struct kernel_param, level);
CHECK_OFFSET(KERNEL_PARAM_FLAGS, struct kernel_param, flags);
CHECK_OFFSET(KERNEL_PARAM_ARG, struct kernel_param, arg);
CHECK_OFFSET(KPARAM_STRING_MAXLEN, struct kparam_string, maxlen);
CHECK_OFFSET(KPARAM_STRING_STRING, struct kparam_string, string);
static_assert(sizeof(bool) == 1, "C++ bool parameters assume a one-byte bool");
static_assert(KSTD_ERANGE == ERANGE && KSTD_E2BIG == E2BIG, "stale layout");

void kstd_param_lock(struct module *mod)
{
	kernel_param_lock(mod);
}

void kstd_param_unlock(struct module *mod)
{
	kernel_param_unlock(mod);
}

/*
 * Range-checked integers: parse exactly like the kernel's param_set_<type>
 * (kstrto*(val, 0, ...): decimal, 0x hex, 0 octal, one trailing newline),
 * then refuse values outside [min, max] with -ERANGE.  Reading uses the
 * kernel's param_get_<type> on the value, which comes first in the struct.
 */
#define KSTD_PARAM_RANGE_DEFINE(name, type, parse)				\
	static_assert(offsetof(struct kstd_param_range_##name, value) == 0,	\
		      "value must come first");					\
	static int kstd_param_set_##name##_range(const char *val,		\
						 const struct kernel_param *kp)	\
	{									\
		struct kstd_param_range_##name *p = kp->arg;			\
		type v;								\
		int err = parse(val, 0, &v);					\
										\
		if (err)							\
			return err;						\
		if (v < p->min || v > p->max)					\
			return -ERANGE;						\
		WRITE_ONCE(p->value, v);					\
		return 0;							\
	}									\
	const struct kernel_param_ops kstd_param_ops_##name##_range = {		\
		.set = kstd_param_set_##name##_range,				\
		.get = param_get_##name,					\
	}

KSTD_PARAM_RANGE_DEFINE(byte, unsigned char, kstrtou8);
KSTD_PARAM_RANGE_DEFINE(short, short, kstrtos16);
KSTD_PARAM_RANGE_DEFINE(ushort, unsigned short, kstrtou16);
KSTD_PARAM_RANGE_DEFINE(int, int, kstrtoint);
KSTD_PARAM_RANGE_DEFINE(uint, unsigned int, kstrtouint);
KSTD_PARAM_RANGE_DEFINE(long, long, kstrtol);
KSTD_PARAM_RANGE_DEFINE(ulong, unsigned long, kstrtoul);
KSTD_PARAM_RANGE_DEFINE(ullong, unsigned long long, kstrtoull);

/* Strings: param_set_copystring() without the newline sysfs writes bring. */
static int kstd_param_set_string(const char *val, const struct kernel_param *kp)
{
	const struct kparam_string *kps = kp->str;
	size_t len = strlen(val);

	if (len && val[len - 1] == '\n')
		len--;
	if (len + 1 > kps->maxlen)
		return -ENOSPC;
	memcpy(kps->string, val, len);
	kps->string[len] = '\0';
	return 0;
}

const struct kernel_param_ops kstd_param_ops_string = {
	.set = kstd_param_set_string,
	.get = param_get_string,
};

/* ---- /proc files ------------------------------------------------------- */

static_assert(KSTD_CAP_DAC_OVERRIDE == CAP_DAC_OVERRIDE && KSTD_CAP_NET_ADMIN == CAP_NET_ADMIN &&
	      KSTD_CAP_NET_RAW == CAP_NET_RAW && KSTD_CAP_SYS_ADMIN == CAP_SYS_ADMIN,
	      "stale KSTD_CAP_* numbers");

/* One /proc file: what its callbacks need.  Lives until proc_remove() returns. */
struct kstd_proc_node {
	const struct kstd_proc_handler *handler;
	struct kstd_proc_dir *dir;	/* the directory it is in, or NULL */
	void *ctx;
	struct net *net;		/* the namespace of a /proc/net entry */
	struct proc_dir_entry *pde;
	unsigned int max_line;
	int write_cap;			/* KSTD_CAP_* needed to open for writing */
	bool dying;			/* being removed: do not flush at release */
};

/*
 * One open file.  Writers get a line buffer of max_line + 1 bytes (a line
 * of max_line bytes plus its newline): input is copied into it in bounded
 * chunks, and only the partial line after the last newline stays between
 * write() calls.
 */
struct kstd_proc_file {
	struct kstd_proc_node *node;
	struct mutex lock;		/* serialises write() on this open file */
	unsigned int len;		/* bytes of the pending partial line */
	bool writable;
	bool discarding;		/* skipping the rest of an over-long line */
	char buf[];
};

static int kstd_proc_show(struct seq_file *m, void *v)
{
	struct kstd_proc_file *pf = m->private;
	struct kstd_proc_node *node = pf->node;

	if (!node->handler->show)
		return 0;
	return node->handler->show(node->ctx, node->net, m);
}

static int kstd_proc_open(struct inode *inode, struct file *file)
{
	struct kstd_proc_node *node = pde_data(inode);
	bool writable = file->f_mode & FMODE_WRITE;
	struct kstd_proc_file *pf;
	int err;

	/*
	 * The capability is checked once, at open, against the opener's
	 * credentials (file->f_cred), in the user namespace owning the file's
	 * network namespace: what sock_diag_destroy() asks of `ss -K`.  An fd
	 * opened by a privileged process and passed on keeps working, as for
	 * the kernel's own files checked at open.
	 */
	if (writable && node->write_cap != KSTD_CAP_NONE &&
	    !file_ns_capable(file, node->net ? node->net->user_ns : &init_user_ns,
			     node->write_cap))
		return -EPERM;

	pf = kzalloc(sizeof(*pf) + (writable ? node->max_line + 1 : 0), GFP_KERNEL_ACCOUNT);
	if (!pf)
		return -ENOMEM;
	pf->node = node;
	pf->writable = writable;
	mutex_init(&pf->lock);
	err = single_open(file, kstd_proc_show, pf);
	if (err) {
		mutex_destroy(&pf->lock);
		kfree(pf);
	}
	return err;
}

/* One complete line without its "\n": drop one trailing "\r", skip empty lines. */
static int kstd_proc_line(struct kstd_proc_node *node, const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return 0;
	return node->handler->line(node->ctx, node->net, line, len);
}

/*
 * Hands every complete line to the handler as soon as its newline arrives;
 * a partial line waits for the next write() (or close).  All input is
 * consumed; the result is the byte count, or the first error of this call:
 * a handler's errno for one of its lines, or -E2BIG for a line longer than
 * max_line (the rest of that line, up to its newline, is skipped).  Lines
 * after a failed one are still handled.
 */
static ssize_t kstd_proc_write(struct file *file, const char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct kstd_proc_file *pf = m->private;
	struct kstd_proc_node *node = pf->node;
	size_t cap = node->max_line + 1, done = 0;
	int first_err = 0;

	if (!node->handler->line || !pf->writable)
		return -EIO;
	if (mutex_lock_killable(&pf->lock))
		return -EINTR;
	while (done < count) {
		size_t n, end, start, i;

		if (pf->discarding) {
			const char *nl;

			n = min(count - done, cap);
			if (copy_from_user(pf->buf, ubuf + done, n))
				goto fault;
			nl = memchr(pf->buf, '\n', n);
			if (nl) {
				pf->discarding = false;
				n = nl - pf->buf + 1;
			}
			done += n;
			continue;
		}

		n = min(count - done, cap - pf->len);
		if (copy_from_user(pf->buf + pf->len, ubuf + done, n))
			goto fault;
		done += n;
		end = pf->len + n;
		start = 0;
		for (i = pf->len; i < end; i++) {
			int err;

			if (pf->buf[i] != '\n')
				continue;
			err = kstd_proc_line(node, pf->buf + start, i - start);
			if (err && !first_err)
				first_err = err;
			start = i + 1;
		}
		pf->len = end - start;
		memmove(pf->buf, pf->buf + start, pf->len);
		if (pf->len == cap) {
			/* max_line + 1 bytes without a newline: too long. */
			pf->len = 0;
			pf->discarding = true;
			if (!first_err)
				first_err = -E2BIG;
		}
		cond_resched();
	}
	mutex_unlock(&pf->lock);
	return first_err ? first_err : count;

fault:
	mutex_unlock(&pf->lock);
	if (first_err)
		return first_err;
	return done ? done : -EFAULT;
}

/*
 * Close: an unterminated last line is handled now (its error cannot be
 * reported to anyone and is only logged), unless the entry is being
 * removed.
 */
static int kstd_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct kstd_proc_file *pf = m->private;
	struct kstd_proc_node *node = pf->node;

	if (pf->writable && pf->len && !pf->discarding && node->handler->line &&
	    !READ_ONCE(node->dying)) {
		int err = kstd_proc_line(node, pf->buf, pf->len);

		if (err)
			pr_notice_ratelimited("kstd: %pD: unterminated last line failed at close: %d\n",
					      file, err);
	}
	mutex_destroy(&pf->lock);
	kfree(pf);
	return single_release(inode, file);
}

static const struct proc_ops kstd_proc_ops = {
	.proc_open	= kstd_proc_open,
	.proc_read_iter	= seq_read_iter,
	.proc_write	= kstd_proc_write,
	.proc_lseek	= seq_lseek,
	.proc_release	= kstd_proc_release,
};

static int kstd_proc_check(const struct kstd_proc_handler *handler, unsigned int *max_line,
			   int write_cap)
{
	if (!handler)
		return -EINVAL;
	if (write_cap != KSTD_CAP_NONE && !cap_valid(write_cap))
		return -EINVAL;
	if (!*max_line)
		*max_line = KSTD_PROC_DEFAULT_MAX_LINE;
	if (*max_line > KSTD_PROC_MAX_LINE_LIMIT)
		return -EINVAL;
	return 0;
}

/* A directory and how many kstd entries and directories are in it. */
struct kstd_proc_dir {
	struct proc_dir_entry *pde;
	struct kstd_proc_dir *parent;
	atomic_t children;
};

struct kstd_proc_node *kstd_proc_create(const char *name, unsigned short mode,
					struct kstd_proc_dir *parent,
					const struct kstd_proc_handler *handler, void *ctx,
					unsigned int max_line, int write_cap)
{
	struct kstd_proc_node *node;
	int err = kstd_proc_check(handler, &max_line, write_cap);

	if (err)
		return ERR_PTR(err);
	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return ERR_PTR(-ENOMEM);
	node->handler = handler;
	node->ctx = ctx;
	node->max_line = max_line;
	node->write_cap = write_cap;
	node->dir = parent;
	node->pde = proc_create_data(name, mode, parent ? parent->pde : NULL, &kstd_proc_ops,
				     node);
	if (!node->pde) {
		kfree(node);
		return ERR_PTR(-ENOMEM);
	}
	if (parent)
		atomic_inc(&parent->children);
	return node;
}

void kstd_proc_remove(struct kstd_proc_node *node)
{
	if (!node)
		return;
	WRITE_ONCE(node->dying, true);
	proc_remove(node->pde);	/* waits for callbacks, closes open files */
	if (node->dir)
		atomic_dec(&node->dir->children);
	kfree(node);
}

struct kstd_proc_dir *kstd_proc_mkdir(const char *name, struct kstd_proc_dir *parent)
{
	struct kstd_proc_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);

	if (!dir)
		return ERR_PTR(-ENOMEM);
	dir->pde = proc_mkdir(name, parent ? parent->pde : NULL);
	if (!dir->pde) {
		kfree(dir);
		return ERR_PTR(-ENOMEM);
	}
	dir->parent = parent;
	if (parent)
		atomic_inc(&parent->children);
	return dir;
}

void kstd_proc_rmdir(struct kstd_proc_dir *dir)
{
	if (!dir)
		return;
	if (WARN(atomic_read(&dir->children),
		 "kstd: proc_dir removed before the entries in it; leaving it in place\n"))
		return;
	proc_remove(dir->pde);
	if (dir->parent)
		atomic_dec(&dir->parent->children);
	kfree(dir);
}

/* ---- /proc/net files, in every network namespace ----------------------- */

/*
 * pernet_operations callbacks get only the struct net, so each registration
 * needs its own pair of functions: a fixed pool of slots, each with its own
 * init/exit.  The per-namespace kstd_proc_node lives in the namespace's
 * net_generic() storage (.id/.size), allocated and freed by the netns core.
 */
struct kstd_pernet_proc {
	const struct kstd_proc_handler *handler;
	void *ctx;
	unsigned int max_line;
	int write_cap;
	umode_t mode;
	unsigned int id;
	bool used;
	char name[KSTD_PROC_NAME_MAX];
};

static struct kstd_pernet_proc kstd_pernet_slots[KSTD_PERNET_PROC_SLOTS];
static DEFINE_MUTEX(kstd_pernet_lock);

static int kstd_pernet_init(struct kstd_pernet_proc *p, struct net *net)
{
	struct kstd_proc_node *node = net_generic(net, p->id);

	node->handler = p->handler;
	node->ctx = p->ctx;
	node->net = net;
	node->max_line = p->max_line;
	node->write_cap = p->write_cap;
	node->dying = false;
	/* Owned by /proc/net's owner: the namespace's root where it is mapped. */
	node->pde = proc_create_data(p->name, p->mode, net->proc_net, &kstd_proc_ops, node);
	return node->pde ? 0 : -ENOMEM;
}

static void kstd_pernet_exit(struct kstd_pernet_proc *p, struct net *net)
{
	struct kstd_proc_node *node = net_generic(net, p->id);

	WRITE_ONCE(node->dying, true);
	proc_remove(node->pde);
}

#define KSTD_PERNET_SLOT(i)							\
	static int kstd_pernet_init_##i(struct net *net)			\
	{									\
		return kstd_pernet_init(&kstd_pernet_slots[i], net);		\
	}									\
	static void kstd_pernet_exit_##i(struct net *net)			\
	{									\
		kstd_pernet_exit(&kstd_pernet_slots[i], net);			\
	}
KSTD_PERNET_SLOT(0)
KSTD_PERNET_SLOT(1)
KSTD_PERNET_SLOT(2)
KSTD_PERNET_SLOT(3)
KSTD_PERNET_SLOT(4)
KSTD_PERNET_SLOT(5)
KSTD_PERNET_SLOT(6)
KSTD_PERNET_SLOT(7)

#define KSTD_PERNET_OPS(i) {							\
		.init = kstd_pernet_init_##i,					\
		.exit = kstd_pernet_exit_##i,					\
		.id = &kstd_pernet_slots[i].id,					\
		.size = sizeof(struct kstd_proc_node),				\
	}
static struct pernet_operations kstd_pernet_ops[] = {
	KSTD_PERNET_OPS(0), KSTD_PERNET_OPS(1), KSTD_PERNET_OPS(2), KSTD_PERNET_OPS(3),
	KSTD_PERNET_OPS(4), KSTD_PERNET_OPS(5), KSTD_PERNET_OPS(6), KSTD_PERNET_OPS(7),
};
static_assert(ARRAY_SIZE(kstd_pernet_ops) == KSTD_PERNET_PROC_SLOTS, "one ops per slot");

struct kstd_pernet_proc *kstd_pernet_proc_register(const char *name, unsigned short mode,
						   const struct kstd_proc_handler *handler,
						   void *ctx, unsigned int max_line, int write_cap)
{
	size_t len = name ? strnlen(name, KSTD_PROC_NAME_MAX) : 0;
	struct kstd_pernet_proc *p = NULL;
	unsigned int i;
	int err = kstd_proc_check(handler, &max_line, write_cap);

	if (err)
		return ERR_PTR(err);
	if (!len)
		return ERR_PTR(-EINVAL);
	if (len == KSTD_PROC_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	mutex_lock(&kstd_pernet_lock);
	for (i = 0; i < KSTD_PERNET_PROC_SLOTS; i++) {
		if (!kstd_pernet_slots[i].used) {
			p = &kstd_pernet_slots[i];
			p->used = true;
			break;
		}
	}
	mutex_unlock(&kstd_pernet_lock);
	if (!p)
		return ERR_PTR(-ENOSPC);

	p->handler = handler;
	p->ctx = ctx;
	p->max_line = max_line;
	p->write_cap = write_cap;
	p->mode = mode;
	memcpy(p->name, name, len + 1);
	err = register_pernet_subsys(&kstd_pernet_ops[i]);
	if (err) {
		mutex_lock(&kstd_pernet_lock);
		p->used = false;
		mutex_unlock(&kstd_pernet_lock);
		return ERR_PTR(err);
	}
	return p;
}

void kstd_pernet_proc_unregister(struct kstd_pernet_proc *p)
{
	if (!p)
		return;
	unregister_pernet_subsys(&kstd_pernet_ops[p - kstd_pernet_slots]);
	mutex_lock(&kstd_pernet_lock);
	p->used = false;
	mutex_unlock(&kstd_pernet_lock);
}
