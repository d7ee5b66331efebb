// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file ksocket.hpp
 * @brief Kernel TCP sockets: kstd::tcp_listener, kstd::tcp_stream, and
 *        kstd::socket_notifier, which turns the socket's readiness
 *        callbacks into a call of your function (to queue work, usually).
 *
 * Sockets are move-only owners of a kernel `struct socket`, released with
 * sock_release() when destroyed; every failure is a kstd::result carrying
 * the kernel's errno.  Addresses are kstd::socket_address values
 * (<kstd/net_address.hpp>), IPv4 or IPv6.
 *
 * **Writing a server?  Start with kstd::tcp_server (<kstd/tcp_server.hpp>).**
 * It owns the listener, the accept work and the live connections, and does
 * in the right order what a hand-written server easily gets wrong: a
 * connection is on the live list before its hooks are installed and its
 * first work is queued (so nothing runs on a connection the server cannot
 * find and tear down), and stopping it removes the listener hook, waits for
 * the accept work and destroys every connection still live.  Your module
 * then writes only what a connection does.  The classes here are what it
 * is built from, and what a client, a test or a proxy uses directly.
 *
 * The event-driven pattern both follow: a socket_notifier's callback
 * (softirq, must not sleep) only queues work; the work (process context)
 * reads with msg::dontwait until -EAGAIN and returns; the next readiness
 * event queues it again.  No thread blocks per connection.
 *
 * A client, blocking (process context, every call may sleep): connect, send
 * a request, read the reply until the peer closes.
 *
 * @code
 * #include <kstd/ksocket.hpp>
 *
 * kstd::result<kstd::size_t> ask(const kstd::socket_address &peer, const char *req,
 *                                kstd::size_t len, kstd::u8 *reply, kstd::size_t cap)
 * {
 *         auto s = KSTD_TRY(kstd::tcp_stream::connect(peer, {.timeout_ms = 2000}));
 *         KSTD_TRY(s.set_recv_timeout(2000));        // then recv() fails with -EAGAIN
 *         if (KSTD_TRY(s.send_all(req, len)) != len) // blocking: short only on the timeout
 *                 return kstd::error::again();
 *         KSTD_TRY(s.shutdown(kstd::shutdown_how::write)); // FIN: the request is complete
 *         kstd::size_t got = 0;
 *         while (got < cap) {
 *                 kstd::size_t n = KSTD_TRY(s.recv(reply + got, cap - got));
 *                 if (n == 0)
 *                         break;                  // the peer closed: the whole reply
 *                 got += n;
 *         }
 *         return got;
 * } // s is closed here, on every path
 * @endcode
 *
 * Teardown order matters for an object that owns a stream, a notifier on it
 * and work the notifier queues: the notifier must go first (after which no
 * callback runs), then the work (cancelled and waited for), then the
 * stream.  C++ destroys members in reverse declaration order, so declare
 * them stream, work, notifier.
 *
 * Contexts: creating, binding, connecting, accepting, blocking send/recv
 * and setting options may sleep (process context).  recv/send with
 * kstd::msg::dontwait don't wait for data or buffer space, but still take
 * the socket lock (a sleeping lock): process context only, never from a
 * notifier callback.  Closing (destroying) a socket may sleep.
 *
 * A closed connection is finished by TCP as a process's would be: data
 * still queued is delivered, lost segments are retransmitted, then the
 * FIN.  For that, unlike a bare sock_create_kern() socket, every kstd
 * socket holds a reference on its network namespace (as a user socket and
 * the kernel's own NFS server do); tcp_close() stops every timer of a
 * socket without one.
 *
 * Zero-copy: tcp_stream::send_page() sends from a struct page without
 * copying (sendfile-like); a file range is that, page by page, over the
 * file's page-cache pages.
 */
#ifndef KSTD_KSOCKET_HPP
#define KSTD_KSOCKET_HPP

#include <kstd/bindings.h>
#include <kstd/flags.hpp>
#include <kstd/log.hpp>
#include <kstd/net_address.hpp>
#include <kstd/result.hpp>
#include <kstd/utility.hpp>

namespace kstd {

static_assert(u16(address_family::ipv4) == KSTD_AF_INET &&
		      u16(address_family::ipv6) == KSTD_AF_INET6,
	      "kstd::address_family disagrees with the kernel's AF_INET/AF_INET6");

/** Flags for send()/recv(): the kernel's MSG_* values; combine with |. */
using msg_flags = flag_set<struct msg_tag>;

/** The MSG_* flags kstd sockets accept. */
namespace msg {
/** No flags: a blocking call. */
inline constexpr msg_flags none{0};
/** Don't wait: -EAGAIN (recv) or a short count (send) instead of blocking. */
inline constexpr msg_flags dontwait{KSTD_MSG_DONTWAIT};
/** More data follows: hold back a partial segment (like TCP_CORK, per call). */
inline constexpr msg_flags more{KSTD_MSG_MORE};
/** No SIGPIPE on a broken connection: kstd always adds it when sending. */
inline constexpr msg_flags nosignal{KSTD_MSG_NOSIGNAL};
/** recv: look at the data without consuming it. */
inline constexpr msg_flags peek{KSTD_MSG_PEEK};
/** recv: wait for the full length (unless EOF, an error or a timeout). */
inline constexpr msg_flags waitall{KSTD_MSG_WAITALL};
} // namespace msg

/** Which direction(s) shutdown() closes. */
enum class shutdown_how : int {
	read = KSTD_SHUT_RD,
	write = KSTD_SHUT_WR, ///< sends a FIN: the peer's recv() returns 0
	both = KSTD_SHUT_RDWR,
};

/** IPV6_V6ONLY for an IPv6 listener. */
enum class v6only : u8 {
	system_default, ///< the net.ipv6.bindv6only sysctl (0: dual stack)
	on,		///< IPv6 only
	off,		///< also accept IPv4, as IPv4-mapped addresses (\::ffff:a.b.c.d)
};

/** Options for tcp_listener::bind(); designated initialisers read well. */
struct listen_options {
	/** SO_REUSEADDR: rebind while old connections linger in TIME_WAIT. */
	bool reuse_addr = false;
	/** SO_REUSEPORT: several listeners share the port (kernel balances). */
	bool reuse_port = false;
	/** IPV6_V6ONLY choice; ignored for IPv4 addresses. */
	kstd::v6only v6only = kstd::v6only::system_default;
	/**
	 * TCP_DEFER_ACCEPT, in seconds (0: off): a connection is queued for
	 * accept only once its first data has arrived, so a server that
	 * speaks second (HTTP) finds the request already there and accepts no
	 * connection that would only sit idle.  A client that sends nothing
	 * is accepted after about this long anyway (the kernel rounds it up to
	 * a count of SYN-ACK retransmissions: 1 s is one), or dropped if the
	 * SYN-ACK retries (net.ipv4.tcp_synack_retries) run out first.
	 * @code
	 * auto l = kstd::tcp_listener::bind(kstd::inaddr_any(80), 1024, {.defer_accept_s = 1});
	 * @endcode
	 */
	unsigned int defer_accept_s = 0;
	/**
	 * Network namespace, nullptr for init_net.  The listener and every
	 * connection it accepts hold a reference on it, as a process's
	 * sockets do (a closed connection must still be able to retransmit:
	 * see kstd_sock_create()), so the namespace stays until they are
	 * closed: close them before its exit, they do not go with it.
	 */
	::net *netns = nullptr;
};

/** Options for tcp_stream::connect(). */
struct connect_options {
	/** Give up after this long (-ETIMEDOUT); 0: TCP's own SYN retries. */
	unsigned int timeout_ms = 0;
	/** Network namespace, nullptr for init_net; referenced, as for listen_options. */
	::net *netns = nullptr;
};

namespace detail {

[[nodiscard]] inline error ebadf() noexcept
{
	return error::badf();
}

/** Owns a struct socket *; sock_release() on destruction. Move-only. */
class socket_handle {
public:
	constexpr socket_handle() noexcept = default;
	// SAFETY: the caller hands over its only reference to @p s (fresh from
	// kstd_sock_create() or kstd_sock_accept()): nothing else releases it.
	explicit socket_handle(::socket *s) noexcept : sock_(s) {}
	socket_handle(socket_handle &&o) noexcept : sock_(exchange(o.sock_, nullptr)) {}
	socket_handle &operator=(socket_handle &&o) noexcept
	{
		if (this != &o)
			reset(exchange(o.sock_, nullptr));
		return *this;
	}
	socket_handle(const socket_handle &) = delete;
	socket_handle &operator=(const socket_handle &) = delete;
	~socket_handle() { reset(); }

	[[nodiscard]] ::socket *get() const noexcept { return sock_; }
	[[nodiscard]] ::socket *release() noexcept { return exchange(sock_, nullptr); }
	void reset(::socket *s = nullptr) noexcept
	{
		if (::socket *old = exchange(sock_, s))
			sock_release(old);
	}

	[[nodiscard]] result<socket_address> name(bool peer) const noexcept
	{
		if (!sock_)
			return ebadf();
		kstd_sockaddr raw{};
		int err = kstd_sock_getname(sock_, &raw, peer);
		if (err < 0)
			return error::from_errno(err);
		return socket_address::from_raw(raw);
	}
	[[nodiscard]] result<void> setopt(kstd_sockopt opt, int val) const noexcept
	{
		if (!sock_)
			return ebadf();
		return to_result(kstd_sock_setopt(sock_, opt, val));
	}
	[[nodiscard]] result<int> getopt(kstd_sockopt opt) const noexcept
	{
		if (!sock_)
			return ebadf();
		return from_errno(kstd_sock_getopt(sock_, opt));
	}
	[[nodiscard]] result<bool> getopt_bool(kstd_sockopt opt) const noexcept
	{
		int v = KSTD_TRY(getopt(opt));
		return v != 0;
	}
	/** A timeout in ms (0 = none) for an option that takes an int. */
	[[nodiscard]] result<void> set_timeout(kstd_sockopt opt, unsigned int ms) const noexcept
	{
		if (ms > static_cast<unsigned int>(__INT_MAX__))
			return error::range();
		return setopt(opt, static_cast<int>(ms));
	}

private:
	::socket *sock_ = nullptr;
};

} // namespace detail

/**
 * A connected TCP socket: from tcp_listener::accept() on the server side,
 * or tcp_stream::connect() on the client side (tests, tools, proxies).
 *
 * Blocking by default: recv() waits for data and send() for buffer space,
 * each up to the timeout set with set_recv_timeout()/set_send_timeout()
 * (none by default), after which they fail with -EAGAIN.  Pass
 * kstd::msg::dontwait for the non-blocking form of one call.
 *
 * Move-only; an empty (default-constructed or moved-from) stream fails
 * every operation with -EBADF.  The destructor releases the socket:
 * graceful close (FIN) if all received data was read, a reset (RST) if
 * unread data was left.  Destroy a socket_notifier installed on this stream
 * first (declare it after the stream).
 */
class tcp_stream {
public:
	constexpr tcp_stream() noexcept = default;
	/** Adopt a connected kernel socket (released by this object). */
	// SAFETY: the caller gives up @p adopt: a TCP socket it owned and will
	// neither use nor sock_release() again.
	explicit tcp_stream(::socket *adopt) noexcept : sock_(adopt) {}
	/** Take over the other stream's socket; it becomes empty. */
	tcp_stream(tcp_stream &&) noexcept = default;
	/** Release the current socket (like close()), take over the other's. */
	tcp_stream &operator=(tcp_stream &&) noexcept = default;

	/**
	 * Connect to @p peer, waiting for the handshake: up to
	 * @p opts.timeout_ms (then -ETIMEDOUT), or as long as TCP keeps
	 * retrying SYNs (about two minutes) if 0.  -ECONNREFUSED if no one
	 * listens, -ENETUNREACH without a route.  Might sleep.
	 */
	[[nodiscard]] static result<tcp_stream> connect(const socket_address &peer,
							const connect_options &opts = {}) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (opts.timeout_ms > static_cast<unsigned int>(__INT_MAX__))
			return error::range();
		::socket *raw = nullptr;
		KSTD_TRY(to_result(kstd_sock_create(opts.netns, peer.raw().family, &raw)));
		// SAFETY: kstd_sock_create() succeeded, so raw is a new socket
		// that only we hold; s owns it before anything else can fail.
		tcp_stream s(raw);
		KSTD_TRY(to_result(
			kstd_sock_connect(raw, &peer.raw(), static_cast<int>(opts.timeout_ms))));
		return s;
	}

	/**
	 * Receive up to @p len bytes.  Returns how many arrived, 0 when the
	 * peer closed (orderly EOF; also when @p len is 0), -EAGAIN with
	 * msg::dontwait and no data (or when the receive timeout expired),
	 * -ECONNRESET if the peer reset the connection.  Might sleep (takes
	 * the socket lock; waits for data unless msg::dontwait).
	 */
	[[nodiscard]] result<size_t> recv(void *buf, size_t len,
					  msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		int n = kstd_sock_recv(sock_.get(), buf, len, flags.bits);
		if (n < 0)
			return error::from_errno(n);
		return static_cast<size_t>(n);
	}

	/** recv() with msg::dontwait: -EAGAIN when nothing is queued. */
	[[nodiscard]] result<size_t> try_recv(void *buf, size_t len) noexcept
	{
		return recv(buf, len, msg::dontwait);
	}

	/**
	 * One send: queues what fits and returns how many bytes that was,
	 * which may be fewer than @p len (a partial send).  With msg::dontwait
	 * and a full send buffer: -EAGAIN.  Errors: -EPIPE after shutdown or a
	 * reset (first possibly -ECONNRESET), never a signal (MSG_NOSIGNAL is
	 * always added).  Might sleep.
	 */
	[[nodiscard]] result<size_t> send(const void *buf, size_t len,
					  msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		int n = kstd_sock_send(sock_.get(), buf, len, flags.bits);
		if (n < 0)
			return error::from_errno(n);
		return static_cast<size_t>(n);
	}

	/**
	 * Zero-copy send of @p len bytes at @p offset in @p page: the socket
	 * takes its own reference on the page and transmits from it (no copy;
	 * sendfile-like, for page-cache pages).  So the bytes must not change
	 * until the peer has acknowledged them, and slab (kmalloc) memory is
	 * refused with -EINVAL, as is a range beyond the (compound) page.
	 * Otherwise exactly send()'s contract: a count, possibly partial,
	 * -EAGAIN with msg::dontwait.  Uses sendmsg(MSG_SPLICE_PAGES) on
	 * kernels >= 6.5, kernel_sendpage() before.  Might sleep.
	 */
	[[nodiscard]] result<size_t> send_page(::page *page, size_t offset, size_t len,
					       msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		int n = kstd_sock_send_page(sock_.get(), page, offset, len, flags.bits);
		if (n < 0)
			return error::from_errno(n);
		return static_cast<size_t>(n);
	}

	/**
	 * Send all @p len bytes, looping over partial sends.
	 *
	 * Returns the number of bytes queued.  That is @p len, unless the
	 * socket would block: with msg::dontwait (or when the send timeout
	 * expires) send_all() stops at the first -EAGAIN and returns the
	 * count so far, possibly 0 — it never fails with -EAGAIN.  Resume with
	 * (buf + n, len - n) when a socket_notifier reports
	 * socket_event::writable.  Any other error is returned as the error
	 * (the connection is broken; how much got out no longer matters).
	 *
	 * Blocking (no dontwait, no timeout): returns @p len or an error.
	 * Might sleep.
	 */
	[[nodiscard]] result<size_t> send_all(const void *buf, size_t len,
					      msg_flags flags = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!sock_.get())
			return detail::ebadf();
		// SAFETY: any object may be read as bytes (u8 is unsigned char),
		// and the caller vouches for [buf, buf + len).
		const u8 *p = static_cast<const u8 *>(buf);
		size_t done = 0;
		while (done < len) {
			int n = kstd_sock_send(sock_.get(), p + done, len - done, flags.bits);
			if (n == -KSTD_EAGAIN || n == 0)
				break;
			if (n < 0)
				return error::from_errno(n);
			done += static_cast<size_t>(n);
		}
		return done;
	}

	/** shutdown(2).  shutdown_how::write sends a FIN after queued data. */
	[[nodiscard]] result<void> shutdown(shutdown_how how) noexcept
	{
		if (!sock_.get())
			return detail::ebadf();
		return to_result(kstd_sock_shutdown(sock_.get(), static_cast<int>(how)));
	}

	/** The peer's address; -ENOTCONN once the connection is gone. */
	[[nodiscard]] result<socket_address> peer_address() const noexcept
	{
		return sock_.name(true);
	}
	/** This end's address (the kernel-chosen port after connect). */
	[[nodiscard]] result<socket_address> local_address() const noexcept
	{
		return sock_.name(false);
	}

	/** TCP_NODELAY: send small segments at once (no Nagle). Might sleep. */
	[[nodiscard]] result<void> set_nodelay(bool on) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_NODELAY, on);
	}
	/** TCP_NODELAY as the kernel has it. Might sleep. */
	[[nodiscard]] result<bool> nodelay() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt_bool(KSTD_SOCKOPT_NODELAY);
	}

	/**
	 * TCP_CORK: hold partial segments until uncorked (or 200 ms); for
	 * header + body sent in several calls.  Uncorking pushes what is
	 * queued.  Might sleep.
	 */
	[[nodiscard]] result<void> set_cork(bool on) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_CORK, on);
	}
	/** TCP_CORK as the kernel has it. Might sleep. */
	[[nodiscard]] result<bool> cork() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt_bool(KSTD_SOCKOPT_CORK);
	}

	/**
	 * SO_SNDBUF / SO_RCVBUF in bytes.  As for setsockopt(2), the kernel
	 * caps the value at net.core.wmem_max / rmem_max and stores twice it
	 * (bookkeeping overhead): sndbuf() reads back the doubled value.
	 * Might sleep.
	 */
	[[nodiscard]] result<void> set_sndbuf(int bytes) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_SNDBUF, bytes);
	}
	/** SO_SNDBUF as the kernel has it (twice the value set). Might sleep. */
	[[nodiscard]] result<int> sndbuf() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_SNDBUF);
	}
	/** SO_RCVBUF, as set_sndbuf() does for SO_SNDBUF. Might sleep. */
	[[nodiscard]] result<void> set_rcvbuf(int bytes) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_RCVBUF, bytes);
	}
	/** SO_RCVBUF as the kernel has it (twice the value set). Might sleep. */
	[[nodiscard]] result<int> rcvbuf() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_RCVBUF);
	}

	/** SO_KEEPALIVE.  Might sleep. */
	[[nodiscard]] result<void> set_keepalive(bool on) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.setopt(KSTD_SOCKOPT_KEEPALIVE, on);
	}
	/** SO_KEEPALIVE as the kernel has it. Might sleep. */
	[[nodiscard]] result<bool> keepalive() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt_bool(KSTD_SOCKOPT_KEEPALIVE);
	}
	/**
	 * TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT: first probe after
	 * @p idle_s idle seconds, then every @p interval_s, give up after
	 * @p count probes.  -EINVAL if out of the kernel's range.  Might sleep.
	 */
	[[nodiscard]] result<void> set_keepalive_params(int idle_s, int interval_s,
							int count) noexcept
	{
		KSTD_MIGHT_SLEEP();
		KSTD_TRY(sock_.setopt(KSTD_SOCKOPT_KEEPIDLE, idle_s));
		KSTD_TRY(sock_.setopt(KSTD_SOCKOPT_KEEPINTVL, interval_s));
		return sock_.setopt(KSTD_SOCKOPT_KEEPCNT, count);
	}
	/** The effective keepalive idle time, interval (seconds) and count. */
	[[nodiscard]] result<int> keepalive_idle() const noexcept
	{
		return sock_.getopt(KSTD_SOCKOPT_KEEPIDLE);
	}
	/** TCP_KEEPINTVL: seconds between probes. Might sleep. */
	[[nodiscard]] result<int> keepalive_interval() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_KEEPINTVL);
	}
	/** TCP_KEEPCNT: probes before the connection is dropped. Might sleep. */
	[[nodiscard]] result<int> keepalive_count() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_KEEPCNT);
	}

	/**
	 * How long a blocking recv() / send() waits before -EAGAIN (a partial
	 * count if some data moved), in milliseconds (jiffy granularity);
	 * 0 = forever (the default).  Might sleep.
	 */
	[[nodiscard]] result<void> set_recv_timeout(unsigned int ms) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.set_timeout(KSTD_SOCKOPT_RCVTIMEO_MS, ms);
	}
	/** SO_SNDTIMEO in milliseconds; see set_recv_timeout(). Might sleep. */
	[[nodiscard]] result<void> set_send_timeout(unsigned int ms) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.set_timeout(KSTD_SOCKOPT_SNDTIMEO_MS, ms);
	}
	/** SO_RCVTIMEO in milliseconds (0: forever). Might sleep. */
	[[nodiscard]] result<int> recv_timeout() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_RCVTIMEO_MS);
	}
	/** SO_SNDTIMEO in milliseconds (0: forever). Might sleep. */
	[[nodiscard]] result<int> send_timeout() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt(KSTD_SOCKOPT_SNDTIMEO_MS);
	}

	/** Release the socket now (as the destructor would). Might sleep. */
	void close() noexcept { sock_.reset(); }

	/** Does this object hold a socket? */
	explicit operator bool() const noexcept { return sock_.get() != nullptr; }
	/** The kernel's struct socket, for C APIs (still owned by this object). */
	[[nodiscard]] ::socket *raw() const noexcept { return sock_.get(); }
	/** Give up ownership: the caller must sock_release() it. */
	[[nodiscard]] ::socket *release() noexcept { return sock_.release(); }

