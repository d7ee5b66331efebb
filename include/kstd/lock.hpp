// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file lock.hpp
 * @brief spinlock_t, raw_spinlock_t and struct mutex with [[nodiscard]]
 *        RAII guards, and kstd::locked<T>, a lock that owns the data it
 *        protects.
 *
 * Which lock, on a normal kernel and on PREEMPT_RT (where spinlock_t is a
 * sleeping, priority-inheriting rt_mutex, spin_lock_irqsave() leaves
 * interrupts on, and softirqs and request_irq() handlers run in threads):
 *
 * | guard                        | !PREEMPT_RT                  | PREEMPT_RT                        |
 * |------------------------------|------------------------------|-----------------------------------|
 * | mutex::lock()                | process context, may sleep   | the same                          |
 * | spinlock::lock()             | data no (soft)irq touches    | the same; sleeps when contended   |
 * | spinlock::lock_bh()          | + softirqs, timers, sockets  | the same (they are threads)       |
 * | spinlock::lock_irqsave()     | + hardirq handlers           | IRQs stay on: threaded ones only  |
 * | raw_spinlock::lock()         | as spinlock::lock()          | spins, preemption off             |
 * | raw_spinlock::lock_irqsave() | as spinlock::lock_irqsave()  | IRQs off: true hardirq context    |
 *
 * Use kstd::spinlock by default; kstd::raw_spinlock only for data touched
 * in true hard-interrupt context on RT or under another raw lock, with
 * short critical sections and nothing in them that sleeps on RT (no
 * spinlock_t, mutex, allocation or kfree, wait_queue::wake_up()).
 *
 * Each spinlock or mutex *declaration* gets its own lockdep class, as the
 * kernel's spin_lock_init()/mutex_init() macros do for each call site: two
 * members `kstd::spinlock a, b;` are different classes, and every object of
 * the enclosing type shares them.  Pass a name for readable lockdep reports
 * (a class keeps the first name it is initialised with).  kstd::locked<T>
 * has one class per T unless given KSTD_LOCK_CLASS().
 *
 * @code
 * struct stats {
 *         u64 rx = 0, tx = 0;
 * };
 * struct device {
 *         kstd::locked<stats> counters{"counters"}; // spinlock + the data it guards
 *         kstd::mutex config_lock{"config_lock"};
 *
 *         void on_rx(u64 n)                         // also from IRQ handlers (threaded on RT)
 *         {
 *                 auto s = counters.lock_irqsave(); // unlocked at end of scope
 *                 s->rx += n;
 *         }
 *         kstd::result<void> reconfigure()          // may sleep
 *         {
 *                 auto g = KSTD_TRY(config_lock.lock_interruptible());
 *                 ...
 *                 return {};
 *         }
 * };
 * @endcode
 *
 * Locks are neither copyable nor movable: the kernel links waiters and
 * lockdep state to their address.
 */
