// SPDX-License-Identifier: GPL-2.0-only
/*
 * drop_tcp_socket: drop_tcp_sock's handling of the lines written to
 * /proc/net/drop_tcp_sock, in the kernel, without loading the module.
 *
 * 1. parse_conn_line() (conn_line.hpp) on lines as ss and netstat print
 *    them and on every kind of bad line: both ends, the zone, and the
 *    reason and message of a refusal.
 * 2. dropper::on_line() (dropper.hpp), the module's write handler, on a
 *    dropper that has its per-namespace counters but no /proc file, in
 *    init_net: each refusal's errno (the table in main.cpp's comment) and
 *    counter, and a well-formed line naming no connection: ENOENT,
 *    counted as not_found.  Dropping real sockets is the guest test's
 *    (scripts/guest-tests/drop-tcp-socket.sh).
 */
#include <kstd/kunit.hpp>
#include <kstd/module.hpp>

#include "../dropper.hpp"
#include "test_net.h"

namespace drop_tcp {
/* How KUnit prints a line_errc operand. */
static void kunit_describe(kstd::kunit::text &out, line_errc e) noexcept
{
	static constexpr const char *names[] = {"ok", "malformed", "port_range", "family_mix"};
	auto i = static_cast<kstd::size_t>(e);
	out.append(i < sizeof(names) / sizeof(names[0]) ? names[i] : "line_errc(?)");
}
} // namespace drop_tcp