private:
	detail::socket_handle sock_;
};

/**
 * A listening TCP socket.
 *
 * @code
 * kstd::result<kstd::tcp_stream> first_client()
 * {
 *         auto l = KSTD_TRY(kstd::tcp_listener::bind(
 *                 kstd::in6addr_any(8080), 128, {.reuse_addr = true, .v6only = kstd::v6only::off}));
 *         return l.accept(); // blocks (process context)
 * }
 * @endcode
 *
 * Move-only; released on destruction, which also resets connections that
 * were queued but never accepted.  An empty listener fails with -EBADF.
 */
class tcp_listener {
public:
	constexpr tcp_listener() noexcept = default;
	/** Take over the other listener's socket; it becomes empty. */
	tcp_listener(tcp_listener &&) noexcept = default;
	/** Close the current socket (like close()), take over the other's. */
	tcp_listener &operator=(tcp_listener &&) noexcept = default;

	/**
	 * Create a TCP socket for @p addr's family, apply @p opts, bind it to
	 * @p addr (port 0: the kernel picks one, see local_address()) and
	 * listen with @p backlog (capped by net.core.somaxconn).
	 *
	 * Errors: -EADDRINUSE (port taken, no reuse), -EADDRNOTAVAIL (not a
	 * local address), -EACCES, -EAFNOSUPPORT (unspecified address),
	 * -EINVAL...  Nothing leaks on any of them.  Might sleep.
	 */
	[[nodiscard]] static result<tcp_listener> bind(const socket_address &addr,
						       int backlog = 128,
						       const listen_options &opts = {}) noexcept
	{
		KSTD_MIGHT_SLEEP();
		::socket *raw = nullptr;
		KSTD_TRY(to_result(kstd_sock_create(opts.netns, addr.raw().family, &raw)));
		// SAFETY: kstd_sock_create() succeeded, so raw is a new socket
		// that only we hold; l owns it before anything else can fail.
		tcp_listener l(raw);
		if (opts.reuse_addr)
			KSTD_TRY(l.sock_.setopt(KSTD_SOCKOPT_REUSEADDR, 1));
		if (opts.reuse_port)
			KSTD_TRY(l.sock_.setopt(KSTD_SOCKOPT_REUSEPORT, 1));
		if (addr.is_ipv6() && opts.v6only != v6only::system_default)
			KSTD_TRY(l.sock_.setopt(KSTD_SOCKOPT_V6ONLY, opts.v6only == v6only::on));
		if (opts.defer_accept_s)
			KSTD_TRY(l.sock_.setopt(KSTD_SOCKOPT_DEFER_ACCEPT,
						static_cast<int>(opts.defer_accept_s)));
		KSTD_TRY(to_result(kstd_sock_bind(raw, &addr.raw())));
		KSTD_TRY(to_result(kernel_listen(raw, backlog)));
		return l;
	}

