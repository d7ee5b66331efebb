// SPDX-License-Identifier: GPL-2.0-only
/*
 * echo-epoll: an event-driven echo load client.  A few threads (default 2),
 * each with its own epoll instance, hold N TCP connections (default 1000)
 * to an echo server between them.  All connections are opened first; then,
 * released at once, each connection does R round trips (default 10) one
 * after the other: send a message, read until the whole echo is back,
 * compare it byte for byte, record the round trip (send start to last
 * echoed byte).  Unlike bench (examples/kecho/tools/bench.cpp), which
 * spends a thread and a new connection per round trip, this keeps the
 * connections open and the client's own cost low, so the server sees N
 * concurrent connections in a closed loop.
 *
 *   echo-epoll [-H HOST] [-p PORT] [-n CONNS] [-t THREADS] [-r ROUNDS]
 *              [-s BYTES] [-D SECONDS] [-o PREFIX] [-c PORT2 [-l L1,L2]]
 *
 * A connection that fails to connect, errs, sees a wrong echo, or makes no
 * progress for 10 s fails: its remaining round trips count as failures.
 * -D bounds the whole run (default 120 s per server): what is unfinished
 * then counts as failed.  Prints bench's table (mean, median, p90, p99,
 * max of the round trip in microseconds, failures/total) for one server, or
 * two with -c (same host, port PORT2), the first then the second, and with
 * -o writes PREFIX-<label>.dat ("conn round rtt_us ok" per line).  Exits 1
 * when a round trip failed, 2 on a usage or setup error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STALL_US 10e6

struct options {
	const char *host;
	int port, port2;
	int conns, threads, rounds;
	size_t size;
	double duration;
	const char *prefix;
	char label1[64], label2[64];
};

struct conn {
	int fd;
	int id;
	int round;
	size_t sent, got;
	double t_send, t_progress;
	bool connected, dead;
	unsigned char *msg, *echo;
};

struct run {
	const struct options *o;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	double *rtt;	/* [conn * rounds + round], < 0: failed */
	pthread_barrier_t ready;
};

