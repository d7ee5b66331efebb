// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file random.hpp
 * @brief kstd::random_u32(): unpredictable numbers from the kernel's CRNG,
 *        for hash seeds and anything an attacker must not guess.
 *
 * @code
 * // A hash table keyed by what clients send: seed it once, at creation,
 * // so that no client can aim its keys at one bucket offline.
 * struct table {
 *         kstd::u32 seed = kstd::random_u32();
 * };
 * @endcode
 *
 * Any context (softirq and hardirq included).  Early in boot, before the
 * CRNG is seeded, the numbers are weaker (the kernel warns with
 * CONFIG_WARN_ALL_UNSEEDED_RANDOM); a module loaded from user space runs
 * long after that.
 */
#ifndef KSTD_RANDOM_HPP
#define KSTD_RANDOM_HPP

#include <kstd/bindings.h>
#include <kstd/types.hpp>

namespace kstd {

/** 32 random bits from the kernel's CRNG (get_random_u32()).  Any context. */
[[nodiscard]] inline u32 random_u32() noexcept
{
	return ::get_random_u32();
}

} // namespace kstd

#endif // KSTD_RANDOM_HPP
