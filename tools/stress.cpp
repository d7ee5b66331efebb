// SPDX-License-Identifier: GPL-2.0-only
/*
 * stress: the load of `make stress`.  Keeps a fixed number of connections
 * open against kecho or khttpd, each slot running one client class over and
 * over (a new connection as soon as the last one ended), checks every byte
 * that comes back, bounds every step in time, and optionally unloads the
 * server in the middle of the load.
 *
 *   stress echo|http [options] PORT
 *     -c, --connections N   concurrent connections (1000)
 *     -d, --duration S      seconds of load after the ramp-up (30)
 *     -m, --mix LIST        class=weight,... in percent of the slots
 *                           (default well=60,malformed=15,slow=10,reset=15;
 *                           with --drop also tw-drop=5,abort=5; malformed
 *                           goes to well for echo)
 *     -t, --timeout S       a client that makes no progress for S seconds
 *                           hangs (60); also the bound on the drain after
 *                           the unload
 *     -u, --unload CMD      after the duration, run CMD (sh -c) while the
 *                           load goes on; repeatable, run in order; then no
 *                           new connections, and every open one must end
 *     -b, --unload-bound S  each CMD must finish within S seconds (120)
 *     -R, --ramp S          the ramp-up: connections open and wait (idle)
 *                           until all are open, or S seconds passed (90);
 *                           then they all start, and the duration counts
 *     -r, --docroot DIR     http: the server's document root; its regular
 *                           files are what the clients fetch and compare
 *     -D, --drop FILE       /proc/net/drop_tcp_sock: enables tw-drop and abort
 *     -p, --proc FILE       the server's counters, printed before the unload
 *     -6, --ipv6 PCT        connections over ::1 instead of 127.0.0.1 (20)
 *     -s, --seed N          random seed (default: from the clock; printed)
 *     -H, --on-hang CMD     at the first hang, run CMD (sh -c) with the hung
 *                           client's local port in STRESS_PORT (ss -tnoie...)
 *
 * Client classes:
 *   well       echo: 1-4 rounds of a random binary message (1 B to 256 KiB),
 *              each echoed back byte for byte, then a half-close and EOF.
 *              http: GET (whole, HEAD, one byte range) of the document
 *              root's files, each body compared with the file: HTTP/1.0,
 *              HTTP/1.0 keep-alive, HTTP/1.1 one request at a time or
 *              pipelined, ended by "Connection: close" or a half-close.
 *   malformed  http: garbage, a request line over 4 KiB, a head over 8 KiB
 *              (at once, or as a flood without end), 65 fields, unknown
 *              methods (501), other known ones (405, then a GET on the same
 *              connection), HTTP/2.0 (505), no Host, Transfer-Encoding with
 *              Content-Length, a control byte in the path, a path above the
 *              root (400), a body over 1 MiB (413), a missing file (404,
 *              then a GET).  Each must get its documented status, then EOF
 *              where the server closes; a close before any answer counts as
 *              an expected error.
 *   slow       one byte per second: echo 3-10 bytes, each echoed; http the
 *              last 4-12 bytes of a 19-byte HTTP/1.0 GET, then its response.
 *   reset      an RST (SO_LINGER 0, close) after a random part of the
 *              request, or of the response.
 *   tw-drop    a short well client that closes first, so that its socket
 *              ends in TIME-WAIT; that line is then written to the drop file,
 *              which must take it.
 *   abort      in the middle of a request or of a response, the server's end
 *              of the connection is written to the drop file: the client
 *              must then see a reset.
 * A third of the connections use a small receive buffer (8-64 KiB), so
 * that the server's sends block.
 *
 * Every connection ends as one of: ok; expected error (the connection was
 * lost while the unload ran or after it, or a malformed request was closed
 * without an answer); unexpected error (lost before the unload, a wrong
 * status or header, a refused line); corrupted (a byte that differs from
 * what was sent or from the file); hung (no progress for --timeout).  The
 * summary has one line per class.  Exit status 0 only if nothing was
 * unexpected, corrupted or hung, every class with slots had an ok
 * connection, each unload command succeeded within its bound, every
 * connection ended after it and the port then refused connections, and the
 * drop file's counters moved by exactly the lines it took.  The whole run
 * is bounded: ramp-up + duration + the unload bounds + 2 timeouts + 30 s.
 */
#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using std::string;
using std::string_view;

uint64_t now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

constexpr uint64_t ms = 1000000u, sec = 1000000000u;

/* Index of the first byte where @expected and @got differ, @n if none. */
size_t first_difference(const void *expected, const void *got, size_t n)
{
	auto *a = static_cast<const uint8_t *>(expected), *b = static_cast<const uint8_t *>(got);
	if (memcmp(a, b, n) == 0) /* the common case, at memcmp's speed */
		return n;
	size_t i = 0;
	while (a[i] == b[i])
		i++;
	return i;
}

/* ---- options ---- */

enum klass { well, malformed, slow, reset_class, tw_drop, abort_class, n_classes };
constexpr const char *class_names[n_classes] = {"well",	 "malformed", "slow",
						"reset", "tw-drop",   "abort"};

struct options {
	bool http = false;
	int connections = 1000;
	double duration = 30;
	double timeout = 60;
	double unload_bound = 120;
	double ramp = 90;
	std::vector<string> unload;
	string docroot, drop, proc, on_hang;
	int ipv6_pct = 20;
	uint64_t seed = 0;
	int port = 0;
	std::array<int, n_classes> mix{};
	bool mix_given = false;
};
options opt;

[[noreturn]] void usage(const char *why)
{
	fprintf(stderr, "stress: %s\nusage: stress echo|http [options] PORT (see the source)\n",
		why);
	exit(2);
}

void parse_mix(const char *s)
{
	opt.mix = {};
	opt.mix_given = true;
	string all(s);
	size_t pos = 0;
	while (pos <= all.size()) {
		size_t end = all.find(',', pos);
		if (end == string::npos)
			end = all.size();
		string item = all.substr(pos, end - pos);
		size_t eq = item.find('=');
		if (eq == string::npos)
			usage("--mix takes class=weight,...");
		string name = item.substr(0, eq);
		int k = 0;
		while (k < n_classes && name != class_names[k])
			k++;
		if (k == n_classes)
			usage(("unknown class " + name).c_str());
		opt.mix[size_t(k)] = atoi(item.c_str() + eq + 1);
		pos = end + 1;
	}
}

/* ---- random numbers ---- */

