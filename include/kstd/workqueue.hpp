// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file workqueue.hpp
 * @brief Typed CMWQ workqueues (kstd::workqueue<T>), work items that are
 *        members of T (kstd::work, kstd::delayed_work), in two ownership
 *        modes.
 *
 * A work item is a member of the object it works on, constructed with its
 * owner: `kstd::work<T, &T::fn> w{this};`.  Its callback receives the T (no
 * container_of in user code).  How it receives it is the ownership mode,
 * chosen by the callback's signature:
 *
 * - **By reference**: `void T::fn()` or `void fn(T &)`.  Something else
 *   owns the T (a server owns its connections); the work is queued with
 *   `queue.queue(obj.w)`, which returns false if it was already pending
 *   (queue_work() semantics: safe in any context, softirq socket callbacks
 *   included).  The work member's destructor disables the item for good
 *   (from then on queue() and mod() on it do nothing, whoever calls them),
 *   cancels it and waits for a running callback, so the callback never
 *   runs on freed memory and a sibling's callback still running while the
 *   object is destroyed cannot queue it again.
 * - **Owning**: `void fn(kstd::unique_ptr<T>)` or `void fn(kstd::ref<T>)`.
 *   `queue.enqueue(move(ptr), &T::w)` moves ownership into the queue and
 *   the callback gets it back; it may requeue it or let it go (freeing the
 *   T).  If the item was already pending the pointer is handed back instead
 *   of leaking; cancel() returns ownership when it dequeued the item.
 *
 * @noop example(connection &c)
 * @code
 * struct connection {
 *         void on_ready();                              // process context
 *         void on_idle();
 *         kstd::tcp_stream stream;
 *         kstd::work<connection, &connection::on_ready> ready{this};
 *         kstd::delayed_work<connection, &connection::on_idle> idle{this};
 * };
 * auto wq = KSTD_TRY(kstd::workqueue<connection>::create("kecho", kstd::wq::unbound));
 * wq.queue(c.ready);                                    // from the data-ready hook
 * wq.mod(c.idle, kstd::secs(30));                       // (re)arm the idle timeout
 *
 * struct job {
 *         static void done(kstd::unique_ptr<job> self); // owns the job again
 *         int id;
 *         kstd::work<job, &job::done> work{this};
 * };
 * auto jobs = KSTD_TRY(kstd::workqueue<job>::create_ordered("jobs"));
 * auto j = KSTD_TRY(kstd::make_unique<job>(kstd::gfp::kernel));
 * if (auto back = jobs.enqueue(kstd::move(j), &job::work))
 *         ...;                                          // was already queued
 * @endcode
 *
 * Callbacks run in process context (a kworker) and may sleep.  Callbacks
 * are template arguments, so they must be declared before the work member.
 * PREEMPT_RT changes none of this: queueing, arming and cancel() take only
 * the kernel's raw locks, so they stay usable in any context there, true
 * hard-interrupt context and kstd::raw_spinlock sections included.
 * The default callback (no second template argument) is `T::run`.
 *
 * Rules of the by-reference mode: members are destroyed in reverse order,
 * so declare work items after the members their callback uses (or cancel
 * them first in ~T()).  Two or more items of one object may queue each
 * other, from their callbacks and from hooks and timers (a connection's
 * work arming its idle timeout, the timeout queueing the work, the socket
 * hooks queueing the work): destroying the object is safe at any moment,
 * with no code in ~T().  Each item is disabled before its own callback is
 * waited for, so the sibling destroyed later may still run, but whatever
 * it queues or arms on an item already destroyed does nothing, and it is
 * itself waited for and disabled in turn.  The kernel disables work since
 * Linux 6.10 (disable_work_sync()); before, kstd emulates it with a gate
 * per item, an atomic word that queue() and mod() pass through and the
 * destructor closes before it cancels (lib/helpers/workqueue.c has the
 * argument).  Only the memory must stay: the hooks and timers that queue
 * work may outlive the items (a no-op) but not the object.
 * The destructor may sleep: do not destroy the owner under a spinlock.
 * Destroying the owner from inside one of its own work callbacks is
 * allowed (only a pending requeue is cancelled then, the running callback
 * is not waited for) as long as nothing touches the object after that.
 *
 * The work item keeps a pointer to its owner (one word) rather than finding
 * it with container_of from a member pointer: a member cannot name itself
 * in its own type (`kstd::work<&T::w> w;` is ill-formed), and `{this}` is
 * checked at construction (a WARN if the work is not inside *owner).
 *
 * Every work declaration gets its own lockdep class (named after T and the
 * callback unless a name is given), so lockdep tells flush/cancel
 * dependencies of different work items apart.  Work items are neither
 * copyable nor movable: the kernel links them by address.
 *
 * Cost: queue(), mod(), enqueue(), flush and cancel call the exported
 * kernel functions directly (queue_work_on(WORK_CPU_UNBOUND, ...) and so
 * on), exactly what the C macros expand to; only initialisation, queue
 * allocation and destruction go through C helpers.  Before 6.10,
 * queue() and mod() of by-reference items go through the gate: a C helper
 * with two atomic operations around the kernel call, and one word more
 * per item.
 */
