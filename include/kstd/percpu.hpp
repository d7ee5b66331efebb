// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file percpu.hpp
 * @brief kstd::percpu<T>: one T per possible CPU (alloc_percpu()), reached
 *        through a guard that keeps the task on its CPU, per-CPU counters
 *        (this_cpu_add()) and a sum over CPUs.
 *
 * For state every CPU updates on a hot path without sharing a cache line:
 * statistics bumped per packet, per-CPU scratch buffers, per-CPU free
 * lists.  make() allocates a zeroed T on every possible CPU (CPUs that
 * come online later already have theirs) and constructs it in place; the
 * destructor destroys each copy and frees them.
 *
 * Three ways in, each with its own rule:
 *
 * - local(): a guard holding this CPU's T, get_cpu_ptr()/put_cpu_ptr().
 *   Preemption is off while it lives, so the task stays on that CPU and no
 *   other task on it touches the T; it must not sleep (no mutex, no
 *   GFP_KERNEL allocation, no copy to user space; DEBUG_ATOMIC_SLEEP
 *   reports it).  Interrupts and softirqs still run: if a handler on the
 *   same CPU also writes the T, disable them around the guard
 *   (kstd::spinlock's guards do) or use add().
 * - add(): this_cpu_add() of an integer (T itself, or a u32/u64 member of
 *   it).  Interrupt-safe in any context: on x86 one `add %gs:` instruction,
 *   elsewhere with interrupts disabled around it.  No guard needed.
 * - on(cpu), for_each(), sum(): any CPU's copy, from any context, without
 *   a lock.  While CPUs keep counting, a sum is a racy snapshot (each copy
 *   read whole, at a slightly different moment): right for statistics,
 *   never for a decision such as "is this the last reference".
 *
 * @noop example runs as a KUnit case
 * @code
 * struct stats {
 *         kstd::u64 packets, bytes;
 * };
 * auto st = KSTD_TRY(kstd::percpu<stats>::make(kstd::gfp::kernel));
 * st.add(&stats::packets, 1);                // any context, hard IRQ included
 * st.add(&stats::bytes, 1500);
 * {
 *         auto here = st.local();            // preemption off: do not sleep
 *         here->packets += 2;                // this CPU's copy; IRQs may still run
 * }
 * kstd_pr_info("packets %llu bytes %llu\n", st.sum(&stats::packets),
 *              st.sum(&stats::bytes));   // racy snapshots, fine for statistics
 * @endcode
 *
 * Cost: a copy per possible CPU (nr_cpu_ids copies of sizeof(T), from the
 * per-CPU chunks, not the slab), and one pointer in the owner.  add() is a
 * call into a C helper doing a single non-atomic (no `lock` prefix)
 * instruction on this CPU's cache line; compare a shared atomic's `lock
 * xadd`, which moves the line between CPUs on every update.  sum() reads
 * every possible CPU's copy.
 *
 * kstd::stat_counter stays a single atomic u64: it must be valid as zero
 * bytes (it lives in kstd::pernet_storage and in structs that are never
 * constructed) and infallibly constructible, which a per-CPU allocation
 * is not.  For counters hot enough to bounce a cache line, put a struct of
 * u64s in a percpu<T> as above.
 */
#ifndef KSTD_PERCPU_HPP
#define KSTD_PERCPU_HPP

#include <kstd/atomic.hpp>
#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

namespace detail {
/* The integers this_cpu_add() takes here: 4 or 8 bytes. */
template <class M>
inline constexpr bool percpu_addable = atomic_arith<M> && (sizeof(M) == 4 || sizeof(M) == 8);
} // namespace detail

/**
 * A T on every possible CPU (see the file comment).  Move-only; an empty
 * (default-constructed or moved-from) one must not be used.  T is
 * default-constructed on each CPU (value-initialised: zero for integers
 * and plain structs) and destroyed on each CPU.
 */
template <class T>
class percpu {
	static_assert(alignof(T) <= 4096 && (alignof(T) & (alignof(T) - 1)) == 0,
		      "percpu<T>: the per-CPU allocator aligns to a power of two up to a page");

public:
	/**
	 * This CPU's T, with preemption disabled until the guard is
	 * destroyed (get_cpu_ptr()).  Must not sleep while held.  Neither
	 * copyable nor movable: it lives in the scope that took it.
	 */
	class [[nodiscard]] local_guard {
	public:
		local_guard(const local_guard &) = delete;
		local_guard &operator=(const local_guard &) = delete;
		/** put_cpu_ptr(): preemption back on. */
		~local_guard() { kstd_percpu_put(); }

		/** This CPU's T. */
		[[nodiscard]] T &operator*() const noexcept { return *p_; }
		/** This CPU's T. */
		T *operator->() const noexcept { return p_; }
		/** The CPU the guard pins (smp_processor_id()). */
		[[nodiscard]] int cpu() const noexcept { return cpu_; }

	private:
		friend class percpu;
		explicit local_guard(void *pcpu) noexcept
		{
			// SAFETY: pcpu is a live percpu<T>'s allocation, in which
			// every possible CPU's copy holds a constructed T (make());
			// the helper disabled preemption, so this CPU's copy is
			// ours until the destructor turns it back on.
			p_ = static_cast<T *>(kstd_percpu_get(pcpu, &cpu_));
		}
		T *p_;
		int cpu_;
	};

	/** Empty: owns nothing. */
	percpu() noexcept = default;
	/** Take over @p o's copies; @p o is left empty. */
	percpu(percpu &&o) noexcept : p_(exchange(o.p_, nullptr)) {}
	/** Free ours, take over @p o's copies. */
	percpu &operator=(percpu &&o) noexcept
	{
		reset();
		p_ = exchange(o.p_, nullptr);
		return *this;
	}
	percpu(const percpu &) = delete;
	percpu &operator=(const percpu &) = delete;
	/** Destroys every CPU's T and frees them.  Does not sleep. */
	~percpu() { reset(); }

	/**
	 * A T on every possible CPU.  -ENOMEM if the per-CPU allocator has
	 * no room (sizes above 32 KiB always fail; add gfp::nowarn to keep
	 * its warning quiet).  May sleep iff @p flags may (gfp::kernel);
	 * gfp::atomic or gfp::nowait do not.
	 */
	[[nodiscard]] static result<percpu> make(gfp_t flags = gfp::kernel) noexcept
	{
		void *p = kstd_percpu_alloc(sizeof(T), alignof(T), flags.bits);
		if (!p)
			return error::nomem();
		percpu r;
		r.p_ = p;
		if constexpr (!__is_trivially_constructible(T))
			for (int cpu = kstd_cpu_next(-1, 0); cpu >= 0; cpu = kstd_cpu_next(cpu, 0))
				// SAFETY: each possible CPU's copy is sizeof(T)
				// fresh zeroed bytes aligned for T, constructed once.
				new (kstd_percpu_ptr(p, cpu)) T();
		return r;
	}

	/** This CPU's T, preemption off while the guard lives.  Any context; do not sleep. */
	[[nodiscard]] local_guard local() const noexcept { return local_guard(p_); }

	/**
	 * @p cpu's T (@p cpu a possible CPU: from for_each() or a CPU
	 * number the kernel gave).  Any context; the caller keeps accesses
	 * from several CPUs apart (read_once(), atomics, or that CPU only).
	 */
	[[nodiscard]] T &on(int cpu) const noexcept
	{
		// SAFETY: a possible CPU's copy of a live allocation holds a
		// constructed T (make()); it lives until reset().
		return *static_cast<T *>(kstd_percpu_ptr(p_, cpu));
	}

	/** Call @p fn(cpu, T &) for every possible CPU, in CPU order.  Any context. */
	template <class F>
	void for_each(F &&fn) const noexcept
	{
		for (int cpu = kstd_cpu_next(-1, 0); cpu >= 0; cpu = kstd_cpu_next(cpu, 0))
			fn(cpu, on(cpu));
	}

	/** this_cpu_add(): add @p n to this CPU's T (an integer).  Any context. */
	void add(T n) noexcept requires detail::percpu_addable<T>
	{
		kstd_percpu_add(p_, 0, sizeof(T), static_cast<u64>(n));
	}

	/**
	 * this_cpu_add() of @p n to this CPU's @p field (a u32/u64-sized
	 * member of T).  Any context.
	 */
	template <class C, class M>
		void add(M C::*field, typename detail::atomic_same<M>::type n) noexcept requires
		__is_same(C, T) &&
		detail::percpu_addable<M>
	{
		kstd_percpu_add(p_, member_offset(field), sizeof(M), static_cast<u64>(n));
	}

	/** The sum of every possible CPU's T (an integer): a racy snapshot.  Any context. */
	[[nodiscard]] T sum() const noexcept requires detail::percpu_addable<T>
	{
		T s = 0;
		for_each([&s](int, T &v) { s += read_once(v); });
		return s;
	}

	/** The sum of @p field over every possible CPU: a racy snapshot.  Any context. */
	template <class C, class M>
		[[nodiscard]] M sum(M C::*field) const noexcept requires __is_same(C, T) &&
		detail::percpu_addable<M>
	{
		M s = 0;
		for_each([&s, field](int, T &v) { s += read_once(v.*field); });
		return s;
	}

	/** Does it own the copies? */
	explicit operator bool() const noexcept { return p_ != nullptr; }

	/** Destroy every CPU's T and free them (no-op if empty).  Does not sleep. */
	void reset() noexcept
	{
		void *p = exchange(p_, nullptr);
		if (!p)
			return;
		if constexpr (!is_trivially_destructible_v<T>)
			for (int cpu = kstd_cpu_next(-1, 0); cpu >= 0; cpu = kstd_cpu_next(cpu, 0))
				// SAFETY: each possible CPU's copy holds the T
				// make() built; destroyed once, before the free.
				static_cast<T *>(kstd_percpu_ptr(p, cpu))->~T();
		kstd_percpu_free(p);
	}

private:
	/* The kernel's `T __percpu *`: a cookie, only the helpers turn it into addresses. */
	void *p_ = nullptr;
};

} // namespace kstd

#endif // KSTD_PERCPU_HPP
