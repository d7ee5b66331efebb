/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/socket.h - C helpers for kernel TCP and UDP sockets and their readiness
 * callbacks.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/socket.c.  Errors are negative errnos;
 * -ERESTARTSYS never leaves a helper (it becomes -EINTR: a kernel caller has
 * no syscall to restart).
 */
#ifndef KSTD_BINDINGS_SOCKET_H
#define KSTD_BINDINGS_SOCKET_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct net;
struct page;
struct sock;
struct socket;
struct sockaddr;

/*
 * struct sockaddr_in / sockaddr_in6, spelled without kernel headers.  The
 * layout is the user-space ABI (sockaddr_in6 is 28 bytes); socket.c
 * static_asserts every offset against the kernel's structs, so a pointer to
 * this is a valid struct sockaddr * of either family (and prints with
 * %pISpc).
 */
struct kstd_sockaddr {
	unsigned short family;		/* sa_family_t: AF_INET or AF_INET6 */
	unsigned char port[2];		/* big-endian (network order) */
	union {
		struct {
			unsigned char addr[4];	/* sin_addr, network order */
			unsigned char zero[8];	/* sin_zero */
		} in4;
		struct {
			unsigned int flowinfo;	/* sin6_flowinfo, network order */
			unsigned char addr[16];	/* sin6_addr */
			unsigned int scope_id;	/* sin6_scope_id */
		} in6;
	} u;
};

/* Socket options for kstd_sock_setopt()/kstd_sock_getopt(). */
enum kstd_sockopt {
	KSTD_SOCKOPT_REUSEADDR,		/* SO_REUSEADDR, bool */
	KSTD_SOCKOPT_REUSEPORT,		/* SO_REUSEPORT, bool */
	KSTD_SOCKOPT_V6ONLY,		/* IPV6_V6ONLY, bool, AF_INET6 only, before bind */
	KSTD_SOCKOPT_NODELAY,		/* TCP_NODELAY, bool */
	KSTD_SOCKOPT_CORK,		/* TCP_CORK, bool */
	KSTD_SOCKOPT_SNDBUF,		/* SO_SNDBUF, bytes (the kernel doubles it) */
	KSTD_SOCKOPT_RCVBUF,		/* SO_RCVBUF, bytes (the kernel doubles it) */
	KSTD_SOCKOPT_KEEPALIVE,		/* SO_KEEPALIVE, bool */
	KSTD_SOCKOPT_KEEPIDLE,		/* TCP_KEEPIDLE, seconds */
	KSTD_SOCKOPT_KEEPINTVL,		/* TCP_KEEPINTVL, seconds */
	KSTD_SOCKOPT_KEEPCNT,		/* TCP_KEEPCNT, probes */
	KSTD_SOCKOPT_RCVTIMEO_MS,	/* blocking recv/accept timeout, ms, 0 = none */
	KSTD_SOCKOPT_SNDTIMEO_MS,	/* blocking send/connect timeout, ms, 0 = none */
	KSTD_SOCKOPT_DEFER_ACCEPT,	/* TCP_DEFER_ACCEPT, seconds, listeners */
};

/*
 * Readiness events.  The first three name the socket callbacks a notifier
 * can hook (sk_data_ready, sk_write_space, sk_state_change); the last two
 * are reported with any of them when they hold.
 */
enum {
	KSTD_SOCK_EV_READABLE = 1u << 0,	/* sk_data_ready: data or a connection */
	KSTD_SOCK_EV_WRITABLE = 1u << 1,	/* sk_write_space: a send can progress */
	KSTD_SOCK_EV_STATE = 1u << 2,		/* sk_state_change */
	KSTD_SOCK_EV_HANGUP = 1u << 3,		/* the peer will send no more (FIN/RST) */
	KSTD_SOCK_EV_ERROR = 1u << 4,		/* sk_err is set (reset, unreachable...) */
	KSTD_SOCK_EV_HOOKS = KSTD_SOCK_EV_READABLE | KSTD_SOCK_EV_WRITABLE | KSTD_SOCK_EV_STATE,
};

/*
 * One readiness registration.  Owned by its user (C++ embeds it in
 * kstd::socket_notifier); the helpers fill in everything but fn and ctx.
 * fn(ctx, events) runs in softirq context or with BH disabled, under
 * read_lock_bh(&sk->sk_callback_lock): it must not sleep.  On PREEMPT_RT
 * that is a preemptible thread (softirqs are threads, the rwlock sleeps)
 * with BH still disabled.
 */
struct kstd_sk_notifier {
	void (*fn)(void *ctx, unsigned int events);
	void *ctx;
	struct sock *sk;	/* non-NULL while installed (holds a reference) */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
};

/* --- lifetime: exported, called directly --- */
void sock_release(struct socket *sock) KSTD_NOEXCEPT;
int kernel_listen(struct socket *sock, int backlog) KSTD_NOEXCEPT;

/* --- connection setup --- */
int kstd_sock_create(struct net *net, int family, struct socket **res) KSTD_NOEXCEPT;
int kstd_sock_bind(struct socket *sock, const struct kstd_sockaddr *addr) KSTD_NOEXCEPT;
int kstd_sock_accept(struct socket *sock, struct socket **res, int nonblock) KSTD_NOEXCEPT;
int kstd_sock_connect(struct socket *sock, const struct kstd_sockaddr *addr,
		      int timeout_ms) KSTD_NOEXCEPT;
int kstd_sock_getname(struct socket *sock, struct kstd_sockaddr *addr, int peer) KSTD_NOEXCEPT;

/* --- data: bytes transferred or a negative errno --- */
int kstd_sock_send(struct socket *sock, const void *buf, __SIZE_TYPE__ len,
		   unsigned int msg_flags) KSTD_NOEXCEPT;
int kstd_sock_recv(struct socket *sock, void *buf, __SIZE_TYPE__ len,
		   unsigned int msg_flags) KSTD_NOEXCEPT;
int kstd_sock_send_page(struct socket *sock, struct page *page, __SIZE_TYPE__ offset,
			__SIZE_TYPE__ len, unsigned int msg_flags) KSTD_NOEXCEPT;
int kstd_sock_shutdown(struct socket *sock, int how) KSTD_NOEXCEPT;

/* --- UDP: a datagram socket; sendto/recvfrom with an address --- */
int kstd_udp_create(struct net *net, int family, struct socket **res) KSTD_NOEXCEPT;
int kstd_sock_sendto(struct socket *sock, const void *buf, __SIZE_TYPE__ len,
		     const struct kstd_sockaddr *to, unsigned int msg_flags) KSTD_NOEXCEPT;
/* Returns the datagram's full length (> len: it was cut), -ESHUTDOWN after shutdown. */
int kstd_sock_recvfrom(struct socket *sock, void *buf, __SIZE_TYPE__ len,
		       struct kstd_sockaddr *from, unsigned int msg_flags) KSTD_NOEXCEPT;

/* --- options: enum kstd_sockopt; getopt returns the value or -errno --- */
int kstd_sock_setopt(struct socket *sock, int opt, int val) KSTD_NOEXCEPT;
int kstd_sock_getopt(struct socket *sock, int opt) KSTD_NOEXCEPT;

/* --- readiness callbacks --- */
int kstd_sk_notifier_install(struct kstd_sk_notifier *n, struct socket *sock,
			     unsigned int hooks) KSTD_NOEXCEPT;
void kstd_sk_notifier_remove(struct kstd_sk_notifier *n) KSTD_NOEXCEPT;
int kstd_sock_has_notifier(struct socket *sock) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