#ifndef KSTD_WORKQUEUE_HPP
#define KSTD_WORKQUEUE_HPP

#include <kstd/atomic.hpp>
#include <kstd/bindings.h>
#include <kstd/flags.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/refcount.hpp>
#include <kstd/result.hpp>
#include <kstd/timer.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** alloc_workqueue() flags; combine with |. */
using wq_flags = flag_set<struct wq_tag>;

/** The WQ_* flags. */
namespace wq {
/** Per-CPU, concurrency managed (the default). */
inline constexpr wq_flags none{0};
/** WQ_UNBOUND: workers not bound to a CPU (long or bursty work). */
inline constexpr wq_flags unbound{KSTD_WQ_UNBOUND};
/** WQ_FREEZABLE: frozen during system suspend. */
inline constexpr wq_flags freezable{KSTD_WQ_FREEZABLE};
/** WQ_MEM_RECLAIM: has a rescuer thread; needed on memory-reclaim paths. */
inline constexpr wq_flags mem_reclaim{KSTD_WQ_MEM_RECLAIM};
/** WQ_HIGHPRI: served by high-priority workers. */
inline constexpr wq_flags highpri{KSTD_WQ_HIGHPRI};
/** WQ_CPU_INTENSIVE: not counted for concurrency management. */
inline constexpr wq_flags cpu_intensive{KSTD_WQ_CPU_INTENSIVE};
/** WQ_SYSFS: visible under /sys/devices/virtual/workqueue. */
inline constexpr wq_flags sysfs{KSTD_WQ_SYSFS};
} // namespace wq

template <class T>
class workqueue_ref;

