// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file completion.hpp
 * @brief kstd::completion over struct completion: "this has happened",
 *        signalled once (or for everyone) and waited for with a timeout.
 *
 * @noop example(request &req)
 * @code
 * struct request {
 *         kstd::completion done{"request.done"};
 *         int status = 0;
 * };
 *
 * // the worker, any context:
 * req.status = 0;
 * req.done.complete();
 *
 * // the submitter, may sleep:
 * KSTD_TRY(req.done.wait_for(kstd::msecs(500)));       // -ETIMEDOUT
 * @endcode
 *
 * complete(), complete_all(), try_wait() and done() never sleep and are safe
 * in any context (hardirq included); every wait*() may sleep (process
 * context only).  PREEMPT_RT keeps that (the lock inside is raw), except
 * that complete_all() must not run in true hard-interrupt context there
 * (lockdep_assert_RT_in_threaded_ctx()): its wakeups are unbounded.  A
 * completion is neither copyable nor movable: waiters are
 * linked to its address.  Each declaration gets its own lockdep class for
 * the completion's internal wait lock (see lock.hpp).
 */
#ifndef KSTD_COMPLETION_HPP
#define KSTD_COMPLETION_HPP

#include <kstd/bindings.h>
#include <kstd/jiffies.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** struct completion: a count of "done" events that waiters consume. */
class completion {
public:
	/** init_completion(): not done.  Any context. */
	template <class Site = decltype([] {})>
	explicit completion(const char *name = "kstd::completion", Site = {}) noexcept
	{
		init(name, detail::site_class<Site>);
	}
	/** Initialise in an explicit lockdep class (see KSTD_LOCK_CLASS()). */
	completion(const char *name, lock_class &cls) noexcept { init(name, cls); }
	completion(const completion &) = delete;
	completion &operator=(const completion &) = delete;

	/** complete(): wake one waiter (or let the next wait() pass). Any context. */
	void complete() noexcept { ::complete(raw()); }
	/**
	 * complete_all(): every current and future waiter passes until
	 * reinit().  Any context; on PREEMPT_RT not in true hardirq context.
	 */
	void complete_all() noexcept { ::complete_all(raw()); }
	/** reinit_completion(): back to not done.  No one may be waiting. */
	void reinit() noexcept { kstd_reinit_completion(raw()); }

	/** wait_for_completion(): sleep uninterruptibly until completed. Might sleep. */
	void wait() noexcept
	{
		KSTD_MIGHT_SLEEP();
		wait_for_completion(raw());
	}

	/**
	 * wait_for_completion_timeout(): the jiffies left (at least 1) if it
	 * completed in time, else -ETIMEDOUT.  Might sleep.
	 */
	[[nodiscard]] result<jiffies> wait_for(jiffies timeout) noexcept
	{
		KSTD_MIGHT_SLEEP();
		unsigned long left = wait_for_completion_timeout(raw(), timeout.count);
		if (!left)
			return error::timedout();
		return jiffies{left};
	}

	/** wait_for_completion_interruptible(): -ERESTARTSYS on a signal. Might sleep. */
	[[nodiscard]] result<void> wait_interruptible() noexcept
	{
		KSTD_MIGHT_SLEEP();
		return to_result(wait_for_completion_interruptible(raw()));
	}

	/** wait_for_completion_killable(): -ERESTARTSYS on a fatal signal. Might sleep. */
	[[nodiscard]] result<void> wait_killable() noexcept
	{
		KSTD_MIGHT_SLEEP();
		return to_result(wait_for_completion_killable(raw()));
	}

	/**
	 * wait_for_completion_interruptible_timeout(): the jiffies left,
	 * -ETIMEDOUT, or -ERESTARTSYS on a signal.  Might sleep.
	 */
	[[nodiscard]] result<jiffies> wait_interruptible_for(jiffies timeout) noexcept
	{
		KSTD_MIGHT_SLEEP();
		long left = wait_for_completion_interruptible_timeout(raw(), timeout.count);
		if (left < 0)
			return error::from_errno(static_cast<int>(left));
		if (left == 0)
			return error::timedout();
		return jiffies{static_cast<unsigned long>(left)};
	}

	/** try_wait_for_completion(): consume a completion if one is there. Any context. */
	[[nodiscard]] bool try_wait() noexcept { return try_wait_for_completion(raw()); }
	/** completion_done(): would a wait() pass now (no one consumes it)? Any context. */
	[[nodiscard]] bool done() noexcept { return completion_done(raw()); }

	/** The kernel's struct completion, for C APIs. */
	// SAFETY: storage_ has struct completion's size and alignment
	// (CHECK_LAYOUT in lib/helpers/sync.c) and holds one from init() on.
	[[nodiscard]] ::completion *raw() noexcept { return storage_.as<::completion>(); }

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		kstd_init_completion(raw(), cls.bind_name(name), cls.key());
	}

	opaque<KSTD_SIZEOF_COMPLETION, KSTD_ALIGNOF_COMPLETION> storage_;
};

} // namespace kstd

#endif // KSTD_COMPLETION_HPP
