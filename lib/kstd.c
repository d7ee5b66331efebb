// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd.c - the core of the C helpers behind kstd's C++ wrappers.
 *
 * Why C: kernel headers are C (C++ cannot include them), and what is here
 * are static inlines and macros (spin_lock(), mutex_init(), list_add(),
 * kmalloc()), lockdep keys per call site and layout checks against the real
 * structs, none of which C++ can reach through a prototype.
 *
 * kstd's C part is the only kstd code that includes kernel headers.  It is
 * compiled as C, against the target kernel, one object per area: this file
 * (module entry, diagnostics, memory, locks, lists: kstd-core.o, linked into
 * every module that uses kstd) and lib/helpers/<area>.c (kstd-<area>.o,
 * linked into a module only if the module calls into that area; kstd.mk,
 * "the C helpers").  Each helper wraps a static inline, a macro or an API
 * that changed between kernel versions behind a stable prototype from
 * <kstd/bindings.h>; lib/kstd-helper.h, which every area object starts with,
 * includes that header so the compiler checks every prototype against the
 * kernel's own declarations.
 */
#include "kstd-helper.h"

/*
 * The layout checks of the types this file wraps, and of everything C++
 * takes from layout.h without a helper: kstd-core.o is in every module.
 */
CHECK_LAYOUT(SPINLOCK, spinlock_t);
CHECK_LAYOUT(RAW_SPINLOCK, raw_spinlock_t);
CHECK_LAYOUT(MUTEX, struct mutex);
CHECK_LAYOUT(LOCK_CLASS_KEY, struct lock_class_key);
CHECK_LAYOUT(LIST_HEAD, struct list_head);
static_assert(KSTD_GFP_KERNEL == (__force unsigned int)GFP_KERNEL, "stale layout");
static_assert(KSTD_EAGAIN == EAGAIN && KSTD_MAX_ERRNO == MAX_ERRNO, "stale layout");
#ifndef CONFIG_PREEMPT_RT
/*
 * lock.hpp hands spinlock_t's address to _raw_spin_lock() & co., but only
 * without PREEMPT_RT (KSTD_CONFIG_PREEMPT_RT): there spinlock_t is an
 * rt_mutex, not a raw_spinlock_t.
 */
static_assert(offsetof(spinlock_t, rlock) == 0, "spinlock_t must start with rlock");
#endif
static_assert(KSTD_CONFIG_PREEMPT_RT == IS_ENABLED(CONFIG_PREEMPT_RT), "stale layout");
static_assert(KSTD_CONFIG_DEBUG_ATOMIC_SLEEP == IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP),
	      "stale layout");
/*
 * kstd::error names and numbers every errno of kstd/errno.h from layout.h:
 * each must still be the kernel's value (a layout.h from another kernel),
 * and no two names may share one (error::name() switches on them).
 */