namespace detail {

enum class work_mode { by_ref, unique, shared };

/*
 * How a by-reference work item is stopped for good when it is destroyed,
 * so that a sibling's callback, a socket hook or a timer cannot queue it
 * again: the kernel's disable_work_sync() (6.10 and later), or kstd's gate
 * (struct kstd_work_gate, lib/helpers/workqueue.c), which makes queue()
 * and mod() on a destroyed item no-ops on kernels without it.  The default
 * is what the kernel offers; the KUnit cases also run the gate on kernels
 * that could disable.
 */
enum class work_stop { disable, gate };

inline constexpr work_stop default_work_stop =
	KSTD_KERNEL_DISABLES_WORK ? work_stop::disable : work_stop::gate;

/* The gate of a work item that uses one; nothing for the others. */
template <work_stop S>
struct work_gate {
	void init() noexcept {}
	::kstd_work_gate *get() noexcept { return nullptr; }
};
template <>
struct work_gate<work_stop::gate> {
	void init() noexcept { kstd_work_gate_init(get()); }
	::kstd_work_gate *get() noexcept { return storage.as<::kstd_work_gate>(); }
	opaque<KSTD_SIZEOF_WORK_GATE, KSTD_ALIGNOF_WORK_GATE> storage;
};

/* The callback: Fn, or T::run when none is given. */
template <class T, auto Fn>
consteval auto work_callback() noexcept
{
	if constexpr (is_same_v<decltype(Fn), nullptr_t>)
		return &T::run;
	else
		return Fn;
}

/* The ownership mode, from the callback's signature (T must be complete). */
template <class T, auto Fn>
consteval work_mode work_mode_of() noexcept
{
	constexpr auto cb = work_callback<T, Fn>();
	if constexpr (requires(unique_ptr<T> p) { cb(move(p)); })
		return work_mode::unique;
	else if constexpr (requires(ref<T> p) { cb(move(p)); })
		return work_mode::shared;
	else if constexpr (
		requires(T & t) { (t.*cb)(); } || requires(T & t) { cb(t); })
		return work_mode::by_ref;
	else
		static_assert(sizeof(T) == 0,
			      "a work callback is void T::fn(), void fn(T &), "
			      "void fn(kstd::unique_ptr<T>) or void fn(kstd::ref<T>)");
}

template <class T, auto Fn>
inline constexpr bool is_by_ref = work_mode_of<T, Fn>() == work_mode::by_ref;

/* The owning pointer an owning-mode callback takes. */
template <class T, work_mode M>
struct owner_ptr {
	using type = unique_ptr<T>;
};
template <class T>
struct owner_ptr<T, work_mode::shared> {
	using type = ref<T>;
};
template <class T, auto Fn>
using owner_ptr_t = typename owner_ptr<T, work_mode_of<T, Fn>()>::type;

/* A readable default lockdep name: the instantiation, T and callback included. */
template <class T, auto Fn, bool Delayed>
inline const char *work_name() noexcept
{
	return __PRETTY_FUNCTION__;
}

/* Storage for struct work_struct, or struct delayed_work (which starts with one). */
template <bool Delayed>
struct work_storage {
	using type = opaque<KSTD_SIZEOF_WORK_STRUCT, KSTD_ALIGNOF_WORK_STRUCT>;
};
template <>
struct work_storage<true> {
	using type = opaque<KSTD_SIZEOF_DELAYED_WORK, KSTD_ALIGNOF_DELAYED_WORK>;
};

/**
 * The work item behind kstd::work (Delayed = false: struct work_struct)
 * and kstd::delayed_work (true: struct delayed_work).  @p Stop: how a
 * destroyed by-reference item is kept from being queued again (the
 * default suits the kernel; tests pick the gate explicitly).
 */
template <class T, auto Fn, bool Delayed, work_stop Stop = default_work_stop>
class basic_work {
	using storage_t = typename work_storage<Delayed>::type;
	static_assert(Stop == work_stop::gate || KSTD_KERNEL_DISABLES_WORK,
		      "this kernel has no disable_work(): use work_stop::gate");
	template <class>
	friend class kstd::workqueue_ref;

public:
	/**
	 * INIT_WORK() / INIT_DELAYED_WORK(); @p owner is the object this work
	 * item is a member of (`{this}`).  Any context.
	 */
	explicit basic_work(T *owner, const char *name = work_name<T, Fn, Delayed>(),
			    site_key site = {}) noexcept
		: owner_(owner)
	{
		if (!is_member_of(this, sizeof(*this), owner)) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "kstd::work owner does not contain the work");
		gate_.init();
		lock_class &cls = *site.cls;
		if constexpr (Delayed) {
			lock_class &tcls = *site.timer_cls;
			kstd_init_delayed_work(
				raw_delayed(), &execute, cls.bind_name(name), cls.key(),
				tcls.bind_name("kstd::delayed_work.timer"), tcls.key());
		} else {
			kstd_init_work(raw(), &execute, cls.bind_name(name), cls.key());
		}
	}
	basic_work(const basic_work &) = delete;
	basic_work &operator=(const basic_work &) = delete;

	/**
	 * By reference: disable the item for good (queue() and mod() on it
	 * do nothing from now on, whoever calls them), cancel it and wait for
	 * a running callback (from inside the own callback: cancel a pending
	 * requeue only).  On every supported kernel: disable_work_sync()
	 * where the kernel has it, kstd's gate before 6.10.  Owning: the item
	 * must not be queued (the queue would own it; WARNs).  Might sleep.
	 */
	~basic_work()
	{
		KSTD_MIGHT_SLEEP();
		constexpr int how = !is_by_ref<T, Fn>	      ? KSTD_WORK_EXIT_OWNED
				    : Stop == work_stop::gate ? KSTD_WORK_EXIT_GATE
							      : KSTD_WORK_EXIT_DISABLE;
		if constexpr (Delayed)
			kstd_delayed_work_exit(raw_delayed(), how, gate_.get());
		else
			kstd_work_exit(raw(), how, gate_.get());
	}

