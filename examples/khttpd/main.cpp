// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd: an event-driven HTTP/1.1 static file server in the kernel, built
 * on kstd.
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
 * with or without keep-alive.  The head is parsed by kstd::http's bounded
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
 * seconds: silently between requests, with 408 in the middle of one; a
 * response the client stops reading is cut off after the same time.
 * Peer resets and broken pipes are counted, not logged.  After a response
 * that closes the connection, khttpd sends FIN and reads (dropping it)
 * what the client still sends until EOF, so a late request cannot turn
 * into a reset that destroys the response (lingering close).  Unloading
 * closes every connection.
 *
 * Progress restarts the idle timeout, so a client sending a byte now and
 * then would keep its connection for ever.  Total deadlines, as nginx has,
 * bound what a slow client can hold: a request head must be complete
 * header_timeout seconds after its first byte (or after the end of the
 * response before it, if it was pipelined), else 408 and close; the rest
 * of a request body that is dropped must arrive within body_timeout
 * seconds once its response is sent, else 408 and close; a lingering
 * close lasts at most lingering_time seconds.  These count as timeouts.
 * The idle timer checks whichever comes first: no second timer.
 *
 * Counters: /proc/khttpd (files_busy: the 503s for leased files).
 *
 * Open files are cached by name for cache_ms (like nginx's
 * open_file_cache): a hit skips the lookup and the open, not the stat, so
 * the length, time and permissions served are always current; a file
 * renamed, replaced or deleted may still be served for up to cache_ms, as
 * may a cached file whose directory user has lost search permission on.
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
 * the load; dotfiles (false), defer_accept (1 s), highpri (false) and
 * unbound (false): the workqueue's kind.
 */
#include <kstd/counter.hpp>
#include <kstd/file.hpp>
#include <kstd/http.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/random.hpp>
#include <kstd/refcount.hpp>
#include <kstd/tcp_server.hpp>
#include <kstd/workqueue.hpp>

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
KSTD_MODULE_PARAM(unbound, bool, false, 0444,
		  "serve from unbound workers (default: on the CPU that took the packets)");

namespace {

using kstd::size_t;
using kstd::string_view;
using kstd::u32;
using kstd::u64;
using kstd::u8;
namespace http = kstd::http;

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
 * sendfile_max_chunk.  A whole 1 MiB response then goes out in one run,
 * and a keep-alive connection reads its next request in the same run;
 * 256 KiB (four runs and a requeue per MiB) was up to 1.5x slower.
 */
constexpr size_t run_budget = 2048 * 1024;
constexpr size_t splice_chunk = 2048 * 1024;
constexpr http::limits request_limits{
	.max_request_line = 4096, .max_head = in_size, .max_headers = 64, .max_body = 1 << 20};

struct stats {
	kstd::stat_counter responses[6]; /* by status class: [1] 1xx ... [5] 5xx */
	kstd::stat_counter rejected, rejected_per_address, timeouts, resets, errors, bytes_sent;
	kstd::stat_counter busy; /* 503: a file's open would have waited (a lease) */

	void count_status(unsigned int status) noexcept
	{
		responses[status / 100 < 6 ? status / 100 : 0].add();
	}

	/* /proc/khttpd; process context. */
	void show(kstd::seq_file &m, const kstd::tcp_server_stats &t)
	{
		for (int c = 1; c <= 5; c++)
			m.printf("responses_%dxx: %llu\n", c, responses[c].get());
		m.printf("bytes_sent: %llu\n", bytes_sent.get());
		m.printf("connections_open: %llu\n", t.open.get());
		m.printf("connections_accepted: %llu\n", t.accepted.get());
		m.printf("connections_rejected: %llu\n", rejected.get());
		m.printf("connections_rejected_per_address: %llu\n", rejected_per_address.get());
		m.printf("timeouts: %llu\n", timeouts.get());
		m.printf("peer_resets: %llu\n", resets.get());
		m.printf("errors: %llu\n", errors.get() + t.errors.get());
		m.printf("files_busy: %llu\n", busy.get());
	}
};

/* ---- open files, cached by name ------------------------------------------ */

constexpr size_t cache_name_max = 128;
constexpr u32 cache_buckets = 64;
constexpr u32 cache_bucket_max = 8;

/* An open file and the name (relative to the root) it was opened by. */
struct cached_file : kstd::ref_counted {
	cached_file(kstd::file f, string_view n, u32 h) noexcept
		: file(kstd::move(f)), hash(h), stamp(kstd::jiffies::now().count),
		  len(static_cast<u8>(n.size() < cache_name_max ? n.size() : cache_name_max))
	{
		__builtin_memcpy(name, n.data(), len);
	}
	[[nodiscard]] string_view key() const noexcept { return string_view(name, len); }

	kstd::file file;
	u32 hash;
	unsigned long stamp; /* jiffies when opened */
	u8 len;
	char name[cache_name_max];
	kstd::list_node link; /* in a bucket of file_cache */
};

/* FNV-1a. */
u32 name_hash(string_view s) noexcept
{
	u32 h = 2166136261u;
	for (char c : s)
		h = (h ^ static_cast<u8>(c)) * 16777619u;
	return h;
}

/*
 * Recently opened regular files by name, each kept for ttl: a hash table of
 * small buckets (the least recently inserted entry of a full bucket goes).
 * The table holds one reference to each entry, a request being served
 * another.  Process context; entries are dropped outside the lock.
 */
class file_cache {
public:
	explicit file_cache(kstd::jiffies ttl) noexcept : ttl_(ttl) {}
	file_cache(const file_cache &) = delete;
	file_cache &operator=(const file_cache &) = delete;
	~file_cache() { clear(); }

	[[nodiscard]] bool enabled() const noexcept { return ttl_.count != 0; }