	/**
	 * Take the next connection, waiting for one (up to the accept
	 * timeout; then -EAGAIN).  -EINTR if a signal interrupts the wait.
	 * Might sleep.
	 */
	[[nodiscard]] result<tcp_stream> accept() noexcept
	{
		KSTD_MIGHT_SLEEP();
		return do_accept(false);
	}

	/**
	 * Take the next connection if one is queued, else -EAGAIN.  Doesn't
	 * wait, but takes the socket lock: process context.  The way to
	 * accept from a work item queued by a socket_notifier on this listener
	 * (socket_event::readable = a connection is ready).
	 */
	[[nodiscard]] result<tcp_stream> try_accept() noexcept { return do_accept(true); }

	/** The bound address; after binding port 0, the port the kernel chose. */
	[[nodiscard]] result<socket_address> local_address() const noexcept
	{
		return sock_.name(false);
	}

	/** How long accept() waits, in ms; 0 = forever (the default). Might sleep. */
	[[nodiscard]] result<void> set_accept_timeout(unsigned int ms) noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.set_timeout(KSTD_SOCKOPT_RCVTIMEO_MS, ms);
	}

	/** SO_REUSEADDR as the kernel has it. Might sleep. */
	[[nodiscard]] result<bool> reuse_addr() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt_bool(KSTD_SOCKOPT_REUSEADDR);
	}
	/** SO_REUSEPORT as the kernel has it. Might sleep. */
	[[nodiscard]] result<bool> reuse_port() const noexcept
	{
		KSTD_MIGHT_SLEEP();
		return sock_.getopt_bool(KSTD_SOCKOPT_REUSEPORT);
	}
	/** IPV6_V6ONLY of an IPv6 listener; -ENOPROTOOPT for IPv4. */
	[[nodiscard]] result<bool> v6only() const noexcept
	{
		return sock_.getopt_bool(KSTD_SOCKOPT_V6ONLY);
	}
	/**
	 * TCP_DEFER_ACCEPT in seconds as the kernel has it (rounded up to
	 * whole SYN-ACK retransmissions: 1, 3, 7, 15 ...; 0 = off).
	 */
	[[nodiscard]] result<int> defer_accept() const noexcept
	{
		return sock_.getopt(KSTD_SOCKOPT_DEFER_ACCEPT);
	}

	/** Stop listening and release the socket now. Might sleep. */
	void close() noexcept { sock_.reset(); }

	/** Does it hold a socket? */
	explicit operator bool() const noexcept { return sock_.get() != nullptr; }
	/** The kernel's struct socket (null if empty), for C APIs; still owned here. */
	[[nodiscard]] ::socket *raw() const noexcept { return sock_.get(); }

