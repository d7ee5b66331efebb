// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_tcp_diag: kstd::tcp_sock_ref on real loopback connections (IPv4,
 * IPv6, IPv4 on a dual-stack socket): find a socket by its 4-tuple, abort
 * an established one (its peer sees a reset), drop a TIME-WAIT one (its
 * port is free again), and kstd::tcp_destroy_matching(): what its
 * predicate is shown, and that it destroys exactly the sockets picked.
 * Every wait is bounded.
 */
#include <kstd/ksocket.hpp>
#include <kstd/net_address.hpp>
#include <kstd/tcp_lookup.hpp>

#include "net_test.hpp"

namespace {

using kstd::tcp_state;

using kstd_test::loopback;
using kstd_test::net_ready;
constexpr unsigned int timeout_ms = kstd_test::net_timeout_ms;

::net *init_net() noexcept
{
	return kstd_kunit_init_net();
}

/* ::ffff:127.0.0.1 */
kstd::socket_address mapped_loopback(kstd::u16 port)
{
	const kstd::u8 b[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
	return kstd::socket_address::ipv6(b, port);
}

/* kstd_test::tcp_pair with the four addresses the lookups are keyed by. */
struct tcp_pair : kstd_test::tcp_pair {
	kstd::socket_address client_local, client_peer, server_local, server_peer;
};

kstd::result<tcp_pair> connect_pair(const kstd::socket_address &listen_at,
				    kstd::socket_address connect_to,
				    kstd::v6only v6 = kstd::v6only::system_default)
{
	tcp_pair p{KSTD_TRY(kstd_test::connect_pair(listen_at, connect_to, v6))};
	p.client_local = KSTD_TRY(p.client.local_address());
	p.client_peer = KSTD_TRY(p.client.peer_address());
	p.server_local = KSTD_TRY(p.server.local_address());
	p.server_peer = KSTD_TRY(p.server.peer_address());
	return p;
}

kstd::result<tcp_pair> loopback_pair(bool ipv6)
{
	return connect_pair(loopback(ipv6), loopback(ipv6));
}

/* Poll until the socket named by (@local, @peer) is in @want, or gone if @want is close. */
bool wait_state(const kstd::socket_address &local, const kstd::socket_address &peer, tcp_state want)
{
	for (unsigned int waited = 0; waited < timeout_ms; waited += 10) {
		auto sk = kstd::tcp_sock_ref::lookup(init_net(), local, peer);
		if (want == tcp_state::close ? !sk : sk && sk->state() == want)
			return true;
		kstd_kunit_msleep(10);
	}
	return false;
}

void lookup_established(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto p = loopback_pair(ipv6);
	KSTD_EXPECT(p.has_value());
	if (!p)
		return;
	auto c = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, p->client_peer);
	auto s = kstd::tcp_sock_ref::lookup(init_net(), p->server_local, p->server_peer);
	KSTD_EXPECT(c.has_value() && s.has_value());
	if (!c || !s)
		return;
	KSTD_EXPECT(static_cast<bool>(*c));
	KSTD_EXPECT(c->state() == tcp_state::established);
	KSTD_EXPECT(s->state() == tcp_state::established);
	/* Two ends, two sockets: each tuple names its own. */
	KSTD_EXPECT(c->raw() != s->raw());
	/* The same tuple again: the same socket, another reference. */
	auto again = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, p->client_peer);
	KSTD_EXPECT(again.has_value() && again->raw() == c->raw());
	/* Moving keeps one reference; reset() drops it. */
	::sock *raw = c->raw();
	kstd::tcp_sock_ref moved = kstd::move(*c);
	KSTD_EXPECT(!*c);
	KSTD_EXPECT(moved.raw() == raw);
	moved.reset();
	KSTD_EXPECT(!moved);
}

void abort_resets_peer(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto p = loopback_pair(ipv6);
	KSTD_EXPECT(p.has_value());
	if (!p)
		return;
	auto sk = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, p->client_peer);
	KSTD_EXPECT(sk.has_value());
	if (!sk)
		return;
	auto was = sk->destroy();
	KSTD_EXPECT(was.has_value() && *was == tcp_state::established);
	char buf[8];
	/* The peer sees the reset... */
	auto r = p->server.recv(buf, sizeof(buf));
	KSTD_EXPECT(!r && r.error() == kstd::error::connreset());
	/* ...the owner ECONNABORTED... */
	auto o = p->client.recv(buf, sizeof(buf));
	KSTD_EXPECT(!o && o.error().to_errno() == -KSTD_ECONNABORTED);
	/* ...and both sockets are gone from the hash. */
	auto gone = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, p->client_peer);
	KSTD_EXPECT(!gone && gone.error() == kstd::error::noent());
	auto peer_gone = kstd::tcp_sock_ref::lookup(init_net(), p->server_local, p->server_peer);
	KSTD_EXPECT(!peer_gone && peer_gone.error() == kstd::error::noent());
	/* The reference still held: closed, nothing more to do. */
	KSTD_EXPECT(sk->state() == tcp_state::close);
	auto twice = sk->destroy();
	KSTD_EXPECT(!twice && twice.error() == kstd::error::noent());
}