	/* A fresh entry for @name, or none. */
	kstd::ref<cached_file> find(string_view name, u32 hash) noexcept
	{
		kstd::ref<cached_file> hit, stale;
		{
			auto t = t_.lock();
			auto &b = t->bucket[hash % cache_buckets];
			for (cached_file &e : b) {
				if (e.hash != hash || e.key() != name)
					continue;
				if (kstd::jiffies::now().since({e.stamp}) < ttl_) {
					hit = kstd::ref<cached_file>::acquire(e);
				} else {
					b.erase(e);
					t->count[hash % cache_buckets]--;
					stale = kstd::ref<cached_file>::adopt(&e);
				}
				break;
			}
		}
		return hit; /* stale, if any, is dropped here, unlocked */
	}

	/* Keep @e (a new reference) in place of any entry of the same name. */
	void insert(const kstd::ref<cached_file> &e) noexcept
	{
		kstd::ref<cached_file> add = e, old, evicted;
		u32 i = e->hash % cache_buckets;
		{
			auto t = t_.lock();
			auto &b = t->bucket[i];
			for (cached_file &o : b) {
				if (o.hash == e->hash && o.key() == e->key()) {
					b.erase(o);
					t->count[i]--;
					old = kstd::ref<cached_file>::adopt(&o);
					break;
				}
			}
			if (t->count[i] == cache_bucket_max) {
				evicted = kstd::ref<cached_file>::adopt(b.pop_back());
				t->count[i]--;
			}
			b.push_front(*add.release());
			t->count[i]++;
		}
	}

	void clear() noexcept
	{
		for (u32 i = 0; i < cache_buckets; i++) {
			for (;;) {
				kstd::ref<cached_file> e;
				{
					auto t = t_.lock();
					cached_file *p = t->bucket[i].pop_front();
					if (!p)
						break;
					t->count[i]--;
					e = kstd::ref<cached_file>::adopt(p);
				}
			}
		}
	}

private:
	struct table {
		kstd::intrusive_list<&cached_file::link> bucket[cache_buckets];
		u32 count[cache_buckets] = {};
	};
	kstd::locked<table> t_{"khttpd.cache"};
	kstd::jiffies ttl_;
};

/* ---- open connections per client address --------------------------------- */

constexpr u32 address_buckets = 256;

/* How many connections one client address has open. */
struct address_count {
	address_count(const u8 (&a)[16], u32 h) noexcept : hash(h)
	{
		__builtin_memcpy(addr, a, sizeof(addr));
	}

	u8 addr[16]; /* IPv6; IPv4 as ::ffff:a.b.c.d */
	u32 hash;
	u32 count = 0;
	kstd::list_node link; /* in a bucket of address_table */
};

class address_table;

/* One connection counted for its address: released when it goes. */
class address_slot {
public:
	address_slot() noexcept = default;
	address_slot(address_table &t, address_count &e) noexcept : table_(&t), entry_(&e) {}
	address_slot(address_slot &&o) noexcept : table_(o.table_), entry_(o.entry_)
	{
		o.entry_ = nullptr;
	}
	address_slot &operator=(address_slot &&o) noexcept
	{
		if (this != &o) {
			reset();
			table_ = o.table_;
			entry_ = kstd::exchange(o.entry_, nullptr);
		}
		return *this;
	}
	address_slot(const address_slot &) = delete;
	address_slot &operator=(const address_slot &) = delete;
	~address_slot() { reset(); }
	void reset() noexcept;

private:
	address_table *table_ = nullptr;
	address_count *entry_ = nullptr;
};

/*
 * Open connections by client address (max_per_address, like nginx's
 * limit_conn): a hash table of counts, one small allocation per address
 * with connections open, freed when its last connection goes, so the
 * memory is bounded by max_connections.  Process context (the accept work
 * and the connections' work, never a socket hook): a plain spinlock, no
 * allocation under it.  The hash is seeded at load, so that one client
 * cannot aim its addresses at one bucket offline.
 */
class address_table {
public:
	address_table() noexcept : seed_(kstd::random_u32()) {}
	address_table(const address_table &) = delete;
	address_table &operator=(const address_table &) = delete;

	/* Count a connection from @peer: -EBUSY over @limit, or -ENOMEM. */
	kstd::result<address_slot> acquire(const kstd::socket_address &peer, u32 limit) noexcept
	{
		u8 key[16] = {};
		if (peer.is_ipv4()) {
			key[10] = key[11] = 0xff;
			__builtin_memcpy(key + 12, peer.address_bytes(), 4);
		} else {
			__builtin_memcpy(key, peer.address_bytes(), peer.address_size());
		}
		u32 h = seed_;
		for (u8 b : key)
			h = (h ^ b) * 16777619u;
		kstd::unique_ptr<address_count> fresh; /* freed, unused, after the lock */
		for (;;) {
			{
				auto t = t_.lock();
				auto &b = t->bucket[h % address_buckets];
				for (address_count &e : b) {
					if (e.hash != h ||
					    __builtin_memcmp(e.addr, key, sizeof(key)) != 0)
						continue;
					if (e.count >= limit)
						return kstd::error::busy();
					e.count++;
					return address_slot(*this, e);
				}
				if (fresh) {
					fresh->count = 1;
					b.push_front(*fresh);
					return address_slot(*this, *fresh.release());
				}
			}
			/* The accept work is the only one adding: once is enough. */
			fresh = KSTD_TRY(
				kstd::make_unique<address_count>(kstd::gfp::kernel, key, h));
		}
	}

	void release(address_count &e) noexcept
	{
		kstd::unique_ptr<address_count> last; /* freed after the lock */
		auto t = t_.lock();
		if (--e.count == 0) {
			t->bucket[e.hash % address_buckets].erase(e);
			last = kstd::unique_ptr<address_count>(&e);
		}
	}

private:
	struct table {
		kstd::intrusive_list<&address_count::link> bucket[address_buckets];
	};
	kstd::locked<table> t_{"khttpd.per_address"};
	u32 seed_;
};

void address_slot::reset() noexcept
{
	if (address_count *e = kstd::exchange(entry_, nullptr))
		table_->release(*e);
}

struct server;

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
	connection(server &s, kstd::tcp_stream st, kstd::unique_ptr<char[]> i,
		   kstd::unique_ptr<char[]> o) noexcept
		: kstd::tcp_connection(kstd::move(st)), srv(s), in(kstd::move(i)),
		  out(kstd::move(o))
	{
		touch();
	}
	~connection();