private:
	explicit tcp_listener(::socket *s) noexcept : sock_(s) {}

	result<tcp_stream> do_accept(bool nonblock) noexcept
	{
		if (!sock_.get())
			return detail::ebadf();
		::socket *raw = nullptr;
		KSTD_TRY(to_result(kstd_sock_accept(sock_.get(), &raw, nonblock)));
		// SAFETY: on success kstd_sock_accept() hands over a new
		// connected socket, referenced nowhere else.
		return tcp_stream(raw);
	}

	detail::socket_handle sock_;
};

/** Readiness events reported to a socket_notifier's callback; combine with |. */
using socket_events = flag_set<struct socket_events_tag>;

/**
 * The events.  readable, writable and state_change also name the socket
 * callbacks a notifier can hook; hangup and error are reported alongside
 * whichever fired when they hold.
 */
namespace socket_event {
/** No event. */
inline constexpr socket_events none{0};
/** sk_data_ready: data (or EOF) to read; on a listener, a connection to accept. */
inline constexpr socket_events readable{KSTD_SOCK_EV_READABLE};
/**
 * sk_write_space: a send that ran out of buffer space (-EAGAIN or a short
 * send_all()) can now make progress again.
 */
inline constexpr socket_events writable{KSTD_SOCK_EV_WRITABLE};
/** sk_state_change: TCP state moved (established, peer FIN, closed, reset). */
inline constexpr socket_events state_change{KSTD_SOCK_EV_STATE};
/** The peer sent FIN or reset: no more data will arrive. */
inline constexpr socket_events hangup{KSTD_SOCK_EV_HANGUP};
/** A socket error is pending (recv/send will report it). */
inline constexpr socket_events error{KSTD_SOCK_EV_ERROR};
/** All three hooks. */
inline constexpr socket_events all{KSTD_SOCK_EV_HOOKS};
} // namespace socket_event

