// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file rcu.hpp
 * @brief RCU: kstd::rcu::read_guard, kstd::rcu_pointer<T> (publish, read
 *        under the guard, replace with the old value freed after a grace
 *        period), deferred deletion for unique_ptr and ref, synchronize()
 *        and barrier().
 *
 * Readers never block and take no lock: they enter a read-side critical
 * section (a kstd::rcu::read_guard) and follow pointers published with
 * rcu_assign_pointer() semantics.  A writer (serialized by its own lock)
 * publishes a new version and hands the old one to RCU, which frees it only
 * after every reader that might still see it has left its critical section
 * (a grace period).  Who may touch what is in the types:
 *
 * - A pointer read under a guard comes back as a kstd::rcu::guarded<T>,
 *   which can be neither copied, moved nor assigned: it lives in the scope
 *   that read it, where the guard lives (reading needs a named guard; a
 *   temporary one is refused at compile time).  C++ cannot stop `&*p` from
 *   escaping; don't.  Take a counted reference (kstd::ref::try_acquire(),
 *   refcount_inc_not_zero semantics) to keep an object past the guard.
 * - Readers see `const T`: a published object is never modified, only
 *   replaced.
 * - What a writer unpublishes is a kstd::rcu::retired<T>, an owner whose
 *   destruction frees after a grace period (call_rcu(), without blocking);
 *   wait_for_readers() turns it back into a plain unique_ptr by waiting
 *   (may sleep).
 * - T embeds the callback's struct rcu_head by deriving from
 *   kstd::rcu::freeable, so a deferred free never allocates and never
 *   fails.
 *
 * @code
 * struct config : kstd::rcu::freeable {
 *         int port;
 *         explicit config(int p) : port(p) {}
 * };
 * kstd::mutex writer_lock{"config.writer"};
 * kstd::rcu_pointer<config> current;
 *
 * // Writer (may sleep here for gfp::kernel): publish a new version.
 * {
 *         auto next = KSTD_TRY(kstd::make_unique<config>(kstd::gfp::kernel, 8080));
 *         auto w = writer_lock.lock();
 *         kstd::rcu::retired<config> old = current.replace(kstd::move(next), w);
 * } // old: freed after a grace period, nobody waits
 *
 * // Reader, any context: no lock, no sleeping inside the guard.
 * {
 *         kstd::rcu::read_guard g;
 *         if (auto c = current.read(g))
 *                 kstd_pr_info("port %d\n", c->port);
 * }
 * kstd::rcu::barrier(); // in module exit: let queued frees run first
 * @endcode
 *
 * Module unload: the deferred frees run ~T() and kfree() from a callback in
 * the module's code.  A module that retired anything (replace(), a
 * retired<T> or rcu::ref<T> dropped, an rcu_pointer destroyed, a
 * hash_table element removed) must call kstd::rcu::barrier() in its exit
 * function after the last of those and before returning, or a callback may
 * run after the module text is gone.  synchronize() is not enough: it waits
 * for readers, not for queued callbacks.
 *
 * CONFIG_PROVE_RCU (the debug guest has it) reports what the types cannot
 * stop: sleeping inside a read_guard ("Voluntary context switch within RCU
 * read-side critical section", and DEBUG_ATOMIC_SLEEP's might_sleep
 * splat), synchronize() or barrier() inside one, a read through the C
 * helper outside one ("suspicious rcu_dereference_check() usage").
 */
#ifndef KSTD_RCU_HPP
#define KSTD_RCU_HPP

#include <kstd/bindings.h>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/refcount.hpp>
#include <kstd/utility.hpp>