	/* Socket hook: softirq context, must not sleep.  Just schedule run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* The work: process context.  Serve until the socket would block. */
	void run() noexcept;
	/* The idle timer's work: expired, or re-armed for the rest of the time. */
	void on_idle() noexcept;

	/* Leave the server and free everything.  Always the last call. */
	void close(ending why) noexcept;

	void touch() noexcept
	{
		__atomic_store_n(&last_active, kstd::jiffies::now().count, __ATOMIC_RELAXED);
	}
	/*
	 * A total deadline @span from now, which progress does not extend
	 * (whole head, dropped body, lingering close): at most one runs at a
	 * time.  Only run() sets and clears it; the idle timer reads it.
	 */
	void start_deadline(kstd::jiffies span) noexcept
	{
		unsigned long d = kstd::jiffies::now().count + span.count;
		__atomic_store_n(&deadline, d ? d : 1, __ATOMIC_RELAXED); /* 0: none */
	}
	void clear_deadline() noexcept { __atomic_store_n(&deadline, 0UL, __ATOMIC_RELAXED); }
	[[nodiscard]] bool past_deadline() const noexcept
	{
		unsigned long d = __atomic_load_n(&deadline, __ATOMIC_RELAXED);
		return d && static_cast<long>(kstd::jiffies::now().count - d) >= 0;
	}
	/* Ticks until the idle timer must look again: idle time left, or the deadline. */
	[[nodiscard]] kstd::jiffies next_check(kstd::jiffies idle_left) const noexcept;
	/*
	 * Give the worker back until the socket has news; the idle timer
	 * watches meanwhile (armed only now, so a connection served in one
	 * run never touches a timer).
	 */
	void wait() noexcept;

	progress flush(size_t &budget) noexcept;
	void serve() noexcept;
	void respond(const http::request &r) noexcept;
	void respond_file(const http::request &r, kstd::ref<cached_file> src,
			  const kstd::file_attr &attr, string_view type) noexcept;
	void respond_directory(const http::request &r, kstd::file dir,
			       const http::normalized_path &path) noexcept;
	void respond_error(unsigned int status, bool head, string_view extra = {}) noexcept;
	void respond_open_error(const kstd::error &e, bool head) noexcept;
	template <class Extra>
	void respond_error_with(unsigned int status, bool head, Extra &&extra) noexcept;
	void fill_listing() noexcept;
	void linger() noexcept;
	void on_timeout() noexcept;

	http::writer head_writer() noexcept { return http::writer(out.get(), name_offset); }
	void begin_head(http::writer &w, unsigned int status) noexcept;
	void end_head(http::writer &w) noexcept;

	server &srv;
	kstd::unique_ptr<char[]> in, out;
	u32 in_len = 0;		      /* in[0, in_len): received, not yet consumed */
	u32 out_pos = 0, out_len = 0; /* out[out_pos, out_len): still to send */
	http::request_parser parser{request_limits};
	u64 discard = 0;		 /* request body bytes still to drop */
	kstd::ref<cached_file> body_src; /* a file being sent */
	kstd::file body_dir;		 /* a directory being listed */
	u64 body_pos = 0, body_left = 0;
	body_kind body = body_kind::none;
	listing_phase lphase = listing_phase::entries;
	bool chunked = false;	       /* the listing goes out in chunks */
	bool keep_alive = true;	       /* of the response being sent */
	u8 version_minor = 1;	       /* of the request being answered */
	bool closing = false;	       /* FIN sent; dropping input until EOF */
	bool nodelay = false;	       /* TCP_NODELAY set (second request on) */
	bool timed_out = false;	       /* set by on_idle(), taken by run() */
	bool dying = false;	       /* being destroyed from outside: run nothing */
	unsigned long last_active = 0; /* jiffies of the last progress */
	unsigned long deadline = 0;    /* jiffies of a total deadline, or 0 */
	unsigned long armed_for = 0;   /* the deadline the idle timer was last armed for */
	u32 served = 0;
	address_slot per_address; /* counted for the client's address, if limited */
	kstd::work<connection, &connection::run> work{this};
	kstd::delayed_work<connection, &connection::on_idle> idle{this};
};

struct server {
	kstd::directory_root root;
	/*
	 * user/group: every lookup, open and listing read runs with these
	 * (override_credentials); before the connections, so they outlive them.
	 */
	kstd::credentials creds;
	stats counters;
	kstd::jiffies idle_timeout;
	kstd::jiffies head_deadline, body_deadline, linger_deadline;
	address_table addresses; /* empty unless max_per_address */
	file_cache cache{kstd::msecs(static_cast<unsigned int>(cache_ms.get()))};
	/* After what connections use (they go first), before what shows it. */
	kstd::tcp_server<server, connection> tcp{*this};
	kstd::proc_entry proc;

	explicit server(kstd::directory_root r) noexcept
		: root(kstd::move(r)),
		  idle_timeout(kstd::secs(static_cast<unsigned int>(timeout.get()))),
		  head_deadline(kstd::secs(static_cast<unsigned int>(header_timeout.get()))),
		  body_deadline(kstd::secs(static_cast<unsigned int>(body_timeout.get()))),
		  linger_deadline(kstd::secs(static_cast<unsigned int>(lingering_time.get())))
	{
	}

	/* Open @name (NUL-terminated) beneath the root, through the cache. */
	kstd::result<kstd::ref<cached_file>> lookup(string_view name,
						    kstd::file_attr &attr) noexcept;

	/* A stream to serve: its connection, or null (answered 503 or counted). */
	kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept;
	void reject(kstd::tcp_stream &s) noexcept;

	/* /proc/khttpd; process context. */
	void show(kstd::seq_file &m) { counters.show(m, tcp.stats()); }

