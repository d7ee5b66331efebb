// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: kernel TCP and UDP sockets and their readiness callbacks.
 * Compiled as kstd-socket.o, linked only
 * into modules that call it (kstd.mk); prototypes in
 * <kstd/bindings/socket.h>.
 *
 * Why C: struct sock's fields (sk_callback_lock, sk_user_data, the
 * sk_data_ready family, sk_net_refcnt) and the TCP option accessors
 * (tcp_sk(), inet_csk(), keepalive_time_when()) are inlines and structs
 * C++ cannot see.  Copies of kernel internals here, each with a KUnit case:
 * the netns reference upgrade on kernels without sk_net_refcnt_upgrade()
 * and retrans_to_secs() (see their comments).
 */
#include <linux/bvec.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/sockptr.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

/* struct kstd_sockaddr is sockaddr_in and sockaddr_in6 at once. */
static_assert(sizeof(struct kstd_sockaddr) == sizeof(struct sockaddr_in6) &&
	      __alignof__(struct kstd_sockaddr) == __alignof__(struct sockaddr_in6),
	      "kstd_sockaddr size");
static_assert(offsetof(struct kstd_sockaddr, family) == offsetof(struct sockaddr_in, sin_family) &&
	      offsetof(struct kstd_sockaddr, port) == offsetof(struct sockaddr_in, sin_port) &&
	      offsetof(struct kstd_sockaddr, u.in4.addr) == offsetof(struct sockaddr_in, sin_addr) &&
	      offsetof(struct kstd_sockaddr, u.in4.zero) == offsetof(struct sockaddr_in, __pad) &&
	      sizeof(struct sockaddr_in) == offsetof(struct kstd_sockaddr, u.in4.zero) + 8,
	      "kstd_sockaddr vs sockaddr_in");
static_assert(offsetof(struct kstd_sockaddr, family) == offsetof(struct sockaddr_in6, sin6_family) &&
	      offsetof(struct kstd_sockaddr, port) == offsetof(struct sockaddr_in6, sin6_port) &&
	      offsetof(struct kstd_sockaddr, u.in6.flowinfo) ==
			offsetof(struct sockaddr_in6, sin6_flowinfo) &&
	      offsetof(struct kstd_sockaddr, u.in6.addr) == offsetof(struct sockaddr_in6, sin6_addr) &&
	      offsetof(struct kstd_sockaddr, u.in6.scope_id) ==
			offsetof(struct sockaddr_in6, sin6_scope_id),
	      "kstd_sockaddr vs sockaddr_in6");
static_assert(KSTD_AF_INET == AF_INET && KSTD_AF_INET6 == AF_INET6 &&
	      KSTD_MSG_DONTWAIT == MSG_DONTWAIT && KSTD_SHUT_RDWR == SHUT_RDWR,
	      "kstd/layout.h is stale for the socket constants");

/* A blocking call cut short by a signal: there is no syscall to restart. */
static int kstd_sock_errno(int ret)
{
	return ret == -ERESTARTSYS ? -EINTR : ret;
}

/* sk_rcvtimeo / sk_sndtimeo in ms, 0 = wait forever (as SO_RCVTIMEO does it). */
static void kstd_sock_set_timeout(struct sock *sk, long *timeo, int ms)
{
	lock_sock(sk);
	WRITE_ONCE(*timeo, ms > 0 ? (long)msecs_to_jiffies(ms) : MAX_SCHEDULE_TIMEOUT);
	release_sock(sk);
}

static int kstd_sockaddr_len(const struct kstd_sockaddr *addr)
{
	switch (addr->family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	}
	return -EAFNOSUPPORT;
}

/* ---- connection setup -------------------------------------------------- */