#ifndef KSTD_LOCK_HPP
#define KSTD_LOCK_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * A lockdep class: the static key lockdep identifies a class of locks by,
 * and the one name that goes with it.  Only ever in static storage (a
 * namespace-scope or static member, or what KSTD_LOCK_CLASS() gives).
 *
 * lockdep wants exactly one name per key (it warns "same key, different
 * name" otherwise), but kstd lock names are runtime arguments, so the first
 * name a class is used with becomes its name.
 */
class lock_class {
public:
	/** The name to register a lock under: the first one this class saw. */
	const char *bind_name(const char *name) noexcept
	{
		const char *first = nullptr;
		// SAFETY: name_ is a naturally aligned pointer in static,
		// zero-initialised storage, only ever accessed here, atomically.
		if (__atomic_compare_exchange_n(&name_, &first, name, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return name;
		return first;
	}
	/** The kernel's struct lock_class_key, for C APIs that take one. */
	// SAFETY: key_ has the kernel type's size and alignment (CHECK_LAYOUT
	// in lib/kstd.c); lockdep wants it zero-filled in static storage, which
	// is the only place a lock_class lives (see above).
	::lock_class_key *key() noexcept { return key_.as<::lock_class_key>(); }

private:
	opaque<KSTD_SIZEOF_LOCK_CLASS_KEY, KSTD_ALIGNOF_LOCK_CLASS_KEY> key_;
	const char *name_;
};

namespace detail {
/*
 * One class per lock declaration site (Site is a distinct closure type per
 * site).  Zero-initialised and constructor-free: lands in the module's .bss,
 * which lockdep accepts as static storage.
 */
template <class Site>
inline lock_class site_class;
} // namespace detail

/**
 * A lock class private to the place this macro is expanded, for the
 * constructors that take one:
 * `kstd::locked<stats> rx{"rx_stats", KSTD_LOCK_CLASS()};`
 */
#define KSTD_LOCK_CLASS() (::kstd::detail::site_class<decltype([] {})>)

/**
 * A held lock, released when the guard goes out of scope.  Move-only.  A
 * guard from a try_*() call may be empty: test it with `if (guard)`.
 */
template <class Lock, class Policy>
class [[nodiscard]] lock_guard {
public:
	/** Take over the held lock from @p o, which becomes empty. */
	lock_guard(lock_guard &&o) noexcept : lock_(exchange(o.lock_, nullptr)), flags_(o.flags_) {}
	lock_guard(const lock_guard &) = delete;
	lock_guard &operator=(const lock_guard &) = delete;
	lock_guard &operator=(lock_guard &&) = delete;
	~lock_guard() { unlock(); }

	/** Was the lock taken (always true except after a failed try)? */
	explicit operator bool() const noexcept { return lock_ != nullptr; }

	/** Release early; the guard is then empty. */
	void unlock() noexcept
	{
		if (Lock *l = exchange(lock_, nullptr))
			Policy::release(*l, flags_);
	}

private:
	friend Lock;
	// SAFETY: only Lock (a friend) builds a guard, right after taking
	// itself (or with null after a failed try) in the way Policy releases.
	lock_guard(Lock *held, unsigned long flags = 0) noexcept : lock_(held), flags_(flags) {}

	Lock *lock_;
	unsigned long flags_;
};

/**
 * Internal: does kstd::spinlock call the kernel's out-of-line
 * _raw_spin_*() function @p fn (LOCK, UNLOCK, LOCK_IRQSAVE,
 * UNLOCK_IRQRESTORE) directly?  Only without PREEMPT_RT, where spinlock_t
 * wraps a raw_spinlock_t (on RT it is an rt_mutex), and only where the
 * configuration has that function out of line.
 */
#define KSTD_SPINLOCK_DIRECT(fn) (KSTD_HAVE_RAW_SPIN_##fn##_FN && !KSTD_CONFIG_PREEMPT_RT)

class spinlock;

/** How a spinlock guard releases: must match how the lock was taken. */
namespace spin_policy {
/** Taken with lock() or try_lock(). */
struct plain {
	/** spin_unlock(). */
	static void release(spinlock &l, unsigned long) noexcept;
};
/** Taken with lock_bh(). */
struct bh {
	/** spin_unlock_bh(). */
	static void release(spinlock &l, unsigned long) noexcept;
};
/** Taken with lock_irqsave(); the guard keeps the saved IRQ flags. */
struct irqsave {
	/** spin_unlock_irqrestore() with the @p flags saved by lock_irqsave(). */
	static void release(spinlock &l, unsigned long flags) noexcept;
};
} // namespace spin_policy

/**
 * spinlock_t.  Busy-waits; the holder must not sleep.  Use lock() when the
 * lock is never taken from softirq or hardirq context, lock_bh() when it is
 * also taken in softirq context (socket callbacks, timers), lock_irqsave()
 * when it is taken from hardirq context.
 *
 * On PREEMPT_RT spinlock_t is an rt_mutex: a contended lock() sleeps (with
 * priority inheritance), the holder stays preemptible but on its CPU, and
 * it must still not sleep otherwise (no mutex, no gfp::kernel).  So never
 * take it in true hard-interrupt context (IRQF_NO_THREAD handlers, hard
 * hrtimers), with interrupts or preemption disabled, or under a
 * kstd::raw_spinlock: use kstd::raw_spinlock there.
 */
class spinlock {
public:
	/**
	 * Initialise; @p name shows up in lockdep reports and must outlive
	 * the module (a string literal).  Any context.
	 */
	template <class Site = decltype([] {})>
	explicit spinlock(const char *name = "kstd::spinlock", Site = {}) noexcept
	{
		init(name, detail::site_class<Site>);
	}
	/** Initialise in an explicit lockdep class (see KSTD_LOCK_CLASS()). */
	spinlock(const char *name, lock_class &cls) noexcept { init(name, cls); }
	spinlock(const spinlock &) = delete;
	spinlock &operator=(const spinlock &) = delete;

	/// Holds the lock taken by lock() or try_lock().
	using guard = lock_guard<spinlock, spin_policy::plain>;
	/// Holds the lock taken by lock_bh(); softirqs are re-enabled on release.
	using bh_guard = lock_guard<spinlock, spin_policy::bh>;
	/// Holds the lock taken by lock_irqsave() and the saved interrupt state.
	using irqsave_guard = lock_guard<spinlock, spin_policy::irqsave>;

	/**
	 * spin_lock(): disables preemption.  For data never touched in
	 * softirq or hardirq context.  RT: may sleep while contended;
	 * preemption stays on (migration is off).
	 */
	guard lock() noexcept
	{
#if KSTD_SPINLOCK_DIRECT(LOCK)
		_raw_spin_lock(raw_lock());
#else
		kstd_spin_lock(raw());
#endif
		return guard(this);
	}
	/**
	 * spin_lock_bh(): also disables softirqs on this CPU.  For data shared
	 * with softirqs: timers, socket callbacks.  RT: the same, and they
	 * run in threads; disabling BH takes a per-CPU lock (preemptible).
	 */
	bh_guard lock_bh() noexcept
	{
		kstd_spin_lock_bh(raw());
		return bh_guard(this);
	}
	/**
	 * spin_lock_irqsave(): also disables local interrupts, restoring
	 * them on release.  For data shared with interrupt handlers.  RT:
	 * interrupts stay enabled (handlers are threads there), so this is
	 * lock(); data a true hardirq context touches needs raw_spinlock.
	 */
	irqsave_guard lock_irqsave() noexcept
	{
#if KSTD_SPINLOCK_DIRECT(LOCK_IRQSAVE)
		unsigned long flags = _raw_spin_lock_irqsave(raw_lock());
#else
		unsigned long flags = kstd_spin_lock_irqsave(raw());
#endif
		return irqsave_guard(this, flags);
	}
	/**
	 * spin_trylock(): never spins; the guard is empty if the lock was
	 * busy.  RT: never sleeps either, but is still not for hardirq context.
	 */
	guard try_lock() noexcept
	{
		return guard(kstd_spin_trylock(raw()) ? this : nullptr);
	}

	/** Is the lock held by anyone (a hint only, for assertions)? */
	[[nodiscard]] bool is_locked() noexcept
	{
		return kstd_spin_is_locked(raw());
	}
	/** lockdep_assert_held(): warns under lockdep if this context does not hold it. */
	void assert_held() noexcept
	{
		kstd_lockdep_assert_held(raw(), 0);
	}

	/** The kernel's spinlock_t, for passing to C APIs. */
	[[nodiscard]] ::spinlock *raw() noexcept
	{
		// SAFETY: storage_ has spinlock_t's size and alignment
		// (CHECK_LAYOUT in lib/kstd.c) and holds one from init() on.
		return storage_.as<::spinlock>();
	}

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		kstd_spin_lock_init(raw(), cls.bind_name(name), cls.key());
	}
	::raw_spinlock *raw_lock() noexcept
	{
		// SAFETY: spinlock_t begins with its raw_spinlock_t (static_assert
		// in lib/kstd.c), except on PREEMPT_RT, where
		// KSTD_SPINLOCK_DIRECT() keeps this unused.
		return reinterpret_cast<::raw_spinlock *>(raw());
	}

	opaque<KSTD_SIZEOF_SPINLOCK, KSTD_ALIGNOF_SPINLOCK> storage_;
};

inline void spin_policy::plain::release(spinlock &l, unsigned long) noexcept
{
#if KSTD_SPINLOCK_DIRECT(UNLOCK)
	// SAFETY: as spinlock::raw_lock().
	_raw_spin_unlock(reinterpret_cast<::raw_spinlock *>(l.raw()));
#else
	kstd_spin_unlock(l.raw());
#endif
}
inline void spin_policy::bh::release(spinlock &l, unsigned long) noexcept
{
	kstd_spin_unlock_bh(l.raw());
}
inline void spin_policy::irqsave::release(spinlock &l, unsigned long flags) noexcept
{
#if KSTD_SPINLOCK_DIRECT(UNLOCK_IRQRESTORE)
	// SAFETY: as spinlock::raw_lock().
	_raw_spin_unlock_irqrestore(reinterpret_cast<::raw_spinlock *>(l.raw()), flags);
#else
	kstd_spin_unlock_irqrestore(l.raw(), flags);
#endif
}

class raw_spinlock;

/** How a raw_spinlock guard releases: must match how the lock was taken. */
namespace raw_spin_policy {
/** Taken with lock() or try_lock(). */
struct plain {
	/** raw_spin_unlock(). */
	static void release(raw_spinlock &l, unsigned long) noexcept;
};
/** Taken with lock_irqsave(); the guard keeps the saved IRQ flags. */
struct irqsave {
	/** raw_spin_unlock_irqrestore() with the @p flags saved by lock_irqsave(). */
	static void release(raw_spinlock &l, unsigned long flags) noexcept;
};
} // namespace raw_spin_policy

/**
 * raw_spinlock_t: a spinlock that spins, with preemption (lock()) or
 * interrupts (lock_irqsave()) disabled, on every kernel, PREEMPT_RT
 * included.  Without RT it behaves like kstd::spinlock.
 *
 * Only for code that truly runs in hard-interrupt context on RT
 * (IRQF_NO_THREAD handlers, hrtimers in hard mode) or under another raw
 * lock.  Keep the critical section short and bounded: it adds to RT's
 * worst-case latency.  Nothing in it may sleep on RT: no kstd::spinlock
 * or kstd::locked (spinlock_t sleeps there), no mutex, no allocation or
 * kfree (not even gfp::atomic), no wait_queue::wake_up().  complete(),
 * wake_up_process(), queue() of a work item and timer arming are fine
 * (the kernel protects them with raw locks).  Everything else wants
 * kstd::spinlock.
 */
class raw_spinlock {
public:
	/**
	 * Initialise; @p name shows up in lockdep reports and must outlive
	 * the module (a string literal).  Any context.
	 */
	template <class Site = decltype([] {})>
	explicit raw_spinlock(const char *name = "kstd::raw_spinlock", Site = {}) noexcept
	{
		init(name, detail::site_class<Site>);
	}
	/** Initialise in an explicit lockdep class (see KSTD_LOCK_CLASS()). */
	raw_spinlock(const char *name, lock_class &cls) noexcept { init(name, cls); }
	raw_spinlock(const raw_spinlock &) = delete;
	raw_spinlock &operator=(const raw_spinlock &) = delete;

	/// Holds the lock taken by lock() or try_lock().
	using guard = lock_guard<raw_spinlock, raw_spin_policy::plain>;
	/// Holds the lock taken by lock_irqsave() and the saved interrupt state.
	using irqsave_guard = lock_guard<raw_spinlock, raw_spin_policy::irqsave>;

	/**
	 * raw_spin_lock(): disables preemption and spins, RT included.  For
	 * data never touched in softirq or hardirq context (lock_irqsave()
	 * covers both).
	 */
	guard lock() noexcept
	{
#if KSTD_HAVE_RAW_SPIN_LOCK_FN
		_raw_spin_lock(raw());
#else
		kstd_raw_spin_lock(raw());
#endif
		return guard(this);
	}
	/**
	 * raw_spin_lock_irqsave(): also disables local interrupts, restoring
	 * them on release, RT included.  For data shared with any context,
	 * true hardirq included; usable in any context.
	 */
	irqsave_guard lock_irqsave() noexcept
	{
#if KSTD_HAVE_RAW_SPIN_LOCK_IRQSAVE_FN
		unsigned long flags = _raw_spin_lock_irqsave(raw());
#else
		unsigned long flags = kstd_raw_spin_lock_irqsave(raw());
#endif
		return irqsave_guard(this, flags);
	}
	/** raw_spin_trylock(): never spins; the guard is empty if the lock was busy. Any context. */
	guard try_lock() noexcept
	{
		return guard(kstd_raw_spin_trylock(raw()) ? this : nullptr);
	}

	/** Is the lock held by anyone (a hint only, for assertions)? */
	[[nodiscard]] bool is_locked() noexcept
	{
		return kstd_raw_spin_is_locked(raw());
	}
	/** lockdep_assert_held(): warns under lockdep if this context does not hold it. */
	void assert_held() noexcept
	{
		kstd_raw_spin_assert_held(raw());
	}

	/** The kernel's raw_spinlock_t, for passing to C APIs. */
	[[nodiscard]] ::raw_spinlock *raw() noexcept
	{
		// SAFETY: as spinlock::raw(), for raw_spinlock_t.
		return storage_.as<::raw_spinlock>();
	}

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		kstd_raw_spin_lock_init(raw(), cls.bind_name(name), cls.key());
	}

	opaque<KSTD_SIZEOF_RAW_SPINLOCK, KSTD_ALIGNOF_RAW_SPINLOCK> storage_;
};

inline void raw_spin_policy::plain::release(raw_spinlock &l, unsigned long) noexcept
{
#if KSTD_HAVE_RAW_SPIN_UNLOCK_FN
	_raw_spin_unlock(l.raw());
#else
	kstd_raw_spin_unlock(l.raw());
#endif
}
inline void raw_spin_policy::irqsave::release(raw_spinlock &l, unsigned long flags) noexcept
{
#if KSTD_HAVE_RAW_SPIN_UNLOCK_IRQRESTORE_FN
	_raw_spin_unlock_irqrestore(l.raw(), flags);
#else
	kstd_raw_spin_unlock_irqrestore(l.raw(), flags);
#endif
}

class mutex;
/** How a mutex guard releases. */
namespace mutex_policy {
/** Taken with any of mutex's lock functions. */
struct plain {
	/** mutex_unlock(). */
	static void release(mutex &m, unsigned long) noexcept;
};
} // namespace mutex_policy

/**
 * struct mutex: a sleeping lock.  Process context only; the holder may
 * sleep but must release it in the same task.  On PREEMPT_RT it is an
 * rt_mutex (priority inheritance); the rules are the same.
 */
class mutex {
public:
	/** Initialise; @p name shows up in lockdep reports. */
	template <class Site = decltype([] {})>
	explicit mutex(const char *name = "kstd::mutex", Site = {}) noexcept
	{
		init(name, detail::site_class<Site>);
	}
	/** Initialise in an explicit lockdep class (see KSTD_LOCK_CLASS()). */
	mutex(const char *name, lock_class &cls) noexcept { init(name, cls); }
	mutex(const mutex &) = delete;
	mutex &operator=(const mutex &) = delete;
	/** mutex_destroy(): with DEBUG_MUTEXES, catches use after destruction. */
	~mutex() { kstd_mutex_destroy(raw()); }

	/// Holds the mutex; unlocks it (mutex_unlock()) on destruction.
	using guard = lock_guard<mutex, mutex_policy::plain>;

	/** mutex_lock(). Might sleep; uninterruptible. */
	guard lock() noexcept
	{
		KSTD_MIGHT_SLEEP();
#if KSTD_CONFIG_DEBUG_LOCK_ALLOC
		kstd_mutex_lock(raw()); /* mutex_lock() is a macro over mutex_lock_nested() */
#else
		mutex_lock(raw());
#endif
		return guard(this);
	}
	/** mutex_lock_interruptible(): -EINTR if a signal arrives first. Might sleep. */
	[[nodiscard]] result<guard> lock_interruptible() noexcept
	{
		KSTD_MIGHT_SLEEP();
		int err = kstd_mutex_lock_interruptible(raw());
		if (err)
			return error::from_errno(err);
		return guard(this);
	}
	/** mutex_lock_killable(): -EINTR on a fatal signal. Might sleep. */
	[[nodiscard]] result<guard> lock_killable() noexcept
	{
		KSTD_MIGHT_SLEEP();
		int err = kstd_mutex_lock_killable(raw());
		if (err)
			return error::from_errno(err);
		return guard(this);
	}
	/** mutex_trylock(): never sleeps; the guard is empty if the mutex was busy. */
	guard try_lock() noexcept
	{
		return guard(mutex_trylock(raw()) ? this : nullptr);
	}

	/** mutex_is_locked(): held by anyone (a hint only, for assertions)?  Any context. */
	[[nodiscard]] bool is_locked() noexcept
	{
		return kstd_mutex_is_locked(raw());
	}
	/** lockdep_assert_held(): warns under lockdep if this task does not hold it. */
	void assert_held() noexcept
	{
		kstd_lockdep_assert_held(raw(), 1);
	}

	/** The kernel's struct mutex, for passing to C APIs. */
	[[nodiscard]] ::mutex *raw() noexcept
	{
		// SAFETY: as spinlock::raw(), for struct mutex.
		return storage_.as<::mutex>();
	}

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		kstd_mutex_init(raw(), cls.bind_name(name), cls.key());
	}

	opaque<KSTD_SIZEOF_MUTEX, KSTD_ALIGNOF_MUTEX> storage_;
};