struct worker {
	struct run *run;
	int first, count; /* this thread's connections */
	pthread_t tid;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Distinct per connection and round, with NUL and high bytes. */
static void fill_message(unsigned char *m, size_t n, int conn, int round)
{
	unsigned int x = 2166136261u ^ (unsigned int)(conn * 131 + round);

	for (size_t i = 0; i < n; i++) {
		x = x * 16777619u + 1;
		m[i] = x >> 24;
	}
}

static void fail_rest(struct run *r, struct conn *c)
{
	for (int k = c->round; k < r->o->rounds; k++)
		r->rtt[(size_t)c->id * r->o->rounds + k] = -1;
	c->round = r->o->rounds;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->dead = true;
}

static void start_trip(struct run *r, struct conn *c)
{
	fill_message(c->msg, r->o->size, c->id, c->round);
	c->sent = 0;
	c->got = 0;
	c->t_send = now_us();
	c->t_progress = c->t_send;
}

/* Sends and receives what the socket allows; false when the connection
 * failed. */
static bool step(struct run *r, struct conn *c, int epfd)
{
	size_t n = r->o->size;

	while (c->sent < n) {
		ssize_t w = send(c->fd, c->msg + c->sent, n - c->sent, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return true; /* EPOLLOUT will come */
		if (w <= 0)
			return false;
		c->sent += w;
		c->t_progress = now_us();
	}
	for (;;) {
		ssize_t g = recv(c->fd, c->echo + c->got, n - c->got, 0);

		if (g < 0 && errno == EINTR)
			continue;
		if (g < 0 && errno == EAGAIN)
			return true;
		if (g <= 0)
			return false; /* error or early EOF */
		c->got += g;
		c->t_progress = now_us();
		if (c->got < n)
			continue;
		if (memcmp(c->msg, c->echo, n) != 0)
			return false;
		r->rtt[(size_t)c->id * r->o->rounds + c->round] = c->t_progress - c->t_send;
		if (++c->round == r->o->rounds) {
			epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			c->fd = -1;
			return true;
		}
		start_trip(r, c);
		return step(r, c, epfd);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	const struct options *o = r->o;
	struct conn *cs = calloc(w->count, sizeof(*cs));
	struct epoll_event ev, evs[256];
	int epfd = epoll_create1(EPOLL_CLOEXEC), left = 0, pending = 0;

	if (!cs || epfd < 0) {
		perror("echo-epoll: setup");
		exit(2);
	}
	/* Open every connection first (non-blocking connects). */
	for (int i = 0; i < w->count; i++) {
		struct conn *c = &cs[i];

		c->id = w->first + i;
		c->msg = malloc(o->size);
		c->echo = malloc(o->size);
		if (!c->msg || !c->echo) {
			perror("echo-epoll: malloc");
			exit(2);
		}
		c->fd = socket(r->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			fail_rest(r, c);
			continue;
		}
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		if (connect(c->fd, (struct sockaddr *)&r->addr, r->addr_len) < 0 &&
		    errno != EINPROGRESS) {
			fail_rest(r, c);
			continue;
		}
		ev.events = EPOLLOUT;
		ev.data.ptr = c;
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
		pending++;
	}
	double until = now_us() + STALL_US;

	while (pending > 0 && now_us() < until) {
		int n = epoll_wait(epfd, evs, 256, 100);

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int err = 0;
			socklen_t len = sizeof(err);

			getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
			epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
			pending--;
			if (err)
				fail_rest(r, c);
			else
				c->connected = true;
		}
	}
	for (int i = 0; i < w->count; i++)
		if (!cs[i].connected && !cs[i].dead)
			fail_rest(r, &cs[i]);

	pthread_barrier_wait(&r->ready);
	double deadline = now_us() + o->duration * 1e6;

	for (int i = 0; i < w->count; i++) {
		struct conn *c = &cs[i];

		if (c->dead)
			continue;
		ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
		ev.data.ptr = c;
		epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
		left++;
		start_trip(r, c);
		if (!step(r, c, epfd))
			fail_rest(r, c);
	}
	while (left > 0) {
		int n = epoll_wait(epfd, evs, 256, 100);
		double t = now_us();

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->fd >= 0 && !step(r, c, epfd))
				fail_rest(r, c);
		}
		left = 0;
		for (int i = 0; i < w->count; i++) {
			struct conn *c = &cs[i];

			if (c->fd < 0)
				continue;
			if (t > deadline || t - c->t_progress > STALL_US)
				fail_rest(r, c);
			else
				left++;
		}
	}
	for (int i = 0; i < w->count; i++) {
		free(cs[i].msg);
		free(cs[i].echo);
	}
	free(cs);
	close(epfd);
	return NULL;
}

struct summary {
	double mean, median, p90, p99, max;
	long failures, total;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);

	return n ? v[i < n ? i : n - 1] : 0;
}

static struct summary run_one(const struct options *o, int port, const char *label)
{
	struct run r = { .o = o };
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	char portstr[16];
	size_t total = (size_t)o->conns * o->rounds, n = 0;
	struct worker *ws = calloc(o->threads, sizeof(*ws));
	double *ok = malloc(total * sizeof(double));
	struct summary s = { 0 };

