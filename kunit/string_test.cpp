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

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"
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

KSTD_TEST_SUITE(kstd_string);

KSTD_TEST(kstd_string, view_bounds_are_clamped)
{
	string_view s("hello world");
	KSTD_EXPECT_EQ(s.size(), 11);
	KSTD_EXPECT(s.substr(6) == "world");
	KSTD_EXPECT(s.substr(6, 100) == "world");
	KSTD_EXPECT(s.substr(11).empty());
	KSTD_EXPECT(s.substr(1000, 5).empty());
	KSTD_EXPECT(s.substr(1000).data() == s.end()); /* never past the end */
	KSTD_EXPECT(s.first(5) == "hello");
	KSTD_EXPECT(s.first(99) == s);
	KSTD_EXPECT(s.last(5) == "world");
	KSTD_EXPECT(s.last(99) == s);
	KSTD_EXPECT_EQ(s.at(0), 'h');
	KSTD_EXPECT_EQ(s.at(11), '\0');
	KSTD_EXPECT_EQ(s.front(), 'h');
	KSTD_EXPECT_EQ(s.back(), 'd');
	KSTD_EXPECT_EQ(string_view().front(), '\0');
	KSTD_EXPECT_EQ(string_view().back(), '\0');
	string_view t = s;
	t.remove_prefix(6);
	KSTD_EXPECT(t == "world");
	t.remove_suffix(100);
	KSTD_EXPECT(t.empty());
	t = s;
	t.remove_prefix(100);
	KSTD_EXPECT(t.empty());
	KSTD_EXPECT(string_view(nullptr).empty());
	KSTD_EXPECT(string_view(nullptr, 5).empty());
	/* Embedded NULs are data, not terminators. */
	KSTD_EXPECT_EQ("a\0b"_sv.size(), 3);
	KSTD_EXPECT("a\0b"_sv != "a"_sv);
}

KSTD_TEST(kstd_string, find_and_compare)
{
	string_view s("GET /index.html HTTP/1.1");
	KSTD_EXPECT_EQ(s.find(' '), 3);
	KSTD_EXPECT_EQ(s.find(' ', 4), 15);
	KSTD_EXPECT_EQ(s.find('z'), string_view::npos);
	KSTD_EXPECT_EQ(s.find(' ', 1000), string_view::npos);
	KSTD_EXPECT_EQ(s.find("HTTP"), 16);
	KSTD_EXPECT_EQ(s.find("HTTP/1.1 "), string_view::npos);
	KSTD_EXPECT_EQ(s.find(""), 0);
	KSTD_EXPECT_EQ(string_view("ab").find("abc"), string_view::npos);
	KSTD_EXPECT_EQ(s.rfind('/'), 20);
	KSTD_EXPECT_EQ(string_view().rfind('/'), string_view::npos);
	KSTD_EXPECT_EQ(s.find_first_of("/."), 4);
	KSTD_EXPECT_EQ(s.find_first_not_of("GET "), 4);
	KSTD_EXPECT_EQ(string_view("   ").find_first_not_of(" "), string_view::npos);
	KSTD_EXPECT(s.starts_with("GET "));
	KSTD_EXPECT(!s.starts_with("GET /index.html HTTP/1.1 and more"));
	KSTD_EXPECT(s.ends_with("1.1"));
	KSTD_EXPECT(s.ends_with('1'));
	KSTD_EXPECT(!string_view().ends_with('1'));
	KSTD_EXPECT(s.contains("index"));
	KSTD_EXPECT(string_view("abc").compare("abd") < 0);
	KSTD_EXPECT(string_view("abd").compare("abc") > 0);
	KSTD_EXPECT(string_view("ab").compare("abc") < 0);
	KSTD_EXPECT_EQ(string_view("abc").compare("abc"), 0);
	/* Bytes >= 0x80 compare as unsigned. */
	KSTD_EXPECT(string_view("\xff").compare("a") > 0);
}

