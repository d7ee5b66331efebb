// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: reading files beneath a root directory, zero-copy sends of
 * file data to a socket, directory listings.  Compiled as kstd-file.o, linked only
 * into modules that call it (kstd.mk); prototypes in <kstd/bindings/file.h>.
 *
 * Why C: struct path, file, cred, pipe_inode_info, dir_context and the
 * splice descriptor are structs C++ cannot see, and override_creds(),
 * pipe_buf_*() and iov_iter setup are inlines over their fields.  Copies of
 * kernel internals here: the splice-to-socket actor (see its comment) and,
 * on 6.1, the vfs_path_lookup() declaration.
 *
 * Confinement.  kstd_file_open_beneath() resolves a name with
 * vfs_path_lookup() from the root and LOOKUP_BENEATH | LOOKUP_NO_MAGICLINKS,
 * the flags behind openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): the
 * walk fails with -EXDEV as soon as "..", an absolute symbolic link or a
 * relative one would leave the root, refuses magic links, retries nothing
 * on a racing rename or mount (-EAGAIN), and checks at the end that the
 * result lies beneath the root.  vfs_path_lookup(), dentry_open() and the
 * LOOKUP_* flags are the same in Linux 6.1 and 6.12.  Only regular files
 * and directories are opened (a FIFO would block, a device could have side
 * effects).
 *
 * Permissions.  The lookup checks search permission on every directory with
 * the caller's credentials, but dentry_open() checks nothing, so the open
 * checks read permission itself (path_permission(MAY_OPEN | MAY_READ), as
 * open(2)'s may_open() does); a kworker's credentials are root's and pass
 * everything, which is why a server overrides them (kstd_cred_*() below).
 * The open is non-blocking: a lease held by another opener (fcntl
 * F_SETLEASE) is broken but not waited for, -EWOULDBLOCK (== -EAGAIN) at
 * once, as open(O_NONBLOCK) gives user space.  O_NONBLOCK then stays in
 * f_flags; reads and splices of regular files ignore it.
 */
#include <linux/bvec.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/path.h>
#include <linux/pipe_fs_i.h>
#include <linux/sched/task.h>
#include <linux/securebits.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/stat.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>

#ifndef KSTD_HAVE_NAMEI_VFS_PATH_LOOKUP
/*
 * Exported by both kernels, but declared in <linux/namei.h> only since 6.2
 * (6.1 has it in fs/internal.h): repeat its declaration where the header
 * lacks it (kstd.mk's KSTD_HAVE_NAMEI_VFS_PATH_LOOKUP; 6.12 has it).
 */
int vfs_path_lookup(struct dentry *dentry, struct vfsmount *mnt, const char *name,
		    unsigned int flags, struct path *path);
#endif

static_assert(KSTD_S_IFMT == S_IFMT && KSTD_S_IFREG == S_IFREG && KSTD_S_IFDIR == S_IFDIR &&
	      KSTD_S_IFLNK == S_IFLNK && KSTD_S_IROTH == S_IROTH && KSTD_S_IXOTH == S_IXOTH,
	      "st_mode bits");
static_assert(KSTD_DT_UNKNOWN == DT_UNKNOWN && KSTD_DT_DIR == DT_DIR && KSTD_DT_REG == DT_REG &&
	      KSTD_DT_LNK == DT_LNK, "d_type values");

/* ---- lookup roots ------------------------------------------------------ */

int kstd_path_open_dir(const char *name, struct path **res)
{
	struct path *p;
	int err;

	*res = NULL;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	err = kern_path(name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, p);
	if (err) {
		kfree(p);
		return err;
	}
	*res = p;
	return 0;
}

int kstd_path_of_file(struct file *dir, struct path **res)
{
	struct path *p;

	*res = NULL;
	if (!d_can_lookup(dir->f_path.dentry))
		return -ENOTDIR;
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	*p = dir->f_path;
	path_get(p);
	*res = p;
	return 0;
}

void kstd_path_free(struct path *path)
{
	if (!path)
		return;
	path_put(path);
	kfree(path);
}

/* ---- opening ----------------------------------------------------------- */

int kstd_file_getattr(struct file *file, struct kstd_file_attr *attr)
{
	struct kstat st;
	int err = vfs_getattr(&file->f_path, &st, STATX_BASIC_STATS, AT_STATX_SYNC_AS_STAT);

	if (err)
		return err;
	attr->size = st.size;
	attr->mtime = st.mtime.tv_sec;
	attr->mode = st.mode;
	return 0;
}

static int kstd_file_finish_open(struct file *f, struct file **res, struct kstd_file_attr *attr)
{
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (attr) {
		int err = kstd_file_getattr(f, attr);

		if (err) {
			fput(f);
			return err;
		}
	}
	*res = f;
	return 0;
}

int kstd_file_open_beneath(const struct path *root, const char *name, struct file **res,
			   struct kstd_file_attr *attr)
{
	struct path path;
	struct file *f;
	int err;

	*res = NULL;
	err = vfs_path_lookup(root->dentry, root->mnt, name,
			      LOOKUP_FOLLOW | LOOKUP_BENEATH | LOOKUP_NO_MAGICLINKS, &path);
	if (err)
		return err;
	if (!d_is_reg(path.dentry) && !d_is_dir(path.dentry)) {
		path_put(&path);
		return -EACCES;
	}
	err = path_permission(&path, MAY_OPEN | MAY_READ);
	if (err) {
		path_put(&path);
		return err;
	}
	f = dentry_open(&path, O_RDONLY | O_LARGEFILE | O_NONBLOCK, current_cred());
	path_put(&path);
	return kstd_file_finish_open(f, res, attr);
}

int kstd_file_open(const char *name, struct file **res)
{
	*res = NULL;
	return kstd_file_finish_open(filp_open(name, O_RDONLY | O_LARGEFILE, 0), res, NULL);
}

/* ---- credentials ------------------------------------------------------- */

/*
 * A copy of init_cred (prepare_kernel_cred(&init_task): the kernel's own
 * credentials, as a kworker has them; NULL is refused since 6.2) turned
 * into an unprivileged user's: every uid and gid set, no supplementary
 * groups, no capabilities in any set.  The LSM label stays the kernel's.
 * override_creds() and revert_creds() have these signatures and take and
 * drop their own reference from 2.6.29 to 6.13; since 6.14 they take none
 * and the caller's reference must cover the override (ours do: the object
 * outlives every override).
 */
int kstd_cred_unprivileged(unsigned int uid, unsigned int gid, const struct cred **res)
{
	kuid_t kuid = make_kuid(&init_user_ns, uid);
	kgid_t kgid = make_kgid(&init_user_ns, gid);
	struct group_info *groups;
	struct cred *new;

	*res = NULL;
	if (!uid_valid(kuid) || !gid_valid(kgid))
		return -EINVAL;
	new = prepare_kernel_cred(&init_task);
	if (!new)
		return -ENOMEM;
	groups = groups_alloc(0);
	if (!groups) {
		abort_creds(new);
		return -ENOMEM;
	}
	set_groups(new, groups);
	put_group_info(groups);
	new->uid = new->euid = new->suid = new->fsuid = kuid;
	new->gid = new->egid = new->sgid = new->fsgid = kgid;
	new->securebits = SECUREBITS_DEFAULT;
	cap_clear(new->cap_inheritable);
	cap_clear(new->cap_permitted);
	cap_clear(new->cap_effective);
	cap_clear(new->cap_bset);
	cap_clear(new->cap_ambient);
	*res = new;
	return 0;
}

const struct cred *kstd_cred_override(const struct cred *cred)
{
	return override_creds(cred);
}

void kstd_cred_revert(const struct cred *old)
{
	revert_creds(old);
}

void kstd_cred_put(const struct cred *cred)
{
	if (cred)
		put_cred(cred);
}

unsigned int kstd_cred_fsuid(void)
{
	return from_kuid_munged(&init_user_ns, current_fsuid());
}

/* ---- reading ----------------------------------------------------------- */

long kstd_file_read(struct file *file, void *buf, size_t len, long long *pos)
{
	loff_t p = *pos;
	ssize_t n = kernel_read(file, buf, len, &p);

	if (n > 0)
		*pos = p;
	return n;
}

/* The socket and flags a splice sends to. */
struct kstd_splice_target {
	struct socket *sock;
	unsigned int flags;
};

/*
 * The actor that empties the pipe into the socket.  sendfile() itself ends
 * in do_splice_direct() (exported), which needs a struct file for the
 * output, and the socket's splice_write, splice_to_socket() (6.5+), is not
 * exported and takes that file too (sock_from_file()): a kernel socket has
 * none.  So the actor is ours, on the exported splice_direct_to_actor(),
 * and one of two, by kernel feature (kstd.mk):
 *
 *  - KSTD_HAVE_KERNEL_SENDPAGE (before 6.5, e.g. 6.1): TCP sends a page
 *    without copying only through kernel_sendpage() (see
 *    kstd_sock_send_page()), one pipe buffer at a time, with the exported
 *    __splice_from_pipe() walking the pipe, as the kernel's own sendfile()
 *    does there.
 *  - KSTD_HAVE_SPLICE_TO_SOCKET (6.5+, e.g. 6.12): a copy of the loop of
 *    splice_to_socket() (fs/splice.c) over the pipe's ring (pipe_empty(),
 *    pipe_buf_confirm(), pipe_buf_release(), head/tail/ring_size), which
 *    no exported function offers without a file.  Exercised by the
 *    kstd_file zero_copy_send cases (short sends that leave a buffer half
 *    consumed, ranges across pipe refills, the bytes compared), which fail
 *    if the ring's rules change under it.
 *
 * A kernel with neither is refused at build time.
 */
#if !defined(KSTD_HAVE_KERNEL_SENDPAGE) && !defined(KSTD_HAVE_SPLICE_TO_SOCKET)
#error "kstd: neither kernel_sendpage() nor splice_to_socket(): update kstd_splice_socket_actor()"
#endif
#ifndef KSTD_HAVE_KERNEL_SENDPAGE
/*
 * What the internal pipe holds (referenced page-cache pages) into the
 * socket, up to 16 buffers per sendmsg(MSG_SPLICE_PAGES), as
 * splice_to_socket() does for sendfile(): one socket lock and one push
 * decision per batch instead of per page (measured: per-page sends cost
 * twice the CPU time of sendfile() for a 1 MiB response).  The pipe is this
 * task's private one (splice_direct_to_actor()): no pipe lock.  Returns the
 * bytes sent (short when the socket is full); splice_direct_to_actor()
 * releases what is left.
 */
static int kstd_splice_socket_actor(struct pipe_inode_info *pipe, struct splice_desc *sd)
{
	struct kstd_splice_target *t = sd->u.data;
	unsigned int mask = pipe->ring_size - 1;
	size_t left = sd->total_len;
	int spliced = 0, ret = 0, sent;

	while (left) {
		struct msghdr msg = {};
		struct bio_vec bvec[16];
		unsigned int tail = pipe->tail, bc = 0;
		size_t remain = left, asked, unconsumed;

		while (!pipe_empty(pipe->head, tail) && remain && bc < ARRAY_SIZE(bvec)) {
			struct pipe_buffer *buf = &pipe->bufs[tail & mask];
			size_t seg = min_t(size_t, remain, buf->len);

			if (!buf->len) {
				tail++;
				continue;
			}
			ret = pipe_buf_confirm(pipe, buf);
			if (ret || !sendpage_ok(buf->page)) {
				if (ret == -ENODATA)
					ret = 0;
				else if (!ret)
					ret = -EINVAL; /* a slab page cannot be referenced */
				break;
			}
			bvec_set_page(&bvec[bc++], buf->page, seg, buf->offset);
			remain -= seg;
			tail++;
		}
		if (!bc)
			break;
		asked = left - remain;
		msg.msg_flags = t->flags | MSG_SPLICE_PAGES | MSG_NOSIGNAL;
		if (remain || (sd->flags & SPLICE_F_MORE))
			msg.msg_flags |= MSG_MORE;
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, bc, asked);
		sent = sock_sendmsg(t->sock, &msg);
		if (sent <= 0) {
			ret = sent == -ERESTARTSYS ? -EINTR : sent;
			break;
		}
		spliced += sent;
		left -= sent;
		/* Consume what was sent; a partly sent buffer stays, advanced. */
		for (tail = pipe->tail, unconsumed = sent; unconsumed;) {
			struct pipe_buffer *buf = &pipe->bufs[tail & mask];
			size_t seg = min_t(size_t, unconsumed, buf->len);

			buf->offset += seg;
			buf->len -= seg;
			unconsumed -= seg;
			if (!buf->len) {
				pipe_buf_release(pipe, buf);
				tail++;
			}
		}
		pipe->tail = tail;
		if ((size_t)sent < asked) /* the socket is full */
			break;
	}
	return spliced ? spliced : ret;
}
#else
/* One pipe buffer (page-cache pages, referenced) into the socket. */
static int kstd_splice_page_actor(struct pipe_inode_info *pipe, struct pipe_buffer *buf,
				  struct splice_desc *sd)
{
	struct kstd_splice_target *t = sd->u.data;
	unsigned int flags = t->flags;