namespace {

using drop_tcp::line_errc;

/* A line and what parse_conn_line() must make of it. */
struct line_case {
	const char *name;
	const char *line;
	line_errc error;
	/* For an accepted line that names a connection: both ends as
	 * socket_address::to_text() prints them, and conn::zone(). */
	const char *local;
	const char *peer;
	const char *zone;
	/* For a refused line: a word of parsed_line::what. */
	const char *what;
};

constexpr line_case lines[] = {
	/* What `ss -tn` prints (local end first). */
	{"ss_ipv4", "127.0.0.1:5000 127.0.0.1:80", line_errc::ok, "127.0.0.1:5000", "127.0.0.1:80",
	 "", ""},
	{"ss_ipv6", "[::1]:43210 [::1]:8080", line_errc::ok, "[::1]:43210", "[::1]:8080", "", ""},
	{"ss_ipv4_mapped", "[::ffff:192.0.2.1]:443 192.0.2.7:50000", line_errc::ok, "192.0.2.1:443",
	 "192.0.2.7:50000", "", ""},
	{"ss_zone", "[fe80::1%eth0]:22 [fe80::2]:51000", line_errc::ok, "[fe80::1]:22",
	 "[fe80::2]:51000", "eth0", ""},
	{"ipv4_zone_on_peer", "10.0.0.1:22 10.0.0.2%3:51000", line_errc::ok, "10.0.0.1:22",
	 "10.0.0.2:51000", "3", ""},
	/* What `netstat -tnW` prints: IPv6 without brackets. */
	{"netstat_ipv6", "2001:db8::1:443 2001:db8::2:50000", line_errc::ok, "[2001:db8::1]:443",
	 "[2001:db8::2]:50000", "", ""},
	{"blanks_around_and_between", " \t127.0.0.1:1\t\t 127.0.0.1:65535 \r", line_errc::ok,
	 "127.0.0.1:1", "127.0.0.1:65535", "", ""},
	/* Nothing to do. */
	{"blank", "  \t", line_errc::ok, nullptr, nullptr, nullptr, ""},
	{"comment", " # 127.0.0.1:1 127.0.0.1:2", line_errc::ok, nullptr, nullptr, nullptr, ""},
	/* Refused. */
	{"one_field", "127.0.0.1:5000", line_errc::malformed, nullptr, nullptr, nullptr,
	 "LOCAL:PORT"},
	{"three_fields", "127.0.0.1:1 127.0.0.1:2 127.0.0.1:3", line_errc::malformed, nullptr,
	 nullptr, nullptr, "more than two"},
	{"no_port", "127.0.0.1 127.0.0.1:80", line_errc::malformed, nullptr, nullptr, nullptr,
	 "ADDR:PORT"},
	{"bad_ipv4", "127.0.0.256:1 127.0.0.1:2", line_errc::malformed, nullptr, nullptr, nullptr,
	 "IPv4"},
	{"leading_zero_ipv4", "127.0.0.01:1 127.0.0.1:2", line_errc::malformed, nullptr, nullptr,
	 nullptr, "IPv4"},
	{"bad_ipv6", "[::1::2]:1 [::1]:2", line_errc::malformed, nullptr, nullptr, nullptr, "IPv6"},
	{"missing_bracket", "[::1:1 [::1]:2", line_errc::malformed, nullptr, nullptr, nullptr, "]"},
	{"port_sign", "127.0.0.1:+1 127.0.0.1:2", line_errc::malformed, nullptr, nullptr, nullptr,
	 "port"},
	{"port_zero", "127.0.0.1:0 127.0.0.1:2", line_errc::port_range, nullptr, nullptr, nullptr,
	 "port 0"},
	{"port_too_big", "127.0.0.1:1 127.0.0.1:65536", line_errc::port_range, nullptr, nullptr,
	 nullptr, "65535"},
	{"ipv4_and_ipv6", "127.0.0.1:1 [::1]:2", line_errc::family_mix, nullptr, nullptr, nullptr,
	 "IPv4 and one IPv6"},
	{"two_zones", "[fe80::1%eth0]:1 [fe80::2%eth1]:2", line_errc::malformed, nullptr, nullptr,
	 nullptr, "interfaces"},
	{"empty_zone", "[fe80::1%]:1 [fe80::2]:2", line_errc::malformed, nullptr, nullptr, nullptr,
	 "empty interface"},
	{"long_zone", "[fe80::1%abcdefghijklmnop]:1 [fe80::2]:2", line_errc::malformed, nullptr,
	 nullptr, nullptr, "too long"},
};

/* A line written to the file and the errno its write() fails with. */
struct write_case {
	const char *name;
	const char *line;
	kstd::error error;
	/* The counter it adds to: malformed or not_found (below). */
	int counter;
};

/* The counters, by index: what write_case::counter names. */
enum { malformed, not_found };

constexpr write_case writes[] = {
	{"malformed", "127.0.0.1:1", kstd::error::inval(), malformed},
	{"port_range", "127.0.0.1:1 127.0.0.1:0", kstd::error::range(), malformed},
	{"family_mix", "[::1]:1 127.0.0.1:2", kstd::error::afnosupport(), malformed},
	{"unknown_interface", "127.0.0.1%kstdnosuch0:1 127.0.0.1:2", kstd::error::nodev(),
	 not_found},
	/* Port 9 on loopback: no connection there (discard, never served). */
	{"no_such_connection", "127.0.0.1:9 127.0.0.1:9", kstd::error::noent(), not_found},
	{"no_such_connection_ipv6", "[::1]:9 [::1]:9", kstd::error::noent(), not_found},
	{"no_such_connection_on_lo", "[::1%lo]:9 [::1]:9", kstd::error::noent(), not_found},
};

kstd::u64 counted(const drop_tcp::counters &c, int which)
{
	return which == malformed ? c.malformed.get() : c.not_found.get();
}

/* A dropper as the module makes it, minus the /proc file. */
kstd::result<kstd::unique_ptr<drop_tcp::dropper>> make_dropper() noexcept
{
	auto d = KSTD_TRY(kstd::make_unique<drop_tcp::dropper>(kstd::gfp::kernel));
	d->stats = KSTD_TRY(kstd::pernet_storage<drop_tcp::counters>::create());
	return d;
}

} // namespace

KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("KUnit tests for drop_tcp_sock's line handling");

KSTD_TEST_SUITE(drop_tcp_socket);

KSTD_TEST_P(drop_tcp_socket, parses_lines, lines)
{
	drop_tcp::parsed_line p = drop_tcp::parse_conn_line(param.line);
	KSTD_EXPECT_EQ(p.error, param.error);
	KSTD_EXPECT_EQ(static_cast<bool>(p), param.error == line_errc::ok);
	if (!p) {
		KSTD_EXPECT(kstd::string_view(p.what).contains(param.what));
		return;
	}
	KSTD_EXPECT_EQ(kstd::string_view(p.what), kstd::string_view(""));
	KSTD_EXPECT_EQ(p.empty, param.local == nullptr);
	if (p.empty)
		return;
	KSTD_EXPECT_EQ(p.value.local.addr.to_text(), kstd::string_view(param.local));
	KSTD_EXPECT_EQ(p.value.peer.addr.to_text(), kstd::string_view(param.peer));
	KSTD_EXPECT_EQ(p.value.zone(), kstd::string_view(param.zone));
}

