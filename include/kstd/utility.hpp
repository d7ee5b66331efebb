// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file utility.hpp
 * @brief The freestanding basics kstd is built on: sizes, move/forward,
 *        type traits, placement new, opaque storage for kernel objects.
 *
 * Kernel C++ is compiled with `-nostdinc -nostdinc++`: no libstdc++ headers
 * exist, so the few std pieces a library needs are provided here, in
 * namespace kstd, built on compiler intrinsics.  Everything here is
 * constexpr-friendly and usable in any context (atomic or not).
 */
#ifndef KSTD_UTILITY_HPP
#define KSTD_UTILITY_HPP

#include <kstd/layout.h>
#include <kstd/types.hpp>

namespace kstd {

/** @name Type traits: the std ones kstd needs, same names and meaning */
///@{
/** std::remove_reference: T without a reference (`type`). */
template <class T>
struct remove_reference {
	/// T itself.
	using type = T;
};
/// @cond INTERNAL
template <class T>
struct remove_reference<T &> {
	using type = T;
};
template <class T>
struct remove_reference<T &&> {
	using type = T;
};
/// @endcond
/** std::remove_reference_t. */
template <class T>
using remove_reference_t = typename remove_reference<T>::type;

/** std::remove_extent: the element type of an array type `T[]` (`type`). */
template <class T>
struct remove_extent {
	/// T itself, or U for T = U[].
	using type = T;
};
/// @cond INTERNAL
template <class T>
struct remove_extent<T[]> {
	using type = T;
};
/// @endcond
/** std::remove_extent_t. */
template <class T>
using remove_extent_t = typename remove_extent<T>::type;

/** std::is_lvalue_reference_v. */
template <class T>
inline constexpr bool is_lvalue_reference_v = false;
/// @cond INTERNAL
template <class T>
inline constexpr bool is_lvalue_reference_v<T &> = true;
/// @endcond
/** std::is_unbounded_array_v: is T an array of unknown bound (`U[]`)? */
template <class T>
inline constexpr bool is_unbounded_array_v = false;
/// @cond INTERNAL
template <class T>
inline constexpr bool is_unbounded_array_v<T[]> = true;
/// @endcond
/** std::is_same_v. */
template <class A, class B>
inline constexpr bool is_same_v = __is_same(A, B);
/** std::is_void_v (void and const void). */
template <class T>
inline constexpr bool is_void_v = __is_same(T, void) || __is_same(T, const void);
/** std::is_trivially_destructible_v. */
template <class T>
inline constexpr bool is_trivially_destructible_v = __has_trivial_destructor(T);
/** std::is_constructible_v. */
template <class T, class... Args>
inline constexpr bool is_constructible_v = __is_constructible(T, Args...);
/** std::is_convertible_v: From converts implicitly to To. */
template <class From, class To>
inline constexpr bool is_convertible_v = requires(void (*sink)(To), From (*source)())
{
	sink(source());
};
///@}

/**
 * Is memory of all zero bytes a valid, ready-to-use T without running its
 * constructor?  kstd::pernet_storage<T> hands out such memory.  True for
 * trivially default-constructible types (plain structs, integers); a type
 * whose default constructor only stores zeros, such as kstd::stat_counter,
 * opts in by specialising it, and so may a struct made only of such
 * members:
 *
 * @code
 * struct counters {
 *         kstd::stat_counter lines, errors;
 * };
 * // Each member is a stat_counter, whose initial state is zero bytes.
 * template <> inline constexpr bool kstd::zero_bytes_valid<counters> = true;
 * @endcode
 */
template <class T>
inline constexpr bool zero_bytes_valid = __is_trivially_constructible(T);
/// @cond INTERNAL
template <class T, size_t N>
inline constexpr bool zero_bytes_valid<T[N]> = zero_bytes_valid<T>;
/// @endcond

/** std::move: cast to an rvalue so the value can be moved from. */
template <class T>
[[nodiscard]] constexpr remove_reference_t<T> &&move(T &&t) noexcept
{
	return static_cast<remove_reference_t<T> &&>(t);
}

/** std::forward: perfect forwarding of a forwarding reference. */
template <class T>
[[nodiscard]] constexpr T &&forward(remove_reference_t<T> &t) noexcept
{
	return static_cast<T &&>(t);
}
/** std::forward, rvalue overload (forwarding an rvalue as an lvalue is an error). */
template <class T>
[[nodiscard]] constexpr T &&forward(remove_reference_t<T> &&t) noexcept
{
	static_assert(!is_lvalue_reference_v<T>, "forwarding an rvalue as an lvalue");
	return static_cast<T &&>(t);
}

/** std::exchange: replace @p obj with @p v and return the old value. */
template <class T, class U = T>
constexpr T exchange(T &obj, U &&v) noexcept
{
	T old = move(obj);
	obj = forward<U>(v);
	return old;
}

/** std::swap, by moves. */
template <class T>
constexpr void swap(T &a, T &b) noexcept
{
	T t = move(a);
	a = move(b);
	b = move(t);
}

/** std::min: the smaller of @p a and @p b (@p a if equal). */
template <class T>
[[nodiscard]] constexpr const T &min(const T &a, const T &b) noexcept
{
	return b < a ? b : a;
}
/** std::max: the larger of @p a and @p b (@p a if equal). */
template <class T>
[[nodiscard]] constexpr const T &max(const T &a, const T &b) noexcept
{
	return a < b ? b : a;
}

/**
 * Unique type per use: `template <class Site = decltype([] {})>` makes every
 * place that relies on the default argument a distinct instantiation.  kstd
 * uses it to give each lock declaration its own lockdep class.
 */
template <class Site>
struct site_tag {
};

} // namespace kstd

