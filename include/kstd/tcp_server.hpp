// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file tcp_server.hpp
 * @brief kstd::tcp_server<Owner, Conn>: the skeleton of an event-driven
 *        kernel TCP server (listener, accept work, live connections,
 *        teardown), so a module writes only what its connections do.
 *
 * Nothing blocks waiting for a peer.  The listener's readiness hook queues
 * the accept work on the server's CMWQ workqueue; the accept work takes up
 * to `accept_batch` connections per run (then requeues itself, so the work
 * of connections just accepted runs in between) and hands each stream to
 * `Owner::on_accept()`, which builds the connection object.  The server
 * moves it into its live list (an owning
 * `intrusive_list<&Conn::link, unique_ptr<Conn>>`), installs the
 * connection's socket hooks (`Conn::on_socket`, softirq context, a thread
 * with BH disabled on PREEMPT_RT: it should only queue the connection's
 * work on queue()) and calls the hook once, because data may have arrived
 * before the hooks were in; a connection whose hooks cannot be installed is
 * destroyed at once (counted in stats().errors).  An idle connection costs
 * its memory, never a thread.
 *
 * A connection ends itself, from its own work: `auto self =
 * srv.tcp.release(*this);` takes it off the live list, removes its socket
 * hooks and hands back the ownership the list held, so it is freed when
 * `self` goes out of scope.  If release() returns null the server is being
 * stopped and owns the connection: return without touching it.
 *
 * stop() (also run by the destructor) removes the listener hook, waits for
 * the accept work, then takes every live connection off the list, removes
 * its hooks and destroys it; each connection's destructor cancels and waits
 * for its own work.
 *
 * **Teardown order, by design.**  Conn derives from kstd::tcp_connection,
 * which holds what the server needs of it: the `stream`, the live-list link
 * and the hook notifier.  The order of Conn's own members does not matter
 * to the server:
 * - the server removes a connection's hooks before the connection is
 *   destroyed (in release() and in stop()), so no hook runs into a
 *   half-destroyed Conn, wherever its work items are declared;
 * - a base is destroyed after the derived members, so the stream outlives
 *   every work item of Conn: a run that the work's destructor waits for
 *   still has its socket.
 * What remains is ordinary C++: Conn's own members that its work uses must
 * be declared before that work item (as for any kstd::work).
 *
 * **The server inside its Owner.**  The connections use the Owner's state
 * (counters, a cache, ...), which the server cannot see: C++ offers no way
 * to list what a Conn reaches through its Owner reference, so the server
 * can neither check nor fix the order of the Owner's members.  Make the
 * order irrelevant instead: stop the server first thing in the Owner's
 * destructor (`~server() { tcp.stop(); }`), before any member is destroyed.
 * Without that, declare the server after the Owner state its connections
 * use.  Anything that reads the server (a /proc entry showing its stats)
 * is declared after it either way, so that it goes first.
 *
 * What Conn must have (checked at compile time):
 * - kstd::tcp_connection as a public base, built from the accepted stream,
 * - `void on_socket(kstd::socket_events) noexcept;` the hook.
 *
 * And Owner: `kstd::unique_ptr<Conn> on_accept(kstd::tcp_stream &s)
 * noexcept;` (process context, may sleep): move @p s into a new Conn, or
 * return null to refuse (the server closes @p s if it is still there; the
 * owner counts why).
 *
 * @noop example(kstd::unique_ptr<server> &self)
 * @code
 * struct server;
 * struct connection : kstd::tcp_connection {
 *         connection(server &s, kstd::tcp_stream st)
 *                 : kstd::tcp_connection(kstd::move(st)), srv(s) {}
 *         void on_socket(kstd::socket_events) noexcept;  // softirq: queue work
 *         void run() noexcept;                           // process context
 *         server &srv;
 *         kstd::work<connection, &connection::run> work{this};
 * };
 * struct server {
 *         kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept
 *         {
 *                 auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this,
 *                                                        kstd::move(s));
 *                 return c ? kstd::move(*c) : nullptr;
 *         }
 *         ~server() { tcp.stop(); }             // member order no longer matters
 *         kstd::tcp_server<server, connection> tcp{*this};
 * };
 * void connection::on_socket(kstd::socket_events) noexcept { srv.tcp.queue().queue(work); }
 * void connection::run() noexcept
 * {
 *         ... // serve `stream` until -EAGAIN; on EOF or error:
 *         auto self = srv.tcp.release(*this);           // freed at the end of scope
 * }
 * // In the module's create(), after make_unique<server>():
 * KSTD_TRY(self->tcp.listen("myserver", {.port = 8080, .backlog = 128}));
 * @endcode
 */
