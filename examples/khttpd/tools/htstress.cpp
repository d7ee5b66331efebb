// SPDX-License-Identifier: GPL-2.0-only
/*
 * htstress: an HTTP load generator, compatible with the classic htstress
 * (Roman Arutyunyan's, as shipped with sysprog21/khttpd): the same command
 * line and the same result lines,
 *
 *     requests:      20000
 *     good requests: 20000 [100%]
 *     bad requests:  0 [0%]
 *     socket errors: 0 [0%]
 *     seconds:       1.234
 *     requests/sec:  16207.455
 *
 * followed by the bytes received and the transfer rate (MiB/s, headers
 * included) and latency percentiles (p50, p90, p99, max).  Fixed here: the
 * socket's own SO_ERROR is read (the classic read it from the epoll
 * descriptor), --threads takes its argument, and the run ends when every
 * thread is done (not when the first one is); a failed connection counts as
 * a socket error and uses up its request, so a dead server ends the run
 * instead of looping.  -c is the total number of connections, spread over
 * the threads (the classic opened -c per thread).  New: -k, HTTP/1.1
 * keep-alive (a request after the previous response on the same
 * connection; Content-Length framing), IPv6 literals ("[::1]:8081"), -D
 * (a run bounded by time rather than by a request count), -T (a connection
 * that stalls counts as a socket error instead of hanging the run) and -o
 * (every request's latency, for plots).
 *
 *   htstress [options] [http://]hostname[:port]/path
 *     -n, --number N        total requests (default 1; 0: until Ctrl-C)
 *     -c, --concurrency N   concurrent connections (default 1)
 *     -t, --threads N       threads (default 1)
 *     -k, --keep-alive      HTTP/1.1 keep-alive instead of one HTTP/1.0
 *                           request per connection
 *     -D, --duration S      start no request after S seconds (the ones in
 *                           flight finish); without -n, no request limit
 *     -T, --timeout S       a connection with no progress (nothing sent or
 *                           received) for S seconds is closed and counted
 *                           as a socket error and a timeout (default: wait)
 *     -o, --latencies FILE  write each request's latency in microseconds,
 *                           one per line, to FILE
 *     -u, --udaddr PATH     connect to a Unix domain socket
 *     -h, --host HOST       Host header (default: from the URL)
 *     -d, --debug           print requests and responses on stderr
 *     -4, -6                IPv4 or IPv6 only
 *
 * A response is good if it is "HTTP/1.x" with a status below 400 and (in
 * keep-alive mode) a complete body; 4xx and 5xx are bad requests.  Exit
 * status 0 if every request got a response, 1 otherwise.
 */
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <ctime>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

struct options {
	uint64_t requests = 1;
	int concurrency = 1;
	int threads = 1;
	unsigned duration = 0; /* seconds, 0: no limit */
	unsigned timeout = 0;  /* seconds without progress, 0: none */
	bool keep_alive = false;
	bool debug = false;
	int family = AF_UNSPEC;
	std::string udaddr, host, node, port = "80", path = "/", latencies;
};

options opt;
sockaddr_storage target;
socklen_t target_len;
std::string request;

/* Shared counters. */
std::atomic<uint64_t> tickets{0}; /* requests started (or given up) */
std::atomic<uint64_t> good{0}, bad{0}, socket_errors{0}, timeouts{0};
std::atomic<bool> stop{false};
std::atomic<unsigned> errors_logged{0};

uint64_t now_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

/* May another request start?  Takes a ticket if so. */
bool take_ticket()
{
	if (stop.load(std::memory_order_relaxed))
		return false;
	if (!opt.requests)
		return true;
	return tickets.fetch_add(1, std::memory_order_relaxed) < opt.requests;
}

void log_error(const char *what, int err)
{
	if (errors_logged.fetch_add(1, std::memory_order_relaxed) < 10)
		fprintf(stderr, "htstress: %s: %s\n", what, strerror(err));
}