/*
 * A kernel socket holds no reference on its namespace, and tcp_close()
 * therefore stops all of its timers at once (inet_csk_clear_xmit_timers_sync(),
 * since 6.9 and in the stable kernels, 6.1 included): a connection closed
 * with data or a FIN still unacknowledged is never retransmitted, and a
 * lost segment leaves the peer waiting forever (found by `make stress`:
 * khttpd unloaded in the middle of responses under TCP memory pressure,
 * clients stuck with no FIN, the orphaned sockets in FIN-WAIT-1 with no
 * timer).  So kstd's TCP sockets hold one, as user sockets and the kernel's
 * own servers (sunrpc's svcsock, SMB, RDS) do: TCP then finishes a closed
 * connection as it does for a process.  Accepted sockets inherit it from
 * their listener.
 *
 * The kernel's own function for this is sk_net_refcnt_upgrade() (recent
 * mainline; backported to stable kernels: 6.12.118 has it, 6.1.192 not), which
 * also drops the passive reference those kernels give kernel sockets:
 * KSTD_HAVE_SK_NET_REFCNT_UPGRADE from kstd.mk.  Elsewhere its body is
 * repeated (a copy of kernel internals: sk_net_refcnt, ns_tracker,
 * sock_inuse_add()); the kstd_socket case
 * holds_and_drops_one_netns_reference checks either way that the socket
 * holds one reference on its namespace, no passive one, and that closing
 * it drops it.
 */
#ifdef KSTD_HAVE_SK_NET_REFCNT_UPGRADE
static void kstd_sock_hold_net(struct sock *sk)
{
	sk_net_refcnt_upgrade(sk);
}
#else
static void kstd_sock_hold_net(struct sock *sk)
{
	struct net *net = sock_net(sk);

#ifdef KSTD_HAVE_NETNS_TRACKER_FREE
	__netns_tracker_free(net, &sk->ns_tracker, false);
#endif
#ifdef KSTD_HAVE_NET_PASSIVE_DEC
	/*
	 * Kernels with net_passive_dec() give kernel sockets a passive
	 * reference (sk_alloc()); it is not exported, and the namespace holds
	 * a passive reference of its own while it is alive (as here), so
	 * this one never is the last.
	 */
	refcount_dec(&net->passive);
#endif
	sk->sk_net_refcnt = 1;
	get_net_track(net, &sk->ns_tracker, GFP_KERNEL);
	sock_inuse_add(net, 1);
}
#endif

int kstd_sock_create(struct net *net, int family, struct socket **res)
{
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	err = sock_create_kern(net ? net : &init_net, family, SOCK_STREAM, IPPROTO_TCP, res);
	if (!err)
		kstd_sock_hold_net((*res)->sk);
	return err;
}

/*
 * A UDP socket, holding its namespace as the TCP ones do (so that every kstd
 * socket keeps its namespace the way a process's socket does, and the
 * netns rules of <kstd/ksocket.hpp> are the same for both).
 */
int kstd_udp_create(struct net *net, int family, struct socket **res)
{
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	err = sock_create_kern(net ? net : &init_net, family, SOCK_DGRAM, IPPROTO_UDP, res);
	if (!err)
		kstd_sock_hold_net((*res)->sk);
	return err;
}

/*
 * kernel_bind() and kernel_connect() take a non-const struct sockaddr *
 * (a different type again in later kernels): hand them a private copy.
 */
int kstd_sock_bind(struct socket *sock, const struct kstd_sockaddr *addr)
{
	struct sockaddr_storage ss;
	int len = kstd_sockaddr_len(addr);

	if (len < 0)
		return len;
	memcpy(&ss, addr, len);
	return kernel_bind(sock, (struct sockaddr *)&ss, len);
}

/*
 * A blocking connect waits up to sk_sndtimeo; when that runs out it reports
 * -EINPROGRESS (the handshake goes on), which a caller without a socket
 * to poll can only read as -ETIMEDOUT.
 */
int kstd_sock_connect(struct socket *sock, const struct kstd_sockaddr *addr, int timeout_ms)
{
	struct sockaddr_storage ss;
	int len = kstd_sockaddr_len(addr);
	int err;

	if (len < 0)
		return len;
	memcpy(&ss, addr, len);
	if (timeout_ms > 0)
		kstd_sock_set_timeout(sock->sk, &sock->sk->sk_sndtimeo, timeout_ms);
	err = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
	if (timeout_ms > 0)
		kstd_sock_set_timeout(sock->sk, &sock->sk->sk_sndtimeo, 0);
	if (err == -EINPROGRESS)
		err = -ETIMEDOUT;
	return kstd_sock_errno(err);
}

