// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: misc character devices and copies to and from user space.
 * Compiled as kstd-device.o, linked only into modules that call it
 * (kstd.mk); prototypes in <kstd/bindings/device.h>.
 *
 * Why C: struct miscdevice and struct file_operations are kernel layouts,
 * copy_{from,to}_user() and copy_{from,to}_iter() are inlines, poll_wait()
 * is an inline and THIS_MODULE is a macro: C++ sees none of them.
 *
 * One constant file_operations for every kstd misc device, owned by the
 * module this object is linked into (THIS_MODULE: an open file pins the
 * module), forwarding to the C++ handler table of the device the file was
 * opened on.  misc_open() calls our open() under misc_mtx with
 * file->private_data pointing at our struct miscdevice; open() replaces it
 * with a struct kstd_misc_file that outlives the registration if need be:
 * kstd_misc_deregister() waits until the last of them is released, so the
 * handler object is never used after the C++ owner's destructor returns.
 */
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

static_assert(KSTD_POLLIN == (__force unsigned int)EPOLLIN);
static_assert(KSTD_POLLPRI == (__force unsigned int)EPOLLPRI);
static_assert(KSTD_POLLOUT == (__force unsigned int)EPOLLOUT);
static_assert(KSTD_POLLERR == (__force unsigned int)EPOLLERR);
static_assert(KSTD_POLLHUP == (__force unsigned int)EPOLLHUP);
static_assert(KSTD_POLLRDNORM == (__force unsigned int)EPOLLRDNORM);
static_assert(KSTD_POLLWRNORM == (__force unsigned int)EPOLLWRNORM);
static_assert(KSTD_MISC_MAJOR == MISC_MAJOR);
static_assert(KSTD_O_ACCMODE == O_ACCMODE && KSTD_O_WRONLY == O_WRONLY && KSTD_O_RDWR == O_RDWR);
static_assert(KSTD_O_NONBLOCK == O_NONBLOCK);
static_assert(KSTD_IOC_NRSHIFT == _IOC_NRSHIFT && KSTD_IOC_TYPESHIFT == _IOC_TYPESHIFT);
static_assert(KSTD_IOC_SIZESHIFT == _IOC_SIZESHIFT && KSTD_IOC_DIRSHIFT == _IOC_DIRSHIFT);
static_assert(KSTD_IOC_SIZEMASK == _IOC_SIZEMASK);
static_assert(KSTD_IOC_NONE == _IOC_NONE && KSTD_IOC_WRITE == _IOC_WRITE &&
	      KSTD_IOC_READ == _IOC_READ);

/* ---- user-space copies ---------------------------------------------------- */

unsigned long kstd_user_copy_in(void *to, unsigned long from, unsigned long n)
{
	return copy_from_user(to, (const void __user *)from, n);
}

unsigned long kstd_user_copy_out(unsigned long to, const void *from, unsigned long n)
{
	return copy_to_user((void __user *)to, from, n);
}

size_t kstd_iter_copy_in(void *to, size_t n, struct iov_iter *from)
{
	return copy_from_iter(to, n, from);
}

size_t kstd_iter_copy_out(const void *from, size_t n, struct iov_iter *to)
{
	return copy_to_iter(from, n, to);
}

size_t kstd_iter_count(const struct iov_iter *i)
{
	return iov_iter_count(i);
}

int kstd_capable(int cap)
{
	if (!cap_valid(cap))
		return -EINVAL;
	return capable(cap);
}

void kstd_poll_wait(struct file *file, struct wait_queue_head *wq, struct poll_table_struct *pt)
{
	poll_wait(file, wq, pt);
}

/* ---- misc devices ----------------------------------------------------------- */

struct kstd_misc {
	struct miscdevice misc;
	const struct kstd_misc_ops *ops;
	void *ctx;
	atomic_t open_files;		/* kstd_misc_file alive */
	wait_queue_head_t released;	/* woken when open_files drops to 0 */
	char name[];
};