#define ERRNO_ROW(fn, name)						\
	static_assert(KSTD_##name == name && name > 0 && name <= MAX_ERRNO, \
		      "stale layout: " #name);
KSTD_ERRNO_TABLE(ERRNO_ROW)
#undef ERRNO_ROW
/* C++ mirrors struct list_head as two pointers, next first. */
static_assert(offsetof(struct list_head, next) == 0 &&
	      offsetof(struct list_head, prev) == sizeof(void *), "list_head");

/* ---- module entry ------------------------------------------------------ */

/*
 * KSTD_MODULE() defines these in C++.  A module without it (for example a
 * KUnit suite module, which the KUnit core drives) gets these defaults.
 */
int __weak kstd_module_init(void)
{
	return 0;
}

void __weak kstd_module_exit(void)
{
}

static int __init kstd_init(void)
{
	return kstd_module_init();
}

static void __exit kstd_exit(void)
{
	kstd_module_exit();
}

module_init(kstd_init);
module_exit(kstd_exit);

/* ---- diagnostics ------------------------------------------------------- */

void kstd_warn(const char *file, int line, const char *what)
{
	WARN(1, "kstd: %s at %s:%d\n", what, file, line);
}

/*
 * might_sleep() with the C++ caller's file and line; KSTD_MIGHT_SLEEP()
 * calls it only under CONFIG_DEBUG_ATOMIC_SLEEP.
 */
void kstd_might_sleep(const char *file, int line)
{
	__might_sleep(file, line);
	might_resched();
}

int kstd_irqs_disabled(void)
{
	return irqs_disabled();
}

int kstd_in_atomic(void)
{
	return !preemptible();
}

/* ---- memory ------------------------------------------------------------ */

/* kmalloc() is a macro over kmalloc_noprof() since 6.10. */
void *kstd_kmalloc(size_t size, unsigned int gfp)
{
	return kmalloc(size, (__force gfp_t)gfp);
}

void *kstd_kmalloc_array(size_t n, size_t size, unsigned int gfp)
{
	return kmalloc_array(n, size, (__force gfp_t)gfp);
}

/* ---- spinlock_t -------------------------------------------------------- */

/*
 * spin_lock_init() with the caller's lockdep class.  On PREEMPT_RT a
 * spinlock_t is an rt_mutex: spinlock_check() does not exist there and
 * __raw_spin_lock_init() would write a raw_spinlock_t over it, so that
 * branch comes first.  __spin_lock_init() is the RT macro that takes a
 * name and key (6.12 has it); RT kernels without it get its expansion,
 * spelled out in the second branch.
 */
void kstd_spin_lock_init(spinlock_t *lock, const char *name,
			 struct lock_class_key *key)
{
#if defined(CONFIG_PREEMPT_RT) && defined(__spin_lock_init)
	__spin_lock_init(lock, name, key, false);
#elif defined(CONFIG_PREEMPT_RT)
	rt_mutex_base_init(&lock->lock);
	__rt_spin_lock_init(lock, name, key, false);
#elif defined(CONFIG_DEBUG_SPINLOCK)
	__raw_spin_lock_init(spinlock_check(lock), name, key, LD_WAIT_CONFIG);
#else
	spin_lock_init(lock);
#endif
}

void kstd_spin_lock(spinlock_t *lock)
{
	spin_lock(lock);
}

void kstd_spin_unlock(spinlock_t *lock)
{
	spin_unlock(lock);
}

void kstd_spin_lock_bh(spinlock_t *lock)
{
	spin_lock_bh(lock);
}

void kstd_spin_unlock_bh(spinlock_t *lock)
{
	spin_unlock_bh(lock);
}

unsigned long kstd_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void kstd_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

int kstd_spin_trylock(spinlock_t *lock)
{
	return spin_trylock(lock);
}

int kstd_spin_is_locked(spinlock_t *lock)
{
	return spin_is_locked(lock);
}

/* ---- raw_spinlock_t ---------------------------------------------------- */

/*
 * A spinning lock with interrupts/preemption off on every kernel,
 * PREEMPT_RT included.  raw_spin_lock_init() with the caller's class:
 * LD_WAIT_SPIN tells lockdep that nothing under it may sleep, not even an
 * RT spinlock_t.
 */
void kstd_raw_spin_lock_init(raw_spinlock_t *lock, const char *name,
			     struct lock_class_key *key)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	__raw_spin_lock_init(lock, name, key, LD_WAIT_SPIN);
#else
	raw_spin_lock_init(lock);
#endif
}

void kstd_raw_spin_lock(raw_spinlock_t *lock)
{
	raw_spin_lock(lock);
}

void kstd_raw_spin_unlock(raw_spinlock_t *lock)
{
	raw_spin_unlock(lock);
}

unsigned long kstd_raw_spin_lock_irqsave(raw_spinlock_t *lock)
{
	unsigned long flags;

	raw_spin_lock_irqsave(lock, flags);
	return flags;
}

void kstd_raw_spin_unlock_irqrestore(raw_spinlock_t *lock, unsigned long flags)
{
	raw_spin_unlock_irqrestore(lock, flags);
}

int kstd_raw_spin_trylock(raw_spinlock_t *lock)
{
	return raw_spin_trylock(lock);
}

int kstd_raw_spin_is_locked(raw_spinlock_t *lock)
{
	return raw_spin_is_locked(lock);
}

void kstd_raw_spin_assert_held(raw_spinlock_t *lock)
{
	lockdep_assert_held(lock);
}

/* ---- lockdep ----------------------------------------------------------- */

void kstd_lockdep_assert_held(const void *lock, int is_mutex)
{
	if (is_mutex)
		lockdep_assert_held((struct mutex *)lock);
	else
		lockdep_assert_held((spinlock_t *)lock);
}

/* ---- struct mutex ------------------------------------------------------ */

/* mutex_init() with the caller's class: a macro over rt_mutex code on RT. */
void kstd_mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	__mutex_init(lock, name, key);
}

/* With lockdep, mutex_lock() and friends are macros over *_nested(). */
void kstd_mutex_lock(struct mutex *lock)
{
	mutex_lock(lock);
}

int kstd_mutex_lock_interruptible(struct mutex *lock)
{
	return mutex_lock_interruptible(lock);
}

int kstd_mutex_lock_killable(struct mutex *lock)
{
	return mutex_lock_killable(lock);
}

int kstd_mutex_is_locked(struct mutex *lock)
{
	return mutex_is_locked(lock);
}

void kstd_mutex_destroy(struct mutex *lock)
{
	mutex_destroy(lock);
}

/* ---- struct list_head (CONFIG_DEBUG_LIST builds only) ------------------ */

void kstd_list_add(struct list_head *entry, struct list_head *head)
{
	list_add(entry, head);
}

void kstd_list_add_tail(struct list_head *entry, struct list_head *head)
{
	list_add_tail(entry, head);
}

void kstd_list_del_init(struct list_head *entry)
{
	list_del_init(entry);
}