int kstd_sock_getname(struct socket *sock, struct kstd_sockaddr *addr, int peer)
{
	struct sockaddr_storage ss = {};
	int len;

	if (peer)
		len = kernel_getpeername(sock, (struct sockaddr *)&ss);
	else
		len = kernel_getsockname(sock, (struct sockaddr *)&ss);
	if (len < 0)
		return len;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, &ss, min_t(size_t, len, sizeof(*addr)));
	return 0;
}

static void kstd_sk_notifier_fixup_child(struct sock *parent, struct sock *child);

int kstd_sock_accept(struct socket *sock, struct socket **res, int nonblock)
{
	struct socket *newsock;
	int err;

	err = kernel_accept(sock, &newsock, nonblock ? O_NONBLOCK : 0);
	if (err < 0)
		return kstd_sock_errno(err);
	kstd_sk_notifier_fixup_child(sock->sk, newsock->sk);
	*res = newsock;
	return 0;
}

/* ---- data -------------------------------------------------------------- */

/*
 * MSG_NOSIGNAL always: a kernel socket must not send SIGPIPE to whatever
 * task happens to be running the send.
 */
int kstd_sock_send(struct socket *sock, const void *buf, size_t len, unsigned int flags)
{
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = min_t(size_t, len, MAX_RW_COUNT) };
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };

	return kstd_sock_errno(kernel_sendmsg(sock, &msg, &vec, 1, vec.iov_len));
}

int kstd_sock_recv(struct socket *sock, void *buf, size_t len, unsigned int flags)
{
	struct kvec vec = { .iov_base = buf, .iov_len = min_t(size_t, len, MAX_RW_COUNT) };
	struct msghdr msg = {};

	return kstd_sock_errno(kernel_recvmsg(sock, &msg, &vec, 1, vec.iov_len, flags));
}

/*
 * Zero-copy: the socket takes its own reference on @page and transmits from
 * it.  Before 6.5 that is kernel_sendpage(); since, sendmsg() with
 * MSG_SPLICE_PAGES over a bvec, and kernel_sendpage() is gone.  The test is
 * for kernel_sendpage() (KSTD_HAVE_KERNEL_SENDPAGE, from kstd.mk), not for
 * MSG_SPLICE_PAGES: stable 6.1 (6.1.72) defines that flag for UDP and
 * af_alg, but its TCP ignores it and copies the data.  Slab pages can't be
 * referenced that way (6.12 WARNs): refused.
 */
/* One datagram to @to; MSG_NOSIGNAL as for kstd_sock_send(). */
int kstd_sock_sendto(struct socket *sock, const void *buf, size_t len,
		     const struct kstd_sockaddr *to, unsigned int flags)
{
	struct kvec vec = { .iov_base = (void *)buf, .iov_len = min_t(size_t, len, MAX_RW_COUNT) };
	struct sockaddr_storage ss;
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	int alen = kstd_sockaddr_len(to);

	if (alen < 0)
		return alen;
	memcpy(&ss, to, alen);
	msg.msg_name = &ss;
	msg.msg_namelen = alen;
	return kstd_sock_errno(kernel_sendmsg(sock, &msg, &vec, 1, vec.iov_len));
}

/*
 * One datagram into @buf, its sender into @from.  Called with MSG_TRUNC,
 * UDP returns the datagram's full length even when @len cut it, which is
 * how the caller learns of the cut: the return value is that full length
 * (the bytes copied are the smaller of it and @len).  A recvmsg() that
 * returns 0 without a sender had no datagram: the socket was shut down for
 * reading (a zero-length datagram comes with its sender): -ESHUTDOWN.
 */
int kstd_sock_recvfrom(struct socket *sock, void *buf, size_t len, struct kstd_sockaddr *from,
		       unsigned int flags)
{
	struct kvec vec = { .iov_base = buf, .iov_len = min_t(size_t, len, MAX_RW_COUNT) };
	struct sockaddr_storage ss = {};
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = sizeof(ss) };
	int ret;

	ret = kernel_recvmsg(sock, &msg, &vec, 1, vec.iov_len, flags | MSG_TRUNC);
	if (ret < 0)
		return kstd_sock_errno(ret);
	if (!msg.msg_namelen)
		return ret ? -EAFNOSUPPORT : -ESHUTDOWN;
	if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(from, 0, sizeof(*from));
	memcpy(from, &ss, min_t(size_t, msg.msg_namelen, sizeof(*from)));
	return ret;
}

