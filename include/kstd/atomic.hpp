// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file atomic.hpp
 * @brief kstd::atomic<T> with the kernel's memory-ordering vocabulary, and
 *        kstd::read_once() / kstd::write_once() for plain shared fields.
 *
 * A value several CPUs touch without a lock.  The operations are named
 * after the kernel's, and each spells its ordering, so a reader sees at the
 * call what it guarantees:
 *
 * | kstd                                   | kernel                               |
 * |----------------------------------------|--------------------------------------|
 * | load_relaxed() / store_relaxed()       | READ_ONCE() / WRITE_ONCE(), atomic_read() / atomic_set() |
 * | load_acquire() / store_release()       | smp_load_acquire() / smp_store_release() |
 * | store_mb()                             | smp_store_mb()                       |
 * | exchange()                             | xchg() (fully ordered)               |
 * | try_compare_exchange()                 | try_cmpxchg() (fully ordered)        |
 * | try_compare_exchange_relaxed()         | try_cmpxchg_relaxed()                |
 * | compare_exchange()                     | cmpxchg() (returns the old value)    |
 * | add() / sub()                          | atomic_add() / atomic_sub() (no ordering) |
 * | add_return() / sub_return()            | atomic_add_return() / atomic_sub_return() (fully ordered) |
 * | fetch_add() / fetch_sub() / fetch_or() / fetch_and() / fetch_xor() | atomic_fetch_*() (fully ordered) |
 * | fetch_add_relaxed() ...                | atomic_fetch_*_relaxed()             |
 *
 * T is an integer, bool, an enum or a pointer of 1, 2, 4 or 8 bytes;
 * arithmetic (add, sub, fetch_*) only for integers.  Anything else is
 * refused at compile time: a 16-byte __atomic operation is a call into
 * libatomic (__atomic_load_16 ...), which the kernel does not have, and a
 * non-lock-free size would need a lock.  Everything is usable in any
 * context (hardirq and NMI included); nothing sleeps or allocates.
 *
 * @noop example(conn &c, message *m)
 * @code
 * struct message {
 *         int payload;
 * };
 * struct conn {
 *         kstd::atomic<unsigned long> last_active; // jiffies, any CPU
 *         kstd::atomic<message *> latest;
 * };
 *
 * c.last_active.store_relaxed(kstd::jiffies::now().count);  // WRITE_ONCE
 * unsigned long t = c.last_active.load_relaxed();          // READ_ONCE
 *
 * // publish: fill *m, then make it visible; the reader sees a filled *m
 * m->payload = 42;
 * c.latest.store_release(m);               // smp_store_release()
 * if (message *p = c.latest.load_acquire()) // smp_load_acquire()
 *         kstd_pr_info("payload %d\n", p->payload);
 *
 * kstd::atomic<int> users;
 * if (users.add_return(1) == 1)    // fully ordered, like atomic_add_return()
 *         kstd_pr_info("first user\n");
 * int seen = 0;
 * while (!users.try_compare_exchange(seen, seen + 1))
 *         ; // seen now holds the current value: retry with it
 * @endcode
 *
 * @section atomic_mapping How each operation maps, and why it is the kernel's
 *
 * Implemented with the compiler's __atomic builtins (GCC and clang
 * alike; the generic forms for loads, stores and exchanges, which take
 * enums too).  The supported architectures are x86_64 and UML (whose
 * atomics and barriers are x86's: arch/x86/um/asm/barrier.h).  x86 is
 * TSO: ordinary loads are acquire and ordinary stores are release, and
 * every lock-prefixed instruction is a full barrier.  So:
 *
 * - relaxed load/store (`__ATOMIC_RELAXED`): a single plain `mov`, as
 *   READ_ONCE()/WRITE_ONCE()'s volatile access: never torn (T is at most
 *   8 bytes and naturally aligned here), never merged or invented by the
 *   compiler.
 * - acquire load / release store (`__ATOMIC_ACQUIRE`/`__ATOMIC_RELEASE`):
 *   a plain `mov` that the compiler may not move later accesses before
 *   (acquire) or earlier accesses after (release); x86's
 *   smp_load_acquire()/smp_store_release() are the same `mov` with a
 *   compiler barrier().
 * - store_mb() (`__ATOMIC_SEQ_CST` store): `xchg`, which is what x86's
 *   smp_store_mb() is.
 * - exchange, compare-exchange and the fully ordered read-modify-writes
 *   (`__ATOMIC_SEQ_CST`): `xchg`, `lock cmpxchg`, `lock xadd`/`lock add`,
 *   ...: the kernel's xchg(), cmpxchg(), atomic_*_return() and
 *   atomic_fetch_*() are these same lock-prefixed instructions.  A failed
 *   compare-exchange orders nothing, as in the kernel (failure order
 *   `__ATOMIC_RELAXED`).
 * - the relaxed read-modify-writes (`__ATOMIC_RELAXED`): the same
 *   lock-prefixed instruction (x86 has no weaker one); the kernel's
 *   atomic_add() and atomic_fetch_add_relaxed() are too.  Only the
 *   compiler may reorder more freely around them, as the kernel allows.
 *
 * The C++ memory model's ordering for each call is what the kernel's
 * memory model (tools/memory-model) gives its counterpart, so code written
 * against this header stays correct on weakly ordered architectures too.
 *
 * read_once()/write_once() are for a plain field that C code also reads or
 * writes (a kernel struct's member, a module parameter's storage): the
 * relaxed load and store of kstd::atomic, on a T you do not own.
 */