namespace kstd {

namespace rcu {

/**
 * An RCU read-side critical section (rcu_read_lock() to rcu_read_unlock()),
 * scoped.  Guards nest.  Neither copyable nor movable: it ends where it
 * was declared.  Any context (hardirq included).  Inside: never sleep (no
 * mutex, no gfp::kernel, no synchronize()); pointers read under it are
 * valid only until it ends.
 *
 * @code
 * {
 *         kstd::rcu::read_guard g;
 *         if (!kstd::rcu::read_lock_held())
 *                 kstd_pr_err("not in a read-side critical section?\n");
 * } // rcu_read_unlock()
 * @endcode
 */
class [[nodiscard]] read_guard {
public:
	/** rcu_read_lock(). */
	read_guard() noexcept { kstd_rcu_read_lock(); }
	/** rcu_read_unlock(). */
	~read_guard() { kstd_rcu_read_unlock(); }
	read_guard(const read_guard &) = delete;
	read_guard &operator=(const read_guard &) = delete;
};

/**
 * rcu_read_lock_held(): is this context inside a read-side critical
 * section?  Exact with CONFIG_DEBUG_LOCK_ALLOC; without it the kernel
 * answers true unless it knows better.  For assertions.  Any context.
 */
[[nodiscard]] inline bool read_lock_held() noexcept
{
	return kstd_rcu_read_lock_held() != 0;
}

/**
 * synchronize_rcu(): wait until every read-side critical section that was
 * running when called has ended.  May sleep; never inside a read_guard.
 */
inline void synchronize() noexcept
{
	KSTD_MIGHT_SLEEP();
	kstd_synchronize_rcu();
}

/**
 * rcu_barrier(): wait until every deferred free queued so far (retired<T>,
 * rcu::ref, rcu_pointer, hash_table removals) has run.  Call it in module
 * exit after the last retirement: the callbacks are module code.  May
 * sleep; never inside a read_guard.
 */
inline void barrier() noexcept
{
	KSTD_MIGHT_SLEEP();
	kstd_rcu_barrier();
}

/**
 * A pointer read under a read_guard, usable only in the scope that read
 * it: not copyable, movable or assignable, so it cannot be stored in an
 * object or outlive the statement block; `auto p = x.read(g);` binds it.
 * Dereference as a pointer; test with `if (p)`.
 *
 * @code
 * struct int_box : kstd::rcu::freeable { int v = 0; };
 * kstd::rcu_pointer<int_box> x;
 * kstd::rcu::read_guard g;
 * if (auto p = x.read(g))
 *         kstd_pr_info("%d\n", p->v);
 * @endcode
 */
template <class T>
class [[nodiscard]] guarded {
public:
	/**
	 * Attest that @p p was read (rcu_dereference()) under @p g, which
	 * still holds.  For containers built on RCU (kstd::hash_table).
	 */
	guarded(const read_guard &g, T *p) noexcept : p_(p) { (void)g; }
	/** A temporary guard ends before the pointer is used. */
	guarded(read_guard &&, T *) = delete;
	guarded(const guarded &) = delete;
	guarded &operator=(const guarded &) = delete;

	/** The object (null if none); valid until the guard ends. */
	[[nodiscard]] T *get() const noexcept { return p_; }
	/** The object (must not be null). */
	T &operator*() const noexcept { return *p_; }
	/** Member access (must not be null). */
	T *operator->() const noexcept { return p_; }
	/** Was something there? */
	explicit operator bool() const noexcept { return p_ != nullptr; }

private:
	T *p_;
};

/**
 * The struct rcu_head a deferred free needs, as a base class: derive T
 * from it (`struct T : kstd::rcu::freeable`) to use rcu_pointer<T>,
 * retired<T> and rcu::ref<T>.  Two pointers; not copyable.
 */
class freeable {
public:
	freeable(const freeable &) = delete;
	freeable &operator=(const freeable &) = delete;

protected:
	constexpr freeable() noexcept = default;
	~freeable() = default;

private:
	template <class>
	friend struct deleter;

	/* Mirrors struct rcu_head (checked in lib/helpers/rcu.c). */
	struct head_storage {
		void *next = nullptr;
		void (*func)(::callback_head *) = nullptr;
	};

	::callback_head *head() noexcept
	{
		// SAFETY: head_storage is two pointers laid out as struct
		// callback_head (static_assert in lib/helpers/rcu.c); only the
		// RCU core writes it, between call_rcu() and the callback.
		return reinterpret_cast<::callback_head *>(&head_);
	}
	static freeable *from_head(::callback_head *h) noexcept
	{
		// SAFETY: h is the head() of a freeable (the only heads we queue);
		// head_ is its first and only member, so they share an address.
		return reinterpret_cast<freeable *>(h);
	}