uint64_t splitmix(uint64_t &s)
{
	uint64_t z = (s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

struct rng {
	uint64_t s;
	explicit rng(uint64_t seed) : s(seed) {}
	uint64_t next() { return splitmix(s); }
	/* Uniform in [lo, hi]. */
	uint64_t in(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
	bool percent(int p) { return int(next() % 100) < p; }
};

/* The pause of a long session between two exchanges: 1 to 8 s. */
uint64_t think_time(rng &r)
{
	return r.in(1000, 8000) * 1000000u;
}

/* The same byte sequence for a seed, produced twice: sent, then checked. */
class byte_stream {
public:
	explicit byte_stream(uint64_t seed) : s_(seed) {}
	void fill(uint8_t *p, size_t n)
	{
		for (size_t i = 0; i < n; i++) {
			if (!left_) {
				word_ = splitmix(s_);
				left_ = 8;
			}
			p[i] = uint8_t(word_);
			word_ >>= 8;
			left_--;
		}
	}

private:
	uint64_t s_, word_ = 0;
	int left_ = 0;
};

/* ---- the document root ---- */

struct doc_file {
	string name; /* without the leading '/' */
	string data;
};
std::vector<doc_file> files;
const doc_file *smallest_named = nullptr; /* the slow client's file */
const doc_file *largest = nullptr;

void load_docroot()
{
	DIR *d = opendir(opt.docroot.c_str());
	if (!d) {
		perror(opt.docroot.c_str());
		exit(2);
	}
	while (dirent *e = readdir(d)) {
		string path = opt.docroot + "/" + e->d_name;
		struct stat st;
		if (e->d_name[0] == '.' || stat(path.c_str(), &st) || !S_ISREG(st.st_mode))
			continue;
		FILE *f = fopen(path.c_str(), "rb");
		if (!f) {
			perror(path.c_str());
			exit(2);
		}
		doc_file df{e->d_name, string(size_t(st.st_size), '\0')};
		if (st.st_size && fread(df.data.data(), 1, df.data.size(), f) != df.data.size()) {
			fprintf(stderr, "stress: cannot read %s\n", path.c_str());
			exit(2);
		}
		fclose(f);
		files.push_back(std::move(df));
	}
	closedir(d);
	if (files.empty())
		usage("no regular file in the document root");
	std::sort(files.begin(), files.end(),
		  [](const doc_file &a, const doc_file &b) { return a.name < b.name; });
	for (const doc_file &f : files) {
		if (!f.data.empty() &&
		    (!smallest_named || f.name.size() < smallest_named->name.size()))
			smallest_named = &f;
		if (!largest || f.data.size() > largest->data.size())
			largest = &f;
	}
	if (!smallest_named || largest->data.size() < 65536)
		usage("the document root needs a non-empty file and one of 64 KiB or more");
}

/* ---- results ---- */

enum class outcome { ok, expected, unexpected, corrupted, hung };

struct tally {
	uint64_t conns = 0, ok = 0, expected = 0, unexpected = 0, corrupted = 0, hung = 0;
};
std::array<tally, n_classes> tallies;
uint64_t bytes_sent = 0, bytes_checked = 0;
uint64_t tw_dropped = 0, aborted = 0;  /* lines the drop file took */
std::array<int, n_classes> slots_of{}; /* slots per class */
unsigned reports = 0, notes = 0;

/* ---- the run's phases ---- */

struct run_state {
	uint64_t start = 0;
	bool unloading = false; /* an unload command started: losses are expected */
	bool stopping = false;	/* no new connections */
	uint64_t stalled = 0;	/* ns this program spent in rounds beyond 1 s */
	int drop_fd = -1;
} run;

/* ---- connections ---- */

class engine;

/*
 * One connection.  The engine owns the socket, its output queue and its
 * timers; a subclass says what to send and checks what comes back, and
 * ends the connection with one outcome.
 */
class client {
public:
	client(engine &e, int slot, klass k, uint64_t seed) : e_(e), slot(slot), k(k), r(seed) {}
	client(const client &) = delete;
	client &operator=(const client &) = delete;
	virtual ~client() = default;

	/* The connection is up: queue the first bytes. */
	virtual void start() = 0;
	virtual void received(const uint8_t *p, size_t n) = 0;
	/* The peer's FIN.  Must end the connection. */
	virtual void eof() = 0;
	/* A socket error (ECONNRESET...).  Must end the connection. */
	virtual void failed(int err) { lost("socket error", err); }
	/* Everything queued went out. */
	virtual void sent_all() {}
	/* The time given to sleep() came. */
	virtual void timer() {}
	/* What this connection was doing, for a report. */
	virtual string what() const = 0;
	/* connect() failed. */
	void lost_connect(int err);

	engine &e_;
	const int slot;
	const klass k;
	rng r;
	int fd = -1;
	bool connecting = true, dead = false, shut_wr = false, shut_pending = false;
	bool held = false;    /* connected during the ramp-up, waiting for its end */
	bool queued = false;  /* in the engine's ready queue */
	uint32_t pending = 0; /* epoll events not handled yet */
	bool v6 = false;
	outcome result = outcome::ok;
	string why;
	uint64_t last_progress = 0, wake_at = 0;
	uint64_t stalled_at_progress = 0; /* run.stalled then */

	void progress()
	{
		last_progress = now_ns();
		stalled_at_progress = run.stalled;
	}
	/* Time without progress, less the time the load generator itself stalled. */
	uint64_t idle() const
	{
		uint64_t t = now_ns() - last_progress, s = run.stalled - stalled_at_progress;
		return t > s ? t - s : 0;
	}
	uint64_t sent = 0, got = 0; /* bytes */
	string out;		    /* to send, from out_pos */
	size_t out_pos = 0;
	uint32_t interest = 0; /* the epoll events registered */
	sockaddr_storage local{}, peer{};

protected:
	void send(const void *p, size_t n) { out.append(static_cast<const char *>(p), n); }
	void send(string_view s) { out.append(s); }
	/* shutdown(SHUT_WR) once the output is out. */
	void half_close() { shut_pending = true; }
	void sleep(uint64_t ns) { wake_at = now_ns() + ns; }

	void finish(outcome o, string detail = {});
	void ok() { finish(outcome::ok); }
	/* The server went away early: expected once an unload started. */
	void lost(const char *how, int err = 0)
	{
		string d = how;
		if (err)
			d += string(": ") + strerror(err);
		finish(run.unloading ? outcome::expected : outcome::unexpected, d);
	}
	void violation(string d) { finish(outcome::unexpected, std::move(d)); }
	void corrupt(string d) { finish(outcome::corrupted, std::move(d)); }
	/* An RST now: SO_LINGER 0, then close. */
	void rst()
	{
		linger l{1, 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		ok();
	}

	/* A line for the drop file: "LOCAL PEER", as ss prints them. */
	static string endpoint(const sockaddr_storage &a)
	{
		char buf[INET6_ADDRSTRLEN + 16], host[INET6_ADDRSTRLEN];
		if (a.ss_family == AF_INET6) {
			auto &s6 = reinterpret_cast<const sockaddr_in6 &>(a);
			inet_ntop(AF_INET6, &s6.sin6_addr, host, sizeof(host));
			snprintf(buf, sizeof(buf), "[%s]:%u", host, ntohs(s6.sin6_port));
		} else {
			auto &s4 = reinterpret_cast<const sockaddr_in &>(a);
			inet_ntop(AF_INET, &s4.sin_addr, host, sizeof(host));
			snprintf(buf, sizeof(buf), "%s:%u", host, ntohs(s4.sin_port));
		}
		return buf;
	}

	/*
	 * Write a line to the drop file: 0 if it took it, else the errno.
	 * Not while the connection's own socket is open for tw-drop (closed
	 * first), nor for abort (the server's end is named).
	 */
	static int drop_line(const string &line)
	{
		ssize_t n = write(run.drop_fd, line.data(), line.size());
		if (n == ssize_t(line.size()))
			return 0;
		return n < 0 ? errno : EIO;
	}

	/* abort: name the server's end of this connection in the drop file. */
	void abort_server_end()
	{
		int err = drop_line(endpoint(peer) + " " + endpoint(local) + "\n");
		if (err)
			return lost("the drop file refused the server's end", err);
		aborted++;
		aborted_ = true;
	}

	/* tw-drop: the socket is closed and in TIME-WAIT; drop it. */
	void drop_time_wait()
	{
		string line = endpoint(local) + " " + endpoint(peer) + "\n";
		close_socket();
		int err = drop_line(line);
		if (err)
			return lost("the drop file refused the TIME-WAIT socket", err);
		tw_dropped++;
		ok();
	}

	/* After abort_server_end(): a reset is the success. */
	bool aborted_ = false;
	bool abort_failed(int err)
	{
		if (!aborted_)
			return false;
		if (err == ECONNRESET || err == EPIPE)
			ok();
		else
			lost("aborted, but not by a reset", err);
		return true;
	}
	bool abort_eof()
	{
		if (!aborted_)
			return false;
		if (run.unloading)
			finish(outcome::expected, "EOF after the abort (unloading)");
		else
			violation("EOF instead of a reset after the abort");
		return true;
	}

	void close_socket();
	friend class engine;
};

/* ---- echo clients ---- */

class echo_client : public client {
public:
	echo_client(engine &e, int slot, klass k, uint64_t seed) : client(e, slot, k, seed)
	{
		uint64_t data_seed = r.next();
		tx_ = byte_stream(data_seed);
		rx_ = byte_stream(data_seed);
		switch (k) {
		case slow:
			rounds_.push_back(r.in(3, 10)); /* sent a byte a second */
			break;
		case reset_class:
		case abort_class:
			rounds_.push_back(r.in(4096, 262144));
			mid_response_ = r.percent(50);
			cut_ = r.in(1, rounds_[0] - 1);
			break;
		case tw_drop:
			rounds_.push_back(size());
			break;
		default:
			/* Half of them long sessions that pause between rounds. */
			long_ = r.percent(50);
			for (uint64_t n = long_ ? r.in(4, 16) : r.in(1, 4); n; n--)
				rounds_.push_back(size());
			break;
		}
	}

	void start() override { next_round(); }

	void sent_all() override
	{
		if (k == slow)
			return;
		if (queued_ < send_limit_)
			produce();
		else if ((k == reset_class || k == abort_class) && !mid_response_ && !cutting_) {
			/* The request is cut: let the server read it, then act. */
			cutting_ = true;
			sleep(r.in(0, 200) * ms);
		}
	}

	void timer() override
	{
		if (thinking_)
			return next_round();
		if (k == slow) {
			if (queued_ < round_end_)
				produce();
			return;
		}
		/* reset or abort in the middle of the request */
		if (k == reset_class)
			return rst();
		abort_server_end();
	}

	void received(const uint8_t *p, size_t n) override
	{
		uint8_t want[65536];
		while (n) {
			if (got >= round_end_)
				return corrupt("echo of bytes never sent");
			size_t m = std::min({n, sizeof(want), size_t(round_end_ - got)});
			rx_.fill(want, m);
			if (size_t i = first_difference(want, p, m); i < m)
				return corrupt("echo differs at byte " + std::to_string(got + i));
			got += m;
			bytes_checked += m;
			p += m;
			n -= m;
			if ((k == reset_class || k == abort_class) && mid_response_ && !cutting_ &&
			    got >= cut_) {
				cutting_ = true;
				if (k == reset_class)
					return rst();
				abort_server_end();
				if (dead)
					return;
			}
			if (got == round_end_ && !aborted_) {
				round_++;
				next_round();
				if (dead)
					return;
			}
		}
	}

	void eof() override
	{
		if (abort_eof())
			return;
		if (shut_wr && got == round_end_) {
			if (k == tw_drop)
				return drop_time_wait();
			return ok();
		}
		lost(got ? "EOF before the whole echo" : "EOF before any echo");
	}

	void failed(int err) override
	{
		if (!abort_failed(err))
			client::failed(err);
	}

	string what() const override
	{
		return "echo " + string(class_names[k]) + ": round " + std::to_string(round_ + 1) +
		       " of " + std::to_string(rounds_.size()) + ", " + std::to_string(sent) +
		       " bytes sent, " + std::to_string(got) + " echoed" +
		       (k == reset_class || k == abort_class
				? string(mid_response_ ? ", cut in the echo at " : ", cut after ") +
					  std::to_string(cut_)
				: string());
	}

private:
	uint64_t size()
	{
		int p = int(r.in(0, 99));
		if (p < 60)
			return r.in(1, 256);
		if (p < 90)
			return r.in(257, 8192);
		return r.in(8193, 262144);
	}

	void next_round()
	{
		if (round_ == rounds_.size()) {
			half_close(); /* and wait for the server's EOF */
			return;
		}
		if (long_ && round_ && !thinking_) {
			thinking_ = true; /* an idle connection for a while */
			sleep(think_time(r));
			return;
		}
		thinking_ = false;
		round_end_ += rounds_[round_];
		/* reset/abort in the middle of the request: send only part of it */
		if ((k == reset_class || k == abort_class) && !mid_response_)
			send_limit_ = cut_;
		else
			send_limit_ = round_end_;
		produce();
	}

	/* Queue the next piece of the current message. */
	void produce()
	{
		uint8_t buf[65536];
		uint64_t n = std::min<uint64_t>(send_limit_ - queued_, sizeof(buf));
		if (k == slow) {
			n = std::min<uint64_t>(n, 1);
			if (queued_ + n < send_limit_)
				sleep(sec);
		}
		tx_.fill(buf, size_t(n));
		send(buf, size_t(n));
		queued_ += n;
	}

	byte_stream tx_{0}, rx_{0};
	std::vector<uint64_t> rounds_;
	size_t round_ = 0;
	uint64_t round_end_ = 0, queued_ = 0, send_limit_ = 0;
	bool mid_response_ = false, cutting_ = false;
	bool long_ = false, thinking_ = false;
	uint64_t cut_ = 0;
};

/* ---- http clients ---- */

/* One request and what must come back. */
struct http_exchange {
	string request;
	int status = 200;
	const doc_file *file = nullptr; /* the body is this file's [off, off + len) */
	uint64_t off = 0, len = 0;
	bool head = false;
	bool closes = false;	 /* the server closes after this response */
	bool ka_header = false;	 /* "Connection: keep-alive" in the response (HTTP/1.0) */
	bool check_body = false; /* compare the body with the file */
};

const char *const unknown_methods[] = {"FOO", "BREW", "PATCHX", "G3T"};
const char *const other_methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"};

class http_client : public client {
public:
	http_client(engine &e, int slot, klass k, uint64_t seed) : client(e, slot, k, seed)
	{
		switch (k) {
		case well:
			plan_well();
			break;
		case malformed:
			plan_malformed();
			break;
		case slow:
			ex_.push_back(get(*smallest_named, 0, false));
			server_closes_ = true; /* HTTP/1.0 */
			variant_ = "slow GET";
			break;
		case reset_class:
		case abort_class:
			plan_cut();
			break;
		case tw_drop:
			ex_.push_back(get(pick(), 1, false));
			ex_.push_back(get(pick(), 1, false));
			half_close_after_ = true;
			variant_ = "tw-drop: 2 GETs, then a half-close";
			break;
		default:
			break;
		}
	}

	void start() override
	{
		if (pipelined_) {
			for (http_exchange &x : ex_)
				send(x.request);
			next_send_ = ex_.size();
		} else {
			send_next();
		}
	}

	void sent_all() override
	{
		if (k == slow)
			return;
		if ((k == reset_class || k == abort_class) && !mid_response_ && !cutting_) {
			cutting_ = true;
			sleep(r.in(0, 200) * ms);
		}
	}

	void timer() override
	{
		if (thinking_) {
			thinking_ = false;
			return send_next();
		}
		if (k == slow) {
			send_slow_byte();
			return;
		}
		if (k == reset_class)
			return rst();
		abort_server_end();
	}

	void received(const uint8_t *p, size_t n) override
	{
		while (n && !dead) {
			if (answered_ == ex_.size())
				return violation("bytes after the last response");
			http_exchange &x = ex_[answered_];
			if (!in_body_) {
				size_t old = head_.size();
				head_.append(reinterpret_cast<const char *>(p), n);
				size_t end = head_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
				if (end == string::npos) {
					if (head_.size() > 16384)
						return violation("a response head over 16 KiB");
					got += n;
					return;
				}
				size_t used = end + 4 - old;
				got += used;
				p += used;
				n -= used;
				head_.resize(end + 4);
				if (!check_head(x))
					return;
				in_body_ = true;
				body_pos_ = 0;
			}
			uint64_t m = std::min<uint64_t>(n, body_len_ - body_pos_);
			if (x.check_body) {
				size_t i = first_difference(x.file->data.data() + x.off + body_pos_,
							    p, size_t(m));
				if (i < m)
					return corrupt("body of /" + x.file->name +
						       " differs at byte " +
						       std::to_string(x.off + body_pos_ + i));
			}
			if (x.check_body)
				bytes_checked += m;
			body_pos_ += m;
			got += m;
			p += m;
			n -= size_t(m);
			if ((k == reset_class || k == abort_class) && mid_response_ && !cutting_ &&
			    body_pos_ >= cut_) {
				cutting_ = true;
				if (k == reset_class)
					return rst();
				abort_server_end();
				if (dead)
					return;
			}
			if (body_pos_ == body_len_)
				response_done();
		}
	}

	void eof() override
	{
		if (abort_eof())
			return;
		if (answered_ == ex_.size() && (server_closes_ || shut_wr)) {
			if (k == tw_drop)
				return drop_time_wait();
			return ok();
		}
		if (k == malformed && answered_ == 0 && !in_body_ && head_.empty())
			return finish(outcome::expected, "closed without an answer");
		lost(in_body_ || !head_.empty() ? "EOF in the middle of a response"
						: "EOF before a response");
	}

	void failed(int err) override
	{
		if (abort_failed(err))
			return;
		if (k == malformed && (err == ECONNRESET || err == EPIPE)) {
			/* Still sending the rest of a refused request, after the answer. */
			if (answered_ == ex_.size() && server_closes_)
				return ok();
			if (answered_ == 0 && head_.empty())
				return finish(outcome::expected, "reset without an answer");
		}
		client::failed(err);
	}

	string what() const override
	{
		return "http " + string(class_names[k]) + " (" + variant_ + "): response " +
		       std::to_string(answered_ + 1) + " of " + std::to_string(ex_.size()) +
		       (answered_ < ex_.size()
				? " (" + first_line(ex_[answered_].request) + ", expecting " +
					  std::to_string(ex_[answered_].status) + ")"
				: string()) +
		       ", " + std::to_string(sent) + " bytes sent, " + std::to_string(got) +
		       " received" +
		       (head_.empty() ? string() : ", head \"" + first_line(head_) + "\"");
	}

private:
	static string first_line(const string &s)
	{
		string l = s.substr(0, std::min(s.find('\r'), size_t(60)));
		for (char &c : l)
			if (uint8_t(c) < 32 || uint8_t(c) > 126)
				c = '?';
		return l;
	}

	const doc_file &pick() { return files[r.in(0, files.size() - 1)]; }

	/* A GET of @f; version 1.@minor; keep_alive for 1.0 asks for it. */
	http_exchange get(const doc_file &f, int minor, bool close, bool keep_alive10 = false)
	{
		http_exchange x;
		x.file = &f;
		x.len = f.data.size();
		x.check_body = true;
		x.request = "GET /" + f.name +
			    (minor ? " HTTP/1.1\r\nHost: stress\r\n" : " HTTP/1.0\r\n");
		if (minor && close)
			x.request += "Connection: close\r\n";
		if (!minor && keep_alive10 && !close) {
			x.request += "Connection: keep-alive\r\n";
			x.ka_header = true;
		}
		x.request += "\r\n";
		x.closes = close || (!minor && !keep_alive10);
		return x;
	}

	http_exchange variation(const doc_file &f, int minor, bool close, bool ka10)
	{
		http_exchange x = get(f, minor, close, ka10);
		int p = int(r.in(0, 99));
		if (p < 15) {
			x.request.replace(0, 3, "HEAD");
			x.head = true;
			x.check_body = false;
		} else if (p < 35 && !f.data.empty()) {
			uint64_t a = r.in(0, f.data.size() - 1);
			uint64_t b = r.in(a, std::min<uint64_t>(f.data.size() - 1, a + 300000));
			string range = "Range: bytes=" + std::to_string(a) + "-" +
				       std::to_string(b) + "\r\n";
			x.request.insert(x.request.size() - 2, range);
			x.status = 206;
			x.off = a;
			x.len = b - a + 1;
		}
		return x;
	}

	void plan_well()
	{
		int v = int(r.in(0, 3));
		/* Half of the one-at-a-time sessions are long ones, with pauses. */
		long_ = (v == 1 || v == 2) && r.percent(50);
		int n = long_ ? int(r.in(4, 16)) : int(r.in(1, 6));
		switch (v) {
		case 0: /* HTTP/1.0, one request, the server closes */
			ex_.push_back(variation(pick(), 0, false, false));
			server_closes_ = true;
			variant_ = "HTTP/1.0";
			return;
		case 1: /* HTTP/1.0 keep-alive */
			for (int i = 0; i < n; i++)
				ex_.push_back(variation(pick(), 0, false, true));
			break;
		case 2: /* HTTP/1.1, one at a time */
			for (int i = 0; i < n; i++)
				ex_.push_back(variation(pick(), 1, false, false));
			break;
		default: /* HTTP/1.1 pipelined */
			for (int i = 0; i < n; i++)
				ex_.push_back(variation(pick(), 1, false, false));
			pipelined_ = true;
			break;
		}
		variant_ = string(v == 1   ? "HTTP/1.0 keep-alive"
				  : v == 2 ? "HTTP/1.1"
					   : "pipelined") +
			   ", " + std::to_string(n) + " requests" + (long_ ? " with pauses" : "");
		/* The end: "Connection: close" on the last request, or a half-close. */
		if (r.percent(50)) {
			http_exchange &last = ex_.back();
			size_t at = last.request.size() - 2;
			last.request.insert(at, last.request.find("HTTP/1.0") != string::npos
							? ""
							: "Connection: close\r\n");
			if (last.ka_header) {
				/* HTTP/1.0: no keep-alive asked, the server closes */
				size_t ka = last.request.find("Connection: keep-alive\r\n");
				last.request.erase(ka, 24);
				last.ka_header = false;
			}
			last.closes = true;
			server_closes_ = true;
			variant_ += ", Connection: close";
		} else {
			half_close_after_ = true;
			variant_ += ", half-close";
		}
	}

	void add_error(string req, int status, bool closes)
	{
		http_exchange x;
		x.request = std::move(req);
		x.status = status;
		x.closes = closes;
		ex_.push_back(std::move(x));
		server_closes_ = closes;
	}

	/* A random token of @n bytes that holds no space, CR or LF. */
	string garbage(size_t n)
	{
		string g;
		while (g.size() < n) {
			char c = char(r.next());
			if (c != ' ' && c != '\r' && c != '\n')
				g += c;
		}
		return g;
	}

	void plan_malformed()
	{
		const doc_file &f = pick();
		string fields;
		switch (r.in(0, 14)) {
		case 0:
			variant_ = "garbage";
			add_error(garbage(r.in(1, 2000)) + "\r\n\r\n", 400, true);
			break;
		case 1:
			variant_ = "request line over 4 KiB";
			add_error("GET /" + string(r.in(4100, 6000), 'a') +
					  " HTTP/1.1\r\nHost: stress\r\n\r\n",
				  414, true);
			break;
		case 2:
			variant_ = "head over 8 KiB";
			add_error("GET / HTTP/1.1\r\nHost: stress\r\nX-Big: " +
					  string(r.in(8200, 12000), 'b') + "\r\n\r\n",
				  431, true);
			break;
		case 3:
			variant_ = "head flood without end";
			add_error("GET / HTTP/1.1\r\nHost: stress\r\nX-Flood: " +
					  string(r.in(9000, 40000), 'f'),
				  431, true);
			break;
		case 4:
			variant_ = "65 fields";
			for (int i = 0; i < 65; i++)
				fields += "X-" + std::to_string(i) + ": v\r\n";
			add_error("GET / HTTP/1.1\r\nHost: stress\r\n" + fields + "\r\n", 431,
				  true);
			break;
		case 5:
			variant_ = "unknown method";
			add_error(string(unknown_methods[r.in(0, 3)]) + " /" + f.name +
					  " HTTP/1.1\r\nHost: stress\r\n\r\n",
				  501, true);
			break;
		case 6: {
			variant_ = "other method, then a GET";
			string body = garbage(r.in(0, 3000));
			add_error(string(other_methods[r.in(0, 4)]) + " /" + f.name +
					  " HTTP/1.1\r\nHost: stress\r\nContent-Length: " +
					  std::to_string(body.size()) + "\r\n\r\n" + body,
				  405, false);
			ex_.push_back(get(f, 1, true));
			server_closes_ = true;
			break;
		}
		case 7:
			variant_ = "HTTP/2.0";
			add_error("GET /" + f.name + " HTTP/2.0\r\nHost: stress\r\n\r\n", 505,
				  true);
			break;
		case 8:
			variant_ = "no Host";
			add_error("GET /" + f.name + " HTTP/1.1\r\n\r\n", 400, true);
			break;
		case 9:
			variant_ = "Transfer-Encoding and Content-Length";
			add_error("POST /" + f.name +
					  " HTTP/1.1\r\nHost: stress\r\nTransfer-Encoding: "
					  "chunked\r\nContent-Length: 3\r\n\r\n",
				  400, true);
			break;
		case 10:
			variant_ = "control byte in the path";
			add_error("GET /" + f.name + "\x01 HTTP/1.1\r\nHost: stress\r\n\r\n", 400,
				  true);
			break;
		case 11:
			variant_ = "path above the root";
			add_error("GET /../../etc/passwd HTTP/1.1\r\nHost: stress\r\n\r\n", 400,
				  true);
			break;
		case 12:
			variant_ = "body over 1 MiB";
			add_error("POST /" + f.name +
					  " HTTP/1.1\r\nHost: stress\r\nContent-Length: "
					  "2000000\r\n\r\n",
				  413, true);
			break;
		case 13:
			variant_ = "missing file, then a GET";
			add_error("GET /no-such-file-" + std::to_string(r.in(0, 999)) +
					  " HTTP/1.1\r\nHost: stress\r\n\r\n",
				  404, false);
			ex_.push_back(get(f, 1, true));
			server_closes_ = true;
			break;
		default:
			variant_ = "HTTP/0.9 line";
			add_error("GET /" + f.name + "\r\n\r\n", 400, true);
			break;
		}
		pipelined_ = true; /* a second request follows the error at once */
	}

	void plan_cut()
	{
		mid_response_ = r.percent(50);
		if (mid_response_) {
			ex_.push_back(get(*largest, 1, false));
			cut_ = r.in(1, largest->data.size() / 2);
			variant_ = "cut in the response at " + std::to_string(cut_);
		} else {
			http_exchange x = get(pick(), 1, false);
			x.request.insert(x.request.size() - 2,
					 "User-Agent: stress\r\nAccept: */*\r\nX-Pad: " +
						 string(r.in(0, 3000), 'p') + "\r\n");
			cut_ = r.in(1, x.request.size() - 1);
			x.request.resize(size_t(cut_));
			ex_.push_back(std::move(x));
			variant_ = "cut in the request at " + std::to_string(cut_);
		}
	}

	void send_next()
	{
		if (next_send_ == ex_.size())
			return;
		if (k == slow) {
			slow_pos_ = 0;
			return send_slow_byte();
		}
		send(ex_[next_send_++].request);
	}

	/* The slow client: the start of the request at once, its last bytes one a second. */
	void send_slow_byte()
	{
		const string &req = ex_[0].request;
		size_t n = 1;
		if (!slow_pos_)
			n = req.size() - size_t(r.in(4, 12));
		send(req.data() + slow_pos_, n);
		slow_pos_ += n;
		if (slow_pos_ < req.size())
			sleep(sec);
		else
			next_send_ = 1;
	}

	/* Parse and check the head in head_; set body_len_. */
	bool check_head(const http_exchange &x)
	{
		int status = 0;
		if (head_.compare(0, 9, "HTTP/1.1 ") || head_.size() < 12 ||
		    sscanf(head_.c_str() + 9, "%3d", &status) != 1) {
			violation("not an HTTP/1.1 status line: \"" + first_line(head_) + "\"");
			return false;
		}
		if (status != x.status) {
			violation("status " + std::to_string(status) + " for \"" +
				  first_line(x.request) + "\", expected " +
				  std::to_string(x.status));
			return false;
		}
		bool have_len = false, closes = false, ka = false, chunked = false;
		uint64_t len = 0;
		string range;
		size_t pos = head_.find("\r\n") + 2;
		while (pos < head_.size() - 2) {
			size_t end = head_.find("\r\n", pos);
			string line = head_.substr(pos, end - pos);
			pos = end + 2;
			size_t colon = line.find(':');
			if (colon == string::npos) {
				violation("a header line without a colon");
				return false;
			}
			string name = line.substr(0, colon);
			for (char &c : name)
				c = char(tolower(uint8_t(c)));
			string value = line.substr(line.find_first_not_of(' ', colon + 1));
			if (name == "content-length") {
				have_len = true;
				len = strtoull(value.c_str(), nullptr, 10);
			} else if (name == "connection") {
				closes = strcasecmp(value.c_str(), "close") == 0;
				ka = strcasecmp(value.c_str(), "keep-alive") == 0;
			} else if (name == "transfer-encoding") {
				chunked = true;
			} else if (name == "content-range") {
				range = value;
			}
		}
		if (!have_len || chunked) {
			violation("no Content-Length");
			return false;
		}
		if (closes != x.closes) {
			violation(closes ? "Connection: close, not asked for"
					 : "no Connection: close, yet asked for");
			return false;
		}
		if (x.ka_header && !ka) {
			violation("no Connection: keep-alive for an HTTP/1.0 keep-alive request");
			return false;
		}
		if (x.status == 200 || x.status == 206) {
			if (len != x.len) {
				corrupt("Content-Length " + std::to_string(len) + " for /" +
					x.file->name + ", expected " + std::to_string(x.len));
				return false;
			}
		}
		if (x.status == 206) {
			string want = "bytes " + std::to_string(x.off) + "-" +
				      std::to_string(x.off + x.len - 1) + "/" +
				      std::to_string(x.file->data.size());
			if (range != want) {
				corrupt("Content-Range \"" + range + "\", expected \"" + want +
					"\"");
				return false;
			}
		}
		body_len_ = x.head ? 0 : len;
		return true;
	}

	void response_done()
	{
		in_body_ = false;
		head_.clear();
		answered_++;
		if (aborted_)
			return; /* a reset comes next */
		if (ex_[answered_ - 1].closes) {
			if (answered_ != ex_.size())
				violation("the server closes before the last request");
			return; /* EOF next */
		}
		if (answered_ == ex_.size()) {
			if (half_close_after_)
				half_close();
			else
				violation("internal: nothing ends the connection");
			return;
		}
		if (pipelined_)
			return;
		if (long_) {
			thinking_ = true; /* an idle keep-alive connection for a while */
			sleep(think_time(r));
			return;
		}
		send_next();
	}

	std::vector<http_exchange> ex_;
	size_t next_send_ = 0, answered_ = 0, slow_pos_ = 0;
	string variant_, head_;
	bool in_body_ = false, pipelined_ = false;
	bool server_closes_ = false, half_close_after_ = false;
	uint64_t body_len_ = 0, body_pos_ = 0;
	bool mid_response_ = false, cutting_ = false;
	bool long_ = false, thinking_ = false;
	uint64_t cut_ = 0;
};

/* ---- the engine ---- */

void report(const client &c, outcome o, const string &why)
{
	const char *kind = o == outcome::corrupted  ? "CORRUPTED"
			   : o == outcome::hung	    ? "HUNG"
			   : o == outcome::expected ? "expected"
						    : "UNEXPECTED";
	unsigned &budget = o == outcome::expected ? notes : reports;
	if (budget++ < (o == outcome::expected ? 5u : 20u))
		fprintf(stderr, "stress: %.1f s: %s: %s; %s%s; last progress %.0f ms before\n",
			double(now_ns() - run.start) / double(sec), kind, why.c_str(),
			c.what().c_str(), c.v6 ? " (IPv6)" : "", double(c.idle()) / double(ms));
}

class engine {
public:
	engine()
	{
		epfd_ = epoll_create1(EPOLL_CLOEXEC);
		if (epfd_ < 0) {
			perror("epoll_create1");
			exit(2);
		}
		slots_.resize(size_t(opt.connections));
		ready_at_.assign(size_t(opt.connections), 0);
		/* Slots get their class in proportion, interleaved. */
		int total = 0;
		for (int w : opt.mix)
			total += w;
		std::array<double, n_classes> credit{};
		for (int s = 0; s < opt.connections; s++) {
			int best = 0;
			for (int c = 0; c < n_classes; c++) {
				credit[size_t(c)] += double(opt.mix[size_t(c)]) / total;
				if (credit[size_t(c)] > credit[size_t(best)])
					best = c;
			}
			credit[size_t(best)] -= 1;
			slot_class_.push_back(klass(best));
			slots_of[size_t(best)]++;
		}
	}

	void open(int slot)
	{
		uint64_t seed = splitmix(seed_);
		klass k = slot_class_[size_t(slot)];
		std::unique_ptr<client> c;
		if (opt.http)
			c = std::make_unique<http_client>(*this, slot, k, seed);
		else
			c = std::make_unique<echo_client>(*this, slot, k, seed);
		tallies[k].conns++;
		c->v6 = c->r.percent(opt.ipv6_pct);
		c->progress();
		int fam = c->v6 ? AF_INET6 : AF_INET;
		c->fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			perror("socket");
			exit(2);
		}
		if (c->r.percent(33)) {
			int rcvbuf = int(c->r.in(8192, 65536));
			setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		}
		sockaddr_storage a{};
		socklen_t alen;
		if (c->v6) {
			auto &s6 = reinterpret_cast<sockaddr_in6 &>(a);
			s6.sin6_family = AF_INET6;
			s6.sin6_addr = in6addr_loopback;
			s6.sin6_port = htons(uint16_t(opt.port));
			alen = sizeof(s6);
		} else {
			auto &s4 = reinterpret_cast<sockaddr_in &>(a);
			s4.sin_family = AF_INET;
			s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			s4.sin_port = htons(uint16_t(opt.port));
			alen = sizeof(s4);
		}
		client &cl = *c;
		slots_[size_t(slot)] = std::move(c);
		live_++;
		watch(cl, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
		int r;
		do
			r = connect(cl.fd, reinterpret_cast<sockaddr *>(&a), alen);
		while (r && errno == EINTR);
		if (r && errno != EINPROGRESS)
			return connect_failed(cl, errno);
		if (!r)
			connected(cl);
	}

	/* Runs the load, the unload and the drain; false if the run overran. */
	void run_all()
	{
		run.start = now_ns();
		/*
		 * The duration counts from the end of the ramp-up (every slot
		 * opened once), which is itself bounded by the timeout.
		 */
		const uint64_t never = ~uint64_t(0);
		uint64_t load_end = never;
		uint64_t ramp_limit = run.start + uint64_t(opt.ramp * double(sec));
		uint64_t hard_end =
			ramp_limit +
			uint64_t((opt.duration + opt.unload_bound * double(opt.unload.size()) +
				  2 * opt.timeout + 30) *
				 double(sec));
		std::vector<epoll_event> evs(512);
		const uint64_t budget = 100 * ms;
		size_t next_unload = 0;
		pid_t child = -1;
		uint64_t child_start = 0;
		bool child_late = false;
		for (;;) {
			uint64_t now = now_ns();
			if (now > hard_end) {
				fprintf(stderr, "stress: the run overran its bound; giving up\n");
				overran = true;
				break;
			}
			/* Phase changes. */
			if (!ramped_ && (connected_ == opt.connections || now >= ramp_limit)) {
				ramp_ms = double(now - run.start) / double(ms);
				ramp_open = live_;
				ramped_ = true; /* from now on, a connection starts at once */
			}
			if (ramped_ && load_end == never && release(budget)) {
				release_ms = double(now_ns() - now) / double(ms) + release_ms;
				load_end = now_ns() + uint64_t(opt.duration * double(sec));
			} else if (ramped_ && load_end == never) {
				release_ms += double(now_ns() - now) / double(ms);
			}
			if (now >= load_end && child < 0 && next_unload < opt.unload.size()) {
				if (next_unload == 0)
					before_unload();
				run.unloading = true;
				child_start = now;
				child = spawn(opt.unload[next_unload]);
				open_at_unload.push_back(live_);
			} else if (now >= load_end && child < 0 && !run.stopping) {
				run.stopping = true;
				drain_start = now;
				/*
				 * Without an unload, or for connections still in
				 * SYN retransmission after it (they never reached the
				 * server, and the next retransmission may be 30 s
				 * away): cut, not counted.
				 */
				cut_all(!opt.unload.empty());
			}
			if (child > 0) {
				int status;
				pid_t p = waitpid(child, &status, WNOHANG);
				if (p == child) {
					unload_ms.push_back(double(now_ns() - child_start) /
							    double(ms));
					unload_status.push_back(WIFEXITED(status)
									? WEXITSTATUS(status)
									: 128 + WTERMSIG(status));
					child = -1;
					child_late = false;
					next_unload++;
				} else if (!child_late &&
					   now - child_start >
						   uint64_t(opt.unload_bound * double(sec))) {
					fprintf(stderr, "stress: \"%s\" still runs after %.0f s\n",
						opt.unload[next_unload].c_str(), opt.unload_bound);
					child_late = true;
					unload_late = true;
				}
			}
			if (run.stopping && live_ == 0)
				break;

			/*
			 * Every part of a round has a time budget: in an emulated
			 * debug kernel a socket call over loopback can take tens
			 * of milliseconds (it runs the peer's receive path too),
			 * and a round that served every ready connection at once
			 * would leave the others unwatched for many seconds.
			 * Level-triggered events not handled now come back in the
			 * next round, the ready list in turn.
			 */
			bool busy = opened_ < opt.connections || (ramped_ && load_end == never) ||
				    !ready_.empty();
			int n = epoll_wait(epfd_, evs.data(), int(evs.size()), busy ? 0 : 20);
			if (n < 0 && errno != EINTR) {
				perror("epoll_wait");
				exit(2);
			}
			/*
			 * Ready connections are served first come, first served:
			 * epoll reports level-triggered ones in the same order
			 * again, so taking the first few of each report would
			 * starve the rest.
			 */
			for (int i = 0; i < n; i++) {
				client &c = *static_cast<client *>(evs[size_t(i)].data.ptr);
				c.pending |= evs[size_t(i)].events;
				/*
				 * The kernel has something for it: that is the server's
				 * progress, however long the connection then waits in
				 * this queue.
				 */
				if (!c.held && !c.wake_at)
					c.progress();
				if (!c.queued && !c.dead) {
					c.queued = true;
					ready_.push_back(c.slot);
				}
			}
			uint64_t t0 = now_ns();
			while (!ready_.empty() && now_ns() - t0 < budget) {
				client *c = slots_[size_t(ready_.front())].get();
				ready_.pop_front();
				if (!c || c->dead || !c->queued)
					continue; /* the slot has a new connection since */
				uint32_t ev = c->pending;
				c->pending = 0;
				c->queued = false;
				event(*c, ev);
			}
			tick(budget);
			reap();
			uint64_t round = now_ns() - now;
			if (ramped_ && round > longest_round)
				longest_round = round;
			/* Time this program was busy beyond a second: no client's fault. */
			if (round > sec)
				run.stalled += round - sec;
			rounds++;
			if (ramped_ && load_end != never && !run.unloading) {
				open_sum += live_;
				open_samples++;
				open_min = std::min(open_min, live_);
				open_max = std::max(open_max, live_);
			}
		}
		if (!run.stopping)
			drain_start = now_ns();
		drain_ms = double(last_end_ - std::min(last_end_, drain_start)) / double(ms);
		if (child > 0)
			unload_ms.push_back(-1);
	}

	bool overran = false, unload_late = false;
	std::vector<double> unload_ms;
	std::vector<int> unload_status;
	std::vector<int> open_at_unload;
	double drain_ms = 0;
	uint64_t drain_start = 0;
	uint64_t drop_before[2] = {0, 0}, drop_at_unload[2] = {0, 0};
	uint64_t tw_at_unload = 0, aborted_at_unload = 0;
	bool drop_counters_read = false;
	uint64_t cut_off = 0;
	double ramp_ms = 0, release_ms = 0;
	int ramp_open = 0;
	uint64_t connect_ns = 0, connects = 0, longest_round = 0, rounds = 0;
	double open_sum = 0; /* connections open, summed over the rounds of the load */
	uint64_t open_samples = 0;
	int open_min = ~0u >> 1, open_max = 0;

	void watch(client &c, uint32_t events)
	{
		epoll_event ev{};
		ev.events = events;
		ev.data.ptr = &c;
		if (epoll_ctl(epfd_, c.interest ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &ev)) {
			perror("epoll_ctl");
			exit(2);
		}
		c.interest = events;
	}

	void finished(client &c)
	{
		if (c.fd >= 0) {
			close(c.fd);
			c.fd = -1;
		}
		dead_.push_back(c.slot);
	}

	/* Reads the drop file's counters: dropped_timewait, aborted. */
	static bool drop_counters(uint64_t out[2])
	{
		FILE *f = fopen(opt.drop.c_str(), "r");
		if (!f)
			return false;
		char line[128];
		int found = 0;
		while (fgets(line, sizeof(line), f)) {
			unsigned long long v;
			if (sscanf(line, "dropped_timewait: %llu", &v) == 1)
				out[0] = v, found++;
			else if (sscanf(line, "aborted: %llu", &v) == 1)
				out[1] = v, found++;
		}
		fclose(f);
		return found == 2;
	}

private:
	void before_unload()
	{
		if (!opt.proc.empty()) {
			FILE *f = fopen(opt.proc.c_str(), "r");
			char line[256];
			printf("%s before the unload:", opt.proc.c_str());
			while (f && fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\n")] = 0;
				printf(" %s;", line);
			}
			printf("\n");
			if (f)
				fclose(f);
		}
		if (run.drop_fd >= 0) {
			drop_counters_read = drop_counters(drop_at_unload);
			tw_at_unload = tw_dropped;
			aborted_at_unload = aborted;
		}
	}

	static pid_t spawn(const string &cmd)
	{
		pid_t pid;
		const char *argv[] = {"sh", "-c", cmd.c_str(), nullptr};
		int err = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char **>(argv),
				      environ);
		if (err) {
			fprintf(stderr, "stress: cannot run sh: %s\n", strerror(err));
			exit(2);
		}
		return pid;
	}

	/* Cut the open connections (or only those still connecting), uncounted. */
	void cut_all(bool connecting_only)
	{
		for (auto &c : slots_) {
			if (c && !c->dead && (c->connecting || !connecting_only)) {
				c->dead = true;
				tallies[c->k].conns--;
				cut_off++;
				finished(*c);
			}
		}
	}

	void connected(client &c)
	{
		c.connecting = false;
		if (c.k == tw_drop || c.k == abort_class) { /* for the drop file */
			socklen_t l = sizeof(c.local);
			getsockname(c.fd, reinterpret_cast<sockaddr *>(&c.local), &l);
			l = sizeof(c.peer);
			getpeername(c.fd, reinterpret_cast<sockaddr *>(&c.peer), &l);
		}
		c.progress();
		if (!ramped_) {
			/* Everyone starts together once all the slots are open. */
			connected_++;
			c.held = true;
			c.wake_at = ~uint64_t(0);
			return;
		}
		c.start();
		after(c);
	}

	/*
	 * After the ramp-up: start the held connections, as many as fit in
	 * @budget; true when none is left.
	 */
	bool release(uint64_t budget)
	{
		uint64_t t0 = now_ns();
		for (; release_next_ < opt.connections; release_next_++) {
			if (now_ns() - t0 >= budget)
				return false;
			client *c = slots_[size_t(release_next_)].get();
			if (!c || c->dead || !c->held)
				continue;
			c->held = false;
			c->wake_at = 0;
			c->progress();
			c->start();
			if (!c->dead)
				after(*c);
		}
		return true;
	}

	void connect_failed(client &c, int err) { c.lost_connect(err); }

	void event(client &c, uint32_t ev)
	{
		if (c.connecting) {
			if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
				return;
			int err = 0;
			socklen_t len = sizeof(err);
			if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len))
				err = errno;
			if (err || (ev & (EPOLLERR | EPOLLHUP)))
				return connect_failed(c, err ? err : ECONNREFUSED);
			connected(c);
			return;
		}
		if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			receive(c);
		if (!c.dead && (ev & EPOLLOUT))
			after(c);
	}

	void receive(client &c)
	{
		static uint8_t buf[1 << 16];
		for (int i = 0; i < 4 && !c.dead; i++) {
			ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
			if (n > 0) {
				c.progress();
				c.received(buf, size_t(n));
				if (size_t(n) < sizeof(buf))
					break;
				continue;
			}
			if (n == 0) {
				c.eof();
				if (!c.dead)
					c.violation("internal: EOF left the connection open");
				break;
			}
			if (errno == EAGAIN || errno == EINTR)
				break;
			c.failed(errno);
			if (!c.dead)
				c.violation("internal: an error left the connection open");
		}
		if (!c.dead)
			after(c);
	}

	/* Send what is queued; then the half-close; then the interest set. */
	void after(client &c)
	{
		while (!c.dead && c.out_pos < c.out.size()) {
			ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos,
					   MSG_NOSIGNAL);
			if (n > 0) {
				c.out_pos += size_t(n);
				c.sent += uint64_t(n);
				bytes_sent += uint64_t(n);
				c.progress();
				if (c.out_pos == c.out.size()) {
					c.out.clear();
					c.out_pos = 0;
					c.sent_all();
				}
				continue;
			}
			if (errno == EAGAIN)
				break;
			if (errno == EINTR)
				continue;
			c.failed(errno);
			if (!c.dead)
				c.violation("internal: an error left the connection open");
		}
		if (c.dead)
			return;
		if (c.out.empty() && c.shut_pending) {
			c.shut_pending = false;
			c.shut_wr = true;
			shutdown(c.fd, SHUT_WR);
		}
		uint32_t want = EPOLLIN | EPOLLRDHUP | (c.out.empty() ? 0u : uint32_t(EPOLLOUT));
		if (want != c.interest)
			watch(c, want);
	}

	/* Timers and hangs, every 20 ms at most. */
	/* Timers (within @budget, the next ones first next time) and hangs. */
	void tick(uint64_t budget)
	{
		uint64_t now = now_ns();
		if (now - last_tick_ < 20 * ms)
			return;
		last_tick_ = now;
		uint64_t limit = uint64_t(opt.timeout * double(sec));
		int first = tick_next_;
		for (int i = 0; i < opt.connections; i++) {
			int s = (first + i) % opt.connections;
			client *c = slots_[size_t(s)].get();
			if (!c || c->dead)
				continue;
			if (c->wake_at && now >= c->wake_at && now_ns() - now < budget) {
				tick_next_ = s + 1;
				c->wake_at = 0;
				c->progress();
				c->timer();
				if (!c->dead)
					after(*c);
				continue;
			}
			if (!c->wake_at && c->idle() > limit && !opt.on_hang.empty() &&
			    !hang_seen_) {
				/* The first hang: let a command look at the socket (ss...). */
				hang_seen_ = true;
				sockaddr_storage a{};
				socklen_t l = sizeof(a);
				getsockname(c->fd, reinterpret_cast<sockaddr *>(&a), &l);
				setenv("STRESS_PORT",
				       std::to_string(
					       ntohs(a.ss_family == AF_INET6
							     ? reinterpret_cast<sockaddr_in6 &>(a)
								       .sin6_port
							     : reinterpret_cast<sockaddr_in &>(a)
								       .sin_port))
					       .c_str(),
				       1);
				fflush(stdout);
				if (system(opt.on_hang.c_str()) != 0)
					fprintf(stderr, "stress: the --on-hang command failed\n");
			}
			if (!c->wake_at && c->idle() > limit)
				c->finish(outcome::hung,
					  "no progress for " + std::to_string(int(opt.timeout)) +
						  " s" + (c->connecting ? " (connecting)" : ""));
		}
	}

	void reap()
	{
		uint64_t now = now_ns();
		for (int slot : dead_) {
			client &c = *slots_[size_t(slot)];
			if (c.result == outcome::expected)
				ready_at_[size_t(slot)] =
					now + 50 * ms; /* do not spin on refusals */
			slots_[size_t(slot)].reset();
			live_--;
			last_end_ = now;
		}
		dead_.clear();
		if (run.stopping)
			return;
		/*
		 * A few connects per round, so that the ones already open are
		 * served meanwhile (a connect costs milliseconds in an emulated
		 * debug kernel).
		 */
		uint64_t budget = (ramped_ ? 50 : 250) * ms;
		for (int i = 0; i < opt.connections && now_ns() - now < budget; i++) {
			int s = (next_open_ + i) % opt.connections;
			if (!slots_[size_t(s)] && now >= ready_at_[size_t(s)]) {
				if (s >= opened_)
					opened_ = s + 1;
				uint64_t t = now_ns();
				open(s);
				connect_ns += now_ns() - t;
				connects++;
				next_open_ = s + 1;
			}
		}
	}

	int epfd_;
	uint64_t seed_ = opt.seed;
	std::vector<std::unique_ptr<client>> slots_;
	std::vector<klass> slot_class_;
	std::vector<uint64_t> ready_at_;
	std::vector<int> dead_;
	std::deque<int> ready_; /* slots with events to handle, in order */
	int live_ = 0, opened_ = 0, next_open_ = 0, connected_ = 0, release_next_ = 0;
	int tick_next_ = 0;
	bool hang_seen_ = false;
	bool ramped_ = false;
	uint64_t last_tick_ = 0, last_end_ = 0;
};