namespace detail {
template <auto Fn, class T>
concept member_socket_callback = requires(T &t, socket_events ev)
{
	(t.*Fn)(ev);
};
template <auto Fn, class T>
concept free_socket_callback = requires(T &t, socket_events ev)
{
	Fn(t, ev);
};
/*
 * A socket type, other than the TCP ones here, that a socket_notifier may
 * hook: it says so (kstd_notifiable_socket) and hands out its struct socket.
 */
template <class S>
concept notifiable_socket = S::kstd_notifiable_socket && requires(S &s)
{
	static_cast<::socket *>(s.raw());
};
} // namespace detail

/**
 * Calls a function of yours when a socket becomes readable, writable or
 * changes state, by hooking the socket's sk_data_ready / sk_write_space /
 * sk_state_change callbacks (chaining to the originals, so blocking
 * readers and writers still wake up).
 *
 * The callback is a member function `void T::f(kstd::socket_events)` or a
 * function `void f(T &, kstd::socket_events)`, named as a template
 * argument, with the object to call it on:
 *
 * @code
 * struct conn {
 *         kstd::tcp_stream stream;
 *         kstd::socket_notifier notifier;      // after the stream
 *         void on_socket(kstd::socket_events ev);
 * };
 *
 * kstd::result<void> watch(conn &c)
 * {
 *         // All three hooks by default; here only two of them.
 *         return c.notifier.install<&conn::on_socket>(
 *                 c.stream, c, kstd::socket_event::readable | kstd::socket_event::state_change);
 * }
 * @endcode
 *
 * **Callback context.**  The callback runs in softirq context (or in
 * process context with BH disabled, e.g. when the socket's backlog is
 * processed on release_sock()), with read_lock_bh(&sk->sk_callback_lock)
 * held: atomic, it must not sleep, must not call into the socket (no
 * recv/send/accept: they take the socket lock) and must not install or
 * remove a notifier on the same socket (deadlock).  Queue work, complete a
 * completion, set a flag.  It may run concurrently on several CPUs for the
 * same socket (e.g. data_ready on one, write_space on another); events can
 * be coalesced or spurious, so re-check the socket in the work.
 *
 * **On PREEMPT_RT** softirqs run in threads and sk_callback_lock is a
 * sleeping rwlock: the callback runs in a preemptible thread with BH
 * disabled (a per-CPU lock there), not atomically.  The rules above are
 * unchanged: taking a kstd::spinlock in it is fine (it sleeps on RT, as
 * the callback lock does), anything else that sleeps is not.
 *
 * **The guarantee.**  Once remove() (or the destructor) returns, the
 * callback is not running and will not run again: the hooks call it under
 * the read side of sk_callback_lock and removal restores the original
 * callbacks and clears sk_user_data under the write side.  So a target
 * object may be freed right after its notifier is removed.
 *
 * **Listeners.**  On a listener, readable means a connection is ready for
 * try_accept(); hook readable only (the default).  Connections cloned from
 * the listener don't inherit the notifier (sk_user_data is tagged
 * SK_USER_DATA_NOCOPY) and accept() gives them back the kernel's own
 * callbacks: install a notifier on each accepted stream as needed.
 *
 * Rules: one notifier per socket (-EBUSY otherwise, also if anything else
 * owns the socket's sk_user_data); the target must outlive the
 * registration; the notifier holds a reference on the struct sock, not the
 * struct socket, so remove it before the stream is closed to stop the
 * callbacks that closing triggers (declare it after the stream).  Moving
 * the stream object is fine; the notifier itself cannot move (the socket
 * points at it).  install() and remove() don't sleep (they spin on the
 * callback lock): any context but hardirq and this socket's own callback.
 * On PREEMPT_RT they may block on that lock (an rwlock that sleeps there):
 * fine in process context and under a kstd::spinlock, not under a
 * kstd::raw_spinlock or with interrupts or preemption disabled.
 */
