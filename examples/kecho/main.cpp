// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho: an event-driven TCP echo server in the kernel, built on kstd.
 *
 * One dual-stack listener (IPv6 with IPv4-mapped addresses; IPv4 alone if
 * the kernel has no IPv6).  Nothing blocks waiting for a peer: the
 * listener's data-ready hook queues the accept work, each connection's
 * socket hooks (data ready, send space, state change) queue that
 * connection's work, and a work run echoes until the socket would block,
 * then returns its worker to the pool.  An idle connection costs memory
 * (its object and a 4 KiB buffer), never a thread.
 *
 * A connection frees itself (socket, buffer, object) the moment its peer
 * closes or fails; unloading the module closes whatever is still open.
 * Counters are in /proc/kecho.
 *
 * Parameters: port (12345), backlog (128), bench (false: an unbound
 * workqueue; true: a per-CPU bound one, which keeps a connection's work on
 * the CPU that took its packets).
 */
#include <kstd/ksocket.hpp>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/workqueue.hpp>

KSTD_MODULE_PARAM(port, u16, 12345, 0444, "TCP port to listen on (IPv4 and IPv6)");
KSTD_MODULE_PARAM_RANGE(backlog, int, 128, 1, 65535, 0444, "listen() backlog");
KSTD_MODULE_PARAM(bench, bool, false, 0444,
		  "use a per-CPU bound workqueue instead of an unbound one");

namespace {

using kstd::u64;

/* Per-connection echo buffer; what one recv() may take. */
constexpr kstd::size_t buffer_size = 4096;
/* Bytes one work run may echo before it requeues itself (fairness). */
constexpr kstd::size_t run_budget = 64 * 1024;
/*
 * Connections one accept run takes before it requeues itself, so the echo
 * work of those just accepted runs in between instead of waiting for a
 * whole burst of connections to be accepted.
 */
constexpr int accept_batch = 16;

/* A counter bumped from any CPU, read by /proc/kecho. */
class counter {
public:
	void add(u64 n = 1) noexcept { __atomic_fetch_add(&v_, n, __ATOMIC_RELAXED); }
	void sub(u64 n = 1) noexcept { __atomic_fetch_sub(&v_, n, __ATOMIC_RELAXED); }
	[[nodiscard]] u64 get() const noexcept { return __atomic_load_n(&v_, __ATOMIC_RELAXED); }

private:
	u64 v_ = 0;
};

struct stats {
	counter accepted, open, rx_bytes, tx_bytes, errors, resets;

	/* /proc/kecho; process context. */
	void show(kstd::seq_file &m)
	{
		m.printf("connections_accepted: %llu\n", accepted.get());
		m.printf("connections_open: %llu\n", open.get());
		m.printf("bytes_received: %llu\n", rx_bytes.get());
		m.printf("bytes_sent: %llu\n", tx_bytes.get());
		m.printf("peer_resets: %llu\n", resets.get());
		m.printf("errors: %llu\n", errors.get());
	}
};

struct server;

struct connection {
	connection(server &s, kstd::tcp_stream st, kstd::unique_ptr<kstd::u8[]> b) noexcept
		: srv(s), stream(kstd::move(st)), buf(kstd::move(b))
	{
	}

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Echo until the socket would block. */
	void run() noexcept;
	/* Leave the server and free everything.  Last thing run() does. */
	void close(bool failed) noexcept;

	server &srv;
	kstd::tcp_stream stream;
	kstd::unique_ptr<kstd::u8[]> buf;
	kstd::size_t sent = 0, filled = 0; /* buf[sent, filled) still to echo */
	kstd::list_node link;		   /* in server::live */
	kstd::work<connection, &connection::run> work{this};
	kstd::socket_notifier notifier; /* last: the hooks go first */
};

struct server {
	kstd::workqueue<connection> queue;
	kstd::tcp_listener listener;
	kstd::locked<kstd::intrusive_list<&connection::link>> live{"kecho.live"};
	stats counters;
	kstd::proc_entry proc;

	server(kstd::workqueue<connection> q, kstd::tcp_listener l) noexcept
		: queue(kstd::move(q)), listener(kstd::move(l))
	{
	}

	/* Listener hook (softirq): connections are waiting. */
	void on_listener(kstd::socket_events) noexcept { accept_queue().queue(accepting); }
	/* Accept everything that is queued; process context. */
	void accept_all() noexcept;

	kstd::workqueue_ref<server> accept_queue() noexcept
	{
		return kstd::workqueue_ref<server>(queue.raw());
	}

	kstd::work<server, &server::accept_all> accepting{this};
	kstd::socket_notifier listener_events; /* last: the hook goes first */

	static kstd::result<kstd::unique_ptr<server>> create() noexcept;
	~server();
};

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.queue.queue(work);
}

