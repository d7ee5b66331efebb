// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: CMWQ work items and queues, delayed work.
 * Compiled as kstd-workqueue.o, linked only
 * into modules that call it (kstd.mk); prototypes in
 * <kstd/bindings/workqueue.h>.
 *
 * Why C: INIT_WORK() and alloc_workqueue() are macros (a static lockdep
 * key per call site; varargs).
 *
 * Queueing, flushing and cancelling are the kernel's exported functions,
 * called directly from C++; only initialisation (macros with a static
 * lockdep key per call site), queue allocation (a varargs macro whose flags
 * changed between versions) and teardown live here.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
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

unsigned int kstd_online_cpus(void)
{
	return num_online_cpus();
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
 * Destroying a work item owned by reference must leave it neither pending
 * nor running, and keep it so: two items of one object may queue each
 * other (a connection's work arming its idle timeout, the timeout's work
 * queueing the work), and socket hooks in softirq context queue them too.
 * Cancelling one item, then the other, is not enough: while the first is
 * cancelled the second's callback may still run and queue the first again,
 * which then fires on freed memory (found by `make stress`: khttpd unloaded
 * under load left the idle timer armed in a freed connection).  What is
 * needed is "disable": cancel, and from then on every attempt to queue or
 * arm the item does nothing.
 *
 * Since 6.10 the kernel does that (disable_work_sync() and its siblings;
 * KSTD_HAVE_DISABLE_WORK from kstd.mk).  Before, and wherever a test asks
 * for it, kstd emulates it with a gate per item, struct kstd_work_gate:
 * every queue, arm and re-arm of a gated item goes through
 * kstd_gate_enter()/kstd_gate_leave() around the kernel call, and the
 * destructor closes the gate before it cancels.  The gate is one atomic_t,
 * GATE_CLOSED plus the number of queuers inside:
 *
 *  - enter: a compare-and-swap that adds one queuer only while the gate is
 *    open (fully ordered on success); a closed gate makes the call a no-op
 *    that returns false, as queue_work() on a disabled item does;
 *  - leave: subtract the queuer with release order, after the kernel call
 *    returned: what it did to the item is visible to whoever sees it gone;
 *  - close: set GATE_CLOSED (fully ordered), then wait with acquire order
 *    until no queuer is inside.
 *
 * All three are read-modify-writes of one word, so they are totally
 * ordered: a queuer's enter comes either after the close (it sees
 * GATE_CLOSED and touches nothing) or before it (the closer waits for its
 * leave, and the queue or arming it did is complete before the cancel
 * starts).  After close returns no one can queue or arm the item again,
 * and cancel_work_sync() / cancel_delayed_work_sync() then remove what is
 * pending (a delayed item's armed timer included: the cancel deletes it)
 * and wait for a running callback, which may try to queue its own item or
 * a sibling: this item's gate is closed, so that does nothing.  When the
 * owner is destroyed from outside while a sibling's callback runs (for
 * example `idle` is destroyed first and `work` is still running): idle's
 * gate closes, idle is cancelled and waited for; `work` may then call
 * mod(idle) (a no-op) or queue itself (pending, removed by its own cancel
 * a moment later, after its gate closed too).  Each item's destructor
 * therefore stops that item for good, in any order and whatever the
 * siblings' callbacks, hooks and timers do meanwhile, as long as the
 * owner's memory (the gates) stays until the last destructor returned,
 * which C++ member destruction guarantees.
 *
 * The closer spins while a queuer is inside, so the window must be short
 * and never preempted: queuers run it with preemption disabled (the
 * kernel calls inside only take raw locks with interrupts off, so any
 * context is fine, hard interrupts included).  A queuer interrupting the
 * closer on its CPU finishes before the closer resumes; one on another CPU
 * is a few hundred instructions from leaving.  The destructor runs in
 * process context, preemptible (it may sleep in the cancel anyway).
 *
 * Cost: gated queueing is two atomic operations and a call more than the
 * kernel's own queue_work_on(); C++ uses it only on kernels without
 * disable_work() (and in the KUnit cases that test the gate), everywhere
 * else it calls the kernel directly.
 */
struct kstd_work_gate {
	atomic_t state;
};

CHECK_LAYOUT(WORK_GATE, struct kstd_work_gate);
#ifdef KSTD_HAVE_DISABLE_WORK
static_assert(KSTD_KERNEL_DISABLES_WORK == 1, "stale layout");
#else
static_assert(KSTD_KERNEL_DISABLES_WORK == 0, "stale layout");
#endif

#define GATE_CLOSED (1 << 30)