struct conn {
	int fd = -1;
	bool connecting = false;
	size_t sent = 0;
	uint64_t start = 0;
	uint64_t active = 0; /* the last progress, for -T */
	/* The response so far. */
	std::string head; /* keep-alive: bytes up to the end of the head */
	bool head_done = false;
	uint64_t body_expected = 0, body_got = 0;
	bool close_after = false;
	int status = 0;
	size_t got = 0;
	unsigned answered = 0; /* responses on this connection */
	char first[16];	       /* HTTP/1.0 mode: the first bytes, for the status */
};

class worker {
public:
	explicit worker(int connections) : conns_(size_t(connections)) {}

	void run()
	{
		epfd_ = epoll_create1(EPOLL_CLOEXEC);
		if (epfd_ < 0) {
			perror("epoll_create1");
			exit(1);
		}
		for (conn &c : conns_)
			if (take_ticket())
				open(c);
		std::vector<epoll_event> evs(256);
		uint64_t next_check = now_ns() + 1000000000u;
		while (live_ > 0) {
			int n = epoll_wait(epfd_, evs.data(), int(evs.size()), 1000);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				perror("epoll_wait");
				exit(1);
			}
			for (int i = 0; i < n; i++)
				event(*static_cast<conn *>(evs[size_t(i)].data.ptr),
				      evs[size_t(i)].events);
			if (opt.timeout && now_ns() >= next_check) {
				expire(now_ns());
				next_check = now_ns() + 1000000000u;
			}
		}
		close(epfd_);
	}

	std::vector<uint32_t> latencies_us;
	uint64_t received = 0; /* bytes, headers included */