#ifndef KSTD_TCP_SERVER_HPP
#define KSTD_TCP_SERVER_HPP

#include <kstd/counter.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>
#include <kstd/workqueue.hpp>

namespace kstd {

/** How tcp_server::listen() sets up. */
struct tcp_server_options {
	/** TCP port; 0 lets the kernel pick (see tcp_server::local_address()). */
	u16 port = 0;
	/** listen() backlog (capped by net.core.somaxconn). */
	int backlog = 128;
	/** Flags of the server's workqueue (wq::unbound, wq::highpri, ...). */
	wq_flags queue_flags = wq::none;
	/**
	 * The workqueue's max_active (see workqueue::create()): work items run
	 * at once, per CPU, or in all if wq::unbound; 0: the kernel's default
	 * (256).  An unbound queue runs every pending item in a kworker of its
	 * own up to that, all runnable against everything else on the CPUs
	 * (ksoftirqd's packet processing included): kstd::online_cpus() keeps
	 * it to one per CPU, as a user-space server's workers.
	 */
	int queue_max_active = 0;
	/**
	 * Connections one accept run takes before it requeues itself (>= 1).
	 * The requeued run waits behind all the connection work queued
	 * meanwhile, so under load a burst of N connections takes N /
	 * accept_batch such rounds to be accepted: a server whose runs are
	 * long (large responses) wants a batch near its backlog.
	 */
	int accept_batch = 16;
	/**
	 * true: one dual-stack listener on [::] (IPv4 as mapped addresses),
	 * falling back to 0.0.0.0 if the kernel has no IPv6.  false: IPv4 only.
	 */
	bool ipv6 = true;
	/**
	 * TCP_DEFER_ACCEPT in seconds (see listen_options::defer_accept_s):
	 * for protocols where the client speaks first, the accept run then
	 * finds each connection's first data already there, and the
	 * connection's first work run serves it instead of finding nothing.
	 * 0: off.
	 */
	unsigned int defer_accept_s = 0;
};

/** The server's own counters (the owner adds its own). */
struct tcp_server_stats {
	/** Connections taken from the listener (refused ones included). */
	stat_counter accepted;
	/** Connections on the live list now. */
	stat_counter open;
	/**
	 * accept() failures other than -EAGAIN, and connections destroyed
	 * at once because their hooks could not be installed (another layer
	 * already owns the socket's sk_user_data: -EBUSY).
	 */
	stat_counter errors;
};

template <class Owner, class Conn>
class tcp_server;

/**
 * The base of every tcp_server connection: the parts the server handles
 * (the socket, the live-list link, the hook notifier), so their teardown
 * order does not depend on how Conn declares its own members.  Being a
 * base, it is destroyed after all of Conn's members; the server has
 * removed the hooks before Conn's destructor starts.
 *
 * @code
 * struct connection : kstd::tcp_connection {
 *         explicit connection(kstd::tcp_stream st) : kstd::tcp_connection(kstd::move(st)) {}
 *         void on_socket(kstd::socket_events) noexcept;
 * };
 * @endcode
 *
 * Construction and destruction may sleep (closing the socket does).
 */
class tcp_connection {
public:
	/** Take over the accepted stream @p s. */
	explicit tcp_connection(tcp_stream s) noexcept : stream(move(s)) {}
	tcp_connection(const tcp_connection &) = delete;
	tcp_connection &operator=(const tcp_connection &) = delete;

	/** The connection's socket; closed after every member of Conn is gone. */
	tcp_stream stream;

private:
	template <class, class>
	friend class tcp_server;

