/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/sync.h - C helpers for kthreads, completions, wait queues, timers, refcounts.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * Exported kernel functions that C++ calls directly are declared here too;
 * lib/helpers/sync.c compiles them next to the kernel's own declarations.
 * bool is the kernel's (<linux/types.h> comes first on the C side).
 */
#ifndef KSTD_BINDINGS_SYNC_H
#define KSTD_BINDINGS_SYNC_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct completion;
struct wait_queue_head;
struct timer_list;
struct task_struct;
struct refcount_struct;
struct lock_class_key;

/* --- time --- */
extern volatile unsigned long jiffies;
unsigned long __msecs_to_jiffies(const unsigned int m) KSTD_NOEXCEPT;
unsigned int jiffies_to_msecs(const unsigned long j) KSTD_NOEXCEPT;

/* --- random numbers --- */
unsigned int get_random_u32(void) KSTD_NOEXCEPT;
void msleep(unsigned int msecs) KSTD_NOEXCEPT;
unsigned long msleep_interruptible(unsigned int msecs) KSTD_NOEXCEPT;

/* --- kthread --- */
/* kthread_create() + get_task_struct() + wake_up_process(): the caller owns a task reference. */
struct task_struct *kstd_kthread_run(int (*fn)(void *data), void *data,
				     const char *name) KSTD_NOEXCEPT;
/* kthread_stop() and drop the reference from kstd_kthread_run(). */
int kstd_kthread_stop_put(struct task_struct *task) KSTD_NOEXCEPT;
bool kthread_should_stop(void) KSTD_NOEXCEPT;
int wake_up_process(struct task_struct *tsk) KSTD_NOEXCEPT;

/* --- struct completion --- */
void kstd_init_completion(struct completion *x, const char *name,
			  struct lock_class_key *key) KSTD_NOEXCEPT;
void kstd_reinit_completion(struct completion *x) KSTD_NOEXCEPT;
void complete(struct completion *x) KSTD_NOEXCEPT;
void complete_all(struct completion *x) KSTD_NOEXCEPT;
void wait_for_completion(struct completion *x) KSTD_NOEXCEPT;
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout) KSTD_NOEXCEPT;
int wait_for_completion_interruptible(struct completion *x) KSTD_NOEXCEPT;
long wait_for_completion_interruptible_timeout(struct completion *x,
					       unsigned long timeout) KSTD_NOEXCEPT;
int wait_for_completion_killable(struct completion *x) KSTD_NOEXCEPT;
bool try_wait_for_completion(struct completion *x) KSTD_NOEXCEPT;
bool completion_done(struct completion *x) KSTD_NOEXCEPT;

/* --- struct wait_queue_head --- */
void __init_waitqueue_head(struct wait_queue_head *wq_head, const char *name,
			   struct lock_class_key *key) KSTD_NOEXCEPT;
int __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key) KSTD_NOEXCEPT;
/*
 * ___wait_event(): sleep in @state_interruptible ? TASK_INTERRUPTIBLE :
 * TASK_UNINTERRUPTIBLE until cond(ctx) is true, for at most @timeout
 * jiffies (MAX_SCHEDULE_TIMEOUT: forever).  Returns the jiffies left (at
 * least 1) when the condition became true, 0 on timeout, -ERESTARTSYS if
 * interrupted.  cond() runs with the task state set: it must not sleep.
 */
long kstd_wait_event(struct wait_queue_head *wq_head, bool (*cond)(void *ctx), void *ctx,
		     bool interruptible, long timeout) KSTD_NOEXCEPT;

/* --- struct timer_list --- */
void kstd_timer_init(struct timer_list *timer, void (*func)(struct timer_list *),
		     unsigned int flags, const char *name,
		     struct lock_class_key *key) KSTD_NOEXCEPT;
int mod_timer(struct timer_list *timer, unsigned long expires) KSTD_NOEXCEPT;
int kstd_timer_delete(struct timer_list *timer) KSTD_NOEXCEPT;
int kstd_timer_delete_sync(struct timer_list *timer) KSTD_NOEXCEPT;
bool kstd_timer_pending(const struct timer_list *timer) KSTD_NOEXCEPT;
/* Shut down (no re-arming any more), wait for the callback, end debug tracking. */
void kstd_timer_exit(struct timer_list *timer) KSTD_NOEXCEPT;

/* --- refcount_t (the fast paths are inline C++) --- */
void kstd_refcount_warn_saturate(struct refcount_struct *r, int type) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
