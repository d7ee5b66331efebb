// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_string: string_view, fixed_string, span and the strict parsers.
 * The same file also runs on the host (tests/host/, built with sanitizers):
 * there KSTD_HOST_TEST is defined and the host runner provides KSTD_TEST()
 * and the expectations.
 */
#include <kstd/span.hpp>
#include <kstd/string.hpp>

#ifndef KSTD_HOST_TEST
#include <kstd/result.hpp>

#include "test.hpp"
#endif

using kstd::parse_errc;
using kstd::string_view;
using namespace kstd::literals;

namespace {

template <class T>
bool parses_to(kstd::parse_result<T> r, T v)
{
	return r && r.value() == v;
}

template <class T>
bool fails_with(kstd::parse_result<T> r, parse_errc e)
{
	return !r && r.error() == e;
}

/* Compile-time checks: the parsers are constexpr. */
static_assert(kstd::parse_u16("8080").value() == 8080);
static_assert(!kstd::parse_u16("65536"));
static_assert("abc"_sv.size() == 3 && "a\0b"_sv.size() == 3);

} // namespace

KSTD_TEST(string, view_bounds_are_clamped)
{
	string_view s("hello world");
	EXPECT_EQ(s.size(), 11);
	EXPECT(s.substr(6) == "world");
	EXPECT(s.substr(6, 100) == "world");
	EXPECT(s.substr(11).empty());
	EXPECT(s.substr(1000, 5).empty());
	EXPECT(s.substr(1000).data() == s.end()); /* never past the end */
	EXPECT(s.first(5) == "hello");
	EXPECT(s.first(99) == s);
	EXPECT(s.last(5) == "world");
	EXPECT(s.last(99) == s);
	EXPECT_EQ(s.at(0), 'h');
	EXPECT_EQ(s.at(11), '\0');
	EXPECT_EQ(s.front(), 'h');
	EXPECT_EQ(s.back(), 'd');
	EXPECT_EQ(string_view().front(), '\0');
	EXPECT_EQ(string_view().back(), '\0');
	string_view t = s;
	t.remove_prefix(6);
	EXPECT(t == "world");
	t.remove_suffix(100);
	EXPECT(t.empty());
	t = s;
	t.remove_prefix(100);
	EXPECT(t.empty());
	EXPECT(string_view(nullptr).empty());
	EXPECT(string_view(nullptr, 5).empty());
	/* Embedded NULs are data, not terminators. */
	EXPECT_EQ("a\0b"_sv.size(), 3);
	EXPECT("a\0b"_sv != "a"_sv);
}

KSTD_TEST(string, find_and_compare)
{
	string_view s("GET /index.html HTTP/1.1");
	EXPECT_EQ(s.find(' '), 3);
	EXPECT_EQ(s.find(' ', 4), 15);
	EXPECT_EQ(s.find('z'), string_view::npos);
	EXPECT_EQ(s.find(' ', 1000), string_view::npos);
	EXPECT_EQ(s.find("HTTP"), 16);
	EXPECT_EQ(s.find("HTTP/1.1 "), string_view::npos);
	EXPECT_EQ(s.find(""), 0);
	EXPECT_EQ(string_view("ab").find("abc"), string_view::npos);
	EXPECT_EQ(s.rfind('/'), 20);
	EXPECT_EQ(string_view().rfind('/'), string_view::npos);
	EXPECT_EQ(s.find_first_of("/."), 4);
	EXPECT_EQ(s.find_first_not_of("GET "), 4);
	EXPECT_EQ(string_view("   ").find_first_not_of(" "), string_view::npos);
	EXPECT(s.starts_with("GET "));
	EXPECT(!s.starts_with("GET /index.html HTTP/1.1 and more"));
	EXPECT(s.ends_with("1.1"));
	EXPECT(s.ends_with('1'));
	EXPECT(!string_view().ends_with('1'));
	EXPECT(s.contains("index"));
	EXPECT(string_view("abc").compare("abd") < 0);
	EXPECT(string_view("abd").compare("abc") > 0);
	EXPECT(string_view("ab").compare("abc") < 0);
	EXPECT_EQ(string_view("abc").compare("abc"), 0);
	/* Bytes >= 0x80 compare as unsigned. */
	EXPECT(string_view("\xff").compare("a") > 0);
}

