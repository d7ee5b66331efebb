// SPDX-License-Identifier: GPL-2.0-only
/*
 * tw-maker: make N TIME-WAIT sockets on loopback quickly (the guest test
 * compiles it; Python is too slow under emulation to make thousands within
 * TIME-WAIT's 60 s).  The client closes first, the server closes after the
 * client's FIN, so each client socket is left in TIME-WAIT.  On loopback
 * connect() may reuse a TIME-WAIT socket's tuple (tcp_tw_reuse), so client
 * ports are counted until N are distinct.
 *
 *     tw-maker 4|6 N PORT      towards 127.0.0.1:PORT or [::1]:PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static unsigned char seen[65536];
	struct sockaddr_storage ss;
	socklen_t len;
	int v6, n, port, lst, one = 1, made = 0, tries = 0;

	if (argc != 4)
		return fprintf(stderr, "usage: tw-maker 4|6 N PORT\n"), 2;
	v6 = atoi(argv[1]) == 6;
	n = atoi(argv[2]);
	port = atoi(argv[3]);
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	}
	lst = socket(ss.ss_family, SOCK_STREAM, 0);
	setsockopt(lst, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lst < 0 || bind(lst, (struct sockaddr *)&ss, len) || listen(lst, 128))
		return perror("listener"), 1;
	while (made < n && tries++ < 4 * n) {
		struct sockaddr_storage me;
		socklen_t ml = sizeof(me);
		int c = socket(ss.ss_family, SOCK_STREAM, 0), s;
		char b;

		if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
			return perror("connect"), 1;
		s = accept(lst, NULL, NULL);
		if (s < 0 || getsockname(c, (struct sockaddr *)&me, &ml))
			return perror("accept"), 1;
		port = ntohs(v6 ? ((struct sockaddr_in6 *)&me)->sin6_port
				: ((struct sockaddr_in *)&me)->sin_port);
		close(c);
		if (read(s, &b, 1) != 0)
			return fprintf(stderr, "expected EOF\n"), 1;
		close(s);
		if (!seen[port]) {
			seen[port] = 1;
			made++;
		}
	}
	close(lst);
	return made == n ? 0 : (fprintf(stderr, "made %d of %d\n", made, n), 1);
}