#ifndef KSTD_ATOMIC_HPP
#define KSTD_ATOMIC_HPP

#include <kstd/types.hpp>

namespace kstd {

namespace detail {
/** Is T one of the types Us (cv-qualification counts)? */
template <class T, class... Us>
inline constexpr bool atomic_one_of = (__is_same(T, Us) || ...);
/** The integer types, bool and the character types included (std::is_integral). */
template <class T>
inline constexpr bool atomic_integral =
	atomic_one_of<T, bool, char, signed char, unsigned char, short, unsigned short, int,
		      unsigned int, long, unsigned long, long long, unsigned long long, char8_t,
		      char16_t, char32_t, wchar_t>;
/** Object and function pointers (std::is_pointer, without cv on the pointer). */
template <class T>
inline constexpr bool atomic_pointer = false;
/** A pointer. */
template <class T>
inline constexpr bool atomic_pointer<T *> = true;
/** The types kstd::atomic and read_once() accept: scalars the CPU can access whole. */
template <class T>
inline constexpr bool atomic_scalar = (atomic_integral<T> || __is_enum(T) ||
				       atomic_pointer<T>)&&(sizeof(T) == 1 || sizeof(T) == 2 ||
							    sizeof(T) == 4 || sizeof(T) == 8) &&
				      __atomic_always_lock_free(sizeof(T), nullptr);
/** T itself, in a context that does not deduce it. */
template <class T>
struct atomic_same {
	using type = T;
};
/**
 * The generic __atomic_load(): unlike __atomic_load_n(), clang takes an
 * enum too.  The same instruction (a `mov` for every order on x86).
 */
template <class T>
[[nodiscard]] inline T atomic_load(const T &x, int order) noexcept
{
	T v;
	// SAFETY: x is a whole, naturally aligned scalar of 1 to 8 bytes
	// (atomic_scalar, checked by every caller), which one `mov` reads.
	__atomic_load(&x, &v, order);
	return v;
}
/** Integers (not bool): what arithmetic applies to. */
template <class T>
inline constexpr bool atomic_arith = atomic_integral<T> && !__is_same(T, bool);
} // namespace detail

/**
 * An atomically accessed T (integer, bool, enum or pointer, 1 to 8 bytes).
 * Any context.  Not copyable or movable: it is shared by address.  The
 * constructor is constexpr, so a global kstd::atomic needs no global
 * constructor.  See the file comment for the ordering of each operation.
 *
 * @noop example runs as a KUnit case
 * @code
 * kstd::atomic<u32> hits;            // 0
 * hits.add(1);                       // atomic_inc(): no ordering
 * u32 now = hits.load_relaxed();     // atomic_read()
 * @endcode
 */
template <class T>
class atomic {
	static_assert(
		detail::atomic_scalar<T>,
		"kstd::atomic<T>: T must be an integer, bool, enum or pointer of 1, 2, 4 or "
		"8 bytes (larger __atomic operations call libatomic, which the kernel lacks)");

public:
	/** T() (zero, false, nullptr). */
	constexpr atomic() noexcept : v_() {}
	/** Holding @p v. */
	constexpr explicit atomic(T v) noexcept : v_(v) {}
	atomic(const atomic &) = delete;
	atomic &operator=(const atomic &) = delete;

	/** READ_ONCE() / atomic_read(): the value, no ordering. */
	[[nodiscard]] T load_relaxed() const noexcept
	{
		return detail::atomic_load(v_, __ATOMIC_RELAXED);
	}
	/** WRITE_ONCE() / atomic_set(): store, no ordering. */
	void store_relaxed(T v) noexcept { __atomic_store(&v_, &v, __ATOMIC_RELAXED); }
	/** smp_load_acquire(): later accesses stay after this load. */
	[[nodiscard]] T load_acquire() const noexcept
	{
		return detail::atomic_load(v_, __ATOMIC_ACQUIRE);
	}
	/** smp_store_release(): earlier accesses stay before this store. */
	void store_release(T v) noexcept { __atomic_store(&v_, &v, __ATOMIC_RELEASE); }
	/** smp_store_mb(): store, then a full barrier. */
	void store_mb(T v) noexcept { __atomic_store(&v_, &v, __ATOMIC_SEQ_CST); }

	/** xchg(): store @p v, return the previous value.  Fully ordered. */
	T exchange(T v) noexcept
	{
		T old;
		__atomic_exchange(&v_, &v, &old, __ATOMIC_SEQ_CST);
		return old;
	}