/* One open file: what its callbacks need. */
struct kstd_misc_file {
	struct kstd_misc *dev;
	void *state;			/* the C++ per-open object */
};

static int kstd_misc_open(struct inode *inode, struct file *file)
{
	/* misc_open() set private_data to the miscdevice, under misc_mtx. */
	struct kstd_misc *dev = container_of(file->private_data, struct kstd_misc, misc);
	struct kstd_misc_file *f = kmalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	int err;

	if (!f)
		return -ENOMEM;
	f->dev = dev;
	err = dev->ops->open(dev->ctx, file->f_flags, &f->state);
	if (err) {
		kfree(f);
		return err;
	}
	atomic_inc(&dev->open_files);
	file->private_data = f;
	return 0;
}

static int kstd_misc_release(struct inode *inode, struct file *file)
{
	struct kstd_misc_file *f = file->private_data;
	struct kstd_misc *dev = f->dev;

	dev->ops->release(f->state);
	kfree(f);
	if (atomic_dec_and_test(&dev->open_files))
		wake_up_all(&dev->released);
	return 0;
}

static ssize_t kstd_misc_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct kstd_misc_file *f = iocb->ki_filp->private_data;

	if (!f->dev->ops->read)
		return -EINVAL;
	return f->dev->ops->read(f->state, to, &iocb->ki_pos,
				 !!(iocb->ki_filp->f_flags & O_NONBLOCK));
}

static ssize_t kstd_misc_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct kstd_misc_file *f = iocb->ki_filp->private_data;

	if (!f->dev->ops->write)
		return -EINVAL;
	return f->dev->ops->write(f->state, from, &iocb->ki_pos,
				  !!(iocb->ki_filp->f_flags & O_NONBLOCK));
}

static long kstd_misc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kstd_misc_file *f = file->private_data;

	if (!f->dev->ops->ioctl)
		return -ENOTTY;
	return f->dev->ops->ioctl(f->state, cmd, arg);
}

static __poll_t kstd_misc_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kstd_misc_file *f = file->private_data;

	if (!f->dev->ops->poll)
		return EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	return (__force __poll_t)f->dev->ops->poll(f->state, file, pt);
}

static const struct file_operations kstd_misc_fops = {
	.owner		= THIS_MODULE,
	.open		= kstd_misc_open,
	.release	= kstd_misc_release,
	.read_iter	= kstd_misc_read,
	.write_iter	= kstd_misc_write,
	.unlocked_ioctl	= kstd_misc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= kstd_misc_poll,
	.llseek		= default_llseek,
};

struct kstd_misc *kstd_misc_register(const char *name, unsigned short mode,
				     const struct kstd_misc_ops *ops, void *ctx)
{
	size_t len = strlen(name);
	struct kstd_misc *dev;
	int err;

	if (!len || strchr(name, '/'))
		return ERR_PTR(-EINVAL);
	dev = kzalloc(struct_size(dev, name, len + 1), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	memcpy(dev->name, name, len + 1);
	dev->ops = ops;
	dev->ctx = ctx;
	atomic_set(&dev->open_files, 0);
	init_waitqueue_head(&dev->released);
	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = dev->name;
	dev->misc.fops = &kstd_misc_fops;
	dev->misc.mode = mode;
	err = misc_register(&dev->misc);
	if (err) {
		kfree(dev);
		return ERR_PTR(err);
	}
	return dev;
}

void kstd_misc_deregister(struct kstd_misc *dev)
{
	/* Takes misc_mtx: no open() is running or can start after this. */
	misc_deregister(&dev->misc);
	wait_event(dev->released, atomic_read(&dev->open_files) == 0);
	kfree(dev);
}

int kstd_misc_minor(const struct kstd_misc *dev)
{
	return dev->misc.minor;
}

int kstd_misc_open_files(const struct kstd_misc *dev)
{
	return atomic_read(&dev->open_files);
}
