// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter-line cases (filter_line.hpp) shared by the module's KUnit
 * suite (dropper_test.cpp) and the host test (tests/host/
 * drop_filter_host_test.cpp): every field, every refusal, and what a
 * parsed filter matches.  Freestanding.
 */
#ifndef DROP_TCP_FILTER_CASES_HPP
#define DROP_TCP_FILTER_CASES_HPP

#include "../filter_line.hpp"

namespace drop_tcp_cases {

using drop_tcp::filter_errc;
using drop_tcp::state_bit;
namespace st = drop_tcp::tcp_st;

inline constexpr kstd::u32 tw = state_bit(st::time_wait);
inline constexpr kstd::u32 all =
	state_bit(st::established) | state_bit(st::syn_sent) | state_bit(st::syn_recv) |
	state_bit(st::new_syn_recv) | state_bit(st::fin_wait1) | state_bit(st::fin_wait2) | tw |
	state_bit(st::close_wait) | state_bit(st::last_ack) | state_bit(st::closing);

/* A filter line and what parse_filter_line() must make of it. */
struct filter_case {
	const char *name;
	const char *line;
	filter_errc error;
	/* Accepted: the filter's fields; a prefix as "ADDR/LEN", "" if unset. */
	kstd::u32 states;
	const char *src;
	kstd::u16 sport_lo, sport_hi;
	const char *dst;
	kstd::u16 dport_lo, dport_hi;
	/* Refused: a word of parsed_filter::what. */
	const char *what;
};

inline constexpr filter_case filter_cases[] = {
	{"bare_is_time_wait", "filter", filter_errc::ok, tw, "", 0, 65535, "", 0, 65535, ""},
	{"issue_example",
	 "filter state time-wait,fin-wait-2 src 10.0.0.0/8 sport 1024-65535 dst 10.1.2.3 dport 80",
	 filter_errc::ok, tw | state_bit(st::fin_wait2), "10.0.0.0/8", 1024, 65535, "10.1.2.3/32",
	 80, 80, ""},
	{"every_state",
	 "filter state established,syn-sent,syn-recv,fin-wait-1,fin-wait-2,time-wait,close-wait,"
	 "last-ack,closing",
	 filter_errc::ok, all, "", 0, 65535, "", 0, 65535, ""},
	{"all", "filter state all", filter_errc::ok, all, "", 0, 65535, "", 0, 65535, ""},
	{"syn_recv_takes_request_sockets", "filter state syn-recv", filter_errc::ok,
	 state_bit(st::syn_recv) | state_bit(st::new_syn_recv), "", 0, 65535, "", 0, 65535, ""},
	{"ipv6_prefixes", " filter\tdst ::1  src 2001:db8::/32 state close-wait ", filter_errc::ok,
	 state_bit(st::close_wait), "2001:db8::/32", 0, 65535, "::1/128", 0, 65535, ""},
	{"mapped_prefix", "filter src ::ffff:10.0.0.0/104", filter_errc::ok, tw, "10.0.0.0/8", 0,
	 65535, "", 0, 65535, ""},
	{"zero_length_prefix", "filter dst 0.0.0.0/0 dport 1-1", filter_errc::ok, tw, "", 0, 65535,
	 "0.0.0.0/0", 1, 1, ""},
	{"port_bounds", "filter sport 1 dport 65535", filter_errc::ok, tw, "", 1, 1, "", 65535,
	 65535, ""},
	/* Refused. */
	{"not_filter", "filters state all", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "expected 'filter'"},
	{"unknown_keyword", "filter proto tcp", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "unknown keyword"},
	{"unknown_keyword_last", "filter bogus", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "unknown keyword"},
	{"missing_value", "filter dport", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "without a value"},
	{"twice", "filter dport 80 dport 81", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "twice"},
	{"unknown_state", "filter state time_wait", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "unknown state"},
	{"listen_is_no_state_here", "filter state listen", filter_errc::malformed, 0, "", 0, 0, "",
	 0, 0, "unknown state"},
	{"empty_state", "filter state time-wait,,closing", filter_errc::malformed, 0, "", 0, 0, "",
	 0, 0, "empty state"},
	{"trailing_comma", "filter state time-wait,", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "empty state"},
	{"bad_ipv4", "filter src 10.0.0.256", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "IPv4"},
	{"bad_ipv6", "filter dst ::1::2", filter_errc::malformed, 0, "", 0, 0, "", 0, 0, "IPv6"},
	{"bracketed", "filter dst [::1]", filter_errc::malformed, 0, "", 0, 0, "", 0, 0, "IPv6"},
	{"bad_length", "filter src 10.0.0.0/x", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "prefix length"},
	{"empty_length", "filter src 10.0.0.0/", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "prefix length"},
	{"v4_length_too_long", "filter src 10.0.0.0/33", filter_errc::range, 0, "", 0, 0, "", 0, 0,
	 "too long"},
	{"v6_length_too_long", "filter src ::/129", filter_errc::range, 0, "", 0, 0, "", 0, 0,
	 "too long"},
	{"huge_length", "filter src ::/4294967296", filter_errc::range, 0, "", 0, 0, "", 0, 0,
	 "too long"},
	{"host_bits", "filter src 10.0.0.1/8", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "bits set"},
	{"short_mapped", "filter src ::ffff:0.0.0.0/95", filter_errc::malformed, 0, "", 0, 0, "", 0,
	 0, "IPv4-mapped"},
	{"bad_port", "filter sport http", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "bad port"},
	{"port_sign", "filter sport +80", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "bad port"},
	{"port_zero", "filter dport 0", filter_errc::range, 0, "", 0, 0, "", 0, 0, "port 0"},
	{"port_too_big", "filter dport 1-65536", filter_errc::range, 0, "", 0, 0, "", 0, 0,
	 "65535"},
	{"reversed_range", "filter dport 90-80", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "LOW > HIGH"},
	{"open_range", "filter dport 80-", filter_errc::malformed, 0, "", 0, 0, "", 0, 0,
	 "bad port"},
	{"family_mix", "filter src 10.0.0.0/8 dst ::1", filter_errc::family_mix, 0, "", 0, 0, "", 0,
	 0, "IPv4 and an IPv6"},
};

/* A filter, a socket and whether the filter matches it. */
struct match_case {
	const char *name;
	const char *filter;
	unsigned state;
	const char *local;
	const char *peer;
	bool hit;
};

inline constexpr match_case match_cases[] = {
	{"tw_default", "filter", st::time_wait, "127.0.0.1:40000", "127.0.0.1:80", true},
	{"tw_default_ipv6", "filter", st::time_wait, "[::1]:40000", "[::1]:80", true},
	{"tw_default_not_established", "filter", st::established, "127.0.0.1:40000", "127.0.0.1:80",
	 false},
	{"fin_wait2_listed", "filter state time-wait,fin-wait-2", st::fin_wait2, "10.0.0.1:1",
	 "10.0.0.2:2", true},
	{"request_socket_is_syn_recv", "filter state syn-recv", st::new_syn_recv, "10.0.0.1:80",
	 "10.0.0.2:5000", true},
	{"dport_in_range", "filter dport 80-90", st::time_wait, "10.0.0.1:5000", "10.0.0.2:90",
	 true},
	{"dport_below", "filter dport 80-90", st::time_wait, "10.0.0.1:5000", "10.0.0.2:79", false},
	{"dport_above", "filter dport 80-90", st::time_wait, "10.0.0.1:5000", "10.0.0.2:91", false},
	{"sport_is_local", "filter sport 5000", st::time_wait, "10.0.0.1:5000", "10.0.0.2:80",
	 true},
	{"sport_not_peer", "filter sport 80", st::time_wait, "10.0.0.1:5000", "10.0.0.2:80", false},
	{"src_prefix", "filter src 10.0.0.0/8", st::time_wait, "10.255.0.1:1", "192.0.2.1:2", true},
	{"src_prefix_outside", "filter src 10.0.0.0/8", st::time_wait, "11.0.0.1:1", "10.0.0.1:2",
	 false},
	{"dst_odd_length", "filter dst 192.0.2.128/25", st::time_wait, "10.0.0.1:1",
	 "192.0.2.200:2", true},
	{"dst_odd_length_outside", "filter dst 192.0.2.128/25", st::time_wait, "10.0.0.1:1",
	 "192.0.2.127:2", false},
	{"v4_prefix_skips_v6", "filter dst 0.0.0.0/0", st::time_wait, "[::1]:1", "[::1]:2", false},
	{"v6_prefix", "filter dst 2001:db8::/32", st::time_wait, "[::1]:1", "[2001:db8:ffff::1]:2",
	 true},
	{"v6_prefix_outside", "filter dst 2001:db8::/32", st::time_wait, "[::1]:1",
	 "[2001:db9::1]:2", false},
	{"v6_prefix_skips_v4", "filter dst ::/0", st::time_wait, "10.0.0.1:1", "10.0.0.2:2", false},
	{"mapped_prefix_is_v4", "filter dst ::ffff:127.0.0.0/104", st::time_wait, "127.0.0.1:1",
	 "127.0.0.2:2", true},
	{"exact_host", "filter dst ::1", st::time_wait, "[::1]:1", "[::2]:2", false},
};

/* Is @p p the prefix "ADDR/LEN" (or unset, for "")? */
constexpr bool prefix_is(const drop_tcp::addr_prefix &p, kstd::string_view want) noexcept
{
	if (want.empty())
		return !p.set;
	kstd::split_pair s = want.split_once('/');
	auto a = kstd::ip_address::parse(s.head, s.head.contains(':') ? kstd::address_family::ipv6
								      : kstd::address_family::ipv4);
	kstd::u32 len = 0;
	return p.set && a &&
	       kstd::detail::parse_strict_dec(s.tail, 255, len) == kstd::parse_errc{} &&
	       p.addr == *a && p.len == len;
}

/* Does the filter line @p c.filter parse and give c.hit for its socket? */
constexpr bool match_case_holds(const match_case &c) noexcept
{
	drop_tcp::parsed_filter f = drop_tcp::parse_filter_line(c.filter);
	auto local = kstd::socket_address::parse(c.local);
	auto peer = kstd::socket_address::parse(c.peer);
	return f && local && peer && f.value.matches(c.state, *local, *peer) == c.hit;
}

/* The parse of @p c gives what it says. */
constexpr bool filter_case_holds(const filter_case &c) noexcept
{
	drop_tcp::parsed_filter f = drop_tcp::parse_filter_line(c.line);
	if (f.error != c.error)
		return false;
	if (!f)
		return kstd::string_view(f.what).contains(c.what);
	const drop_tcp::tcp_filter &v = f.value;
	return kstd::string_view(f.what).empty() && v.states == c.states &&
	       prefix_is(v.src, c.src) && prefix_is(v.dst, c.dst) && v.sport.lo == c.sport_lo &&
	       v.sport.hi == c.sport_hi && v.dport.lo == c.dport_lo && v.dport.hi == c.dport_hi;
}

/* Binary address + length (the netlink command's form) and make_prefix()'s verdict. */
struct prefix_case {
	const char *name;
	kstd::u8 bytes[16];
	kstd::u8 size;
	kstd::u32 len;
	filter_errc error;
	/* Accepted: "ADDR/LEN" as prefix_is() takes it. */
	const char *want;
};

inline constexpr prefix_case prefix_cases[] = {
	{"IPv4 /8", {127}, 4, 8, filter_errc::ok, "127.0.0.0/8"},
	{"IPv4 host /32", {10, 1, 2, 3}, 4, 32, filter_errc::ok, "10.1.2.3/32"},
	{"IPv4 /0", {}, 4, 0, filter_errc::ok, "0.0.0.0/0"},
	{"IPv6 /128",
	 {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	 16,
	 128,
	 filter_errc::ok,
	 "::1/128"},
	{"IPv4-mapped /104 is IPv4 /8",
	 {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127},
	 16,
	 104,
	 filter_errc::ok,
	 "127.0.0.0/8"},
	{"IPv4-mapped /64",
	 {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127},
	 16,
	 64,
	 filter_errc::malformed,
	 ""},
	{"a bit after the length", {127, 0, 0, 1}, 4, 8, filter_errc::malformed, ""},
	{"IPv4 /33", {127}, 4, 33, filter_errc::range, ""},
	{"IPv6 /129", {}, 16, 129, filter_errc::range, ""},
	{"5 bytes", {127}, 5, 8, filter_errc::malformed, ""},
	{"0 bytes", {}, 0, 0, filter_errc::malformed, ""},
};

/* make_prefix() of @p c gives what it says. */
constexpr bool prefix_case_holds(const prefix_case &c) noexcept
{
	drop_tcp::addr_prefix p;
	kstd::u8 b[16] = {};
	for (kstd::size_t i = 0; i < 16; i++)
		b[i] = c.bytes[i];
	drop_tcp::parsed_filter f =
		drop_tcp::make_prefix(kstd::span<const kstd::u8>(b, c.size), c.len, p);
	if (f.error != c.error)
		return false;
	return !f || prefix_is(p, c.want);
}

} // namespace drop_tcp_cases

#endif // DROP_TCP_FILTER_CASES_HPP
