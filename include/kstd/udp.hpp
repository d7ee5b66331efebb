// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file udp.hpp
 * @brief Kernel UDP sockets: kstd::udp_socket, datagrams to and from any
 *        kstd::socket_address, IPv4 or IPv6, with the readiness hooks of
 *        kstd::socket_notifier.
 *
 * The pieces are <kstd/ksocket.hpp>'s: the same owning handle (released
 * with sock_release() on destruction, the network namespace referenced as a
 * process's socket does), the same kstd::msg flags and the same
 * socket_notifier, so a UDP server is written as a TCP one is: the
 * notifier's callback (softirq) queues work, the work (process context)
 * takes datagrams with try_recv_from() until -EAGAIN and returns.
 *
 * @code
 * #include <kstd/udp.hpp>
 *
 * // Answer one datagram: wait for it (2 s at most), send it back.
 * kstd::result<void> echo_one(kstd::u16 port)
 * {
 *         auto s = KSTD_TRY(kstd::udp_socket::bind(kstd::in6addr_any(port),
 *                                                  {.v6only = kstd::v6only::off}));
 *         KSTD_TRY(s.set_recv_timeout(2000));          // then -EAGAIN
 *         kstd::u8 buf[512];
 *         auto d = KSTD_TRY(s.recv_from(buf));         // may sleep
 *         if (d.truncated())
 *                 return kstd::error::msgsize();       // longer than buf: the rest is gone
 *         KSTD_TRY(s.send_to(kstd::span<const kstd::u8>(buf, d.size), d.from));
 *         return {};
 * } // s is closed here
 * @endcode
 *
 * **Datagrams, not a stream.**  One recv_from() takes one datagram, whole
 * or cut to the buffer: a cut is never silent, the result says how long the
 * datagram was (kstd::datagram::truncated()).  One send_to() sends one
 * datagram, whole or not at all (-EMSGSIZE above 65507 bytes over IPv4).
 * Delivery is UDP's: datagrams may be lost (a full receive buffer drops
 * them) and, off loopback, reordered.
 *
 * **Hooks.**  A socket_notifier installs on a udp_socket as on a
 * tcp_stream (`n.install<&T::f>(sock, obj)`, readable by default):
 * readable = a datagram is queued;
 * writable = sent datagrams were freed and at least half the send buffer
 * is free again (this fires after most sends: hook it only when a
 * non-blocking send failed with -EAGAIN); state_change = shutdown().  The
 * same guarantee: once the notifier is removed no callback runs, so
 * declare socket, work, notifier in that order and the destructors tear
 * down safely with a callback in flight.
 *
 * Contexts: bind(), the blocking send_to()/recv_from() and the options may
 * sleep (process context).  try_send_to()/try_recv_from() don't wait but
 * take the socket lock: process context too, never a notifier callback.
 * Destroying the socket may sleep.
 */
#ifndef KSTD_UDP_HPP
#define KSTD_UDP_HPP

#include <kstd/bindings.h>
#include <kstd/ksocket.hpp>
#include <kstd/net_address.hpp>
#include <kstd/result.hpp>
#include <kstd/span.hpp>

namespace kstd {

/** Options for udp_socket::bind(); designated initialisers read well. */
struct udp_options {
	/** SO_REUSEADDR: share the port with other sockets that set it. */
	bool reuse_addr = false;
	/** SO_REUSEPORT: several sockets share the port (the kernel balances). */
	bool reuse_port = false;
	/** IPV6_V6ONLY choice; ignored for IPv4 addresses. */
	kstd::v6only v6only = kstd::v6only::system_default;
	/** Network namespace, nullptr for init_net; referenced while the socket lives. */
	::net *netns = nullptr;
};

/** What recv_from() took: one datagram, maybe cut to the buffer. */
struct datagram {
	/** Bytes written to the buffer: the datagram's length or the buffer's size. */
	size_t size = 0;
	/** The datagram's real length: more than size when the buffer cut it. */
	size_t full_size = 0;
	/** Who sent it (IPv4-mapped \::ffff:a.b.c.d on a dual-stack socket). */
	socket_address from;