	snprintf(portstr, sizeof(portstr), "%d", port);
	if (getaddrinfo(o->host, portstr, &hints, &ai) != 0) {
		fprintf(stderr, "echo-epoll: cannot resolve %s\n", o->host);
		exit(2);
	}
	memcpy(&r.addr, ai->ai_addr, ai->ai_addrlen);
	r.addr_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	r.rtt = calloc(total, sizeof(double));
	if (!ws || !ok || !r.rtt) {
		perror("echo-epoll: malloc");
		exit(2);
	}
	pthread_barrier_init(&r.ready, NULL, o->threads + 1);
	for (int i = 0, first = 0; i < o->threads; i++) {
		ws[i].run = &r;
		ws[i].first = first;
		ws[i].count = o->conns / o->threads + (i < o->conns % o->threads);
		first += ws[i].count;
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]) != 0) {
			perror("echo-epoll: pthread_create");
			exit(2);
		}
	}
	pthread_barrier_wait(&r.ready); /* every connection is open (or failed) */
	for (int i = 0; i < o->threads; i++)
		pthread_join(ws[i].tid, NULL);

	if (o->prefix) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s-%s.dat", o->prefix, label);
		f = fopen(path, "w");
		if (!f) {
			perror(path);
			exit(2);
		}
		fprintf(f, "# conn round rtt_us ok\n");
		for (size_t i = 0; i < total; i++)
			fprintf(f, "%zu %zu %.1f %d\n", i / o->rounds, i % o->rounds,
				r.rtt[i] > 0 ? r.rtt[i] : 0, r.rtt[i] > 0);
		fclose(f);
	}
	for (size_t i = 0; i < total; i++) {
		if (r.rtt[i] > 0) {
			ok[n++] = r.rtt[i];
			s.mean += r.rtt[i];
		}
	}
	qsort(ok, n, sizeof(double), cmp_double);
	s.total = (long)total;
	s.failures = (long)(total - n);
	if (n) {
		s.mean /= (double)n;
		s.median = pct(ok, n, 50);
		s.p90 = pct(ok, n, 90);
		s.p99 = pct(ok, n, 99);
		s.max = ok[n - 1];
	}
	pthread_barrier_destroy(&r.ready);
	free(r.rtt);
	free(ok);
	free(ws);
	return s;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-H HOST] [-p PORT] [-n CONNS] [-t THREADS] [-r ROUNDS] [-s BYTES]\n"
		"          [-D SECONDS] [-o PREFIX] [-c PORT2 [-l LABEL1,LABEL2]]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = { .host = "127.0.0.1", .port = 12345, .conns = 1000,
			     .threads = 2, .rounds = 10, .size = 32, .duration = 120 };
	struct summary s[2];
	struct rlimit rl;
	int opt, ports[2], n = 1;
	const char *labels[2];
	long failures = 0;

	strcpy(o.label1, "server1");
	strcpy(o.label2, "server2");
	while ((opt = getopt(argc, argv, "H:p:n:t:r:s:D:o:c:l:h")) != -1) {
		switch (opt) {
		case 'H':
			o.host = optarg;
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 'n':
			o.conns = atoi(optarg);
			break;
		case 't':
			o.threads = atoi(optarg);
			break;
		case 'r':
			o.rounds = atoi(optarg);
			break;
		case 's':
			o.size = strtoul(optarg, NULL, 10);
			break;
		case 'D':
			o.duration = atof(optarg);
			break;
		case 'o':
			o.prefix = optarg;
			break;
		case 'c':
			o.port2 = atoi(optarg);
			break;
		case 'l': {
			const char *comma = strchr(optarg, ',');

			if (!comma || comma - optarg >= 64 || strlen(comma + 1) >= 64)
				usage(argv[0]);
			snprintf(o.label1, sizeof(o.label1), "%.*s", (int)(comma - optarg), optarg);
			snprintf(o.label2, sizeof(o.label2), "%s", comma + 1);
			break;
		}
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || o.conns < 1 || o.threads < 1 || o.threads > o.conns ||
	    o.rounds < 1 || o.size < 1 || o.duration <= 0)
		usage(argv[0]);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)o.conns + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ports[0] = o.port;
	labels[0] = o.port2 ? o.label1 : "server";
	if (o.port2) {
		ports[1] = o.port2;
		labels[1] = o.label2;
		n = 2;
	}
	for (int i = 0; i < n; i++) {
		s[i] = run_one(&o, ports[i], labels[i]);
		failures += s[i].failures;
	}
	printf("echo-epoll: %d connections x %d rounds, %d threads, %zu-byte messages, %s\n",
	       o.conns, o.rounds, o.threads, o.size, o.host);
	printf("%-20s %10s %10s %10s %10s %10s %9s\n", "server (port)", "mean_us", "median_us",
	       "p90_us", "p99_us", "max_us", "failures");
	for (int i = 0; i < n; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s (%d)", labels[i], ports[i]);
		printf("%-20s %10.0f %10.0f %10.0f %10.0f %10.0f %5ld/%ld\n", name, s[i].mean,
		       s[i].median, s[i].p90, s[i].p99, s[i].max, s[i].failures, s[i].total);
	}
	if (n == 2 && s[1].median > 0 && s[1].p99 > 0)
		printf("ratio %s/%s: median %.2f, p99 %.2f\n", labels[0], labels[1],
		       s[0].median / s[1].median, s[0].p99 / s[1].p99);
	return failures ? 1 : 0;
}
