// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho: kecho's server and connections (../echo.cpp) on an ephemeral
 * port, driven by real loopback clients in the kernel: exact echo over
 * IPv4 and IPv6, more than the echo buffer in order, back-pressure (a
 * client that does not read stops kecho reading it, nothing lost), the
 * rest echoed on EOF then an orderly close, a reset counted, many clients
 * at once, and destroying the server closing what is open.  Every
 * blocking call has a timeout, so a broken case fails instead of hanging.
 */
#include <kstd/ksocket.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/net_address.hpp>
#include <kstd/thread.hpp>
#include <kstd/udp.hpp>

#include <kstd/kunit.hpp>

#include "../echo.hpp"
#include "net_helpers.h"

namespace {

using kstd::size_t;
using kstd::u64;
using kstd::u8;

/* How long a client's blocking call, or a wait for the server, may take. */
constexpr unsigned int timeout_ms = 5000;

/* Lo up; for @ipv6, skip the case if ::1 is unusable. */
bool net_ready(kstd::kunit::test &test, bool ipv6)
{
	int err = kecho_kunit_loopback_up();
	KSTD_EXPECT_EQ(err, 0);
	if (err)
		return false;
	if (ipv6 && !kecho_kunit_ipv6_loopback_ready()) {
		test.mark_skipped("no usable ::1 (IPv6 off?)");
		return false;
	}
	return true;
}

/* A kecho server on a port the kernel picks, unbound workers. */
kstd::result<kstd::unique_ptr<kecho::server>> start_server()
{
	return kecho::server::start({.port = 0, .backlog = 64, .queue_flags = kstd::wq::unbound});
}

/* A client of @srv over 127.0.0.1 or ::1, with timeouts. */
kstd::result<kstd::tcp_stream> connect(kecho::server &srv, bool ipv6 = false)
{
	auto at = KSTD_TRY(srv.tcp.local_address());
	auto peer = ipv6 ? kstd::socket_address::ipv6_loopback(at.port())
			 : kstd::socket_address::ipv4_loopback(at.port());
	auto s = KSTD_TRY(kstd::tcp_stream::connect(peer));
	KSTD_TRY(s.set_recv_timeout(timeout_ms));
	KSTD_TRY(s.set_send_timeout(timeout_ms));
	return s;
}

/* Poll @cond every 10 ms for up to timeout_ms; whether it came true. */
template <class F>
bool eventually(F cond)
{
	for (unsigned int waited = 0; waited < timeout_ms; waited += 10) {
		if (cond())
			return true;
		kstd::msleep(10);
	}
	return cond();
}

/* Receive exactly @len bytes (fewer on EOF, an error or the timeout). */
size_t recv_exact(kstd::tcp_stream &s, void *buf, size_t len)
{
	u8 *p = static_cast<u8 *>(buf);
	size_t got = 0;
	while (got < len) {
		auto n = s.recv(p + got, len - got);
		if (!n || *n == 0)
			break;
		got += *n;
	}
	return got;
}

/* Byte @i of the test stream: not periodic in any buffer size used here. */
u8 pattern(u64 i)
{
	return static_cast<u8>(i * 7 + i / 251 + i / 65521);
}

/* Bytes [from, from + len) of the stream that differ from pattern(), counted. */
size_t mismatches(const u8 *p, size_t len, u64 from)
{
	size_t bad = 0;
	for (size_t i = 0; i < len; i++)
		bad += p[i] != pattern(from + i);
	return bad;
}

/*
 * Send @total bytes of pattern() after the @sent already sent, and receive
 * their echo, without blocking on either: a client that reads while it
 * writes.  Returns the bytes received in order (checked against
 * pattern() from @received; *@bad counts mismatches).
 */
u64 pump(kstd::tcp_stream &s, u64 sent, u64 received, u64 total, size_t *bad)
{
	constexpr size_t chunk = 16 * 1024;
	auto buf = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, chunk);
	if (!buf)
		return received;
	unsigned int idle_ms = 0;
	while (received < total && idle_ms < timeout_ms) {
		bool moved = false;
		if (sent < total) {
			size_t len =
				total - sent < chunk ? static_cast<size_t>(total - sent) : chunk;
			for (size_t i = 0; i < len; i++)
				(*buf)[i] = pattern(sent + i);
			auto n = s.send(buf->get(), len, kstd::msg::dontwait);
			if (n && *n) {
				sent += *n;
				moved = true;
			} else if (!n && n.error() != kstd::error::again()) {
				break;
			}
		}
		auto n = s.try_recv(buf->get(), chunk);
		if (n && *n) {
			*bad += mismatches(buf->get(), *n, received);
			received += *n;
			moved = true;
		} else if (n || n.error() != kstd::error::again()) {
			break; /* EOF or an error: the echo ends early */
		}
		if (!moved) {
			kstd::msleep(1);
			idle_ms++;
		} else {
			idle_ms = 0;
		}
	}
	return received;
}