int kstd_sock_send_page(struct socket *sock, struct page *page, size_t offset, size_t len,
			unsigned int flags)
{
	if (!sendpage_ok(page) || offset > page_size(page) || len > page_size(page) - offset)
		return -EINVAL;
	len = min_t(size_t, len, MAX_RW_COUNT);
#ifndef KSTD_HAVE_KERNEL_SENDPAGE
	{
		struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES | MSG_NOSIGNAL };
		struct bio_vec bvec;

		bvec_set_page(&bvec, page, len, offset);
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, len);
		return kstd_sock_errno(sock_sendmsg(sock, &msg));
	}
#else
	return kstd_sock_errno(kernel_sendpage(sock, page, offset, len, flags | MSG_NOSIGNAL));
#endif
}

int kstd_sock_shutdown(struct socket *sock, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	return kernel_sock_shutdown(sock, how);
}

/* ---- options ----------------------------------------------------------- */

/* setsockopt() with a kernel buffer, for the settings that have no setter. */
static int kstd_setsockopt_int(struct socket *sock, int level, int name, int val)
{
	if (level == SOL_SOCKET)
		return sock_setsockopt(sock, level, name, KERNEL_SOCKPTR(&val), sizeof(val));
	return READ_ONCE(sock->ops)->setsockopt(sock, level, name, KERNEL_SOCKPTR(&val),
						sizeof(val));
}

static int kstd_sock_get_timeout(long timeo)
{
	return timeo == MAX_SCHEDULE_TIMEOUT ? 0 : jiffies_to_msecs(timeo);
}

/* The kernel's own setter where there is one (both 6.1 and 6.12 have them). */
int kstd_sock_setopt(struct socket *sock, int opt, int val)
{
	struct sock *sk = sock->sk;

	switch (opt) {
	case KSTD_SOCKOPT_REUSEADDR:
		if (!val)
			return kstd_setsockopt_int(sock, SOL_SOCKET, SO_REUSEADDR, 0);
		sock_set_reuseaddr(sk);
		return 0;
	case KSTD_SOCKOPT_REUSEPORT:
		if (!val)
			return kstd_setsockopt_int(sock, SOL_SOCKET, SO_REUSEPORT, 0);
		sock_set_reuseport(sk);
		return 0;
	case KSTD_SOCKOPT_V6ONLY:
		if (sk->sk_family != AF_INET6)
			return -ENOPROTOOPT;
		if (!val)
			return kstd_setsockopt_int(sock, SOL_IPV6, IPV6_V6ONLY, 0);
		return ip6_sock_set_v6only(sk);
	case KSTD_SOCKOPT_NODELAY:
		if (!val)
			return kstd_setsockopt_int(sock, SOL_TCP, TCP_NODELAY, 0);
		tcp_sock_set_nodelay(sk);
		return 0;
	case KSTD_SOCKOPT_CORK:
		tcp_sock_set_cork(sk, val);
		return 0;
	case KSTD_SOCKOPT_SNDBUF:
		return kstd_setsockopt_int(sock, SOL_SOCKET, SO_SNDBUF, val);
	case KSTD_SOCKOPT_RCVBUF:
		if (val < 0)
			return -EINVAL;
		sock_set_rcvbuf(sk, val);
		return 0;
	case KSTD_SOCKOPT_KEEPALIVE:
		if (!val)
			return kstd_setsockopt_int(sock, SOL_SOCKET, SO_KEEPALIVE, 0);
		sock_set_keepalive(sk);
		return 0;
	case KSTD_SOCKOPT_KEEPIDLE:
		return tcp_sock_set_keepidle(sk, val);
	case KSTD_SOCKOPT_KEEPINTVL:
		return tcp_sock_set_keepintvl(sk, val);
	case KSTD_SOCKOPT_KEEPCNT:
		return tcp_sock_set_keepcnt(sk, val);
	case KSTD_SOCKOPT_RCVTIMEO_MS:
		if (val < 0)
			return -EINVAL;
		kstd_sock_set_timeout(sk, &sk->sk_rcvtimeo, val);
		return 0;
	case KSTD_SOCKOPT_SNDTIMEO_MS:
		if (val < 0)
			return -EINVAL;
		kstd_sock_set_timeout(sk, &sk->sk_sndtimeo, val);
		return 0;
	case KSTD_SOCKOPT_DEFER_ACCEPT:
		if (val < 0)
			return -EINVAL;
		return kstd_setsockopt_int(sock, SOL_TCP, TCP_DEFER_ACCEPT, val);
	}
	return -ENOPROTOOPT;
}