	/**
	 * Is the caller this item's callback (current_work())?  An object
	 * that is destroyed either by its own work (a connection that ends
	 * itself) or by someone else (a module unloading) tells the two
	 * apart with it: only the other thread may wait for the work.
	 * Process context; doesn't sleep.
	 *
	 * @code
	 * struct conn {
	 *         void run();
	 *         void stop() // from run() itself, or from the module's exit
	 *         {
	 *                 if (!work.is_current())
	 *                         work.cancel_sync(); // from the callback, it would wait for itself
	 *         }
	 *         kstd::work<conn, &conn::run> work{this};
	 * };
	 * @endcode
	 */
	[[nodiscard]] bool is_current() noexcept { return current_work() == raw(); }

	/** work_pending(): queued (or its delay timer armed) and not yet started? */
	[[nodiscard]] bool pending() const noexcept
	{
		/*
		 * SAFETY: work_struct.data (an atomic_long_t) is the first word
		 * of the storage (static_assert in lib/helpers/workqueue.c);
		 * the kernel changes it only with atomic operations.
		 */
		auto *data = reinterpret_cast<const unsigned long *>(&storage_);
		return read_once(*data) & KSTD_WORK_STRUCT_PENDING;
	}

	/**
	 * By reference: flush_work() / flush_delayed_work(): wait until the
	 * last queued instance has run (a pending delay is cut short).  True
	 * if there was something to wait for.  Might sleep.
	 */
	bool flush() noexcept requires is_by_ref<T, Fn>
	{
		KSTD_MIGHT_SLEEP();
		if constexpr (Delayed)
			return flush_delayed_work(raw_delayed());
		else
			return flush_work(raw());
	}

	/**
	 * By reference: cancel_work_sync() / cancel_delayed_work_sync(): not
	 * pending and not running when this returns.  True if it was pending.
	 * Might sleep; never from the own callback.
	 */
	bool cancel_sync() noexcept requires is_by_ref<T, Fn>
	{
		KSTD_MIGHT_SLEEP();
		if constexpr (Delayed)
			return cancel_delayed_work_sync(raw_delayed());
		else
			return cancel_work_sync(raw());
	}

	/**
	 * cancel_work() / cancel_delayed_work(): dequeue if pending, without
	 * waiting for a running callback.  Any context.
	 *
	 * By reference: true if it was pending.  Owning: the ownership the
	 * queue held if the item was dequeued (the callback will not run),
	 * else empty.  With unique_ptr the caller must know the object is
	 * still alive (for example: queued behind other work that cannot
	 * finish yet); a ref<T> caller holds its own reference, which makes
	 * this always safe.
	 */
	auto cancel() noexcept
	{
		bool was_pending;
		if constexpr (Delayed)
			was_pending = cancel_delayed_work(raw_delayed());
		else
			was_pending = cancel_work(raw());
		if constexpr (is_by_ref<T, Fn>)
			return was_pending;
		else
			/*
			 * SAFETY: an owning item is pending only between an
			 * enqueue() that released its owner into the queue and
			 * the callback; dequeued, that ownership is ours now.
			 */
			return was_pending ? adopt(owner_) : owner_ptr_t<T, Fn>();
	}

	/** The object this work item belongs to. */
	[[nodiscard]] T *owner() const noexcept { return owner_; }