void time_wait_dropped(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto p = loopback_pair(ipv6);
	KSTD_EXPECT(p.has_value());
	if (!p)
		return;
	kstd::socket_address local = p->client_local, peer = p->client_peer;
	/* The client closes first, so the client side keeps TIME-WAIT. */
	p->client = kstd::tcp_stream();
	char buf[8];
	auto eof = p->server.recv(buf, sizeof(buf));
	KSTD_EXPECT(eof.has_value() && *eof == 0);
	p->server = kstd::tcp_stream();
	KSTD_EXPECT(wait_state(local, peer, tcp_state::time_wait));

	/* TIME-WAIT holds the port: a bind without SO_REUSEADDR fails... */
	auto busy = kstd::tcp_listener::bind(local, 1);
	KSTD_EXPECT(!busy && busy.error() == kstd::error::addrinuse());

	auto sk = kstd::tcp_sock_ref::lookup(init_net(), local, peer);
	KSTD_EXPECT(sk.has_value() && sk->state() == tcp_state::time_wait);
	if (!sk)
		return;
	auto was = sk->destroy();
	KSTD_EXPECT(was.has_value() && *was == tcp_state::time_wait);
	sk->reset();
	auto gone = kstd::tcp_sock_ref::lookup(init_net(), local, peer);
	KSTD_EXPECT(!gone && gone.error() == kstd::error::noent());
	/* ...and works once it is dropped. */
	auto freed = kstd::tcp_listener::bind(local, 1);
	KSTD_EXPECT(freed.has_value());
	/* Nothing left to drop. */
	auto again = kstd::tcp_destroy(init_net(), local, peer);
	KSTD_EXPECT(!again && again.error() == kstd::error::noent());
}

/*
 * tcp_destroy_matching(): 4 TIME-WAIT clients and one established pair
 * on one listener; the predicate picks TIME-WAIT towards that port.
 */
void destroy_matching(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto l = kstd::tcp_listener::bind(loopback(ipv6), 16);
	KSTD_ASSERT_OK(l);
	KSTD_ASSERT_OK(l->set_accept_timeout(timeout_ms));
	auto at = l->local_address();
	KSTD_ASSERT_OK(at);
	kstd::u16 port = at->port();
	constexpr int n_tw = 4;
	kstd::socket_address tw_local[n_tw];
	for (auto &local : tw_local) {
		auto c = kstd::tcp_stream::connect(*at);
		KSTD_ASSERT_OK(c);
		auto s = l->accept();
		KSTD_ASSERT_OK(s);
		KSTD_ASSERT_OK(s->set_recv_timeout(timeout_ms));
		auto a = c->local_address();
		KSTD_ASSERT_OK(a);
		local = *a;
		*c = kstd::tcp_stream();
		char b;
		auto eof = s->recv(&b, 1);
		KSTD_EXPECT(eof.has_value() && *eof == 0);
		*s = kstd::tcp_stream();
		KSTD_EXPECT(wait_state(local, *at, tcp_state::time_wait));
	}
	/*
	 * wait_state() reads sk_state, which is TIME-WAIT for a minisocket
	 * still in FIN-WAIT-2; the walk shows the substate, as ss does.  Wait
	 * until the walk sees all of them in TIME-WAIT: the server's FIN may
	 * still be on its way (PREEMPT_RT runs softirqs in a thread).
	 */
	int tw_seen = 0;
	for (unsigned int waited = 0; waited < timeout_ms; waited += 10) {
		tw_seen = 0;
		(void)kstd::tcp_destroy_matching(init_net(), [&](const kstd::tcp_sock_info &s) {
			if (s.peer.port() == port && s.state == tcp_state::time_wait)
				tw_seen++;
			return false;
		});
		if (tw_seen == n_tw)
			break;
		kstd_kunit_msleep(10);
	}
	KSTD_EXPECT_EQ(tw_seen, n_tw);
	auto est_c = kstd::tcp_stream::connect(*at);
	KSTD_ASSERT_OK(est_c);
	auto est_s = l->accept();
	KSTD_ASSERT_OK(est_s);
	auto est_local = est_c->local_address();
	KSTD_ASSERT_OK(est_local);

	/* What the predicate sees of our port: 4 TIME-WAIT, 1 established. */
	struct seen {
		int tw = 0, est = 0, bad = 0;
	} saw;
	auto n = kstd::tcp_destroy_matching(init_net(), [&](const kstd::tcp_sock_info &s) {
		if (s.peer.port() != port)
			return false;
		if (s.peer.address() != at->address() || s.local.family() != at->family())
			saw.bad++;
		if (s.state == tcp_state::established)
			saw.est++;
		if (s.state != tcp_state::time_wait)
			return false;
		saw.tw++;
		return true;
	});
	KSTD_EXPECT_EQ(n.destroyed, unsigned(n_tw));
	KSTD_EXPECT_EQ(n.failed, 0u);
	KSTD_EXPECT_EQ(saw.tw, n_tw);
	KSTD_EXPECT_EQ(saw.est, 1);
	KSTD_EXPECT_EQ(saw.bad, 0);
	for (auto &local : tw_local) {
		auto gone = kstd::tcp_sock_ref::lookup(init_net(), local, *at);
		KSTD_EXPECT(!gone && gone.error() == kstd::error::noent());
	}
	auto est = kstd::tcp_sock_ref::lookup(init_net(), *est_local, *at);
	KSTD_EXPECT(est.has_value() && est->state() == tcp_state::established);
	/* Again: nothing left to destroy. */
	auto again = kstd::tcp_destroy_matching(init_net(), [&](const kstd::tcp_sock_info &s) {
		return s.state == tcp_state::time_wait && s.peer.port() == port;
	});
	KSTD_EXPECT_EQ(again.destroyed, 0u);
	/* The established client, picked by its local end: aborted. */
	auto ab = kstd::tcp_destroy_matching(
		init_net(), [&](const kstd::tcp_sock_info &s) { return s.local == *est_local; });
	KSTD_EXPECT_EQ(ab.destroyed, 1u);
	KSTD_ASSERT_OK(est_s->set_recv_timeout(timeout_ms));
	char b;
	auto r = est_s->recv(&b, 1);
	KSTD_EXPECT(!r && r.error() == kstd::error::connreset());
}

} // namespace