	list_node link;		  /* in the server's live list */
	socket_notifier notifier; /* the server installs and removes it */
};

namespace detail {
template <class Owner, class Conn>
concept tcp_server_parts = requires(Owner &o, Conn &c, tcp_stream &s)
{
	requires is_same_v<decltype(o.on_accept(s)), unique_ptr<Conn>>;
	requires __is_base_of(tcp_connection, Conn);
	requires is_convertible_v<Conn *, tcp_connection *>; /* a public base */
	c.on_socket(socket_events{});
};
} // namespace detail

/**
 * An event-driven TCP server: see the file comment for the model and the
 * requirements on Owner and Conn.  Lives inside its Owner (it keeps a
 * reference to it), neither copyable nor movable; listen() starts it.
 */
template <class Owner, class Conn>
class tcp_server {
public:
	/** A stopped server; nothing is allocated until listen(). */
	explicit tcp_server(Owner &owner) noexcept : owner_(owner) {}
	tcp_server(const tcp_server &) = delete;
	tcp_server &operator=(const tcp_server &) = delete;
	/** stop(), then the workqueue goes.  Might sleep. */
	~tcp_server() { stop(); }

	/**
	 * Create the workqueue (named @p name), bind and listen as @p opts
	 * say, and start accepting.  -EBUSY if already listening,
	 * -EADDRINUSE, -ENOMEM, ... On an error nothing keeps running; the
	 * object may be destroyed or listen() tried again.  Might sleep.
	 */
	[[nodiscard]] result<void> listen(const char *name, const tcp_server_options &opts) noexcept
	{
		KSTD_MIGHT_SLEEP();
		static_assert(detail::tcp_server_parts<Owner, Conn>,
			      "see <kstd/tcp_server.hpp> for what Owner and Conn must have");
		if (queue_ || listener_)
			return error::busy();
		if (opts.accept_batch < 1)
			return error::inval();
		batch_ = opts.accept_batch;
		auto q = KSTD_TRY(
			workqueue<Conn>::create(name, opts.queue_flags, opts.queue_max_active));
		listen_options lo{.reuse_addr = true,
				  .v6only = v6only::off,
				  .defer_accept_s = opts.defer_accept_s};
		result<tcp_listener> l = error::afnosupport();
		if (opts.ipv6)
			l = tcp_listener::bind(in6addr_any(opts.port), opts.backlog, lo);
		if (!l && l.error() == error::afnosupport())
			l = tcp_listener::bind(inaddr_any(opts.port), opts.backlog, lo);
		if (!l)
			return l.error();
		queue_ = move(q);
		listener_ = move(*l);
		// SAFETY: the hook gets *this back from the socket; stop() (run by
		// the destructor) removes it before any member it uses is gone.
		if (auto r = listener_events_.install<&tcp_server::on_listener>(listener_, *this);
		    !r) {
			listener_.close();
			queue_.reset();
			return r.error();
		}
		/* Connections that arrived before the hook was in. */
		accept_queue().queue(accepting_);
		return {};
	}

	/**
	 * Stop accepting, close the listener, and destroy every live
	 * connection.  Returns how many were closed.  Idempotent.  Might
	 * sleep; process context, not from the server's own work.
	 */
	size_t stop() noexcept
	{
		listener_events_.remove(); /* no new accept work after this */
		accepting_.cancel_sync();
		size_t closed = 0;
		/* The guard is gone before the body: c goes outside the lock. */
		while (unique_ptr<Conn> c = live_.lock()->pop_front()) {
			stats_.open.sub();
			closed++;
			unhook(*c); /* then c goes: its work cancelled, its socket released */
		}
		listener_.close();
		return closed;
	}

	/**
	 * Take @p c off the live list, remove its socket hooks and hand back
	 * the ownership the list held: the connection's way to end itself.
	 * Null if stop() got it first (it owns and destroys it then: touch
	 * nothing more).  Doesn't sleep (removing the hooks waits for a hook
	 * running on another CPU; on PREEMPT_RT it may block on the live
	 * list's kstd::spinlock and the socket's callback lock); destroying
	 * what it returns may (do that outside spinlocks).
	 */
	[[nodiscard]] unique_ptr<Conn> release(Conn &c) noexcept
	{
		/*
		 * Null if stop() took it first (erase() of an unlinked node).
		 * A linked c is on this server's list: only adopt() links it,
		 * and with CONFIG_DEBUG_LIST erase() checks that.
		 */
		unique_ptr<Conn> self = live_.lock()->erase(c);
		if (self) {
			stats_.open.sub();
			unhook(*self);
		}
		return self;
	}