	static kstd::result<kstd::unique_ptr<server>> create() noexcept;
	~server();
};

/* ---- the connection's work ------------------------------------------------ */

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
}

kstd::jiffies connection::next_check(kstd::jiffies idle_left) const noexcept
{
	unsigned long d = __atomic_load_n(&deadline, __ATOMIC_RELAXED);
	if (!d)
		return idle_left;
	long left = static_cast<long>(d - kstd::jiffies::now().count);
	if (left <= 0)
		return {0};
	return static_cast<unsigned long>(left) < idle_left.count
		       ? kstd::jiffies{static_cast<unsigned long>(left)}
		       : idle_left;
}

void connection::wait() noexcept
{
	/* A client that keeps sending a little never looks idle: check here too. */
	if (past_deadline())
		return on_timeout();
	if (!idle.pending()) {
		armed_for = deadline;
		srv.tcp.queue().queue(idle, next_check(srv.idle_timeout));
	} else if (deadline && deadline != armed_for) {
		/* Armed for the idle time alone: bring it forward. */
		armed_for = deadline;
		srv.tcp.queue().mod(idle, next_check(srv.idle_timeout));
	}
}

/*
 * The work arms the idle timer and the timer's work queues the work.  Since
 * Linux 6.10 destroying them disables each for good, so that ping-pong ends
 * by itself (kstd::work_destructor_disables()).  Before, when the server
 * destroys a connection from outside (unloading) while one of them runs,
 * cancelling one then the other could leave the first queued again in
 * freed memory: stop the hooks, make every later run a no-op, then cancel
 * in an order that catches what the runs in flight queued.  A connection
 * that ends itself does so from its work: nothing else arms the timer then,
 * and the members' destructors suffice.
 */
connection::~connection()
{
	if (kstd::work_destructor_disables() || work.is_current())
		return;
	__atomic_store_n(&dying, true, __ATOMIC_SEQ_CST);
	work.cancel_sync(); /* the run in flight, which may have armed the timer */
	idle.cancel_sync(); /* that arming, or the timer work in flight ... */
	work.cancel_sync(); /* ... which may have queued the work */
}

void connection::on_idle() noexcept
{
	if (__atomic_load_n(&dying, __ATOMIC_SEQ_CST))
		return;
	/*
	 * run() may set a deadline and re-arm this while it runs; a mod here
	 * that read the deadline before may then arm for later than it.  The
	 * next expiry, at most the idle time away, still sees it: a deadline
	 * is late by less than timeout at worst (and a client that sends is
	 * caught by wait() anyway).
	 */
	unsigned long last = __atomic_load_n(&last_active, __ATOMIC_RELAXED);
	kstd::jiffies idle_for = kstd::jiffies::now().since({last});
	if (idle_for < srv.idle_timeout) {
		kstd::jiffies left = next_check({srv.idle_timeout.count - idle_for.count});
		if (left.count) {
			srv.tcp.queue().mod(idle, left);
			return;
		}
	}
	__atomic_store_n(&timed_out, true, __ATOMIC_RELEASE);
	srv.tcp.queue().queue(work);
}

void connection::run() noexcept
{
	if (__atomic_load_n(&dying, __ATOMIC_SEQ_CST))
		return;
	if (__atomic_exchange_n(&timed_out, false, __ATOMIC_ACQ_REL))
		return on_timeout();
	size_t budget = 0;
	for (;;) {
		/* 1. Output first: responses go out in order, one at a time. */
		if (out_pos < out_len || body != body_kind::none) {
			switch (flush(budget)) {
			case progress::blocked:
				return wait(); /* the writable hook requeues us */
			case progress::failed:
				return close(ending::reset);
			case progress::budget:
				srv.tcp.queue().queue(work);
				return;
			case progress::done:
				break;
			}
			if (!keep_alive)
				return linger();
		}
		if (closing)
			return linger();
		/*
		 * 2. A request in the buffer.  Its head must be complete within
		 * header_timeout of its first byte, or of the end of the
		 * response before it (a pipelined one).
		 */
		if (in_len && !discard) {
			if (!deadline)
				start_deadline(srv.head_deadline);
			switch (parser.parse(string_view(in.get(), in_len))) {
			case http::parse_status::complete:
				clear_deadline();
				serve();
				continue;
			case http::parse_status::error:
				clear_deadline();
				version_minor = 1;
				respond_error(parser.error_status(), false);
				in_len = 0;
				continue;
			case http::parse_status::incomplete:
				break; /* in_len < in_size: the parser stops at max_head */
			}
		}
		/* 3. More input. */
		if (budget >= run_budget) {
			srv.tcp.queue().queue(work);
			return;
		}
		char *dst = in.get() + in_len;
		size_t room = in_size - in_len;
		if (discard) {
			/*
			 * The rest of the body has body_timeout, from now: the
			 * response is out (the client may have been reading a
			 * long one meanwhile, its body waiting in the socket).
			 */
			if (!deadline)
				start_deadline(srv.body_deadline);
			dst = in.get();
			room = discard < in_size ? static_cast<size_t>(discard) : in_size;
		}
		auto n = stream.try_recv(dst, room);
		if (!n) {
			if (n.error() == kstd::error::again())
				return wait(); /* the data-ready hook requeues us */
			return close(ending::reset);
		}
		if (*n == 0)
			return close(ending::normal); /* the peer closed */
		touch();
		budget += *n;
		if (discard) {
			discard -= *n;
			if (!discard)
				clear_deadline(); /* the body is all in */
		} else {
			in_len += static_cast<u32>(*n);
		}
	}
}

