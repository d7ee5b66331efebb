// SPDX-License-Identifier: GPL-2.0-only
/*
 * kboard-tool: drive /dev/kboard from user space for the guest test
 * (scripts/guest-tests/kboard.sh).  One command per run; prints what
 * happened on stdout, one line, and exits 0 unless the arguments are bad.
 *
 *   kboard-tool post TEXT         write(2) TEXT: "ok N" or "err NAME"
 *   kboard-tool read SIZE [SIZE2] one non-blocking read(2) of SIZE bytes:
 *                                 "data <bytes>" or "err NAME"; with SIZE2
 *                                 a second read on the same file, "|" between
 *   kboard-tool readwait MS       a blocking read(2) (a 300-byte buffer),
 *                                 killed by an alarm after MS ms
 *   kboard-tool readall           read until EAGAIN; the posts, one a line
 *   kboard-tool pollwait MS       poll(2) for POLLIN: "ready", "timeout"
 *   kboard-tool stats             ioctl KBOARD_STATS: "total N held N readers N clears N"
 *   kboard-tool clear             ioctl KBOARD_CLEAR: "ok" or "err NAME"
 *   kboard-tool badptr            write, read and ioctl with a pointer user
 *                                 space does not own: "write EFAULT read
 *                                 EFAULT ioctl EFAULT" when all three fail so
 *                                 (a post is made first so the read has data)
 *   kboard-tool badioctl          an unknown command: "err ENOTTY"
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../kboard_uapi.h"

#define KBOARD_STATS _IOR(KBOARD_IOC_TYPE, KBOARD_IOC_STATS, struct kboard_stats)
#define KBOARD_CLEAR _IO(KBOARD_IOC_TYPE, KBOARD_IOC_CLEAR)

static const char *ename(int e)
{
	switch (e) {
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOTTY: return "ENOTTY";
	case EINTR: return "EINTR";
	default: return strerror(e);
	}
}

static int open_board(int flags)
{
	int fd = open("/dev/kboard", flags);

	if (fd < 0) {
		printf("err open %s\n", ename(errno));
		exit(1);
	}
	return fd;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";
	char buf[4096];
	ssize_t n;
	int fd;

	if (!strcmp(cmd, "post")) {
		fd = open_board(O_WRONLY);
		n = write(fd, arg, strlen(arg));
		if (n < 0)
			printf("err %s\n", ename(errno));
		else
			printf("ok %zd\n", n);
	} else if (!strcmp(cmd, "read")) {
		size_t size = strtoul(arg, NULL, 0);
		size_t size2 = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;

		fd = open_board(O_RDONLY | O_NONBLOCK);
		if (size > sizeof(buf) || size2 > sizeof(buf))
			return 2;
		n = read(fd, buf, size);
		if (n < 0)
			printf("err %s", ename(errno));
		else
			printf("data %.*s", (int)n, buf);
		if (size2) {
			n = read(fd, buf, size2);
			if (n < 0)
				printf("|err %s", ename(errno));
			else
				printf("|data %.*s", (int)n, buf);
		}
		printf("\n");
	} else if (!strcmp(cmd, "readwait")) {
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: read fails with EINTR */
		fd = open_board(O_RDONLY);
		printf("waiting\n");
		fflush(stdout);
		ualarm(strtoul(arg, NULL, 0) * 1000, 0);
		n = read(fd, buf, 300);
		if (n < 0)
			printf("err %s\n", ename(errno));
		else
			printf("data %.*s", (int)n, buf);
	} else if (!strcmp(cmd, "readall")) {
		fd = open_board(O_RDONLY | O_NONBLOCK);
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, n, stdout);
		if (errno != EAGAIN)
			printf("err %s\n", ename(errno));
	} else if (!strcmp(cmd, "pollwait")) {
		struct pollfd p;

		fd = open_board(O_RDONLY | O_NONBLOCK);
		/* Read what is there, then wait for something new. */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		p.fd = fd;
		p.events = POLLIN;
		printf("waiting\n");
		fflush(stdout);
		n = poll(&p, 1, atoi(arg));
		if (n < 0)
			printf("err %s\n", ename(errno));
		else
			printf("%s\n", n && (p.revents & POLLIN) ? "ready" : "timeout");
	} else if (!strcmp(cmd, "stats")) {
		struct kboard_stats s;

		fd = open_board(O_RDONLY);
		if (ioctl(fd, KBOARD_STATS, &s) < 0)
			printf("err %s\n", ename(errno));
		else
			printf("total %llu held %u readers %u clears %llu\n", s.posts_total,
			       s.posts_held, s.readers, s.clears);
	} else if (!strcmp(cmd, "clear")) {
		fd = open_board(O_RDONLY);
		if (ioctl(fd, KBOARD_CLEAR) < 0)
			printf("err %s\n", ename(errno));
		else
			printf("ok\n");
	} else if (!strcmp(cmd, "badptr")) {
		/* An address in the NULL page: never mapped (volatile: opaque to gcc). */
		void *volatile opaque = (void *)16;
		void *bad = opaque;
		int w, r, i;

		fd = open_board(O_RDWR | O_NONBLOCK);
		w = write(fd, bad, 5) < 0 ? errno : 0;
		if (write(fd, "x", 1) != 1)
			return 3;
		r = read(fd, bad, 100) < 0 ? errno : 0;
		i = ioctl(fd, KBOARD_STATS, bad) < 0 ? errno : 0;
		printf("write %s read %s ioctl %s\n", w ? ename(w) : "ok", r ? ename(r) : "ok",
		       i ? ename(i) : "ok");
	} else if (!strcmp(cmd, "badioctl")) {
		fd = open_board(O_RDONLY);
		if (ioctl(fd, _IO(KBOARD_IOC_TYPE, 99)) < 0)
			printf("err %s\n", ename(errno));
		else
			printf("ok\n");
	} else {
		fprintf(stderr, "usage: kboard-tool post|read|readwait|readall|pollwait|stats|clear|badptr|badioctl [arg]\n");
		return 2;
	}
	close(fd);
	return 0;
}