/*
 * TCP_DEFER_ACCEPT is kept as a count of SYN-ACK retransmissions: back to
 * seconds as getsockopt() does it.  A copy of retrans_to_secs(), static in
 * net/ipv4/tcp.c in 6.1 and 6.12 (its caller, do_tcp_getsockopt(), is not
 * exported either, and the protocol's getsockopt takes user pointers); the
 * kstd_socket case defer_accept_reads_back_as_the_kernel_does compares it
 * with the kernel's getsockopt() for a range of values.
 */
static int kstd_retrans_to_secs(u8 retrans, int timeout, int rto_max)
{
	int period = 0;

	if (retrans > 0) {
		period = timeout;
		while (--retrans) {
			timeout <<= 1;
			if (timeout > rto_max)
				timeout = rto_max;
			period += timeout;
		}
	}
	return period;
}

/* Read the fields the setters write (several are bitfields: no READ_ONCE). */
int kstd_sock_getopt(struct socket *sock, int opt)
{
	struct sock *sk = sock->sk;

	switch (opt) {
	case KSTD_SOCKOPT_REUSEADDR:
		return sk->sk_reuse != SK_NO_REUSE;
	case KSTD_SOCKOPT_REUSEPORT:
		return sk->sk_reuseport;
	case KSTD_SOCKOPT_V6ONLY:
		if (sk->sk_family != AF_INET6)
			return -ENOPROTOOPT;
		return sk->sk_ipv6only;
	case KSTD_SOCKOPT_NODELAY:
		return !!(tcp_sk(sk)->nonagle & TCP_NAGLE_OFF);
	case KSTD_SOCKOPT_CORK:
		return !!(tcp_sk(sk)->nonagle & TCP_NAGLE_CORK);
	case KSTD_SOCKOPT_SNDBUF:
		return READ_ONCE(sk->sk_sndbuf);
	case KSTD_SOCKOPT_RCVBUF:
		return READ_ONCE(sk->sk_rcvbuf);
	case KSTD_SOCKOPT_KEEPALIVE:
		return sock_flag(sk, SOCK_KEEPOPEN);
	case KSTD_SOCKOPT_KEEPIDLE:
		return keepalive_time_when(tcp_sk(sk)) / HZ;
	case KSTD_SOCKOPT_KEEPINTVL:
		return keepalive_intvl_when(tcp_sk(sk)) / HZ;
	case KSTD_SOCKOPT_KEEPCNT:
		return keepalive_probes(tcp_sk(sk));
	case KSTD_SOCKOPT_RCVTIMEO_MS:
		return kstd_sock_get_timeout(READ_ONCE(sk->sk_rcvtimeo));
	case KSTD_SOCKOPT_SNDTIMEO_MS:
		return kstd_sock_get_timeout(READ_ONCE(sk->sk_sndtimeo));
	case KSTD_SOCKOPT_DEFER_ACCEPT:
		return kstd_retrans_to_secs(READ_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept),
					    TCP_TIMEOUT_INIT / HZ, TCP_RTO_MAX / HZ);
	}
	return -ENOPROTOOPT;
}

/* ---- readiness callbacks ----------------------------------------------- */

/*
 * The nvme-tcp/sunrpc pattern: sk_user_data points at the notifier and the
 * callbacks are swapped under write_lock_bh(&sk->sk_callback_lock); each
 * hook reads sk_user_data under read_lock_bh() and calls the user's function
 * and then the callback it replaced, both before unlocking.  Removal takes
 * the write side, so it waits for a hook in flight and no hook can see the
 * notifier after removal returns.
 *
 * sk_user_data is tagged SK_USER_DATA_NOCOPY: a listener's children are
 * cloned from it, hooks included, and must not inherit the pointer.  A
 * child's hooks therefore find no notifier; they do nothing (the child is
 * not accepted yet: no one waits on it), and kstd_sock_accept() gives the
 * child the listener's original callbacks back.
 */