	/** Was the datagram longer than the buffer (its tail is lost)? */
	[[nodiscard]] constexpr bool truncated() const noexcept { return full_size > size; }
};

/**
 * A bound UDP socket.  Move-only; an empty (default-constructed or
 * moved-from) one fails every operation with -EBADF.  Destroy a
 * socket_notifier installed on it first (declare the notifier after it).
 *
 * Blocking by default: recv_from() waits for a datagram and send_to() for
 * send-buffer space, each up to its timeout (set_recv_timeout(),
 * set_send_timeout(); none by default), then -EAGAIN.  The try_ forms
 * don't wait.
 *
 * Event-driven, as a server does it: the readable hook queues work, the
 * work drains the socket.  Members in teardown order (destroyed last to
 * first): the notifier goes before the work, the work before the socket.
 *
 * @code
 * #include <kstd/udp.hpp>
 * #include <kstd/workqueue.hpp>
 *
 * struct responder {
 *         void run();                              // try_recv_from() until -EAGAIN
 *         void on_socket(kstd::socket_events)      // softirq: only queue the work
 *         {
 *                 kstd::workqueue_ref<responder>::system().queue(work);
 *         }
 *         kstd::udp_socket sock;
 *         kstd::work<responder, &responder::run> work{this};
 *         kstd::socket_notifier notifier;
 * };
 *
 * kstd::result<void> serve(responder &r, kstd::u16 port)
 * {
 *         r.sock = KSTD_TRY(kstd::udp_socket::bind(kstd::inaddr_any(port)));
 *         return r.notifier.install<&responder::on_socket>(r.sock, r); // readable
 * }
 * @endcode
 */
class udp_socket {
public:
	/** socket_notifier::install() takes a udp_socket (kstd/ksocket.hpp). */
	static constexpr bool kstd_notifiable_socket = true;

	constexpr udp_socket() noexcept = default;
	/** Take over the other socket; it becomes empty. */
	udp_socket(udp_socket &&) noexcept = default;
	/** Release the current socket (like close()), take over the other's. */
	udp_socket &operator=(udp_socket &&) noexcept = default;

	/**
	 * A UDP socket for @p addr's family, @p opts applied, bound to @p addr
	 * (port 0: the kernel picks one, see local_address()).
	 *
	 * Errors: -EADDRINUSE (the port is taken and not shared through
	 * reuse_addr/reuse_port on both sockets), -EADDRNOTAVAIL (not a local
	 * address), -EACCES, -EAFNOSUPPORT (unspecified address family).
	 * Nothing leaks on any of them.  Might sleep.
	 *
	 * @noop example() -> void
	 * @code
	 * auto v4 = kstd::udp_socket::bind(kstd::inaddr_loopback(0));        // 127.0.0.1, any port
	 * auto v6 = kstd::udp_socket::bind(kstd::in6addr_any(5353), {.reuse_addr = true});
	 * @endcode
	 */
	[[nodiscard]] static result<udp_socket> bind(const socket_address &addr,
						     const udp_options &opts = {}) noexcept
	{
		KSTD_MIGHT_SLEEP();
		::socket *raw = nullptr;
		KSTD_TRY(to_result(kstd_udp_create(opts.netns, addr.raw().family, &raw)));
		// SAFETY: kstd_udp_create() succeeded, so raw is a new socket
		// that only we hold; s owns it before anything else can fail.
		udp_socket s(raw);
		if (opts.reuse_addr)
			KSTD_TRY(s.sock_.setopt(KSTD_SOCKOPT_REUSEADDR, 1));
		if (opts.reuse_port)
			KSTD_TRY(s.sock_.setopt(KSTD_SOCKOPT_REUSEPORT, 1));
		if (addr.is_ipv6() && opts.v6only != v6only::system_default)
			KSTD_TRY(s.sock_.setopt(KSTD_SOCKOPT_V6ONLY, opts.v6only == v6only::on));
		KSTD_TRY(to_result(kstd_sock_bind(raw, &addr.raw())));
		return s;
	}

	/**
	 * Send @p data as one datagram to @p to.  Returns data.size(): a
	 * datagram goes whole or not at all.  Errors: -EMSGSIZE (too long),
	 * -EAGAIN (msg::dontwait or the send timeout, with a full send
	 * buffer), -EAFNOSUPPORT (an IPv6 peer from an IPv4 socket),
	 * -ENETUNREACH, -EPIPE after shutdown().  msg::more holds the data
	 * back to be sent with the next call's, as one datagram (UDP_CORK for
	 * one call).  Might sleep.
	 *
	 * @noop example(kstd::udp_socket &sock, const kstd::socket_address &peer)
	 * @code
	 * static const kstd::u8 hello[] = {'h', 'i'};
	 * KSTD_TRY(sock.send_to(hello, peer));
	 * @endcode
	 */
	[[nodiscard]] result<size_t> send_to(span<const u8> data, const socket_address &to,
					     msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		int n = kstd_sock_sendto(sock_.get(), data.data(), data.size(), &to.raw(),
					 flags.bits);
		if (n < 0)
			return error::from_errno(n);
		return static_cast<size_t>(n);
	}

	/**
	 * send_to() with msg::dontwait: -EAGAIN instead of waiting for
	 * send-buffer space (a socket_notifier's writable event says when to
	 * retry).  Takes the socket lock: process context.
	 */
	[[nodiscard]] result<size_t> try_send_to(span<const u8> data,
						 const socket_address &to) noexcept
	{
		return send_to(data, to, msg::dontwait);
	}