/* Send what is pending: out, then the body. */
progress connection::flush(size_t &budget) noexcept
{
	for (;;) {
		if (out_pos < out_len) {
			kstd::msg_flags f = kstd::msg::dontwait;
			/*
			 * More follows: the body, or the FIN of a closing
			 * response (linger() sends it with the last bytes).
			 */
			if (body != body_kind::none || !keep_alive)
				f |= kstd::msg::more;
			auto n = stream.send(out.get() + out_pos, out_len - out_pos, f);
			if (!n)
				return n.error() == kstd::error::again() ? progress::blocked
									 : progress::failed;
			out_pos += static_cast<u32>(*n);
			budget += *n;
			srv.counters.bytes_sent.add(*n);
			touch();
			if (out_pos < out_len)
				return progress::blocked;
			continue;
		}
		out_pos = out_len = 0;
		switch (body) {
		case body_kind::none:
			return progress::done;
		case body_kind::file: {
			if (!body_left) {
				body = body_kind::none;
				body_src = nullptr;
				return progress::done;
			}
			if (budget >= run_budget)
				return progress::budget;
			size_t len = body_left < splice_chunk ? static_cast<size_t>(body_left)
							      : splice_chunk;
			auto n = body_src->file.send(stream, body_pos, len,
						     keep_alive ? kstd::msg::dontwait
								: kstd::msg::dontwait |
									  kstd::msg::more);
			if (!n)
				return n.error() == kstd::error::again() ? progress::blocked
									 : progress::failed;
			if (*n == 0) /* the file shrank: the promised length cannot be met */
				return progress::failed;
			body_left -= *n;
			budget += *n;
			srv.counters.bytes_sent.add(*n);
			touch();
			continue;
		}
		case body_kind::listing:
			if (budget >= run_budget)
				return progress::budget;
			fill_listing();
			if (body == body_kind::listing && out_len == 0)
				return progress::failed; /* could not make progress */
			continue;
		}
	}
}

/* A complete request is at in[0]: answer it, then drop it (and its body). */
void connection::serve() noexcept
{
	const http::request &r = parser.request();
	size_t head = parser.consumed();
	u64 body_len = r.content_length;
	if (++served == 2 && !nodelay) {
		/* Keep-alive: small responses must not wait for ACKs (Nagle). */
		nodelay = stream.set_nodelay(true).has_value();
	}
	respond(r);
	/* The body, as far as it is here; the rest is dropped as it arrives. */
	size_t here = in_len - head;
	size_t drop = body_len < here ? static_cast<size_t>(body_len) : here;
	discard = body_len - drop;
	size_t used = head + drop;
	__builtin_memmove(in.get(), in.get() + used, in_len - used);
	in_len -= static_cast<u32>(used);
	parser.reset();
}

void connection::begin_head(http::writer &w, unsigned int status) noexcept
{
	char date[http::http_date_size + 1];
	http::format_http_date(kstd::real_seconds(), date);
	w.put("HTTP/1.1 ")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("\r\nServer: khttpd\r\nDate: ")
		.put(string_view(date, http::http_date_size))
		.put("\r\n");
}

void connection::end_head(http::writer &w) noexcept
{
	if (!keep_alive)
		w.put("Connection: close\r\n");
	else if (version_minor == 0)
		w.put("Connection: keep-alive\r\n");
	w.put("\r\n");
}

/*
 * An error (or redirect) with a small HTML body; @extra(writer) adds header
 * lines ("Name: value\r\n").  Errors the parser found (no request to
 * trust) and 408 close the connection.
 */
template <class Extra>
void connection::respond_error_with(unsigned int status, bool head, Extra &&extra) noexcept
{
	switch (status) {
	case 400:
	case 408:
	case 413:
	case 414:
	case 431:
	case 500:
	case 501:
	case 503:
	case 505:
		keep_alive = false;
		break;
	}
	char text[192];
	http::writer b(text, sizeof(text));
	b.put("<!DOCTYPE html>\n<html><head><title>")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("</title></head><body><h1>")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("</h1></body></html>\n");
	http::writer w = head_writer();
	begin_head(w, status);
	w.put("Content-Type: text/html; charset=utf-8\r\nContent-Length: ")
		.put_dec(b.size())
		.put("\r\n");
	extra(w);
	end_head(w);
	if (!head)
		w.put(b.view());
	if (w.overflowed() && status != 414) {
		/* Only a huge Location can do this: answer 414 instead. */
		return respond_error(414, head);
	}
	srv.counters.count_status(status);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
}

void connection::respond_error(unsigned int status, bool head, string_view extra) noexcept
{
	respond_error_with(status, head, [extra](http::writer &w) { w.put(extra); });
}

/* errno of a failed open -> status. */
unsigned int status_for(const kstd::error &e) noexcept
{
	int err = -e.to_errno();
	if (err == KSTD_ENOENT || err == KSTD_ENOTDIR)
		return 404;
	if (err == KSTD_EACCES || err == KSTD_EPERM || err == KSTD_EXDEV || err == KSTD_ELOOP)
		return 403;
	if (err == KSTD_ENAMETOOLONG)
		return 414;
	return 500;
}

/*
 * Does a segment of @path (normalised: "/a/b", no "." or "..") start with
 * '.'?  .git/, .htpasswd, .env and the like are not served by default.
 */
bool has_dot_segment(string_view path) noexcept
{
	for (size_t i = 0; i + 1 < path.size(); i++)
		if (path[i] == '/' && path[i + 1] == '.')
			return true;
	return false;
}

/*
 * A failed open.  -EAGAIN: a lease on the file is being broken (the open
 * does not wait for its holder, up to lease-break-time), or a rename raced
 * twice: 503, try again in a second.
 */
void connection::respond_open_error(const kstd::error &e, bool head) noexcept
{
	if (e == kstd::error::again()) {
		srv.counters.busy.add();
		return respond_error(503, head, "Retry-After: 1\r\n");
	}
	respond_error(status_for(e), head);
}