private:
	/*
	 * -T: the connections without progress for the timeout fail.  As an
	 * age, not as "active before now - timeout": CLOCK_MONOTONIC starts
	 * near 0 at boot, so in a guest that booted less than the timeout ago
	 * that difference wrapped around and every connection "timed out".
	 */
	void expire(uint64_t now)
	{
		const uint64_t limit = uint64_t(opt.timeout) * 1000000000u;
		for (conn &c : conns_)
			if (c.fd >= 0 && now - c.active >= limit) {
				timeouts.fetch_add(1, std::memory_order_relaxed);
				fail(c, local_port(c.fd, "no progress"), ETIMEDOUT);
			}
	}

	/* "@what (local port N)": which connection, to find it in ss or a capture. */
	static const char *local_port(int fd, const char *what)
	{
		static thread_local char buf[64];
		sockaddr_storage a{};
		socklen_t len = sizeof(a);
		if (getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) ||
		    (a.ss_family != AF_INET && a.ss_family != AF_INET6))
			return what;
		unsigned port = ntohs(a.ss_family == AF_INET
					      ? reinterpret_cast<sockaddr_in *>(&a)->sin_port
					      : reinterpret_cast<sockaddr_in6 *>(&a)->sin6_port);
		snprintf(buf, sizeof(buf), "%s (local port %u)", what, port);
		return buf;
	}

	void open(conn &c)
	{
		c.fd = socket(target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c.fd < 0) {
			perror("socket");
			exit(1);
		}
		/*
		 * No TCP_NODELAY: a request is one small segment, sent when
		 * nothing of ours is unacknowledged, which Nagle never delays.
		 */
		c.start = c.active = now_ns();
		c.connecting = true;
		c.answered = 0;
		reset_response(c);
		live_++;
		epoll_event ev{};
		ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
		ev.data.ptr = &c;
		if (epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev)) {
			perror("epoll_ctl");
			exit(1);
		}
		int r;
		do
			r = connect(c.fd, reinterpret_cast<sockaddr *>(&target), target_len);
		while (r && errno == EINTR);
		if (r && errno != EINPROGRESS && errno != EAGAIN)
			return fail(c, "connect", errno);
		if (!r)
			connected(c);
	}

	void reset_response(conn &c)
	{
		c.sent = 0;
		c.head.clear();
		c.head_done = false;
		c.body_expected = c.body_got = 0;
		c.close_after = false;
		c.status = 0;
		c.got = 0;
	}

	void shut(conn &c)
	{
		close(c.fd); /* also leaves the epoll set */
		c.fd = -1;
		live_--;
	}

	/* A socket error: count it; the request is used up. */
	void fail(conn &c, const char *what, int err)
	{
		socket_errors.fetch_add(1, std::memory_order_relaxed);
		log_error(what, err);
		shut(c);
		if (take_ticket())
			open(c);
	}

	void connected(conn &c)
	{
		c.connecting = false;
		send_request(c);
	}

	void send_request(conn &c)
	{
		while (c.sent < request.size()) {
			ssize_t n = send(c.fd, request.data() + c.sent, request.size() - c.sent,
					 MSG_NOSIGNAL);
			if (n < 0) {
				if (errno == EAGAIN)
					return; /* EPOLLOUT resumes */
				if (errno == EINTR)
					continue;
				return fail(c, "send", errno);
			}
			if (opt.debug)
				(void)!write(2, request.data() + c.sent, size_t(n));
			c.sent += size_t(n);
			c.active = now_ns();
		}
	}

	void event(conn &c, uint32_t ev)
	{
		if (c.fd < 0)
			return;
		if (c.connecting) {
			if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
				return;
			if (ev & (EPOLLERR | EPOLLHUP)) {
				int err = 0;
				socklen_t len = sizeof(err);
				/* The socket's error, not the epoll descriptor's. */
				if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len))
					err = errno;
				return fail(c, "connect", err ? err : ECONNREFUSED);
			}
			connected(c);
			if (c.fd < 0)
				return;
		}
		if (c.sent < request.size()) {
			if (ev & EPOLLERR) {
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
				return fail(c, "send", err ? err : EIO);
			}
			send_request(c);
			if (c.fd < 0 || c.sent < request.size())
				return;
		}
		if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
			receive(c);
	}

	void receive(conn &c)
	{
		char buf[65536];
		for (;;) {
			ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
			if (n < 0) {
				if (errno == EAGAIN)
					return;
				if (errno == EINTR)
					continue;
				return fail(c, "recv", errno);
			}
			if (n == 0)
				return eof(c);
			received += uint64_t(n);
			c.active = now_ns();
			if (opt.debug)
				(void)!write(2, buf, size_t(n));
			if (opt.keep_alive) {
				if (!consume(c, buf, size_t(n)))
					return;
			} else {
				if (c.got < sizeof(c.first))
					memcpy(c.first + c.got, buf,
					       std::min(size_t(n), sizeof(c.first) - c.got));
				c.got += size_t(n);
			}
		}
	}

	/* "HTTP/1.x NNN": the status, or 0 if that is not how it starts. */
	static int status_of(const char *p, size_t n)
	{
		if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
			return 0;
		int s = 0;
		for (int i = 9; i < 12; i++) {
			if (p[i] < '0' || p[i] > '9')
				return 0;
			s = s * 10 + (p[i] - '0');
		}
		return s;
	}

	void done(conn &c, bool ok)
	{
		uint64_t us = (now_ns() - c.start) / 1000;
		latencies_us.push_back(uint32_t(std::min<uint64_t>(us, UINT32_MAX)));
		(ok ? good : bad).fetch_add(1, std::memory_order_relaxed);
	}

	/* The peer closed. */
	void eof(conn &c)
	{
		if (!opt.keep_alive) {
			/* HTTP/1.0: the response ends with the connection. */
			int s = status_of(c.first, std::min(c.got, sizeof(c.first)));
			if (!c.got) {
				/* Closed without answering. */
				return fail(c, "closed without a response", ECONNRESET);
			}
			done(c, s > 0 && s < 400);
			shut(c);
			if (take_ticket())
				open(c);
			return;
		}
		if (c.head.empty() && !c.head_done && c.answered) {
			/*
			 * The server closed a kept-alive connection between
			 * responses (its idle timeout, a request limit): send
			 * this request again on a new one.
			 */
			shut(c);
			open(c);
			return;
		}
		/* Cut off in the middle of a response (or before the first). */
		return fail(c, "closed in a response", ECONNRESET);
	}

	/* Keep-alive: take @n bytes of response; false if the connection was replaced. */
	bool consume(conn &c, const char *p, size_t n)
	{
		if (!c.head_done) {
			size_t old = c.head.size();
			c.head.append(p, n);
			size_t end = c.head.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
			if (end == std::string::npos) {
				if (c.head.size() > 65536) {
					fail(c, "response head", E2BIG);
					return false;
				}
				return true;
			}
			c.head_done = true;
			c.status = status_of(c.head.data(), c.head.size());
			parse_head(c, end + 4);
			c.body_got = c.head.size() - (end + 4);
		} else {
			c.body_got += n;
		}
		if (c.body_got < c.body_expected)
			return true;
		/* Complete. */
		bool ok = c.status > 0 && c.status < 400;
		done(c, ok);
		c.answered++;
		if (c.close_after || !c.status) {
			shut(c);
			if (take_ticket())
				open(c);
			return false;
		}
		if (!take_ticket()) {
			shut(c);
			return false;
		}
		reset_response(c);
		c.start = now_ns();
		send_request(c);
		return c.fd >= 0;
	}

	static bool header_is(const std::string &line, const char *name)
	{
		size_t n = strlen(name);
		return line.size() > n && line[n] == ':' && strncasecmp(line.data(), name, n) == 0;
	}

	void parse_head(conn &c, size_t end)
	{
		size_t pos = c.head.find("\r\n") + 2;
		bool has_length = false;
		while (pos < end - 2) {
			size_t eol = c.head.find("\r\n", pos);
			std::string line = c.head.substr(pos, eol - pos);
			pos = eol + 2;
			std::string value = line.substr(line.find(':') + 1);
			value.erase(0, value.find_first_not_of(" \t"));
			if (header_is(line, "Content-Length")) {
				c.body_expected = strtoull(value.c_str(), nullptr, 10);
				has_length = true;
			} else if (header_is(line, "Connection")) {
				if (strcasestr(value.c_str(), "close"))
					c.close_after = true;
			} else if (header_is(line, "Transfer-Encoding")) {
				c.close_after = true; /* not framed by length: read to EOF */
				has_length = false;
			}
		}
		if (!has_length && c.status != 204 && c.status != 304) {
			/* No length: the body ends at EOF; treat as bad and reconnect. */
			c.status = 0;
		}
	}

	std::vector<conn> conns_;
	int epfd_ = -1;
	int live_ = 0;
};