inline void mutex_policy::plain::release(mutex &m, unsigned long) noexcept
{
	mutex_unlock(m.raw());
}

/**
 * Access to data under a held lock: `->` and `*` reach the data; the lock
 * is released with this object.  Obtained from locked<T>::lock() & co.
 */
template <class T, class Guard>
class [[nodiscard]] locked_access {
public:
	/** Pair a held lock's guard with the data it protects. */
	locked_access(Guard &&g, T &data) noexcept : guard_(move(g)), data_(&data) {}
	/** Member access to the protected data. */
	T *operator->() const noexcept { return data_; }
	/** The protected data. */
	T &operator*() const noexcept { return *data_; }
	/** Is the lock held (false only after a failed try_lock())? */
	explicit operator bool() const noexcept { return static_cast<bool>(guard_); }

private:
	Guard guard_;
	T *data_;
};

namespace detail {
/* The locks with lock_irqsave(). */
template <class Lock>
inline constexpr bool spinning_lock = is_same_v<Lock, spinlock> || is_same_v<Lock, raw_spinlock>;
} // namespace detail

/**
 * A lock together with the data it protects: the data is reachable only
 * through a guard, so it cannot be touched unlocked by mistake.  @p Lock
 * is kstd::spinlock (the default), kstd::raw_spinlock (raw_locked<T>) or
 * kstd::mutex (mutex_locked<T>); see the table at the top of lock.hpp for
 * which one a context needs on PREEMPT_RT.
 *
 * @noop example(conn *c)
 * @code
 * struct conn {
 *         kstd::list_node link;
 * };
 * kstd::locked<kstd::intrusive_list<&conn::link>> live{"live_conns"};
 * live.lock()->push_back(*c);
 * @endcode
 */