void connection::respond(const http::request &r) noexcept
{
	keep_alive = r.keep_alive;
	version_minor = r.version_minor;
	bool head = r.method == http::method::head;
	if (r.method != http::method::get && !head)
		return respond_error(405, false, "Allow: GET, HEAD\r\n");

	/* Decode and normalise the path into the second half of out. */
	kstd::span<char> scratch(out.get() + name_offset, out_size - name_offset);
	http::normalized_path path = http::normalize_path(r.path, scratch);
	if (!path.ok())
		return respond_error(path.error == http::path_error::too_long ? 414 : 400, head);
	/* Relative to the root: without the leading '/'; the root itself is ".". */
	string_view name = path.path.size() > 1 ? path.path.substr(1) : string_view(".");
	if (!dotfiles.get() && has_dot_segment(path.path))
		return respond_error(404, head);

	kstd::file_attr attr;
	auto f = srv.lookup(name, attr);
	if (!f)
		return respond_open_error(f.error(), head);
	if (!attr.others_can_read())
		return respond_error(403, head);
	if (attr.is_directory())
		return respond_directory(r, kstd::move((*f)->file), path);
	if (!attr.is_regular())
		return respond_error(403, head);
	respond_file(r, kstd::move(*f), attr, http::mime_type(path.path));
}

void connection::respond_file(const http::request &r, kstd::ref<cached_file> src,
			      const kstd::file_attr &attr, string_view type) noexcept
{
	bool head = r.method == http::method::head;
	char modified[http::http_date_size + 1];
	http::format_http_date(attr.mtime, modified);
	string_view last_modified(modified, http::http_date_size);

	http::writer w = head_writer();
	if (r.has_if_modified_since && attr.mtime <= r.if_modified_since) {
		begin_head(w, 304);
		w.put("Last-Modified: ").put(last_modified).put("\r\n");
		end_head(w);
		srv.counters.count_status(304);
		out_pos = 0;
		out_len = static_cast<u32>(w.size());
		body = body_kind::none;
		return;
	}
	u64 offset = 0, length = attr.size;
	unsigned int status = 200;
	if (r.range.present() && r.method == http::method::get) {
		http::range_selection sel = http::select_range(r.range, attr.size);
		if (!sel.satisfiable) {
			char cr[48];
			http::writer c(cr, sizeof(cr));
			c.put("Content-Range: bytes */").put_dec(attr.size).put("\r\n");
			return respond_error(416, head, c.view());
		}
		status = 206;
		offset = sel.offset;
		length = sel.length;
	}
	begin_head(w, status);
	srv.counters.count_status(status);
	w.put("Content-Type: ")
		.put(type)
		.put("\r\nContent-Length: ")
		.put_dec(length)
		.put("\r\nLast-Modified: ")
		.put(last_modified)
		.put("\r\nAccept-Ranges: bytes\r\n");
	if (status == 206)
		w.put("Content-Range: bytes ")
			.put_dec(offset)
			.put('-')
			.put_dec(offset + length - 1)
			.put('/')
			.put_dec(attr.size)
			.put("\r\n");
	end_head(w);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
	if (head || !length)
		return;
	if (length <= out_size - out_len) {
		/* Small: the body joins the head, one send. */
		u64 pos = offset;
		size_t got = 0;
		while (got < length) {
			auto n = src->file.read(out.get() + out_len + got,
						static_cast<size_t>(length) - got, pos);
			if (!n || *n == 0)
				break;
			got += *n;
		}
		if (got < length) {
			/* Shrank under us: send what we have and close (a short body). */
			srv.counters.errors.add();
			keep_alive = false;
		}
		out_len += static_cast<u32>(got);
		return;
	}
	body = body_kind::file;
	body_src = kstd::move(src);
	body_pos = offset;
	body_left = length;
}

