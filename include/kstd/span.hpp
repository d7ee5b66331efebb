// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file span.hpp
 * @brief kstd::span<T>: a non-owning view of contiguous elements whose
 *        slicing operations can never reach past the end.
 *
 * A span is a pointer and a count.  first(), last(), subspan() clamp their
 * arguments to the span instead of running off its end, so code that slices
 * input from user space or the network cannot be tricked into an
 * out-of-bounds read by an unchecked length.  operator[] is unchecked, like
 * an array (use it after a size check); at() returns a pointer or nullptr.
 *
 * @noop example runs as a KUnit case
 * @code
 * u8 frame[64] = {};
 * const int ints[4] = {1, 2, 3, 4};
 * kstd::span<u8> all{frame};                  // 64 elements
 * kstd::span<u8> hdr = all.first(14);         // 14 elements
 * kstd::span<u8> body = all.subspan(14);      // the remaining 50
 * kstd::span<u8> none = all.subspan(100);     // empty, not out of bounds
 * kstd::span<const u8> raw = kstd::as_bytes(kstd::span<const int>{ints, 4});
 * @endcode
 *
 * Freestanding: this header includes no kernel header and no generated
 * layout header, so it also compiles on the host (`g++ -std=c++20
 * -ffreestanding`).  Everything is constexpr and usable in any context.
 */
#ifndef KSTD_SPAN_HPP
#define KSTD_SPAN_HPP

#include <kstd/types.hpp>

namespace kstd {

namespace detail {
template <class T>
struct span_unconst {
	using type = T;
};
template <class T>
struct span_unconst<const T> {
	using type = T;
};
} // namespace detail

/** A view of @c size() contiguous T (const T for a read-only view). */
template <class T>
class span {
public:
	/// T, const-qualified for a read-only view.
	using element_type = T;
	/// T without const.
	using value_type = typename detail::span_unconst<T>::type;
	/// A plain pointer.
	using iterator = T *;

	/** An empty span. */
	constexpr span() noexcept = default;
	/** @p size elements at @p data (which may be null only if size is 0). */
	constexpr span(T *data, size_t size) noexcept : data_(data), size_(data ? size : 0) {}
	/** All elements of an array. */
	template <size_t N>
	constexpr span(T (&array)[N]) noexcept : data_(array), size_(N)
	{
	}
	/** A read-only view of a writable span. */
	// clang-format off
	template <class U>
		requires __is_same(const U, T) && (!__is_same(U, T))
	constexpr span(const span<U> &other) noexcept : data_(other.data()), size_(other.size())
	// clang-format on
	{
	}

	/** The first element (null for an empty default span). */
	[[nodiscard]] constexpr T *data() const noexcept { return data_; }
	/** The number of elements. */
	[[nodiscard]] constexpr size_t size() const noexcept { return size_; }
	/** The size in bytes. */
	[[nodiscard]] constexpr size_t size_bytes() const noexcept { return size_ * sizeof(T); }
	/** No elements? */
	[[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }

	/** Element @p i, unchecked: @p i must be below size(). */
	constexpr T &operator[](size_t i) const noexcept { return data_[i]; }
	/** Pointer to element @p i, or nullptr if @p i is out of range. */
	[[nodiscard]] constexpr T *at(size_t i) const noexcept
	{
		return i < size_ ? data_ + i : nullptr;
	}

	/** Iteration: the first element. */
	constexpr iterator begin() const noexcept { return data_; }
	/** Iteration: one past the last element. */
	constexpr iterator end() const noexcept { return data_ + size_; }

	/** The first min(n, size()) elements. */
	[[nodiscard]] constexpr span first(size_t n) const noexcept
	{
		return span(data_, n < size_ ? n : size_);
	}
	/** The last min(n, size()) elements. */
	[[nodiscard]] constexpr span last(size_t n) const noexcept
	{
		size_t k = n < size_ ? n : size_;
		return span(data_ + (size_ - k), k);
	}
	/**
	 * Up to @p count elements from @p offset; empty if @p offset is past
	 * the end, shorter if fewer than @p count remain.
	 */
	[[nodiscard]] constexpr span subspan(size_t offset,
					     size_t count = size_t(-1)) const noexcept
	{
		if (offset >= size_)
			return span(data_ + size_, 0);
		size_t left = size_ - offset;
		return span(data_ + offset, count < left ? count : left);
	}

private:
	T *data_ = nullptr;
	size_t size_ = 0;
};

/** Deduction guide: `kstd::span s(array);` is a span<T> of all N elements. */
template <class T, size_t N>
span(T (&)[N]) -> span<T>;

/** The bytes of a span's elements (object representation), read-only. */
template <class T>
[[nodiscard]] inline span<const u8> as_bytes(span<T> s) noexcept
{
	// SAFETY: any object's bytes may be read through an unsigned char
	// (u8) pointer; the span covers exactly the elements' size_bytes().
	return span<const u8>(reinterpret_cast<const u8 *>(s.data()), s.size_bytes());
}

/** The bytes of a writable span's elements. */
// clang-format off
template <class T>
	requires(!__is_same(const T, T))
[[nodiscard]] inline span<u8> as_writable_bytes(span<T> s) noexcept
// clang-format on
{
	// SAFETY: as as_bytes(); writing bytes is the caller's business: T
	// must stay valid for what is written (trivially copyable data).
	return span<u8>(reinterpret_cast<u8 *>(s.data()), s.size_bytes());
}

} // namespace kstd

#endif // KSTD_SPAN_HPP
