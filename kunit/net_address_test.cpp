// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_net_address: kstd::ip_address and kstd::socket_address, their parser
 * and their formatter (the kernel's own %pISpc is the reference for the
 * latter).  The same file also runs on the host (tests/host/, built with
 * sanitizers, where inet_pton()/inet_ntop() are the references): there
 * KSTD_HOST_TEST is defined and the host runner provides KSTD_TEST() and
 * the expectations.
 */
#include <kstd/net_address.hpp>

#ifndef KSTD_HOST_TEST
#include <kstd/log.hpp>
#include <kstd/result.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"
#endif

using kstd::address_family;
using kstd::ip_address;
using kstd::parse_errc;
using kstd::socket_address;
using kstd::string_view;
using kstd::u8;

namespace {

/* Parse @text as IPv6 and compare with @hex (32 hex digits), or expect failure if null. */
bool v6_is(string_view text, const char *hex)
{
	kstd::parse_result<ip_address> r = ip_address::parse(text, address_family::ipv6);
	if (!hex)
		return !r && r.error() == parse_errc::invalid;
	if (!r || !r->is_ipv6() || r->bytes().size() != 16)
		return false;
	for (int i = 0; i < 16; i++) {
		int hi = kstd::hex_value(hex[2 * i]), lo = kstd::hex_value(hex[2 * i + 1]);
		if (r->bytes()[i] != (hi << 4 | lo))
			return false;
	}
	/* Without the family, the ':' picks IPv6 all the same. */
	auto same = ip_address::parse(text);
	return same && same.value() == r.value();
}

template <class T>
bool fails_with(kstd::parse_result<T> r, parse_errc e)
{
	return !r && r.error() == e;
}

/* @in parses, prints as @out, and @out parses back to the same address. */
constexpr bool ip_prints(const char *in, const char *out)
{
	auto a = ip_address::parse(in);
	auto text = a->to_text();
	auto back = ip_address::parse(text.view());
	return a && text.view() == out && back && back.value() == a.value();
}
constexpr bool sa_prints(const char *in, const char *out)
{
	auto a = socket_address::parse(in);
	auto text = a->to_text();
	auto back = socket_address::parse(text.view());
	return a && text.view() == out && back && back.value() == a.value();
}

/* Compile-time checks: parser and formatter are constexpr. */
static_assert(ip_address::parse("10.0.0.1")->ipv4_host_order() == 0x0a000001);
static_assert(ip_address::parse("::1")->is_loopback());
static_assert(socket_address::parse("[::1]:80")->port() == 80);
static_assert(sa_prints("[2001:DB8:0:0:1:0:0:1]:443", "[2001:db8::1:0:0:1]:443"));
static_assert(socket_address(ip_address::ipv4(10, 0, 0, 1), 80) ==
	      socket_address::ipv4(10, 0, 0, 1, 80));

} // namespace

KSTD_TEST_SUITE(kstd_net_address);

KSTD_TEST(kstd_net_address, ipv4)
{
	auto a = ip_address::parse("192.168.1.254");
	KSTD_EXPECT(a && a->is_ipv4() && a->family() == address_family::ipv4);
	KSTD_EXPECT(a && a.value() == ip_address::ipv4(192, 168, 1, 254));
	KSTD_EXPECT_EQ(a->ipv4_host_order(), 0xc0a801fe);
	KSTD_EXPECT_EQ(a->size(), 4);
	KSTD_EXPECT_EQ(a->bytes().size(), 4);
	KSTD_EXPECT(ip_address::parse("0.0.0.0"));
	KSTD_EXPECT(ip_address::parse("255.255.255.255"));
	const char *bad[] = {"",	 "1.2.3",     "1.2.3.4.5", "1.2.3.",
			     ".1.2.3",	 "1..2.3",    "01.2.3.4",  "1.2.3.00",
			     "1.2.3.4 ", " 1.2.3.4",  "1.2.3.-4",  "1.2.3.+4",
			     "a.b.c.d",	 "1.2.3.4/8", "0x1.2.3.4", "1.2.3.4:80"};
	for (const char *s : bad)
		KSTD_EXPECT(fails_with(ip_address::parse(s, address_family::ipv4),
				       parse_errc::invalid));
	KSTD_EXPECT(fails_with(ip_address::parse("256.1.1.1"), parse_errc::range));
	KSTD_EXPECT(fails_with(ip_address::parse("1.1.1.999"), parse_errc::range));
	KSTD_EXPECT(fails_with(ip_address::parse("1234.1.1.1"), parse_errc::range));
	/* Only the view is parsed, not what follows it in memory. */
	KSTD_EXPECT(ip_address::parse(string_view("1.2.3.4567", 7)));
	/* A family that is asked for is the only one accepted. */
	KSTD_EXPECT(!ip_address::parse("1.2.3.4", address_family::ipv6));
	KSTD_EXPECT(!ip_address::parse("::1", address_family::ipv4));
}

