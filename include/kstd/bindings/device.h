/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/device.h - C helpers for misc devices and user-space copies.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 * Implemented in lib/helpers/device.c; used by <kstd/user_span.hpp> and
 * <kstd/device.hpp>.
 */
#ifndef KSTD_BINDINGS_DEVICE_H
#define KSTD_BINDINGS_DEVICE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct iov_iter;
struct file;
struct poll_table_struct;
struct wait_queue_head;

/* --- user-space copies (all may sleep: they may fault pages in) --- */

/*
 * copy_from_user()/copy_to_user() with the user address as a number (C++
 * never holds a __user pointer): the number of bytes NOT copied.
 */
unsigned long kstd_user_copy_in(void *to, unsigned long from, unsigned long n) KSTD_NOEXCEPT;
unsigned long kstd_user_copy_out(unsigned long to, const void *from,
				 unsigned long n) KSTD_NOEXCEPT;
/* copy_from_iter()/copy_to_iter(): the bytes copied (short on a fault). */
__SIZE_TYPE__ kstd_iter_copy_in(void *to, __SIZE_TYPE__ n, struct iov_iter *from) KSTD_NOEXCEPT;
__SIZE_TYPE__ kstd_iter_copy_out(const void *from, __SIZE_TYPE__ n,
				 struct iov_iter *to) KSTD_NOEXCEPT;
/* iov_iter_count(): the bytes left. */
__SIZE_TYPE__ kstd_iter_count(const struct iov_iter *i) KSTD_NOEXCEPT;

/* --- misc devices --- */

/*
 * The operations of one kind of misc device, implemented in C++
 * (<kstd/device.hpp>), a constant table per handler type.  @ctx is the
 * object registered with the device, @state what open() made for one open
 * file.  All run in process context and may sleep.
 *
 * open: make the per-open state for @ctx into *@state: 0 or a negative
 *       errno.  Called under the kernel's misc_mtx.  Never NULL.
 * release: destroy @state (the last close of the file).  Never NULL.
 * read/write: read_iter/write_iter: the bytes copied or a negative errno;
 *       @pos is the file position, @nonblock O_NONBLOCK.  NULL: -EINVAL.
 * ioctl: the command @cmd with the user argument @arg.  NULL: -ENOTTY.
 * poll: register with the wait queues through kstd_poll_wait() and return
 *       the KSTD_POLL* mask.  NULL: readable and writable.
 */
struct kstd_misc_ops {
	int (*open)(void *ctx, unsigned int f_flags, void **state);
	void (*release)(void *state);
	long (*read)(void *state, struct iov_iter *to, long long *pos, int nonblock);
	long (*write)(void *state, struct iov_iter *from, long long *pos, int nonblock);
	long (*ioctl)(void *state, unsigned int cmd, unsigned long arg);
	unsigned int (*poll)(void *state, struct file *file, struct poll_table_struct *pt);
};

/* poll bits: the user-space ABI values (device.c checks them against EPOLL*). */
#define KSTD_POLLIN 0x0001u
#define KSTD_POLLPRI 0x0002u
#define KSTD_POLLOUT 0x0004u
#define KSTD_POLLERR 0x0008u
#define KSTD_POLLHUP 0x0010u
#define KSTD_POLLRDNORM 0x0040u
#define KSTD_POLLWRNORM 0x0100u

/* open() flags (the user-space ABI values of x86 and UML; device.c checks them). */
#define KSTD_O_ACCMODE 00000003u
#define KSTD_O_WRONLY 00000001u
#define KSTD_O_RDWR 00000002u
#define KSTD_O_NONBLOCK 00004000u

/* The ioctl number layout of asm-generic/ioctl.h (device.c checks it). */
#define KSTD_IOC_NRSHIFT 0u
#define KSTD_IOC_TYPESHIFT 8u
#define KSTD_IOC_SIZESHIFT 16u
#define KSTD_IOC_DIRSHIFT 30u
#define KSTD_IOC_SIZEMASK 0x3fffu
#define KSTD_IOC_NONE 0u
#define KSTD_IOC_WRITE 1u
#define KSTD_IOC_READ 2u

/* The kernel's misc character device major number (MISC_MAJOR). */
#define KSTD_MISC_MAJOR 10u

struct kstd_misc;

/*
 * misc_register() a device /dev/@name (dynamic minor; device node mode
 * @mode) served by @ops for @ctx: the registration or an ERR_PTR().  May
 * sleep.
 */
struct kstd_misc *kstd_misc_register(const char *name, unsigned short mode,
				     const struct kstd_misc_ops *ops, void *ctx) KSTD_NOEXCEPT;
/*
 * misc_deregister(), then wait until every file opened on it is released
 * (so @ctx is no longer used), then free it.  May sleep.
 */
void kstd_misc_deregister(struct kstd_misc *misc) KSTD_NOEXCEPT;
/* The device's minor number. */
int kstd_misc_minor(const struct kstd_misc *misc) KSTD_NOEXCEPT;
/* Files currently open on it. */
int kstd_misc_open_files(const struct kstd_misc *misc) KSTD_NOEXCEPT;

/* poll_wait(): add @pt's waiter for @file to @wq.  Any context poll() runs in. */
void kstd_poll_wait(struct file *file, struct wait_queue_head *wq,
		    struct poll_table_struct *pt) KSTD_NOEXCEPT;

/*
 * capable(@cap): does the current task hold capability @cap (a KSTD_CAP_*
 * number of <kstd/bindings/kernel_if.h>) in the initial user namespace?
 * 1 or 0; -EINVAL for a number that is no capability.  Process context.
 */
int kstd_capable(int cap) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
