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
 * The buffer is a kstd::send_buffer: recv() writes straight into its free
 * space, and what the socket does not take yet stays queued, in order, for
 * the writable hook.  A peer that sends without reading fills it, and then
 * kecho stops reading that peer until it reads (back-pressure, no loss).
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
#include <kstd/stream_buffer.hpp>
#include <kstd/tcp_server.hpp>

KSTD_MODULE_PARAM(port, u16, 12345, 0444, "TCP port to listen on (IPv4 and IPv6)");
KSTD_MODULE_PARAM_RANGE(backlog, int, 128, 1, 65535, 0444, "listen() backlog");
KSTD_MODULE_PARAM(bench, bool, false, 0444,
		  "use a per-CPU bound workqueue instead of an unbound one");

namespace {

using kstd::u64;

/* Per-connection echo buffer: received, not yet echoed. */
constexpr kstd::size_t buffer_size = 4096;
/* Bytes one work run may echo before it requeues itself (fairness). */
constexpr kstd::size_t run_budget = 64 * 1024;

struct server;

/* The stream, the live-list link and the hooks are in the server's base. */
struct connection : kstd::tcp_connection {
	connection(server &s, kstd::tcp_stream st, kstd::send_buffer b) noexcept
		: kstd::tcp_connection(kstd::move(st)), srv(s), out(kstd::move(b))
	{
	}

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Echo until the socket would block. */
	void run() noexcept;
	/* Leave the server and free everything.  Last thing run() does. */
	void close(bool failed) noexcept;

	server &srv;
	kstd::send_buffer out;	/* received, still to echo */
	bool peer_done = false; /* the peer's FIN came: echo what is left, close */
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
		kstd::size_t pending = out.size();
		auto f = out.flush(stream);
		srv.tx_bytes.add(pending - out.size());
		if (!f && f.error() != kstd::error::again())
			return close(true);
		if (peer_done) {
			if (out.empty())
				return close(false); /* orderly close, everything echoed */
			return;			     /* the writable hook requeues us */
		}
		if (out.room() == 0)
			return; /* the peer does not read: neither do we until it does */
		if (echoed >= run_budget) {
			srv.tcp.queue().queue(work); /* let other connections have this worker */
			return;
		}
		kstd::span<kstd::u8> space = out.prepare();
		auto n = stream.try_recv(space.data(), space.size());
		if (!n) {
			if (n.error() == kstd::error::again())
				return; /* drained: the data-ready (or writable) hook requeues us */
			return close(true);
		}
		if (*n == 0) {
			peer_done = true; /* echo the rest first */
			continue;
		}
		out.commit(*n);
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
	auto b = kstd::send_buffer::create(kstd::gfp::kernel, buffer_size);
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
