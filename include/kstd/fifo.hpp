// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file fifo.hpp
 * @brief kstd::fifo<T>: a typed, bounded, lock-free single-producer /
 *        single-consumer ring (the kernel's kfifo, typed).
 *
 * For handing small records from one context to another without a lock:
 * a socket callback or a timer (softirq) pushes events, a work item or a
 * kthread (process context) pops them.  push() and pop() never sleep and
 * never allocate; a full ring refuses the push (the producer decides:
 * drop and count, or back off).
 *
 * @noop example runs as a KUnit case
 * @code
 * struct event {
 *         u32 id, len;
 * };
 * auto q = KSTD_TRY(kstd::fifo<event>::make(100, kstd::gfp::kernel));
 * // q.capacity() == 128: rounded up to a power of two
 * if (!q.push(event{1, 64}))          // producer, e.g. a softirq socket callback
 *         return kstd::error::nospc(); // full: the producer decides (drop, count)
 * u32 bytes = 0;
 * event e;
 * while (q.pop(e))                    // consumer, e.g. a work item
 *         bytes += e.len;
 * if (bytes != 64)
 *         return kstd::error::io();
 * @endcode
 *
 * The rule: at most one push() and one pop() at any moment, from any
 * contexts (hard IRQ included), on any CPUs.  Two producers (or two
 * consumers) must exclude each other with a lock of their own, taken in a
 * way that suits the strongest context among them: a kstd::spinlock's
 * lock_bh() when one pushes from softirq and another from process context,
 * lock_irqsave() when one is a hard interrupt.  The consumer's side needs
 * no lock against the producer's, whatever their contexts.
 *
 * Capacity: make(n) rounds @p n up to a power of two (1 to 2^31) so an
 * index is a free-running u32 masked into the ring, as in kfifo; every
 * slot is usable (full is head - tail == capacity).
 *
 * Why a ring in C++ rather than calls into lib/kfifo.c: an element is a T
 * copied by assignment (the compiler sees its type and size; kfifo copies
 * bytes through memcpy with an element size known at run time), push and
 * pop inline to a few instructions instead of an exported call each, and
 * the ordering is written as the acquire/release pairs of
 * Documentation/core-api/circular-buffers.rst: the producer publishes a
 * slot with store_release(head) after writing it, the consumer reads
 * head with load_acquire() before the slot; the consumer frees a slot
 * with store_release(tail) after reading it, the producer reads tail with
 * load_acquire() before overwriting it.  The algorithm (power-of-two mask,
 * unsigned wrap) is kfifo's.
 *
 * Not over-aligned: head and tail share a cache line with the ring's
 * pointer, which costs some line transfers under heavy traffic but lets a
 * fifo live anywhere kmalloc() puts its owner.
 */
#ifndef KSTD_FIFO_HPP
#define KSTD_FIFO_HPP

#include <kstd/atomic.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * A bounded single-producer/single-consumer queue of T (see the file
 * comment).  Move-only; move it only while no one pushes or pops.  An
 * empty (default-constructed or moved-from) one must not be used.
 */
template <class T>
class fifo {
	static_assert(__is_trivially_copyable(T), "fifo<T>: T must be trivially copyable");

public:
	/** The largest capacity make() accepts. */
	static constexpr size_t max_capacity = size_t(1) << 31;

	/** Empty: owns no ring. */
	fifo() noexcept = default;
	/** Take over @p o's ring and contents; @p o is left empty.  Not while in use. */
	fifo(fifo &&o) noexcept
		: ring_(move(o.ring_)), mask_(exchange(o.mask_, 0)), head_(o.head_.load_relaxed()),
		  tail_(o.tail_.load_relaxed())
	{
	}
	/** Free ours, take over @p o's ring.  Not while either is in use. */
	fifo &operator=(fifo &&o) noexcept
	{
		ring_ = move(o.ring_);
		mask_ = exchange(o.mask_, 0);
		head_.store_relaxed(o.head_.load_relaxed());
		tail_.store_relaxed(o.tail_.load_relaxed());
		return *this;
	}
	fifo(const fifo &) = delete;
	fifo &operator=(const fifo &) = delete;

	/**
	 * An empty ring of @p capacity elements rounded up to a power of
	 * two.  -EINVAL if @p capacity is 0 or above max_capacity, -ENOMEM,
	 * -EOVERFLOW if the bytes overflow.  May sleep iff @p flags may.
	 */
	[[nodiscard]] static result<fifo> make(size_t capacity, gfp_t flags) noexcept
	{
		if (capacity == 0 || capacity > max_capacity)
			return error::inval();
		size_t n = 1;
		while (n < capacity)
			n <<= 1;
		fifo f;
		f.ring_ = KSTD_TRY(make_unique_for_overwrite<T[]>(flags, n));
		f.mask_ = static_cast<u32>(n - 1);
		return f;
	}

	/**
	 * Producer: append @p v; false (and nothing stored) if full.  Any
	 * context; one producer at a time.
	 */
	[[nodiscard]] bool push(const T &v) noexcept
	{
		const u32 head = head_.load_relaxed(); /* only the producer writes head */
		/* Pairs with pop()'s store_release(): that slot has been read. */
		const u32 tail = tail_.load_acquire();
		if (head - tail > mask_)
			return false;
		ring_[head & mask_] = v;
		/* Pairs with pop()'s load_acquire(): the slot is written first. */
		head_.store_release(head + 1);
		return true;
	}

	/**
	 * Consumer: move the oldest element into @p out; false (and @p out
	 * untouched) if empty.  Any context; one consumer at a time.
	 */
	[[nodiscard]] bool pop(T &out) noexcept
	{
		const u32 tail = tail_.load_relaxed(); /* only the consumer writes tail */
		/* Pairs with push()'s store_release(): the slot is complete. */
		const u32 head = head_.load_acquire();
		if (head == tail)
			return false;
		out = ring_[tail & mask_];
		/* Pairs with push()'s load_acquire(): done reading the slot. */
		tail_.store_release(tail + 1);
		return true;
	}

	/** The number of elements the ring holds (a power of two). */
	[[nodiscard]] size_t capacity() const noexcept { return ring_ ? size_t(mask_) + 1 : 0; }
	/**
	 * Elements queued now: exact for the producer or consumer while the
	 * other is idle, a snapshot otherwise.  Any context.
	 */
	[[nodiscard]] size_t size() const noexcept
	{
		/* tail first: it never passes head, so head - tail cannot wrap. */
		const u32 tail = tail_.load_acquire();
		const u32 n = head_.load_acquire() - tail;
		return n > mask_ ? size_t(mask_) + 1 : n; /* more pushed meanwhile */
	}
	/** size() == 0 (a snapshot, as size()). */
	[[nodiscard]] bool empty() const noexcept { return size() == 0; }

	/** Does it own a ring? */
	explicit operator bool() const noexcept { return static_cast<bool>(ring_); }

private:
	unique_ptr<T[]> ring_;
	u32 mask_ = 0;
	atomic<u32> head_; /* next slot to write; producer-owned */
	atomic<u32> tail_; /* next slot to read; consumer-owned */
};

} // namespace kstd

#endif // KSTD_FIFO_HPP
