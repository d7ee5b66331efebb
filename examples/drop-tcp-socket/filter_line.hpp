// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file filter_line.hpp
 * @brief drop_tcp_sock's filter mode: which sockets one request drops
 *        (drop_tcp::tcp_filter) and the /proc line that says it.
 *
 * A filter line starts with the word `filter`, then keywords, each at most
 * once, in any order, each followed by its value:
 *
 *     filter [state STATES] [src PREFIX] [sport PORTS] [dst PREFIX] [dport PORTS]
 *
 *     STATES  a comma-separated list of established, syn-sent, syn-recv,
 *             fin-wait-1, fin-wait-2, time-wait, close-wait, last-ack,
 *             closing, or `all` (every one of them); default time-wait
 *     PREFIX  an IPv4 or IPv6 address, optionally /LEN (0..32 or 0..128;
 *             no bits set after LEN); ::ffff:a.b.c.d/LEN (LEN >= 96) is
 *             the IPv4 prefix a.b.c.d/(LEN - 96)
 *     PORTS   PORT or LOW-HIGH, decimal 1..65535, LOW <= HIGH
 *
 * `src`/`sport` are the socket's local end, `dst`/`dport` its peer, as in
 * `ss -tn` output and `ss` filters.  A prefix limits the filter to its
 * family; src and dst must then be of one family.  Blanks separate words.
 *
 * @code
 * drop_tcp::parsed_filter f =
 *         drop_tcp::parse_filter_line("filter state time-wait,fin-wait-2 dst 10.0.0.0/8 dport 80");
 * if (!f)
 *         return f.error == drop_tcp::filter_errc::range ? -ERANGE : -EINVAL;
 * bool hit = f.value.matches(6, local, peer); // 6: TIME-WAIT, the kernel's number
 * @endcode
 *
 * Freestanding like conn_line.hpp: compiles on the host (tests/host).
 * Usable in any context; nothing allocates.
 */
#ifndef DROP_TCP_FILTER_LINE_HPP
#define DROP_TCP_FILTER_LINE_HPP

#include <kstd/net_address.hpp>

namespace drop_tcp {

/** TCP state numbers as the kernel has them (<net/tcp_states.h>); dropper.hpp checks them. */
namespace tcp_st {
inline constexpr unsigned established = 1, syn_sent = 2, syn_recv = 3, fin_wait1 = 4, fin_wait2 = 5,
			  time_wait = 6, close_wait = 8, last_ack = 9, closing = 11,
			  new_syn_recv = 12;
} // namespace tcp_st

/** The bit of a state in tcp_filter::states. */
constexpr kstd::u32 state_bit(unsigned st) noexcept
{
	return st < 32 ? kstd::u32(1) << st : 0;
}

/** An address prefix; len 0 (the default) matches every address of any family. */
struct addr_prefix {
	kstd::ip_address addr;
	/** Bits compared: 0..32 for IPv4, 0..128 for IPv6. */
	kstd::u8 len = 0;
	/** Was one given (then only its family matches)? */
	bool set = false;

	/** Does @p a (IPv4-mapped already unmapped) fall in it? */
	[[nodiscard]] constexpr bool contains(const kstd::ip_address &a) const noexcept
	{
		if (!set)
			return true;
		if (a.family() != addr.family())
			return false;
		kstd::span<const kstd::u8> x = a.bytes(), y = addr.bytes();
		unsigned bits = len;
		for (kstd::size_t i = 0; bits; i++) {
			unsigned take = bits < 8 ? bits : 8;
			kstd::u8 mask = kstd::u8(0xff00u >> take);
			if ((x[i] ^ y[i]) & mask)
				return false;
			bits -= take;
		}
		return true;
	}
};

/** Ports lo..hi, inclusive. */
struct port_range {
	kstd::u16 lo = 0;
	kstd::u16 hi = 65535;

	[[nodiscard]] constexpr bool contains(kstd::u16 p) const noexcept
	{
		return lo <= p && p <= hi;
	}
};

/**
 * Which sockets a filter request drops: every socket of the namespace
 * whose state is in @c states and whose ends fall in the prefixes and
 * port ranges.  The default filter is every TIME-WAIT socket.
 */
struct tcp_filter {
	/** state_bit() of each state that matches. */
	kstd::u32 states = state_bit(tcp_st::time_wait);
	addr_prefix src;
	port_range sport;
	addr_prefix dst;
	port_range dport;

