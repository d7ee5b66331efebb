// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file memory.hpp
 * @brief GFP flags, kstd::unique_ptr with a kfree deleter, fallible
 *        kstd::make_unique(gfp, ...).
 *
 * Every allocation names its GFP flags, reports failure as a result (never
 * a null pointer dereferenced later) and is freed exactly once by its owner.
 *
 * @noop example runs as a KUnit case
 * @code
 * struct conn { int fd; conn(int f) : fd(f) {} };
 *
 * kstd::result<kstd::unique_ptr<conn>> open_conn(int fd)
 * {
 *         auto c = KSTD_TRY(kstd::make_unique<conn>(kstd::gfp::kernel, fd));
 *         return c; // freed with kfree() when the last owner drops it
 * }
 * auto buf = kstd::make_unique<char[]>(kstd::gfp::atomic, 256); // zeroed
 * @endcode
 *
 * Context: gfp::kernel may sleep (process context only); gfp::atomic and
 * gfp::nowait never sleep and may be used under spinlocks and in IRQs.
 * Destroying a unique_ptr calls the destructor and kfree(), which is safe in
 * any context.  On PREEMPT_RT the allocator takes locks that sleep there:
 * no allocation (any flags) and no kfree() under a kstd::raw_spinlock, with
 * interrupts disabled or in true hard-interrupt context (IRQF_NO_THREAD);
 * under a kstd::spinlock and in (threaded) IRQ handlers they are fine.
 */
#ifndef KSTD_MEMORY_HPP
#define KSTD_MEMORY_HPP

#include <kstd/bindings.h>
#include <kstd/flags.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** Allocation flags (the kernel's gfp_t); combine with |. */
using gfp_t = flag_set<struct gfp_tag>;

/** The common GFP flag sets. */
namespace gfp {
/** May sleep and reclaim: process context without spinlocks held. */
inline constexpr gfp_t kernel{KSTD_GFP_KERNEL};
/**
 * Never sleeps, may use emergency reserves: IRQ or spinlocked context.
 * PREEMPT_RT: not under a raw_spinlock or in true hardirq context.
 */
inline constexpr gfp_t atomic{KSTD_GFP_ATOMIC};
/** Never sleeps, no reserves: opportunistic allocations. */
inline constexpr gfp_t nowait{KSTD_GFP_NOWAIT};
/** GFP_KERNEL charged to the caller's memory cgroup. */
inline constexpr gfp_t kernel_account{KSTD_GFP_KERNEL_ACCOUNT};
/** Modifier: zero the memory. */
inline constexpr gfp_t zero{KSTD_GFP_ZERO};
/** Modifier: no allocation-failure warning (the caller handles it). */
inline constexpr gfp_t nowarn{KSTD_GFP_NOWARN};
} // namespace gfp

/** Deleter that runs the destructor and kfree()s. */
template <class T>
struct kfree_deleter {
	/** A stateless deleter. */
	constexpr kfree_deleter() noexcept = default;
	/** From the deleter of a derived type (unique_ptr<Derived> to unique_ptr<Base>). */
	// clang-format off
	template <class U>
		requires is_convertible_v<U *, T *>
	constexpr kfree_deleter(const kfree_deleter<U> &) noexcept
	// clang-format on
	{
	}
	/** Destroy *@p p and kfree() it.  Any context; on PREEMPT_RT not under a raw_spinlock. */
	void operator()(T *p) const noexcept
	{
		// SAFETY: p is the start of a kmalloc() block holding a live T
		// (unique_ptr's invariant): destroyed once, then freed once.
		p->~T();
		kfree(p);
	}
};

/** Array form: destroys every element first (the count lives beside it). */
template <class T>
struct kfree_deleter<T[]> {
	/** Destroy the @p n elements at @p p, last first, and kfree() them. */
	void operator()(T *p, size_t n) const noexcept
	{
		// SAFETY: p is a kmalloc() block of n live Ts (make_unique<T[]>()
		// constructed exactly n), each destroyed once before the free.
		for (size_t i = n; i > 0; i--)
			p[i - 1].~T();
		kfree(p);
	}
};

/**
 * Owns one object allocated with kstd::make_unique (or adopted from a
 * kmalloc'ed pointer).  Move-only; destroys and kfree()s on destruction.
 * A zero-size deleter: exactly one pointer wide, like std::unique_ptr.
 */
template <class T, class Deleter = kfree_deleter<T>>
class unique_ptr {
public:
	/// T *.
	using pointer = T *;
	/// T.
	using element_type = T;

