// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file refcount.hpp
 * @brief kstd::refcount over refcount_t (saturating, never wraps), and
 *        kstd::ref<T>, an intrusive reference-counted pointer (kref-like).
 *
 * kstd::refcount has the semantics of the kernel's refcount_t: the counter
 * saturates instead of overflowing, an increment from zero or a decrement
 * below zero is reported with a WARN and then leaks rather than freeing
 * twice.  The fast paths are the kernel's inline code, redone with
 * __atomic builtins and the same memory ordering (relaxed increments,
 * release decrement with acquire on the last one): a lock xadd, no call.
 * Only the saturation report goes through a C helper.
 *
 * kstd::ref<T> owns one reference to a T that derives from
 * kstd::ref_counted.  Copying takes another reference, destroying drops
 * one, and dropping the last one destroys the T and frees it (kfree, or
 * the Deleter given).
 *
 * @noop example runs as a KUnit case
 * @code
 * struct session : kstd::ref_counted {
 *         int id;
 *         explicit session(int i) : id(i) {}
 * };
 *
 * auto s = KSTD_TRY(kstd::make_ref<session>(kstd::gfp::kernel, 7)); // count 1
 * kstd::ref<session> other = s;                                    // count 2
 * s = nullptr;                                                     // count 1
 * // other going out of scope: count 0, ~session() and kfree()
 * @endcode
 *
 * All operations are atomic-safe (no sleeping); dropping the last
 * reference runs the destructor in the caller's context.  The counting
 * itself is lock-free, so PREEMPT_RT changes nothing, except that the
 * kfree() of the last drop must not happen under a kstd::raw_spinlock there
 * (see memory.hpp).
 */
#ifndef KSTD_REFCOUNT_HPP
#define KSTD_REFCOUNT_HPP

#include <kstd/bindings.h>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** refcount_t: an atomic reference count that saturates instead of wrapping. */
class refcount {
public:
	/** refcount_set() at construction.  The usual start is 1 (the creator's). */
	constexpr explicit refcount(int initial = 1) noexcept : refs_(initial) {}
	refcount(const refcount &) = delete;
	refcount &operator=(const refcount &) = delete;

	/** refcount_read(): the current count (a snapshot). */
	[[nodiscard]] unsigned int read() const noexcept
	{
		return static_cast<unsigned int>(__atomic_load_n(&refs_, __ATOMIC_RELAXED));
	}
	/** refcount_set(): only while no one else can see the counter. */
	void set(int n) noexcept { __atomic_store_n(&refs_, n, __ATOMIC_RELAXED); }

	/** refcount_inc(): the caller already holds a reference. WARNs from 0. */
	[[gnu::always_inline]] void inc() noexcept { add(1); }

	/** refcount_add(). */
	[[gnu::always_inline]] void add(int i) noexcept
	{
		int old = __atomic_fetch_add(&refs_, i, __ATOMIC_RELAXED);
		if (!old) [[unlikely]]
			kstd_refcount_warn_saturate(raw(), KSTD_REFCOUNT_ADD_UAF);
		else if (old < 0 || wrap_add(old, i) < 0) [[unlikely]]
			kstd_refcount_warn_saturate(raw(), KSTD_REFCOUNT_ADD_OVF);
	}

	/** refcount_inc_not_zero(): take a reference unless the count is 0. */
	[[nodiscard, gnu::always_inline]] bool inc_not_zero() noexcept
	{
		int old = __atomic_load_n(&refs_, __ATOMIC_RELAXED);
		do {
			if (!old)
				break;
		} while (!__atomic_compare_exchange_n(&refs_, &old, wrap_add(old, 1), false,
						      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
		if (old < 0 || wrap_add(old, 1) < 0) [[unlikely]]
			kstd_refcount_warn_saturate(raw(), KSTD_REFCOUNT_ADD_NOT_ZERO_OVF);
		return old != 0;
	}

	/**
	 * refcount_dec_and_test(): drop a reference; true if it was the last
	 * (then everything done under the other references is visible).
	 */
	[[nodiscard, gnu::always_inline]] bool dec_and_test() noexcept { return sub_and_test(1); }

	/** refcount_sub_and_test(). */
	[[nodiscard, gnu::always_inline]] bool sub_and_test(int i) noexcept
	{
		int old = __atomic_fetch_sub(&refs_, i, __ATOMIC_RELEASE);
		if (old > 0 && old == i) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			return true;
		}
		if (old <= 0 || wrap_add(old, -i) < 0) [[unlikely]]
			kstd_refcount_warn_saturate(raw(), KSTD_REFCOUNT_SUB_UAF);
		return false;
	}

	/** The kernel's refcount_t, for C APIs. */
	[[nodiscard]] ::refcount_struct *raw() noexcept
	{
		// SAFETY: refcount_t is one int (atomic_t's counter); refs_ has
		// its size and alignment (CHECK_LAYOUT in lib/helpers/sync.c,
		// static_assert below) and is only accessed atomically.
		return reinterpret_cast<::refcount_struct *>(&refs_);
	}

private:
	/* The kernel builds with wrapping signed arithmetic; be explicit here. */
	static constexpr int wrap_add(int a, int b) noexcept
	{
		return static_cast<int>(static_cast<unsigned int>(a) +
					static_cast<unsigned int>(b));
	}

	alignas(KSTD_ALIGNOF_REFCOUNT) int refs_;
};
static_assert(sizeof(refcount) == KSTD_SIZEOF_REFCOUNT, "refcount mirrors refcount_t");

/**
 * Base for objects managed by kstd::ref<T>: holds the count, which starts
 * at 1 for the creator (make_ref() hands that reference out).
 */
class ref_counted {
public:
	constexpr ref_counted() noexcept = default;
	ref_counted(const ref_counted &) = delete;
	ref_counted &operator=(const ref_counted &) = delete;

