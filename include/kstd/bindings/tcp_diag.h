/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/tcp_diag.h - C helpers to find a TCP socket by its 4-tuple
 * in a network namespace and destroy it (TIME-WAIT: deschedule and free;
 * any other state: abort, as sock_diag's SOCK_DESTROY does).
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/tcp_diag.c; every difference between
 * kernel versions (the lookup functions' signatures, tcp_abort()'s
 * handling of TIME-WAIT and orphaned sockets) is handled there.
 */
#ifndef KSTD_BINDINGS_TCP_DIAG_H
#define KSTD_BINDINGS_TCP_DIAG_H

#include <kstd/bindings/socket.h> /* struct kstd_sockaddr, in struct kstd_tcp_tuple */

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct net;
struct sock;

/*
 * TCP states, numbered as the kernel's enum in <net/tcp_states.h> (and in
 * /proc/net/tcp's "st" column, in hex); tcp_diag.c static_asserts each.
 */
enum kstd_tcp_state {
	KSTD_TCP_ESTABLISHED = 1,
	KSTD_TCP_SYN_SENT = 2,
	KSTD_TCP_SYN_RECV = 3,
	KSTD_TCP_FIN_WAIT1 = 4,
	KSTD_TCP_FIN_WAIT2 = 5,
	KSTD_TCP_TIME_WAIT = 6,
	KSTD_TCP_CLOSE = 7,
	KSTD_TCP_CLOSE_WAIT = 8,
	KSTD_TCP_LAST_ACK = 9,
	KSTD_TCP_LISTEN = 10,
	KSTD_TCP_CLOSING = 11,
	KSTD_TCP_NEW_SYN_RECV = 12,
};

/*
 * The TCP socket in @net whose local end is @local and whose peer is @peer
 * (both AF_INET, or both AF_INET6; IPv4-mapped IPv6 addresses are looked
 * up as the IPv4 connection they stand for), seen on interface @ifindex:
 * a socket bound to another interface does not match, one bound to none
 * always does (0: only sockets bound to no interface match).  Only
 * connected sockets match
 * (the established hash: SYN-SENT to TIME-WAIT, and request sockets),
 * never a listener.  Returns the socket with a reference held (release it
 * with sock_gen_put()), or an ERR_PTR: -ENOENT (no such socket),
 * -EAFNOSUPPORT (unknown or mixed families; IPv6 without CONFIG_IPV6).
 * Any context (takes rcu_read_lock itself).
 */
struct sock *kstd_tcp_lookup(struct net *net, const struct kstd_sockaddr *local,
			     const struct kstd_sockaddr *peer, int ifindex) KSTD_NOEXCEPT;

/* The socket's state (enum kstd_tcp_state).  Any context. */
int kstd_tcp_state(const struct sock *sk) KSTD_NOEXCEPT;

/*
 * Destroy a socket returned by kstd_tcp_lookup().  TIME-WAIT: descheduled
 * and freed now (inet_twsk_deschedule_put()).  Any other state:
 * tcp_abort(sk, @err) (under the socket lock: a reset to the peer if the
 * state needs one, @err (a positive errno such as ECONNABORTED) to the
 * local owner, the socket closed).  Returns the state the socket was in
 * (KSTD_TCP_*), or -ENOENT if it closed meanwhile, or -EBUSY for an
 * orphaned socket (closed by its owner, still sending: FIN-WAIT-1, CLOSING,
 * LAST-ACK) on kernels before 6.11, whose tcp_abort() would strand it.
 * The caller's reference is not consumed.  Process context, may sleep.
 */
int kstd_tcp_destroy(struct sock *sk, int err) KSTD_NOEXCEPT;

/*
 * A socket of the established hash as kstd_tcp_destroy_matching() shows
 * it to its match function: the state as `ss` shows it (a TIME-WAIT
 * minisocket's substate, so FIN-WAIT-2 for one that became a minisocket
 * in FIN-WAIT-2; KSTD_TCP_NEW_SYN_RECV for a request socket), the local
 * and the peer end (an IPv4 connection of a dual-stack socket as IPv4).
 */
struct kstd_tcp_tuple {
	int state;
	struct kstd_sockaddr local;
	struct kstd_sockaddr peer;
};

/*
 * Destroy every socket of @net's established hash (SYN-SENT to TIME-WAIT,
 * request sockets; never a listener) for which @match(@ctx, tuple)
 * returns non-zero, as kstd_tcp_destroy(sk, @err) does one.  The hash is
 * walked a bucket at a time: under the bucket's lock (BH off) at most 16
 * matching sockets are referenced, the lock is dropped, they are destroyed
 * and released, and the bucket is walked again if there may be more;
 * cond_resched() between chunks.  @match runs under that spinlock: it must
 * not sleep.  *@destroyed counts the sockets destroyed, *@failed those
 * kstd_tcp_destroy() refused (-EBUSY: they stay, and are not retried);
 * sockets that closed meanwhile count in neither.  Process context, may
 * sleep.
 */
void kstd_tcp_destroy_matching(struct net *net, int (*match)(void *ctx,
							     const struct kstd_tcp_tuple *t),
			       void *ctx, int err, unsigned int *destroyed,
			       unsigned int *failed) KSTD_NOEXCEPT;

/* The reference kstd_tcp_lookup() returned (exported, called directly). */
void sock_gen_put(struct sock *sk) KSTD_NOEXCEPT;

/*
 * The index of the interface named by the @len bytes at @name in @net
 * ("lo", "eth0"), or, if there is none and @name is all digits, that
 * number if it is an interface index in @net.  -ENODEV if neither.  Any
 * context.
 */
int kstd_net_ifindex(struct net *net, const char *name, __SIZE_TYPE__ len) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
