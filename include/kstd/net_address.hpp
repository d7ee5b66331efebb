// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file net_address.hpp
 * @brief kstd::ip_address (an IPv4 or IPv6 address) and kstd::socket_address
 *        (address + port, what sockaddr_in/sockaddr_in6 hold): one parser,
 *        one formatter, by value.
 *
 * socket_address is what kstd::tcp_listener::bind(), kstd::tcp_stream::connect(),
 * kstd::tcp_destroy() and the address getters take and return.  It holds a
 * struct sockaddr_in or sockaddr_in6 (28 bytes, no allocation), so the
 * socket calls take it as it is and the kernel prints it with `%pISpc`
 * through sockaddr().  ip_address is its address part.
 *
 * Text goes in through parse() and out through to_text(), the same syntax
 * both ways:
 *  - ip_address: "192.0.2.1" (dotted quad, no leading zeros) or IPv6
 *    ("2001:db8::1", "::ffff:192.0.2.1"; RFC 4291 section 2.2, no zone);
 *  - socket_address: "192.0.2.1:80" or "[2001:db8::1]:80" (IPv6 only in
 *    brackets), port 0..65535.
 * to_text() prints what the kernel's `%pI4`/`%pI6c`/`%pISpc` print
 * (RFC 5952: lower case, the first longest run of two or more zero groups
 * as "::", IPv4-mapped and ISATAP addresses with a dotted tail), so what
 * a module logs, parses back.
 *
 * An IPv4-mapped IPv6 address (\::ffff:a.b.c.d) stays IPv6 until it is
 * converted explicitly (ip_address::unmapped(), ip_address::to_ipv4_mapped()):
 * 10.0.0.1 and \::ffff:10.0.0.1 are different addresses to equality, as
 * they are different sockets to the kernel.
 *
 * @noop example runs as a KUnit case
 * @code
 * auto any = kstd::socket_address::ipv6_any(8080);   // [::]:8080
 * auto lo = kstd::socket_address::ipv4_loopback(0);  // 127.0.0.1, any port
 * kstd::socket_address host = KSTD_TRY(kstd::socket_address::parse("192.168.0.1:80"));
 * kstd::ip_address a = KSTD_TRY(kstd::ip_address::parse("::ffff:10.0.0.1")).unmapped();
 * auto peer_of_a = kstd::socket_address(a, 443);     // 10.0.0.1:443
 * kstd_pr_info("listening on %pISpc\n", any.sockaddr());
 * kstd_pr_info("peer %s\n", host.to_text().c_str());  // "192.168.0.1:80"
 * @endcode
 *
 * Freestanding like <kstd/string.hpp>: no kernel header and no generated
 * layout, so parse() and to_text() run (and are tested) on the host too.
 * Everything here is usable in any context; most of it is constexpr.
 */
#ifndef KSTD_NET_ADDRESS_HPP
#define KSTD_NET_ADDRESS_HPP

#include <kstd/bindings/socket.h>
#include <kstd/span.hpp>
#include <kstd/string.hpp>

namespace kstd {

/**
 * The address families kstd sockets speak: Linux's AF_INET (2) and
 * AF_INET6 (10), the same on every architecture (ksocket.hpp checks them
 * against the kernel's).
 */
enum class address_family : u16 {
	unspec = 0, ///< no address (a default-constructed one)
	ipv4 = 2,   ///< AF_INET
	ipv6 = 10,  ///< AF_INET6
};

namespace detail {
/* Decimal without sign or leading zeros: invalid; above @max: range. */
constexpr parse_errc parse_strict_dec(string_view s, u32 max, u32 &out) noexcept
{
	if (s.empty() || (s.size() > 1 && s[0] == '0'))
		return parse_errc::invalid;
	u64 v = 0;
	for (char c : s) {
		if (!is_digit(c))
			return parse_errc::invalid;
		if (v <= max)
			v = v * 10 + u64(c - '0');
	}
	if (v > max)
		return parse_errc::range;
	out = u32(v);
	return parse_errc{};
}
} // namespace detail

/** A port: decimal 0..65535 without sign or leading zeros (invalid), range above 65535. */
[[nodiscard]] constexpr parse_result<u16> parse_port(string_view s) noexcept
{
	u32 v = 0;
	parse_errc e = detail::parse_strict_dec(s, 65535, v);
	if (e != parse_errc{})
		return e;
	return u16(v);
}

/**
 * An IPv4 or IPv6 address as network-order bytes, by value (18 bytes).
 * A default-constructed one is unspecified (family() == unspec, size() 0).
 * Equality compares family and bytes: an IPv4 address never equals its
 * IPv4-mapped IPv6 form (see unmapped()).
 *
 * @noop example runs as a KUnit case
 * @code
 * auto a = kstd::ip_address::parse("192.0.2.1");             // parse_result
 * if (a && a->is_ipv4() && a->bytes()[0] == 192) ...
 * static_assert(kstd::ip_address::parse("::1")->is_loopback());
 * @endcode
 */
class ip_address {
public:
	/** Unspecified: no family, no bytes. */
	constexpr ip_address() noexcept = default;

