// SPDX-License-Identifier: GPL-2.0-only
/*
 * One client connection of khttpd: its buffers, the state of the request
 * being read and of the response being sent, its deadlines and its work
 * items.  connection.cpp follows its life; request.cpp and listing.cpp
 * make its responses.
 */
#ifndef KHTTPD_CONNECTION_HPP
#define KHTTPD_CONNECTION_HPP

#include <kstd/atomic.hpp>
#include <kstd/bytes.hpp>
#include <kstd/file.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/list.hpp>
#include <kstd/memory.hpp>
#include <kstd/refcount.hpp>
#include <kstd/stream_buffer.hpp>
#include <kstd/tcp_server.hpp>
#include <kstd/workqueue.hpp>

#include "file_cache.hpp"
#include "http.hpp"
#include "per_address.hpp"

namespace khttpd {

using kstd::size_t;
using kstd::string_view;
using kstd::u32;
using kstd::u64;
using kstd::u8;

struct server;

/* Request bytes a connection buffers: the longest head. */
constexpr size_t in_size = 8192;
/*
 * Response bytes: a head, plus a small file's body or a listing chunk.  Its
 * second half holds the decoded file name while the request is looked up.
 */
constexpr size_t out_size = 8192;
constexpr size_t name_offset = 4096;
/*
 * Bytes one work run may move before it requeues itself (fairness), and the
 * largest piece of a file spliced in one call: 2 MiB, nginx's default
 * sendfile_max_chunk, so a 1 MiB response and the next keep-alive request
 * fit in one run (docs/khttpd.md, "Measured", has the numbers).
 */
constexpr size_t run_budget = 2048 * 1024;
constexpr size_t splice_chunk = 2048 * 1024;
constexpr http::limits request_limits{
	.max_request_line = 4096, .max_head = in_size, .max_headers = 64, .max_body = 1 << 20};

/* What follows the head in out. */
enum class body_kind : u8 {
	none,	 /* the response is complete once out is sent */
	file,	 /* body_left bytes of body_src's file from body_pos, spliced */
	listing, /* directory entries of body_dir, generated a buffer at a time */
};

enum class listing_phase : u8 { entries, tail, end };

/* How a connection ends. */
enum class ending : u8 { normal, reset, timeout };

/* Result of pushing output. */
enum class progress : u8 { done, blocked, failed, budget };

struct connection : kstd::tcp_connection {
	connection(server &s, kstd::tcp_stream st, kstd::recv_buffer r,
		   kstd::unique_ptr<char[]> o) noexcept
		: kstd::tcp_connection(kstd::move(st)), srv(s), rx(kstd::move(r)),
		  out(kstd::move(o))
	{
		touch();
	}

	/* ---- its life (connection.cpp) ---- */

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Serve until the socket would block. */
	void run() noexcept;
	progress flush(size_t &budget) noexcept;
	void serve() noexcept;
	/*
	 * Give the worker back until the socket has news; the idle timer
	 * watches meanwhile (armed only now, so a connection served in one
	 * run never touches a timer).
	 */
	void wait() noexcept;
	/* The idle timer's work: expired, or re-armed for the rest of the time. */
	void on_idle() noexcept;
	void on_timeout() noexcept;
	void linger() noexcept;
	/* Leave the server and free everything.  Always the last call. */
	void close(ending why) noexcept;

	void touch() noexcept { last_active.store_relaxed(kstd::jiffies::now().count); }
	/*
	 * A total deadline @span from now, which progress does not extend
	 * (whole head, dropped body, lingering close): at most one runs at a
	 * time.  Only run() sets and clears it; the idle timer reads it.
	 */
	void start_deadline(kstd::jiffies span) noexcept
	{
		unsigned long d = kstd::jiffies::now().count + span.count;
		deadline.store_relaxed(d ? d : 1); /* 0: none */
	}
	void clear_deadline() noexcept { deadline.store_relaxed(0); }
	[[nodiscard]] bool past_deadline() const noexcept
	{
		unsigned long d = deadline.load_relaxed();
		return d && static_cast<long>(kstd::jiffies::now().count - d) >= 0;
	}
	/* Ticks until the idle timer must look again: idle time left, or the deadline. */
	[[nodiscard]] kstd::jiffies next_check(kstd::jiffies idle_left) const noexcept;

	/* ---- responses (request.cpp) ---- */

	void respond(const http::request &r) noexcept;
	void respond_file(const http::request &r, file_ref src, const kstd::file_attr &attr,
			  string_view type) noexcept;
	void respond_directory(const http::request &r, kstd::file dir,
			       const http::normalized_path &path) noexcept;
	void respond_error(unsigned int status, bool head, string_view extra = {}) noexcept;
	void respond_open_error(const kstd::error &e, bool head) noexcept;
	template <class Extra>
	void respond_error_with(unsigned int status, bool head, Extra &&extra) noexcept;

	http::writer head_writer() noexcept { return http::writer(out.get(), name_offset); }
	void begin_head(http::writer &w, unsigned int status) noexcept;
	void end_head(http::writer &w) noexcept;

	/* ---- directory listings (listing.cpp) ---- */

	void start_listing(kstd::file dir, const http::normalized_path &path, bool head) noexcept;
	void fill_listing() noexcept;

	server &srv;
	kstd::recv_buffer rx; /* received, not yet consumed */
	kstd::unique_ptr<char[]> out;
	u32 out_pos = 0, out_len = 0; /* out[out_pos, out_len): still to send */
	http::request_parser parser{request_limits};
	u64 discard = 0;     /* request body bytes still to drop */
	file_ref body_src;   /* a file being sent */
	kstd::file body_dir; /* a directory being listed */
	u64 body_pos = 0, body_left = 0;
	body_kind body = body_kind::none;
	listing_phase lphase = listing_phase::entries;
	bool chunked = false;	/* the listing goes out in chunks */
	bool keep_alive = true; /* of the response being sent */
	u8 version_minor = 1;	/* of the request being answered */
	bool closing = false;	/* FIN sent; dropping input until EOF */
	bool nodelay = false;	/* TCP_NODELAY set (second request on) */
	/* Shared with the idle timer's work, which runs concurrently with run(). */
	kstd::atomic<bool> timed_out;		 /* set by on_idle(), taken by run() */
	kstd::atomic<unsigned long> last_active; /* jiffies of the last progress */
	kstd::atomic<unsigned long> deadline;	 /* jiffies of a total deadline, or 0 */
	unsigned long armed_for = 0; /* the deadline the idle timer was last armed for */
	u32 served = 0;
	http::date_text date, modified; /* the last Date and Last-Modified, formatted */
	address_slot per_address;	/* counted for the client's address, if limited */
	kstd::work<connection, &connection::run> work{this};
	kstd::delayed_work<connection, &connection::on_idle> idle{this};
};

} // namespace khttpd

#endif // KHTTPD_CONNECTION_HPP
