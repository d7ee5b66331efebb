// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file timer.hpp
 * @brief kstd::timer<T, Fn>, a struct timer_list member of T whose
 *        callback receives the T.
 *
 * A timer callback runs in softirq context: it must not sleep, and data it
 * shares with process context needs spinlock::lock_bh() there.  On
 * PREEMPT_RT it runs in a softirq thread (preemptible, BH disabled): the
 * same rules, and lock_bh() is still right.  For
 * timeouts whose handler does real work (closing a connection, I/O), prefer
 * kstd::delayed_work (workqueue.hpp): same arming API, and the handler runs
 * in process context where it may sleep.
 *
 * @noop example(watchdog &wd)
 * @code
 * struct watchdog {
 *         void on_expire();                       // softirq context
 *         kstd::timer<watchdog, &watchdog::on_expire> timer{this};
 * };
 *
 * wd.timer.arm(kstd::msecs(100));                 // (re)arm: mod_timer()
 * wd.timer.cancel_sync();                         // timer_delete_sync()
 * @endcode
 *
 * The callback is `void T::fn()` or a static/free `void fn(T &)`, declared
 * before the timer member (a template argument can only name members
 * declared above it); it may re-arm its own timer.  Destroying the timer shuts it down
 * (timer_shutdown_sync(): no re-arming any more) and waits for a running
 * callback, so it can never run on freed memory; the destructor may sleep,
 * and must not run in the timer's own callback.  Declare the timer after the
 * members its callback uses (members are destroyed in reverse order), or
 * cancel it first in ~T().  Neither copyable nor movable; one lockdep class
 * per declaration.
 */
#ifndef KSTD_TIMER_HPP
#define KSTD_TIMER_HPP

#include <kstd/bindings.h>
#include <kstd/jiffies.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/utility.hpp>

namespace kstd {

namespace detail {
/* Call a callback given as `void T::fn()` or `void fn(T &)`. */
template <auto Fn, class T>
inline void invoke_on(T &obj) noexcept
{
	if constexpr (requires { (obj.*Fn)(); })
		(obj.*Fn)();
	else
		Fn(obj);
}

/*
 * The lockdep classes of one declaration, as a defaulted constructor
 * argument: `site_key key = {}` evaluates the lambda default of this
 * constructor anew at each place that relies on it (each member
 * declaration), like the lock constructors in lock.hpp.  (g++ 12 rejects a
 * lambda default template argument on a constructor of a class template,
 * so the class templates here take one of these instead.)
 */
struct site_key {
	lock_class *cls;
	lock_class *timer_cls; /* delayed work: the class of its timer */

	template <class Site = decltype([] {})>
	site_key(Site = {}) noexcept
		: cls(&site_class<Site>), timer_cls(&site_class<site_key (*)(Site)>)
	{
	}
};

/* Is @p inner (of @p size bytes) inside the object at @p outer? */
template <class T>
inline bool is_member_of(const void *inner, size_t size, const T *outer) noexcept
{
	// SAFETY: only compares addresses as integers; nothing is dereferenced.
	auto in = reinterpret_cast<uintptr_t>(inner), out = reinterpret_cast<uintptr_t>(outer);
	return in >= out && in + size <= out + sizeof(T);
}
} // namespace detail

/**
 * A timer_list embedded in T; @p Fn is called with the T when it expires.
 * Construct it with the owner: `kstd::timer<T, &T::fn> t{this};`.
 */
template <class T, auto Fn>
class timer {
public:
	/** timer_setup(); @p owner is the object this timer is a member of. Any context. */
	explicit timer(T *owner, const char *name = "kstd::timer",
		       detail::site_key site = {}) noexcept
		: owner_(owner)
	{
		init(name, *site.cls);
	}
	timer(const timer &) = delete;
	timer &operator=(const timer &) = delete;
	/** timer_shutdown_sync(): disarm for good, wait for a running callback. Might sleep. */
	~timer()
	{
		KSTD_MIGHT_SLEEP();
		kstd_timer_exit(raw());
	}

	/**
	 * mod_timer(jiffies + @p delay): (re)arm to fire once after @p delay.
	 * Returns true if it was pending (its expiry is moved).  Any context.
	 */
	bool arm(jiffies delay) noexcept { return mod_timer(raw(), ::jiffies + delay.count) != 0; }
	/** mod_timer(): fire at the absolute time @p expires. Any context. */
	bool arm_at(jiffies expires) noexcept { return mod_timer(raw(), expires.count) != 0; }

	/** timer_delete(): disarm; true if it was pending. Does not wait. Any context. */
	bool cancel() noexcept { return kstd_timer_delete(raw()) != 0; }
	/**
	 * timer_delete_sync(): disarm and wait for a running callback; true
	 * if it was pending.  Might sleep (not from the callback itself, nor
	 * under a lock the callback takes; on PREEMPT_RT it sleeps on the
	 * timer base's expiry lock).
	 */
	bool cancel_sync() noexcept
	{
		KSTD_MIGHT_SLEEP();
		return kstd_timer_delete_sync(raw()) != 0;
	}

	/** timer_pending(): armed and not yet fired?  A snapshot. Any context. */
	[[nodiscard]] bool pending() const noexcept { return kstd_timer_pending(raw()); }

	/** The kernel's struct timer_list, for C APIs. */
	// SAFETY: storage_ has the size and alignment of struct timer_list
	// (from the generated layout header) and holds one from init() on.
	[[nodiscard]] ::timer_list *raw() noexcept { return storage_.as<::timer_list>(); }
	/** The kernel's struct timer_list, for C APIs. */
	[[nodiscard]] const ::timer_list *raw() const noexcept
	{
		return storage_.as<::timer_list>();
	}

private:
	void init(const char *name, lock_class &cls) noexcept
	{
		if (!detail::is_member_of(this, sizeof(*this), owner_)) [[unlikely]]
			kstd_warn(__FILE__, __LINE__,
				  "kstd::timer owner does not contain the timer");
		kstd_timer_init(raw(), &expired, 0, cls.bind_name(name), cls.key());
	}

	static void expired(::timer_list *t) noexcept
	{
		// SAFETY: the kernel calls expired() only for timers init() set
		// up, which all live in a timer's storage_: t is &self->storage_.
		// owner_ contains the timer (init() checks) and so outlives it,
		// and the destructor waits for a running callback.
		auto *self = container_of(
			reinterpret_cast<opaque<KSTD_SIZEOF_TIMER_LIST, KSTD_ALIGNOF_TIMER_LIST> *>(
				t),
			&timer::storage_);
		detail::invoke_on<Fn>(*self->owner_);
	}

	opaque<KSTD_SIZEOF_TIMER_LIST, KSTD_ALIGNOF_TIMER_LIST> storage_;
	T *owner_;
};

} // namespace kstd

#endif // KSTD_TIMER_HPP
