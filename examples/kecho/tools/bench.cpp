// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench: concurrent echo round trips against an echo server.
 *
 * N client threads (default 1000) wait on a barrier, then each connects,
 * sends one message, reads until the whole echo is back and compares it
 * byte for byte, and closes; this repeats for R rounds (default 10).  Every
 * round trip (send start to last echoed byte) and connect time is recorded
 * per thread id.  A wrong echo, a connection error or a 10 s stall counts
 * as a failure.
 *
 *   bench [-H HOST] [-p PORT] [-t THREADS] [-r ROUNDS] [-s BYTES] [-o PREFIX]
 *         [-c PORT2 [-l LABEL1,LABEL2]] [-u]
 *
 * -u: UDP instead of TCP.  Each round trip is then one datagram: a UDP
 * socket connected to the server (connect_us is that setup), the message
 * sent as one datagram and the echo read as one, which must be exactly the
 * message (a longer, shorter or different datagram is a failure).  A lost
 * datagram is a failure after 2 s (UDP does not retransmit).
 *
 * Writes PREFIX.dat ("round thread connect_us rtt_us ok start_us" per line,
 * start_us: when the thread began its round trip, from the round's release,
 * which shows where in the round the time went) and
 * prints mean, median, p90, p99 and max of the round-trip time plus the
 * failure count.  With -c it runs the same workload against a second server
 * (same host, port PORT2), prints both summaries side by side, and writes
 * PREFIX-<label>.dat for each.  If gnuplot is installed, PREFIX.png plots
 * the round-trip time by thread id (both servers on one plot with -c).
 */
#include <algorithm>
#include <arpa/inet.h>
#include <barrier>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <vector>

namespace {

struct options {
	std::string host = "127.0.0.1";
	int port = 12345, port2 = 0;
	int threads = 1000, rounds = 10;
	size_t size = 32;
	std::string prefix = "bench";
	std::string label1 = "server1", label2 = "server2";
	bool udp = false;
};

struct sample {
	double connect_us = 0, rtt_us = 0, start_us = 0;
	bool ok = false;
};

struct run_state {
	const options *opt;
	sockaddr_storage addr;
	socklen_t addr_len;
	std::barrier<> *start;
	std::vector<sample> samples; // [round * threads + thread]
	int round;
	double round_start;
};

double now_us()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// The message a thread sends in a round: distinct per thread and round, and
// containing NUL and high bytes so a C-string echo would be caught.
void fill_message(std::vector<unsigned char> &m, int thread, int round)
{
	unsigned x = 2166136261u ^ (thread * 131 + round);
	for (auto &b : m) {
		x = x * 16777619u + 1;
		b = x >> 24;
	}
}

bool send_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= w;
	}
	return true;
}

bool recv_all(int fd, unsigned char *p, size_t n)
{
	while (n) {
		ssize_t r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false; // error, timeout or early EOF
		p += r;
		n -= r;
	}
	return true;
}

sample one_trip(run_state &st, int thread, std::vector<unsigned char> &msg,
		std::vector<unsigned char> &echo)
{
	sample s;
	fill_message(msg, thread, st.round);
	double t0 = now_us();
	s.start_us = t0 - st.round_start;
	const bool udp = st.opt->udp;
	int fd = socket(st.addr.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return s;
	timeval tv{udp ? 2 : 10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, reinterpret_cast<sockaddr *>(&st.addr), st.addr_len) == 0) {
		double t1 = now_us();
		s.connect_us = t1 - t0;
		if (udp) {
			// One datagram each way; echo has room for one byte more,
			// so a longer answer shows.
			if (send(fd, msg.data(), msg.size(), 0) == (ssize_t)msg.size()) {
				ssize_t n;
				do
					n = recv(fd, echo.data(), echo.size(), MSG_TRUNC);
				while (n < 0 && errno == EINTR);
				s.rtt_us = now_us() - t1;
				s.ok = n == (ssize_t)msg.size() &&
				       memcmp(msg.data(), echo.data(), msg.size()) == 0;
				if (!s.ok)
					s.rtt_us = 0;
			}
		} else if (send_all(fd, msg.data(), msg.size()) &&
			   recv_all(fd, echo.data(), echo.size())) {
			s.rtt_us = now_us() - t1;
			s.ok = memcmp(msg.data(), echo.data(), msg.size()) == 0;
		}
	}
	close(fd);
	return s;
}