	constexpr unique_ptr() noexcept = default;
	/** Empty. */
	constexpr unique_ptr(nullptr_t) noexcept {}
	/** Adopt @p p, which must come from kmalloc (or be null). */
	// SAFETY: the caller hands over @p p: the start of a kmalloc() block
	// holding a live T that nothing else frees (make_unique() is the safe
	// way to get one).
	constexpr explicit unique_ptr(T *p) noexcept : ptr_(p) {}
	/** Take ownership from @p o, which becomes empty. */
	unique_ptr(unique_ptr &&o) noexcept : ptr_(o.release()) {}
	/** Take ownership from a unique_ptr to a derived type. */
	// clang-format off
	template <class U, class E>
		requires is_convertible_v<U *, T *>
	unique_ptr(unique_ptr<U, E> &&o) noexcept
	// clang-format on
	{
		// SAFETY: the deleter destroys through T and kfree()s the T *:
		// T must be U's first (or only) base, at offset 0, so that the
		// pointer is still the block's start, and its destructor virtual
		// unless U has nothing to destroy.  The destructor is checked
		// here at compile time, the offset at run time (a constant the
		// compiler folds: no code when it is 0).
		static_assert(__is_same(const volatile U, const volatile T) ||
				      __has_virtual_destructor(T) || __has_trivial_destructor(U),
			      "unique_ptr<T> from unique_ptr<U>: ~U() would not run through T * "
			      "(give T a virtual destructor)");
		static_assert(!__is_same(Deleter, kfree_deleter<T>) ||
				      __is_same(E, kfree_deleter<U>),
			      "unique_ptr<T> from unique_ptr<U, E>: E does not free with kfree()");
		U *u = o.release();
		ptr_ = u;
		const volatile void *base = ptr_, *whole = u;
		if (base != whole) [[unlikely]]
			kstd_warn(__FILE__, __LINE__,
				  "unique_ptr<T> from unique_ptr<U>: T is not at the start of U");
	}
	/** Free the owned object, then take ownership from @p o. */
	unique_ptr &operator=(unique_ptr &&o) noexcept
	{
		reset(o.release());
		return *this;
	}
	/** reset(): free the owned object. */
	unique_ptr &operator=(nullptr_t) noexcept
	{
		reset();
		return *this;
	}
	unique_ptr(const unique_ptr &) = delete;
	unique_ptr &operator=(const unique_ptr &) = delete;
	~unique_ptr() { reset(); }

	/** The owned pointer (null if empty); ownership stays here. */
	[[nodiscard]] T *get() const noexcept { return ptr_; }
	/** The owned object (must not be empty). */
	T &operator*() const noexcept { return *ptr_; }
	/** Member access to the owned object (must not be empty). */
	T *operator->() const noexcept { return ptr_; }
	/** Does it own an object? */
	explicit operator bool() const noexcept { return ptr_ != nullptr; }

	/** Give up ownership without freeing; the caller now owns the object. */
	[[nodiscard]] T *release() noexcept { return exchange(ptr_, nullptr); }

	/** Destroy the owned object (if any) and own @p p instead. */
	void reset(T *p = nullptr) noexcept
	{
		if (T *old = exchange(ptr_, p))
			Deleter()(old);
	}

	/** Is @p a empty? */
	friend bool operator==(const unique_ptr &a, nullptr_t) noexcept { return !a.ptr_; }

private:
	T *ptr_ = nullptr;
};

/** Owns an array of @c size() elements from make_unique<T[]>(gfp, n). */
template <class T>
class unique_ptr<T[], kfree_deleter<T[]>> {
public:
	constexpr unique_ptr() noexcept = default;
	/** Adopt @p n constructed elements at @p p (from kmalloc). */
	// SAFETY: the caller hands over a kmalloc() block of @p n live Ts
	// that nothing else frees.
	unique_ptr(T *p, size_t n) noexcept : ptr_(p), size_(n) {}
	/** Take ownership from @p o, which becomes empty. */
	unique_ptr(unique_ptr &&o) noexcept
		: ptr_(exchange(o.ptr_, nullptr)), size_(exchange(o.size_, 0))
	{
	}
	/** Free the owned array, then take ownership from @p o. */
	unique_ptr &operator=(unique_ptr &&o) noexcept
	{
		reset();
		ptr_ = exchange(o.ptr_, nullptr);
		size_ = exchange(o.size_, 0);
		return *this;
	}
	unique_ptr(const unique_ptr &) = delete;
	unique_ptr &operator=(const unique_ptr &) = delete;
	~unique_ptr() { reset(); }