KSTD_TEST_SUITE(kstd_tcp_diag);

KSTD_TEST(kstd_tcp_diag, destroy_matching_v4)
{
	destroy_matching(test, false);
}

KSTD_TEST(kstd_tcp_diag, destroy_matching_v6)
{
	destroy_matching(test, true);
}

/* A dual-stack socket's IPv4 connection is shown to the predicate as IPv4. */
KSTD_TEST(kstd_tcp_diag, destroy_matching_shows_mapped_as_v4)
{
	if (!net_ready(test, true))
		return;
	auto p =
		connect_pair(kstd::socket_address::ipv6_any(0), loopback(false), kstd::v6only::off);
	KSTD_ASSERT_OK(p);
	kstd::u16 port = p->server_local.port();
	int v4 = 0, v6 = 0;
	auto n = kstd::tcp_destroy_matching(init_net(), [&](const kstd::tcp_sock_info &s) {
		if (s.local.port() != port)
			return false;
		(s.local.is_ipv4() && s.peer.is_ipv4() ? v4 : v6)++;
		return true;
	});
	KSTD_EXPECT_EQ(v4, 1);
	KSTD_EXPECT_EQ(v6, 0);
	KSTD_EXPECT_EQ(n.destroyed, 1u);
	char buf[8];
	auto r = p->client.recv(buf, sizeof(buf));
	KSTD_EXPECT(!r && r.error() == kstd::error::connreset());
}

KSTD_TEST(kstd_tcp_diag, lookup_established_v4)
{
	lookup_established(test, false);
}

KSTD_TEST(kstd_tcp_diag, lookup_established_v6)
{
	lookup_established(test, true);
}

KSTD_TEST(kstd_tcp_diag, lookup_misses)
{
	if (!net_ready(test, false))
		return;
	auto p = loopback_pair(false);
	KSTD_EXPECT(p.has_value());
	if (!p)
		return;
	/* A port off by one, the listener's address, the wrong family. */
	kstd::socket_address other = p->client_peer;
	other.set_port(static_cast<kstd::u16>(other.port() + 1));
	auto a = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, other);
	KSTD_EXPECT(!a && a.error() == kstd::error::noent());
	auto lst = p->listener.local_address();
	KSTD_EXPECT(lst.has_value());
	if (lst) {
		/*
		 * A peer with no connection to the listener: a packet from it
		 * would go to the listener, a lookup never does.
		 */
		auto l = kstd::tcp_sock_ref::lookup(init_net(), *lst, loopback(false, 1));
		KSTD_EXPECT(!l && l.error() == kstd::error::noent());
	}
	auto mix = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, loopback(true, 80));
	KSTD_EXPECT(!mix && mix.error() == kstd::error::afnosupport());
	auto unspec = kstd::tcp_sock_ref::lookup(init_net(), kstd::socket_address(),
						 kstd::socket_address());
	KSTD_EXPECT(!unspec && unspec.error() == kstd::error::afnosupport());
	/* An unbound socket matches on any interface (lo is 1). */
	auto on_lo = kstd::tcp_sock_ref::lookup(init_net(), p->client_local, p->client_peer, 1);
	KSTD_EXPECT(on_lo.has_value());
}

