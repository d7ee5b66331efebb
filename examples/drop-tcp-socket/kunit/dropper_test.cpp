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
 *    counted as not_found.  Dropping real sockets by connection line is
 *    the guest test's (scripts/guest-tests/drop-tcp-socket.sh).
 * 3. Filter lines (filter_line.hpp): the tables of filter_cases.hpp
 *    (shared with tests/host), each refusal's errno and counter, and
 *    dropper::drop_matching() on real loopback connections in several
 *    states (TIME-WAIT, FIN-WAIT-2, CLOSE-WAIT, ESTABLISHED, on two
 *    ports): exactly the matching sockets go, the count says how many.
 */
#include <kstd/ksocket.hpp>
#include <kstd/kunit.hpp>
#include <kstd/module.hpp>

#include "../dropper.hpp"
#include "filter_cases.hpp"
#include "test_net.h"

namespace drop_tcp {
/* How KUnit prints a line_errc operand. */
static void kunit_describe(kstd::kunit::text &out, line_errc e) noexcept
{
	static constexpr const char *names[] = {"ok", "malformed", "port_range", "family_mix"};
	auto i = static_cast<kstd::size_t>(e);
	out.append(i < sizeof(names) / sizeof(names[0]) ? names[i] : "line_errc(?)");
}
/* How KUnit prints a filter_errc operand. */
static void kunit_describe(kstd::kunit::text &out, filter_errc e) noexcept
{
	static constexpr const char *names[] = {"ok", "malformed", "range", "family_mix"};
	auto i = static_cast<kstd::size_t>(e);
	out.append(i < sizeof(names) / sizeof(names[0]) ? names[i] : "filter_errc(?)");
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

using drop_tcp::filter_errc;
using drop_tcp_cases::filter_cases;
using drop_tcp_cases::match_cases;

/* A filter line written to the file and the errno its write() fails with. */
struct filter_write_case {
	const char *name;
	const char *line;
	kstd::error error;
};

constexpr filter_write_case filter_writes[] = {
	{"malformed", "filter dport", kstd::error::inval()},
	{"unknown_state", "filter state listen", kstd::error::inval()},
	{"reversed_ports", "filter sport 2-1", kstd::error::inval()},
	{"port_range", "filter dport 65536", kstd::error::range()},
	{"prefix_range", "filter dst 10.0.0.0/33", kstd::error::range()},
	{"family_mix", "filter src ::1 dst 127.0.0.1", kstd::error::afnosupport()},
};

constexpr unsigned int wait_ms = 5000;

/* Poll until the socket (@local, @peer) of @net is there (@want) or gone (!@want). */
bool wait_present(::net *net, const kstd::socket_address &local, const kstd::socket_address &peer,
		  bool want) noexcept
{
	for (unsigned int waited = 0; waited < wait_ms; waited += 10) {
		if (static_cast<bool>(kstd::tcp_sock_ref::lookup(net, local, peer)) == want)
			return true;
		msleep(10);
	}
	return false;
}

/* The state of the socket (@local, @peer), or close if there is none. */
kstd::tcp_state state_of(::net *net, const kstd::socket_address &local,
			 const kstd::socket_address &peer) noexcept
{
	auto sk = kstd::tcp_sock_ref::lookup(net, local, peer);
	return sk ? sk->state() : kstd::tcp_state::close;
}

/* Poll until the socket (@local, @peer) of @net is in state @want or @also. */
bool wait_state(::net *net, const kstd::socket_address &local, const kstd::socket_address &peer,
		kstd::tcp_state want, kstd::tcp_state also) noexcept
{
	for (unsigned int waited = 0; waited < wait_ms; waited += 10) {
		kstd::tcp_state now = state_of(net, local, peer);
		if (now == want || now == also)
			return true;
		msleep(10);
	}
	return false;
}

/* One loopback connection: both streams and the client's and server's ends. */
struct conn {
	kstd::tcp_stream client, server;
	kstd::socket_address c_local, c_peer, s_local, s_peer;
};

kstd::result<conn> connect_to(kstd::tcp_listener &l) noexcept
{
	conn c;
	auto at = KSTD_TRY(l.local_address());
	c.client = KSTD_TRY(kstd::tcp_stream::connect(at));
	c.server = KSTD_TRY(l.accept());
	KSTD_TRY(c.client.set_recv_timeout(wait_ms));
	KSTD_TRY(c.server.set_recv_timeout(wait_ms));
	c.c_local = KSTD_TRY(c.client.local_address());
	c.c_peer = KSTD_TRY(c.client.peer_address());
	c.s_local = KSTD_TRY(c.server.local_address());
	c.s_peer = KSTD_TRY(c.server.peer_address());
	return c;
}

/*
 * Close @c's client first, then (if @both) its server once it has read
 * the FIN: the client is left in TIME-WAIT (@both) or FIN-WAIT-2, the
 * server in CLOSE-WAIT (!@both).
 */
kstd::result<void> close_client_first(conn &c, bool both) noexcept
{
	c.client = kstd::tcp_stream();
	char b;
	kstd::size_t n = KSTD_TRY(c.server.recv(&b, 1));
	if (n != 0)
		return kstd::error::proto();
	if (both)
		c.server = kstd::tcp_stream();
	return {};
}

/* A filter line that must parse (the test's own). */
drop_tcp::tcp_filter filter(const char *line) noexcept
{
	drop_tcp::parsed_filter f = drop_tcp::parse_filter_line(line);
	return f.value;
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

KSTD_TEST_P(drop_tcp_socket, parses_filter_lines, filter_cases)
{
	drop_tcp::parsed_filter f = drop_tcp::parse_filter_line(param.line);
	KSTD_EXPECT_EQ(f.error, param.error);
	if (!f) {
		KSTD_EXPECT(kstd::string_view(f.what).contains(param.what));
		return;
	}
	KSTD_EXPECT_EQ(f.value.states, param.states);
	KSTD_EXPECT(drop_tcp_cases::prefix_is(f.value.src, param.src));
	KSTD_EXPECT(drop_tcp_cases::prefix_is(f.value.dst, param.dst));
	KSTD_EXPECT_EQ(f.value.sport.lo, param.sport_lo);
	KSTD_EXPECT_EQ(f.value.sport.hi, param.sport_hi);
	KSTD_EXPECT_EQ(f.value.dport.lo, param.dport_lo);
	KSTD_EXPECT_EQ(f.value.dport.hi, param.dport_hi);
	/* A filter line is told from a connection line by its first word. */
	KSTD_EXPECT_EQ(drop_tcp::is_filter_line(param.line),
		       param.error == filter_errc::ok ||
			       kstd::string_view(param.line).starts_with("filter "));
}

KSTD_TEST_P(drop_tcp_socket, filter_matches, match_cases)
{
	KSTD_EXPECT(drop_tcp_cases::match_case_holds(param));
}

/* The netlink command's SRC/DST attributes: binary address + length. */
KSTD_TEST_P(drop_tcp_socket, makes_prefixes, drop_tcp_cases::prefix_cases)
{
	KSTD_EXPECT(drop_tcp_cases::prefix_case_holds(param));
}

KSTD_TEST_P(drop_tcp_socket, filter_write_fails_and_counts, filter_writes)
{
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	::net *net = drop_tcp_test_init_net();
	const drop_tcp::counters &c = (*d)->stats.get(net);
	KSTD_EXPECT_ERROR((*d)->on_line(net, param.line), param.error);
	KSTD_EXPECT_EQ(c.malformed.get(), 1u);
	KSTD_EXPECT_EQ(c.filter_dropped.get() + c.not_found.get() + c.failed.get(), 0u);
}

/* A filter that names no state is refused, not a walk that drops nothing. */
KSTD_TEST(drop_tcp_socket, drop_matching_needs_a_state)
{
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	drop_tcp::tcp_filter f;
	f.states = 0;
	KSTD_EXPECT_ERROR((*d)->drop_matching(drop_tcp_test_init_net(), f), kstd::error::inval());
}

/*
 * Real loopback connections in several states on two listeners; each
 * filter drops exactly the sockets it names and reports how many.
 */
KSTD_TEST(drop_tcp_socket, drop_matching_real_sockets)
{
	KSTD_ASSERT(drop_tcp_test_loopback_up() == 0);
	auto d = make_dropper();
	KSTD_ASSERT_OK(d);
	drop_tcp::dropper &drop = **d;
	::net *net = drop_tcp_test_init_net();
	const drop_tcp::counters &cnt = drop.stats.get(net);
	auto l1 = kstd::tcp_listener::bind(kstd::socket_address::ipv4_loopback(0), 16);
	auto l2 = kstd::tcp_listener::bind(kstd::socket_address::ipv4_loopback(0), 16);
	KSTD_ASSERT_OK(l1);
	KSTD_ASSERT_OK(l2);
	KSTD_ASSERT_OK(l1->set_accept_timeout(wait_ms));
	KSTD_ASSERT_OK(l2->set_accept_timeout(wait_ms));
	auto a1 = l1->local_address();
	auto a2 = l2->local_address();
	KSTD_ASSERT_OK(a1);
	KSTD_ASSERT_OK(a2);
	kstd::u16 p1 = a1->port(), p2 = a2->port();

	/*
	 * Port 1: 3 TIME-WAIT, 2 FIN-WAIT-2 + CLOSE-WAIT (fw: its client is
	 * dropped, cw: its server), 2 ESTABLISHED; port 2: 2 TIME-WAIT.
	 */
	/* On the heap: eight connections are too big for a kernel stack frame. */
	struct mix {
		conn tw[3], fw, cw, est[2], other[2];
	};
	auto m = kstd::make_unique<mix>(kstd::gfp::kernel);
	KSTD_ASSERT_OK(m);
	auto &tw = (*m)->tw;
	auto &fw = (*m)->fw;
	auto &cw = (*m)->cw;
	auto &est = (*m)->est;
	auto &other = (*m)->other;
	for (auto &c : tw) {
		auto r = connect_to(*l1);
		KSTD_ASSERT_OK(r);
		c = kstd::move(*r);
		KSTD_ASSERT_OK(close_client_first(c, true));
	}
	{
		auto r = connect_to(*l1);
		KSTD_ASSERT_OK(r);
		fw = kstd::move(*r);
		KSTD_ASSERT_OK(close_client_first(fw, false));
		r = connect_to(*l1);
		KSTD_ASSERT_OK(r);
		cw = kstd::move(*r);
		KSTD_ASSERT_OK(close_client_first(cw, false));
	}
	for (auto &c : est) {
		auto r = connect_to(*l1);
		KSTD_ASSERT_OK(r);
		c = kstd::move(*r);
	}
	for (auto &c : other) {
		auto r = connect_to(*l2);
		KSTD_ASSERT_OK(r);
		c = kstd::move(*r);
		KSTD_ASSERT_OK(close_client_first(c, true));
	}
	/* The closing sides settle: the servers' ends go, the clients' stay. */
	for (auto &c : tw)
		KSTD_ASSERT(wait_present(net, c.s_local, c.s_peer, false));
	for (auto &c : other)
		KSTD_ASSERT(wait_present(net, c.s_local, c.s_peer, false));
	for (auto &c : tw)
		KSTD_ASSERT_EQ(state_of(net, c.c_local, c.c_peer), kstd::tcp_state::time_wait);
	KSTD_ASSERT_EQ(state_of(net, fw.s_local, fw.s_peer), kstd::tcp_state::close_wait);
	KSTD_ASSERT_EQ(state_of(net, cw.s_local, cw.s_peer), kstd::tcp_state::close_wait);
	/*
	 * A closed client, once its FIN is acknowledged (the ACK may be
	 * delayed), is in FIN-WAIT-2: a full socket still, or a TIME-WAIT
	 * minisocket (sk_state TIME-WAIT, ss shows its substate), depending on
	 * whether the ACK came while close() owned the socket.
	 */
	KSTD_ASSERT(wait_state(net, fw.c_local, fw.c_peer, kstd::tcp_state::fin_wait2,
			       kstd::tcp_state::time_wait));
	KSTD_ASSERT(wait_state(net, cw.c_local, cw.c_peer, kstd::tcp_state::fin_wait2,
			       kstd::tcp_state::time_wait));

	/* 1. The default state (TIME-WAIT) towards port 1, through a /proc line. */
	kstd::fixed_string<96> line;
	line.appendf("filter dport %u", p1);
	KSTD_EXPECT_OK(drop.on_line(net, line.view()));
	KSTD_EXPECT_EQ(cnt.last_filter.load_relaxed(), 3u);
	KSTD_EXPECT_EQ(cnt.filter_dropped.get(), 3u);
	for (auto &c : tw)
		KSTD_EXPECT_EQ(state_of(net, c.c_local, c.c_peer), kstd::tcp_state::close);
	for (auto &c : other)
		KSTD_EXPECT_EQ(state_of(net, c.c_local, c.c_peer), kstd::tcp_state::time_wait);
	KSTD_EXPECT(wait_present(net, fw.c_local, fw.c_peer, true));
	for (auto &c : est)
		KSTD_EXPECT_EQ(state_of(net, c.c_local, c.c_peer), kstd::tcp_state::established);
	/* Nothing left to match: a count of 0 is no error. */
	KSTD_EXPECT_OK(drop.on_line(net, line.view()));
	KSTD_EXPECT_EQ(cnt.last_filter.load_relaxed(), 0u);

	/*
	 * 2. fw's client in FIN-WAIT-2, picked by its port (a full socket's
	 * abort resets its server; a minisocket just goes).
	 */
	line.clear();
	line.appendf("filter state fin-wait-2 sport %u dport %u-%u", fw.c_local.port(), p1, p1);
	auto n = drop.drop_matching(net, filter(line.c_str()));
	KSTD_EXPECT(n.has_value() && *n == 1u);
	KSTD_EXPECT_EQ(state_of(net, fw.c_local, fw.c_peer), kstd::tcp_state::close);
	KSTD_EXPECT(wait_present(net, cw.c_local, cw.c_peer, true));
	KSTD_EXPECT_EQ(state_of(net, cw.s_local, cw.s_peer), kstd::tcp_state::close_wait);

	/* 3. An IPv6 prefix matches no IPv4 socket; a port range misses. */
	line.clear();
	line.appendf("filter state all dst ::/0 dport %u", p2);
	n = drop.drop_matching(net, filter(line.c_str()));
	KSTD_EXPECT(n.has_value() && *n == 0u);
	line.clear();
	line.appendf("filter state all src 127.0.0.1 sport %u-%u", p1 + 1u, p1 + 1u);
	n = p1 < 65535 ? drop.drop_matching(net, filter(line.c_str())) : kstd::result<unsigned>(0u);
	KSTD_EXPECT(n.has_value() && *n == 0u);

	/* 4. cw's server in CLOSE-WAIT on port 1: aborted. */
	line.clear();
	line.appendf("filter state close-wait src 127.0.0.0/8 sport %u dport %u", p1,
		     cw.c_local.port());
	n = drop.drop_matching(net, filter(line.c_str()));
	KSTD_EXPECT(n.has_value() && *n == 1u);
	KSTD_EXPECT_EQ(state_of(net, cw.s_local, cw.s_peer), kstd::tcp_state::close);
	/* It has read the FIN (recv() gives 0 first): sending fails. */
	char b = 'x';
	auto r = cw.server.send(&b, 1);
	KSTD_EXPECT(!r);

	/* 5. The established servers of port 1: aborted, their clients reset. */
	line.clear();
	line.appendf("filter state established,syn-recv sport %u", p1);
	n = drop.drop_matching(net, filter(line.c_str()));
	KSTD_EXPECT(n.has_value() && *n == 2u);
	for (auto &c : est) {
		auto e = c.client.recv(&b, 1);
		KSTD_EXPECT(!e && e.error() == kstd::error::connreset());
		KSTD_EXPECT_EQ(state_of(net, c.s_local, c.s_peer), kstd::tcp_state::close);
	}

	/* 6. Port 2's TIME-WAIT sockets were untouched until now. */
	line.clear();
	line.appendf("filter state time-wait dst 127.0.0.1/32 dport %u", p2);
	n = drop.drop_matching(net, filter(line.c_str()));
	KSTD_EXPECT(n.has_value() && *n == 2u);
	for (auto &c : other)
		KSTD_EXPECT_EQ(state_of(net, c.c_local, c.c_peer), kstd::tcp_state::close);
	KSTD_EXPECT_EQ(cnt.filter_dropped.get(), 3u + 1 + 1 + 2 + 2);
	KSTD_EXPECT_EQ(cnt.failed.get(), 0u);
}

KSTD_TEST_SUITE_END(drop_tcp_socket);