	/** a.b.c.d */
	[[nodiscard]] static constexpr ip_address ipv4(u8 a, u8 b, u8 c, u8 d) noexcept
	{
		ip_address r;
		r.family_ = address_family::ipv4;
		r.bytes_[0] = a;
		r.bytes_[1] = b;
		r.bytes_[2] = c;
		r.bytes_[3] = d;
		return r;
	}
	/** IPv4 from 4 bytes in network order (as in struct in_addr). */
	[[nodiscard]] static constexpr ip_address ipv4(const u8 (&bytes)[4]) noexcept
	{
		return ipv4(bytes[0], bytes[1], bytes[2], bytes[3]);
	}
	/** IPv6 from 16 bytes in network order (as in struct in6_addr). */
	[[nodiscard]] static constexpr ip_address ipv6(const u8 (&bytes)[16]) noexcept
	{
		ip_address r;
		r.family_ = address_family::ipv6;
		for (size_t i = 0; i < 16; i++)
			r.bytes_[i] = bytes[i];
		return r;
	}
	/** 0.0.0.0 (INADDR_ANY) */
	[[nodiscard]] static constexpr ip_address ipv4_any() noexcept { return ipv4(0, 0, 0, 0); }
	/** 127.0.0.1 (INADDR_LOOPBACK) */
	[[nodiscard]] static constexpr ip_address ipv4_loopback() noexcept
	{
		return ipv4(127, 0, 0, 1);
	}
	/** \:: (in6addr_any) */
	[[nodiscard]] static constexpr ip_address ipv6_any() noexcept
	{
		const u8 any[16] = {};
		return ipv6(any);
	}
	/** \::1 (in6addr_loopback) */
	[[nodiscard]] static constexpr ip_address ipv6_loopback() noexcept
	{
		const u8 lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		return ipv6(lo);
	}

	/**
	 * Address text, strict: IPv4 if @p s holds no ':', else IPv6 (or only
	 * the family @p only, if given).
	 *
	 * IPv4 is a dotted quad of four decimal parts 0..255, without leading
	 * zeros ("01.2.3.4" would be octal to inet_aton()), signs, blanks or a
	 * trailing dot; a part above 255 is parse_errc::range.  IPv6 is RFC 4291
	 * section 2.2: eight groups of 1-4 hex digits separated by ':', either
	 * case; one "::" for one or more zero groups; the last 32 bits may be a
	 * dotted quad ("::ffff:192.0.2.1", "64:ff9b::192.0.2.1").  Rejected: a
	 * group of 5+ digits, a second "::", ":::", a lone leading or trailing
	 * ':', too few or too many groups, zone indices (`fe80::1%eth0`),
	 * brackets, blanks.  Everything but a part above 255 is
	 * parse_errc::invalid.  Accepts what inet_pton() accepts (the host
	 * tests compare them).
	 *
	 * @noop example(kstd::string_view text)
	 * @code
	 * kstd::ip_address a = KSTD_TRY(kstd::ip_address::parse(text));          // -EINVAL/-ERANGE
	 * auto v6 = kstd::ip_address::parse("1.2.3.4", kstd::address_family::ipv6); // invalid
	 * @endcode
	 */
	[[nodiscard]] static constexpr parse_result<ip_address>
	parse(string_view s, address_family only = address_family::unspec) noexcept
	{
		if (only == address_family::unspec)
			only = s.contains(':') ? address_family::ipv6 : address_family::ipv4;
		if (only == address_family::ipv4)
			return parse_v4(s);
		if (only == address_family::ipv6)
			return parse_v6(s);
		return parse_errc::invalid;
	}