void client::finish(outcome o, string detail)
{
	if (dead)
		return;
	dead = true;
	result = o;
	why = std::move(detail);
	tally &t = tallies[k];
	switch (o) {
	case outcome::ok:
		t.ok++;
		break;
	case outcome::expected:
		t.expected++;
		break;
	case outcome::unexpected:
		t.unexpected++;
		break;
	case outcome::corrupted:
		t.corrupted++;
		break;
	case outcome::hung:
		t.hung++;
		break;
	}
	if (o != outcome::ok)
		report(*this, o, why);
	e_.finished(*this);
}

void client::close_socket()
{
	if (fd >= 0) {
		close(fd);
		fd = -1;
	}
}

/* Refused while unloading or after: expected.  Other errors never are. */
void client::lost_connect(int err)
{
	if (err == ECONNREFUSED || err == ECONNRESET || err == ETIMEDOUT)
		return lost("connect", err);
	violation(string("connect: ") + strerror(err));
}

/* After the unload: a new connection must be refused. */
bool port_refuses()
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sockaddr_in a{};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(uint16_t(opt.port));
	int r = connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a));
	int err = r ? errno : 0;
	if (err == EINPROGRESS) {
		pollfd p{fd, POLLOUT, 0};
		poll(&p, 1, 5000);
		socklen_t len = sizeof(err);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	}
	close(fd);
	return err == ECONNREFUSED;
}

} // namespace

