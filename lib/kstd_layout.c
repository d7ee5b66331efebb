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
/* workqueue / kthread / sync */
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <linux/wait.h>
/* sockets */
#include <linux/net.h>
#include <linux/socket.h>
/* kernel_if: module parameters */
#include <linux/moduleparam.h>
/* kunit.hpp: suites and cases are built in C++ */
#include <kunit/test.h>

/* By path: this file is compiled without kstd's include directory. */
#include "../include/kstd/errno.h"

#define LAYOUT(name, type)						\
	do {								\
		DEFINE(KSTD_SIZEOF_##name, sizeof(type));		\
		DEFINE(KSTD_ALIGNOF_##name, __alignof__(type));		\
	} while (0)

#define CONST(name) DEFINE(KSTD_##name, name)

#define FLAG(name, cfg) DEFINE(KSTD_CONFIG_##name, IS_ENABLED(cfg))

/*
 * _raw_spin_lock() and friends are real, exported functions only with
 * spinlock_api_smp.h (SMP or spinlock debugging), and only where the
 * config does not inline them (see kernel/Kconfig.locks).  They exist on
 * PREEMPT_RT too, for raw_spinlock_t; lock.hpp hands them a spinlock_t
 * only without PREEMPT_RT (KSTD_CONFIG_PREEMPT_RT), where spinlock_t
 * wraps a raw_spinlock_t.
 */
#if defined(CONFIG_SMP) || defined(CONFIG_DEBUG_SPINLOCK)
#define KSTD_SPIN_FN(cond) (cond)
#else
#define KSTD_SPIN_FN(cond) (0 && (cond))
#endif

int main(void);
int main(void)
{
	COMMENT("Embeddable kernel types: size and alignment (size may be 0)");
	LAYOUT(SPINLOCK, spinlock_t);
	LAYOUT(RAW_SPINLOCK, raw_spinlock_t);
	LAYOUT(MUTEX, struct mutex);
	LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
	LAYOUT(LIST_HEAD, struct list_head);
	LAYOUT(WORK_STRUCT, struct work_struct);
	LAYOUT(DELAYED_WORK, struct delayed_work);
	/* struct kstd_work_gate (lib/helpers/workqueue.c) is one atomic_t. */
	LAYOUT(WORK_GATE, atomic_t);
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
	/* Every errno of kstd/errno.h, as KSTD_<NAME>. */
/* Not CONST(name): the argument would be expanded to its number first. */
#define ERRNO_ROW(fn, name) DEFINE(KSTD_##name, name);
	KSTD_ERRNO_TABLE(ERRNO_ROW)
#undef ERRNO_ROW
	BLANK();

	COMMENT("workqueue, kthread, sync");
	LAYOUT(COMPLETION, struct completion);
	LAYOUT(WAIT_QUEUE_HEAD, struct wait_queue_head);
	LAYOUT(TIMER_LIST, struct timer_list);
	LAYOUT(REFCOUNT, refcount_t);
	CONST(WQ_UNBOUND);
	CONST(WQ_FREEZABLE);
	CONST(WQ_MEM_RECLAIM);
	CONST(WQ_HIGHPRI);
	CONST(WQ_CPU_INTENSIVE);
	CONST(WQ_SYSFS);
	CONST(WQ_MAX_ACTIVE);
	CONST(WORK_CPU_UNBOUND);
	CONST(WORK_STRUCT_PENDING);
	CONST(HZ);
	CONST(MAX_JIFFY_OFFSET);
	CONST(MAX_SCHEDULE_TIMEOUT);
	CONST(TASK_NORMAL);
	CONST(REFCOUNT_SATURATED);
	CONST(REFCOUNT_ADD_NOT_ZERO_OVF);
	CONST(REFCOUNT_ADD_OVF);
	CONST(REFCOUNT_ADD_UAF);
	CONST(REFCOUNT_SUB_UAF);
	BLANK();

	COMMENT("sockets");
	CONST(AF_INET);
	CONST(AF_INET6);
	CONST(MSG_PEEK);
	CONST(MSG_DONTWAIT);
	CONST(MSG_WAITALL);
	CONST(MSG_NOSIGNAL);
	CONST(MSG_MORE);
	CONST(SHUT_RD);
	CONST(SHUT_WR);
	CONST(SHUT_RDWR);
	BLANK();

	COMMENT("kernel_if: module parameters (struct kernel_param emitted from C++)");
	LAYOUT(KERNEL_PARAM, struct kernel_param);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_NAME, kernel_param, name);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_MOD, kernel_param, mod);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_OPS, kernel_param, ops);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_PERM, kernel_param, perm);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_LEVEL, kernel_param, level);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_FLAGS, kernel_param, flags);
	OFFSET(KSTD_OFFSETOF_KERNEL_PARAM_ARG, kernel_param, arg);
	LAYOUT(KPARAM_STRING, struct kparam_string);
	OFFSET(KSTD_OFFSETOF_KPARAM_STRING_MAXLEN, kparam_string, maxlen);
	OFFSET(KSTD_OFFSETOF_KPARAM_STRING_STRING, kparam_string, string);
	BLANK();

	COMMENT("Kernel configuration seen by the wrappers");
	FLAG(DEBUG_LIST, CONFIG_DEBUG_LIST);
	FLAG(DEBUG_ATOMIC_SLEEP, CONFIG_DEBUG_ATOMIC_SLEEP);
	FLAG(LOCKDEP, CONFIG_LOCKDEP);
	FLAG(DEBUG_SPINLOCK, CONFIG_DEBUG_SPINLOCK);
	FLAG(SMP, CONFIG_SMP);
	FLAG(PREEMPT_RT, CONFIG_PREEMPT_RT);
	FLAG(DEBUG_LOCK_ALLOC, CONFIG_DEBUG_LOCK_ALLOC);
	BLANK();

	COMMENT("Kernel features (kstd.mk's KSTD_HAVE_*) the wrappers choose by");
