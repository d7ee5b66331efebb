// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loopback and a private ramfs document root for khttpd's KUnit suites
 * (fs_helpers.h).
 */
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "fs_helpers.h"

int khttpd_kunit_loopback_up(void)
{
	struct net_device *lo = init_net.loopback_dev;
	int err = 0;

	rtnl_lock();
	if (!(lo->flags & IFF_UP))
		err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	return err;
}

struct vfsmount *khttpd_kunit_mount_ramfs(void)
{
	struct file_system_type *type = get_fs_type("ramfs");
	struct vfsmount *mnt;

	if (!type)
		return ERR_PTR(-ENODEV);
	mnt = kern_mount(type);
	module_put(type->owner); /* put_filesystem() is not exported */
	return mnt;
}

void khttpd_kunit_umount(struct vfsmount *mnt)
{
	kern_unmount(mnt);
}

/* The parent directory of @path, locked, and the dentry of its last name. */
static struct dentry *lookup_last(struct vfsmount *mnt, const char *path, struct path *parent)
{
	const char *slash = strrchr(path, '/');
	const char *last = slash ? slash + 1 : path;
	struct dentry *d;
	char *dir;
	int err;

	dir = kstrndup(path, slash ? slash - path : 0, GFP_KERNEL);
	if (!dir)
		return ERR_PTR(-ENOMEM);
	err = vfs_path_lookup(mnt->mnt_root, mnt, *dir ? dir : ".", LOOKUP_DIRECTORY, parent);
	kfree(dir);
	if (err)
		return ERR_PTR(err);
	inode_lock_nested(d_inode(parent->dentry), I_MUTEX_PARENT);
	d = lookup_one_len(last, parent->dentry, strlen(last));
	if (IS_ERR(d)) {
		inode_unlock(d_inode(parent->dentry));
		path_put(parent);
	}
	return d;
}

static void unlock_parent(struct path *parent, struct dentry *d)
{
	dput(d);
	inode_unlock(d_inode(parent->dentry));
	path_put(parent);
}

int khttpd_kunit_rewrite(struct vfsmount *mnt, const char *path, const char *data, size_t len)
{
	struct file *f = file_open_root_mnt(mnt, path, O_WRONLY | O_TRUNC, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = len ? kernel_write(f, data, len, &pos) : 0;
	__fput_sync(f);
	if (n != len)
		return n < 0 ? n : -EIO;
	return 0;
}

int khttpd_kunit_make(struct vfsmount *mnt, const char *path, char kind, const char *data,
		      size_t len, unsigned int mode)
{
	struct path parent;
	struct inode *dir;
	struct dentry *d = lookup_last(mnt, path, &parent);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	dir = d_inode(parent.dentry);
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
	unlock_parent(&parent, d);
	if (!err && kind == 'f' && len)
		err = khttpd_kunit_rewrite(mnt, path, data, len);
	return err;
}

struct file *khttpd_kunit_open_dir(struct vfsmount *mnt, const char *path)
{
	return file_open_root_mnt(mnt, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}

int khttpd_kunit_unlink(struct vfsmount *mnt, const char *path)
{
	struct path parent;
	struct dentry *d = lookup_last(mnt, path, &parent);
	int err;

	if (IS_ERR(d))
		return PTR_ERR(d);
	err = d_really_is_positive(d) ?
		vfs_unlink(&nop_mnt_idmap, d_inode(parent.dentry), d, NULL) : -ENOENT;
	unlock_parent(&parent, d);
	return err;
}
