// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: CMWQ work items and queues, delayed work.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/workqueue.h>.
 *
 * Queueing, flushing and cancelling are the kernel's exported functions,
 * called directly from C++; only initialisation (macros with a static
 * lockdep key per call site), queue allocation (a varargs macro whose flags
 * changed between versions) and teardown live here.
 */
#include <linux/lockdep.h>
#include <linux/sched/task_stack.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

CHECK_LAYOUT(WORK_STRUCT, struct work_struct);
CHECK_LAYOUT(DELAYED_WORK, struct delayed_work);
static_assert(KSTD_WORK_CPU_UNBOUND == WORK_CPU_UNBOUND, "stale layout");
static_assert(KSTD_WQ_UNBOUND == WQ_UNBOUND && KSTD_WQ_HIGHPRI == WQ_HIGHPRI, "stale layout");
static_assert(KSTD_WORK_STRUCT_PENDING == WORK_STRUCT_PENDING, "stale layout");
/* C++ reads the pending bit from the first word and treats a delayed_work as its work. */
static_assert(offsetof(struct work_struct, data) == 0, "work_struct.data");
static_assert(offsetof(struct delayed_work, work) == 0, "delayed_work.work");

struct workqueue_struct *kstd_alloc_workqueue(const char *name, unsigned int flags,
					      int max_active, bool ordered)
{
	/* The name is an argument, never a format string. */
	if (ordered)
		return alloc_ordered_workqueue("%s", flags, name);
	return alloc_workqueue("%s", flags, max_active, name);
}

struct workqueue_struct *kstd_system_wq(int which)
{
	switch (which) {
	case KSTD_SYSTEM_UNBOUND_WQ:
		return system_unbound_wq;
	case KSTD_SYSTEM_HIGHPRI_WQ:
		return system_highpri_wq;
	case KSTD_SYSTEM_LONG_WQ:
		return system_long_wq;
	default:
		return system_wq;
	}
}

/*
 * INIT_WORK() with the caller's lockdep class (the macro has one static key
 * per call site, so a helper would put every kstd work item into a single
 * class).  This is __INIT_WORK_KEY(), which 6.1 upstream lacks; objects on
 * the stack are registered as such with debugobjects.
 */
void kstd_init_work(struct work_struct *work, work_func_t func, const char *name,
		    struct lock_class_key *key)
{
	__init_work(work, object_is_on_stack(work));
	work->data = (atomic_long_t)WORK_DATA_INIT();
#ifdef CONFIG_LOCKDEP
	lockdep_init_map(&work->lockdep_map, name, key, 0);
#endif
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
}

/* INIT_DELAYED_WORK(), with lockdep classes for the work and its timer. */
void kstd_init_delayed_work(struct delayed_work *dwork, work_func_t func, const char *name,
			    struct lock_class_key *key, const char *timer_name,
			    struct lock_class_key *timer_key)
{
	kstd_init_work(&dwork->work, func, name, key);
	if (object_is_on_stack(dwork))
		init_timer_on_stack_key(&dwork->timer, delayed_work_timer_fn, TIMER_IRQSAFE,
					timer_name, timer_key);
	else
		init_timer_key(&dwork->timer, delayed_work_timer_fn, TIMER_IRQSAFE,
			       timer_name, timer_key);
}

/*
 * Since 6.10 a work item can be disabled: cancelled, and from then on every
 * attempt to queue or arm it does nothing (queue_work() and
 * mod_delayed_work() return without touching it).  A by-reference item is
 * disabled when it is destroyed, so that the callback of a sibling item of
 * the same object, still running while the object is destroyed, cannot
 * queue one that is already gone: a connection's work re-arming the idle
 * timer that the connection's destructor has just cancelled left the timer
 * armed in freed memory (found by `make stress`, khttpd unloaded under
 * load).  KSTD_HAVE_DISABLE_WORK (kstd.mk) says whether <linux/workqueue.h>
 * declares disable_work() and its three siblings; without them the kernel
 * can only cancel.
 */
#ifdef KSTD_HAVE_DISABLE_WORK
static void kstd_stop_work(struct work_struct *work, bool sync)
{
	if (sync)
		disable_work_sync(work);
	else
		disable_work(work);
}

static void kstd_stop_delayed_work(struct delayed_work *dwork, bool sync)
{
	if (sync)
		disable_delayed_work_sync(dwork);
	else
		disable_delayed_work(dwork);
}
#else
static void kstd_stop_work(struct work_struct *work, bool sync)
{
	if (sync)
		cancel_work_sync(work);
	else
		cancel_work(work);
}

static void kstd_stop_delayed_work(struct delayed_work *dwork, bool sync)
{
	if (sync)
		cancel_delayed_work_sync(dwork);
	else
		cancel_delayed_work(dwork);
}
#endif

/* Whether a destroyed work item is disabled for good (see above). */
bool kstd_work_exit_disables(void)
{
#ifdef KSTD_HAVE_DISABLE_WORK
	return true;
#else
	return false;
#endif
}

/*
 * A work item is going away.  @cancel (work owned by reference): make sure
 * it is neither pending nor running, nor ever queued again (where the
 * kernel can disable work).  From inside its own callback only the pending
 * instance is cancelled: waiting for the running one would wait for
 * ourselves, and the kernel allows a work item to be freed by its callback.
 * Otherwise (work that owned its object): it must not be pending, the queue
 * owns whatever is queued.
 */
void kstd_work_exit(struct work_struct *work, bool cancel)
{
	if (cancel)
		kstd_stop_work(work, current_work() != work);
	else
		WARN_ONCE(work_pending(work), "kstd: owned work item destroyed while queued\n");
	if (object_is_on_stack(work))
		destroy_work_on_stack(work);
}

void kstd_delayed_work_exit(struct delayed_work *dwork, bool cancel)
{
	if (cancel) {
		kstd_stop_delayed_work(dwork, current_work() != &dwork->work);
	} else {
		WARN_ONCE(delayed_work_pending(dwork),
			  "kstd: owned delayed work destroyed while queued\n");
	}
	if (object_is_on_stack(dwork))
		destroy_delayed_work_on_stack(dwork);
}
