// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file conn_line.hpp
 * @brief The input syntax of /proc/net/drop_tcp_sock: one connection per
 *        line, "LOCAL_ADDR:PORT PEER_ADDR:PORT", as `ss -tn` and
 *        `netstat -tn` print it.
 *
 * A line holds exactly two endpoints separated by blanks (spaces or tabs,
 * any number, also before and after); the local end comes first.  An
 * endpoint is one of
 *
 *     192.0.2.1:80                 IPv4 (dotted quad, no leading zeros)
 *     [2001:db8::1]:80             IPv6 in brackets (ss)
 *     2001:db8::1:80               IPv6 without brackets (netstat): the port
 *                                  is what follows the last ':'
 *     [::ffff:192.0.2.1]:80        IPv4-mapped IPv6: taken as 192.0.2.1
 *     [fe80::1%eth0]:22            an interface (zone), as ss prints it for
 *     10.0.0.1%eth0:22             a socket bound to one; a name or an index
 *
 * and the port is decimal 1..65535 without sign or leading zeros.  Both
 * ends must be of one family after IPv4-mapped addresses are unmapped; if
 * both name an interface, it must be the same one.
 * A line that is blank or starts with '#' (after blanks) holds nothing.
 *
 * @code
 * drop_tcp::parsed_line p = drop_tcp::parse_conn_line(" 127.0.0.1:5000\t127.0.0.1:80 ");
 * if (!p)
 *         return p.error == drop_tcp::line_errc::port_range ? -ERANGE : -EINVAL;
 * if (p.empty)
 *         return 0;
 * kstd::tcp_destroy(net, p.value.local.addr, p.value.peer.addr, ifindex);
 * @endcode
 *
 * The addresses are kstd::socket_address values, parsed by
 * kstd::ip_address::parse(); this file adds only what `ss` and `netstat`
 * print beyond its syntax (unbracketed IPv6 with a port, zones) and the
 * unmapping of IPv4-mapped addresses.
 *
 * Freestanding like <kstd/net_address.hpp> (no kernel header; compiles on the
 * host for unit tests and the fuzzer in tests/host).  Usable in any
 * context; nothing allocates.  The zone views point into the parsed text.
 */
#ifndef DROP_TCP_CONN_LINE_HPP
#define DROP_TCP_CONN_LINE_HPP

#include <kstd/net_address.hpp>

namespace drop_tcp {

/** The longest zone (interface name, IFNAMSIZ - 1). */
inline constexpr kstd::size_t max_zone = 15;

/** Why a line was refused. */
enum class line_errc : kstd::u8 {
	ok = 0,
	/** Not two endpoints, or an endpoint that is not ADDR:PORT. */
	malformed,
	/** A port of 0 or above 65535. */
	port_range,
	/** An IPv4 end and an IPv6 end. */
	family_mix,
};

/** One end of a connection. */
struct endpoint {
	/**
	 * IPv4 (also for an IPv4-mapped IPv6 address) or IPv6, port 1..65535,
	 * scope id 0 (the zone is resolved by name, see zone).
	 */
	kstd::socket_address addr;
	/** The interface after '%', empty if none (a view into the line). */
	kstd::string_view zone;
};

/** A connection as one line names it: local end first. */
struct conn {
	endpoint local;
	endpoint peer;

	/** The interface the socket is bound to: either end's zone, "" if none. */
	[[nodiscard]] constexpr kstd::string_view zone() const noexcept
	{
		return local.zone.empty() ? peer.zone : local.zone;
	}
};

/** What parse_conn_line() found. */
struct parsed_line {
	/** ok, or why the line was refused. */
	line_errc error = line_errc::ok;
	/** What exactly was wrong, for messages ("" when ok). */
	const char *what = "";
	/** A blank or comment line: valid, names no connection. */
	bool empty = false;
	/** The connection (when ok and not empty). */
	conn value;