KSTD_TEST(kstd_string, case_insensitive)
{
	KSTD_EXPECT(kstd::iequals("Content-Length", "content-length"));
	KSTD_EXPECT(!kstd::iequals("Content-Length", "content-lengt"));
	KSTD_EXPECT(!kstd::iequals("a", "b"));
	KSTD_EXPECT(string_view("Keep-Alive").istarts_with("keep-"));
	KSTD_EXPECT(string_view("text/HTML").iends_with("/html"));
	KSTD_EXPECT(!string_view("x").istarts_with("xy"));
	/* Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ. */
	KSTD_EXPECT(!kstd::iequals("@", "`"));
	KSTD_EXPECT(!kstd::iequals("\xc0", "\xe0"));
	KSTD_EXPECT_EQ(kstd::to_lower('Q'), 'q');
	KSTD_EXPECT_EQ(kstd::to_upper('q'), 'Q');
	KSTD_EXPECT_EQ(kstd::to_lower('1'), '1');
}

KSTD_TEST(kstd_string, trim_and_split)
{
	KSTD_EXPECT(string_view(" \t a b \r\n").trim() == "a b");
	KSTD_EXPECT(string_view(" \t a b \r\n").trim_left() == "a b \r\n");
	KSTD_EXPECT(string_view(" \t a b \r\n").trim_right() == " \t a b");
	KSTD_EXPECT(string_view("   ").trim().empty());
	KSTD_EXPECT(string_view().trim().empty());

	auto [head, tail, found] = string_view("Host: example.org").split_once(':');
	KSTD_EXPECT(found);
	KSTD_EXPECT(head == "Host");
	KSTD_EXPECT(tail.trim() == "example.org");
	auto none = string_view("no-colon").split_once(':');
	KSTD_EXPECT(!none.found);
	KSTD_EXPECT(none.head == "no-colon");
	KSTD_EXPECT(none.tail.empty());

	const char *expect[] = {"a", "", "b", ""};
	int n = 0;
	bool same = true;
	for (string_view f : string_view("a,,b,").split(',')) {
		same = same && n < 4 && f == expect[n];
		n++;
	}
	KSTD_EXPECT(same);
	KSTD_EXPECT_EQ(n, 4);
	n = 0;
	for (string_view f : string_view().split(',')) {
		(void)f;
		n++;
	}
	KSTD_EXPECT_EQ(n, 0);
	n = 0;
	for (string_view f : string_view("abc").split(',')) {
		KSTD_EXPECT(f == "abc");
		n++;
	}
	KSTD_EXPECT_EQ(n, 1);

	const char *words[] = {"1.2.3.4:80", "5.6.7.8:90"};
	n = 0;
	same = true;
	for (string_view w : string_view("  1.2.3.4:80 \t 5.6.7.8:90\r\n").words()) {
		same = same && n < 2 && w == words[n];
		n++;
	}
	KSTD_EXPECT(same);
	KSTD_EXPECT_EQ(n, 2);
	n = 0;
	for (string_view w : string_view(" \t ").words()) {
		(void)w;
		n++;
	}
	KSTD_EXPECT_EQ(n, 0);
}