void *client(void *arg)
{
	auto *args = static_cast<std::pair<run_state *, int> *>(arg);
	run_state &st = *args->first;
	int thread = args->second;
	std::vector<unsigned char> msg(st.opt->size), echo(st.opt->size + (st.opt->udp ? 1 : 0));
	for (int r = 0; r < st.opt->rounds; r++) {
		st.start->arrive_and_wait(); // all threads start the round together
		st.samples[r * st.opt->threads + thread] = one_trip(st, thread, msg, echo);
		st.start->arrive_and_wait(); // round done: main advances st.round
	}
	return nullptr;
}

bool resolve(const options &o, int port, sockaddr_storage &addr, socklen_t &len)
{
	addrinfo hints{}, *res;
	hints.ai_socktype = o.udp ? SOCK_DGRAM : SOCK_STREAM;
	std::string p = std::to_string(port);
	if (getaddrinfo(o.host.c_str(), p.c_str(), &hints, &res) != 0)
		return false;
	memcpy(&addr, res->ai_addr, res->ai_addrlen);
	len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

struct summary {
	double mean, median, p90, p99, max;
	long failures, total;
};

double percentile(const std::vector<double> &sorted, double p)
{
	if (sorted.empty())
		return 0;
	size_t i = std::min(sorted.size() - 1,
			    (size_t)std::ceil(p / 100 * static_cast<double>(sorted.size())) - 1);
	return sorted[i];
}

summary summarize(const std::vector<sample> &s)
{
	std::vector<double> rtt;
	summary r{};
	for (auto &x : s)
		if (x.ok)
			rtt.push_back(x.rtt_us);
	std::sort(rtt.begin(), rtt.end());
	double sum = 0;
	for (double v : rtt)
		sum += v;
	r.total = static_cast<long>(s.size());
	r.failures = static_cast<long>(s.size() - rtt.size());
	r.mean = rtt.empty() ? 0 : sum / static_cast<double>(rtt.size());
	r.median = percentile(rtt, 50);
	r.p90 = percentile(rtt, 90);
	r.p99 = percentile(rtt, 99);
	r.max = rtt.empty() ? 0 : rtt.back();
	return r;
}

// Runs the whole workload against one port; false if it could not start.
bool run(const options &o, int port, std::vector<sample> &out)
{
	run_state st{};
	st.opt = &o;
	if (!resolve(o, port, st.addr, st.addr_len)) {
		fprintf(stderr, "bench: cannot resolve %s\n", o.host.c_str());
		return false;
	}
	std::barrier<> start(o.threads + 1);
	st.start = &start;
	st.samples.assign((size_t)o.threads * o.rounds, sample{});
	std::vector<std::pair<run_state *, int>> args;
	args.reserve(o.threads);
	std::vector<pthread_t> tids(o.threads);
	for (int i = 0; i < o.threads; i++)
		args.emplace_back(&st, i);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (int i = 0; i < o.threads; i++)
		if (pthread_create(&tids[i], &attr, client, &args[i]) != 0) {
			perror("pthread_create");
			exit(1);
		}
	for (int r = 0; r < o.rounds; r++) {
		st.round = r;
		st.round_start = now_us();
		start.arrive_and_wait(); // release the round
		start.arrive_and_wait(); // wait for it to finish
	}
	for (auto t : tids)
		pthread_join(t, nullptr);
	out = std::move(st.samples);
	return true;
}

void write_data(const std::string &path, const std::vector<sample> &s, int threads)
{
	FILE *f = fopen(path.c_str(), "w");
	if (!f) {
		perror(path.c_str());
		return;
	}
	fprintf(f, "# round thread connect_us rtt_us ok start_us\n");
	for (size_t i = 0; i < s.size(); i++)
		fprintf(f, "%zu %zu %.1f %.1f %d %.1f\n", i / threads, i % threads, s[i].connect_us,
			s[i].rtt_us, s[i].ok, s[i].start_us);
	fclose(f);
}

void plot(const options &o, const std::vector<std::pair<std::string, std::string>> &files)
{
	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		return;
	std::string gp = o.prefix + ".gp";
	FILE *f = fopen(gp.c_str(), "w");
	if (!f)
		return;
	fprintf(f, "set terminal pngcairo size 1000,600 noenhanced\nset output '%s.png'\n",
		o.prefix.c_str());
	fprintf(f, "set title '%s echo round trip, %d threads x %d rounds, %zu-byte messages'\n",
		o.udp ? "UDP" : "TCP", o.threads, o.rounds, o.size);
	fprintf(f, "set xlabel 'thread id'\nset ylabel 'round trip (us)'\nset logscale y\n"
		   "set key top left\nplot ");
	for (size_t i = 0; i < files.size(); i++)
		fprintf(f, "%s'%s' using 2:($5 > 0 ? $4 : 1/0) with points pt 7 ps 0.3 title '%s'",
			i ? ", " : "", files[i].second.c_str(), files[i].first.c_str());
	fprintf(f, "\n");
	fclose(f);
	std::string cmd = "gnuplot '" + gp + "'";
	if (system(cmd.c_str()) == 0)
		printf("plot: %s.png\n", o.prefix.c_str());
}

void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-H HOST] [-p PORT] [-t THREADS] [-r ROUNDS] [-s BYTES] [-o PREFIX]\n"
		"          [-c PORT2 [-l LABEL1,LABEL2]] [-u]\n",
		argv0);
}

} // namespace