void connection::respond_directory(const http::request &r, kstd::file dir,
				   const http::normalized_path &path) noexcept
{
	bool head = r.method == http::method::head;
	if (!path.trailing_slash) {
		/* 301 to the same path with a '/'; built from the normalised path. */
		return respond_error_with(301, head, [&](http::writer &w) {
			w.put("Location: ").put_url(path.path, true).put('/');
			if (!r.query.empty())
				w.put('?').put(r.query);
			w.put("\r\n");
		});
	}
	/* index.html, right after the directory's name in the scratch area. */
	char *scratch = out.get() + name_offset;
	size_t len = path.path.size();
	constexpr string_view index = "index.html";
	if (name_offset + len + index.size() + 1 <= out_size) {
		__builtin_memcpy(scratch + len, index.data(), index.size());
		scratch[len + index.size()] = '\0';
		kstd::file_attr attr;
		auto f = srv.lookup(string_view(scratch + 1, len - 1 + index.size()), attr);
		scratch[len] = '\0';
		if (f && attr.is_regular()) {
			if (!attr.others_can_read())
				return respond_error(403, head);
			return respond_file(r, kstd::move(*f), attr, "text/html; charset=utf-8");
		}
		if (!f && f.error() != kstd::error::noent())
			return respond_open_error(f.error(), head);
	}
	if (!listing.get())
		return respond_error(403, head);

	/* The listing: head and the page's beginning now, entries as out drains. */
	chunked = version_minor == 1;
	if (!chunked)
		keep_alive = false; /* HTTP/1.0: the end of the body is the end of the connection */
	http::writer w = head_writer();
	begin_head(w, 200);
	srv.counters.count_status(200);
	w.put("Content-Type: text/html; charset=utf-8\r\n");
	if (chunked)
		w.put("Transfer-Encoding: chunked\r\n");
	end_head(w);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
	if (head)
		return;
	/* The page's beginning: a chunk of its own, while the name is in the scratch. */
	size_t start = out_len;
	size_t data = start + (chunked ? 6 : 0);
	http::writer p(out.get() + data, name_offset - data - 2);
	p.put("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
		.put_html(path.path)
		.put("</title></head>\n<body><h1>Index of ")
		.put_html(path.path)
		.put("</h1>\n<ul>\n");
	if (path.path.size() > 1)
		p.put("<li><a href=\"../\">../</a></li>\n");
	if (p.overflowed()) {
		/* A name too long to show twice: a plain title. */
		p.clear();
		p.put("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index</title>"
		      "</head>\n<body><ul>\n");
	}
	if (chunked) {
		http::writer c(out.get() + start, 6);
		c.put("0000\r\n");
		char *hex = out.get() + start;
		size_t n = p.size();
		for (int i = 3; i >= 0; i--, n >>= 4)
			hex[i] = "0123456789abcdef"[n & 15];
		out.get()[data + p.size()] = '\r';
		out.get()[data + p.size() + 1] = '\n';
		out_len = static_cast<u32>(data + p.size() + 2);
	} else {
		out_len = static_cast<u32>(data + p.size());
	}
	body = body_kind::listing;
	lphase = listing_phase::entries;
	body_dir = kstd::move(dir);
}

/* The next piece of a listing into out (empty): entries, then the end. */
void connection::fill_listing() noexcept
{
	/* Chunk framing: "hhhh\r\n" before, "\r\n" after, "0\r\n\r\n" at the very end. */
	size_t data = chunked ? 6 : 0;
	size_t reserve = chunked ? 2 + 5 : 0;
	http::writer p(out.get() + data, out_size - data - reserve);
	if (lphase == listing_phase::entries) {
		auto entry = [&p](string_view name, kstd::dir_entry_type type) {
			if (name.starts_with('.'))
				return true; /* ".", "..", dot files */
			bool dir = type == kstd::dir_entry_type::directory;
			size_t mark = p.size();
			p.put("<li><a href=\"").put_url(name);
			if (dir)
				p.put('/');
			p.put("\">").put_html(name);
			if (dir)
				p.put('/');
			p.put("</a></li>\n");
			if (p.overflowed()) {
				p.truncate(mark);
				return false; /* next time */
			}
			return true;
		};
		auto done = [&] {
			kstd::override_credentials as(srv.creds);
			return body_dir.read_dir(entry);
		}();
		if (!done) {
			/* The head is out: all we can do is cut the body short. */
			srv.counters.errors.add();
			keep_alive = false;
			body = body_kind::none;
			body_dir.close();
			out_pos = out_len = 0;
			return;
		}
		if (*done)
			lphase = listing_phase::tail;
	}
	if (lphase == listing_phase::tail) {
		size_t mark = p.size();
		p.put("</ul>\n</body></html>\n");
		if (p.overflowed())
			p.truncate(mark); /* next time */
		else
			lphase = listing_phase::end;
	}
	size_t n = p.size();
	out_pos = 0;
	out_len = 0;
	if (n && chunked) {
		char *o = out.get();
		size_t v = n;
		for (int i = 3; i >= 0; i--, v >>= 4)
			o[i] = "0123456789abcdef"[v & 15];
		o[4] = '\r';
		o[5] = '\n';
		o[data + n] = '\r';
		o[data + n + 1] = '\n';
		out_len = static_cast<u32>(data + n + 2);
	} else if (n) {
		out_len = static_cast<u32>(n);
	}
	if (lphase == listing_phase::end) {
		if (chunked) {
			if (!n) {
				/* Nothing in this buffer: the last chunk alone, at the start. */
				__builtin_memcpy(out.get(), "0\r\n\r\n", 5);
				out_len = 5;
			} else {
				__builtin_memcpy(out.get() + out_len, "0\r\n\r\n", 5);
				out_len += 5;
			}
		}
		body = body_kind::none;
		body_dir.close();
	}
}

/*
 * The response that ends the connection is out: send FIN, then drop what
 * the client still sends until it closes too (or the idle timeout).
 * Closing at once with unread data would send a reset, which can destroy
 * the response before the client has read it.
 */
void connection::linger() noexcept
{
	bool first = !closing;
	if (first) {
		closing = true;
		(void)stream.shutdown(kstd::shutdown_how::write);
		start_deadline(srv.linger_deadline); /* then close, whatever still comes */
	}
	size_t dropped = 0;
	for (;;) {
		auto n = stream.try_recv(in.get(), in_size);
		if (!n) {
			if (n.error() != kstd::error::again())
				return close(ending::normal); /* a reset after our FIN: fine */
			/* Nothing was pending at all: no reset to fear, close now. */
			if (first && !dropped)
				return close(ending::normal);
			return wait(); /* for the client's FIN (or the idle timeout) */
		}
		if (*n == 0)
			return close(ending::normal);
		touch();
		dropped += *n;
		if (dropped >= run_budget) {
			srv.tcp.queue().queue(work);
			return;
		}
	}
}

void connection::on_timeout() noexcept
{
	/*
	 * The timer saw no progress for the whole timeout, or a total deadline
	 * passed.  But under load this work may not have run for a while:
	 * bytes waiting in the socket are activity, not idleness (they do not
	 * move a deadline, though).
	 */
	char probe;
	bool overdue = past_deadline();
	if (!overdue && !closing && out_pos == out_len && body == body_kind::none &&
	    stream.recv(&probe, 1, kstd::msg::dontwait | kstd::msg::peek).value_or(0) > 0) {
		touch();
		armed_for = deadline;
		srv.tcp.queue().mod(idle, next_check(srv.idle_timeout));
		srv.tcp.queue().queue(work);
		return;
	}
	srv.counters.timeouts.add();
	if (!closing && out_pos == out_len && body == body_kind::none &&
	    (in_len || discard || parser.scanned())) {
		/*
		 * In the middle of a request: say so, then close.  Drop what a
		 * trickling client sent meanwhile first (a bounded amount):
		 * closing with unread input sends a reset at once.
		 */
		for (size_t dropped = 0; overdue && dropped < run_budget;) {
			auto n = stream.try_recv(in.get(), in_size);
			if (!n || !*n)
				break;
			dropped += *n;
		}
		version_minor = 1;
		respond_error(408, false);
		(void)stream.send_all(out.get(), out_len, kstd::msg::dontwait);
	}
	close(ending::timeout);
}

void connection::close(ending why) noexcept
{
	server &s = srv;
	auto self = s.tcp.release(*this);
	if (!self)
		return; /* the server is unloading and owns us now */
	if (why == ending::reset)
		s.counters.resets.add();
	/* self goes here: hooks removed, timer and work cancelled, socket released. */
}

/* ---- the server ----------------------------------------------------------- */

kstd::result<kstd::ref<cached_file>> server::lookup(string_view name,
						    kstd::file_attr &attr) noexcept
{
	bool cacheable = cache.enabled() && name.size() <= cache_name_max;
	u32 hash = cacheable ? name_hash(name) : 0;
	kstd::override_credentials as(creds); /* as user/group, not the kworker's root */
	if (cacheable) {
		if (auto e = cache.find(name, hash)) {
			/* The name is known: stat again, so that what is served is current. */
			auto a = e->file.attr();
			if (a && a->is_regular()) {
				attr = *a;
				return e;
			}
		}
	}
	auto f = root.open_beneath(name.data(), &attr);
	if (!f && f.error() == kstd::error::again()) /* a racing rename: once more */
		f = root.open_beneath(name.data(), &attr);
	if (!f)
		return f.error();
	auto e = KSTD_TRY(
		kstd::make_ref<cached_file>(kstd::gfp::kernel, kstd::move(*f), name, hash));
	if (cacheable && attr.is_regular())
		cache.insert(e);
	return e;
}

/* Over the connection limit (or out of memory): 503, best effort, and close. */
void server::reject(kstd::tcp_stream &s) noexcept
{
	char buf[512];
	/*
	 * Drop what the client already sent: closing with unread data would
	 * reset the connection and discard the answer before it leaves.
	 */
	while (s.try_recv(buf, sizeof(buf)).value_or(0) > 0)
		;
	char date[http::http_date_size + 1];
	http::format_http_date(kstd::real_seconds(), date);
	constexpr string_view body = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable"
				     "</title></head><body><h1>503 Service Unavailable</h1>"
				     "</body></html>\n";
	http::writer w(buf, sizeof(buf));
	w.put("HTTP/1.1 503 Service Unavailable\r\nServer: khttpd\r\nDate: ")
		.put(string_view(date, http::http_date_size))
		.put("\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ")
		.put_dec(body.size())
		.put("\r\nConnection: close\r\nRetry-After: 1\r\n\r\n")
		.put(body);
	(void)s.send(w.data(), w.size(), kstd::msg::dontwait);
	(void)s.shutdown(kstd::shutdown_how::write);
	counters.rejected.add();
	counters.count_status(503);
}

kstd::unique_ptr<connection> server::on_accept(kstd::tcp_stream &s) noexcept
{
	if (tcp.open_connections() >= static_cast<u64>(max_connections.get())) {
		reject(s);
		return nullptr;
	}
	address_slot slot;
	if (max_per_address.get()) {
		/* A peer already gone (-ENOTCONN) is not counted: its work closes it. */
		if (auto peer = s.peer_address()) {
			auto r = addresses.acquire(*peer, static_cast<u32>(max_per_address.get()));
			if (!r) {
				if (r.error() == kstd::error::busy())
					counters.rejected_per_address.add();
				reject(s);
				return nullptr;
			}
			slot = kstd::move(*r);
		}
	}
	auto i = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, in_size);
	auto o = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, out_size);
	if (!i || !o) {
		reject(s);
		return nullptr;
	}
	auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(s),
					       kstd::move(*i), kstd::move(*o));
	if (!c) {
		counters.errors.add();
		return nullptr;
	}
	(*c)->per_address = kstd::move(slot);
	return kstd::move(*c);
}