	/** The kernel's struct work_struct (for delayed work: its work). */
	[[nodiscard]] ::work_struct *raw() noexcept
	{
		/*
		 * SAFETY: storage_ has the size and alignment of the kernel's
		 * type (CHECK_LAYOUT), initialised as one by kstd_init_work();
		 * a delayed_work starts with its work (static_assert in C).
		 */
		return storage_.template as<::work_struct>();
	}
	/** The kernel's struct delayed_work. */
	[[nodiscard]] ::delayed_work *raw_delayed() noexcept requires Delayed
	{
		/* SAFETY: as raw(), for struct delayed_work. */
		return storage_.template as<::delayed_work>();
	}

private:
	/* workqueue_ref's queue(), queue(delay) and mod(): through the gate, if any. */
	bool queue_on(::workqueue_struct *wq) noexcept
	{
		if constexpr (Stop == work_stop::gate)
			return kstd_gated_queue_work(gate_.get(), KSTD_WORK_CPU_UNBOUND, wq, raw());
		else
			return queue_work_on(KSTD_WORK_CPU_UNBOUND, wq, raw());
	}
	bool queue_on(::workqueue_struct *wq, jiffies delay) noexcept requires Delayed
	{
		if constexpr (Stop == work_stop::gate)
			return kstd_gated_queue_delayed_work(gate_.get(), KSTD_WORK_CPU_UNBOUND, wq,
							     raw_delayed(), delay.count);
		else
			return queue_delayed_work_on(KSTD_WORK_CPU_UNBOUND, wq, raw_delayed(),
						     delay.count);
	}
	bool mod_on(::workqueue_struct *wq, jiffies delay) noexcept requires Delayed
	{
		if constexpr (Stop == work_stop::gate)
			return kstd_gated_mod_delayed_work(gate_.get(), KSTD_WORK_CPU_UNBOUND, wq,
							   raw_delayed(), delay.count);
		else
			return mod_delayed_work_on(KSTD_WORK_CPU_UNBOUND, wq, raw_delayed(),
						   delay.count);
	}

	/* (auto: T is incomplete when this class is instantiated.) */
	static auto adopt(T *obj) noexcept
	{
		if constexpr (work_mode_of<T, Fn>() == work_mode::shared)
			return ref<T>::adopt(obj);
		else
			return unique_ptr<T>(obj);
	}

	/* The work function: the work_struct is the first bytes of storage_. */
	static void execute(::work_struct *w) noexcept
	{
		/*
		 * SAFETY: only this instantiation registers execute, and only
		 * for its own storage_ (the constructor): @p w is the storage_
		 * of a live basic_work<T, Fn, Delayed, Stop>, which its
		 * destructor keeps alive until this callback has returned.
		 */
		auto *self = container_of(reinterpret_cast<storage_t *>(w), &basic_work::storage_);
		constexpr auto cb = work_callback<T, Fn>();
		/* The callback may free *self (and the T): nothing touches them after it. */
		if constexpr (is_by_ref<T, Fn>)
			invoke_on<cb>(*self->owner_);
		else
			/*
			 * SAFETY: an owning item runs only after enqueue()
			 * released its owner into the queue: the callback
			 * takes that ownership back.
			 */
			cb(adopt(self->owner_));
	}

	storage_t storage_;
	T *owner_;
	[[no_unique_address]] work_gate<Stop> gate_;
};

} // namespace detail

/**
 * A work item, member of T: `kstd::work<T, &T::fn> w{this};` (Fn defaults
 * to T::run).  See the file comment for the callback signatures.
 */
template <class T, auto Fn = nullptr>
using work = detail::basic_work<T, Fn, false>;

/**
 * A work item queued after a delay (an embedded timer arms it), member of
 * T: `kstd::delayed_work<T, &T::fn> w{this};`.  Re-arm with
 * workqueue_ref::mod() for idle timeouts.
 */
template <class T, auto Fn = nullptr>
using delayed_work = detail::basic_work<T, Fn, true>;

/**
 * The number of CPUs online now (num_online_cpus()): a size for an unbound
 * queue's max_active, the way a user-space server runs one worker per CPU.
 * Any context; CPUs may come and go after.
 */
[[nodiscard]] inline unsigned int online_cpus() noexcept
{
	return kstd_online_cpus();
}

/**
 * A workqueue that T's work items are queued on, not owning it: the system
 * queues, or a kstd::workqueue<T> seen through a reference.  Copyable; must
 * not outlive the queue.
 */
