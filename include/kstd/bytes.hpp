// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file bytes.hpp
 * @brief kstd::copy_bytes(), move_bytes(), fill_bytes(), compare_bytes(),
 *        equal_bytes(): memcpy, memmove, memset and memcmp, by name, over
 *        kstd::span or raw pointers.
 *
 * Backed by __builtin_memcpy & co.: the compiler inlines small constant
 * sizes and otherwise calls the kernel's own memcpy(), memmove(), memset()
 * and memcmp() (with KASAN, the instrumented ones), exactly as C module
 * code gets.
 *
 * The span overloads cannot run past either buffer: they work on the
 * shorter of the two and return how many bytes that was, like span's
 * clamping slices.  The pointer overloads are the C functions, with their
 * preconditions (both ranges valid for @p n bytes; for copy_bytes(), not
 * overlapping).
 *
 * @noop example(const u8 (&mac)[6], char *buf, kstd::size_t used, kstd::size_t len)
 * @code
 * u8 frame[64] = {}, reply[64];
 * kstd::size_t n = kstd::copy_bytes(reply, kstd::span<const u8>{frame}.first(14)); // 14
 * kstd::fill_bytes(kstd::span<u8>{reply}.subspan(n), 0);  // zero the rest
 * if (kstd::equal_bytes(kstd::span<const u8>{frame}.first(6), mac))
 *         kstd_pr_info("for us\n");
 *
 * // The C spelling, for a line buffer: drop the @p used bytes at its front.
 * kstd::move_bytes(buf, buf + used, len - used);
 * @endcode
 *
 * Freestanding (no kernel header, no generated header), so the host tests
 * compile it too.  Any context: none of these sleeps or allocates.
 */
#ifndef KSTD_BYTES_HPP
#define KSTD_BYTES_HPP

#include <kstd/span.hpp>
#include <kstd/types.hpp>

namespace kstd {

/** @name Raw pointers: the C functions under their names */
///@{

// SAFETY: unchecked, like the C functions: the caller guarantees that each
// pointer is valid for @p n bytes (and, for copy_bytes(), that the two
// ranges do not overlap).  The span overloads below are the checked ones.

/** memcpy(): @p n bytes from @p src to @p dst, which must not overlap. */
inline void copy_bytes(void *dst, const void *src, size_t n) noexcept
{
	__builtin_memcpy(dst, src, n);
}

/** memmove(): @p n bytes from @p src to @p dst, which may overlap. */
inline void move_bytes(void *dst, const void *src, size_t n) noexcept
{
	__builtin_memmove(dst, src, n);
}

/** memset(): @p n bytes at @p dst set to @p value. */
inline void fill_bytes(void *dst, u8 value, size_t n) noexcept
{
	__builtin_memset(dst, value, n);
}

/** memcmp(): <0, 0 or >0 as the first differing byte (unsigned) of @p a is lower or higher. */
[[nodiscard]] inline int compare_bytes(const void *a, const void *b, size_t n) noexcept
{
	return __builtin_memcmp(a, b, n);
}

/** memcmp() == 0: the @p n bytes at @p a and @p b are the same. */
[[nodiscard]] inline bool equal_bytes(const void *a, const void *b, size_t n) noexcept
{
	return __builtin_memcmp(a, b, n) == 0;
}
///@}

/**
 * @name Byte spans: bounded by both buffers
 * For other element types, view them with kstd::as_bytes() /
 * kstd::as_writable_bytes().
 */
///@{

/**
 * Copy min(dst.size(), src.size()) bytes (the buffers must not overlap);
 * returns that count.
 */
inline size_t copy_bytes(span<u8> dst, span<const u8> src) noexcept
{
	// SAFETY (all span overloads): each raw call gets a span's own data()
	// with at most its size() bytes, never an empty span's (maybe null)
	// data(); the caller guarantees the span itself is valid.
	size_t n = dst.size() < src.size() ? dst.size() : src.size();
	if (n) /* an empty span's data() may be null, which memcpy() must not get */
		copy_bytes(dst.data(), src.data(), n);
	return n;
}

/** copy_bytes() for buffers that may overlap (memmove()). */
inline size_t move_bytes(span<u8> dst, span<const u8> src) noexcept
{
	size_t n = dst.size() < src.size() ? dst.size() : src.size();
	if (n)
		move_bytes(dst.data(), src.data(), n);
	return n;
}

/** Set every byte of @p dst to @p value. */
inline void fill_bytes(span<u8> dst, u8 value) noexcept
{
	if (!dst.empty())
		fill_bytes(dst.data(), value, dst.size());
}

/**
 * Lexicographic: <0, 0 or >0 as @p a sorts before, equal to or after
 * @p b (bytes unsigned; on a common prefix the shorter sorts first).
 */
[[nodiscard]] inline int compare_bytes(span<const u8> a, span<const u8> b) noexcept
{
	size_t n = a.size() < b.size() ? a.size() : b.size();
	if (int c = n ? compare_bytes(a.data(), b.data(), n) : 0)
		return c;
	return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

/** Same length and same bytes. */
[[nodiscard]] inline bool equal_bytes(span<const u8> a, span<const u8> b) noexcept
{
	return a.size() == b.size() && (a.empty() || equal_bytes(a.data(), b.data(), a.size()));
}
///@}

} // namespace kstd

#endif // KSTD_BYTES_HPP
