// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: module parameters, /proc and /proc/net entries.
 * Compiled as kstd-kernel_if.o, linked only
 * into modules that call it (kstd.mk); prototypes in
 * <kstd/bindings/kernel_if.h>.
 *
 * Why C: struct proc_ops, seq_file, pernet_operations and kernel_param are
 * filled in with kernel types and callbacks of kernel signatures, and
 * copy_from_user(), cond_resched() and pde_data() are inlines or macros.
 * The policy is C++'s: how written bytes become lines (the line discipline,
 * kstd::detail::proc_line_writer) and the limits on max_line are in
 * <kstd/proc.hpp>; this file only registers, opens, forwards and removes.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

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
	/* A /proc/net file: its registration, and its place in kstd_pernet_nodes. */
	struct kstd_pernet_proc *entry;
	struct list_head pernet;
};

/* One open file: its node, and the C++ line writer if it may write. */
struct kstd_proc_file {
	struct kstd_proc_node *node;
	void *writer;
};

unsigned long kstd_copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return copy_from_user(to, from, n);
}

void kstd_cond_resched(void)
{
	cond_resched();
}

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
	const struct kstd_proc_handler *h = node->handler;
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

	pf = kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT);
	if (!pf)
		return -ENOMEM;
	pf->node = node;
	if (writable && h->line) {
		pf->writer = h->writer_open(node->max_line);
		if (!pf->writer) {
			kfree(pf);
			return -ENOMEM;
		}
	}
	err = single_open(file, kstd_proc_show, pf);
	if (err) {
		if (pf->writer)
			h->writer_release(pf->writer, h, node->ctx, node->net, true);
		kfree(pf);
	}
	return err;
}

/* The line discipline is C++'s; -EIO without a line handler or write access. */
static ssize_t kstd_proc_write(struct file *file, const char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct kstd_proc_file *pf = m->private;
	struct kstd_proc_node *node = pf->node;

	if (!pf->writer)
		return -EIO;
	return node->handler->writer_write(pf->writer, node->handler, node->ctx, node->net,
					   ubuf, count);
}

/*
 * Close: the writer handles an unterminated last line (unless the entry is
 * being removed); its error cannot be reported to anyone and is only logged.
 */
static int kstd_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct kstd_proc_file *pf = m->private;
	struct kstd_proc_node *node = pf->node;

	if (pf->writer) {
		int err = node->handler->writer_release(pf->writer, node->handler, node->ctx,
							node->net, READ_ONCE(node->dying));

		if (err)
			pr_notice_ratelimited("kstd: %pD: unterminated last line failed at close: %d\n",
					      file, err);
	}
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