struct family {
	const char *name;
	bool ipv6;
};
constexpr family families[] = {{"ipv4", false}, {"ipv6", true}};

} // namespace

KSTD_TEST_SUITE(kecho);

/* What a client sends comes back byte for byte, binary included, and is counted. */
KSTD_TEST_P(kecho, echoes_exactly, families)
{
	if (!net_ready(test, param.ipv6))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto c = connect(**srv, param.ipv6);
	KSTD_ASSERT_OK(c);

	KSTD_ASSERT_EQ(c->send_all("hello", 5).value_or(0), 5u);
	char small[5] = {};
	KSTD_EXPECT_EQ(recv_exact(*c, small, sizeof(small)), 5u);
	KSTD_EXPECT_EQ(kstd::string_view(small, 5), "hello");

	u8 all[256], back[256] = {};
	for (unsigned int i = 0; i < 256; i++)
		all[i] = static_cast<u8>(255 - i); /* NUL, CR, LF and high bytes too */
	KSTD_ASSERT_EQ(c->send_all(all, sizeof(all)).value_or(0), sizeof(all));
	KSTD_EXPECT_EQ(recv_exact(*c, back, sizeof(back)), sizeof(back));
	KSTD_EXPECT(kstd::equal_bytes(all, back, sizeof(all)));

	/* Nothing more than was sent comes back. */
	char extra;
	KSTD_EXPECT_ERROR(c->try_recv(&extra, 1), kstd::error::again());
	KSTD_EXPECT(eventually([&] { return (*srv)->tx_bytes() == 261; }));
	KSTD_EXPECT_EQ((*srv)->rx_bytes(), 261u);
	KSTD_EXPECT_EQ((*srv)->tcp.stats().accepted.get(), 1u);
	KSTD_EXPECT_EQ((*srv)->tcp.open_connections(), 1u);
}

/*
 * 1 MiB through a 4 KiB echo buffer: many partial sends and wrap-arounds of
 * the buffer and several work runs (its 64 KiB budget), all in order.
 */
KSTD_TEST(kecho, echoes_more_than_its_buffer_in_order)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto c = connect(**srv);
	KSTD_ASSERT_OK(c);

	constexpr u64 total = 1024 * 1024;
	size_t bad = 0;
	KSTD_EXPECT_EQ(pump(*c, 0, 0, total, &bad), total);
	KSTD_EXPECT_EQ(bad, 0u);
	KSTD_EXPECT_EQ((*srv)->rx_bytes(), total);
	KSTD_EXPECT(eventually([&] { return (*srv)->tx_bytes() == total; }));
	KSTD_EXPECT_EQ((*srv)->resets.get(), 0u);
}

/*
 * A client that sends without reading: once the socket buffers and kecho's
 * own are full, kecho stops reading it (what it took but could not echo
 * never exceeds its buffer), keeps the connection, and loses nothing: when
 * the client reads, every byte comes back in order.
 */