#ifdef KSTD_HAVE_DISABLE_WORK
	DEFINE(KSTD_KERNEL_DISABLES_WORK, 1);
#else
	DEFINE(KSTD_KERNEL_DISABLES_WORK, 0);
#endif
	BLANK();

	COMMENT("Out-of-line spinlock entry points C++ may call directly");
	DEFINE(KSTD_HAVE_RAW_SPIN_LOCK_FN, KSTD_SPIN_FN(!IS_ENABLED(CONFIG_INLINE_SPIN_LOCK)));
	DEFINE(KSTD_HAVE_RAW_SPIN_UNLOCK_FN, KSTD_SPIN_FN(IS_ENABLED(CONFIG_UNINLINE_SPIN_UNLOCK)));
	DEFINE(KSTD_HAVE_RAW_SPIN_LOCK_IRQSAVE_FN,
	       KSTD_SPIN_FN(!IS_ENABLED(CONFIG_INLINE_SPIN_LOCK_IRQSAVE)));
	DEFINE(KSTD_HAVE_RAW_SPIN_UNLOCK_IRQRESTORE_FN,
	       KSTD_SPIN_FN(!IS_ENABLED(CONFIG_INLINE_SPIN_UNLOCK_IRQRESTORE)));
	BLANK();

	COMMENT("file: errors of lookups beneath a root");
	CONST(EXDEV);
	BLANK();

	COMMENT("kunit.hpp: struct kunit_case and struct kunit_suite, built in C++");
	LAYOUT(KUNIT_CASE, struct kunit_case);
	LAYOUT(KUNIT_SUITE, struct kunit_suite);
	OFFSET(KSTD_OFFSETOF_KUNIT_CASE_RUN_CASE, kunit_case, run_case);
	OFFSET(KSTD_OFFSETOF_KUNIT_CASE_NAME, kunit_case, name);
	OFFSET(KSTD_OFFSETOF_KUNIT_CASE_GENERATE_PARAMS, kunit_case, generate_params);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_NAME, kunit_suite, name);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_SUITE_INIT, kunit_suite, suite_init);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_SUITE_EXIT, kunit_suite, suite_exit);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_INIT, kunit_suite, init);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_EXIT, kunit_suite, exit);
	OFFSET(KSTD_OFFSETOF_KUNIT_SUITE_TEST_CASES, kunit_suite, test_cases);
	DEFINE(KSTD_SIZEOF_KUNIT_SUITE_NAME, sizeof_field(struct kunit_suite, name));
	CONST(KUNIT_PARAM_DESC_SIZE);
	return 0;
}
