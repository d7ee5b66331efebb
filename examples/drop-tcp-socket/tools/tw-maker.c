// SPDX-License-Identifier: GPL-2.0-only
/*
 * tw-maker: make N TIME-WAIT sockets on loopback quickly (the guest test
 * compiles it; Python is too slow under emulation to make thousands within
 * TIME-WAIT's 60 s).  Two phases: first all N connections are made and
 * held (the slow part, ~30 ms each in the emulated debug guest, but no
 * timer runs on an established socket), then all are closed, client first
 * and the server after the client's FIN, so each client socket is left in
 * TIME-WAIT; the 60 s of TIME-WAIT start only in this second, fast phase.
 * Held at once, the N client ports are distinct.
 *
 *     tw-maker 4|6 N PORT [wait]  towards 127.0.0.1:PORT or [::1]:PORT;
 *                                 with "wait", print "ready" once the N
 *                                 are connected and close them only after
 *                                 a line on stdin (so several makers close
 *                                 at the same moment)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct rlimit rl;
	socklen_t len;
	int v6, n, port, lst, one = 1, i;
	int *fds;
	char b;

	if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "wait")))
		return fprintf(stderr, "usage: tw-maker 4|6 N PORT [wait]\n"), 2;
	v6 = atoi(argv[1]) == 6;
	n = atoi(argv[2]);
	port = atoi(argv[3]);
	fds = calloc(2 * (size_t)n + 1, sizeof(*fds));
	if (n <= 0 || !fds)
		return fprintf(stderr, "bad N\n"), 2;
	/* Two descriptors a connection, held at once. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 2 * (rlim_t)n + 64) {
		rl.rlim_cur = 2 * (rlim_t)n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return perror("setrlimit"), 1;
	}
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
	for (i = 0; i < n; i++) {
		int c = socket(ss.ss_family, SOCK_STREAM, 0), s;

		if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
			return perror("connect"), 1;
		s = accept(lst, NULL, NULL);
		if (s < 0)
			return perror("accept"), 1;
		fds[2 * i] = c;
		fds[2 * i + 1] = s;
	}
	close(lst);
	if (argc == 5) {
		printf("ready\n");
		fflush(stdout);
		if (read(0, &b, 1) != 1)
			return fprintf(stderr, "no go\n"), 1;
	}
	for (i = 0; i < n; i++)
		close(fds[2 * i]);
	for (i = 0; i < n; i++) {
		if (read(fds[2 * i + 1], &b, 1) != 0)
			return fprintf(stderr, "expected EOF\n"), 1;
		close(fds[2 * i + 1]);
	}
	return 0;
}