kstd::result<kstd::unique_ptr<server>> server::create() noexcept
{
	auto creds = kstd::credentials::unprivileged(user.get(), group.get());
	if (!creds) {
		if (creds.error() == kstd::error::inval())
			kstd_pr_err("user=%u group=%u: not a valid user and group id\n", user.get(),
				    group.get());
		return creds.error();
	}
	/* The directories above the root are checked once, here, as user/group. */
	auto root = [&] {
		kstd::override_credentials as(*creds);
		return kstd::directory_root::open(docroot.view().data());
	}();
	if (!root) {
		kstd_pr_err("cannot open the document root %s as user %u group %u: %d\n",
			    docroot.view().data(), user.get(), group.get(), root.to_errno());
		return root.error();
	}
	auto self = KSTD_TRY(kstd::make_unique<server>(kstd::gfp::kernel, kstd::move(*root)));
	self->creds = kstd::move(*creds);
	self->proc = KSTD_TRY(kstd::proc_entry::create("khttpd", 0444, *self));
	/*
	 * Per-CPU workers: a request's work runs on the CPU that took its
	 * packets.  Normal priority by default: measured against a load
	 * generator on the same CPUs, high-priority workers preempt it at
	 * every packet, while normal ones let it run on and then serve
	 * several connections per wakeup (about 20% more requests/s).
	 *
	 * One accept run takes all the backlog can hold.  The accept work
	 * waits behind every connection's queued work each time it requeues
	 * itself, so 16 per run (kstd's default) let a burst of 1000 keep-alive
	 * clients of a 1 MiB file wait up to 10 s to be accepted (htstress -k
	 * -c 1000 -T 10 gave 200-330 of them up as making no progress; none
	 * with the whole backlog per run).  An accept costs little next to a
	 * run that sends 1 MiB.
	 */
	auto listening = self->tcp.listen(
		"khttpd", {.port = port.get(),
			   .backlog = backlog.get(),
			   .queue_flags = (highpri.get() ? kstd::wq::highpri : kstd::wq::none) |
					  (unbound.get() ? kstd::wq::unbound : kstd::wq::none),
			   .accept_batch = backlog.get(),
			   .defer_accept_s = static_cast<unsigned int>(defer_accept.get())});
	if (!listening) {
		kstd_pr_err("cannot listen on port %u: %d\n", port.get(), listening.to_errno());
		return listening.error();
	}
	kstd_pr_info("serving %s on port %u\n", docroot.view().data(), port.get());
	return self;
}

server::~server()
{
	kstd_pr_info("unloaded, closed %zu open connection(s)\n", tcp.stop());
}

} // namespace

KSTD_MODULE(server);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Event-driven HTTP/1.1 static file server on kstd");