int main(int argc, char **argv)
{
	options o;
	int opt;
	while ((opt = getopt(argc, argv, "H:p:t:r:s:o:c:l:uh")) != -1) {
		switch (opt) {
		case 'u':
			o.udp = true;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 't':
			o.threads = atoi(optarg);
			break;
		case 'r':
			o.rounds = atoi(optarg);
			break;
		case 's':
			o.size = strtoul(optarg, nullptr, 0);
			break;
		case 'o':
			o.prefix = optarg;
			break;
		case 'c':
			o.port2 = atoi(optarg);
			break;
		case 'l': {
			std::string l = optarg;
			size_t comma = l.find(',');
			if (comma == std::string::npos) {
				usage(argv[0]);
				return 2;
			}
			o.label1 = l.substr(0, comma);
			o.label2 = l.substr(comma + 1);
			break;
		}
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (o.threads <= 0 || o.rounds <= 0 || o.size == 0 || o.port <= 0 || o.port > 65535 ||
	    o.port2 < 0 || o.port2 > 65535) {
		usage(argv[0]);
		return 2;
	}
	rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	std::vector<std::pair<std::string, int>> targets{{o.label1, o.port}};
	if (o.port2)
		targets.emplace_back(o.label2, o.port2);
	std::vector<std::pair<std::string, std::string>> files;
	std::vector<summary> sums;
	for (auto &[label, port] : targets) {
		std::vector<sample> s;
		if (!run(o, port, s))
			return 1;
		std::string path = o.port2 ? o.prefix + "-" + label + ".dat" : o.prefix + ".dat";
		write_data(path, s, o.threads);
		files.emplace_back(label, path);
		sums.push_back(summarize(s));
	}

	printf("bench: %d threads x %d rounds, %zu-byte messages, %s%s\n", o.threads, o.rounds,
	       o.size, o.host.c_str(), o.udp ? ", UDP" : "");
	printf("%-20s %10s %10s %10s %10s %10s %9s\n", "server (port)", "mean_us", "median_us",
	       "p90_us", "p99_us", "max_us", "failures");
	for (size_t i = 0; i < sums.size(); i++) {
		const summary &s = sums[i];
		std::string name =
			targets[i].first + " (" + std::to_string(targets[i].second) + ")";
		printf("%-20s %10.0f %10.0f %10.0f %10.0f %10.0f %5ld/%ld\n", name.c_str(), s.mean,
		       s.median, s.p90, s.p99, s.max, s.failures, s.total);
	}
	if (sums.size() == 2 && sums[1].median > 0 && sums[1].p99 > 0)
		printf("ratio %s/%s: median %.2f, p99 %.2f\n", targets[0].first.c_str(),
		       targets[1].first.c_str(), sums[0].median / sums[1].median,
		       sums[0].p99 / sums[1].p99);
	plot(o, files);
	long failures = 0;
	for (auto &s : sums)
		failures += s.failures;
	return failures ? 1 : 0;
}