[[noreturn]] void usage(int status)
{
	printf("Usage: htstress [options] [http://]hostname[:port]/path\n"
	       "Options:\n"
	       "   -n, --number       total number of requests (0 for infinite, Ctrl-C to abort)\n"
	       "   -c, --concurrency  number of concurrent connections\n"
	       "   -t, --threads      number of threads (set this to the number of CPU cores)\n"
	       "   -k, --keep-alive   HTTP/1.1 keep-alive (default: HTTP/1.0, one request per "
	       "connection)\n"
	       "   -D, --duration     seconds after which no request starts (no -n: no limit)\n"
	       "   -T, --timeout      seconds without progress after which a connection fails\n"
	       "   -o, --latencies    file to write each request's latency to (microseconds)\n"
	       "   -u, --udaddr       path to unix domain socket\n"
	       "   -h, --host         host to use for http request\n"
	       "   -d, --debug        debug HTTP response\n"
	       "   -4, -6             use IPv4 or IPv6 only\n"
	       "   --help             display this message\n");
	exit(status);
}

/* [http://]host[:port][/path], host possibly "[v6]". */
void parse_url(const char *url)
{
	std::string s = url;
	if (s.compare(0, 7, "http://") == 0)
		s.erase(0, 7);
	size_t slash = s.find('/');
	std::string authority = s.substr(0, slash);
	opt.path = slash == std::string::npos ? "/" : s.substr(slash);
	std::string hostpart = authority;
	if (!authority.empty() && authority[0] == '[') {
		size_t close = authority.find(']');
		if (close == std::string::npos) {
			fprintf(stderr, "htstress: bad URL %s\n", url);
			exit(1);
		}
		opt.node = authority.substr(1, close - 1);
		if (close + 1 < authority.size() && authority[close + 1] == ':')
			opt.port = authority.substr(close + 2);
	} else {
		size_t colon = authority.rfind(':');
		opt.node = authority.substr(0, colon);
		if (colon != std::string::npos)
			opt.port = authority.substr(colon + 1);
	}
	if (opt.host.empty())
		opt.host = hostpart;
}