KSTD_TEST(kstd_net_address, ipv6_forms)
{
	KSTD_EXPECT(v6_is("::", "00000000000000000000000000000000"));
	KSTD_EXPECT(v6_is("::1", "00000000000000000000000000000001"));
	KSTD_EXPECT(v6_is("1::", "00010000000000000000000000000000"));
	KSTD_EXPECT(v6_is("2001:db8::8:800:200c:417a", "20010db80000000000080800200c417a"));
	KSTD_EXPECT(v6_is("2001:DB8:0:0:8:800:200C:417A", "20010db80000000000080800200c417a"));
	KSTD_EXPECT(v6_is("fe80::1:2", "fe800000000000000000000000010002"));
	KSTD_EXPECT(v6_is("1:2:3:4:5:6:7:8", "00010002000300040005000600070008"));
	KSTD_EXPECT(v6_is("1:2:3:4:5:6:7::", "00010002000300040005000600070000"));
	KSTD_EXPECT(v6_is("::2:3:4:5:6:7:8", "00000002000300040005000600070008"));
	KSTD_EXPECT(v6_is("1:2:3::6:7:8", "00010002000300000000000600070008"));
	KSTD_EXPECT(v6_is("0:0:0:0:0:0:0:0", "00000000000000000000000000000000"));
	KSTD_EXPECT(v6_is("::ffff:192.0.2.1", "00000000000000000000ffffc0000201"));
	KSTD_EXPECT(v6_is("64:ff9b::1.2.3.4", "0064ff9b000000000000000001020304"));
	KSTD_EXPECT(v6_is("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"));
	KSTD_EXPECT(v6_is("::1.2.3.4", "00000000000000000000000001020304"));
	KSTD_EXPECT(v6_is("0001:0002::000a", "0001000200000000000000000000000a"));
	auto m = ip_address::parse("::ffff:10.0.0.1");
	KSTD_EXPECT(m && m->is_ipv4_mapped() && m->is_ipv6());
	KSTD_EXPECT(!ip_address::parse("::1")->is_ipv4_mapped());
	KSTD_EXPECT(!ip_address::ipv4(10, 0, 0, 1).is_ipv4_mapped());
	KSTD_EXPECT(ip_address::parse("10.0.0.1")->is_ipv4());
	KSTD_EXPECT(ip_address::parse("::1")->is_ipv6());
	KSTD_EXPECT_EQ(ip_address::parse("::1")->ipv4_host_order(), 0);
}

KSTD_TEST(kstd_net_address, ipv6_rejects)
{
	const char *bad[] = {
		"",
		":",
		":::",
		"1:2:3:4:5:6:7",     /* too few groups */
		"1:2:3:4:5:6:7:8:9", /* too many */
		"1:2:3:4:5:6:7:8::", /* :: with eight groups */
		"::1:2:3:4:5:6:7:8",
		"1::2::3", /* two :: */
		":1::2",   /* lone leading : */
		"1::2:",   /* lone trailing : */
		"1:2:3:4:5:6:7:",
		"12345::", /* 5 digits */
		"g::1",
		"::1%eth0", /* zone index */
		"[::1]",
		" ::1",
		"::1 ",
		"1:2:3:4:5:6:7:1.2.3.4", /* v4 needs two groups */
		"::1.2.3",
		"::1.2.3.256",
		"::01.2.3.4",
		"1.2.3.4::", /* v4 must be last */
		"::1.2.3.4:5",
		"1:::2",
		"::-1",
	};
	for (const char *s : bad) {
		bool ok = v6_is(s, nullptr);
		if (!ok)
			KSTD_EXPECT(!s); /* names the failing input in the log */
		KSTD_EXPECT(ok);
	}
}

