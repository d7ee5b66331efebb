/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings.h - the C/C++ boundary.
 *
 * Prototypes of the C helpers in lib/kstd.c and lib/helpers/ (compiled as
 * C against the target kernel) and of the few exported kernel functions
 * that C++ calls directly.  This header is valid C and C++ and includes nothing: kernel
 * types appear only as incomplete struct tags with their real names, so the
 * C side compiles these prototypes next to the kernel's own declarations and
 * the compiler proves that they match (which also keeps kCFI type hashes
 * identical).  C++ code never includes <linux/...>; it includes the
 * kstd wrappers (kstd/<name>.hpp), which include this.
 *
 * Conventions: sizes are __SIZE_TYPE__ (the kernel's size_t), GFP flags are
 * unsigned int (gfp_t without its sparse annotation), errors are negative
 * errnos.
 */
#ifndef KSTD_BINDINGS_H
#define KSTD_BINDINGS_H

#include <kstd/layout.h>

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct spinlock;
struct mutex;
struct lock_class_key;
struct list_head;

/* --- module entry: defined in C++ by KSTD_MODULE(), called by kstd.c --- */
int kstd_module_init(void) KSTD_NOEXCEPT;
void kstd_module_exit(void) KSTD_NOEXCEPT;

/* --- diagnostics --- */
int _printk(const char *fmt, ...) KSTD_NOEXCEPT __attribute__((format(printf, 1, 2)));
int __printk_ratelimit(const char *func) KSTD_NOEXCEPT;
void kstd_warn(const char *file, int line, const char *what) KSTD_NOEXCEPT;
void kstd_might_sleep(const char *file, int line) KSTD_NOEXCEPT;
int kstd_irqs_disabled(void) KSTD_NOEXCEPT;
/* !preemptible(): false under an RT spinlock_t and in RT's softirq threads. */
int kstd_in_atomic(void) KSTD_NOEXCEPT;

/* --- memory --- */
void *kstd_kmalloc(__SIZE_TYPE__ size, unsigned int gfp) KSTD_NOEXCEPT;
void *kstd_kmalloc_array(__SIZE_TYPE__ n, __SIZE_TYPE__ size, unsigned int gfp) KSTD_NOEXCEPT;
void kfree(const void *p) KSTD_NOEXCEPT;
__SIZE_TYPE__ ksize(const void *p) KSTD_NOEXCEPT;

/* --- spinlock_t --- */
void kstd_spin_lock_init(struct spinlock *lock, const char *name,
			 struct lock_class_key *key) KSTD_NOEXCEPT;
void kstd_spin_lock(struct spinlock *lock) KSTD_NOEXCEPT;
void kstd_spin_unlock(struct spinlock *lock) KSTD_NOEXCEPT;
void kstd_spin_lock_bh(struct spinlock *lock) KSTD_NOEXCEPT;
void kstd_spin_unlock_bh(struct spinlock *lock) KSTD_NOEXCEPT;
unsigned long kstd_spin_lock_irqsave(struct spinlock *lock) KSTD_NOEXCEPT;
void kstd_spin_unlock_irqrestore(struct spinlock *lock, unsigned long flags) KSTD_NOEXCEPT;
int kstd_spin_trylock(struct spinlock *lock) KSTD_NOEXCEPT;
int kstd_spin_is_locked(struct spinlock *lock) KSTD_NOEXCEPT;
void kstd_lockdep_assert_held(const void *lockdep_owner, int is_mutex) KSTD_NOEXCEPT;

/* --- raw_spinlock_t: spins on every kernel, PREEMPT_RT included --- */
struct raw_spinlock;
void kstd_raw_spin_lock_init(struct raw_spinlock *lock, const char *name,
			     struct lock_class_key *key) KSTD_NOEXCEPT;
void kstd_raw_spin_lock(struct raw_spinlock *lock) KSTD_NOEXCEPT;
void kstd_raw_spin_unlock(struct raw_spinlock *lock) KSTD_NOEXCEPT;
unsigned long kstd_raw_spin_lock_irqsave(struct raw_spinlock *lock) KSTD_NOEXCEPT;
void kstd_raw_spin_unlock_irqrestore(struct raw_spinlock *lock,
				     unsigned long flags) KSTD_NOEXCEPT;
int kstd_raw_spin_trylock(struct raw_spinlock *lock) KSTD_NOEXCEPT;
int kstd_raw_spin_is_locked(struct raw_spinlock *lock) KSTD_NOEXCEPT;
void kstd_raw_spin_assert_held(struct raw_spinlock *lock) KSTD_NOEXCEPT;

/*
 * The kernel's out-of-line raw spinlock functions, called directly (no
 * helper hop) where the configuration has them (KSTD_HAVE_RAW_SPIN_*_FN,
 * PREEMPT_RT included).  kstd::spinlock passes its spinlock_t to them only
 * without PREEMPT_RT, where spinlock_t starts with its raw_spinlock
 * (checked in kstd.c); on RT it is an rt_mutex.
 */
#if KSTD_HAVE_RAW_SPIN_LOCK_FN
void _raw_spin_lock(struct raw_spinlock *lock) KSTD_NOEXCEPT;
#endif
#if KSTD_HAVE_RAW_SPIN_UNLOCK_FN
void _raw_spin_unlock(struct raw_spinlock *lock) KSTD_NOEXCEPT;
#endif
#if KSTD_HAVE_RAW_SPIN_LOCK_IRQSAVE_FN
unsigned long _raw_spin_lock_irqsave(struct raw_spinlock *lock) KSTD_NOEXCEPT;
#endif
#if KSTD_HAVE_RAW_SPIN_UNLOCK_IRQRESTORE_FN
void _raw_spin_unlock_irqrestore(struct raw_spinlock *lock, unsigned long flags) KSTD_NOEXCEPT;
#endif

/* --- struct mutex --- */
/* __mutex_init() is a function on most configs but a macro on PREEMPT_RT. */
void kstd_mutex_init(struct mutex *lock, const char *name,
		     struct lock_class_key *key) KSTD_NOEXCEPT;
void kstd_mutex_lock(struct mutex *lock) KSTD_NOEXCEPT;
#if !KSTD_CONFIG_DEBUG_LOCK_ALLOC
/* Without lockdep, mutex_lock() is an exported function: no helper hop. */
void mutex_lock(struct mutex *lock) KSTD_NOEXCEPT;
#endif
int kstd_mutex_lock_interruptible(struct mutex *lock) KSTD_NOEXCEPT;
int kstd_mutex_lock_killable(struct mutex *lock) KSTD_NOEXCEPT;
int mutex_trylock(struct mutex *lock) KSTD_NOEXCEPT;
void mutex_unlock(struct mutex *lock) KSTD_NOEXCEPT;
int kstd_mutex_is_locked(struct mutex *lock) KSTD_NOEXCEPT;
void kstd_mutex_destroy(struct mutex *lock) KSTD_NOEXCEPT;

/* --- struct list_head, used when CONFIG_DEBUG_LIST wants its checks --- */
void kstd_list_add(struct list_head *entry, struct list_head *head) KSTD_NOEXCEPT;
void kstd_list_add_tail(struct list_head *entry, struct list_head *head) KSTD_NOEXCEPT;
void kstd_list_del_init(struct list_head *entry) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT

/* One header per area; each is also usable on its own. */
#include <kstd/bindings/device.h>
#include <kstd/bindings/file.h>
#include <kstd/bindings/genetlink.h>
#include <kstd/bindings/hash_table.h>
#include <kstd/bindings/kernel_if.h>
#include <kstd/bindings/kunit.h>
#include <kstd/bindings/percpu.h>
#include <kstd/bindings/pernet.h>
#include <kstd/bindings/rcu.h>
#include <kstd/bindings/socket.h>
#include <kstd/bindings/sync.h>
#include <kstd/bindings/tcp_diag.h>
#include <kstd/bindings/workqueue.h>

#endif /* KSTD_BINDINGS_H */