	/** ipv4, ipv6, or unspec (a default-constructed address). */
	[[nodiscard]] constexpr address_family family() const noexcept { return family_; }
	/** An IPv4 address? */
	[[nodiscard]] constexpr bool is_ipv4() const noexcept
	{
		return family_ == address_family::ipv4;
	}
	/** An IPv6 address (IPv4-mapped ones included)? */
	[[nodiscard]] constexpr bool is_ipv6() const noexcept
	{
		return family_ == address_family::ipv6;
	}
	/** An IPv4-mapped IPv6 address, \::ffff:a.b.c.d? */
	[[nodiscard]] constexpr bool is_ipv4_mapped() const noexcept
	{
		if (!is_ipv6())
			return false;
		for (size_t i = 0; i < 10; i++)
			if (bytes_[i])
				return false;
		return bytes_[10] == 0xff && bytes_[11] == 0xff;
	}
	/** The number of address bytes: 4 (IPv4), 16 (IPv6) or 0. */
	[[nodiscard]] constexpr size_t size() const noexcept
	{
		return is_ipv4() ? 4 : is_ipv6() ? 16 : 0;
	}
	/** The size() address bytes, network order. */
	[[nodiscard]] constexpr span<const u8> bytes() const noexcept
	{
		return span<const u8>(bytes_, size());
	}
	/** The IPv4 address as a host-order number (a.b.c.d -> 0xaabbccdd); 0 if not IPv4. */
	[[nodiscard]] constexpr u32 ipv4_host_order() const noexcept
	{
		if (!is_ipv4())
			return 0;
		return u32(bytes_[0]) << 24 | u32(bytes_[1]) << 16 | u32(bytes_[2]) << 8 |
		       bytes_[3];
	}

	/** The wildcard address (0.0.0.0 or \::)? */
	[[nodiscard]] constexpr bool is_any() const noexcept
	{
		if (!size())
			return false;
		for (size_t i = 0; i < size(); i++)
			if (bytes_[i])
				return false;
		return true;
	}
	/** 127.0.0.0/8, \::1, or the IPv4-mapped \::ffff:127.x.y.z? */
	[[nodiscard]] constexpr bool is_loopback() const noexcept
	{
		if (is_ipv4())
			return bytes_[0] == 127;
		if (is_ipv4_mapped())
			return bytes_[12] == 127;
		if (!is_ipv6())
			return false;
		for (size_t i = 0; i < 15; i++)
			if (bytes_[i])
				return false;
		return bytes_[15] == 1;
	}