KSTD_TEST(kstd_net_address, address_values)
{
	ip_address none;
	KSTD_EXPECT(none.family() == address_family::unspec && none.size() == 0);
	KSTD_EXPECT(!none.is_any() && !none.is_loopback() && !none.is_ipv4() && !none.is_ipv6());
	KSTD_EXPECT(none == ip_address());
	KSTD_EXPECT(!(none == ip_address::ipv4_any()));
	KSTD_EXPECT(ip_address::ipv4_any().is_any() && ip_address::ipv6_any().is_any());
	KSTD_EXPECT(ip_address::ipv4_loopback().is_loopback() &&
		    ip_address::ipv6_loopback().is_loopback());
	KSTD_EXPECT(ip_address::ipv4(127, 9, 9, 9).is_loopback());
	KSTD_EXPECT(!ip_address::ipv4(128, 0, 0, 1).is_loopback());
	KSTD_EXPECT(!ip_address::parse("::2")->is_loopback() &&
		    !ip_address::parse("1::1")->is_loopback());
	KSTD_EXPECT(ip_address::parse("::ffff:127.0.0.1")->is_loopback());
	KSTD_EXPECT(!ip_address::parse("::ffff:0.0.0.0")->is_any());

	/* IPv4-mapped addresses convert only when asked, both ways. */
	auto v4 = ip_address::ipv4(192, 0, 2, 1);
	auto mapped = ip_address::parse("::ffff:192.0.2.1").value();
	KSTD_EXPECT(!(v4 == mapped));
	KSTD_EXPECT(mapped.unmapped() == v4);
	KSTD_EXPECT(v4.to_ipv4_mapped() == mapped);
	KSTD_EXPECT(v4.unmapped() == v4);
	KSTD_EXPECT(mapped.to_ipv4_mapped() == mapped);
	auto plain6 = ip_address::parse("2001:db8::1").value();
	KSTD_EXPECT(plain6.unmapped() == plain6 && plain6.to_ipv4_mapped() == plain6);
	KSTD_EXPECT(ip_address().unmapped() == ip_address());

	/* Equality looks at the family's bytes only. */
	const u8 b4[4] = {10, 1, 2, 3};
	KSTD_EXPECT(ip_address::ipv4(b4) == ip_address::ipv4(10, 1, 2, 3));
	KSTD_EXPECT(!(ip_address::ipv4(10, 1, 2, 3) == ip_address::ipv4(10, 1, 2, 4)));
	const u8 b16[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	KSTD_EXPECT(ip_address::ipv6(b16) == plain6);
	KSTD_EXPECT_EQ(plain6.bytes()[1], 0x01);
}

KSTD_TEST(kstd_net_address, socket_address_values)
{
	auto a = socket_address::ipv4(10, 1, 2, 3, 8080);
	KSTD_EXPECT(a.family() == address_family::ipv4);
	KSTD_EXPECT(a.is_ipv4() && !a.is_ipv6());
	KSTD_EXPECT_EQ(a.port(), 8080);
	KSTD_EXPECT_EQ(a.address_size(), 4);
	KSTD_EXPECT_EQ(a.address_bytes()[0], 10);
	KSTD_EXPECT_EQ(a.address_bytes()[3], 3);
	KSTD_EXPECT(a.address() == ip_address::ipv4(10, 1, 2, 3));
	KSTD_EXPECT(!a.is_any() && !a.is_loopback());
	/* Network byte order inside: 8080 = 0x1f90. */
	KSTD_EXPECT_EQ(a.raw().port[0], 0x1f);
	KSTD_EXPECT_EQ(a.raw().port[1], 0x90);
	KSTD_EXPECT_EQ(a.raw().family, 2); /* AF_INET */

	KSTD_EXPECT(socket_address::ipv4(127, 0, 0, 1, 80) == kstd::inaddr_loopback(80));
	KSTD_EXPECT(!(kstd::inaddr_loopback(80) == kstd::inaddr_loopback(81)));
	KSTD_EXPECT(!(kstd::inaddr_loopback(80) == kstd::in6addr_loopback(80)));
	KSTD_EXPECT(kstd::inaddr_any(0).is_any() && kstd::in6addr_any(0).is_any());
	KSTD_EXPECT(kstd::in6addr_loopback(1).is_loopback() && kstd::in6addr_loopback(1).is_ipv6());
	KSTD_EXPECT_EQ(kstd::in6addr_loopback(1).address_size(), 16);
	KSTD_EXPECT_EQ(kstd::in6addr_loopback(1).raw().family, 10); /* AF_INET6 */

	const u8 mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
	KSTD_EXPECT(socket_address::ipv6(mapped, 1).is_loopback());
	KSTD_EXPECT(!(socket_address::ipv6(mapped, 1) == kstd::inaddr_loopback(1)));
	KSTD_EXPECT(socket_address(socket_address::ipv6(mapped, 1).address().unmapped(), 1) ==
		    kstd::inaddr_loopback(1));
	KSTD_EXPECT(!(socket_address::ipv6(mapped, 1, 2) == socket_address::ipv6(mapped, 1)));
	KSTD_EXPECT_EQ(socket_address::ipv6(mapped, 1, 2).scope_id(), 2);
	KSTD_EXPECT_EQ(socket_address::ipv6(mapped, 1, 2).raw().u.in6.scope_id, 2);
	/* The address and port go in and come out unchanged. */
	auto six = ip_address::parse("2001:db8::8:800:200c:417a").value();
	socket_address s6(six, 65535, 7);
	KSTD_EXPECT(s6.address() == six && s6.port() == 65535 && s6.scope_id() == 7);
	KSTD_EXPECT_EQ(s6.address_bytes()[15], 0x7a);
	KSTD_EXPECT(!(socket_address(ip_address(), 80) == socket_address::ipv4_any(80)));
	KSTD_EXPECT(socket_address(ip_address(), 80) == socket_address());
	KSTD_EXPECT_EQ(socket_address(ip_address(), 80).port(), 0);

	auto b = a;
	b.set_port(9);
	KSTD_EXPECT_EQ(b.port(), 9);
	KSTD_EXPECT(!(a == b));

	socket_address none;
	KSTD_EXPECT(none.family() == address_family::unspec);
	KSTD_EXPECT_EQ(none.address_size(), 0);
	KSTD_EXPECT(!none.is_any() && !none.is_loopback());
	KSTD_EXPECT(none.address() == ip_address());
	KSTD_EXPECT_EQ(sizeof(socket_address), 28); /* sizeof(struct sockaddr_in6) */

	/* from_raw() keeps only AF_INET/AF_INET6 and clears sin_zero. */
	kstd_sockaddr raw = a.raw();
	raw.u.in4.zero[3] = 0x55;
	KSTD_EXPECT(socket_address::from_raw(raw) == a);
	KSTD_EXPECT_EQ(socket_address::from_raw(raw).raw().u.in4.zero[3], 0);
	raw.family = 1; /* AF_UNIX */
	KSTD_EXPECT(socket_address::from_raw(raw).family() == address_family::unspec);
}

KSTD_TEST(kstd_net_address, socket_address_parse)
{
	auto e = socket_address::parse("10.1.2.3:8080");
	KSTD_EXPECT(e && e->address() == ip_address::ipv4(10, 1, 2, 3) && e->port() == 8080);
	e = socket_address::parse("[2001:db8::1]:443");
	KSTD_EXPECT(e && e->is_ipv6() && e->port() == 443 && e->address_bytes()[15] == 1);
	KSTD_EXPECT(e && e->scope_id() == 0);
	e = socket_address::parse("[::ffff:1.2.3.4]:0");
	KSTD_EXPECT(e && e->address().is_ipv4_mapped() && e->port() == 0);
	KSTD_EXPECT(fails_with(socket_address::parse("10.1.2.3:65536"), parse_errc::range));
	KSTD_EXPECT(fails_with(socket_address::parse("10.1.2.300:80"), parse_errc::range));
	const char *bad[] = {"10.1.2.3",     "10.1.2.3:",    ":80",	     "10.1.2.3:080",
			     "10.1.2.3:-1",  "10.1.2.3:+1",  "10.1.2.3:8 0", "::1:80",
			     "[::1]",	     "[::1]80",	     "[::1]:",	     "[]:80",
			     "[1.2.3.4]:80", "[::1:80",	     "::1]:80",	     "[::1]:80:1",
			     "host:80",	     "10.1.2.3:80 ", "[::1%1]:80"};
	for (const char *s : bad) {
		bool ok = fails_with(socket_address::parse(s), parse_errc::invalid);
		if (!ok)
			KSTD_EXPECT(!s);
		KSTD_EXPECT(ok);
	}
	auto hp = kstd::split_host_port("example.org:80");
	KSTD_EXPECT(hp && hp->host == "example.org" && hp->port == "80" && !hp->bracketed);
	hp = kstd::split_host_port("[fe80::1]:http");
	KSTD_EXPECT(hp && hp->host == "fe80::1" && hp->port == "http" && hp->bracketed);
	KSTD_EXPECT_EQ(kstd::parse_port("65535").value(), 65535);
	KSTD_EXPECT(fails_with(kstd::parse_port("65536"), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_port("08"), parse_errc::invalid));
}

KSTD_TEST(kstd_net_address, to_text)
{
	KSTD_EXPECT(ip_prints("0.0.0.0", "0.0.0.0"));
	KSTD_EXPECT(ip_prints("255.255.255.255", "255.255.255.255"));
	KSTD_EXPECT(ip_prints("10.0.100.9", "10.0.100.9"));
	KSTD_EXPECT(ip_prints("::", "::"));
	KSTD_EXPECT(ip_prints("::1", "::1"));
	KSTD_EXPECT(ip_prints("1::", "1::"));
	KSTD_EXPECT(
		ip_prints("2001:DB8:0000:0:1:0:0:1", "2001:db8::1:0:0:1")); /* first longest run */
	KSTD_EXPECT(ip_prints("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")); /* one 0 stays */
	KSTD_EXPECT(ip_prints("1:0:0:2:0:0:0:3", "1:0:0:2::3"));		/* the longer run */
	KSTD_EXPECT(ip_prints("fe80::0abc:0:0:1", "fe80::abc:0:0:1"));
	KSTD_EXPECT(ip_prints("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	/* Dotted tails: IPv4-mapped and ISATAP, as the kernel prints them. */
	KSTD_EXPECT(ip_prints("::ffff:c000:201", "::ffff:192.0.2.1"));
	KSTD_EXPECT(ip_prints("fe80::5efe:c000:201", "fe80::5efe:192.0.2.1"));
	KSTD_EXPECT(ip_prints("fe80::200:5efe:c000:201", "fe80::200:5efe:192.0.2.1"));
	KSTD_EXPECT(ip_prints("ffff:ffff:ffff:ffff:200:5efe:255.255.255.255",
			      "ffff:ffff:ffff:ffff:200:5efe:255.255.255.255")); /* the longest */
	KSTD_EXPECT(ip_prints("::1.2.3.4", "::102:304")); /* deprecated compatible: hex */
	KSTD_EXPECT_EQ(
		ip_address::parse("ffff:ffff:ffff:ffff:200:5efe:255.255.255.255")->to_text().size(),
		ip_address::max_text);
	KSTD_EXPECT(ip_address().to_text().empty());

	KSTD_EXPECT(sa_prints("10.1.2.3:8080", "10.1.2.3:8080"));
	KSTD_EXPECT(sa_prints("0.0.0.0:0", "0.0.0.0:0"));
	KSTD_EXPECT(sa_prints("[::]:65535", "[::]:65535"));
	KSTD_EXPECT(sa_prints("[0:0::1]:80", "[::1]:80"));
	KSTD_EXPECT(sa_prints("[::ffff:1.2.3.4]:1", "[::ffff:1.2.3.4]:1"));
	KSTD_EXPECT(socket_address().to_text().empty());
	/* The scope id is not printed (as with %pISpc). */
	KSTD_EXPECT(socket_address::ipv6_loopback(1).to_text().view() ==
		    socket_address(ip_address::ipv6_loopback(), 1, 3).to_text().view());
}

#ifndef KSTD_HOST_TEST
namespace {

kstd::result<kstd::u16> port_of(string_view s)
{
	socket_address a = KSTD_TRY(socket_address::parse(s));
	return a.port();
}

/* A random address whose groups are often zero, 0xffff or ISATAP-like. */
socket_address random_address(kstd::u64 &seed)
{
	auto next = [&seed](unsigned n) {
		seed ^= seed >> 12;
		seed ^= seed << 25;
		seed ^= seed >> 27;
		return unsigned((seed * 2685821657736338717ull) >> 33) % n;
	};
	u8 b[16] = {};
	if (next(4) == 0) {
		for (int i = 0; i < 4; i++)
			b[i] = u8(next(256));
		const u8 v4[4] = {b[0], b[1], b[2], b[3]};
		return socket_address::ipv4(v4, kstd::u16(next(65536)));
	}
	for (int g = 0; g < 8; g++) {
		unsigned w;
		switch (next(6)) {
		case 0:
		case 1:
		case 2:
			w = 0;
			break;
		case 3:
			w = next(16);
			break;
		case 4:
			w = 0xffff;
			break;
		default:
			w = next(65536);
		}
		b[2 * g] = u8(w >> 8);
		b[2 * g + 1] = u8(w);
	}
	switch (next(8)) {
	case 0: /* IPv4-mapped */
		for (int i = 0; i < 10; i++)
			b[i] = 0;
		b[10] = b[11] = 0xff;
		break;
	case 1: /* ISATAP, 0000:5efe or 0200:5efe */
		b[8] = next(2) ? 2 : 0;
		b[9] = 0;
		b[10] = 0x5e;
		b[11] = 0xfe;
		break;
	default:
		break;
	}
	return socket_address::ipv6(b, kstd::u16(next(65536)));
}

} // namespace

KSTD_TEST(kstd_net_address, parse_with_try)
{
	KSTD_EXPECT_EQ(port_of("[::1]:1").value(), 1);
	KSTD_EXPECT_EQ(port_of("[::1]:").to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(port_of("1.2.3.4:99999").to_errno(), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(port_of("1.2.3.400:9").to_errno(), -KSTD_ERANGE);
}

/* to_text() prints what the kernel's %pISpc prints, and parse() reads both back. */
KSTD_TEST(kstd_net_address, to_text_matches_kernel)
{
	char buf[80];
	kstd_kunit_format_sockaddr(buf, sizeof(buf),
				   socket_address::ipv4(10, 1, 2, 3, 8080).sockaddr());
	KSTD_EXPECT(string_view(buf) == "10.1.2.3:8080");
	kstd_kunit_format_sockaddr(buf, sizeof(buf), kstd::in6addr_loopback(8080).sockaddr());
	KSTD_EXPECT(string_view(buf) == "[::1]:8080");

	kstd::u64 seed = 0x9e3779b97f4a7c15ull;
	int differ = 0;
	for (int i = 0; i < 20000; i++) {
		socket_address a = random_address(seed);
		kstd_kunit_format_sockaddr(buf, sizeof(buf), a.sockaddr());
		auto mine = a.to_text();
		auto back = socket_address::parse(mine.view());
		if (mine.view() != string_view(buf) || !back || !(back.value() == a)) {
			if (differ++ < 5)
				kstd_pr_info("kernel \"%s\", kstd \"%s\"\n", buf, mine.c_str());
		}
	}
	KSTD_EXPECT_EQ(differ, 0);
}
#endif

KSTD_TEST_SUITE_END(kstd_net_address);