void connection::run() noexcept
{
	kstd::size_t echoed = 0;
	for (;;) {
		if (sent < filled) {
			auto n = stream.send_all(buf.get() + sent, filled - sent,
						 kstd::msg::dontwait);
			if (!n)
				return close(true);
			sent += *n;
			srv.counters.tx_bytes.add(*n);
			if (sent < filled)
				return; /* send buffer full: the writable hook requeues us */
			sent = filled = 0;
		}
		if (echoed >= run_budget) {
			srv.queue.queue(work); /* let other connections have this worker */
			return;
		}
		auto n = stream.try_recv(buf.get(), buffer_size);
		if (!n) {
			if (n.error() == kstd::error::again())
				return; /* drained: the data-ready hook requeues us */
			return close(true);
		}
		if (*n == 0)
			return close(false); /* orderly close by the peer */
		filled = *n;
		echoed += *n;
		srv.counters.rx_bytes.add(*n);
	}
}

void connection::close(bool failed) noexcept
{
	stats &st = srv.counters;
	kstd::unique_ptr<connection> self;
	{
		auto l = srv.live.lock();
		/* Unlinked already: the server is unloading and owns us now. */
		if (link.is_linked()) {
			l->erase(*this);
			self.reset(this);
		}
	}
	if (!self)
		return;
	if (failed)
		st.resets.add();
	st.open.sub();
	/* self goes here: hooks removed, socket released, memory freed. */
}

void server::accept_all() noexcept
{
	for (int n = 0;; n++) {
		if (n == accept_batch) {
			accept_queue().queue(accepting);
			return;
		}
		auto s = listener.try_accept();
		if (!s) {
			if (s.error() != kstd::error::again())
				counters.errors.add();
			return;
		}
		auto b =
			kstd::make_unique_for_overwrite<kstd::u8[]>(kstd::gfp::kernel, buffer_size);
		if (!b) {
			counters.errors.add(); /* the stream closes: the peer sees a reset */
			continue;
		}
		auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(*s),
						       kstd::move(*b));
		if (!c) {
			counters.errors.add();
			continue;
		}
		connection &conn = **c;
		bool hooked;
		{
			/*
			 * Publish, hook and queue under the list lock: once hooked,
			 * a FIN can run the work on another CPU, and close() frees
			 * the connection; it cannot get past this lock before we
			 * are done with conn.  (Neither install() nor queue() sleeps,
			 * and the hooks never take this lock.)
			 */
			auto l = live.lock();
			l->push_back(*c->release());
			counters.accepted.add();
			counters.open.add();
			hooked = conn.notifier.install<&connection::on_socket>(conn.stream, conn)
					 .has_value();
			/* Data may have arrived before the hooks were in: look once. */
			if (hooked)
				queue.queue(conn.work);
		}
		if (!hooked) {
			/* Still on the list and never queued: only we can free it. */
			counters.errors.add();
			kstd::unique_ptr<connection> dead(&conn);
			live.lock()->erase(conn);
			counters.open.sub();
		}
	}
}

kstd::result<kstd::unique_ptr<server>> server::create() noexcept
{
	/*
	 * High-priority workers: an echo is a few microseconds of work that
	 * should not wait behind ordinary tasks (such as the benchmark's own
	 * thousand client threads).
	 */
	auto q = KSTD_TRY(kstd::workqueue<connection>::create(
		"kecho", kstd::wq::highpri | (bench.get() ? kstd::wq::none : kstd::wq::unbound)));
	kstd::listen_options opts{.reuse_addr = true, .v6only = kstd::v6only::off};
	auto l = kstd::tcp_listener::bind(kstd::in6addr_any(port.get()), backlog.get(), opts);
	if (!l && l.error() == kstd::error::afnosupport())
		l = kstd::tcp_listener::bind(kstd::inaddr_any(port.get()), backlog.get(), opts);
	if (!l) {
		kstd_pr_err("cannot listen on port %u: %d\n", port.get(), l.to_errno());
		return l.error();
	}
	auto self = KSTD_TRY(
		kstd::make_unique<server>(kstd::gfp::kernel, kstd::move(q), kstd::move(*l)));
	self->proc = KSTD_TRY(kstd::proc_entry::create("kecho", 0444, self->counters));
	KSTD_TRY(self->listener_events.install<&server::on_listener>(self->listener, *self));
	/* Connections that arrived before the hook was in. */
	self->accept_queue().queue(self->accepting);
	kstd_pr_info("listening on port %u (%s workqueue)\n", port.get(),
		     bench.get() ? "per-CPU" : "unbound");
	return self;
}

server::~server()
{
	listener_events.remove(); /* no new accept work after this */
	accepting.cancel_sync();
	kstd::size_t closed = 0;
	for (;;) {
		kstd::unique_ptr<connection> c(live.lock()->pop_front());
		if (!c)
			break;
		counters.open.sub();
		closed++; /* c goes: hooks removed, work cancelled, socket released */
	}
	kstd_pr_info("unloaded, closed %zu open connection(s)\n", closed);
}

} // namespace

KSTD_MODULE(server);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Event-driven TCP echo server on kstd");
