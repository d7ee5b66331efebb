/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel services khttpd's KUnit suites need that kstd does not wrap
 * (fs_helpers.c): loopback, and a document root in a private ramfs that
 * the test builds and changes.  Paths are relative to the mount's root.
 * Test code only; process context, may sleep.
 */
#ifndef KHTTPD_KUNIT_FS_HELPERS_H
#define KHTTPD_KUNIT_FS_HELPERS_H

#ifdef __cplusplus
extern "C" {
#define KHTTPD_NOEXCEPT noexcept
#else
#define KHTTPD_NOEXCEPT
#endif

struct vfsmount;
struct file;

/* Bring lo up (kunit.py's UML boots with it down); 0 or -errno. */
int khttpd_kunit_loopback_up(void) KHTTPD_NOEXCEPT;

/* A private ramfs instance (an error pointer on failure), and its end. */
struct vfsmount *khttpd_kunit_mount_ramfs(void) KHTTPD_NOEXCEPT;
void khttpd_kunit_umount(struct vfsmount *mnt) KHTTPD_NOEXCEPT;
/*
 * Create @path: @kind 'f' a file holding @data[0, @len), 'd' a directory,
 * 'l' a symbolic link to @data, 'p' a FIFO; @mode for 'f', 'd', 'p'.
 */
int khttpd_kunit_make(struct vfsmount *mnt, const char *path, char kind, const char *data,
		      __SIZE_TYPE__ len, unsigned int mode) KHTTPD_NOEXCEPT;
/* Open the directory @path for reading (an error pointer on failure). */
struct file *khttpd_kunit_open_dir(struct vfsmount *mnt, const char *path) KHTTPD_NOEXCEPT;
/* Truncate the file @path and write @data[0, @len) into it: same inode. */
int khttpd_kunit_rewrite(struct vfsmount *mnt, const char *path, const char *data,
			 __SIZE_TYPE__ len) KHTTPD_NOEXCEPT;
/* Remove the file @path. */
int khttpd_kunit_unlink(struct vfsmount *mnt, const char *path) KHTTPD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KHTTPD_NOEXCEPT
#endif