template <class T, class Lock = spinlock>
class locked {
public:
	/**
	 * Default-construct the data.  All locked<T, Lock> of one type share
	 * a lockdep class (named after the first one initialised); pass
	 * KSTD_LOCK_CLASS() to give a declaration its own.
	 */
	explicit locked(const char *name = "kstd::locked") noexcept : lock_(name), data_() {}
	/** Default-construct the data; the lock is in lockdep class @p cls. */
	locked(const char *name, lock_class &cls) noexcept : lock_(name, cls), data_() {}
	/** Construct the data from @p args. */
	template <class... Args>
	locked(const char *name, in_place_t, Args &&...args) noexcept
		: lock_(name), data_(forward<Args>(args)...)
	{
	}

	/**
	 * Lock and return a locked_access to the data.  Spinlock: never sleeps,
	 * not for data also touched in softirq/hardirq context (use lock_bh() or
	 * lock_irqsave()); on RT it may sleep while contended (see
	 * spinlock::lock()).  Raw spinlock: spins, RT included.  Mutex: may sleep.
	 */
	auto lock() noexcept { return make_access(lock_.lock()); }
	/** Try to lock without waiting: the access is empty (false) if the lock was busy. */
	auto try_lock() noexcept { return make_access(lock_.try_lock()); }
	/** spinlock only: see spinlock::lock_bh(). */
	auto lock_bh() noexcept requires is_same_v<Lock, spinlock>
	{
		return make_access(lock_.lock_bh());
	}
	/**
	 * spinlock or raw_spinlock: see spinlock::lock_irqsave() (interrupts
	 * stay on on RT) and raw_spinlock::lock_irqsave() (always off).
	 */
	auto lock_irqsave() noexcept requires detail::spinning_lock<Lock>
	{
		return make_access(lock_.lock_irqsave());
	}
	/** mutex only: -EINTR on a signal. */
	auto lock_interruptible() noexcept -> result<locked_access<T, typename Lock::guard>>
	requires is_same_v<Lock, mutex>
	{
		auto g = KSTD_TRY(lock_.lock_interruptible());
		return make_access(move(g));
	}

	/** The lock itself (for assertions, or C APIs that need it). */
	Lock &raw_lock() noexcept { return lock_; }

private:
	template <class G>
	locked_access<T, G> make_access(G &&g) noexcept
	{
		return locked_access<T, G>(move(g), data_);
	}

	Lock lock_;
	T data_;
};

/** kstd::locked with a mutex. */
template <class T>
using mutex_locked = locked<T, mutex>;

/**
 * kstd::locked with a raw_spinlock: for data touched in true hardirq
 * context on PREEMPT_RT.  Same rules as kstd::raw_spinlock: short, and
 * nothing under it that sleeps on RT.
 */
template <class T>
using raw_locked = locked<T, raw_spinlock>;

} // namespace kstd

#endif // KSTD_LOCK_HPP
