// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd: an event-driven HTTP/1.1 static file server in the kernel, built
 * on kstd.  This file holds its parameters and its entry; the rest, one
 * job a file:
 *
 *   connection.cpp   a connection's life: read, parse, respond, wait,
 *                    deadlines, lingering close, teardown
 *   request.cpp      a request's answer: path checks, files, errors
 *   listing.cpp      directory listings, generated a buffer at a time
 *   server.cpp       accepting (503 over the limits), opening files
 *   file_cache.cpp   open files kept by name for cache_ms
 *   per_address.cpp  open connections per client address
 *   http.hpp         HTTP/1.x: the bounded request parser, dates, ranges,
 *                    paths, the response writer (freestanding; tested on
 *                    the host by tests/, in the kernel by kunit/http_test.cpp)
 *   kunit/           KUnit suites: http.hpp, the file cache, and servers
 *                    of their own answering real loopback clients
 *
 * Structure (as kecho): kstd::tcp_server runs one dual-stack listener,
 * whose data-ready hook queues the accept work, and the list of live
 * connections; each connection's socket hooks (data ready, send space,
 * state change) queue that connection's work, which runs until the socket
 * would block and then gives its worker back.  Every socket call is
 * non-blocking, and a response that does not fit the send buffer is resumed
 * on the writable event, so a slow or silent client never holds a worker;
 * an idle connection costs its memory (about 17 KiB), never a thread.
 *
 * Requests: GET and HEAD (405 for the other known methods, 501 for unknown
 * ones); HTTP/1.1 keep-alive and pipelining (responses in order), HTTP/1.0
 * with or without keep-alive.  The head is parsed by http.hpp's bounded
 * incremental parser (limits: 4 KiB request line, 8 KiB head, 64 fields, a
 * request body is read and dropped up to 1 MiB): 400, 413, 414, 431, 501,
 * 505 answer malformed requests, then the connection closes.
 *
 * Files come from the document root: the path is percent-decoded once and
 * normalised (a ".." above the root: 400), then opened with openat2()'s
 * RESOLVE_BENEATH rules (kstd::directory_root), so neither ".." nor a
 * symbolic link can reach outside the root (403).  Only regular files and
 * directories readable by others (S_IROTH) are served (403 otherwise).
 * Lookups, opens and listing reads run as the user and group ids user and
 * group (nobody/nogroup; no supplementary groups, no capabilities), not as
 * the kworker's root, so directory search permission, read permission,
 * ACLs and LSM file checks apply as to a user-space server (403); the
 * directories above the root are checked once, at load.  A path with a
 * component starting with '.' is 404 unless dotfiles is set.  Opens are
 * non-blocking: a file under another process's write lease is 503 with
 * Retry-After: 1 at once (the lease break is started, not waited for).
 * Small files go out with their head in one send; larger ones are spliced
 * from the page cache into the socket (zero-copy, sendfile's path) a piece
 * at a time, never buffered whole.  Exact Content-Length, Last-Modified and
 * 304 for If-Modified-Since, one byte range (206/416, Accept-Ranges),
 * Content-Type from the last extension.  A directory: 301 to the name with
 * a '/' if it lacks one, else its index.html, else (parameter listing) an
 * HTML listing in file system order (names escaped for HTML, links
 * percent-encoded, dot files left out), chunked in HTTP/1.1, ended by
 * closing in HTTP/1.0.
 *
 * Connections: over max_connections, or over max_per_address from one
 * client address (IPv4 and IPv6 alike; 0: no such limit), a new
 * connection gets 503 and is closed.  Idle ones close after timeout
 * seconds; total deadlines (header_timeout, body_timeout, lingering_time)
 * bound what a slow client can hold (connection.cpp tells how).  Unloading
 * closes every connection.
 *
 * Counters: /proc/khttpd (files_busy: the 503s for leased files;
 * cache_hits: lookups the open-file cache answered).
 *
 * The listener defers accepting (TCP_DEFER_ACCEPT, defer_accept seconds)
 * until a connection's request has arrived, so a connection is served in
 * one work run, without first waiting for its request; a client that
 * sends nothing is accepted after that time anyway, and its idle timeout
 * starts then.
 *
 * Parameters: port (8081), backlog (1024), docroot (/var/www/html),
 * timeout (10 s), header_timeout (10 s), body_timeout (30 s),
 * lingering_time (30 s), max_per_address (0: off), max_connections
 * (10000), listing (true), cache_ms (1000), user (65534) and group
 * (65534): numeric ids in the initial user namespace, an invalid one fails
 * the load; dotfiles (false), defer_accept (1 s), highpri (false),
 * unbound (true): the workqueue's kind, and workers (0: one per online
 * CPU): how many unbound workers serve at once.  All read-only once loaded.
 *
 * Unbound by default: a NIC with one queue (or an IRQ pinned to one CPU)
 * takes every packet on one CPU, and a per-CPU queue would run every
 * connection there while the other CPUs idle.  Measured over virtio-net
 * (make bench's host boot, 2 vCPUs): 12-byte file, HTTP/1.0 0.68x nginx
 * bound, 1.65-1.78x unbound; keep-alive 0.91-1.07x bound, 2.5-2.8x
 * unbound.  Over loopback the two are the same within the noise.
 * At most one unbound worker per CPU by default: an unbound queue would
 * otherwise run up to 256 connections' work in kworkers of their own, all
 * runnable against ksoftirqd, which takes the NIC's packets off its ring
 * when softirqs run long.  With that, make bench's host boot saw 1 MiB
 * keep-alive loads at a tenth of nginx's rate in some runs, with stalls of
 * up to 10 s and clients retransmitting requests (278-416 per 8 s load,
 * none against nginx); one worker per CPU took those to 0-103 and the
 * rate to 1.16-1.31x the best peer.
 */
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/workqueue.hpp>

#include "server.hpp"

KSTD_MODULE_PARAM(port, u16, 8081, 0444, "TCP port to listen on (IPv4 and IPv6)");
KSTD_MODULE_PARAM_RANGE(backlog, int, 1024, 1, 65535, 0444, "listen() backlog");
KSTD_MODULE_PARAM_STRING(docroot, 256, "/var/www/html", 0444, "directory to serve");
KSTD_MODULE_PARAM_RANGE(timeout, int, 10, 1, 3600, 0444,
			"seconds before an idle connection is closed");
KSTD_MODULE_PARAM_RANGE(header_timeout, int, 10, 1, 3600, 0444,
			"seconds a whole request head may take (408 and close)");
KSTD_MODULE_PARAM_RANGE(body_timeout, int, 30, 1, 3600, 0444,
			"seconds a request body that is dropped may take to arrive");
KSTD_MODULE_PARAM_RANGE(lingering_time, int, 30, 1, 3600, 0444,
			"seconds a lingering close may last at most");
KSTD_MODULE_PARAM_RANGE(max_per_address, int, 0, 0, 1000000, 0444,
			"open connections per client address; more are answered 503 and "
			"closed (0: no limit)");
KSTD_MODULE_PARAM_RANGE(max_connections, int, 10000, 1, 1000000, 0444,
			"open connections; more are answered 503 and closed");
KSTD_MODULE_PARAM(listing, bool, true, 0444, "list directories without an index.html");
KSTD_MODULE_PARAM_RANGE(cache_ms, int, 1000, 0, 60000, 0444,
			"milliseconds an open file is reused for its name (0: no cache)");
KSTD_MODULE_PARAM_RANGE(defer_accept, int, 1, 0, 60, 0444,
			"seconds a connection may wait for its request before it is accepted "
			"(TCP_DEFER_ACCEPT; 0: accept at once)");
KSTD_MODULE_PARAM(user, u32, 65534, 0444,
		  "numeric user id that files are looked up, opened and listed as (nobody)");
KSTD_MODULE_PARAM(group, u32, 65534, 0444,
		  "numeric group id that files are looked up, opened and listed as (nogroup)");
KSTD_MODULE_PARAM(dotfiles, bool, false, 0444,
		  "serve paths with a component starting with '.' (default: 404)");
KSTD_MODULE_PARAM(highpri, bool, false, 0444, "serve from high-priority workers");
KSTD_MODULE_PARAM(unbound, bool, true, 0444,
		  "serve from unbound workers (0: on the CPU that took the packets)");
KSTD_MODULE_PARAM(workers, u32, 0, 0444,
		  "unbound workers serving at once, at most 512 (0: one per online CPU)");

namespace {

/* The module: a server as the parameters say, and /proc/khttpd. */
struct khttpd_module {
	kstd::unique_ptr<khttpd::server> srv;
	/* Reads srv: declared after it, so it goes first. */
	kstd::proc_entry proc;

	/* /proc/khttpd; process context. */
	void show(kstd::seq_file &m) { srv->show(m); }

	static kstd::result<kstd::unique_ptr<khttpd_module>> create() noexcept;
	~khttpd_module();
};

kstd::result<kstd::unique_ptr<khttpd_module>> khttpd_module::create() noexcept
{
	using khttpd::u32;
	auto secs = [](int s) { return kstd::secs(static_cast<unsigned int>(s)); };
	if (workers.get() > 512) {
		kstd_pr_err("workers=%u: at most 512\n", workers.get());
		return kstd::error::inval();
	}
	/*
	 * Unbound, normal-priority workers by default: connections spread
	 * over the CPUs even when one CPU takes all the packets (see the top
	 * of this file).  One accept run takes all the
	 * backlog can hold (kstd's default is 16): the accept work waits
	 * behind every connection's queued work each time it requeues itself.
	 * docs/khttpd.md ("Measured") has the measurements behind both.
	 */
	khttpd::settings cfg{
		.listen = {.port = port.get(),
			   .backlog = backlog.get(),
			   .queue_flags = (highpri.get() ? kstd::wq::highpri : kstd::wq::none) |
					  (unbound.get() ? kstd::wq::unbound : kstd::wq::none),
			   .queue_max_active = !unbound.get() ? 0
					       : workers.get()
						       ? static_cast<int>(workers.get())
						       : static_cast<int>(kstd::online_cpus()),
			   .accept_batch = backlog.get(),
			   .defer_accept_s = static_cast<unsigned int>(defer_accept.get())},
		.docroot = docroot.view().data(),
		.user = user.get(),
		.group = group.get(),
		.idle_timeout = secs(timeout.get()),
		.head_deadline = secs(header_timeout.get()),
		.body_deadline = secs(body_timeout.get()),
		.linger_deadline = secs(lingering_time.get()),
		.max_per_address = static_cast<u32>(max_per_address.get()),
		.max_connections = static_cast<u32>(max_connections.get()),
		.cache_ttl = kstd::msecs(static_cast<unsigned int>(cache_ms.get())),
		.listing = listing.get(),
		.dotfiles = dotfiles.get(),
	};
	auto self = KSTD_TRY(kstd::make_unique<khttpd_module>(kstd::gfp::kernel));
	self->srv = KSTD_TRY(khttpd::server::start(cfg));
	self->proc = KSTD_TRY(kstd::proc_entry::create("khttpd", 0444, *self));
	kstd_pr_info("serving %s on port %u\n", cfg.docroot, cfg.listen.port);
	return self;
}

khttpd_module::~khttpd_module()
{
	if (srv)
		kstd_pr_info("unloaded, closed %zu open connection(s)\n", srv->tcp.stop());
}

} // namespace

KSTD_MODULE(khttpd_module);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Event-driven HTTP/1.1 static file server on kstd");
