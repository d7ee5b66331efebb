// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: find a TCP socket by its 4-tuple in a network namespace and
 * destroy it, or destroy every socket of the namespace's established hash
 * that a match function picks (kstd_tcp_destroy_matching()).  Compiled as kstd-tcp_diag.o, linked only
 * into modules that call it (kstd.mk); prototypes
 * in <kstd/bindings/tcp_diag.h>.
 *
 * Why C: the established-hash lookups and the TIME-WAIT socket are static
 * inlines over struct net, inet_hashinfo and inet_timewait_sock, and the
 * hash walk iterates hlist_nulls chains under inet_ehash_lockp().
 *
 * This is what sock_diag's SOCK_DESTROY (`ss -K`) does for one socket:
 * inet_diag_find_one_icsk() + tcp_abort(), with the kernel drift kept
 * here:
 *  - the established-hash lookups take the hash table as an argument,
 *    the namespace's own one, net->ipv4.tcp_death_row.hashinfo (per-netns
 *    ehash, 6.1, the oldest kernel kstd supports), until upstream dropped
 *    that argument ("tcp: Don't pass hashinfo to socket lookup helpers",
 *    net-next, August 2025): KSTD_HAVE_INET{,6}_LOOKUP_HASHINFO from
 *    kstd.mk, which reads the declarations.  Their net argument became
 *    const after 6.1 (a non-const one fits both);
 *  - tcp_abort() learned TIME-WAIT sockets after 6.1 (6.1's returns
 *    -EOPNOTSUPP for them), so TIME-WAIT is always handled here, the way
 *    6.12's tcp_abort() does it;
 *  - before 6.11 (commit bac76cf89816, "tcp: fix forever orphan socket
 *    caused by tcp_abort"), tcp_abort() on an orphaned socket purged its
 *    write queue without closing it, leaving a socket nothing frees: such
 *    sockets are refused there.  That fix changed net/ipv4/tcp.c only,
 *    so no header tells whether a kernel has it, and this one test stays
 *    a version number.  It errs on the safe side: a kernel with the fix
 *    backported (Debian's 6.1 since 6.1.132, per its changelog) still
 *    refuses orphans, where the opposite mistake would strand a socket.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/version.h>
#include <net/inet_hashtables.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/inet6_hashtables.h>
#endif

#define KSTD_TCP_STATE_CHECK(s)						\
	static_assert((int)KSTD_TCP_##s == (int)TCP_##s, "kstd_tcp_state: TCP_" #s)
KSTD_TCP_STATE_CHECK(ESTABLISHED);
KSTD_TCP_STATE_CHECK(SYN_SENT);
KSTD_TCP_STATE_CHECK(SYN_RECV);
KSTD_TCP_STATE_CHECK(FIN_WAIT1);
KSTD_TCP_STATE_CHECK(FIN_WAIT2);
KSTD_TCP_STATE_CHECK(TIME_WAIT);
KSTD_TCP_STATE_CHECK(CLOSE);
KSTD_TCP_STATE_CHECK(CLOSE_WAIT);
KSTD_TCP_STATE_CHECK(LAST_ACK);
KSTD_TCP_STATE_CHECK(LISTEN);
KSTD_TCP_STATE_CHECK(CLOSING);
KSTD_TCP_STATE_CHECK(NEW_SYN_RECV);
#undef KSTD_TCP_STATE_CHECK

/* The established-hash lookups, for an incoming segment: the source is the peer. */
static struct sock *kstd_tcp_lookup4(struct net *net, __be32 saddr, __be16 sport,
				     __be32 daddr, __be16 dport, int ifindex)
{
#ifdef KSTD_HAVE_INET_LOOKUP_HASHINFO
	return __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo, saddr, sport,
					 daddr, ntohs(dport), ifindex, 0);
#else
	return __inet_lookup_established(net, saddr, sport, daddr, ntohs(dport), ifindex, 0);
#endif
}

#if IS_ENABLED(CONFIG_IPV6)
static struct sock *kstd_tcp_lookup6(struct net *net, const struct in6_addr *saddr,
				     __be16 sport, const struct in6_addr *daddr, __be16 dport,
				     int ifindex)
{
#ifdef KSTD_HAVE_INET6_LOOKUP_HASHINFO
	return __inet6_lookup_established(net, net->ipv4.tcp_death_row.hashinfo, saddr, sport,
					  daddr, ntohs(dport), ifindex, 0);
#else
	return __inet6_lookup_established(net, saddr, sport, daddr, ntohs(dport), ifindex, 0);
#endif
}
#endif

/*
 * One end of a connection: an IPv4 address (an IPv4-mapped IPv6 one
 * included), or an IPv6 one.  Ports stay in network order.
 */
struct kstd_tcp_end {
	int family;
	__be32 v4;
	struct in6_addr v6;
	__be16 port;
};

static int kstd_tcp_end(const struct kstd_sockaddr *sa, struct kstd_tcp_end *end)
{
	memcpy(&end->port, sa->port, sizeof(end->port));
	switch (sa->family) {
	case AF_INET:
		end->family = AF_INET;
		memcpy(&end->v4, sa->u.in4.addr, sizeof(end->v4));
		return 0;
	case AF_INET6:
		memcpy(&end->v6, sa->u.in6.addr, sizeof(end->v6));
		if (ipv6_addr_v4mapped(&end->v6)) {
			end->family = AF_INET;
			end->v4 = end->v6.s6_addr32[3];
		} else {
			end->family = AF_INET6;
		}
		return 0;
	}
	return -EAFNOSUPPORT;
}

struct sock *kstd_tcp_lookup(struct net *net, const struct kstd_sockaddr *local,
			     const struct kstd_sockaddr *peer, int ifindex)
{
	struct kstd_tcp_end l, p;
	struct sock *sk = NULL;

	if (kstd_tcp_end(local, &l) || kstd_tcp_end(peer, &p) || l.family != p.family)
		return ERR_PTR(-EAFNOSUPPORT);
#if !IS_ENABLED(CONFIG_IPV6)
	if (l.family == AF_INET6)
		return ERR_PTR(-EAFNOSUPPORT);
#endif

	rcu_read_lock();
	if (l.family == AF_INET)
		sk = kstd_tcp_lookup4(net, p.v4, p.port, l.v4, l.port, ifindex);
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = kstd_tcp_lookup6(net, &p.v6, p.port, &l.v6, l.port, ifindex);
#endif
	rcu_read_unlock();
	return sk ? sk : ERR_PTR(-ENOENT);
}

int kstd_tcp_state(const struct sock *sk)
{
	return inet_sk_state_load(sk);
}

int kstd_tcp_destroy(struct sock *sk, int err)
{
	int state = inet_sk_state_load(sk);
	int ret;

	might_sleep();
	if (state == TCP_TIME_WAIT) {
		struct inet_timewait_sock *tw = inet_twsk(sk);

		/* inet_twsk_deschedule_put() consumes a reference: its own. */
		refcount_inc(&tw->tw_refcnt);
		/* The ehash lock and the timer are shared with softirqs. */
		local_bh_disable();
		inet_twsk_deschedule_put(tw);
		local_bh_enable();
		return TCP_TIME_WAIT;
	}
	if (state == TCP_CLOSE)
		return -ENOENT;
	/* A version, not a feature: no header shows the fix (see the top). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
	if (sk_fullsock(sk) && sock_flag(sk, SOCK_DEAD))
		return -EBUSY;
#endif
	/* Full sockets under lock_sock(); request sockets dropped from their listener. */
	ret = tcp_abort(sk, err);
	return ret ? ret : state;
}

/* A sockaddr for one end: @v4 or @v6 (network order), @port network order. */
static void kstd_tcp_fill_end(struct kstd_sockaddr *sa, int family, __be32 v4,
			      const struct in6_addr *v6, __be16 port)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = family;
	memcpy(sa->port, &port, sizeof(sa->port));
	if (family == AF_INET)
		memcpy(sa->u.in4.addr, &v4, sizeof(v4));
	else
		memcpy(sa->u.in6.addr, v6, sizeof(*v6));
}

/*
 * What @sk (full, TIME-WAIT or request socket: the fields read are in
 * struct sock_common, as inet_diag reads them) shows the match function.
 * Called under the bucket lock.
 */
static void kstd_tcp_tuple_of(struct sock *sk, struct kstd_tcp_tuple *t)
{
	int family = sk->sk_family;

	t->state = sk->sk_state == TCP_TIME_WAIT ? READ_ONCE(inet_twsk(sk)->tw_substate)
						 : sk->sk_state;
#if IS_ENABLED(CONFIG_IPV6)
	/* A dual-stack socket's IPv4 connection: its v4 fields are set too. */
	if (family == AF_INET6 && ipv6_addr_v4mapped(&sk->sk_v6_daddr))
		family = AF_INET;
	if (family == AF_INET6) {
		kstd_tcp_fill_end(&t->local, AF_INET6, 0, &sk->sk_v6_rcv_saddr,
				  htons(sk->sk_num));
		kstd_tcp_fill_end(&t->peer, AF_INET6, 0, &sk->sk_v6_daddr, sk->sk_dport);
		return;
	}
#endif
	kstd_tcp_fill_end(&t->local, AF_INET, sk->sk_rcv_saddr, NULL, htons(sk->sk_num));
	kstd_tcp_fill_end(&t->peer, AF_INET, sk->sk_daddr, NULL, sk->sk_dport);
}

/* How many sockets one chunk of a bucket walk holds (inet_diag's SKARR_SZ). */
#define KSTD_TCP_CHUNK 16

/*
 * The walk of inet_diag_dump_icsk() (sock_diag's dump, `ss -t`) with the
 * destroy of sock_diag_destroy() (`ss -K`) applied to each socket found:
 * references are taken under the bucket lock, the destroys happen after
 * it is dropped (inet_twsk_deschedule_put() takes that lock itself, and
 * tcp_abort() sleeps in lock_sock()).
 */
void kstd_tcp_destroy_matching(struct net *net, int (*match)(void *ctx,
							     const struct kstd_tcp_tuple *t),
			       void *ctx, int err, unsigned int *destroyed,
			       unsigned int *failed)
{
	struct inet_hashinfo *h = net->ipv4.tcp_death_row.hashinfo;
	unsigned int i;

	might_sleep();
	*destroyed = 0;
	*failed = 0;
	for (i = 0; i <= h->ehash_mask; i++) {
		struct inet_ehash_bucket *head = &h->ehash[i];
		spinlock_t *lock = inet_ehash_lockp(h, i);
		/* Matching sockets of this bucket that stay (refused). */
		unsigned int kept = 0;
		int n;

		if (hlist_nulls_empty(&head->chain))
			continue;
		do {
			struct sock *chunk[KSTD_TCP_CHUNK];
			struct hlist_nulls_node *node;
			unsigned int skip = kept;
			struct sock *sk;
			int j;

			n = 0;
			spin_lock_bh(lock);
			sk_nulls_for_each(sk, node, &head->chain) {
				struct kstd_tcp_tuple t;

				if (!net_eq(sock_net(sk), net))
					continue;
				kstd_tcp_tuple_of(sk, &t);
				if (!match(ctx, &t))
					continue;
				/* Refused ones stay first in the chain's order. */
				if (skip) {
					skip--;
					continue;
				}
				if (!refcount_inc_not_zero(&sk->sk_refcnt))
					continue;
				chunk[n++] = sk;
				if (n == KSTD_TCP_CHUNK)
					break;
			}
			spin_unlock_bh(lock);
			for (j = 0; j < n; j++) {
				int r = kstd_tcp_destroy(chunk[j], err);

				if (r >= 0) {
					(*destroyed)++;
				} else if (r != -ENOENT) {
					(*failed)++;
					kept++;
				}
				sock_gen_put(chunk[j]);
			}
			cond_resched();
		} while (n == KSTD_TCP_CHUNK);
	}
}

int kstd_net_ifindex(struct net *net, const char *name, size_t len)
{
	struct net_device *dev;
	char buf[IFNAMSIZ];
	int ifindex = -ENODEV, n;

	if (!len || len >= sizeof(buf) || memchr(name, '\0', len))
		return -ENODEV;
	memcpy(buf, name, len);
	buf[len] = '\0';
	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, buf);
	if (dev)
		ifindex = dev->ifindex;
	else if (!kstrtoint(buf, 10, &n) && n > 0 && dev_get_by_index_rcu(net, n))
		ifindex = n;
	rcu_read_unlock();
	return ifindex;
}
