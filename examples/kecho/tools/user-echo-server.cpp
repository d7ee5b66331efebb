// SPDX-License-Identifier: GPL-2.0-only
/*
 * user-echo-server: the user-space counterpart of kecho, for comparison.
 *
 * One thread, one epoll instance, edge-triggered: every readiness event is
 * drained until EAGAIN (accept and read alike), and whatever was read is
 * echoed back exactly.  Bytes the socket cannot take yet stay in a
 * per-connection buffer and are flushed on EPOLLOUT, so a slow reader never
 * loses data and never blocks the loop.  Quiet unless -v.
 *
 * With -u it also echoes UDP on the same port, as kecho does with udp=1:
 * one socket in the same epoll set, drained until EAGAIN on each event,
 * each datagram sent back whole to its sender (a blocking send, as kecho's
 * work does), with the same 4 MiB buffers each way.
 *
 *   user-echo-server [-p PORT] [-b BACKLOG] [-u] [-v]
 */
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>

namespace {

bool verbose;
volatile sig_atomic_t stop_requested;

struct connection {
	int fd;
	std::string pending; // read but not yet written back
	bool peer_done;	     // peer sent FIN: close once pending is flushed
};

void die(const char *what)
{
	perror(what);
	exit(1);
}

int listen_on(int port, int backlog)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	int one = 1, zero = 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)); // IPv4 too
	sockaddr_in6 addr{};
	addr.sin6_family = AF_INET6;
	addr.sin6_addr = in6addr_any;
	addr.sin6_port = htons(port);
	if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0)
		die("bind");
	if (listen(fd, backlog) < 0)
		die("listen");
	return fd;
}

// A dual-stack UDP socket on @port with kecho's buffer sizes (forced: root).
int udp_on(int port)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("udp socket");
	int zero = 0, size = 4 << 20;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	sockaddr_in6 addr{};
	addr.sin6_family = AF_INET6;
	addr.sin6_addr = in6addr_any;
	addr.sin6_port = htons(port);
	if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0)
		die("udp bind");
	return fd;
}

// Echoes every queued datagram to its sender, until EAGAIN.
void udp_drain(int fd)
{
	static char buf[65536];
	for (;;) {
		sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				     reinterpret_cast<sockaddr *>(&from), &len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK && verbose)
				perror("recvfrom");
			return;
		}
		if (sendto(fd, buf, n, 0, reinterpret_cast<sockaddr *>(&from), len) < 0 && verbose)
			perror("sendto");
	}
}

// Writes as much of c.pending as the socket takes. False: connection is dead.
bool flush(connection &c)
{
	size_t off = 0;
	while (off < c.pending.size()) {
		ssize_t n =
			send(c.fd, c.pending.data() + off, c.pending.size() - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		return false;
	}
	c.pending.erase(0, off);
	return true;
}

// Reads until EAGAIN, echoing as it goes. False: closed or failed.
bool drain(connection &c)
{
	char buf[16384];
	for (;;) {
		ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
		if (n > 0) {
			c.pending.append(buf, n);
			if (!flush(c))
				return false;
			continue;
		}
		if (n == 0) { // orderly close: finish echoing what we have first
			c.peer_done = true;
			return true;
		}
		if (errno == EINTR)
			continue;
		return errno == EAGAIN || errno == EWOULDBLOCK;
	}
}

} // namespace

int main(int argc, char **argv)
{
	int port = 12345, backlog = 128, opt;
	bool udp = false;
	while ((opt = getopt(argc, argv, "p:b:uvh")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			backlog = atoi(optarg);
			break;
		case 'u':
			udp = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-p PORT] [-b BACKLOG] [-u] [-v]\n", argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (port <= 0 || port > 65535 || backlog <= 0) {
		fprintf(stderr, "invalid port or backlog\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa {};
	sa.sa_handler = [](int) { stop_requested = 1; };
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);

	int lfd = listen_on(port, backlog);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	epoll_event ev{};
	ev.events = EPOLLIN | EPOLLET;
	ev.data.fd = lfd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		die("epoll_ctl");
	int ufd = udp ? udp_on(port) : -1;
	if (udp) {
		epoll_event uev{};
		uev.events = EPOLLIN | EPOLLET;
		uev.data.fd = ufd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &uev) < 0)
			die("epoll_ctl udp");
	}
	if (verbose)
		fprintf(stderr, "listening on port %d%s\n", port, udp ? " (TCP and UDP)" : "");

	std::unordered_map<int, connection> conns;
	epoll_event events[256];
	while (!stop_requested) {
		int n = epoll_wait(ep, events, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			if (fd == ufd) {
				udp_drain(ufd);
				continue;
			}
			if (fd == lfd) {
				for (;;) { // edge-triggered: accept until EAGAIN
					int c = accept4(lfd, nullptr, nullptr,
							SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (c < 0) {
						if (errno == EINTR || errno == ECONNABORTED)
							continue;
						if (errno != EAGAIN && errno != EWOULDBLOCK &&
						    verbose)
							perror("accept4");
						break;
					}
					epoll_event cev{};
					cev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
					cev.data.fd = c;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) {
						close(c);
						continue;
					}
					conns.emplace(c, connection{c, {}, false});
				}
				continue;
			}
			auto it = conns.find(fd);
			if (it == conns.end())
				continue;
			bool alive = !(events[i].events & EPOLLERR);
			if (alive && (events[i].events & EPOLLOUT))
				alive = flush(it->second);
			if (alive && (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)))
				alive = drain(it->second);
			if (alive && it->second.peer_done && it->second.pending.empty())
				alive = false;
			if (!alive) {
				close(fd); // also removes it from the epoll set
				conns.erase(it);
			}
		}
	}
	for (auto &[fd, c] : conns)
		close(fd);
	close(lfd);
	if (udp)
		close(ufd);
	close(ep);
	return 0;
}