	/**
	 * Does a socket in state @p state (the kernel's number) with local
	 * end @p local and peer @p peer match?
	 */
	[[nodiscard]] constexpr bool matches(unsigned state, const kstd::socket_address &local,
					     const kstd::socket_address &peer) const noexcept
	{
		return (states & state_bit(state)) && src.contains(local.address()) &&
		       dst.contains(peer.address()) && sport.contains(local.port()) &&
		       dport.contains(peer.port());
	}
};

/** Why a filter line was refused (dropper.hpp maps it to an errno). */
enum class filter_errc : kstd::u8 {
	ok = 0,
	/** EINVAL: unknown or repeated keyword, missing value, bad syntax. */
	malformed,
	/** ERANGE: a port of 0 or above 65535, a prefix length too long. */
	range,
	/** EAFNOSUPPORT: an IPv4 src and an IPv6 dst, or the reverse. */
	family_mix,
};

/** What parse_filter_line() found. */
struct parsed_filter {
	filter_errc error = filter_errc::ok;
	/** What exactly was wrong, for messages ("" when ok). */
	const char *what = "";
	tcp_filter value;

	constexpr explicit operator bool() const noexcept { return error == filter_errc::ok; }
};

/** Does @p line (blanks trimmed or not) start with the word `filter`? */
[[nodiscard]] constexpr bool is_filter_line(kstd::string_view line) noexcept
{
	for (kstd::string_view w : line.words())
		return w == "filter";
	return false;
}

namespace detail {

constexpr parsed_filter filter_fail(filter_errc e, const char *what) noexcept
{
	parsed_filter r;
	r.error = e;
	r.what = what;
	return r;
}

struct state_name {
	const char *name;
	kstd::u32 bits;
};

inline constexpr state_name state_names[] = {
	{"established", state_bit(tcp_st::established)},
	{"syn-sent", state_bit(tcp_st::syn_sent)},
	/* Request sockets are what ss shows as SYN-RECV. */
	{"syn-recv", state_bit(tcp_st::syn_recv) | state_bit(tcp_st::new_syn_recv)},
	{"fin-wait-1", state_bit(tcp_st::fin_wait1)},
	{"fin-wait-2", state_bit(tcp_st::fin_wait2)},
	{"time-wait", state_bit(tcp_st::time_wait)},
	{"close-wait", state_bit(tcp_st::close_wait)},
	{"last-ack", state_bit(tcp_st::last_ack)},
	{"closing", state_bit(tcp_st::closing)},
};

constexpr kstd::u32 all_states() noexcept
{
	kstd::u32 all = 0;
	for (const state_name &s : state_names)
		all |= s.bits;
	return all;
}

/* "time-wait,fin-wait-2" into @bits. */
constexpr parsed_filter parse_states(kstd::string_view v, kstd::u32 &bits) noexcept
{
	bits = 0;
	for (;;) {
		kstd::split_pair p = v.split_once(',');
		kstd::string_view name = p.head;
		if (name.empty())
			return filter_fail(filter_errc::malformed, "empty state name");
		kstd::u32 b = 0;
		if (name == "all") {
			b = all_states();
		} else {
			for (const state_name &s : state_names)
				if (name == s.name)
					b = s.bits;
		}
		if (!b)
			return filter_fail(filter_errc::malformed, "unknown state");
		bits |= b;
		if (!p.found)
			return {};
		v = p.tail;
	}
}

/*
 * @a with its first @len bits (at most its width) into @out: an
 * IPv4-mapped @a (len >= 96) as the IPv4 prefix; no bit set after @len.
 */
constexpr parsed_filter prefix_of(const kstd::ip_address &a, kstd::u32 len,
				  addr_prefix &out) noexcept
{
	out.addr = a;
	out.len = kstd::u8(len);
	out.set = true;
	if (a.is_ipv4_mapped()) {
		if (len < 96)
			return filter_fail(filter_errc::malformed,
					   "IPv4-mapped prefix shorter than 96 bits");
		out.addr = a.unmapped();
		out.len = kstd::u8(len - 96);
	}
	/* Strict: no bits after the length (10.0.0.1/8 is a typo or a host). */
	kstd::span<const kstd::u8> b = out.addr.bytes();
	for (unsigned bit = out.len; bit < b.size() * 8; bit++)
		if (b[bit / 8] & (0x80u >> (bit % 8)))
			return filter_fail(filter_errc::malformed,
					   "address bits set after the prefix length");
	return {};
}

/* "10.0.0.0/8", "::1", "2001:db8::/32" into @out. */
constexpr parsed_filter parse_prefix(kstd::string_view v, addr_prefix &out) noexcept
{
	kstd::split_pair p = v.split_once('/');
	bool v6 = p.head.contains(':');
	kstd::parse_result<kstd::ip_address> a = kstd::ip_address::parse(
		p.head, v6 ? kstd::address_family::ipv6 : kstd::address_family::ipv4);
	if (!a)
		return filter_fail(filter_errc::malformed,
				   v6 ? "bad IPv6 address" : "bad IPv4 address");
	kstd::u32 max = v6 ? 128 : 32, len = max;
	if (p.found) {
		kstd::parse_errc e = kstd::detail::parse_strict_dec(p.tail, 255, len);
		if (e == kstd::parse_errc::invalid)
			return filter_fail(filter_errc::malformed, "bad prefix length");
		if (e != kstd::parse_errc{} || len > max)
			return filter_fail(filter_errc::range, "prefix length too long");
	}
	return prefix_of(*a, len, out);
}

constexpr parsed_filter parse_one_port(kstd::string_view v, kstd::u16 &out) noexcept
{
	kstd::parse_result<kstd::u16> p = kstd::parse_port(v);
	if (!p)
		return p.error() == kstd::parse_errc::range
			       ? filter_fail(filter_errc::range, "port above 65535")
			       : filter_fail(filter_errc::malformed, "bad port");
	if (p.value() == 0)
		return filter_fail(filter_errc::range, "port 0");
	out = p.value();
	return {};
}

/* "80" or "1024-65535" into @out. */
constexpr parsed_filter parse_ports(kstd::string_view v, port_range &out) noexcept
{
	kstd::split_pair p = v.split_once('-');
	parsed_filter r = parse_one_port(p.head, out.lo);
	if (!r)
		return r;
	out.hi = out.lo;
	if (!p.found)
		return {};
	r = parse_one_port(p.tail, out.hi);
	if (!r)
		return r;
	if (out.lo > out.hi)
		return filter_fail(filter_errc::malformed, "port range LOW-HIGH with LOW > HIGH");
	return {};
}

} // namespace detail

/** A filter line (see the file comment); the words after `filter` into a tcp_filter. */
[[nodiscard]] constexpr parsed_filter parse_filter_line(kstd::string_view line) noexcept
{
	using detail::filter_fail;
	parsed_filter r;
	constexpr unsigned k_state = 1, k_src = 2, k_sport = 4, k_dst = 8, k_dport = 16;
	unsigned seen = 0;
	bool first = true;
	kstd::string_view key;
	for (kstd::string_view w : line.words()) {
		if (first) {
			if (w != "filter")
				return filter_fail(filter_errc::malformed, "expected 'filter'");
			first = false;
			continue;
		}
		if (key.empty()) {
			key = w;
			continue;
		}
		unsigned k = key == "state"   ? k_state
			     : key == "src"   ? k_src
			     : key == "sport" ? k_sport
			     : key == "dst"   ? k_dst
			     : key == "dport" ? k_dport
					      : 0;
		if (!k)
			return filter_fail(filter_errc::malformed, "unknown keyword");
		if (seen & k)
			return filter_fail(filter_errc::malformed, "keyword given twice");
		seen |= k;
		parsed_filter f;
		switch (k) {
		case k_state:
			f = detail::parse_states(w, r.value.states);
			break;
		case k_src:
			f = detail::parse_prefix(w, r.value.src);
			break;
		case k_sport:
			f = detail::parse_ports(w, r.value.sport);
			break;
		case k_dst:
			f = detail::parse_prefix(w, r.value.dst);
			break;
		default:
			f = detail::parse_ports(w, r.value.dport);
			break;
		}
		if (!f)
			return f;
		key = {};
	}
	if (first)
		return filter_fail(filter_errc::malformed, "expected 'filter'");
	if (!key.empty())
		return filter_fail(filter_errc::malformed,
				   key == "state" || key == "src" || key == "sport" ||
						   key == "dst" || key == "dport"
					   ? "keyword without a value"
					   : "unknown keyword");
	if (r.value.src.set && r.value.dst.set &&
	    r.value.src.addr.family() != r.value.dst.addr.family())
		return filter_fail(filter_errc::family_mix, "an IPv4 and an IPv6 prefix");
	return r;
}

/**
 * The prefix of the first @p len bits of the address @p bytes (4 bytes:
 * IPv4, 16: IPv6), checked as a filter line's PREFIX is (the generic
 * netlink command's SRC/DST attributes): -EINVAL (malformed) for another
 * size or a bit set after @p len, ERANGE for @p len above the width.
 */
[[nodiscard]] constexpr parsed_filter make_prefix(kstd::span<const kstd::u8> bytes, kstd::u32 len,
						  addr_prefix &out) noexcept
{
	kstd::ip_address a;
	if (bytes.size() == 4) {
		kstd::u8 b[4] = {bytes[0], bytes[1], bytes[2], bytes[3]};
		a = kstd::ip_address::ipv4(b);
	} else if (bytes.size() == 16) {
		kstd::u8 b[16] = {};
		for (kstd::size_t i = 0; i < 16; i++)
			b[i] = bytes[i];
		a = kstd::ip_address::ipv6(b);
	} else {
		return detail::filter_fail(filter_errc::malformed, "an address is 4 or 16 bytes");
	}
	if (len > bytes.size() * 8)
		return detail::filter_fail(filter_errc::range, "prefix length too long");
	return detail::prefix_of(a, len, out);
}

} // namespace drop_tcp

#endif // DROP_TCP_FILTER_LINE_HPP
