// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generates kstd/layout.h: what C++ must know about the target kernel's
 * types and constants without including its headers.  Compiled to assembly
 * only; Kbuild's filechk_offsets turns the DEFINE() markers into #defines,
 * exactly as for the kernel's own asm-offsets.h.
 */
#define COMPILE_OFFSETS

#include <linux/kbuild.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#define LAYOUT(name, type)						\
	DEFINE(KSTD_SIZEOF_##name, sizeof(type));			\
	DEFINE(KSTD_ALIGNOF_##name, __alignof__(type))

#define CONST(name) DEFINE(KSTD_##name, name)

#define FLAG(name, cfg) DEFINE(KSTD_CONFIG_##name, IS_ENABLED(cfg))

int main(void);
int main(void)
{
	COMMENT("Embeddable kernel types: size and alignment (size may be 0)");
	LAYOUT(SPINLOCK, spinlock_t);
	LAYOUT(MUTEX, struct mutex);
	LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
	LAYOUT(LIST_HEAD, struct list_head);
	LAYOUT(WORK_STRUCT, struct work_struct);
	LAYOUT(DELAYED_WORK, struct delayed_work);
	BLANK();

	COMMENT("Allocation");
	DEFINE(KSTD_GFP_KERNEL, (__force unsigned int)GFP_KERNEL);
	DEFINE(KSTD_GFP_ATOMIC, (__force unsigned int)GFP_ATOMIC);
	DEFINE(KSTD_GFP_NOWAIT, (__force unsigned int)GFP_NOWAIT);
	DEFINE(KSTD_GFP_NOIO, (__force unsigned int)GFP_NOIO);
	DEFINE(KSTD_GFP_NOFS, (__force unsigned int)GFP_NOFS);
	DEFINE(KSTD_GFP_KERNEL_ACCOUNT, (__force unsigned int)GFP_KERNEL_ACCOUNT);
	DEFINE(KSTD_GFP_ZERO, (__force unsigned int)__GFP_ZERO);
	DEFINE(KSTD_GFP_NOWARN, (__force unsigned int)__GFP_NOWARN);
	DEFINE(KSTD_GFP_RETRY_MAYFAIL, (__force unsigned int)__GFP_RETRY_MAYFAIL);
	DEFINE(KSTD_KMALLOC_MINALIGN, ARCH_KMALLOC_MINALIGN);
	DEFINE(KSTD_KMALLOC_MAX_SIZE, KMALLOC_MAX_SIZE);
	BLANK();

	COMMENT("Errors");
	CONST(MAX_ERRNO);
	CONST(EPERM);
	CONST(ENOENT);
	CONST(ESRCH);
	CONST(EINTR);
	CONST(EIO);
	CONST(ENXIO);
	CONST(E2BIG);
	CONST(EBADF);
	CONST(EAGAIN);
	CONST(ENOMEM);
	CONST(EACCES);
	CONST(EFAULT);
	CONST(EBUSY);
	CONST(EEXIST);
	CONST(ENODEV);
	CONST(ENOTDIR);
	CONST(EISDIR);
	CONST(EINVAL);
	CONST(ENFILE);
	CONST(EMFILE);
	CONST(EFBIG);
	CONST(ENOSPC);
	CONST(ESPIPE);
	CONST(EROFS);
	CONST(EPIPE);
	CONST(ERANGE);
	CONST(EDEADLK);
	CONST(ENAMETOOLONG);
	CONST(ENOSYS);
	CONST(ENOTEMPTY);
	CONST(ELOOP);
	CONST(ENODATA);
	CONST(ETIME);
	CONST(EOVERFLOW);
	CONST(EBADMSG);
	CONST(EILSEQ);
	CONST(ENOTSOCK);
	CONST(EDESTADDRREQ);
	CONST(EMSGSIZE);
	CONST(EPROTOTYPE);
	CONST(ENOPROTOOPT);
	CONST(EPROTONOSUPPORT);
	CONST(EOPNOTSUPP);
	CONST(EAFNOSUPPORT);
	CONST(EADDRINUSE);
	CONST(EADDRNOTAVAIL);
	CONST(ENETDOWN);
	CONST(ENETUNREACH);
	CONST(ECONNABORTED);
	CONST(ECONNRESET);
	CONST(ENOBUFS);
	CONST(EISCONN);
	CONST(ENOTCONN);
	CONST(ESHUTDOWN);
	CONST(ETIMEDOUT);
	CONST(ECONNREFUSED);
	CONST(EHOSTUNREACH);
	CONST(EALREADY);
	CONST(EINPROGRESS);
	CONST(ECANCELED);
	CONST(ERESTARTSYS);
	BLANK();

	COMMENT("Kernel configuration seen by the wrappers");
	FLAG(DEBUG_LIST, CONFIG_DEBUG_LIST);
	FLAG(LOCKDEP, CONFIG_LOCKDEP);
	FLAG(DEBUG_SPINLOCK, CONFIG_DEBUG_SPINLOCK);
	FLAG(SMP, CONFIG_SMP);
	FLAG(PREEMPT_RT, CONFIG_PREEMPT_RT);
	return 0;
}
