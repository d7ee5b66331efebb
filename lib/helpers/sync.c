// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: kthreads, completions, wait queues, timers, refcounts.
 * Compiled as kstd-sync.o, linked only
 * into modules that call it (kstd.mk); prototypes in
 * <kstd/bindings/sync.h>.
 *
 * Why C: kthread_run(), init_completion(), wait_event*(), timer_setup()
 * are macros (with a static lockdep key per call site), and the timer
 * teardown functions changed names between 6.1 and 6.12 (kstd.mk's
 * feature tests pick them).
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/swait.h>
#include <linux/timer.h>
#include <linux/wait.h>

CHECK_LAYOUT(COMPLETION, struct completion);
CHECK_LAYOUT(WAIT_QUEUE_HEAD, struct wait_queue_head);
CHECK_LAYOUT(TIMER_LIST, struct timer_list);
CHECK_LAYOUT(REFCOUNT, refcount_t);
static_assert(KSTD_HZ == HZ && KSTD_MAX_JIFFY_OFFSET == MAX_JIFFY_OFFSET, "stale layout");
static_assert(KSTD_MAX_SCHEDULE_TIMEOUT == MAX_SCHEDULE_TIMEOUT, "stale layout");
static_assert(KSTD_TASK_NORMAL == TASK_NORMAL, "stale layout");
static_assert(KSTD_REFCOUNT_SATURATED == REFCOUNT_SATURATED, "stale layout");
static_assert(KSTD_REFCOUNT_SUB_UAF == REFCOUNT_SUB_UAF, "stale layout");
/* C++ does the refcount fast paths with __atomic builtins on this int. */
static_assert(sizeof(refcount_t) == sizeof(int) && offsetof(refcount_t, refs.counter) == 0,
	      "refcount_t");

/* ---- kthread ----------------------------------------------------------- */

/*
 * kthread_run(), but holding a task reference: the thread may return before
 * kthread_stop() is called, and then kthread_stop() needs the task_struct
 * to still exist.  The reference is taken before the thread can run.
 */
struct task_struct *kstd_kthread_run(int (*fn)(void *data), void *data, const char *name)
{
	struct task_struct *task = kthread_create(fn, data, "%s", name);

	if (IS_ERR(task))
		return task;
	get_task_struct(task);
	wake_up_process(task);
	return task;
}

/* kthread_stop_put() (6.6): KSTD_HAVE_KTHREAD_STOP_PUT from kstd.mk. */
int kstd_kthread_stop_put(struct task_struct *task)
{
#ifdef KSTD_HAVE_KTHREAD_STOP_PUT
	return kthread_stop_put(task);
#else
	int ret = kthread_stop(task);

	put_task_struct(task);
	return ret;
#endif
}

/* ---- struct completion ------------------------------------------------- */

/* init_completion(), with the caller's lockdep class for the wait lock. */
void kstd_init_completion(struct completion *x, const char *name, struct lock_class_key *key)
{
	x->done = 0;
	__init_swait_queue_head(&x->wait, name, key);
}

void kstd_reinit_completion(struct completion *x)
{
	reinit_completion(x);
}

/* ---- struct wait_queue_head -------------------------------------------- */

/*
 * wait_event*() with the condition behind a function pointer: the loop of
 * ___wait_event() with ___wait_cond_timeout(), including its fast path.
 */
long kstd_wait_event(struct wait_queue_head *wq_head, bool (*cond)(void *ctx), void *ctx,
		     bool interruptible, long timeout)
{
	unsigned int state = interruptible ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE;
	struct wait_queue_entry entry;
	long ret = timeout;

	might_sleep();
	if (cond(ctx))
		return ret ? ret : 1;

	init_wait_entry(&entry, 0);
	for (;;) {
		long intr = prepare_to_wait_event(wq_head, &entry, state);
		bool done = cond(ctx);

		if (done && !ret)
			ret = 1;
		if (done || !ret)
			break;
		if (interruptible && intr)
			return intr; /* prepare_to_wait_event() dequeued us */
		ret = schedule_timeout(ret);
	}
	finish_wait(wq_head, &entry);
	return ret;
}

/* ---- struct timer_list ------------------------------------------------- */

void kstd_timer_init(struct timer_list *timer, void (*func)(struct timer_list *),
		     unsigned int flags, const char *name, struct lock_class_key *key)
{
	if (object_is_on_stack(timer))
		init_timer_on_stack_key(timer, func, flags, name, key);
	else
		init_timer_key(timer, func, flags, name, key);
}

/*
 * del_timer()/del_timer_sync() became timer_delete()/timer_delete_sync() in
 * 6.2, and 6.1.y has them by backport; timer_shutdown_sync() likewise.
 * kstd.mk finds them in the headers (KSTD_HAVE_TIMER_DELETE and
 * KSTD_HAVE_TIMER_SHUTDOWN).
 */
int kstd_timer_delete(struct timer_list *timer)
{
#ifdef KSTD_HAVE_TIMER_DELETE
	return timer_delete(timer);
#else
	return del_timer(timer);
#endif
}

int kstd_timer_delete_sync(struct timer_list *timer)
{
#ifdef KSTD_HAVE_TIMER_DELETE
	return timer_delete_sync(timer);
#else
	return del_timer_sync(timer);
#endif
}

bool kstd_timer_pending(const struct timer_list *timer)
{
	return timer_pending(timer);
}

void kstd_timer_exit(struct timer_list *timer)
{
#ifdef KSTD_HAVE_TIMER_SHUTDOWN
	timer_shutdown_sync(timer);
#else
	del_timer_sync(timer);
#endif
	if (object_is_on_stack(timer))
		destroy_timer_on_stack(timer);
}

/* ---- refcount_t -------------------------------------------------------- */

/* The cold path of the inline refcount operations: saturate and WARN. */
void kstd_refcount_warn_saturate(refcount_t *r, int type)
{
	refcount_warn_saturate(r, (enum refcount_saturation_type)type);
}
