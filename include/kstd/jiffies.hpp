// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file jiffies.hpp
 * @brief kstd::jiffies, a delay or timeout in timer ticks, and its
 *        conversions from milliseconds and seconds.
 *
 * Delays (delayed work, timers) and timeouts (completions, wait queues) are
 * counted in jiffies, ticks of the kernel's HZ clock.  A kstd::jiffies is a
 * distinct type, so a millisecond count cannot be passed where ticks are
 * meant: build one with kstd::msecs(), kstd::secs() or kstd::jiffies{n}.
 *
 * @noop example(kstd::completion &done)
 * @code
 * kstd::jiffies t0 = kstd::jiffies::now();
 * auto left = done.wait_for(kstd::msecs(500));         // result<kstd::jiffies>
 * if (!left)
 *         return left.error();                         // -ETIMEDOUT
 * kstd_pr_info("done after %u ms\n", kstd::jiffies::now().since(t0).to_msecs());
 * @endcode
 *
 * Everything here is usable in any context.  When HZ divides 1000 (100, 250,
 * 1000, ...), msecs() is constexpr and rounds up exactly like the kernel's
 * msecs_to_jiffies(); otherwise it calls the kernel's __msecs_to_jiffies().
 */
#ifndef KSTD_JIFFIES_HPP
#define KSTD_JIFFIES_HPP

#include <kstd/bindings.h>
#include <kstd/utility.hpp>

namespace kstd {

/** A number of timer ticks (1/HZ s): a delay, a timeout or a point in time. */
struct jiffies {
	/// The number of ticks.
	unsigned long count = 0;

	/** The kernel's HZ: ticks per second. */
	static constexpr unsigned long hz = KSTD_HZ;

	/** The current value of the kernel's jiffies counter (wraps). */
	[[nodiscard]] static jiffies now() noexcept { return {::jiffies}; }
	/** MAX_SCHEDULE_TIMEOUT: a timeout that never expires. */
	[[nodiscard]] static constexpr jiffies forever() noexcept
	{
		return {static_cast<unsigned long>(KSTD_MAX_SCHEDULE_TIMEOUT)};
	}
	/** The longest delay timers accept (MAX_JIFFY_OFFSET). */
	[[nodiscard]] static constexpr jiffies max_delay() noexcept
	{
		return {static_cast<unsigned long>(KSTD_MAX_JIFFY_OFFSET)};
	}

	/** Ticks elapsed since @p earlier (wrap-safe, like time_after()). */
	[[nodiscard]] jiffies since(jiffies earlier) const noexcept
	{
		return {count - earlier.count};
	}
	/** jiffies_to_msecs(). */
	[[nodiscard]] unsigned int to_msecs() const noexcept { return jiffies_to_msecs(count); }

	/** The sum (a point in time plus a delay, or two delays). */
	constexpr jiffies operator+(jiffies o) const noexcept { return {count + o.count}; }
	/** Same tick count. */
	constexpr bool operator==(const jiffies &) const noexcept = default;
	/**
	 * @name Ordering of durations
	 * Not of wrapping points in time: compare those with since().
	 */
	///@{
	/** Shorter than @p o. */
	constexpr bool operator<(jiffies o) const noexcept { return count < o.count; }
	/** Not longer than @p o. */
	constexpr bool operator<=(jiffies o) const noexcept { return count <= o.count; }
	/** Longer than @p o. */
	constexpr bool operator>(jiffies o) const noexcept { return count > o.count; }
	/** Not shorter than @p o. */
	constexpr bool operator>=(jiffies o) const noexcept { return count >= o.count; }
	///@}
};

/** msecs_to_jiffies(): rounds up, saturates at MAX_JIFFY_OFFSET. */
[[nodiscard]] constexpr jiffies msecs(unsigned int ms) noexcept
{
	if constexpr (KSTD_HZ <= 1000 && 1000 % KSTD_HZ == 0) {
		constexpr unsigned long per_tick = 1000 / KSTD_HZ;
		if (static_cast<int>(ms) < 0)
			return jiffies::max_delay();
		return {(ms + per_tick - 1) / per_tick};
	} else {
		return {__msecs_to_jiffies(ms)};
	}
}

/** @p s seconds in jiffies (saturating at MAX_JIFFY_OFFSET). */
[[nodiscard]] constexpr jiffies secs(unsigned int s) noexcept
{
	unsigned long j;
	if (__builtin_mul_overflow(static_cast<unsigned long>(s), jiffies::hz, &j) ||
	    j > static_cast<unsigned long>(KSTD_MAX_JIFFY_OFFSET))
		return jiffies::max_delay();
	return {j};
}

} // namespace kstd

#endif // KSTD_JIFFIES_HPP