KSTD_TEST(kecho, stops_reading_a_client_that_does_not_read)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto c = connect(**srv);
	KSTD_ASSERT_OK(c);
	KSTD_ASSERT_OK(c->set_send_timeout(300)); /* send_all() returns short, then */

	/* Write until the client's send buffer no longer drains. */
	constexpr size_t chunk = 64 * 1024;
	auto buf = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, chunk);
	KSTD_ASSERT(buf.has_value());
	u64 sent = 0;
	for (int i = 0; i < 256; i++) { /* 16 MiB at most: far more than the buffers */
		for (size_t j = 0; j < chunk; j++)
			(*buf)[j] = pattern(sent + j);
		auto n = c->send_all(buf->get(), chunk);
		KSTD_ASSERT_OK(n);
		sent += *n;
		if (*n < chunk)
			break; /* blocked for 300 ms: nobody reads */
	}
	KSTD_ASSERT_LT(sent, 256u * chunk);

	/* kecho has stopped reading: rx stands still, at most a buffer ahead of tx. */
	kstd::msleep(200);
	u64 rx = (*srv)->rx_bytes();
	kstd::msleep(200);
	KSTD_EXPECT_EQ((*srv)->rx_bytes(), rx);
	KSTD_EXPECT_LT(rx, sent);
	KSTD_EXPECT_LE(rx - (*srv)->tx_bytes(), kecho::buffer_size);
	KSTD_EXPECT_EQ((*srv)->tcp.open_connections(), 1u);

	/* The client reads: everything comes back, in order, and the rest flows. */
	size_t bad = 0;
	u64 total = sent + 256 * 1024;
	KSTD_EXPECT_EQ(pump(*c, sent, 0, total, &bad), total);
	KSTD_EXPECT_EQ(bad, 0u);
	KSTD_EXPECT(eventually([&] { return (*srv)->tx_bytes() == total; }));
	KSTD_EXPECT_EQ((*srv)->rx_bytes(), total);
	KSTD_EXPECT_EQ((*srv)->resets.get(), 0u);
}

/*
 * The client's FIN right behind its data: kecho echoes all of it first,
 * then closes in order (EOF, not a reset) and frees the connection.
 */
KSTD_TEST(kecho, echoes_the_rest_then_closes_on_eof)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto c = connect(**srv);
	KSTD_ASSERT_OK(c);

	constexpr size_t len = 3 * kecho::buffer_size + 100;
	auto out = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, len);
	auto back = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, len + 1);
	KSTD_ASSERT(out.has_value() && back.has_value());
	for (size_t i = 0; i < len; i++)
		(*out)[i] = pattern(i);
	KSTD_ASSERT_EQ(c->send_all(out->get(), len).value_or(0), len);
	KSTD_ASSERT_OK(c->shutdown(kstd::shutdown_how::write));

	KSTD_EXPECT_EQ(recv_exact(*c, back->get(), len + 1), len); /* then EOF */
	KSTD_EXPECT_EQ(mismatches(back->get(), len, 0), 0u);
	KSTD_EXPECT_EQ(c->recv(back->get(), 1).value_or(99), 0u); /* EOF, not an error */
	KSTD_EXPECT(eventually([&] { return (*srv)->tcp.open_connections() == 0; }));
	KSTD_EXPECT_EQ((*srv)->resets.get(), 0u);
	KSTD_EXPECT_EQ((*srv)->tx_bytes(), len);
}