KSTD_TEST(kstd_string, parse_unsigned)
{
	KSTD_EXPECT(parses_to(kstd::parse_u16("8080"), kstd::u16(8080)));
	KSTD_EXPECT(parses_to(kstd::parse_u16("0"), kstd::u16(0)));
	KSTD_EXPECT(
		parses_to(kstd::parse_u16("00080"), kstd::u16(80))); /* leading zeros: decimal */
	KSTD_EXPECT(parses_to(kstd::parse_u16("65535"), kstd::u16(65535)));
	KSTD_EXPECT(fails_with(kstd::parse_u16("65536"), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_u16("99999999999999999999999"), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_u16(""), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16(" 1"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("1 "), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("1\n"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("+1"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("-1"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("-0"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("12a"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_u16("0x10"), parse_errc::invalid));
	/* Syntax is judged before magnitude. */
	KSTD_EXPECT(fails_with(kstd::parse_u16("9999999x"), parse_errc::invalid));
	KSTD_EXPECT(parses_to(kstd::parse_u8("255"), kstd::u8(255)));
	KSTD_EXPECT(fails_with(kstd::parse_u8("256"), parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_u32("4294967295"), kstd::u32(4294967295u)));
	KSTD_EXPECT(fails_with(kstd::parse_u32("4294967296"), parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_u64("18446744073709551615"), kstd::u64(~0ull)));
	KSTD_EXPECT(fails_with(kstd::parse_u64("18446744073709551616"), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_u64("184467440737095516150"), parse_errc::range));
	/* A view into a longer buffer stops at its size. */
	KSTD_EXPECT(parses_to(kstd::parse_u16(string_view("123456", 3)), kstd::u16(123)));
}

KSTD_TEST(kstd_string, parse_signed)
{
	KSTD_EXPECT(parses_to(kstd::parse_s32("-2147483648"), kstd::s32(-2147483647 - 1)));
	KSTD_EXPECT(parses_to(kstd::parse_s32("2147483647"), kstd::s32(2147483647)));
	KSTD_EXPECT(fails_with(kstd::parse_s32("2147483648"), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_s32("-2147483649"), parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_s32("-0"), kstd::s32(0)));
	KSTD_EXPECT(parses_to(kstd::parse_s32("-42"), kstd::s32(-42)));
	KSTD_EXPECT(fails_with(kstd::parse_s32("-"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_s32("--1"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_s32("+1"), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_s32("1-"), parse_errc::invalid));
	KSTD_EXPECT(parses_to(kstd::parse_s64("-9223372036854775808"),
			      kstd::s64(-9223372036854775807ll - 1)));
	KSTD_EXPECT(fails_with(kstd::parse_s64("9223372036854775808"), parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_int<short>("-32768"), short(-32768)));
	KSTD_EXPECT(fails_with(kstd::parse_int<short>("32768"), parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_int<signed char>("-128"), (signed char)-128));
	KSTD_EXPECT(fails_with(kstd::parse_int<signed char>("128"), parse_errc::range));
}

KSTD_TEST(kstd_string, parse_hex_and_ranges)
{
	using kstd::int_base;
	KSTD_EXPECT(parses_to(kstd::parse_int<kstd::u32>("ff", int_base::hex), kstd::u32(255)));
	KSTD_EXPECT(parses_to(kstd::parse_int<kstd::u32>("DeadBeef", int_base::hex),
			      kstd::u32(0xdeadbeef)));
	KSTD_EXPECT(
		fails_with(kstd::parse_int<kstd::u32>("0xff", int_base::hex), parse_errc::invalid));
	KSTD_EXPECT(fails_with(kstd::parse_int<kstd::u32>("1ffffffff", int_base::hex),
			       parse_errc::range));
	KSTD_EXPECT(parses_to(kstd::parse_int<kstd::u32>("0x1F", int_base::any), kstd::u32(31)));
	KSTD_EXPECT(parses_to(kstd::parse_int<kstd::u32>("0X1f", int_base::any), kstd::u32(31)));
	KSTD_EXPECT(parses_to(kstd::parse_int<kstd::u32>("010", int_base::any),
			      kstd::u32(10))); /* not octal */
	KSTD_EXPECT(
		fails_with(kstd::parse_int<kstd::u32>("0x", int_base::any), parse_errc::invalid));
	KSTD_EXPECT(
		fails_with(kstd::parse_int<kstd::u32>("1f", int_base::any), parse_errc::invalid));
	KSTD_EXPECT(parses_to(kstd::parse_int<int>("-0x10", int_base::any), -16));

	KSTD_EXPECT(parses_to(kstd::parse_int<int>("128", 1, 4096), 128));
	KSTD_EXPECT(parses_to(kstd::parse_int<int>("1", 1, 4096), 1));
	KSTD_EXPECT(parses_to(kstd::parse_int<int>("4096", 1, 4096), 4096));
	KSTD_EXPECT(fails_with(kstd::parse_int<int>("0", 1, 4096), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_int<int>("4097", 1, 4096), parse_errc::range));
	KSTD_EXPECT(fails_with(kstd::parse_int<int>("x", 1, 4096), parse_errc::invalid));
	KSTD_EXPECT_EQ(kstd::parse_u16("x").value_or(7), 7);
	KSTD_EXPECT_EQ(kstd::parse_u16("9").value_or(7), 9);
}

KSTD_TEST(kstd_string, fixed_string_bounded)
{
	kstd::fixed_string<8> s;
	KSTD_EXPECT(s.empty());
	KSTD_EXPECT_EQ(s.capacity(), 8);
	KSTD_EXPECT(s.append("abc"));
	KSTD_EXPECT(s.push_back('d'));
	KSTD_EXPECT(s == "abcd");
	KSTD_EXPECT(!s.append("efghij")); /* only "efgh" fits */
	KSTD_EXPECT(s == "abcdefgh");
	KSTD_EXPECT(s.truncated());
	KSTD_EXPECT_EQ(s.size(), 8);
	KSTD_EXPECT_EQ(s.c_str()[8], '\0');
	KSTD_EXPECT(!s.push_back('x'));
	KSTD_EXPECT_EQ(s.available(), 0);
	s.clear();
	KSTD_EXPECT(!s.truncated());
	KSTD_EXPECT(s.assign("xy"));
	KSTD_EXPECT(s.view() == "xy");
	kstd::fixed_string<4> t{string_view("toolong")};
	KSTD_EXPECT(t == "tool");
	KSTD_EXPECT(t.truncated());
}

KSTD_TEST(kstd_string, fixed_string_format)
{
	kstd::fixed_string<16> s;
	KSTD_EXPECT(s.appendf("%d-%s", 42, "ab"));
	KSTD_EXPECT(s == "42-ab");
	KSTD_EXPECT(s.appendf("%05u", 7u));
	KSTD_EXPECT(s == "42-ab00007");
	KSTD_EXPECT(!s.appendf("%s", "0123456789")); /* 10 more than 6 free */
	KSTD_EXPECT(s == "42-ab00007012345");
	KSTD_EXPECT_EQ(s.size(), 16);
	KSTD_EXPECT(s.truncated());
	KSTD_EXPECT(!s.appendf("x"));
	KSTD_EXPECT(s == "42-ab00007012345");
	kstd::fixed_string<32> big;
	big.appendf("%llu", 18446744073709551615ull);
	KSTD_EXPECT(big == "18446744073709551615");
}

KSTD_TEST(kstd_string, span_bounds)
{
	int v[6] = {0, 1, 2, 3, 4, 5};
	kstd::span<int> s{v};
	KSTD_EXPECT_EQ(s.size(), 6);
	KSTD_EXPECT_EQ(s.first(2).size(), 2);
	KSTD_EXPECT_EQ(s.first(100).size(), 6);
	KSTD_EXPECT_EQ(s.last(2)[0], 4);
	KSTD_EXPECT_EQ(s.last(100).size(), 6);
	KSTD_EXPECT_EQ(s.subspan(4)[1], 5);
	KSTD_EXPECT_EQ(s.subspan(2, 2).size(), 2);
	KSTD_EXPECT_EQ(s.subspan(5, 100).size(), 1);
	KSTD_EXPECT(s.subspan(6).empty());
	KSTD_EXPECT(s.subspan(100).empty());
	KSTD_EXPECT(s.at(5) == &v[5]);
	KSTD_EXPECT(s.at(6) == nullptr);
	int sum = 0;
	for (int x : s.subspan(1, 3))
		sum += x;
	KSTD_EXPECT_EQ(sum, 6);
	kstd::span<const int> c = s;
	KSTD_EXPECT_EQ(c.size_bytes(), 6 * sizeof(int));
	KSTD_EXPECT_EQ(kstd::as_bytes(c).size(), 6 * sizeof(int));
	KSTD_EXPECT_EQ(kstd::as_writable_bytes(s).size(), 6 * sizeof(int));
	KSTD_EXPECT(kstd::span<int>(nullptr, 5).empty());
	KSTD_EXPECT_EQ(string_view("ab").bytes()[1], 'b');
}

#ifndef KSTD_HOST_TEST
namespace {
kstd::result<int> port_plus_one(string_view s)
{
	kstd::u16 p = KSTD_TRY(kstd::parse_u16(s));
	return p + 1;
}
} // namespace

KSTD_TEST(kstd_string, try_maps_to_errno)
{
	KSTD_EXPECT_EQ(port_plus_one("80").value(), 81);
	KSTD_EXPECT(port_plus_one("x").error() == kstd::error::inval());
	KSTD_EXPECT(port_plus_one("70000").error() == kstd::error::range());
	kstd::error e = kstd::parse_u8("300").error();
	KSTD_EXPECT(e == kstd::error::range());
}
#endif

KSTD_TEST_SUITE_END(kstd_string);