template <class T>
class workqueue_ref {
public:
	/** A queue the caller keeps alive (alloc_workqueue() in C, ...). */
	constexpr explicit workqueue_ref(::workqueue_struct *wq) noexcept : wq_(wq) {}

	/** system_wq: per-CPU, for short work items. */
	[[nodiscard]] static workqueue_ref system() noexcept
	{
		return workqueue_ref(kstd_system_wq(KSTD_SYSTEM_WQ));
	}
	/** system_unbound_wq: not bound to a CPU. */
	[[nodiscard]] static workqueue_ref system_unbound() noexcept
	{
		return workqueue_ref(kstd_system_wq(KSTD_SYSTEM_UNBOUND_WQ));
	}
	/** system_highpri_wq: per-CPU, high-priority workers. */
	[[nodiscard]] static workqueue_ref system_highpri() noexcept
	{
		return workqueue_ref(kstd_system_wq(KSTD_SYSTEM_HIGHPRI_WQ));
	}
	/** system_long_wq: for work items that may run long. */
	[[nodiscard]] static workqueue_ref system_long() noexcept
	{
		return workqueue_ref(kstd_system_wq(KSTD_SYSTEM_LONG_WQ));
	}

	/**
	 * queue_work(): queue a by-reference work item.  False if it was
	 * already pending (it will run once).  Any context.
	 */
	template <auto Fn, detail::work_stop S>
	requires detail::is_by_ref<T, Fn>
	bool queue(detail::basic_work<T, Fn, false, S> &w) noexcept { return w.queue_on(wq_); }

	/**
	 * queue_delayed_work(): queue after @p delay (0: now).  False if it
	 * was already pending (its delay is left alone; see mod()).  Any context.
	 */
	template <auto Fn, detail::work_stop S>
	requires detail::is_by_ref<T, Fn>
	bool queue(detail::basic_work<T, Fn, true, S> &w, jiffies delay) noexcept
	{
		return w.queue_on(wq_, delay);
	}

	/**
	 * mod_delayed_work(): queue after @p delay from now, or move the
	 * expiry of a pending one (re-arming an idle timeout).  True if it was
	 * pending.  Any context.
	 */
	template <auto Fn, detail::work_stop S>
	requires detail::is_by_ref<T, Fn>
	bool mod(detail::basic_work<T, Fn, true, S> &w, jiffies delay) noexcept
	{
		return w.mod_on(wq_, delay);
	}

	/**
	 * Queue the owning work item @p member of @p item, moving the
	 * ownership (a unique_ptr<T> or ref<T>, whichever its callback takes)
	 * into the queue.  Returns an empty pointer when queued, or @p item
	 * back if that work item was already pending.  Any context.
	 *
	 * Lifetime: nothing but the callback frees an item the queue owns.
	 * Before the module unloads, the queue must have run it: destroying
	 * a kstd::workqueue runs what is queued, but on a system queue
	 * (workqueue_ref::system() & co) flush it yourself.  For the delayed
	 * form see the stricter rule below.
	 */
	template <class P, auto Fn, detail::work_stop S>
	[[nodiscard]] P enqueue(P item, detail::basic_work<T, Fn, false, S> T::*member) noexcept
	{
		static_assert(is_same_v<P, detail::owner_ptr_t<T, Fn>>,
			      "enqueue() takes the pointer type the work callback takes");
		T *obj = item.get();
		if (!obj || !queue_work_on(KSTD_WORK_CPU_UNBOUND, wq_, (obj->*member).raw()))
			return item;
		/*
		 * SAFETY: the queue owns it now (it may already be running):
		 * execute() adopts it back for the callback, cancel() when it
		 * dequeues it.
		 */
		(void)item.release();
		return P();
	}

	/**
	 * enqueue() after @p delay.  destroy_workqueue() does not wait for
	 * a delay that is still running (the item is not queued yet): before
	 * the queue goes, wait for the item to have run, or cancel() it and
	 * take the ownership back.
	 */
	template <class P, auto Fn, detail::work_stop S>
	[[nodiscard]] P enqueue(P item, detail::basic_work<T, Fn, true, S> T::*member,
				jiffies delay) noexcept
	{
		static_assert(is_same_v<P, detail::owner_ptr_t<T, Fn>>,
			      "enqueue() takes the pointer type the work callback takes");
		T *obj = item.get();
		if (!obj || !queue_delayed_work_on(KSTD_WORK_CPU_UNBOUND, wq_,
						   (obj->*member).raw_delayed(), delay.count))
			return item;
		(void)item.release(); /* SAFETY: as above, the queue owns it now. */
		return P();
	}

