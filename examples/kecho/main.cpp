// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho: an event-driven TCP echo server in the kernel, built on kstd.
 *
 * kstd::tcp_server does the serving skeleton: one dual-stack listener
 * (IPv6 with IPv4-mapped addresses; IPv4 alone if the kernel has no IPv6)
 * whose readiness hook queues the accept work, and the list of live
 * connections.  Nothing blocks waiting for a peer: each connection's
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
#include <kstd/counter.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/tcp_server.hpp>

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

struct server;

/* The stream, the live-list link and the hooks are in the server's base. */
struct connection : kstd::tcp_connection {
	connection(server &s, kstd::tcp_stream st, kstd::unique_ptr<kstd::u8[]> b) noexcept
		: kstd::tcp_connection(kstd::move(st)), srv(s), buf(kstd::move(b))
	{
	}

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Echo until the socket would block. */
	void run() noexcept;
	/* Leave the server and free everything.  Last thing run() does. */
	void close(bool failed) noexcept;

	server &srv;
	kstd::unique_ptr<kstd::u8[]> buf;
	kstd::size_t sent = 0, filled = 0; /* buf[sent, filled) still to echo */
	kstd::work<connection, &connection::run> work{this};
};

struct server {
	kstd::stat_counter rx_bytes, tx_bytes, errors, resets;
	/* ~server() stops it first; /proc/kecho reads it, so comes after it. */
	kstd::tcp_server<server, connection> tcp{*this};
	kstd::proc_entry proc;

	/* A stream to serve: its connection object, or null (counted). */
	kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept;

	/* /proc/kecho; process context. */
	void show(kstd::seq_file &m)
	{
		const kstd::tcp_server_stats &t = tcp.stats();
		m.printf("connections_accepted: %llu\n", t.accepted.get());
		m.printf("connections_open: %llu\n", t.open.get());
		m.printf("bytes_received: %llu\n", rx_bytes.get());
		m.printf("bytes_sent: %llu\n", tx_bytes.get());
		m.printf("peer_resets: %llu\n", resets.get());
		m.printf("errors: %llu\n", errors.get() + t.errors.get());
	}

	static kstd::result<kstd::unique_ptr<server>> create() noexcept;
	~server();
};

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
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
			srv.tx_bytes.add(*n);
			if (sent < filled)
				return; /* send buffer full: the writable hook requeues us */
			sent = filled = 0;
		}
		if (echoed >= run_budget) {
			srv.tcp.queue().queue(work); /* let other connections have this worker */
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
		srv.rx_bytes.add(*n);
	}
}

void connection::close(bool failed) noexcept
{
	server &s = srv;
	auto self = s.tcp.release(*this);
	if (!self)
		return; /* the server is unloading and owns us now */
	if (failed)
		s.resets.add();
	/* self goes here (its hooks are out already): socket released, memory freed. */
}

kstd::unique_ptr<connection> server::on_accept(kstd::tcp_stream &s) noexcept
{
	auto b = kstd::make_unique_for_overwrite<kstd::u8[]>(kstd::gfp::kernel, buffer_size);
	if (!b) {
		errors.add(); /* the stream closes: the peer sees a reset */
		return nullptr;
	}
	auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(s),
					       kstd::move(*b));
	if (!c) {
		errors.add();
		return nullptr;
	}
	return kstd::move(*c);
}

kstd::result<kstd::unique_ptr<server>> server::create() noexcept
{
	auto self = KSTD_TRY(kstd::make_unique<server>(kstd::gfp::kernel));
	self->proc = KSTD_TRY(kstd::proc_entry::create("kecho", 0444, *self));
	/*
	 * High-priority workers: an echo is a few microseconds of work that
	 * should not wait behind ordinary tasks (such as the benchmark's own
	 * thousand client threads).
	 */
	auto listening = self->tcp.listen(
		"kecho", {.port = port.get(),
			  .backlog = backlog.get(),
			  .queue_flags = kstd::wq::highpri |
					 (bench.get() ? kstd::wq::none : kstd::wq::unbound)});
	if (!listening) {
		kstd_pr_err("cannot listen on port %u: %d\n", port.get(), listening.to_errno());
		return listening.error();
	}
	kstd_pr_info("listening on port %u (%s workqueue)\n", port.get(),
		     bench.get() ? "per-CPU" : "unbound");
	return self;
}

/* Stops the server before any member goes, so their order does not matter to it. */
server::~server()
{
	kstd_pr_info("unloaded, closed %zu open connection(s)\n", tcp.stop());
}

} // namespace

KSTD_MODULE(server);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Event-driven TCP echo server on kstd");