	if (sd->len < sd->total_len || (sd->flags & SPLICE_F_MORE))
		flags |= MSG_MORE;
	return kstd_sock_send_page(t->sock, buf->page, buf->offset, sd->len, flags);
}

static int kstd_splice_socket_actor(struct pipe_inode_info *pipe, struct splice_desc *sd)
{
	return __splice_from_pipe(pipe, sd, kstd_splice_page_actor);
}
#endif

long kstd_file_splice_to_socket(struct file *file, long long *pos, size_t len,
				struct socket *sock, unsigned int msg_flags)
{
	struct kstd_splice_target t = { .sock = sock, .flags = msg_flags & ~MSG_MORE };
	struct splice_desc sd = {
		.total_len = min_t(size_t, len, MAX_RW_COUNT),
		.flags = (msg_flags & MSG_MORE) ? SPLICE_F_MORE : 0,
		.pos = *pos,
		.u.data = &t,
	};
	ssize_t n;

	if (!len)
		return 0;
	/*
	 * sendfile()'s own path (do_splice_direct()) minus its struct file
	 * for the output: the file's splice_read fills this task's internal
	 * pipe with referenced page-cache pages and the actor hands them to
	 * the socket, which takes its own references (MSG_SPLICE_PAGES or
	 * sendpage).  A short send releases the pages not sent; sd.pos is
	 * then where the next call continues.
	 */
	n = splice_direct_to_actor(file, &sd, kstd_splice_socket_actor);
	if (n > 0)
		*pos = sd.pos;
	return n;
}

/* ---- directories ------------------------------------------------------- */

struct kstd_dir_walk {
	struct dir_context ctx;
	int (*fn)(void *ctx, const char *name, int len, unsigned int type);
	void *arg;
	bool stopped;
};

static bool kstd_dir_actor(struct dir_context *ctx, const char *name, int len, loff_t pos,
			   u64 ino, unsigned int type)
{
	struct kstd_dir_walk *w = container_of(ctx, struct kstd_dir_walk, ctx);

	if (w->fn(w->arg, name, len, type))
		return true;
	w->stopped = true;
	return false;
}

int kstd_file_iterate_dir(struct file *dir,
			  int (*fn)(void *ctx, const char *name, int len, unsigned int type),
			  void *ctx)
{
	struct kstd_dir_walk w = { .ctx.actor = kstd_dir_actor, .fn = fn, .arg = ctx };
	int err = iterate_dir(dir, &w.ctx);

	if (err)
		return err;
	return w.stopped ? 0 : 1;
}

long long kstd_real_seconds(void)
{
	return ktime_get_real_seconds();
}