/**
 * Placement new.  `<new>` does not exist here; this is the one global
 * operator new kstd provides.  Plain `new T` stays undeclared on purpose:
 * it fails to compile or link, allocate with kstd::make_unique(gfp, ...).
 */
[[nodiscard]] inline void *operator new(kstd::size_t, void *where) noexcept
{
	return where;
}
/** The placement delete matching placement new (does nothing). */
inline void operator delete(void *, void *) noexcept
{
}

namespace kstd {

/**
 * Raw, suitably aligned storage for a kernel object whose layout only the
 * kernel knows (spinlock_t, struct mutex, ...).  Size and alignment come from
 * the generated kstd/layout.h.  A size of zero is real: spinlock_t and
 * struct lock_class_key are empty structs on some configurations (GNU C
 * gives them size 0), and then this holds no bytes at all.
 */
template <size_t Size, size_t Align>
struct opaque {
	/// The kernel object's bytes.
	alignas(Align) unsigned char bytes[Size];

	/** The storage as a pointer to the kernel type (`as<struct mutex>()`). */
	template <class T>
	T *as() noexcept
	{
		// SAFETY: bytes has the kernel type's size and alignment (from
		// layout.h) and only the kernel's code, which knows the type,
		// reads or writes through the pointer.
		return reinterpret_cast<T *>(bytes);
	}
	/** The storage as a pointer to the const kernel type. */
	template <class T>
	const T *as() const noexcept
	{
		// SAFETY: as the non-const as().
		return reinterpret_cast<const T *>(bytes);
	}
};
/// @cond INTERNAL
template <size_t Align>
struct opaque<0, Align> {
	template <class T>
	T *as() noexcept
	{
		// SAFETY: the kernel type is empty here: only its address is
		// ever used, never bytes behind it.
		return reinterpret_cast<T *>(this);
	}
	template <class T>
	const T *as() const noexcept
	{
		// SAFETY: as above.
		return reinterpret_cast<const T *>(this);
	}
};
/// @endcond

/**
 * Byte offset of a data member, from a pointer to member.  Only address
 * arithmetic on a never-dereferenced probe address is done; the compiler
 * folds it to a constant.
 */
template <class T, class M>
inline size_t member_offset(M T::*member) noexcept
{
	constexpr uintptr_t probe = 4096;
	// SAFETY: obj is never dereferenced: `&(obj->*member)` only adds the
	// member's offset to the probe address (T has no virtual base, whose
	// offset would need a read; kstd's users never have one), and a
	// nonzero probe keeps the compiler from treating it as a null access.
	const T *obj = reinterpret_cast<const T *>(probe);
	return reinterpret_cast<uintptr_t>(&(obj->*member)) - probe;
}

/**
 * container_of: the object that holds @p m as its @p member.  @p m must
 * point to that member of a live T; nothing can check it.
 */
template <class T, class M>
inline T *container_of(M *m, M T::*member) noexcept
{
	// SAFETY: the caller's precondition: m is the member of a T, so
	// stepping back by the member's offset is the T's address.
	return reinterpret_cast<T *>(reinterpret_cast<unsigned char *>(m) - member_offset(member));
}

} // namespace kstd

#endif // KSTD_UTILITY_HPP
