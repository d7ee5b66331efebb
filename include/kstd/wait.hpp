// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file wait.hpp
 * @brief kstd::wait_queue over struct wait_queue_head: sleep until a C++
 *        predicate holds (wait_event() and friends), with a timeout.
 *
 * @noop example(mailbox &box, msg &m)
 * @code
 * struct msg {
 *         kstd::list_node link;
 * };
 * struct mailbox {
 *         kstd::wait_queue readers{"mailbox.readers"};
 *         kstd::locked<kstd::intrusive_list<&msg::link>> queue{"mailbox.queue"};
 * };
 *
 * // consumer, may sleep: -ETIMEDOUT after 1 s, -ERESTARTSYS on a signal
 * KSTD_TRY(box.readers.wait_interruptible_for(
 *         [&] { return !box.queue.lock()->empty(); }, kstd::secs(1)));
 *
 * // producer, any context: change the state first, then wake
 * box.queue.lock()->push_back(m);
 * box.readers.wake_up();
 * @endcode
 *
 * The wait loop is the kernel's ___wait_event(): the predicate is evaluated
 * after the task is queued and its state set, so a wake_up() between the
 * check and the sleep is never lost.  The predicate therefore runs with the
 * task state set: it must not sleep (taking a spinlock is fine, a mutex is
 * not).  A kthread that waits should include kstd::kthread::should_stop()
 * in its predicate: kthread_stop() wakes it.
 *
 * wake_up*() are safe in any context; wait*() might sleep (process context).
 * On PREEMPT_RT the queue's lock is a spinlock_t, which sleeps there:
 * wake_up*() then not under a kstd::raw_spinlock or in true hard-interrupt
 * context (use a kstd::completion there, whose lock is raw).
 * Neither copyable nor movable; one lockdep class per declaration.
 */
#ifndef KSTD_WAIT_HPP
#define KSTD_WAIT_HPP

#include <kstd/bindings.h>
#include <kstd/jiffies.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** struct wait_queue_head: a list of tasks sleeping until a condition holds. */
class wait_queue {
public:
	/** init_waitqueue_head().  Any context. */
	template <class Site = decltype([] {})>
	explicit wait_queue(const char *name = "kstd::wait_queue", Site = {}) noexcept
	{
		init(name, detail::site_class<Site>);
	}
	/** Initialise in an explicit lockdep class (see KSTD_LOCK_CLASS()). */
	wait_queue(const char *name, lock_class &cls) noexcept { init(name, cls); }
	wait_queue(const wait_queue &) = delete;
	wait_queue &operator=(const wait_queue &) = delete;

	/**
	 * wake_up(): wake one exclusive waiter and all non-exclusive ones.
	 * Any context; on PREEMPT_RT not in true hardirq context or under a
	 * raw_spinlock.
	 */
	void wake_up() noexcept { __wake_up(raw(), KSTD_TASK_NORMAL, 1, nullptr); }
	/** wake_up_all(): wake every waiter.  Any context; on PREEMPT_RT as wake_up(). */
	void wake_up_all() noexcept { __wake_up(raw(), KSTD_TASK_NORMAL, 0, nullptr); }

	/** wait_event(): sleep uninterruptibly until pred() is true. Might sleep. */
	template <class Pred>
	void wait(Pred &&pred) noexcept
	{
		KSTD_MIGHT_SLEEP();
		(void)run(pred, false, KSTD_MAX_SCHEDULE_TIMEOUT);
	}

	/**
	 * wait_event_timeout(): the jiffies left (at least 1) once pred() is
	 * true, -ETIMEDOUT if it is still false after @p timeout.  Might sleep.
	 */
	template <class Pred>
	[[nodiscard]] result<jiffies> wait_for(Pred &&pred, jiffies timeout) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return to_left(run(pred, false, clamp(timeout)));
	}

	/** wait_event_interruptible(): -ERESTARTSYS on a signal. Might sleep. */
	template <class Pred>
	[[nodiscard]] result<void> wait_interruptible(Pred &&pred) noexcept
	{
		KSTD_MIGHT_SLEEP();
		long r = run(pred, true, KSTD_MAX_SCHEDULE_TIMEOUT);
		if (r < 0)
			return error::from_errno(static_cast<int>(r));
		return {};
	}

	/**
	 * wait_event_interruptible_timeout(): the jiffies left, -ETIMEDOUT,
	 * or -ERESTARTSYS on a signal.  Might sleep.
	 */
	template <class Pred>
	[[nodiscard]] result<jiffies> wait_interruptible_for(Pred &&pred, jiffies timeout) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return to_left(run(pred, true, clamp(timeout)));
	}

	/** The kernel's struct wait_queue_head, for C APIs (sk_sleep() & co). */
	// SAFETY: storage_ has struct wait_queue_head's size and alignment
	// (CHECK_LAYOUT in lib/helpers/sync.c) and holds one from init() on.
	[[nodiscard]] ::wait_queue_head *raw() noexcept { return storage_.as<::wait_queue_head>(); }

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		__init_waitqueue_head(raw(), cls.bind_name(name), cls.key());
	}

	template <class Pred>
	long run(Pred &pred, bool interruptible, long timeout) noexcept
	{
		using P = remove_reference_t<Pred>;
		// SAFETY: ctx is &pred, a P, passed only to this lambda, which
		// casts it back to P; kstd_wait_event() calls it before it
		// returns, while pred lives.  The const_cast drops no real
		// const: a const P is cast back to a const P (P keeps its const).
		return kstd_wait_event(
			raw(),
			[](void *ctx) noexcept -> bool { return (*static_cast<P *>(ctx))(); },
			const_cast<void *>(static_cast<const void *>(&pred)), interruptible,
			timeout);
	}

	static long clamp(jiffies timeout) noexcept
	{
		return timeout.count > static_cast<unsigned long>(KSTD_MAX_SCHEDULE_TIMEOUT)
			       ? KSTD_MAX_SCHEDULE_TIMEOUT
			       : static_cast<long>(timeout.count);
	}

	static result<jiffies> to_left(long r) noexcept
	{
		if (r < 0)
			return error::from_errno(static_cast<int>(r));
		if (r == 0)
			return error::timedout();
		return jiffies{static_cast<unsigned long>(r)};
	}

	opaque<KSTD_SIZEOF_WAIT_QUEUE_HEAD, KSTD_ALIGNOF_WAIT_QUEUE_HEAD> storage_;
};

} // namespace kstd

#endif // KSTD_WAIT_HPP