/* A client that resets its connection: counted as a reset, connection freed. */
KSTD_TEST(kecho, counts_a_reset_and_frees_the_connection)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto c = connect(**srv);
	KSTD_ASSERT_OK(c);
	KSTD_ASSERT_EQ(c->send_all("unread", 6).value_or(0), 6u);
	KSTD_ASSERT(eventually([&] { return (*srv)->tx_bytes() == 6; }));
	KSTD_ASSERT_EQ((*srv)->tcp.open_connections(), 1u);
	/* The echo is still unread: closing now sends a reset, not a FIN. */
	c->close();
	KSTD_EXPECT(eventually([&] { return (*srv)->tcp.open_connections() == 0; }));
	KSTD_EXPECT_EQ((*srv)->resets.get(), 1u);
}

/* Many clients at once: each gets its own bytes back; all freed when they go. */
KSTD_TEST(kecho, serves_many_clients_at_once)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	constexpr int n = 16;
	kstd::tcp_stream c[n];
	for (kstd::tcp_stream &client : c) {
		auto s = connect(**srv);
		KSTD_ASSERT_OK(s);
		client = kstd::move(*s);
	}
	/* All send first, then all read: kecho serves them interleaved. */
	auto message = [](int i) {
		kstd::fixed_string<16> m;
		m.appendf("client %d", i);
		return m;
	};
	for (int i = 0; i < n; i++) {
		auto msg = message(i);
		KSTD_ASSERT_EQ(c[i].send_all(msg.c_str(), msg.size()).value_or(0), msg.size());
	}
	for (int i = 0; i < n; i++) {
		auto want = message(i);
		char got[16] = {};
		KSTD_EXPECT_EQ(recv_exact(c[i], got, want.size()), want.size());
		KSTD_EXPECT_EQ(kstd::string_view(got, want.size()), want.view());
	}
	KSTD_EXPECT_EQ((*srv)->tcp.open_connections(), u64(n));
	for (kstd::tcp_stream &client : c)
		KSTD_EXPECT_OK(client.shutdown(kstd::shutdown_how::write));
	KSTD_EXPECT(eventually([&] { return (*srv)->tcp.open_connections() == 0; }));
	KSTD_EXPECT_EQ((*srv)->tcp.stats().accepted.get(), u64(n));
	KSTD_EXPECT_EQ((*srv)->resets.get(), 0u);
}

/*
 * Destroying the server (the module's unload) closes the connections still
 * open: their clients see the end at once, not a timeout, and the port is
 * closed.
 */
KSTD_TEST(kecho, stopping_closes_open_connections)
{
	if (!net_ready(test, false))
		return;
	auto srv = start_server();
	KSTD_ASSERT_OK(srv);
	auto at = (*srv)->tcp.local_address();
	KSTD_ASSERT_OK(at);
	constexpr int n = 4;
	kstd::tcp_stream c[n];
	for (kstd::tcp_stream &client : c) {
		auto s = connect(**srv);
		KSTD_ASSERT_OK(s);
		client = kstd::move(*s);
	}
	KSTD_ASSERT(eventually([&] { return (*srv)->tcp.open_connections() == u64(n); }));
	KSTD_EXPECT_EQ((*srv)->tcp.stop(), kstd::size_t(n));
	srv->reset();
	for (kstd::tcp_stream &client : c) {
		char b;
		auto r = client.recv(&b, 1);
		/* EOF or a reset; -EAGAIN would be the 5 s timeout: still open. */
		KSTD_EXPECT(r ? *r == 0 : r.error() != kstd::error::again());
	}
	auto again = kstd::tcp_stream::connect(kstd::socket_address::ipv4_loopback(at->port()));
	KSTD_EXPECT_ERROR(again, kstd::error::connrefused());
}