static int kstd_proc_check(const struct kstd_proc_handler *handler, int write_cap)
{
	if (!handler || (handler->line && (!handler->writer_open || !handler->writer_write ||
					   !handler->writer_release)))
		return -EINVAL;
	if (write_cap != KSTD_CAP_NONE && !cap_valid(write_cap))
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
	int err = kstd_proc_check(handler, write_cap);

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
 * pernet_operations callbacks get only the struct net, not the operations
 * they belong to, so one pair of them serves all of a module's entries:
 * kstd_pernet_ops, registered while the module has entries, creates every
 * entry's file in a namespace being set up and removes them all from one
 * that exits.  A new entry is created in the namespaces that already exist
 * by registering kstd_pernet_walk (the same init, no exit) and unregistering
 * it at once: register_pernet_subsys() calls init for each live namespace
 * under pernet_ops_rwsem, which also keeps namespaces from being set up or
 * torn down meanwhile, and init creates only the files a namespace lacks.
 * Any number of entries, one file per entry and namespace, each a
 * kstd_proc_node on kstd_pernet_nodes.
 *
 * Locks: kstd_pernet_reg_lock (registration) -> pernet_ops_rwsem (the netns
 * core's, around the callbacks) -> kstd_pernet_lock (the two lists).
 */
struct kstd_pernet_proc {
	struct list_head link;		/* in kstd_pernet_entries */
	const struct kstd_proc_handler *handler;
	void *ctx;
	unsigned int max_line;
	int write_cap;
	umode_t mode;
	char name[KSTD_PROC_NAME_MAX];
};

static LIST_HEAD(kstd_pernet_entries);
static LIST_HEAD(kstd_pernet_nodes);
static DEFINE_MUTEX(kstd_pernet_lock);
static DEFINE_MUTEX(kstd_pernet_reg_lock);
static unsigned int kstd_pernet_users;	/* entries registered; under kstd_pernet_reg_lock */

static void kstd_pernet_node_remove(struct kstd_proc_node *node)
{
	list_del(&node->pernet);
	WRITE_ONCE(node->dying, true);
	proc_remove(node->pde);	/* waits for callbacks, closes open files */
	kfree(node);
}

static bool kstd_pernet_has(const struct kstd_pernet_proc *p, const struct net *net)
{
	struct kstd_proc_node *node;

	list_for_each_entry(node, &kstd_pernet_nodes, pernet)
		if (node->entry == p && node->net == net)
			return true;
	return false;
}

/* Create the files @net lacks; on failure, none of those created here stay. */
static int kstd_pernet_net_init(struct net *net)
{
	struct kstd_proc_node *node, *tmp;
	struct kstd_pernet_proc *p;
	LIST_HEAD(created);
	int err = 0;

	mutex_lock(&kstd_pernet_lock);
	list_for_each_entry(p, &kstd_pernet_entries, link) {
		if (kstd_pernet_has(p, net))
			continue;
		node = kzalloc(sizeof(*node), GFP_KERNEL);
		if (!node) {
			err = -ENOMEM;
			break;
		}
		node->handler = p->handler;
		node->ctx = p->ctx;
		node->net = net;
		node->max_line = p->max_line;
		node->write_cap = p->write_cap;
		node->entry = p;
		/* Owned by /proc/net's owner: the namespace's root where it is mapped. */
		node->pde = proc_create_data(p->name, p->mode, net->proc_net, &kstd_proc_ops, node);
		if (!node->pde) {
			kfree(node);
			err = -ENOMEM;
			break;
		}
		list_add_tail(&node->pernet, &created);
	}
	if (err)
		list_for_each_entry_safe(node, tmp, &created, pernet)
			kstd_pernet_node_remove(node);
	else
		list_splice_tail(&created, &kstd_pernet_nodes);
	mutex_unlock(&kstd_pernet_lock);
	return err;
}

static void kstd_pernet_net_exit(struct net *net)
{
	struct kstd_proc_node *node, *tmp;

	mutex_lock(&kstd_pernet_lock);
	list_for_each_entry_safe(node, tmp, &kstd_pernet_nodes, pernet)
		if (node->net == net)
			kstd_pernet_node_remove(node);
	mutex_unlock(&kstd_pernet_lock);
}

static struct pernet_operations kstd_pernet_ops = {
	.init = kstd_pernet_net_init,
	.exit = kstd_pernet_net_exit,
};

static struct pernet_operations kstd_pernet_walk = {
	.init = kstd_pernet_net_init,
};

/* Forget @p: no namespace creates its file any more, and none has it. */
static void kstd_pernet_forget(struct kstd_pernet_proc *p)
{
	struct kstd_proc_node *node, *tmp;

	mutex_lock(&kstd_pernet_lock);
	list_del(&p->link);
	list_for_each_entry_safe(node, tmp, &kstd_pernet_nodes, pernet)
		if (node->entry == p)
			kstd_pernet_node_remove(node);
	mutex_unlock(&kstd_pernet_lock);
}

struct kstd_pernet_proc *kstd_pernet_proc_register(const char *name, unsigned short mode,
						   const struct kstd_proc_handler *handler,
						   void *ctx, unsigned int max_line, int write_cap)
{
	size_t len = name ? strnlen(name, KSTD_PROC_NAME_MAX) : 0;
	struct kstd_pernet_proc *p;
	int err = kstd_proc_check(handler, write_cap);

	if (err)
		return ERR_PTR(err);
	if (!len)
		return ERR_PTR(-EINVAL);
	if (len == KSTD_PROC_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->handler = handler;
	p->ctx = ctx;
	p->max_line = max_line;
	p->write_cap = write_cap;
	p->mode = mode;
	memcpy(p->name, name, len + 1);

	mutex_lock(&kstd_pernet_reg_lock);
	mutex_lock(&kstd_pernet_lock);
	list_add_tail(&p->link, &kstd_pernet_entries);
	mutex_unlock(&kstd_pernet_lock);
	if (!kstd_pernet_users) {
		/* Its init runs in every live namespace; a failure undoes them all. */
		err = register_pernet_subsys(&kstd_pernet_ops);
	} else {
		err = register_pernet_subsys(&kstd_pernet_walk);
		if (!err)
			unregister_pernet_subsys(&kstd_pernet_walk);
	}
	if (err)
		kstd_pernet_forget(p);
	else
		kstd_pernet_users++;
	mutex_unlock(&kstd_pernet_reg_lock);
	if (err) {
		kfree(p);
		return ERR_PTR(err);
	}
	return p;
}

void kstd_pernet_proc_unregister(struct kstd_pernet_proc *p)
{
	if (!p)
		return;
	mutex_lock(&kstd_pernet_reg_lock);
	kstd_pernet_forget(p);
	if (!--kstd_pernet_users)
		unregister_pernet_subsys(&kstd_pernet_ops);
	mutex_unlock(&kstd_pernet_reg_lock);
	kfree(p);
}