	constexpr explicit operator bool() const noexcept { return error == line_errc::ok; }
};

namespace detail {

constexpr parsed_line fail(line_errc e, const char *what) noexcept
{
	parsed_line r;
	r.error = e;
	r.what = what;
	return r;
}

/* A character an interface name may hold (see dev_valid_name()). */
constexpr bool zone_char(char c) noexcept
{
	return c > ' ' && c < 0x7f && c != '/' && c != ':' && c != '%' && c != '[' && c != ']';
}

/*
 * "ADDR" or "ADDR%ZONE" into @addr (IPv4-mapped addresses unmapped) and
 * @zone; @bracketed: it was inside [...].
 */
constexpr parsed_line parse_host(kstd::string_view host, bool bracketed, kstd::ip_address &addr,
				 kstd::string_view &zone) noexcept
{
	kstd::split_pair z = host.split_once('%');
	if (z.found) {
		if (z.tail.empty())
			return fail(line_errc::malformed, "empty interface after '%'");
		if (z.tail.size() > max_zone)
			return fail(line_errc::malformed, "interface name too long");
		for (char c : z.tail)
			if (!zone_char(c))
				return fail(line_errc::malformed, "bad interface name");
		zone = z.tail;
	}
	bool v6 = bracketed || z.head.contains(':');
	kstd::parse_result<kstd::ip_address> a = kstd::ip_address::parse(
		z.head, v6 ? kstd::address_family::ipv6 : kstd::address_family::ipv4);
	if (!a)
		return fail(line_errc::malformed, v6 ? "bad IPv6 address" : "bad IPv4 address");
	/*
	 * ss prints an IPv4 connection of a dual-stack socket as
	 * ::ffff:a.b.c.d; the kernel finds it by its IPv4 addresses.
	 */
	addr = a->unmapped();
	return {};
}

} // namespace detail

/** One endpoint (see the file comment); on success the result's value.local holds it. */
[[nodiscard]] constexpr parsed_line parse_conn_endpoint(kstd::string_view s) noexcept
{
	using detail::fail;
	parsed_line r;
	kstd::string_view host, port;
	bool bracketed = false;
	if (s.starts_with('[')) {
		kstd::size_t close = s.find(']');
		if (close == kstd::string_view::npos)
			return fail(line_errc::malformed, "missing ']'");
		if (s.at(close + 1) != ':')
			return fail(line_errc::malformed, "expected ':PORT' after ']'");
		host = s.substr(1, close - 1);
		port = s.substr(close + 2);
		bracketed = true;
	} else {
		kstd::size_t colon = s.rfind(':');
		if (colon == kstd::string_view::npos)
			return fail(line_errc::malformed, "expected ADDR:PORT");
		host = s.first(colon);
		port = s.substr(colon + 1);
	}
	if (host.empty())
		return fail(line_errc::malformed, "empty address");
	if (port.empty())
		return fail(line_errc::malformed, "empty port");
	kstd::ip_address addr;
	parsed_line h = detail::parse_host(host, bracketed, addr, r.value.local.zone);
	if (!h)
		return h;
	kstd::parse_result<kstd::u16> p = kstd::parse_port(port);
	if (!p)
		return p.error() == kstd::parse_errc::range
			       ? fail(line_errc::port_range, "port above 65535")
			       : fail(line_errc::malformed, "bad port");
	if (p.value() == 0)
		return fail(line_errc::port_range, "port 0");
	r.value.local.addr = kstd::socket_address(addr, p.value());
	return r;
}

/** A whole line (see the file comment): two endpoints, a blank line or a comment. */
[[nodiscard]] constexpr parsed_line parse_conn_line(kstd::string_view line) noexcept
{
	using detail::fail;
	kstd::string_view t = line.trim();
	if (t.empty() || t.starts_with('#')) {
		parsed_line r;
		r.empty = true;
		return r;
	}
	kstd::string_view words[2];
	int n = 0;
	for (kstd::string_view w : t.words()) {
		if (n == 2)
			return fail(line_errc::malformed, "more than two fields");
		words[n++] = w;
	}
	if (n != 2)
		return fail(line_errc::malformed, "expected LOCAL:PORT PEER:PORT");
	parsed_line local = parse_conn_endpoint(words[0]);
	if (!local)
		return local;
	parsed_line peer = parse_conn_endpoint(words[1]);
	if (!peer)
		return peer;
	if (local.value.local.addr.family() != peer.value.local.addr.family())
		return fail(line_errc::family_mix, "one IPv4 and one IPv6 end");
	if (!local.value.local.zone.empty() && !peer.value.local.zone.empty() &&
	    local.value.local.zone != peer.value.local.zone)
		return fail(line_errc::malformed, "two different interfaces");
	parsed_line r;
	r.value.local = local.value.local;
	r.value.peer = peer.value.local;
	return r;
}

} // namespace drop_tcp

#endif // DROP_TCP_CONN_LINE_HPP