	/** The workqueue the connections' work items go on.  Any context. */
	[[nodiscard]] workqueue_ref<Conn> queue() noexcept
	{
		// SAFETY: the same CMWQ queue, typed for Conn's work items; it
		// lives until the server is destroyed, after stop() has destroyed
		// every connection that could queue on it.
		return workqueue_ref<Conn>(queue_.raw());
	}

	/** The listening address (after port 0: the chosen port).  Might sleep. */
	[[nodiscard]] result<socket_address> local_address() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return listener_.local_address();
	}

	/** Connections on the live list now.  Any context. */
	[[nodiscard]] u64 open_connections() const noexcept { return stats_.open.get(); }
	/** The server's counters.  Any context. */
	[[nodiscard]] const tcp_server_stats &stats() const noexcept { return stats_; }

private:
	/* Listener hook, softirq: connections are waiting. */
	void on_listener(socket_events) noexcept { accept_queue().queue(accepting_); }

	workqueue_ref<tcp_server> accept_queue() noexcept
	{
		// SAFETY: the same queue, typed for the accept work; that work is
		// cancelled (stop()) before the queue goes.
		return workqueue_ref<tcp_server>(queue_.raw());
	}

	/* The accept work; process context. */
	void accept_all() noexcept
	{
		for (int n = 0; n < batch_; n++) {
			auto s = listener_.try_accept();
			if (!s) {
				if (s.error() != error::again())
					stats_.errors.add();
				return;
			}
			stats_.accepted.add();
			if (unique_ptr<Conn> c = owner_.on_accept(*s))
				adopt(move(c));
		}
		accept_queue().queue(accepting_); /* more may wait: after the work just queued */
	}

	void adopt(unique_ptr<Conn> c) noexcept
	{
		Conn &conn = *c;
		tcp_connection &base = conn;
		{
			/*
			 * Under the lock release() takes: once the hooks are in,
			 * the connection's work may run on another CPU and end
			 * it, but not before this is done with it.  Neither
			 * install() nor the hook sleeps (on PREEMPT_RT both may
			 * block on the socket's callback rwlock, which is
			 * allowed under this spinlock_t there), and the hooks
			 * never take this lock.
			 */
			auto l = live_.lock();
			// SAFETY: the hook gets conn back from the socket as a
			// Conn &; the server removes it (unhook()) before conn is
			// destroyed, on every path: release(), stop().
			if (base.notifier.template install<&Conn::on_socket>(base.stream, conn)) {
				// SAFETY: conn stays valid after the list takes
				// it: only release() or stop() take it back, and
				// both need the lock held here.
				l->push_back(move(c));
				stats_.open.add();
				conn.on_socket(
					socket_events{}); /* data may have come before the hooks */
				return;
			}
		}
		/*
		 * No hooks (another layer, a BPF sockmap say, owns the socket's
		 * sk_user_data): nothing would ever run the connection.  It
		 * goes here, outside the spinlock, because closing the socket
		 * sleeps (lock_sock()).
		 */
		stats_.errors.add();
	}

	/*
	 * Before a connection is destroyed: no hook runs after this (one in
	 * flight on another CPU is waited for), so none can queue work that
	 * Conn's destructor is tearing down, whatever Conn's member order.
	 */
	static void unhook(Conn &c) noexcept { static_cast<tcp_connection &>(c).notifier.remove(); }

	Owner &owner_;
	int batch_ = 16;
	tcp_server_stats stats_;
	workqueue<Conn> queue_;
	tcp_listener listener_;
	/* Owns the live connections: what is still on it when stop() runs is destroyed. */
	locked<intrusive_list<&Conn::link, unique_ptr<Conn>>> live_{"kstd.tcp_server.live"};
	work<tcp_server, &tcp_server::accept_all> accepting_{this};
	socket_notifier listener_events_; /* last: the hook goes first */
};

} // namespace kstd

#endif // KSTD_TCP_SERVER_HPP