void resolve()
{
	memset(&target, 0, sizeof(target));
	if (!opt.udaddr.empty()) {
		auto *un = reinterpret_cast<sockaddr_un *>(&target);
		un->sun_family = AF_UNIX;
		strncpy(un->sun_path, opt.udaddr.c_str(), sizeof(un->sun_path) - 1);
		target_len = sizeof(sockaddr_un);
		return;
	}
	addrinfo hints{}, *res;
	hints.ai_family = opt.family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	int e = getaddrinfo(opt.node.c_str(), opt.port.c_str(), &hints, &res);
	if (e) {
		fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(e));
		exit(1);
	}
	/* The first address that accepts a connection. */
	addrinfo *rp;
	for (rp = res; rp; rp = rp->ai_next) {
		int fd = socket(rp->ai_family, rp->ai_socktype, rp->ai_protocol);
		if (fd < 0)
			continue;
		bool ok = connect(fd, rp->ai_addr, rp->ai_addrlen) == 0;
		close(fd);
		if (ok)
			break;
	}
	if (!rp) {
		fprintf(stderr, "htstress: cannot connect to %s port %s\n", opt.node.c_str(),
			opt.port.c_str());
		exit(1);
	}
	memcpy(&target, rp->ai_addr, rp->ai_addrlen);
	target_len = rp->ai_addrlen;
	freeaddrinfo(res);
}

void on_signal(int)
{
	stop.store(true);
}

} // namespace