class socket_notifier {
public:
	constexpr socket_notifier() noexcept = default;
	socket_notifier(const socket_notifier &) = delete;
	socket_notifier &operator=(const socket_notifier &) = delete;
	/** remove(): no callback runs after this. */
	~socket_notifier() { remove(); }

	/**
	 * Call Fn on @p target for @p hooks events of @p stream.
	 * -EBUSY if this notifier or the socket is already in use, -EBADF for
	 * an empty stream, -EINVAL for no hooks.
	 */
	template <auto Fn, class T>
	[[nodiscard]] result<void> install(tcp_stream &stream, T &target,
					   socket_events hooks = socket_event::all) noexcept
	{
		static_assert(detail::member_socket_callback<Fn, T> ||
				      detail::free_socket_callback<Fn, T>,
			      "the callback must be void (T::*)(kstd::socket_events) or "
			      "void (*)(T &, kstd::socket_events)");
		return install_raw(stream.raw(), &dispatch<Fn, T>, &target, hooks);
	}

	/** The same on a listener: readable = a connection to accept. */
	template <auto Fn, class T>
	[[nodiscard]] result<void> install(tcp_listener &listener, T &target,
					   socket_events hooks = socket_event::readable) noexcept
	{
		static_assert(detail::member_socket_callback<Fn, T> ||
				      detail::free_socket_callback<Fn, T>,
			      "the callback must be void (T::*)(kstd::socket_events) or "
			      "void (*)(T &, kstd::socket_events)");
		return install_raw(listener.raw(), &dispatch<Fn, T>, &target, hooks);
	}