	head_storage head_;
};

/**
 * A deleter that destroys and kfree()s after a grace period (call_rcu()):
 * `kstd::unique_ptr<T, rcu::deleter<T>>` and `kstd::ref<T, rcu::deleter<T>>`
 * free only once no reader can still see the object.  Deleting never
 * blocks and is fine in any context.  ~T() then runs in softirq context
 * (or an rcuo kthread): it must not sleep.  See barrier() for unload.
 */
template <class T>
struct deleter {
	/** Queue ~T() and kfree() for after a grace period.  Any context. */
	void operator()(T *p) const noexcept
	{
		static_assert(__is_base_of(freeable, T),
			      "rcu::deleter<T>: T must derive from kstd::rcu::freeable");
		freeable *f = p;
		kstd_call_rcu(f->head(), &run);
	}

private:
	static void run(::callback_head *h) noexcept
	{
		// SAFETY: operator() queued the head of the freeable base of a
		// live, kmalloc()ed T that nothing else owns any more (static_cast
		// to the derived class undoes the implicit upcast there).
		T *p = static_cast<T *>(freeable::from_head(h));
		kfree_deleter<T>()(p);
	}
};

/**
 * A unique owner whose destruction frees after a grace period, without
 * blocking (any context): what an owning kstd::hash_table holds.  Built
 * from a kstd::unique_ptr<T> implicitly.
 */
template <class T>
using unique_ptr = kstd::unique_ptr<T, deleter<T>>;

/**
 * An object taken out of readers' sight that readers may still be using
 * (what rcu_pointer::replace() gives back): an rcu::unique_ptr, so
 * dropping it frees after a grace period.
 */
template <class T>
using retired = unique_ptr<T>;

/**
 * Wait for a grace period (may sleep), after which no reader sees *@p r:
 * plain ownership again, to reuse or free at once.
 *
 * @code
 * struct int_box : kstd::rcu::freeable { int v = 0; };
 * kstd::rcu::retired<int_box> r = KSTD_TRY(kstd::make_unique<int_box>(kstd::gfp::kernel));
 * kstd::unique_ptr<int_box> mine = kstd::rcu::wait_for_readers(kstd::move(r));
 * mine->v = 0; // nobody else can see it now
 * @endcode
 */
template <class T>
[[nodiscard]] kstd::unique_ptr<T> wait_for_readers(retired<T> r) noexcept
{
	synchronize();
	// SAFETY: after the grace period no reader holds the pointer; it is
	// the same kmalloc()ed T, owned by r until released here.
	return kstd::unique_ptr<T>(r.release());
}

/**
 * A counted reference whose last drop frees after a grace period: for
 * objects that readers find under RCU and keep with try_acquire()
 * (refcount_inc_not_zero): the count may reach zero while a reader still
 * looks at the memory, which must then stay valid until its guard ends.
 */
template <class T>
using ref = kstd::ref<T, deleter<T>>;

/**
 * Allocate a T (deriving from kstd::ref_counted and kstd::rcu::freeable)
 * as an rcu::ref.  -ENOMEM on failure.  May sleep iff @p flags may.
 *
 * @code
 * struct entry : kstd::ref_counted, kstd::rcu::freeable { int v = 1; };
 * kstd::rcu::ref<entry> e = KSTD_TRY(kstd::rcu::make_ref<entry>(kstd::gfp::kernel));
 * @endcode
 */
template <class T, class... Args>
[[nodiscard]] result<ref<T>> make_ref(gfp_t flags, Args &&...args) noexcept
{
	auto p = KSTD_TRY(make_unique<T>(flags, forward<Args>(args)...));
	// SAFETY: a fresh kmalloc()ed T with its count at 1 (ref_counted's),
	// adopted once; deleter<T> frees it as make_unique() allocated it.
	return ref<T>::adopt(p.release());
}

} // namespace rcu

/**
 * An owning, RCU-published pointer to a T (deriving from
 * kstd::rcu::freeable).  Readers read() it under a rcu::read_guard, any
 * context, and get a `const T`; writers, serialized by a lock of their own
 * whose guard they show, replace() it and get the old value back as a
 * rcu::retired<T>.  Destroying it retires the current value.  Neither
 * copyable nor movable (readers hold its address).
 */
template <class T>
class rcu_pointer {
	static_assert(__is_base_of(rcu::freeable, T),
		      "rcu_pointer<T>: T must derive from kstd::rcu::freeable");

public:
	/** Empty. */
	constexpr rcu_pointer() noexcept = default;
	/** Holding @p initial, before any reader can see this. */
	explicit rcu_pointer(unique_ptr<T> initial) noexcept : slot_(initial.release()) {}
	rcu_pointer(const rcu_pointer &) = delete;
	rcu_pointer &operator=(const rcu_pointer &) = delete;
	/** Retire the current value (freed after a grace period).  Any context. */
	~rcu_pointer() { rcu::retired<T>(static_cast<T *>(slot_)); }

	/**
	 * rcu_dereference(): the current value, valid while @p g holds.  Any
	 * context.  The result cannot leave the scope (rcu::guarded).
	 */
	[[nodiscard]] rcu::guarded<const T> read(const rcu::read_guard &g) const noexcept
	{
		// SAFETY: slot_ holds null or a T published by replace() (a
		// release store through the same helper family); kstd_rcu_
		// dereference() only reads the slot.
		void *p = kstd_rcu_dereference(const_cast<void *const *>(&slot_));
		return rcu::guarded<const T>(g, static_cast<const T *>(p));
	}
	/** A temporary guard would end before the pointer is used. */
	rcu::guarded<const T> read(rcu::read_guard &&) const = delete;

	/**
	 * Publish @p next (rcu_assign_pointer(): readers that see it see it
	 * fully built) and give back the previous value, which readers may
	 * still be using: drop it to free it after a grace period.  The
	 * caller holds the lock that serializes this pointer's writers and
	 * shows its guard @p writer.  Does not sleep (fine under a spinlock).
	 */
	template <class Lock, class Policy>
	[[nodiscard]] rcu::retired<T> replace(unique_ptr<T> next,
					      const lock_guard<Lock, Policy> &writer) noexcept
	{
		if (!writer) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "rcu_pointer::replace() without the lock");
		// SAFETY: writers are serialized (the caller's lock), so slot_
		// is ours to read plainly; the old value is handed to a retired<>,
		// whose free waits for the readers that may still hold it.
		void *old = slot_;
		kstd_rcu_assign_pointer(&slot_, next.release());
		return rcu::retired<T>(static_cast<T *>(old));
	}

	/**
	 * The current value as the writer sees it (rcu_dereference_protected()):
	 * valid while the caller holds the writers' lock shown as @p writer.
	 */
	template <class Lock, class Policy>
	[[nodiscard]] const T *get(const lock_guard<Lock, Policy> &writer) const noexcept
	{
		(void)writer;
		return static_cast<const T *>(slot_);
	}

private:
	void *slot_ = nullptr;
};

} // namespace kstd

#endif // KSTD_RCU_HPP