	/** The first element (null if empty); ownership stays here. */
	[[nodiscard]] T *get() const noexcept { return ptr_; }
	/** The number of elements. */
	[[nodiscard]] size_t size() const noexcept { return size_; }
	/** Element @p i (unchecked: @p i < size()). */
	T &operator[](size_t i) const noexcept { return ptr_[i]; }
	/** Iteration: the first element. */
	T *begin() const noexcept { return ptr_; }
	/** Iteration: one past the last element. */
	T *end() const noexcept { return ptr_ + size_; }
	/** Does it own an array? */
	explicit operator bool() const noexcept { return ptr_ != nullptr; }

	/** Destroy and free the elements; the pointer becomes empty.  Any context. */
	void reset() noexcept
	{
		if (ptr_)
			kfree_deleter<T[]>()(exchange(ptr_, nullptr), exchange(size_, 0));
	}

private:
	T *ptr_ = nullptr;
	size_t size_ = 0;
};

/**
 * Allocate and construct a T with @p flags.  Returns -ENOMEM on allocation
 * failure; never returns a null pointer.  May sleep iff @p flags may.
 */
// clang-format off
template <class T, class... Args>
	requires(!is_unbounded_array_v<T>)
[[nodiscard]] result<unique_ptr<T>> make_unique(gfp_t flags, Args &&...args) noexcept
// clang-format on
{
	// kmalloc aligns to ARCH_KMALLOC_MINALIGN, and power-of-two sizes naturally.
	static_assert(alignof(T) <= KSTD_KMALLOC_MINALIGN || (sizeof(T) & (sizeof(T) - 1)) == 0,
		      "kmalloc cannot guarantee this alignment");
	void *mem = kstd_kmalloc(sizeof(T), flags.bits);
	if (!mem)
		return error::nomem();
	// SAFETY: mem is a fresh block of sizeof(T) bytes, aligned for T
	// (asserted above), and the unique_ptr adopts the T just built in it
	// (-fno-exceptions: a constructor always returns with a whole T).
	/* Aggregates take braces where a compiler lacks C++20's T(args...) for them. */
	if constexpr (__is_constructible(T, Args...))
		return unique_ptr<T>(new (mem) T(forward<Args>(args)...));
	else
		return unique_ptr<T>(new (mem) T{forward<Args>(args)...});
}

/**
 * Allocate @p n value-initialised elements (zeroed for trivial types).
 * -ENOMEM on failure, -EOVERFLOW if n * sizeof(T) overflows.
 */
// clang-format off
template <class T>
	requires is_unbounded_array_v<T>
[[nodiscard]] result<unique_ptr<T>> make_unique(gfp_t flags, size_t n) noexcept
// clang-format on
{
	using E = remove_extent_t<T>;
	size_t bytes;
	if (__builtin_mul_overflow(n, sizeof(E), &bytes))
		return error::overflow();
	// SAFETY: a fresh block of n (at least 1) zeroed Es; zero bytes are a
	// valid trivially constructible E, and any other E is constructed in
	// place below before the unique_ptr adopts all n.  kmalloc aligns to
	// 8 bytes at least: an over-aligned E is not supported.
	E *mem = static_cast<E *>(
		kstd_kmalloc_array(n ? n : 1, sizeof(E), (flags | gfp::zero).bits));
	if (!mem)
		return error::nomem();
	if constexpr (!__is_trivially_constructible(E))
		for (size_t i = 0; i < n; i++)
			new (&mem[i]) E();
	return unique_ptr<T>(mem, n);
}

/**
 * Allocate @p n default-initialised elements of a trivial type: the memory
 * is not zeroed (std::make_unique_for_overwrite), for buffers that are
 * always written before they are read.  -ENOMEM, -EOVERFLOW as above.
 */
// clang-format off
template <class T>
	requires is_unbounded_array_v<T> && __is_trivially_constructible(remove_extent_t<T>)
[[nodiscard]] result<unique_ptr<T>> make_unique_for_overwrite(gfp_t flags, size_t n) noexcept
// clang-format on
{
	using E = remove_extent_t<T>;
	size_t bytes;
	if (__builtin_mul_overflow(n, sizeof(E), &bytes))
		return error::overflow();
	// SAFETY: a fresh block of n (at least 1) Es; E is trivially
	// constructible, so its lifetime starts with the storage and the
	// caller writes before it reads (this function's contract).
	E *mem = static_cast<E *>(kstd_kmalloc_array(n ? n : 1, sizeof(E), flags.bits));
	if (!mem)
		return error::nomem();
	return unique_ptr<T>(mem, n);
}

} // namespace kstd

#endif // KSTD_MEMORY_HPP