	/** \::ffff:a.b.c.d as the IPv4 a.b.c.d; any other address unchanged. */
	[[nodiscard]] constexpr ip_address unmapped() const noexcept
	{
		if (!is_ipv4_mapped())
			return *this;
		return ipv4(bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
	}
	/**
	 * a.b.c.d as the IPv4-mapped \::ffff:a.b.c.d (how an IPv4 peer of a
	 * dual-stack IPv6 socket appears); any other address unchanged.
	 */
	[[nodiscard]] constexpr ip_address to_ipv4_mapped() const noexcept
	{
		if (!is_ipv4())
			return *this;
		u8 m[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		for (size_t i = 0; i < 4; i++)
			m[12 + i] = bytes_[i];
		return ipv6(m);
	}

	/**
	 * The longest to_text(), 44 characters: an ISATAP address with a
	 * dotted tail, "ffff:ffff:ffff:ffff:200:5efe:255.255.255.255".
	 */
	static constexpr size_t max_text = 44;

	/**
	 * The address as text, as the kernel's `%pI4` / `%pI6c` print it:
	 * "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; "" if unspecified.
	 * parse() reads it back.
	 */
	[[nodiscard]] constexpr fixed_string<max_text> to_text() const noexcept
	{
		fixed_string<max_text> s;
		if (is_ipv4())
			append_v4(s, bytes_);
		else if (is_ipv6())
			append_v6(s);
		return s;
	}

	/** Same family and bytes. */
	friend constexpr bool operator==(const ip_address &a, const ip_address &b) noexcept
	{
		if (a.family_ != b.family_)
			return false;
		for (size_t i = 0; i < a.size(); i++)
			if (a.bytes_[i] != b.bytes_[i])
				return false;
		return true;
	}

private:
	friend class socket_address;

	template <size_t N>
	static constexpr void append_dec(fixed_string<N> &s, u32 v) noexcept
	{
		char d[10];
		int n = 0;
		do {
			d[n++] = char('0' + v % 10);
			v /= 10;
		} while (v);
		while (n)
			s.push_back(d[--n]);
	}
	template <size_t N>
	static constexpr void append_v4(fixed_string<N> &s, const u8 *b) noexcept
	{
		for (size_t i = 0; i < 4; i++) {
			if (i)
				s.push_back('.');
			append_dec(s, b[i]);
		}
	}
	/* RFC 5952, exactly as lib/vsprintf.c's ip6_compressed_string(). */
	template <size_t N>
	constexpr void append_v6(fixed_string<N> &s) const noexcept
	{
		constexpr char hex[] = "0123456789abcdef";
		/* ISATAP: interface id 0000:5efe or 0200:5efe (ipv6_addr_is_isatap()). */
		bool isatap = (bytes_[8] | 0x02) == 0x02 && bytes_[9] == 0 && bytes_[10] == 0x5e &&
			      bytes_[11] == 0xfe;
		bool dotted = is_ipv4_mapped() || isatap;
		int groups = dotted ? 6 : 8;
		int run_at = -1, run_len = 1; /* a single zero group is not compressed */
		for (int i = 0; i < groups; i++) {
			int len = 0;
			while (i + len < groups && !bytes_[2 * (i + len)] &&
			       !bytes_[2 * (i + len) + 1])
				len++;
			if (len > run_len) {
				run_len = len;
				run_at = i;
			}
		}
		bool colon = false;
		for (int i = 0; i < groups; i++) {
			if (i == run_at) {
				s.append(colon || i == 0 ? "::" : ":");
				colon = false;
				i += run_len - 1;
				continue;
			}
			if (colon)
				s.push_back(':');
			u32 word = u32(bytes_[2 * i]) << 8 | bytes_[2 * i + 1];
			bool lead = true;
			for (int shift = 12; shift >= 0; shift -= 4) {
				u32 nibble = (word >> shift) & 0xf;
				if (lead && !nibble && shift)
					continue;
				lead = false;
				s.push_back(hex[nibble]);
			}
			colon = true;
		}
		if (dotted) {
			if (colon)
				s.push_back(':');
			append_v4(s, bytes_ + 12);
		}
	}

	static constexpr parse_result<ip_address> parse_v4(string_view s) noexcept
	{
		ip_address a;
		a.family_ = address_family::ipv4;
		int part = 0;
		for (string_view p : s.split('.')) {
			if (part == 4)
				return parse_errc::invalid;
			u32 v = 0;
			parse_errc e = detail::parse_strict_dec(p, 255, v);
			if (e != parse_errc{})
				return e;
			a.bytes_[part++] = u8(v);
		}
		if (part != 4)
			return parse_errc::invalid;
		return a;
	}

	static constexpr parse_result<ip_address> parse_v6(string_view s) noexcept
	{
		u16 groups[8] = {};
		int n = 0, gap = -1;
		size_t i = 0;
		if (s.starts_with("::")) {
			gap = 0;
			i = 2;
		} else if (s.starts_with(':')) {
			return parse_errc::invalid;
		}
		while (i < s.size()) {
			if (n == 8)
				return parse_errc::invalid;
			size_t start = i;
			u32 v = 0;
			int digits = 0;
			while (i < s.size() && digits < 5 && is_xdigit(s[i])) {
				v = v * 16 + u32(hex_value(s[i]));
				i++;
				digits++;
			}
			if (i < s.size() && s[i] == '.') {
				/* An embedded dotted quad ends the address. */
				if (n > 6)
					return parse_errc::invalid;
				parse_result<ip_address> v4 = parse_v4(s.substr(start));
				if (!v4)
					return parse_errc::invalid;
				groups[n++] = u16(v4->bytes_[0] << 8 | v4->bytes_[1]);
				groups[n++] = u16(v4->bytes_[2] << 8 | v4->bytes_[3]);
				i = s.size();
				break;
			}
			if (digits == 0 || digits > 4)
				return parse_errc::invalid;
			groups[n++] = u16(v);
			if (i == s.size())
				break;
			if (s[i] != ':')
				return parse_errc::invalid;
			i++;
			if (i < s.size() && s[i] == ':') {
				if (gap >= 0)
					return parse_errc::invalid;
				gap = n;
				i++;
			} else if (i == s.size()) {
				return parse_errc::invalid; /* trailing single ':' */
			}
		}
		if (gap < 0 ? n != 8 : n > 7)
			return parse_errc::invalid;

		ip_address a;
		a.family_ = address_family::ipv6;
		int tail = gap < 0 ? 0 : n - gap;
		for (int g = 0; g < n; g++) {
			int slot = (gap >= 0 && g >= gap) ? 8 - tail + (g - gap) : g;
			a.bytes_[2 * slot] = u8(groups[g] >> 8);
			a.bytes_[2 * slot + 1] = u8(groups[g]);
		}
		return a;
	}

	address_family family_ = address_family::unspec;
	u8 bytes_[16] = {};
};

/** Host and port text, as split_host_port() found them. */
struct host_port {
	/** Without the brackets of "[v6]:port". */
	string_view host;
	/** The port text (not checked yet). */
	string_view port;
	/** Was the host written in brackets? */
	bool bracketed = false;
};

/**
 * Split "HOST:PORT" or "[HOST]:PORT" (a host name too, "example.org:80").
 * The host must not be empty and, without brackets, must not contain ':'
 * (a bare IPv6 address with a port is ambiguous); the port must not be
 * empty.  Neither part is validated further (see socket_address::parse()).
 */
[[nodiscard]] constexpr parse_result<host_port> split_host_port(string_view s) noexcept
{
	host_port hp;
	if (s.starts_with('[')) {
		size_t close = s.find(']');
		if (close == string_view::npos || s.at(close + 1) != ':')
			return parse_errc::invalid;
		hp.host = s.substr(1, close - 1);
		hp.port = s.substr(close + 2);
		hp.bracketed = true;
	} else {
		split_pair p = s.split_once(':');
		if (!p.found || p.tail.contains(':'))
			return parse_errc::invalid;
		hp.host = p.head;
		hp.port = p.tail;
	}
	if (hp.host.empty() || hp.port.empty())
		return parse_errc::invalid;
	return hp;
}

/**
 * An IPv4 or IPv6 socket address: an ip_address, a port and (IPv6) a scope
 * id, laid out as the kernel's struct sockaddr_in / sockaddr_in6, so the
 * socket calls take it without conversion.
 *
 * A default-constructed one is unspecified (family() == unspec) and is
 * rejected by bind/connect with -EAFNOSUPPORT.  Ports are in host order in
 * the API and stored in network order.  Equality compares family, address,
 * port and scope id (not the IPv6 flow label); an IPv4 address never equals
 * its IPv4-mapped IPv6 form.
 *
 * @noop example runs as a KUnit case
 * @code
 * kstd::socket_address a(kstd::ip_address::ipv4(10, 0, 0, 1), 80);
 * auto b = kstd::socket_address::parse("[::ffff:10.0.0.1]:80");
 * if (b && b->address().unmapped() == a.address() && b->port() == a.port()) ...
 * @endcode
 */
class socket_address {
public:
	/** Unspecified. */
	constexpr socket_address() noexcept = default;

	/**
	 * @p addr, port @p port (host order) and, for IPv6, @p scope_id (the
	 * interface index of a link-local address).  An unspecified @p addr
	 * gives an unspecified socket address.
	 */
	constexpr socket_address(const ip_address &addr, u16 port, u32 scope_id = 0) noexcept
	{
		if (addr.is_ipv4()) {
			sa_.family = u16(address_family::ipv4);
			for (size_t i = 0; i < 4; i++)
				sa_.u.in4.addr[i] = addr.bytes_[i];
		} else if (addr.is_ipv6()) {
			sa_.family = u16(address_family::ipv6);
			sa_.u.in6 = {};
			for (size_t i = 0; i < 16; i++)
				sa_.u.in6.addr[i] = addr.bytes_[i];
			sa_.u.in6.scope_id = scope_id;
		} else {
			return;
		}
		set_port(port);
	}

	/** a.b.c.d:port */
	[[nodiscard]] static constexpr socket_address ipv4(u8 a, u8 b, u8 c, u8 d,
							   u16 port) noexcept
	{
		return socket_address(ip_address::ipv4(a, b, c, d), port);
	}
	/** IPv4 from 4 bytes in network order (as in struct in_addr). */
	[[nodiscard]] static constexpr socket_address ipv4(const u8 (&bytes)[4], u16 port) noexcept
	{
		return socket_address(ip_address::ipv4(bytes), port);
	}
	/** 0.0.0.0:port (INADDR_ANY) */
	[[nodiscard]] static constexpr socket_address ipv4_any(u16 port) noexcept
	{
		return socket_address(ip_address::ipv4_any(), port);
	}
	/** 127.0.0.1:port (INADDR_LOOPBACK) */
	[[nodiscard]] static constexpr socket_address ipv4_loopback(u16 port) noexcept
	{
		return socket_address(ip_address::ipv4_loopback(), port);
	}
	/** [bytes]:port, 16 bytes in network order; @p scope_id for link-local. */
	[[nodiscard]] static constexpr socket_address ipv6(const u8 (&bytes)[16], u16 port,
							   u32 scope_id = 0) noexcept
	{
		return socket_address(ip_address::ipv6(bytes), port, scope_id);
	}
	/** `[::]:port` (in6addr_any; also accepts IPv4 unless v6only). */
	[[nodiscard]] static constexpr socket_address ipv6_any(u16 port) noexcept
	{
		return socket_address(ip_address::ipv6_any(), port);
	}
	/** `[::1]:port` (in6addr_loopback). */
	[[nodiscard]] static constexpr socket_address ipv6_loopback(u16 port) noexcept
	{
		return socket_address(ip_address::ipv6_loopback(), port);
	}

	/**
	 * "a.b.c.d:port" or "[ipv6]:port": the address as ip_address::parse()
	 * (IPv4 without brackets, IPv6 only within them, no zone), the port
	 * as parse_port().  The scope id is 0.
	 *
	 * @noop example runs as a KUnit case
	 * @code
	 * kstd::socket_address to = KSTD_TRY(kstd::socket_address::parse("[::1]:8080"));
	 * @endcode
	 */
	[[nodiscard]] static constexpr parse_result<socket_address> parse(string_view s) noexcept
	{
		parse_result<host_port> hp = split_host_port(s);
		if (!hp)
			return hp.error();
		parse_result<ip_address> a = ip_address::parse(
			hp->host, hp->bracketed ? address_family::ipv6 : address_family::ipv4);
		if (!a)
			return a.error();
		parse_result<u16> port = parse_port(hp->port);
		if (!port)
			return port.error();
		return socket_address(a.value(), port.value());
	}

	/**
	 * From a kernel struct kstd_sockaddr (what the C helpers fill in);
	 * anything but AF_INET/AF_INET6 gives an unspecified address.
	 */
	[[nodiscard]] static socket_address from_raw(const kstd_sockaddr &raw) noexcept
	{
		socket_address s;
		if (raw.family == u16(address_family::ipv4) ||
		    raw.family == u16(address_family::ipv6))
			s.sa_ = raw;
		if (s.is_ipv4())
			for (auto &z : s.sa_.u.in4.zero)
				z = 0;
		return s;
	}

	/** AF_INET, AF_INET6, or unspecified (a default-constructed address). */
	[[nodiscard]] constexpr address_family family() const noexcept
	{
		return static_cast<address_family>(sa_.family);
	}
	/** AF_INET? */
	[[nodiscard]] constexpr bool is_ipv4() const noexcept
	{
		return sa_.family == u16(address_family::ipv4);
	}
	/** AF_INET6? */
	[[nodiscard]] constexpr bool is_ipv6() const noexcept
	{
		return sa_.family == u16(address_family::ipv6);
	}

	/** The address (unspecified if this is). */
	[[nodiscard]] constexpr ip_address address() const noexcept
	{
		ip_address a;
		a.family_ = family();
		for (size_t i = 0; i < address_size(); i++)
			a.bytes_[i] = address_bytes()[i];
		return a;
	}
	/** The port, host order. */
	[[nodiscard]] constexpr u16 port() const noexcept
	{
		return static_cast<u16>(sa_.port[0] << 8 | sa_.port[1]);
	}
	/** Replace the port (host order). */
	constexpr void set_port(u16 port) noexcept
	{
		sa_.port[0] = static_cast<u8>(port >> 8);
		sa_.port[1] = static_cast<u8>(port);
	}
	/** The IPv6 scope id (interface index of a link-local address), else 0. */
	[[nodiscard]] constexpr u32 scope_id() const noexcept
	{
		return is_ipv6() ? sa_.u.in6.scope_id : 0;
	}

	/** The address bytes, network order: address_size() of them. */
	[[nodiscard]] constexpr const u8 *address_bytes() const noexcept
	{
		return is_ipv6() ? sa_.u.in6.addr : sa_.u.in4.addr;
	}
	/** The number of address_bytes(): 4, 16 or 0. */
	[[nodiscard]] constexpr size_t address_size() const noexcept
	{
		return is_ipv6() ? 16 : is_ipv4() ? 4 : 0;
	}
	/** The wildcard address (0.0.0.0 or \::)?  See ip_address::is_any(). */
	[[nodiscard]] constexpr bool is_any() const noexcept { return address().is_any(); }
	/** 127.0.0.0/8, \::1, or \::ffff:127.x.y.z?  See ip_address::is_loopback(). */
	[[nodiscard]] constexpr bool is_loopback() const noexcept
	{
		return address().is_loopback();
	}

	/** The longest to_text(): "[", ip_address::max_text characters, "]:65535". */
	static constexpr size_t max_text = ip_address::max_text + 8;

	/**
	 * "192.0.2.1:80" or "[2001:db8::1]:80", as the kernel's `%pISpc`
	 * prints it (no scope id); "" if unspecified.  parse() reads it back.
	 */
	[[nodiscard]] constexpr fixed_string<max_text> to_text() const noexcept
	{
		fixed_string<max_text> s;
		ip_address a = address();
		if (a.is_ipv4()) {
			ip_address::append_v4(s, a.bytes_);
		} else if (a.is_ipv6()) {
			s.push_back('[');
			a.append_v6(s);
			s.push_back(']');
		} else {
			return s;
		}
		s.push_back(':');
		ip_address::append_dec(s, port());
		return s;
	}

	/**
	 * The address as the kernel's struct sockaddr *, for `%pISpc` / `%pISc`
	 * in kstd_pr_*() and for C APIs: valid while this object lives.
	 */
	[[nodiscard]] const ::sockaddr *sockaddr() const noexcept
	{
		// SAFETY: kstd_sockaddr is laid out as sockaddr_in/sockaddr_in6
		// (lib/helpers/socket.c static_asserts every offset), both of
		// which begin with a struct sockaddr's family.
		return reinterpret_cast<const ::sockaddr *>(&sa_);
	}
	/** The underlying sockaddr_in/sockaddr_in6 mirror, for the C helpers. */
	[[nodiscard]] constexpr const kstd_sockaddr &raw() const noexcept { return sa_; }

	/** Same family, address, port and (IPv6) scope id. */
	friend constexpr bool operator==(const socket_address &a, const socket_address &b) noexcept
	{
		return a.address() == b.address() && a.port() == b.port() &&
		       a.scope_id() == b.scope_id();
	}

private:
	kstd_sockaddr sa_{};
};

/** @name Shorthands named after the C constants */
///@{
/** `[::]:port`: socket_address::ipv6_any(). */
[[nodiscard]] constexpr socket_address in6addr_any(u16 port) noexcept
{
	return socket_address::ipv6_any(port);
}
/** `[::1]:port`: socket_address::ipv6_loopback(). */
[[nodiscard]] constexpr socket_address in6addr_loopback(u16 port) noexcept
{
	return socket_address::ipv6_loopback(port);
}
/** `0.0.0.0:port`: socket_address::ipv4_any(). */
[[nodiscard]] constexpr socket_address inaddr_any(u16 port) noexcept
{
	return socket_address::ipv4_any(port);
}
/** `127.0.0.1:port`: socket_address::ipv4_loopback(). */
[[nodiscard]] constexpr socket_address inaddr_loopback(u16 port) noexcept
{
	return socket_address::ipv4_loopback(port);
}
///@}

} // namespace kstd

#endif // KSTD_NET_ADDRESS_HPP
