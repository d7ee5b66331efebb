// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file counter.hpp
 * @brief kstd::stat_counter, a 64-bit statistics counter bumped from any
 *        context and read without a lock.
 *
 * For the numbers a module shows in /proc or sysfs (bytes, requests,
 * errors): relaxed atomic additions, like the kernel's atomic64_add() on a
 * statistics field (kstd::atomic<u64>::add(); a kstd::atomic<u64> with
 * only the operations a statistic needs).  Relaxed means a reader sees each counter's own value
 * correctly but no ordering between counters or with other memory: not for
 * reference counts (kstd::refcount) or for anything a decision depends on
 * across CPUs.
 *
 * @noop example(stats &st, kstd::seq_file &m, u64 n)
 * @code
 * struct stats {
 *         kstd::stat_counter requests, bytes_sent;
 * };
 * st.requests.add();                        // any context, IRQ included
 * st.bytes_sent.add(n);
 * m.printf("requests: %llu\n", st.requests.get());
 * @endcode
 *
 * Zero bytes are a stat_counter's initial state, so structs of them may
 * live in zero-filled storage such as kstd::pernet_storage.
 */
#ifndef KSTD_COUNTER_HPP
#define KSTD_COUNTER_HPP

#include <kstd/atomic.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** A u64 counter: relaxed atomic add/sub/get.  Any context.  Not copyable. */
class stat_counter {
public:
	constexpr stat_counter() noexcept = default;
	stat_counter(const stat_counter &) = delete;
	stat_counter &operator=(const stat_counter &) = delete;

	/** Add @p n (wraps modulo 2^64). */
	void add(u64 n = 1) noexcept { v_.add(n); }
	/** Subtract @p n (for gauges such as open connections). */
	void sub(u64 n = 1) noexcept { v_.sub(n); }
	/** The current value (a snapshot). */
	[[nodiscard]] u64 get() const noexcept { return v_.load_relaxed(); }

private:
	atomic<u64> v_;
};

/** A stat_counter's initial state is zero bytes (see kstd::pernet_storage). */
// SAFETY: a stat_counter is one atomic<u64> whose constructor stores 0, and
// it has nothing to destroy: zero-filled memory is a constructed one.
template <>
inline constexpr bool zero_bytes_valid<stat_counter> = true;

} // namespace kstd

#endif // KSTD_COUNTER_HPP