KSTD_TEST(kstd_tcp_diag, abort_resets_peer_v4)
{
	abort_resets_peer(test, false);
}

KSTD_TEST(kstd_tcp_diag, abort_resets_peer_v6)
{
	abort_resets_peer(test, true);
}

KSTD_TEST(kstd_tcp_diag, time_wait_dropped_frees_port_v4)
{
	time_wait_dropped(test, false);
}

KSTD_TEST(kstd_tcp_diag, time_wait_dropped_frees_port_v6)
{
	time_wait_dropped(test, true);
}

/* IPv4 through a dual-stack IPv6 listener: found as IPv4 or IPv4-mapped. */
KSTD_TEST(kstd_tcp_diag, v4_mapped_dual_stack)
{
	if (!net_ready(test, true))
		return;
	auto p =
		connect_pair(kstd::socket_address::ipv6_any(0), loopback(false), kstd::v6only::off);
	KSTD_EXPECT(p.has_value());
	if (!p)
		return;
	/* The accepted socket is IPv6 and names both ends as ::ffff:127.0.0.1. */
	KSTD_EXPECT(p->server_local.is_ipv6() && p->server_peer.is_ipv6());
	KSTD_EXPECT(p->server_local == mapped_loopback(p->server_local.port()));
	auto mapped = kstd::tcp_sock_ref::lookup(init_net(), p->server_local, p->server_peer);
	auto plain = kstd::tcp_sock_ref::lookup(init_net(), loopback(false, p->server_local.port()),
						loopback(false, p->server_peer.port()));
	auto half = kstd::tcp_sock_ref::lookup(init_net(), p->server_local,
					       loopback(false, p->server_peer.port()));
	KSTD_EXPECT(mapped.has_value() && plain.has_value() && half.has_value());
	if (!mapped || !plain || !half)
		return;
	KSTD_EXPECT(mapped->raw() == plain->raw() && half->raw() == plain->raw());
	auto was = mapped->destroy();
	KSTD_EXPECT(was.has_value() && *was == tcp_state::established);
	char buf[8];
	auto r = p->client.recv(buf, sizeof(buf));
	KSTD_EXPECT(!r && r.error() == kstd::error::connreset());
}

KSTD_TEST(kstd_tcp_diag, interface_names)
{
	if (!net_ready(test, false))
		return;
	auto nodev = [](kstd::result<int> r) { return !r && r.error() == kstd::error::nodev(); };
	auto lo = kstd::net_ifindex(init_net(), "lo");
	KSTD_EXPECT(lo.has_value() && *lo == 1);
	auto by_number = kstd::net_ifindex(init_net(), "1");
	KSTD_EXPECT(by_number.has_value() && *by_number == 1);
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), "kstd_none0")));
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), "")));
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), "999999")));
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), "0")));
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), "a_very_long_interface_name")));
	/* Only the given bytes count: "lo" followed by more text is not lo. */
	auto prefix = kstd::net_ifindex(init_net(), kstd::string_view("lox", 2));
	KSTD_EXPECT(prefix.has_value() && *prefix == 1);
	KSTD_EXPECT(nodev(kstd::net_ifindex(init_net(), kstd::string_view("lo\0", 3))));
}

KSTD_TEST(kstd_tcp_diag, state_names)
{
	KSTD_EXPECT_EQ(static_cast<int>(tcp_state::time_wait), 6);
	KSTD_EXPECT_EQ(static_cast<int>(tcp_state::established), 1);
	kstd::string_view tw = kstd::tcp_state_name(tcp_state::time_wait);
	KSTD_EXPECT(tw == "TIME-WAIT");
	KSTD_EXPECT(kstd::string_view(kstd::tcp_state_name(tcp_state::established)) == "ESTAB");
	KSTD_EXPECT(kstd::string_view(kstd::tcp_state_name(static_cast<tcp_state>(99))) ==
		    "UNKNOWN");
}

KSTD_TEST_SUITE_END(kstd_tcp_diag);
