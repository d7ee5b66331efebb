/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/file.h - C helpers for reading files: a directory held as a
 * lookup root, files opened beneath it (never outside), attributes, reads,
 * zero-copy sends to a socket and directory listings.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/file.c.  Errors are negative errnos.
 * Everything here may sleep (process context).
 */
#ifndef KSTD_BINDINGS_FILE_H
#define KSTD_BINDINGS_FILE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct cred;
struct file;
struct path;
struct socket;

/* st_mode bits (the user-space ABI values; file.c checks them). */
enum {
	KSTD_S_IFMT = 0170000,
	KSTD_S_IFREG = 0100000,
	KSTD_S_IFDIR = 0040000,
	KSTD_S_IFLNK = 0120000,
	KSTD_S_IROTH = 0004,
	KSTD_S_IXOTH = 0001,
};

/* d_type of a directory entry (DT_*, the user-space ABI values). */
enum {
	KSTD_DT_UNKNOWN = 0,
	KSTD_DT_DIR = 4,
	KSTD_DT_REG = 8,
	KSTD_DT_LNK = 10,
};

/* What kstd_file_getattr() reports. */
struct kstd_file_attr {
	unsigned long long size;	/* bytes */
	long long mtime;		/* last modification, seconds since the epoch */
	unsigned int mode;		/* type and permission bits, as st_mode */
};

/* --- lookup roots --- */

/*
 * Look up the directory @name (absolute, or relative to the caller's
 * working directory; symbolic links followed) and keep a reference to it in
 * a new struct path, freed with kstd_path_free().  -ENOTDIR if it is not a
 * directory.
 */
int kstd_path_open_dir(const char *name, struct path **res) KSTD_NOEXCEPT;
/* The same for the directory @dir is open on (like openat2()'s dirfd). */
int kstd_path_of_file(struct file *dir, struct path **res) KSTD_NOEXCEPT;
void kstd_path_free(struct path *path) KSTD_NOEXCEPT;

/*
 * Open @name, relative to @root, for reading, with openat2()'s
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS guarantees: no component, ".."
 * or symbolic link (absolute or relative) may leave @root (-EXDEV), magic
 * links (/proc/self/fd/...) fail (-ELOOP); a racing rename that could let
 * ".." escape gives -EAGAIN.  Only regular files and directories are
 * opened (-EACCES for anything else: FIFOs, devices and sockets are never
 * opened).  Permissions are the caller's credentials': search on every
 * directory, read on the result (-EACCES).  Non-blocking: a lease another
 * opener holds is being broken, -EWOULDBLOCK (== -EAGAIN), never waited for.
 * @attr, if not NULL, receives the attributes.
 */
int kstd_file_open_beneath(const struct path *root, const char *name, struct file **res,
			   struct kstd_file_attr *attr) KSTD_NOEXCEPT;

/* Open @name (filp_open(): absolute or relative to the working directory) for reading. */
int kstd_file_open(const char *name, struct file **res) KSTD_NOEXCEPT;

/* --- credentials (subjective, for file access) --- */

/*
 * New credentials of user @uid and group @gid (ids in the initial user
 * namespace): no supplementary groups, no capabilities.  -EINVAL if an id is
 * invalid ((uid_t)-1).  Release with kstd_cred_put().
 */
int kstd_cred_unprivileged(unsigned int uid, unsigned int gid,
			   const struct cred **res) KSTD_NOEXCEPT;
/* override_creds(): @cred become current's subjective credentials; returns the old ones. */
const struct cred *kstd_cred_override(const struct cred *cred) KSTD_NOEXCEPT;
/* revert_creds(): back to @old (what kstd_cred_override() returned). */
void kstd_cred_revert(const struct cred *old) KSTD_NOEXCEPT;
/* put_cred(); NULL is ignored. */
void kstd_cred_put(const struct cred *cred) KSTD_NOEXCEPT;
/* current_fsuid() in the initial user namespace. */
unsigned int kstd_cred_fsuid(void) KSTD_NOEXCEPT;

/* fput(): drop the reference; the file closes when the last one goes. */
void fput(struct file *file) KSTD_NOEXCEPT;

/* --- using an open file --- */
int kstd_file_getattr(struct file *file, struct kstd_file_attr *attr) KSTD_NOEXCEPT;

/* kernel_read() at *@pos: bytes read (0 at the end) or -errno; *@pos advances. */
long kstd_file_read(struct file *file, void *buf, __SIZE_TYPE__ len, long long *pos) KSTD_NOEXCEPT;

/*
 * Send up to @len bytes of @file from *@pos to @sock without copying them
 * (sendfile(2)'s path: the page-cache pages are spliced into the socket),
 * with @msg_flags (MSG_DONTWAIT for a non-blocking send; MSG_MORE is added
 * while more data follows).  Returns the bytes sent, -EAGAIN if none could
 * be, 0 at the end of the file; *@pos advances by what was sent.
 */
long kstd_file_splice_to_socket(struct file *file, long long *pos, __SIZE_TYPE__ len,
				struct socket *sock, unsigned int msg_flags) KSTD_NOEXCEPT;

/*
 * Call @fn(@ctx, name, name_len, d_type) for the directory's entries from
 * its current position on ("." and ".." included), until the end or until
 * @fn returns 0: that entry is not consumed, the next call starts with it.
 * Returns 1 at the end of the directory, 0 when @fn stopped, or -errno.
 */
int kstd_file_iterate_dir(struct file *dir,
			  int (*fn)(void *ctx, const char *name, int len, unsigned int type),
			  void *ctx) KSTD_NOEXCEPT;

/* The current time, seconds since the epoch (ktime_get_real_seconds()). */
long long kstd_real_seconds(void) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