KSTD_TEST(string, case_insensitive)
{
	EXPECT(kstd::iequals("Content-Length", "content-length"));
	EXPECT(!kstd::iequals("Content-Length", "content-lengt"));
	EXPECT(!kstd::iequals("a", "b"));
	EXPECT(string_view("Keep-Alive").istarts_with("keep-"));
	EXPECT(string_view("text/HTML").iends_with("/html"));
	EXPECT(!string_view("x").istarts_with("xy"));
	/* Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ. */
	EXPECT(!kstd::iequals("@", "`"));
	EXPECT(!kstd::iequals("\xc0", "\xe0"));
	EXPECT_EQ(kstd::to_lower('Q'), 'q');
	EXPECT_EQ(kstd::to_upper('q'), 'Q');
	EXPECT_EQ(kstd::to_lower('1'), '1');
}

KSTD_TEST(string, trim_and_split)
{
	EXPECT(string_view(" \t a b \r\n").trim() == "a b");
	EXPECT(string_view(" \t a b \r\n").trim_left() == "a b \r\n");
	EXPECT(string_view(" \t a b \r\n").trim_right() == " \t a b");
	EXPECT(string_view("   ").trim().empty());
	EXPECT(string_view().trim().empty());

	auto [head, tail, found] = string_view("Host: example.org").split_once(':');
	EXPECT(found);
	EXPECT(head == "Host");
	EXPECT(tail.trim() == "example.org");
	auto none = string_view("no-colon").split_once(':');
	EXPECT(!none.found);
	EXPECT(none.head == "no-colon");
	EXPECT(none.tail.empty());

	const char *expect[] = {"a", "", "b", ""};
	int n = 0;
	bool same = true;
	for (string_view f : string_view("a,,b,").split(',')) {
		same = same && n < 4 && f == expect[n];
		n++;
	}
	EXPECT(same);
	EXPECT_EQ(n, 4);
	n = 0;
	for (string_view f : string_view().split(',')) {
		(void)f;
		n++;
	}
	EXPECT_EQ(n, 0);
	n = 0;
	for (string_view f : string_view("abc").split(',')) {
		EXPECT(f == "abc");
		n++;
	}
	EXPECT_EQ(n, 1);

	const char *words[] = {"1.2.3.4:80", "5.6.7.8:90"};
	n = 0;
	same = true;
	for (string_view w : string_view("  1.2.3.4:80 \t 5.6.7.8:90\r\n").words()) {
		same = same && n < 2 && w == words[n];
		n++;
	}
	EXPECT(same);
	EXPECT_EQ(n, 2);
	n = 0;
	for (string_view w : string_view(" \t ").words()) {
		(void)w;
		n++;
	}
	EXPECT_EQ(n, 0);
}