int main(int argc, char **argv)
{
	static const option long_options[] = {
		{"number", required_argument, nullptr, 'n'},
		{"concurrency", required_argument, nullptr, 'c'},
		{"threads", required_argument, nullptr, 't'},
		{"keep-alive", no_argument, nullptr, 'k'},
		{"duration", required_argument, nullptr, 'D'},
		{"timeout", required_argument, nullptr, 'T'},
		{"latencies", required_argument, nullptr, 'o'},
		{"udaddr", required_argument, nullptr, 'u'},
		{"host", required_argument, nullptr, 'h'},
		{"debug", no_argument, nullptr, 'd'},
		{"help", no_argument, nullptr, '%'},
		{nullptr, 0, nullptr, 0},
	};
	if (argc == 1)
		usage(0);
	int o;
	bool have_number = false;
	while ((o = getopt_long(argc, argv, "n:c:t:kD:T:o:u:h:d46", long_options, nullptr)) != -1) {
		switch (o) {
		case 'n':
			opt.requests = strtoull(optarg, nullptr, 10);
			have_number = true;
			break;
		case 'c':
			opt.concurrency = atoi(optarg);
			break;
		case 't':
			opt.threads = atoi(optarg);
			break;
		case 'k':
			opt.keep_alive = true;
			break;
		case 'D':
		case 'T': {
			char *end;
			unsigned long d = strtoul(optarg, &end, 10);
			if (*end || d == 0 || d > 86400) {
				fprintf(stderr, "htstress: bad number of seconds %s\n", optarg);
				return 1;
			}
			(o == 'D' ? opt.duration : opt.timeout) = unsigned(d);
			break;
		}
		case 'o':
			opt.latencies = optarg;
			break;
		case 'u':
			opt.udaddr = optarg;
			break;
		case 'h':
			opt.host = optarg;
			break;
		case 'd':
			opt.debug = true;
			break;
		case '4':
			opt.family = AF_INET;
			break;
		case '6':
			opt.family = AF_INET6;
			break;
		case '%':
			usage(0);
		default:
			usage(1);
		}
	}
	if (optind >= argc) {
		printf("Missing URL\n");
		return 1;
	}
	if (opt.concurrency < 1 || opt.threads < 1) {
		fprintf(stderr, "htstress: -c and -t must be at least 1\n");
		return 1;
	}
	if (opt.threads > opt.concurrency)
		opt.threads = opt.concurrency;
	parse_url(argv[optind]);
	resolve();
	request = "GET " + opt.path + (opt.keep_alive ? " HTTP/1.1" : " HTTP/1.0") +
		  "\r\nHost: " + opt.host + "\r\n\r\n";

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (opt.duration) {
		if (!have_number)
			opt.requests = 0;
		signal(SIGALRM, on_signal);
	} else if (!opt.requests) {
		printf("[Press Ctrl-C to finish]\n");
	}

	std::vector<worker> workers;
	workers.reserve(size_t(opt.threads));
	for (int t = 0; t < opt.threads; t++)
		workers.emplace_back(opt.concurrency / opt.threads +
				     (t < opt.concurrency % opt.threads ? 1 : 0));
	uint64_t start = now_ns();
	if (opt.duration)
		alarm(opt.duration);
	std::vector<std::thread> threads;
	for (int t = 1; t < opt.threads; t++)
		threads.emplace_back([&workers, t] { workers[size_t(t)].run(); });
	workers[0].run();
	for (auto &th : threads)
		th.join(); /* every thread, not just the first to finish */
	double seconds = double(now_ns() - start) / 1e9;

	uint64_t g = good.load(), b = bad.load(), e = socket_errors.load(), n = g + b;
	uint64_t bytes = 0;
	for (auto &w : workers)
		bytes += w.received;
	auto pct = [n](uint64_t v) { return int(n ? v * 100 / n : 0); };
	printf("\n"
	       "requests:      %" PRIu64 "\n"
	       "good requests: %" PRIu64 " [%d%%]\n"
	       "bad requests:  %" PRIu64 " [%d%%]\n"
	       "socket errors: %" PRIu64 " [%d%%]\n"
	       "seconds:       %.3f\n"
	       "requests/sec:  %.3f\n"
	       "received:      %" PRIu64 " bytes\n"
	       "transfer/sec:  %.3f MiB\n"
	       "timeouts:      %" PRIu64 "\n",
	       n, g, pct(g), b, pct(b), e, pct(e), seconds, seconds > 0 ? double(n) / seconds : 0,
	       bytes, seconds > 0 ? double(bytes) / seconds / 1048576 : 0, timeouts.load());

	std::vector<uint32_t> lat;
	for (auto &w : workers)
		lat.insert(lat.end(), w.latencies_us.begin(), w.latencies_us.end());
	if (!opt.latencies.empty()) {
		FILE *f = fopen(opt.latencies.c_str(), "w");
		if (!f) {
			perror(opt.latencies.c_str());
			return 1;
		}
		for (uint32_t us : lat)
			fprintf(f, "%" PRIu32 "\n", us);
		if (fclose(f)) {
			perror(opt.latencies.c_str());
			return 1;
		}
	}
	std::sort(lat.begin(), lat.end());
	auto at = [&lat](double q) {
		if (lat.empty())
			return 0.0;
		auto i = static_cast<size_t>(std::lround(q * double(lat.size() - 1)));
		return lat[std::min(i, lat.size() - 1)] / 1000.0;
	};
	printf("latency p50:   %.3f ms\n"
	       "latency p90:   %.3f ms\n"
	       "latency p99:   %.3f ms\n"
	       "latency max:   %.3f ms\n"
	       "\n",
	       at(0.50), at(0.90), at(0.99), lat.empty() ? 0.0 : lat.back() / 1000.0);
	return e == 0 && (!opt.requests || n == opt.requests) ? 0 : 1;
}
