// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file tcp_lookup.hpp
 * @brief Find any TCP socket of a network namespace by its 4-tuple and
 *        destroy it: TIME-WAIT sockets are freed, others aborted.
 *
 * What `ss -K` (sock_diag's SOCK_DESTROY) does, from a module:
 * kstd::tcp_sock_ref::lookup() searches the namespace's established hash
 * (every connected TCP socket: SYN-SENT through TIME-WAIT, and pending
 * request sockets; never a listener) and holds a reference to what it
 * finds; destroy() then removes it:
 *  - TIME-WAIT: the timewait socket is descheduled and freed at once, so
 *    its port pair is free again;
 *  - any other state: tcp_abort(), under the socket lock, as the kernel's
 *    socket-destroy path does: a reset (RST) to the peer if the state
 *    calls for one, the error (ECONNABORTED by default) to the local
 *    owner, which sees its next call fail, and the socket closed.
 *
 * Addresses are kstd::socket_address values: the local end first, then
 * the peer, as `ss -tn` prints them.  An IPv4-mapped IPv6 address
 * ([\::ffff:a.b.c.d]) stands for the IPv4 address it maps, so a dual-stack
 * socket's IPv4 connection is found either way.
 *
 * @noop example(::net *net)
 * @code
 * auto local = kstd::socket_address::ipv4(127, 0, 0, 1, 40000);
 * auto peer = kstd::socket_address::ipv4(127, 0, 0, 1, 80);
 * auto sk = KSTD_TRY(kstd::tcp_sock_ref::lookup(net, local, peer)); // -ENOENT
 * if (sk.state() == kstd::tcp_state::time_wait) ...
 * kstd::tcp_state was = KSTD_TRY(sk.destroy());
 * kstd_pr_info("dropped a %s socket\n", kstd::tcp_state_name(was));
 * // sk's reference is released when it goes out of scope
 * @endcode
 *
 * kstd::tcp_destroy_matching() does the same to every socket of a
 * namespace a predicate picks (state, addresses, ports), walking the
 * established hash as `ss -K` with a filter does.
 *
 * Context: lookup(), state(), the destructor and net_ifindex() are usable
 * in any context; destroy() and tcp_destroy_matching() may sleep.
 * Version differences (6.1 to 6.12) are handled in lib/helpers/tcp_diag.c;
 * on kernels before 6.11, destroy() refuses orphaned sockets (closed by
 * their owner, still in FIN-WAIT-1, CLOSING or LAST-ACK) with -EBUSY,
 * because tcp_abort() there would strand them.
 */
#ifndef KSTD_TCP_LOOKUP_HPP
#define KSTD_TCP_LOOKUP_HPP

#include <kstd/bindings.h>
#include <kstd/log.hpp>
#include <kstd/net_address.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** TCP states, with the kernel's numbers (/proc/net/tcp's "st" column). */
enum class tcp_state : u8 {
	established = KSTD_TCP_ESTABLISHED,
	syn_sent = KSTD_TCP_SYN_SENT,
	syn_recv = KSTD_TCP_SYN_RECV,
	fin_wait1 = KSTD_TCP_FIN_WAIT1,
	fin_wait2 = KSTD_TCP_FIN_WAIT2,
	time_wait = KSTD_TCP_TIME_WAIT,
	close = KSTD_TCP_CLOSE,
	close_wait = KSTD_TCP_CLOSE_WAIT,
	last_ack = KSTD_TCP_LAST_ACK,
	listen = KSTD_TCP_LISTEN,
	closing = KSTD_TCP_CLOSING,
	/** A request socket: SYN received, handshake not completed. */
	new_syn_recv = KSTD_TCP_NEW_SYN_RECV,
};

/** The state as `ss` names it ("ESTAB", "TIME-WAIT", ...); "UNKNOWN" otherwise. */
[[nodiscard]] constexpr const char *tcp_state_name(tcp_state s) noexcept
{
	switch (s) {
	case tcp_state::established:
		return "ESTAB";
	case tcp_state::syn_sent:
		return "SYN-SENT";
	case tcp_state::syn_recv:
	case tcp_state::new_syn_recv:
		return "SYN-RECV";
	case tcp_state::fin_wait1:
		return "FIN-WAIT-1";
	case tcp_state::fin_wait2:
		return "FIN-WAIT-2";
	case tcp_state::time_wait:
		return "TIME-WAIT";
	case tcp_state::close:
		return "UNCONN";
	case tcp_state::close_wait:
		return "CLOSE-WAIT";
	case tcp_state::last_ack:
		return "LAST-ACK";
	case tcp_state::listen:
		return "LISTEN";
	case tcp_state::closing:
		return "CLOSING";
	}
	return "UNKNOWN";
}

/**
 * A counted reference to a TCP socket of any kind (full, TIME-WAIT or
 * request socket) found by its 4-tuple; released (sock_gen_put()) when
 * destroyed.  Move-only; an empty one (default-constructed, moved-from)
 * must not be used except to assign, reset() or test it.
 */
class tcp_sock_ref {
public:
	constexpr tcp_sock_ref() noexcept = default;
	/** Take over @p o's reference; @p o is left empty. */
	tcp_sock_ref(tcp_sock_ref &&o) noexcept : sk_(exchange(o.sk_, nullptr)) {}
	/** Release ours, take over @p o's reference.  Any context. */
	tcp_sock_ref &operator=(tcp_sock_ref &&o) noexcept
	{
		reset();
		sk_ = exchange(o.sk_, nullptr);
		return *this;
	}
	tcp_sock_ref(const tcp_sock_ref &) = delete;
	tcp_sock_ref &operator=(const tcp_sock_ref &) = delete;
	/** Releases the reference.  Any context. */
	~tcp_sock_ref() { reset(); }

	/**
	 * The TCP socket of @p net whose local end is @p local and whose
	 * peer is @p peer, seen on interface @p ifindex: a socket bound to
	 * another interface does not match, one bound to none always does
	 * (0: only sockets bound to no interface match; for IPv6, 0 takes
	 * @p local's scope id, so a link-local connection is found with the
	 * scope id it was made with).
	 * -ENOENT if there is none (listeners never match), -EAFNOSUPPORT if
	 * the two ends are not of one family (IPv4-mapped counts as IPv4),
	 * or an address is unspecified.  Any context.
	 */
	[[nodiscard]] static result<tcp_sock_ref> lookup(::net *net, const socket_address &local,
							 const socket_address &peer,
							 int ifindex = 0) noexcept
	{
		if (!ifindex)
			ifindex = static_cast<int>(local.scope_id());
		::sock *sk = KSTD_TRY(from_err_ptr(
			kstd_tcp_lookup(net, &local.raw(), &peer.raw(), ifindex), error::noent()));
		// SAFETY: kstd_tcp_lookup() returns the socket with a reference
		// taken for us (sock_gen_put() drops it); r adopts that one.
		tcp_sock_ref r;
		r.sk_ = sk;
		return r;
	}

	/** The state now (it may change at any time, except TIME-WAIT's). */
	[[nodiscard]] tcp_state state() const noexcept
	{
		return static_cast<tcp_state>(kstd_tcp_state(sk_));
	}

	/**
	 * Destroy the socket (see the file comment): TIME-WAIT freed,
	 * anything else aborted with @p reason for its owner.  Returns the
	 * state it was in; -ENOENT if it had closed meanwhile, -EBUSY for
	 * an orphan on a kernel before 6.11.  The reference stays held (and
	 * is released by reset() or the destructor).  May sleep.
	 */
	[[nodiscard]] result<tcp_state> destroy(error reason = error::connaborted()) noexcept
	{
		KSTD_MIGHT_SLEEP();
		int r = kstd_tcp_destroy(sk_, -reason.to_errno());
		if (r < 0)
			return error::from_errno(r);
		return static_cast<tcp_state>(r);
	}

	/** Does it hold a socket? */
	explicit operator bool() const noexcept { return sk_ != nullptr; }
	/** Release the reference now (no-op if empty).  Any context. */
	void reset() noexcept
	{
		// SAFETY: sk_ holds the one reference lookup() adopted; emptied
		// before the put, so it is dropped exactly once.
		if (sk_)
			sock_gen_put(exchange(sk_, nullptr));
	}
	/** The kernel's struct sock (also for TIME-WAIT and request sockets). */
	[[nodiscard]] ::sock *raw() const noexcept { return sk_; }

private:
	::sock *sk_ = nullptr;
};

/**
 * Look up and destroy in one call: the state the socket was in, or
 * -ENOENT, -EAFNOSUPPORT, -EBUSY (see tcp_sock_ref).  May sleep.
 */
[[nodiscard]] inline result<tcp_state> tcp_destroy(::net *net, const socket_address &local,
						   const socket_address &peer,
						   int ifindex = 0) noexcept
{
	KSTD_MIGHT_SLEEP();
	tcp_sock_ref sk = KSTD_TRY(tcp_sock_ref::lookup(net, local, peer, ifindex));
	return sk.destroy();
}

/** A socket of the established hash as tcp_destroy_matching() shows it. */
struct tcp_sock_info {
	/**
	 * The state as `ss` shows it: a TIME-WAIT minisocket's substate
	 * (fin_wait2 for a socket closed in FIN-WAIT-2 and kept as one),
	 * new_syn_recv for a request socket.
	 */
	tcp_state state;
	/** The local end; an IPv4 connection of a dual-stack socket as IPv4. */
	socket_address local;
	/** The peer, likewise. */
	socket_address peer;
};

/** What tcp_destroy_matching() did. */
struct tcp_destroy_counts {
	/** Sockets destroyed (TIME-WAIT freed, others aborted). */
	unsigned int destroyed = 0;
	/** Matching sockets refused (-EBUSY, see tcp_sock_ref::destroy()): left in place. */
	unsigned int failed = 0;
};

/**
 * Destroy every TCP socket of @p net's established hash (SYN-SENT to
 * TIME-WAIT and request sockets; never a listener) for which @p match,
 * called as `bool match(const kstd::tcp_sock_info &)`, returns true: each
 * as tcp_sock_ref::destroy() does it, with @p reason for an aborted
 * socket's owner.  Only sockets of @p net are shown to @p match.
 *
 * The hash is walked bucket by bucket, as `ss -K` with a filter does it:
 * under the bucket's lock at most 16 matching sockets are referenced,
 * then the lock is dropped and they are destroyed, so the work under a
 * lock is bounded and the destroys may sleep; cond_resched() between
 * chunks.  A socket created during the walk may or may not be seen; a
 * loopback peer reset by an abort is not counted (it dies of the reset).
 *
 * Context: may sleep; @p match runs under a spinlock with softirqs off
 * and must not sleep (it should only compare).
 *
 * @noop example(::net *net)
 * @code
 * // Drop every TIME-WAIT socket towards port 8080.
 * auto n = kstd::tcp_destroy_matching(net, [](const kstd::tcp_sock_info &s) {
 *         return s.state == kstd::tcp_state::time_wait && s.peer.port() == 8080;
 * });
 * kstd_pr_info("dropped %u, %u refused\n", n.destroyed, n.failed);
 * @endcode
 */
template <class F>
[[nodiscard]] tcp_destroy_counts tcp_destroy_matching(::net *net, F &&match,
						      error reason = error::connaborted()) noexcept
{
	KSTD_MIGHT_SLEEP();
	using fn_t = remove_reference_t<F>;
	// SAFETY: ctx is &match below, an fn_t that outlives the call;
	// kstd_tcp_destroy_matching() calls thunk only before it returns, with
	// t pointing to a filled kstd_tcp_tuple.
	auto thunk = [](void *ctx, const kstd_tcp_tuple *t) -> int {
		tcp_sock_info info{static_cast<tcp_state>(t->state),
				   socket_address::from_raw(t->local),
				   socket_address::from_raw(t->peer)};
		return (*static_cast<fn_t *>(ctx))(static_cast<const tcp_sock_info &>(info)) ? 1
											     : 0;
	};
	tcp_destroy_counts c;
	// SAFETY: const_cast only to pass through the C helper's void *;
	// thunk casts back to fn_t, const-qualified when F is.
	kstd_tcp_destroy_matching(net, thunk, const_cast<void *>(static_cast<const void *>(&match)),
				  -reason.to_errno(), &c.destroyed, &c.failed);
	return c;
}

/**
 * The index of interface @p name in @p net ("lo", "eth0"), or, if there
 * is no such name and @p name is a decimal number, that number if it is
 * an interface index there (RFC 4007 zone ids: "fe80::1%eth0" or
 * "fe80::1%2").  -ENODEV otherwise.  Any context.
 */
[[nodiscard]] inline result<int> net_ifindex(::net *net, string_view name) noexcept
{
	int r = kstd_net_ifindex(net, name.data(), name.size());
	if (r < 0)
		return error::from_errno(r);
	return r;
}

} // namespace kstd

#endif // KSTD_TCP_LOOKUP_HPP