KSTD_TEST(string, parse_unsigned)
{
	EXPECT(parses_to(kstd::parse_u16("8080"), kstd::u16(8080)));
	EXPECT(parses_to(kstd::parse_u16("0"), kstd::u16(0)));
	EXPECT(parses_to(kstd::parse_u16("00080"), kstd::u16(80))); /* leading zeros: decimal */
	EXPECT(parses_to(kstd::parse_u16("65535"), kstd::u16(65535)));
	EXPECT(fails_with(kstd::parse_u16("65536"), parse_errc::range));
	EXPECT(fails_with(kstd::parse_u16("99999999999999999999999"), parse_errc::range));
	EXPECT(fails_with(kstd::parse_u16(""), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16(" 1"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("1 "), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("1\n"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("+1"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("-1"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("-0"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("12a"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_u16("0x10"), parse_errc::invalid));
	/* Syntax is judged before magnitude. */
	EXPECT(fails_with(kstd::parse_u16("9999999x"), parse_errc::invalid));
	EXPECT(parses_to(kstd::parse_u8("255"), kstd::u8(255)));
	EXPECT(fails_with(kstd::parse_u8("256"), parse_errc::range));
	EXPECT(parses_to(kstd::parse_u32("4294967295"), kstd::u32(4294967295u)));
	EXPECT(fails_with(kstd::parse_u32("4294967296"), parse_errc::range));
	EXPECT(parses_to(kstd::parse_u64("18446744073709551615"), kstd::u64(~0ull)));
	EXPECT(fails_with(kstd::parse_u64("18446744073709551616"), parse_errc::range));
	EXPECT(fails_with(kstd::parse_u64("184467440737095516150"), parse_errc::range));
	/* A view into a longer buffer stops at its size. */
	EXPECT(parses_to(kstd::parse_u16(string_view("123456", 3)), kstd::u16(123)));
}

KSTD_TEST(string, parse_signed)
{
	EXPECT(parses_to(kstd::parse_s32("-2147483648"), kstd::s32(-2147483647 - 1)));
	EXPECT(parses_to(kstd::parse_s32("2147483647"), kstd::s32(2147483647)));
	EXPECT(fails_with(kstd::parse_s32("2147483648"), parse_errc::range));
	EXPECT(fails_with(kstd::parse_s32("-2147483649"), parse_errc::range));
	EXPECT(parses_to(kstd::parse_s32("-0"), kstd::s32(0)));
	EXPECT(parses_to(kstd::parse_s32("-42"), kstd::s32(-42)));
	EXPECT(fails_with(kstd::parse_s32("-"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_s32("--1"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_s32("+1"), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_s32("1-"), parse_errc::invalid));
	EXPECT(parses_to(kstd::parse_s64("-9223372036854775808"),
			 kstd::s64(-9223372036854775807ll - 1)));
	EXPECT(fails_with(kstd::parse_s64("9223372036854775808"), parse_errc::range));
	EXPECT(parses_to(kstd::parse_int<short>("-32768"), short(-32768)));
	EXPECT(fails_with(kstd::parse_int<short>("32768"), parse_errc::range));
	EXPECT(parses_to(kstd::parse_int<signed char>("-128"), (signed char)-128));
	EXPECT(fails_with(kstd::parse_int<signed char>("128"), parse_errc::range));
}

KSTD_TEST(string, parse_hex_and_ranges)
{
	using kstd::int_base;
	EXPECT(parses_to(kstd::parse_int<kstd::u32>("ff", int_base::hex), kstd::u32(255)));
	EXPECT(parses_to(kstd::parse_int<kstd::u32>("DeadBeef", int_base::hex),
			 kstd::u32(0xdeadbeef)));
	EXPECT(fails_with(kstd::parse_int<kstd::u32>("0xff", int_base::hex), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_int<kstd::u32>("1ffffffff", int_base::hex),
			  parse_errc::range));
	EXPECT(parses_to(kstd::parse_int<kstd::u32>("0x1F", int_base::any), kstd::u32(31)));
	EXPECT(parses_to(kstd::parse_int<kstd::u32>("0X1f", int_base::any), kstd::u32(31)));
	EXPECT(parses_to(kstd::parse_int<kstd::u32>("010", int_base::any),
			 kstd::u32(10))); /* not octal */
	EXPECT(fails_with(kstd::parse_int<kstd::u32>("0x", int_base::any), parse_errc::invalid));
	EXPECT(fails_with(kstd::parse_int<kstd::u32>("1f", int_base::any), parse_errc::invalid));
	EXPECT(parses_to(kstd::parse_int<int>("-0x10", int_base::any), -16));

	EXPECT(parses_to(kstd::parse_int<int>("128", 1, 4096), 128));
	EXPECT(parses_to(kstd::parse_int<int>("1", 1, 4096), 1));
	EXPECT(parses_to(kstd::parse_int<int>("4096", 1, 4096), 4096));
	EXPECT(fails_with(kstd::parse_int<int>("0", 1, 4096), parse_errc::range));
	EXPECT(fails_with(kstd::parse_int<int>("4097", 1, 4096), parse_errc::range));
	EXPECT(fails_with(kstd::parse_int<int>("x", 1, 4096), parse_errc::invalid));
	EXPECT_EQ(kstd::parse_u16("x").value_or(7), 7);
	EXPECT_EQ(kstd::parse_u16("9").value_or(7), 9);
}

KSTD_TEST(string, fixed_string_bounded)
{
	kstd::fixed_string<8> s;
	EXPECT(s.empty());
	EXPECT_EQ(s.capacity(), 8);
	EXPECT(s.append("abc"));
	EXPECT(s.push_back('d'));
	EXPECT(s == "abcd");
	EXPECT(!s.append("efghij")); /* only "efgh" fits */
	EXPECT(s == "abcdefgh");
	EXPECT(s.truncated());
	EXPECT_EQ(s.size(), 8);
	EXPECT_EQ(s.c_str()[8], '\0');
	EXPECT(!s.push_back('x'));
	EXPECT_EQ(s.available(), 0);
	s.clear();
	EXPECT(!s.truncated());
	EXPECT(s.assign("xy"));
	EXPECT(s.view() == "xy");
	kstd::fixed_string<4> t{string_view("toolong")};
	EXPECT(t == "tool");
	EXPECT(t.truncated());
}

KSTD_TEST(string, fixed_string_format)
{
	kstd::fixed_string<16> s;
	EXPECT(s.appendf("%d-%s", 42, "ab"));
	EXPECT(s == "42-ab");
	EXPECT(s.appendf("%05u", 7u));
	EXPECT(s == "42-ab00007");
	EXPECT(!s.appendf("%s", "0123456789")); /* 10 more than 6 free */
	EXPECT(s == "42-ab00007012345");
	EXPECT_EQ(s.size(), 16);
	EXPECT(s.truncated());
	EXPECT(!s.appendf("x"));
	EXPECT(s == "42-ab00007012345");
	kstd::fixed_string<32> big;
	big.appendf("%llu", 18446744073709551615ull);
	EXPECT(big == "18446744073709551615");
}

KSTD_TEST(string, span_bounds)
{
	int v[6] = {0, 1, 2, 3, 4, 5};
	kstd::span<int> s{v};
	EXPECT_EQ(s.size(), 6);
	EXPECT_EQ(s.first(2).size(), 2);
	EXPECT_EQ(s.first(100).size(), 6);
	EXPECT_EQ(s.last(2)[0], 4);
	EXPECT_EQ(s.last(100).size(), 6);
	EXPECT_EQ(s.subspan(4)[1], 5);
	EXPECT_EQ(s.subspan(2, 2).size(), 2);
	EXPECT_EQ(s.subspan(5, 100).size(), 1);
	EXPECT(s.subspan(6).empty());
	EXPECT(s.subspan(100).empty());
	EXPECT(s.at(5) == &v[5]);
	EXPECT(s.at(6) == nullptr);
	int sum = 0;
	for (int x : s.subspan(1, 3))
		sum += x;
	EXPECT_EQ(sum, 6);
	kstd::span<const int> c = s;
	EXPECT_EQ(c.size_bytes(), 6 * sizeof(int));
	EXPECT_EQ(kstd::as_bytes(c).size(), 6 * sizeof(int));
	EXPECT_EQ(kstd::as_writable_bytes(s).size(), 6 * sizeof(int));
	EXPECT(kstd::span<int>(nullptr, 5).empty());
	EXPECT_EQ(string_view("ab").bytes()[1], 'b');
}

#ifndef KSTD_HOST_TEST
namespace {
kstd::result<int> port_plus_one(string_view s)
{
	kstd::u16 p = KSTD_TRY(kstd::parse_u16(s));
	return p + 1;
}
} // namespace

KSTD_TEST(string, try_maps_to_errno)
{
	EXPECT_EQ(port_plus_one("80").value(), 81);
	EXPECT(port_plus_one("x").error() == kstd::error::inval());
	EXPECT(port_plus_one("70000").error() == kstd::error::range());
	kstd::error e = kstd::parse_u8("300").error();
	EXPECT(e == kstd::error::range());
}
#endif