	/**
	 * The same on another kstd socket type that opts in (kstd::udp_socket,
	 * <kstd/udp.hpp>): readable by default.  See that type for what each
	 * event means on it.
	 */
	template <auto Fn, class T, detail::notifiable_socket S>
	[[nodiscard]] result<void> install(S &sock, T &target,
					   socket_events hooks = socket_event::readable) noexcept
	{
		static_assert(detail::member_socket_callback<Fn, T> ||
				      detail::free_socket_callback<Fn, T>,
			      "the callback must be void (T::*)(kstd::socket_events) or "
			      "void (*)(T &, kstd::socket_events)");
		return install_raw(sock.raw(), &dispatch<Fn, T>, &target, hooks);
	}

	/**
	 * Restore the socket's callbacks.  Waits for a callback in flight on
	 * another CPU; afterwards none runs.  Idempotent; re-install()
	 * allowed.  Doesn't sleep (PREEMPT_RT: may block on the callback lock).
	 */
	void remove() noexcept { kstd_sk_notifier_remove(&n_); }

	/** Is the notifier installed on a socket? */
	[[nodiscard]] bool installed() const noexcept { return n_.sk != nullptr; }

private:
	template <auto Fn, class T>
	static void dispatch(void *ctx, unsigned int bits) noexcept
	{
		// SAFETY: ctx is the &target that install<Fn, T>() stored next to
		// dispatch<Fn, T> (same T: both are set together in install_raw()),
		// and the target outlives the registration: install()'s contract,
		// and remove() waits for a callback in flight before it returns.
		T &target = *static_cast<T *>(ctx);
		const socket_events ev{bits};
		if constexpr (detail::member_socket_callback<Fn, T>)
			(target.*Fn)(ev);
		else
			Fn(target, ev);
	}

	result<void> install_raw(::socket *sock, void (*fn)(void *, unsigned int), void *ctx,
				 socket_events hooks) noexcept
	{
		if (!sock)
			return detail::ebadf();
		if (installed())
			return error::busy();
		// SAFETY: fn is dispatch<Fn, T> and ctx a T *, paired by install():
		// the C side only ever passes ctx back to fn.
		n_.fn = fn;
		n_.ctx = ctx;
		return to_result(kstd_sk_notifier_install(&n_, sock, hooks.bits));
	}

	kstd_sk_notifier n_{};
};

/** Is a kstd notifier hooked into @p sock's callbacks (for tests and checks)? */
[[nodiscard]] inline bool has_notifier(const tcp_stream &stream) noexcept
{
	return stream.raw() && kstd_sock_has_notifier(stream.raw());
}
/** Is a kstd notifier hooked into @p listener's callbacks? */
[[nodiscard]] inline bool has_notifier(const tcp_listener &listener) noexcept
{
	return listener.raw() && kstd_sock_has_notifier(listener.raw());
}

} // namespace kstd

#endif // KSTD_KSOCKET_HPP