static void kstd_sk_data_ready(struct sock *sk);
static void kstd_sk_write_space(struct sock *sk);
static void kstd_sk_state_change(struct sock *sk);

/* The caller holds sk->sk_callback_lock (either side). */
static struct kstd_sk_notifier *kstd_sk_notifier_of(struct sock *sk)
{
	return __locked_read_sk_user_data_with_flags(sk, SK_USER_DATA_NOCOPY);
}

static unsigned int kstd_sk_events(struct sock *sk, unsigned int events)
{
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		events |= KSTD_SOCK_EV_HANGUP;
	if (READ_ONCE(sk->sk_err))
		events |= KSTD_SOCK_EV_ERROR;
	return events;
}

/*
 * The hooks.  Each calls the user's function and then the callback it
 * replaced, under the read side of sk_callback_lock.  Without a notifier
 * (removed while this hook was being entered, or a listener's child) it
 * chains to whatever the socket has now, unless that is itself.
 */
static void kstd_sk_data_ready(struct sock *sk)
{
	struct kstd_sk_notifier *n;
	void (*chain)(struct sock *sk);

	read_lock_bh(&sk->sk_callback_lock);
	n = kstd_sk_notifier_of(sk);
	if (n)
		n->fn(n->ctx, kstd_sk_events(sk, KSTD_SOCK_EV_READABLE));
	chain = n ? n->saved_data_ready : READ_ONCE(sk->sk_data_ready);
	if (chain != kstd_sk_data_ready)
		chain(sk);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void kstd_sk_write_space(struct sock *sk)
{
	struct kstd_sk_notifier *n;
	void (*chain)(struct sock *sk);

	read_lock_bh(&sk->sk_callback_lock);
	n = kstd_sk_notifier_of(sk);
	/*
	 * TCP calls this whenever acked data frees memory after a send ran
	 * out of it; report it, like sk_stream_write_space() wakes writers,
	 * only once a send can make progress.  (SOCK_NOSPACE stays set until
	 * then, so the call that gets there is not missed.)  A datagram
	 * socket calls it each time a sent skb is freed; report it, as
	 * sock_def_write_space() wakes writers, while half the send buffer is
	 * free.
	 */
	if (n && (sk->sk_type == SOCK_STREAM ? __sk_stream_is_writeable(sk, 1)
					      : sock_writeable(sk)))
		n->fn(n->ctx, kstd_sk_events(sk, KSTD_SOCK_EV_WRITABLE));
	chain = n ? n->saved_write_space : READ_ONCE(sk->sk_write_space);
	if (chain != kstd_sk_write_space)
		chain(sk);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void kstd_sk_state_change(struct sock *sk)
{
	struct kstd_sk_notifier *n;
	void (*chain)(struct sock *sk);

	read_lock_bh(&sk->sk_callback_lock);
	n = kstd_sk_notifier_of(sk);
	if (n)
		n->fn(n->ctx, kstd_sk_events(sk, KSTD_SOCK_EV_STATE));
	chain = n ? n->saved_state_change : READ_ONCE(sk->sk_state_change);
	if (chain != kstd_sk_state_change)
		chain(sk);
	read_unlock_bh(&sk->sk_callback_lock);
}

static bool kstd_sk_hooked(struct sock *sk)
{
	return READ_ONCE(sk->sk_data_ready) == kstd_sk_data_ready ||
	       READ_ONCE(sk->sk_write_space) == kstd_sk_write_space ||
	       READ_ONCE(sk->sk_state_change) == kstd_sk_state_change;
}

int kstd_sk_notifier_install(struct kstd_sk_notifier *n, struct socket *sock,
			     unsigned int hooks)
{
	struct sock *sk = sock->sk;

	if (!n->fn || n->sk || !hooks || (hooks & ~KSTD_SOCK_EV_HOOKS))
		return -EINVAL;

	/*
	 * A reuseport listener's unaccepted children may be migrated to
	 * another listener (net.ipv4.tcp_migrate_req) carrying kstd's hooks
	 * but no notifier: refuse that combination.
	 */
	if (sk->sk_state == TCP_LISTEN && sk->sk_reuseport)
		return -EOPNOTSUPP;

	write_lock_bh(&sk->sk_callback_lock);
	if (rcu_access_pointer(__sk_user_data(sk)) || kstd_sk_hooked(sk)) {
		write_unlock_bh(&sk->sk_callback_lock);
		return -EBUSY;
	}
	sock_hold(sk);
	n->sk = sk;
	n->saved_data_ready = sk->sk_data_ready;
	n->saved_write_space = sk->sk_write_space;
	n->saved_state_change = sk->sk_state_change;
	__rcu_assign_sk_user_data_with_flags(sk, n, SK_USER_DATA_NOCOPY);
	if (hooks & KSTD_SOCK_EV_READABLE)
		WRITE_ONCE(sk->sk_data_ready, kstd_sk_data_ready);
	if (hooks & KSTD_SOCK_EV_WRITABLE)
		WRITE_ONCE(sk->sk_write_space, kstd_sk_write_space);
	if (hooks & KSTD_SOCK_EV_STATE)
		WRITE_ONCE(sk->sk_state_change, kstd_sk_state_change);
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

void kstd_sk_notifier_remove(struct kstd_sk_notifier *n)
{
	struct sock *sk = n->sk;

	if (!sk)
		return;
	write_lock_bh(&sk->sk_callback_lock);
	/*
	 * Another layer (kTLS, say) that hooked on top of us still chains to
	 * our hooks, whose saved pointers die with @n: a bug of the caller,
	 * who must remove the upper layer first.
	 */
	WARN_ONCE((n->saved_data_ready && sk->sk_data_ready != kstd_sk_data_ready &&
		   sk->sk_data_ready != n->saved_data_ready) ||
		  (n->saved_state_change && sk->sk_state_change != kstd_sk_state_change &&
		   sk->sk_state_change != n->saved_state_change),
		  "kstd: socket_notifier removed from under another layer's hooks\n");
	if (sk->sk_data_ready == kstd_sk_data_ready)
		WRITE_ONCE(sk->sk_data_ready, n->saved_data_ready);
	if (sk->sk_write_space == kstd_sk_write_space)
		WRITE_ONCE(sk->sk_write_space, n->saved_write_space);
	if (sk->sk_state_change == kstd_sk_state_change)
		WRITE_ONCE(sk->sk_state_change, n->saved_state_change);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	n->sk = NULL;
	sock_put(sk);
}

int kstd_sock_has_notifier(struct socket *sock)
{
	return kstd_sk_hooked(sock->sk);
}

/*
 * @child was just accepted from @parent.  If it was cloned while the parent
 * had a notifier, it carries kstd's hooks (but no notifier): restore the
 * parent's original callbacks.  They are read under the parent's lock and
 * written under the child's, one at a time (the two locks share a lockdep
 * class, so they must not nest).
 */
static void kstd_sk_notifier_fixup_child(struct sock *parent, struct sock *child)
{
	void (*data_ready)(struct sock *sk), (*write_space)(struct sock *sk),
		(*state_change)(struct sock *sk);
	struct kstd_sk_notifier *n;

	/* Only kstd_sock_accept() can hook an unaccepted child: no race. */
	if (!kstd_sk_hooked(child))
		return;

	read_lock_bh(&parent->sk_callback_lock);
	n = kstd_sk_notifier_of(parent);
	data_ready = n ? n->saved_data_ready : parent->sk_data_ready;
	write_space = n ? n->saved_write_space : parent->sk_write_space;
	state_change = n ? n->saved_state_change : parent->sk_state_change;
	read_unlock_bh(&parent->sk_callback_lock);

	write_lock_bh(&child->sk_callback_lock);
	if (child->sk_data_ready == kstd_sk_data_ready)
		WRITE_ONCE(child->sk_data_ready, data_ready);
	if (child->sk_write_space == kstd_sk_write_space)
		WRITE_ONCE(child->sk_write_space, write_space);
	if (child->sk_state_change == kstd_sk_state_change)
		WRITE_ONCE(child->sk_state_change, state_change);
	write_unlock_bh(&child->sk_callback_lock);
}
