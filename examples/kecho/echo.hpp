// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho's server and its connections (echo.cpp), apart from the module's
 * entry (main.cpp), so that the KUnit suite (kunit/) can run servers of
 * its own.
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
 * closes or fails; destroying the server closes whatever is still open. *
 * UDP (udp_echo, when kecho is loaded with udp=1): one kstd::udp_socket on
 * the same port, IPv6 with IPv4-mapped addresses (IPv4 alone without
 * IPv6).  Its readable hook queues one work item, which sends every queued
 * datagram back to its sender, whole, then returns; no thread waits on the
 * socket.  A datagram never needs more than one recv: the buffer holds the
 * largest UDP payload, and a cut one (which cannot happen) would be
 * counted, not echoed.
 */
#ifndef KECHO_ECHO_HPP
#define KECHO_ECHO_HPP

#include <kstd/counter.hpp>
#include <kstd/memory.hpp>
#include <kstd/percpu.hpp>
#include <kstd/proc.hpp>
#include <kstd/result.hpp>
#include <kstd/stream_buffer.hpp>
#include <kstd/tcp_server.hpp>
#include <kstd/udp.hpp>
#include <kstd/workqueue.hpp>

namespace kecho {

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

/* Bytes echoed: one pair per CPU (see server::bytes). */
struct byte_counts {
	kstd::u64 rx, tx;
};

struct server {
	/*
	 * Bumped by every work run, on whichever CPU its worker runs:
	 * per-CPU (this_cpu_add(), no shared cache line), summed for show().
	 */
	kstd::percpu<byte_counts> bytes;
	kstd::stat_counter errors, resets;
	kstd::tcp_server<server, connection> tcp{*this};

	/* A stream to serve: its connection object, or null (counted). */
	kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept;

	/* Bytes received and sent so far, over all CPUs (racy snapshots).  Any context. */
	kstd::u64 rx_bytes() const noexcept { return bytes.sum(&byte_counts::rx); }
	kstd::u64 tx_bytes() const noexcept { return bytes.sum(&byte_counts::tx); }

	/* The counters, as /proc/kecho shows them; process context. */
	void show(kstd::seq_file &m);

	/* A server listening as @opts say (port 0: any free port).  May sleep. */
	static kstd::result<kstd::unique_ptr<server>>
	start(const kstd::tcp_server_options &opts) noexcept;
	/* Closes every open connection.  May sleep. */
	~server();
};

/* The largest UDP payload (IPv6, no jumbograms): no datagram is ever cut. */
constexpr kstd::size_t udp_buffer_size = 65535;
/* Datagrams one work run may echo before it requeues itself (fairness). */
constexpr int udp_run_budget = 64;

/* The UDP echo: every datagram back to its sender, from one work item. */
struct udp_echo {
	kstd::stat_counter datagrams, bytes, truncated, errors;

	/*
	 * Echo on @p port (IPv6 and IPv4; IPv4 only without IPv6), its work
	 * on a queue of its own with @p queue_flags.  May sleep.
	 */
	static kstd::result<kstd::unique_ptr<udp_echo>> start(kstd::u16 port,
							      kstd::wq_flags queue_flags) noexcept;
	/* Where it listens (after port 0: the chosen port).  May sleep. */
	[[nodiscard]] kstd::result<kstd::socket_address> local_address() const noexcept
	{
		return sock.local_address();
	}
	/* Its lines of /proc/kecho; process context. */
	void show(kstd::seq_file &m);

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Echo until nothing is queued. */
	void run() noexcept;
	/* The hook out, the work cancelled and waited for, then the socket.  May sleep. */
	~udp_echo();

	/* Teardown order (reverse): the notifier, the work, the buffer, the socket, the queue. */
	kstd::workqueue<udp_echo> queue;
	kstd::udp_socket sock;
	kstd::unique_ptr<kstd::u8[]> buf;
	kstd::work<udp_echo, &udp_echo::run> work{this};
	kstd::socket_notifier notifier;
};

} // namespace kecho

#endif // KECHO_ECHO_HPP