int main(int argc, char **argv)
{
	static const option longopts[] = {
		{"connections", required_argument, nullptr, 'c'},
		{"duration", required_argument, nullptr, 'd'},
		{"mix", required_argument, nullptr, 'm'},
		{"timeout", required_argument, nullptr, 't'},
		{"unload", required_argument, nullptr, 'u'},
		{"unload-bound", required_argument, nullptr, 'b'},
		{"ramp", required_argument, nullptr, 'R'},
		{"docroot", required_argument, nullptr, 'r'},
		{"drop", required_argument, nullptr, 'D'},
		{"proc", required_argument, nullptr, 'p'},
		{"ipv6", required_argument, nullptr, '6'},
		{"seed", required_argument, nullptr, 's'},
		{"on-hang", required_argument, nullptr, 'H'},
		{nullptr, 0, nullptr, 0},
	};
	if (argc < 2)
		usage("no mode");
	string mode = argv[1];
	if (mode != "echo" && mode != "http")
		usage("the mode is echo or http");
	opt.http = mode == "http";
	opt.seed = uint64_t(now_ns());
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "c:d:m:t:u:b:R:r:D:p:6:s:H:", longopts, nullptr)) !=
	       -1) {
		switch (ch) {
		case 'c':
			opt.connections = atoi(optarg);
			break;
		case 'd':
			opt.duration = atof(optarg);
			break;
		case 'm':
			parse_mix(optarg);
			break;
		case 't':
			opt.timeout = atof(optarg);
			break;
		case 'u':
			opt.unload.push_back(optarg);
			break;
		case 'b':
			opt.unload_bound = atof(optarg);
			break;
		case 'R':
			opt.ramp = atof(optarg);
			break;
		case 'r':
			opt.docroot = optarg;
			break;
		case 'D':
			opt.drop = optarg;
			break;
		case 'p':
			opt.proc = optarg;
			break;
		case '6':
			opt.ipv6_pct = atoi(optarg);
			break;
		case 's':
			opt.seed = strtoull(optarg, nullptr, 0);
			break;
		case 'H':
			opt.on_hang = optarg;
			break;
		default:
			usage("bad option");
		}
	}
	if (optind != argc - 1)
		usage("one PORT expected");
	opt.port = atoi(argv[optind]);
	if (opt.port <= 0 || opt.port > 65535 || opt.connections < 1 || opt.duration < 0 ||
	    opt.timeout <= 0)
		usage("bad number");
	if (!opt.mix_given) {
		opt.mix = {60, opt.http ? 15 : 0, 10, 15, 0, 0};
		if (!opt.http)
			opt.mix[well] += 15;
		if (!opt.drop.empty()) {
			opt.mix[tw_drop] = 5;
			opt.mix[abort_class] = 5;
			opt.mix[well] -= 10;
		}
	}
	if (!opt.http && opt.mix[malformed])
		usage("echo has no malformed class");
	if ((opt.mix[tw_drop] || opt.mix[abort_class]) && opt.drop.empty())
		usage("tw-drop and abort need --drop");
	if (opt.http) {
		if (opt.docroot.empty())
			usage("http needs --docroot");
		load_docroot();
	}
	if (!opt.drop.empty()) {
		run.drop_fd = open(opt.drop.c_str(), O_WRONLY | O_CLOEXEC);
		if (run.drop_fd < 0) {
			perror(opt.drop.c_str());
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	/* The last resort, if the loop itself got stuck. */
	alarm(unsigned(opt.ramp + opt.duration + opt.unload_bound * double(opt.unload.size()) +
		       3 * opt.timeout + 60));

	printf("stress %s: port %d, %d connections, %.0f s of load, seed %" PRIu64 "\n",
	       mode.c_str(), opt.port, opt.connections, opt.duration, opt.seed);
	fflush(stdout);
	engine e;
	if (run.drop_fd >= 0 && !engine::drop_counters(e.drop_before)) {
		fprintf(stderr, "stress: cannot read the counters of %s\n", opt.drop.c_str());
		return 2;
	}
	e.run_all();

	/* The summary. */
	std::vector<string> failures;
	tally all;
	auto row = [](const char *name, int slots, const tally &t) {
		printf("%-10s %6d %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %11" PRIu64 " %10" PRIu64
		       " %6" PRIu64 "\n",
		       name, slots, t.conns, t.ok, t.expected, t.unexpected, t.corrupted, t.hung);
	};
	printf("%-10s %6s %9s %9s %9s %11s %10s %6s\n", "class", "slots", "conns", "ok", "expected",
	       "unexpected", "corrupted", "hung");
	for (int k = 0; k < n_classes; k++) {
		const tally &t = tallies[size_t(k)];
		if (!slots_of[size_t(k)])
			continue;
		row(class_names[k], slots_of[size_t(k)], t);
		all.conns += t.conns;
		all.ok += t.ok;
		all.expected += t.expected;
		all.unexpected += t.unexpected;
		all.corrupted += t.corrupted;
		all.hung += t.hung;
		if (!t.ok)
			failures.push_back(string("no ") + class_names[k] +
					   " connection succeeded");
	}
	row("all", opt.connections, all);
	printf("bytes: %" PRIu64 " sent, %" PRIu64 " received and checked\n", bytes_sent,
	       bytes_checked);
	printf("ramp-up: %d of %d connections open after %.0f ms; then %.0f s of load with %.0f "
	       "open on average (%d to %d)\n",
	       e.ramp_open, opt.connections, e.ramp_ms, opt.duration,
	       e.open_samples ? e.open_sum / double(e.open_samples) : 0.0,
	       e.open_samples ? e.open_min : 0, e.open_max);
	printf("client: %" PRIu64 " connect() calls, %.1f ms each on average; starting the %d "
	       "held connections took %.0f ms; %" PRIu64
	       " rounds of the event loop, the longest %.0f ms\n",
	       e.connects,
	       e.connects ? double(e.connect_ns) / double(e.connects) / double(ms) : 0.0,
	       e.ramp_open, e.release_ms, e.rounds, double(e.longest_round) / double(ms));
	if (all.unexpected)
		failures.push_back(std::to_string(all.unexpected) + " unexpected");
	if (all.corrupted)
		failures.push_back(std::to_string(all.corrupted) + " corrupted");
	if (all.hung)
		failures.push_back(std::to_string(all.hung) + " hung");
	if (e.cut_off)
		printf("cut off at the end (not counted): %" PRIu64 "%s\n", e.cut_off,
		       opt.unload.empty() ? "" : ", still connecting after the unload");
	for (size_t i = 0; i < opt.unload.size(); i++) {
		if (i < e.unload_status.size()) {
			printf("unload: \"%s\" took %.0f ms (bound %.0f s), status %d, %d "
			       "connections "
			       "open at its start\n",
			       opt.unload[i].c_str(), e.unload_ms[i], opt.unload_bound,
			       e.unload_status[i], e.open_at_unload[i]);
			if (e.unload_status[i])
				failures.push_back("\"" + opt.unload[i] + "\" failed");
			if (e.unload_ms[i] > opt.unload_bound * 1000)
				failures.push_back("\"" + opt.unload[i] + "\" overran its bound");
		} else {
			printf("unload: \"%s\" did not finish\n", opt.unload[i].c_str());
			failures.push_back("\"" + opt.unload[i] + "\" did not finish");
		}
	}
	if (!opt.unload.empty() && !e.overran) {
		printf("drain: the last connection ended %.0f ms after the unload\n", e.drain_ms);
		bool refused = port_refuses();
		printf("after the unload, port %d %s connections\n", opt.port,
		       refused ? "refuses" : "DOES NOT refuse");
		if (!refused)
			failures.push_back("the port still takes connections");
	}
	if (run.drop_fd >= 0) {
		printf("drop file: took %" PRIu64 " TIME-WAIT and %" PRIu64 " abort lines\n",
		       tw_dropped, aborted);
		uint64_t now[2] = {e.drop_before[0], e.drop_before[1]};
		uint64_t tw = tw_dropped, ab = aborted;
		bool have = opt.unload.empty() ? engine::drop_counters(now) : e.drop_counters_read;
		if (!opt.unload.empty()) {
			now[0] = e.drop_at_unload[0];
			now[1] = e.drop_at_unload[1];
			tw = e.tw_at_unload;
			ab = e.aborted_at_unload;
		}
		if (have) {
			uint64_t dtw = now[0] - e.drop_before[0], dab = now[1] - e.drop_before[1];
			printf("drop counters%s: dropped_timewait +%" PRIu64 " (lines %" PRIu64
			       "), aborted +%" PRIu64 " (lines %" PRIu64 ")\n",
			       opt.unload.empty() ? "" : " at the unload", dtw, tw, dab, ab);
			if (dtw != tw || dab != ab)
				failures.push_back(
					"the drop counters do not match the lines taken");
		} else {
			failures.push_back("cannot read the drop counters");
		}
	}
	if (e.overran)
		failures.push_back("the run overran its bound");
	if (failures.empty()) {
		printf("result: ok\n");
		return 0;
	}
	string all_f;
	for (const string &f : failures)
		all_f += (all_f.empty() ? "" : "; ") + f;
	printf("result: FAILED: %s\n", all_f.c_str());
	return 1;
}
