// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file flags.hpp
 * @brief kstd::flag_set: a typed set of kernel flag bits (GFP_*, WQ_*,
 *        MSG_*, ...), so flags of one kind cannot be passed as another.
 *
 * @noop example runs as a KUnit case
 * @code
 * struct wq_tag;
 * using wq_flags = kstd::flag_set<wq_tag>;
 * inline constexpr wq_flags unbound{KSTD_WQ_UNBOUND};
 * inline constexpr wq_flags highpri{KSTD_WQ_HIGHPRI};
 *
 * wq_flags f = unbound | highpri;
 * if (f.has(unbound))
 *         ...
 * unsigned int raw = f.bits;                  // the raw bits, for C
 * @endcode
 *
 * A literal type, usable in any context.
 */
#ifndef KSTD_FLAGS_HPP
#define KSTD_FLAGS_HPP

namespace kstd {

/** Flag bits of the kind @p Tag; combine with | and &. */
template <class Tag>
struct flag_set {
	/** The kernel's value, for C calls. */
	unsigned int bits = 0;

	/** Union. */
	constexpr flag_set operator|(flag_set o) const noexcept { return {bits | o.bits}; }
	/** Intersection. */
	constexpr flag_set operator&(flag_set o) const noexcept { return {bits & o.bits}; }
	/** Add @p o's bits. */
	constexpr flag_set &operator|=(flag_set o) noexcept
	{
		bits |= o.bits;
		return *this;
	}
	/** Are all of @p o's bits set? */
	[[nodiscard]] constexpr bool has(flag_set o) const noexcept
	{
		return (bits & o.bits) == o.bits;
	}
	/** Is any of @p o's bits set? */
	[[nodiscard]] constexpr bool any(flag_set o) const noexcept { return (bits & o.bits) != 0; }
	/** Is any bit set? */
	constexpr explicit operator bool() const noexcept { return bits != 0; }
	/** Same bits. */
	constexpr bool operator==(const flag_set &) const noexcept = default;
};

} // namespace kstd

#endif // KSTD_FLAGS_HPP