namespace {

/*
 * kecho's UDP echo on a port of its own, and a client over 127.0.0.1 or
 * ::1: datagrams of 1 byte to 60000 bytes come back whole, from the
 * server's port, in order, each once; the counters agree.
 */
void udp_echoes(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto srv = kecho::udp_echo::start(0, kstd::wq::unbound);
	KSTD_ASSERT_OK(srv);
	auto at = (*srv)->local_address();
	KSTD_ASSERT_OK(at);
	auto to = ipv6 ? kstd::socket_address::ipv6_loopback(at->port())
		       : kstd::socket_address::ipv4_loopback(at->port());
	auto c = kstd::udp_socket::bind(ipv6 ? kstd::socket_address::ipv6_loopback(0)
					     : kstd::socket_address::ipv4_loopback(0));
	KSTD_ASSERT_OK(c);
	KSTD_ASSERT_OK(c->set_recv_timeout(timeout_ms));
	constexpr size_t big = 60000;
	auto out = kstd::make_unique<u8[]>(kstd::gfp::kernel, big);
	auto in = kstd::make_unique<u8[]>(kstd::gfp::kernel, big + 1);
	KSTD_ASSERT(out && in);
	for (size_t i = 0; i < big; i++)
		(*out)[i] = static_cast<u8>(i * 13 + 5);
	const size_t sizes[] = {1, 32, 1400, big, 0};
	u64 total = 0;
	for (size_t n : sizes) {
		(*out)[0] = static_cast<u8>(n); /* tells the datagrams apart */
		KSTD_EXPECT_EQ(c->send_to({out->get(), n}, to).value_or(~size_t(0)), n);
		total += n;
	}
	for (size_t n : sizes) {
		(*out)[0] = static_cast<u8>(n);
		auto d = c->recv_from({in->get(), big + 1});
		KSTD_ASSERT_OK(d);
		KSTD_EXPECT_EQ(d->size, n);
		KSTD_EXPECT(!d->truncated());
		KSTD_EXPECT(d->from == to);
		bool same = true;
		for (size_t i = 0; i < n; i++)
			same &= (*in)[i] == (*out)[i];
		KSTD_EXPECT(same);
	}
	/* Each once: nothing more comes. */
	KSTD_EXPECT_ERROR(c->try_recv_from({in->get(), big}), kstd::error::again());
	KSTD_EXPECT_EQ((*srv)->datagrams.get(), u64(sizeof(sizes) / sizeof(sizes[0])));
	KSTD_EXPECT_EQ((*srv)->bytes.get(), total);
	KSTD_EXPECT_EQ((*srv)->errors.get(), 0u);
	KSTD_EXPECT_EQ((*srv)->truncated.get(), 0u);
}

} // namespace

KSTD_TEST(kecho, udp_echo_ipv4)
{
	udp_echoes(test, false);
}

KSTD_TEST(kecho, udp_echo_ipv6)
{
	udp_echoes(test, true);
}

/*
 * Stopping the UDP echo while a client floods it: the hook, then the work,
 * then the socket go, with datagrams arriving all along (KASAN would see a
 * callback or a work run on the freed object); afterwards the port is free.
 */
KSTD_TEST(kecho, udp_stop_under_traffic)
{
	if (!net_ready(test, false))
		return;
	for (int round = 0; round < 5; round++) {
		auto srv = kecho::udp_echo::start(0, kstd::wq::unbound);
		KSTD_ASSERT_OK(srv);
		auto at = (*srv)->local_address();
		KSTD_ASSERT_OK(at);
		auto c = kstd::udp_socket::bind(kstd::socket_address::ipv4_loopback(0));
		KSTD_ASSERT_OK(c);
		auto to = kstd::socket_address::ipv4_loopback(at->port());
		static const u8 msg[] = {'f', 'l', 'o', 'o', 'd'};
		for (int i = 0; i < 200; i++)
			(void)c->try_send_to(msg, to);
		srv->reset(); /* datagrams still queued and being echoed */
		for (int i = 0; i < 50; i++)
			(void)c->try_send_to(msg, to); /* to a closed port now */
		KSTD_EXPECT_OK(
			kstd::udp_socket::bind(kstd::socket_address::ipv4_loopback(at->port())));
	}
}

KSTD_TEST_SUITE_END(kecho);

KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("KUnit suite of kecho, the kstd echo server");
