// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loopback TCP scaffolding for the KUnit suites that need real sockets
 * (kstd_socket, kstd_tcp_diag).  Test code only.  Every blocking call it
 * sets up has a timeout, so a broken case fails instead of hanging.
 *
 *     KSTD_TEST(kstd_socket, example)
 *     {
 *             if (!kstd_test::net_ready(test, false))
 *                     return;
 *             auto p = kstd_test::loopback_pair(false);
 *             KSTD_EXPECT_OK(p);
 *     }
 */
#ifndef KSTD_KUNIT_NET_TEST_HPP
#define KSTD_KUNIT_NET_TEST_HPP

#include <kstd/ksocket.hpp>
#include <kstd/net_address.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace kstd_test {

/* How long a test's blocking socket call may wait. */
constexpr unsigned int net_timeout_ms = 5000;

/*
 * Brings lo up (kunit.py's UML boots with it down).  For @ipv6, skips the
 * case if ::1 is unusable.  Process context; may sleep.
 */
inline bool net_ready(kstd::kunit::test &test, bool ipv6)
{
	int err = kstd_kunit_net_loopback_up();
	KSTD_EXPECT_EQ(err, 0);
	if (err)
		return false;
	if (ipv6 && !kstd_kunit_net_ipv6_loopback_ready()) {
		test.mark_skipped("no usable ::1 (IPv6 off?)");
		return false;
	}
	return true;
}

inline kstd::socket_address loopback(bool ipv6, kstd::u16 port = 0)
{
	return ipv6 ? kstd::socket_address::ipv6_loopback(port)
		    : kstd::socket_address::ipv4_loopback(port);
}

inline kstd::result<void> with_timeouts(kstd::tcp_stream &s, unsigned int ms = net_timeout_ms)
{
	KSTD_TRY(s.set_recv_timeout(ms));
	return s.set_send_timeout(ms);
}

/* A listener and one connection through it, both ends. */
struct tcp_pair {
	kstd::tcp_listener listener;
	kstd::tcp_stream client;
	kstd::tcp_stream server;
};

/*
 * A listener on @listen_at and a client connected to @connect_to (its
 * port taken from the listener's), accepted; both ends with timeouts.
 */
inline kstd::result<tcp_pair> connect_pair(const kstd::socket_address &listen_at,
					   kstd::socket_address connect_to,
					   kstd::v6only v6 = kstd::v6only::system_default)
{
	tcp_pair p;
	p.listener = KSTD_TRY(kstd::tcp_listener::bind(listen_at, 16, {.v6only = v6}));
	KSTD_TRY(p.listener.set_accept_timeout(net_timeout_ms));
	auto addr = KSTD_TRY(p.listener.local_address());
	connect_to.set_port(addr.port());
	p.client = KSTD_TRY(kstd::tcp_stream::connect(connect_to));
	p.server = KSTD_TRY(p.listener.accept());
	KSTD_TRY(with_timeouts(p.client));
	KSTD_TRY(with_timeouts(p.server));
	return p;
}

/* connect_pair() on 127.0.0.1 or ::1. */
inline kstd::result<tcp_pair> loopback_pair(bool ipv6)
{
	return connect_pair(loopback(ipv6), loopback(ipv6));
}

} // namespace kstd_test

#endif