void kstd_work_gate_init(struct kstd_work_gate *gate)
{
	atomic_set(&gate->state, 0);
}

static bool kstd_gate_enter(struct kstd_work_gate *gate)
{
	int old = atomic_read(&gate->state);

	do {
		if (old & GATE_CLOSED)
			return false;
	} while (!atomic_try_cmpxchg(&gate->state, &old, old + 1));
	return true;
}

static void kstd_gate_leave(struct kstd_work_gate *gate)
{
	atomic_fetch_sub_release(1, &gate->state);
}

/* No queuer gets in any more, and none is inside: the item stays as it is now. */
static void kstd_gate_close(struct kstd_work_gate *gate)
{
	atomic_fetch_or(GATE_CLOSED, &gate->state);
	atomic_cond_read_acquire(&gate->state, VAL == GATE_CLOSED);
}

bool kstd_gated_queue_work(struct kstd_work_gate *gate, int cpu, struct workqueue_struct *wq,
			   struct work_struct *work)
{
	bool queued = false;

	preempt_disable();
	if (kstd_gate_enter(gate)) {
		queued = queue_work_on(cpu, wq, work);
		kstd_gate_leave(gate);
	}
	preempt_enable();
	return queued;
}

bool kstd_gated_queue_delayed_work(struct kstd_work_gate *gate, int cpu,
				   struct workqueue_struct *wq, struct delayed_work *dwork,
				   unsigned long delay)
{
	bool queued = false;

	preempt_disable();
	if (kstd_gate_enter(gate)) {
		queued = queue_delayed_work_on(cpu, wq, dwork, delay);
		kstd_gate_leave(gate);
	}
	preempt_enable();
	return queued;
}

bool kstd_gated_mod_delayed_work(struct kstd_work_gate *gate, int cpu,
				 struct workqueue_struct *wq, struct delayed_work *dwork,
				 unsigned long delay)
{
	bool was_pending = false;

	preempt_disable();
	if (kstd_gate_enter(gate)) {
		was_pending = mod_delayed_work_on(cpu, wq, dwork, delay);
		kstd_gate_leave(gate);
	}
	preempt_enable();
	return was_pending;
}

/*
 * A work item is going away.  @how: KSTD_WORK_EXIT_OWNED (work that owned
 * its object): it must not be pending, the queue owns whatever is queued.
 * KSTD_WORK_EXIT_DISABLE (by reference, 6.10+): disable_work_sync().
 * KSTD_WORK_EXIT_GATE (by reference, @gate): close the gate, then cancel
 * (see above).  From inside its own callback only the pending instance is
 * cancelled: waiting for the running one would wait for ourselves, and the
 * kernel allows a work item to be freed by its callback.
 */
void kstd_work_exit(struct work_struct *work, int how, struct kstd_work_gate *gate)
{
	bool sync = current_work() != work;

	switch (how) {
	case KSTD_WORK_EXIT_DISABLE:
#ifdef KSTD_HAVE_DISABLE_WORK
		if (sync)
			disable_work_sync(work);
		else
			disable_work(work);
		break;
#else
		WARN_ONCE(1, "kstd: this kernel cannot disable work\n");
		fallthrough;
#endif
	case KSTD_WORK_EXIT_GATE:
		if (gate)
			kstd_gate_close(gate);
		if (sync)
			cancel_work_sync(work);
		else
			cancel_work(work);
		break;
	default:
		WARN_ONCE(work_pending(work), "kstd: owned work item destroyed while queued\n");
		break;
	}
	if (object_is_on_stack(work))
		destroy_work_on_stack(work);
}

void kstd_delayed_work_exit(struct delayed_work *dwork, int how, struct kstd_work_gate *gate)
{
	bool sync = current_work() != &dwork->work;

	switch (how) {
	case KSTD_WORK_EXIT_DISABLE:
#ifdef KSTD_HAVE_DISABLE_WORK
		if (sync)
			disable_delayed_work_sync(dwork);
		else
			disable_delayed_work(dwork);
		break;
#else
		WARN_ONCE(1, "kstd: this kernel cannot disable work\n");
		fallthrough;
#endif
	case KSTD_WORK_EXIT_GATE:
		if (gate)
			kstd_gate_close(gate);
		if (sync)
			cancel_delayed_work_sync(dwork);
		else
			cancel_delayed_work(dwork);
		break;
	default:
		WARN_ONCE(delayed_work_pending(dwork),
			  "kstd: owned delayed work destroyed while queued\n");
		break;
	}
	if (object_is_on_stack(dwork))
		destroy_delayed_work_on_stack(dwork);
}