	/**
	 * Take one datagram into @p buf, waiting for one (up to the receive
	 * timeout, then -EAGAIN).  The result holds how many bytes were
	 * written, how long the datagram was (longer than @p buf: truncated(),
	 * and the rest is lost, unless msg::peek left it queued) and who sent
	 * it.  An empty datagram is a result of size 0.  -ESHUTDOWN when the
	 * queue is empty after shutdown() (also for a call blocked in here
	 * when it came), -EINTR on a signal.
	 * Might sleep.
	 *
	 * @noop example(kstd::udp_socket &sock)
	 * @code
	 * kstd::u8 buf[64];
	 * auto d = KSTD_TRY(sock.recv_from(buf, kstd::msg::peek)); // stays queued
	 * if (d.truncated())
	 *         kstd_pr_info("%zu-byte datagram from port %u\n", d.full_size, d.from.port());
	 * @endcode
	 */
	[[nodiscard]] result<datagram> recv_from(span<u8> buf, msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		kstd_sockaddr from{};
		int n = kstd_sock_recvfrom(sock_.get(), buf.data(), buf.size(), &from, flags.bits);
		if (n < 0)
			return error::from_errno(n);
		datagram d;
		d.full_size = static_cast<size_t>(n);
		d.size = d.full_size < buf.size() ? d.full_size : buf.size();
		d.from = socket_address::from_raw(from);
		return d;
	}

	/**
	 * recv_from() with msg::dontwait: -EAGAIN when no datagram is queued.
	 * Doesn't wait, but takes the socket lock: process context, the way
	 * to drain the socket from work queued by a socket_notifier.
	 */
	[[nodiscard]] result<datagram> try_recv_from(span<u8> buf) noexcept
	{
		return recv_from(buf, msg::dontwait);
	}

	/**
	 * Shut the socket down both ways: a recv_from() blocked in another
	 * thread returns -ESHUTDOWN, and so does every later blocking one
	 * once the datagrams already queued are taken (try_recv_from() gives
	 * -EAGAIN then); sends fail with -EPIPE.  A notifier's state_change
	 * hook fires.  The socket stays bound until close().  Might sleep.
	 */
	[[nodiscard]] result<void> shutdown() noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		int err = kstd_sock_shutdown(sock_.get(), KSTD_SHUT_RDWR);
		// An unconnected UDP socket is shut down all the same; the
		// kernel only adds that it was not connected.
		if (err < 0 && error::from_errno(err) == error::notconn())
			return {};
		return to_result(err);
	}

	/** The bound address; after binding port 0, the port the kernel chose. */
	[[nodiscard]] result<socket_address> local_address() const noexcept
	{
		return sock_.name(false);
	}

	/** How long recv_from() waits, in ms (jiffy granularity); 0 = forever. Might sleep. */
	[[nodiscard]] result<void> set_recv_timeout(unsigned int ms) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.set_timeout(KSTD_SOCKOPT_RCVTIMEO_MS, ms);
	}
	/** How long send_to() waits for buffer space, in ms; 0 = forever. Might sleep. */
	[[nodiscard]] result<void> set_send_timeout(unsigned int ms) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.set_timeout(KSTD_SOCKOPT_SNDTIMEO_MS, ms);
	}
	/** SO_RCVBUF (the kernel doubles it): how much may queue before UDP drops. Might sleep. */
	[[nodiscard]] result<void> set_rcvbuf(int bytes) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_RCVBUF, bytes);
	}
	/** SO_SNDBUF (the kernel doubles it). Might sleep. */
	[[nodiscard]] result<void> set_sndbuf(int bytes) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_SNDBUF, bytes);
	}
	/** IPV6_V6ONLY of an IPv6 socket; -ENOPROTOOPT for IPv4. */
	[[nodiscard]] result<bool> v6only() const noexcept
	{
		return sock_.getopt_bool(KSTD_SOCKOPT_V6ONLY);
	}

	/** Release the socket now (as the destructor would). Might sleep. */
	void close() noexcept { sock_.reset(); }

	/** Does this object hold a socket? */
	explicit operator bool() const noexcept { return sock_.get() != nullptr; }
	/** The kernel's struct socket (null if empty), for C APIs; still owned here. */
	[[nodiscard]] ::socket *raw() const noexcept { return sock_.get(); }

private:
	// SAFETY: @p s is a new UDP socket whose only reference is handed over.
	explicit udp_socket(::socket *s) noexcept : sock_(s) {}

	detail::socket_handle sock_;
};

/** Is a kstd notifier hooked into @p sock's callbacks (for tests and checks)? */
[[nodiscard]] inline bool has_notifier(const udp_socket &sock) noexcept
{
	return sock.raw() && kstd_sock_has_notifier(sock.raw());
}

} // namespace kstd

#endif // KSTD_UDP_HPP