	/** The number of references (a snapshot, for assertions and tests). */
	[[nodiscard]] unsigned int ref_count() const noexcept { return refs_.read(); }

private:
	template <class, class>
	friend class ref;
	refcount refs_{1};
};

/**
 * A counted reference to a T deriving from kstd::ref_counted.  Copy takes
 * a reference, move transfers one, destruction drops one; the last drop
 * runs Deleter (default: ~T() and kfree()).  One pointer wide.
 */
template <class T, class Deleter = kfree_deleter<T>>
class ref {
public:
	/// T.
	using element_type = T;

	constexpr ref() noexcept = default;
	/** No object. */
	constexpr ref(nullptr_t) noexcept {}
	/** Another reference to @p o's object (refcount_inc()).  Any context. */
	ref(const ref &o) noexcept : ptr_(o.ptr_)
	{
		if (ptr_)
			counter(ptr_).inc();
	}
	/** Take over @p o's reference; @p o becomes empty. */
	ref(ref &&o) noexcept : ptr_(exchange(o.ptr_, nullptr)) {}
	/** Take a reference to @p o's object, drop the current one. */
	// NOLINTNEXTLINE(bugprone-unhandled-self-assignment): copy-and-swap is self-safe
	ref &operator=(const ref &o) noexcept
	{
		ref(o).swap(*this);
		return *this;
	}
	/** Take over @p o's reference, drop the current one. */
	ref &operator=(ref &&o) noexcept
	{
		ref(move(o)).swap(*this);
		return *this;
	}
	/** reset(). */
	ref &operator=(nullptr_t) noexcept
	{
		reset();
		return *this;
	}
	~ref() { reset(); }

	/**
	 * Take over a reference the caller already owns (the one release()
	 * gave up, or the initial one of an object built by hand).
	 */
	[[nodiscard]] static ref adopt(T *p) noexcept
	{
		// SAFETY: the caller hands over one counted reference to a live
		// *p (or null), which Deleter can free when the count drops.
		ref r;
		r.ptr_ = p;
		return r;
	}
	/** Take a new reference to @p obj, which the caller knows is alive. */
	[[nodiscard]] static ref acquire(T &obj) noexcept
	{
		counter(&obj).inc();
		// SAFETY: the caller knows obj is alive and allocated as Deleter
		// frees; the reference adopted is the one just counted.
		return adopt(&obj);
	}
	/**
	 * Take a new reference unless the count already dropped to zero (the
	 * object is being destroyed): for lookups under RCU or a lock that
	 * the release path also takes.
	 */
	[[nodiscard]] static ref try_acquire(T &obj) noexcept
	{
		// SAFETY: adopted only when inc_not_zero() counted a reference
		// for us; the caller's lock or RCU keeps obj's memory until then.
		return counter(&obj).inc_not_zero() ? adopt(&obj) : ref();
	}

	/** Drop this reference (destroying the object if it was the last). */
	void reset() noexcept
	{
		if (T *p = exchange(ptr_, nullptr))
			if (counter(p).dec_and_test())
				Deleter()(p);
	}
	/** Give up the reference without dropping it; adopt() takes it back. */
	[[nodiscard]] T *release() noexcept { return exchange(ptr_, nullptr); }
	/** Exchange the referenced objects of two refs (no count changes). */
	void swap(ref &o) noexcept { kstd::swap(ptr_, o.ptr_); }

	/** The object (null if none); the reference stays here. */
	[[nodiscard]] T *get() const noexcept { return ptr_; }
	/** The object (must not be empty). */
	T &operator*() const noexcept { return *ptr_; }
	/** Member access to the object (must not be empty). */
	T *operator->() const noexcept { return ptr_; }
	/** Does it reference an object? */
	explicit operator bool() const noexcept { return ptr_ != nullptr; }
	/** Is @p a empty? */
	friend bool operator==(const ref &a, nullptr_t) noexcept { return !a.ptr_; }
	/** Same object? */
	friend bool operator==(const ref &a, const ref &b) noexcept { return a.ptr_ == b.ptr_; }

private:
	static refcount &counter(T *p) noexcept { return static_cast<ref_counted *>(p)->refs_; }

	T *ptr_ = nullptr;
};

/**
 * Allocate and construct a T (deriving from kstd::ref_counted) with
 * @p flags; the result holds the only reference.  -ENOMEM on failure.
 * May sleep iff @p flags may.
 */
template <class T, class... Args>
[[nodiscard]] result<ref<T>> make_ref(gfp_t flags, Args &&...args) noexcept
{
	static_assert(__is_base_of(ref_counted, T), "kstd::ref<T> needs T : kstd::ref_counted");
	auto p = KSTD_TRY(make_unique<T>(flags, forward<Args>(args)...));
	// SAFETY: a fresh kmalloc()ed T, its count at 1 (ref_counted's): the
	// ref adopts that reference, and kfree_deleter matches make_unique().
	return ref<T>::adopt(p.release());
}

} // namespace kstd

#endif // KSTD_REFCOUNT_HPP