	/** The kernel's workqueue_struct, for C APIs. */
	[[nodiscard]] ::workqueue_struct *raw() const noexcept { return wq_; }

protected:
	/// The queue (null for an empty kstd::workqueue).
	::workqueue_struct *wq_;
};

/**
 * An allocated workqueue (alloc_workqueue()) for T's work items.
 * Move-only.  Destroying it (destroy_workqueue()) first runs everything
 * queued on it, waiting for it: stop whatever queues work here before
 * (declare the queue before the objects that queue on it, so it is
 * destroyed after them).  A moved-from workqueue is empty.
 */
template <class T>
class workqueue : public workqueue_ref<T> {
	using base = workqueue_ref<T>;

public:
	/**
	 * alloc_workqueue(@p name, @p flags, @p max_active): @p max_active
	 * items of this queue run at once (per CPU unless unbound); 0 is the
	 * default.  -EINVAL for a bad max_active, -ENOMEM.  Might sleep.
	 */
	[[nodiscard]] static result<workqueue> create(const char *name, wq_flags flags = wq::none,
						      int max_active = 0) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (max_active < 0 || max_active > KSTD_WQ_MAX_ACTIVE)
			return error::inval();
		return make(kstd_alloc_workqueue(name, flags.bits, max_active, false));
	}

	/**
	 * alloc_ordered_workqueue(): one item at a time, in queueing order.
	 * @p flags: only wq::freezable and wq::mem_reclaim mean something.
	 * Might sleep.
	 */
	[[nodiscard]] static result<workqueue> create_ordered(const char *name,
							      wq_flags flags = wq::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return make(kstd_alloc_workqueue(name, flags.bits, 1, true));
	}

	/** No queue yet (create() one and move-assign it). */
	constexpr workqueue() noexcept : base(nullptr) {}
	/** Take over @p o's queue; @p o becomes empty. */
	workqueue(workqueue &&o) noexcept : base(exchange(o.wq_, nullptr)) {}
	/** Destroy the current queue (like reset(); might sleep), take over @p o's. */
	workqueue &operator=(workqueue &&o) noexcept
	{
		if (this != &o) {
			reset();
			this->wq_ = exchange(o.wq_, nullptr);
		}
		return *this;
	}
	workqueue(const workqueue &) = delete;
	workqueue &operator=(const workqueue &) = delete;
	/** destroy_workqueue(): drain, then free.  Might sleep. */
	~workqueue() { reset(); }

	/** flush_workqueue(): wait for everything queued so far. Might sleep. */
	void flush() noexcept
	{
		KSTD_MIGHT_SLEEP();
		__flush_workqueue(this->wq_);
	}
	/**
	 * drain_workqueue(): wait until the queue is empty, including work
	 * its own callbacks requeue; queueing from elsewhere meanwhile is a
	 * bug (WARNs).  Might sleep.
	 */
	void drain() noexcept
	{
		KSTD_MIGHT_SLEEP();
		drain_workqueue(this->wq_);
	}

	/** Destroy the queue now (draining it); the object becomes empty. */
	void reset() noexcept
	{
		if (::workqueue_struct *q = exchange(this->wq_, nullptr)) {
			KSTD_MIGHT_SLEEP();
			destroy_workqueue(q);
		}
	}

	/** Does it own a queue? */
	explicit operator bool() const noexcept { return this->wq_ != nullptr; }

private:
	explicit workqueue(::workqueue_struct *q) noexcept : base(q) {}

	static result<workqueue> make(::workqueue_struct *q) noexcept
	{
		if (!q)
			return error::nomem();
		return workqueue(q);
	}
};

} // namespace kstd

#endif // KSTD_WORKQUEUE_HPP
