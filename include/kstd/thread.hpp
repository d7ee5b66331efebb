// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file thread.hpp
 * @brief kstd::kthread, a kernel thread that is stopped and joined when
 *        its owner goes away; sleeping helpers for the current thread.
 *
 * The thread runs a function on state that the caller owns (nothing is
 * allocated behind your back): a member function of an object,
 * `run<&server::accept_loop>("kecho", *this)`, or a callable kept alive by
 * the caller, `run("worker", loop)`.  The function returns an int exit code
 * (or void for 0) and should return once kthread::should_stop() is true.
 *
 * @noop example(kstd::unique_ptr<server> &srv)
 * @code
 * struct server {
 *         kstd::wait_queue events{"server.events"};
 *         int accept_loop()                                  // the thread
 *         {
 *                 while (!kstd::kthread::should_stop()) {
 *                         (void)events.wait_for([&] { return has_work.load_relaxed() ||
 *                                 kstd::kthread::should_stop(); }, kstd::secs(1));
 *                         ...
 *                 }
 *                 return 0;
 *         }
 *         kstd::atomic<bool> has_work;
 *         kstd::kthread thread;  // declared last: stopped first
 * };
 * srv->thread = KSTD_TRY(kstd::kthread::run<&server::accept_loop>("kecho", *srv));
 * @endcode
 *
 * The thread may also return early, before anyone asks it to stop: the
 * kthread object holds a task reference (get_task_struct()), so stopping
 * it later is still safe and yields its exit code.  Stopping (stop() or the
 * destructor) sets should_stop(), wakes the thread and waits for it to
 * return: it may sleep and must not be called from the thread itself.
 * Move-only.
 */
#ifndef KSTD_THREAD_HPP
#define KSTD_THREAD_HPP

#include <kstd/bindings.h>
#include <kstd/jiffies.hpp>
#include <kstd/log.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

namespace detail {
/* The exit code of calling @p f: its int result, or 0 for void. */
template <class F>
inline int exit_code_of(F &&f) noexcept
{
	if constexpr (is_void_v<decltype(f())>) {
		f();
		return 0;
	} else {
		return static_cast<int>(f());
	}
}
} // namespace detail

/** A kernel thread, stopped (kthread_stop()) and released on destruction. */
class kthread {
public:
	/** No thread. */
	constexpr kthread() noexcept = default;
	/** Take over @p o's thread; @p o has none afterwards. */
	kthread(kthread &&o) noexcept : task_(exchange(o.task_, nullptr)) {}
	/** Stops the thread this object had, then takes over @p o's. */
	kthread &operator=(kthread &&o) noexcept
	{
		if (this != &o) {
			(void)stop();
			task_ = exchange(o.task_, nullptr);
		}
		return *this;
	}
	kthread(const kthread &) = delete;
	kthread &operator=(const kthread &) = delete;
	~kthread() { (void)stop(); }

	/**
	 * Start a thread named @p name running @p Fn on @p state:
	 * `int State::fn()`, `int fn(State &)` (or void for exit code 0).
	 * @p state must outlive the thread (destroy this kthread first).
	 * Might sleep; -ENOMEM/-EINTR from kthread_create().
	 */
	template <auto Fn, class State>
	[[nodiscard]] static result<kthread> run(const char *name, State &state) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return start(name, &entry_fn<Fn, State>, &state);
	}

	/**
	 * Start a thread named @p name calling `callable()`, which returns an
	 * int exit code or void.  The callable is used in place (not copied):
	 * it must outlive the thread.  Might sleep.
	 */
	template <class F>
	[[nodiscard]] static result<kthread> run(const char *name, F &callable) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return start(name, &entry_callable<F>, &callable);
	}
	/** A temporary callable would be destroyed while the thread runs. */
	template <class F>
	static result<kthread> run(const char *name, F &&callable) = delete;

	/**
	 * kthread_stop(): make should_stop() true, wake the thread and wait
	 * for it to return.  Returns its exit code (-EINTR if it never got to
	 * run), 0 if there is no thread.  Idempotent.  Might sleep; never
	 * from the thread itself.
	 */
	int stop() noexcept
	{
		if (::task_struct *t = exchange(task_, nullptr)) {
			KSTD_MIGHT_SLEEP();
			return kstd_kthread_stop_put(t);
		}
		return 0;
	}

	/** Does this object own a thread (started and not yet stopped)? */
	explicit operator bool() const noexcept { return task_ != nullptr; }

	/** wake_up_process(): wake the thread if it sleeps.  Any context. */
	void wake() noexcept
	{
		if (task_)
			wake_up_process(task_);
	}

	/** kthread_should_stop(): for the thread's own loop.  Any context. */
	[[nodiscard]] static bool should_stop() noexcept { return kthread_should_stop(); }

	/** The kernel's task_struct, for C APIs. */
	[[nodiscard]] ::task_struct *raw() const noexcept { return task_; }

private:
	// SAFETY: t comes from kstd_kthread_run(), which took a task reference
	// for us (get_task_struct()): stop() gives it back with the thread.
	explicit kthread(::task_struct *t) noexcept : task_(t) {}

	static result<kthread> start(const char *name, int (*fn)(void *), void *arg) noexcept
	{
		::task_struct *t = kstd_kthread_run(fn, arg, name);
		// SAFETY: an error pointer is not a pointer but -errno in the top
		// 4095 values of the address space: read back as an integer, it
		// fits in an int.
		if (is_err_ptr(t))
			return error::from_errno(
				static_cast<int>(reinterpret_cast<__INTPTR_TYPE__>(t)));
		return kthread(t);
	}

	template <auto Fn, class State>
	static int entry_fn(void *arg) noexcept
	{
		// SAFETY: arg is the &state run<Fn, State>() passed along with this
		// very instantiation; the caller keeps state alive until the
		// thread is stopped (run()'s contract).
		State &s = *static_cast<State *>(arg);
		if constexpr (requires { (s.*Fn)(); })
			return detail::exit_code_of([&] { return (s.*Fn)(); });
		else
			return detail::exit_code_of([&] { return Fn(s); });
	}

	template <class F>
	static int entry_callable(void *arg) noexcept
	{
		// SAFETY: arg is the &callable run<F>() passed with this
		// instantiation; it outlives the thread (run()'s contract, and
		// temporaries are refused by the deleted overload).
		return detail::exit_code_of(*static_cast<F *>(arg));
	}

	::task_struct *task_ = nullptr;
};

/** msleep(): sleep uninterruptibly for at least @p ms milliseconds. Might sleep. */
inline void msleep(unsigned int ms) noexcept
{
	KSTD_MIGHT_SLEEP();
	::msleep(ms);
}

/**
 * msleep_interruptible(): sleep for @p ms milliseconds unless a signal is
 * pending first; returns the milliseconds left.  Might sleep.
 */
inline unsigned int msleep_interruptible(unsigned int ms) noexcept
{
	KSTD_MIGHT_SLEEP();
	return static_cast<unsigned int>(::msleep_interruptible(ms));
}

} // namespace kstd

#endif // KSTD_THREAD_HPP