/* Each end alone, as parse_conn_endpoint() takes it: its errors name the end. */
KSTD_TEST(drop_tcp_socket, parses_one_endpoint)
{
	drop_tcp::parsed_line e = drop_tcp::parse_conn_endpoint("[fe80::1%7]:22");
	KSTD_ASSERT(static_cast<bool>(e));
	KSTD_EXPECT_EQ(e.value.local.addr.to_text(), kstd::string_view("[fe80::1]:22"));
	KSTD_EXPECT_EQ(e.value.local.zone, kstd::string_view("7"));
	/* The zone is resolved by name later: no scope id here. */
	KSTD_EXPECT_EQ(e.value.local.addr.scope_id(), 0u);
	KSTD_EXPECT_EQ(drop_tcp::parse_conn_endpoint("[::1]").error, line_errc::malformed);
	KSTD_EXPECT_EQ(kstd::string_view(drop_tcp::parse_conn_endpoint(":80").what),
		       kstd::string_view("empty address"));
	KSTD_EXPECT_EQ(kstd::string_view(drop_tcp::parse_conn_endpoint("127.0.0.1:").what),
		       kstd::string_view("empty port"));
}

/* The errno of each kind of refusal, as write() returns it. */
KSTD_TEST(drop_tcp_socket, refusal_errnos)
{
	KSTD_EXPECT_EQ(drop_tcp::line_error(line_errc::malformed), kstd::error::inval());
	KSTD_EXPECT_EQ(drop_tcp::line_error(line_errc::port_range), kstd::error::range());
	KSTD_EXPECT_EQ(drop_tcp::line_error(line_errc::family_mix), kstd::error::afnosupport());
}

KSTD_TEST_P(drop_tcp_socket, write_fails_and_counts, writes)
{
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	::net *net = drop_tcp_test_init_net();
	const drop_tcp::counters &c = (*d)->stats.get(net);
	KSTD_EXPECT_ERROR((*d)->on_line(net, param.line), param.error);
	KSTD_EXPECT_EQ(counted(c, param.counter), 1u);
	KSTD_EXPECT_EQ(c.malformed.get() + c.not_found.get(), 1u);
	KSTD_EXPECT_EQ(c.dropped_timewait.get() + c.aborted.get() + c.failed.get(), 0u);
}

KSTD_TEST(drop_tcp_socket, blank_and_comment_lines_do_nothing)
{
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	::net *net = drop_tcp_test_init_net();
	KSTD_EXPECT_OK((*d)->on_line(net, ""));
	KSTD_EXPECT_OK((*d)->on_line(net, " \t "));
	KSTD_EXPECT_OK((*d)->on_line(net, "# 127.0.0.1:9 127.0.0.1:9"));
	const drop_tcp::counters &c = (*d)->stats.get(net);
	KSTD_EXPECT_EQ(c.malformed.get() + c.not_found.get() + c.failed.get(), 0u);
}

/* Lines up to max_line bytes are parsed; one byte more is E2BIG, unparsed. */
KSTD_TEST(drop_tcp_socket, long_lines)
{
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	::net *net = drop_tcp_test_init_net();
	static char line[drop_tcp::max_line + 1];
	/* A valid line padded with blanks to exactly max_line bytes. */
	kstd::string_view valid = "127.0.0.1:9 127.0.0.1:9";
	for (kstd::size_t i = 0; i < sizeof(line); i++)
		line[i] = i < valid.size() ? valid[i] : ' ';
	KSTD_EXPECT_ERROR((*d)->on_line(net, kstd::string_view(line, drop_tcp::max_line)),
			  kstd::error::noent());
	KSTD_EXPECT_ERROR((*d)->on_line(net, kstd::string_view(line, drop_tcp::max_line + 1)),
			  kstd::error::toobig());
	const drop_tcp::counters &c = (*d)->stats.get(net);
	KSTD_EXPECT_EQ(c.not_found.get(), 1u);
	KSTD_EXPECT_EQ(c.malformed.get(), 1u);
}

/* Each namespace's counters start at zero, with every new dropper. */
KSTD_TEST(drop_tcp_socket, counters_start_at_zero)
{
	::net *net = drop_tcp_test_init_net();
	for (int round = 0; round < 2; round++) {
		auto d = make_dropper();
		KSTD_ASSERT_OK(d);
		const drop_tcp::counters &c = (*d)->stats.get(net);
		KSTD_EXPECT_EQ(c.malformed.get(), 0u);
		KSTD_EXPECT_ERROR((*d)->on_line(net, "x"), kstd::error::inval());
		KSTD_EXPECT_EQ(c.malformed.get(), 1u);
	}
}

KSTD_TEST_SUITE_END(drop_tcp_socket);