	/**
	 * try_cmpxchg(): if the value is @p expected, store @p desired and
	 * return true (fully ordered); else load the current value into
	 * @p expected and return false (no ordering).
	 */
	[[nodiscard]] bool try_compare_exchange(T &expected, T desired) noexcept
	{
		return __atomic_compare_exchange(&v_, &expected, &desired, false, __ATOMIC_SEQ_CST,
						 __ATOMIC_RELAXED);
	}
	/** try_cmpxchg_relaxed(): try_compare_exchange() without ordering. */
	[[nodiscard]] bool try_compare_exchange_relaxed(T &expected, T desired) noexcept
	{
		return __atomic_compare_exchange(&v_, &expected, &desired, false, __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED);
	}
	/**
	 * cmpxchg(): if the value is @p old, store @p desired.  Returns the
	 * value found (== @p old on success).  Fully ordered on success.
	 */
	T compare_exchange(T old, T desired) noexcept
	{
		__atomic_compare_exchange(&v_, &old, &desired, false, __ATOMIC_SEQ_CST,
					  __ATOMIC_RELAXED);
		return old;
	}

	/**
	 * @name Arithmetic and bit operations (integers only)
	 * Wrap modulo 2^bits for unsigned T; signed T wraps too (the kernel
	 * builds with -fno-strict-overflow, and the builtins are defined to
	 * wrap).
	 */
	///@{
	/** atomic_add(): no return, no ordering. */
	void add(T i) noexcept requires detail::atomic_arith<T>
	{
		__atomic_fetch_add(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_sub(): no return, no ordering. */
	void sub(T i) noexcept requires detail::atomic_arith<T>
	{
		__atomic_fetch_sub(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_add_return(): the new value.  Fully ordered. */
	T add_return(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_add_fetch(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_sub_return(): the new value.  Fully ordered. */
	T sub_return(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_sub_fetch(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_add(): the old value.  Fully ordered. */
	T fetch_add(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_add(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_sub(): the old value.  Fully ordered. */
	T fetch_sub(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_sub(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_or(): the old value.  Fully ordered. */
	T fetch_or(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_or(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_and(): the old value.  Fully ordered. */
	T fetch_and(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_and(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_xor(): the old value.  Fully ordered. */
	T fetch_xor(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_xor(&v_, i, __ATOMIC_SEQ_CST);
	}
	/** atomic_fetch_add_relaxed(): the old value, no ordering. */
	T fetch_add_relaxed(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_add(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_fetch_sub_relaxed(): the old value, no ordering. */
	T fetch_sub_relaxed(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_sub(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_fetch_or_relaxed(): the old value, no ordering. */
	T fetch_or_relaxed(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_or(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_fetch_and_relaxed(): the old value, no ordering. */
	T fetch_and_relaxed(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_and(&v_, i, __ATOMIC_RELAXED);
	}
	/** atomic_fetch_xor_relaxed(): the old value, no ordering. */
	T fetch_xor_relaxed(T i) noexcept requires detail::atomic_arith<T>
	{
		return __atomic_fetch_xor(&v_, i, __ATOMIC_RELAXED);
	}
	///@}

private:
	// SAFETY: v_ is touched only by the __atomic builtins above, on a
	// lock-free scalar (atomic_scalar) that is naturally aligned (alignas:
	// an 8-byte member of a packed struct would tear).
	alignas(sizeof(T)) T v_;
};

/**
 * READ_ONCE(): load a plain field shared with C (or with code that writes
 * it with write_once()) whole, once, without ordering.  Any context.
 *
 * @noop example(const ring *r)
 * @code
 * struct ring {
 *         unsigned int head; // also written by C code, with WRITE_ONCE()
 * };
 * unsigned int head = kstd::read_once(r->head);
 * @endcode
 */
template <class T>
[[nodiscard]] inline T read_once(const T &x) noexcept
{
	static_assert(detail::atomic_scalar<T>, "read_once(): a scalar of 1, 2, 4 or 8 bytes");
	// SAFETY: the caller's field is naturally aligned (the C ABI aligns
	// every scalar member, packed structs aside) and its writers store it
	// whole (WRITE_ONCE() or write_once()), so the load never tears.
	return detail::atomic_load(x, __ATOMIC_RELAXED);
}

/**
 * WRITE_ONCE(): store @p v into a plain field shared with C whole, once,
 * without ordering.  Any context.
 *
 * @noop example(config *cfg)
 * @code
 * struct config {
 *         unsigned int timeout_ms; // also read by C code, with READ_ONCE()
 * };
 * kstd::write_once(cfg->timeout_ms, 500u);
 * @endcode
 */
template <class T>
inline void write_once(T &x, typename detail::atomic_same<T>::type v) noexcept
{
	static_assert(detail::atomic_scalar<T>, "write_once(): a scalar of 1, 2, 4 or 8 bytes");
	// SAFETY: as read_once(): an aligned scalar, stored whole by one
	// instruction, that its other users read with READ_ONCE().
	__atomic_store(&x, &v, __ATOMIC_RELAXED);
}

} // namespace kstd

#endif // KSTD_ATOMIC_HPP
