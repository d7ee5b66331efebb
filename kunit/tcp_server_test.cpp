// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_tcp_server: a small echo server on kstd::tcp_server, driven by real
 * loopback clients.  Connections are counted as they are built and
 * destroyed, so every case also proves none leaks or is freed twice.
 * Every wait is bounded.
 */
#include <kstd/tcp_server.hpp>
#include <kstd/thread.hpp>

#include "net_test.hpp"

namespace {

using kstd_test::loopback;
using kstd_test::net_ready;

struct echo_server;

struct echo_conn;

/*
 * Declared last in echo_conn, so destroyed first: where the old rule
 * wanted the notifier.  It records whether the server's hooks were still
 * in, or the stream already closed, when the connection's members began to
 * go: neither may be, whatever the member order.
 */
struct teardown_probe {
	echo_conn &c;
	~teardown_probe();
};

struct echo_conn : kstd::tcp_connection {
	echo_conn(echo_server &s, kstd::tcp_stream st) noexcept;
	~echo_conn();

	void on_socket(kstd::socket_events) noexcept;
	void run() noexcept;

	echo_server &srv;
	kstd::work<echo_conn, &echo_conn::run> work{this};
	/* Set by on_accept() when asked to: then the server's hooks cannot go in. */
	kstd::socket_notifier squatter;
	teardown_probe probe{*this};
};

struct echo_server {
	kstd::unique_ptr<echo_conn> on_accept(kstd::tcp_stream &s) noexcept
	{
		if (refuse)
			return nullptr; /* s still holds the stream: the server closes it */
		auto c = kstd::make_unique<echo_conn>(kstd::gfp::kernel, *this, kstd::move(s));
		if (c && occupy_hooks)
			squatter_installed =
				(*c)->squatter.install<&echo_conn::on_socket>((*c)->stream, **c)
					.has_value();
		return c ? kstd::move(*c) : nullptr;
	}

	bool refuse = false;
	bool occupy_hooks = false, squatter_installed = false;
	kstd::stat_counter built, destroyed, ended_by_peer;
	kstd::stat_counter hooked_at_destroy, closed_at_destroy; /* must stay 0 */
	kstd::tcp_server<echo_server, echo_conn> tcp{*this};	 /* last */
};

echo_conn::echo_conn(echo_server &s, kstd::tcp_stream st) noexcept
	: kstd::tcp_connection(kstd::move(st)), srv(s)
{
	srv.built.add();
}

teardown_probe::~teardown_probe()
{
	if (!c.stream.raw())
		c.srv.closed_at_destroy.add();
	else if (kstd::has_notifier(c.stream) && !c.squatter.installed())
		c.srv.hooked_at_destroy.add();
}

echo_conn::~echo_conn()
{
	srv.destroyed.add();
}

void echo_conn::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
}

void echo_conn::run() noexcept
{
	char buf[256];
	for (;;) {
		auto n = stream.try_recv(buf, sizeof(buf));
		if (!n && n.error() == kstd::error::again())
			return;
		if (!n || *n == 0 || !stream.send_all(buf, *n)) {
			if (auto self = srv.tcp.release(*this))
				srv.ended_by_peer.add();
			return;
		}
	}
}

/* Poll @cond every 10 ms for up to 5 s. */
template <class Cond>
bool eventually(Cond cond)
{
	for (int i = 0; i < 500; i++) {
		if (cond())
			return true;
		kstd::msleep(10);
	}
	return cond();
}

kstd::result<kstd::tcp_stream> connect_to(echo_server &s)
{
	auto addr = KSTD_TRY(s.tcp.local_address());
	auto c = KSTD_TRY(kstd::tcp_stream::connect(loopback(false, addr.port())));
	KSTD_TRY(kstd_test::with_timeouts(c));
	return c;
}

/* Send @msg on @c and expect it back. */
bool echoes(kstd::tcp_stream &c, const char *msg, kstd::size_t len)
{
	if (!c.send_all(msg, len))
		return false;
	char buf[64];
	kstd::size_t got = 0;
	while (got < len) {
		auto n = c.recv(buf + got, sizeof(buf) - got);
		if (!n || *n == 0)
			return false;
		got += *n;
	}
	return got == len && __builtin_memcmp(buf, msg, len) == 0;
}

/* Does the peer end: recv gives EOF or a reset within the timeout? */
bool sees_end(kstd::tcp_stream &c)
{
	char b;
	auto n = c.recv(&b, 1);
	return (n && *n == 0) ||
	       (!n && (n.error() == kstd::error::connreset() || n.error() == kstd::error::pipe()));
}

/* Loopback up and an echo_server listening as @o says, or null (counted as a failure). */
kstd::unique_ptr<echo_server> start(kstd::kunit::test &test, const kstd::tcp_server_options &o)
{
	if (!net_ready(test, false))
		return nullptr;
	auto srv = kstd::make_unique<echo_server>(kstd::gfp::kernel);
	KSTD_EXPECT(srv.has_value());
	if (!srv)
		return nullptr;
	auto listening = (*srv)->tcp.listen("kstd_test_srv", o);
	KSTD_EXPECT(listening.has_value());
	return listening ? kstd::move(*srv) : nullptr;
}

/* Connect every stream of @c to @s. */
template <kstd::size_t N>
bool connect_all(kstd::kunit::test &test, echo_server &s, kstd::tcp_stream (&c)[N])
{
	for (auto &x : c) {
		auto r = connect_to(s);
		KSTD_EXPECT(r.has_value());
		if (!r)
			return false;
		x = kstd::move(*r);
	}
	return true;
}

} // namespace

KSTD_TEST_SUITE(kstd_tcp_server);

KSTD_TEST(kstd_tcp_server, serves_and_frees_connections)
{
	auto srv = start(test, {.port = 0, .backlog = 16});
	if (!srv)
		return;
	echo_server &s = *srv;
	kstd::tcp_stream c[3];
	if (!connect_all(test, s, c))
		return;
	for (auto &x : c)
		KSTD_EXPECT(echoes(x, "hello, server", 13));
	KSTD_EXPECT(eventually([&] { return s.tcp.open_connections() == 3; }));
	KSTD_EXPECT_EQ(s.tcp.stats().accepted.get(), 3);

	/* Each client's close ends its connection, which frees itself. */
	for (auto &x : c)
		x.close();
	KSTD_EXPECT(eventually([&] { return s.destroyed.get() == 3; }));
	KSTD_EXPECT_EQ(s.tcp.open_connections(), 0);
	KSTD_EXPECT_EQ(s.ended_by_peer.get(), 3);
	KSTD_EXPECT_EQ(s.tcp.stats().errors.get(), 0);
	KSTD_EXPECT_EQ(s.tcp.stop(), 0);
	KSTD_EXPECT_EQ(s.built.get(), s.destroyed.get());
	/* release() took the hooks out before the connection's members went. */
	KSTD_EXPECT_EQ(s.hooked_at_destroy.get(), 0);
	KSTD_EXPECT_EQ(s.closed_at_destroy.get(), 0);
}

KSTD_TEST(kstd_tcp_server, accepts_in_batches)
{
	/* One connection per accept run: the requeue path carries the rest. */
	auto srv = start(test, {.port = 0, .backlog = 64, .accept_batch = 1});
	if (!srv)
		return;
	echo_server &s = *srv;
	constexpr int n = 20;
	kstd::tcp_stream c[n];
	if (!connect_all(test, s, c))
		return;
	int ok = 0;
	for (auto &x : c)
		ok += echoes(x, "batch", 5);
	KSTD_EXPECT_EQ(ok, n);
	KSTD_EXPECT(eventually([&] { return s.tcp.stats().accepted.get() == n; }));
	/* Server destroyed with its connections open: the destructor closes them. */
	srv.reset();
	for (auto &x : c)
		KSTD_EXPECT(sees_end(x));
}

KSTD_TEST(kstd_tcp_server, unbound_queue_one_worker)
{
	/* One unbound worker at a time serves every connection, in turns. */
	KSTD_EXPECT_GE(kstd::online_cpus(), 1u);
	auto srv = start(test, {.port = 0,
				.backlog = 64,
				.queue_flags = kstd::wq::unbound,
				.queue_max_active = 1});
	if (!srv)
		return;
	echo_server &s = *srv;
	constexpr int n = 8;
	kstd::tcp_stream c[n];
	if (!connect_all(test, s, c))
		return;
	int ok = 0;
	for (int round = 0; round < 3; round++)
		for (auto &x : c)
			ok += echoes(x, "one worker", 10);
	KSTD_EXPECT_EQ(ok, 3 * n);
	KSTD_EXPECT(eventually([&] { return s.tcp.stats().accepted.get() == n; }));
	srv.reset();
	for (auto &x : c)
		KSTD_EXPECT(sees_end(x));
}

KSTD_TEST(kstd_tcp_server, refused_connection_is_closed)
{
	auto srv = start(test, {.port = 0});
	if (!srv)
		return;
	echo_server &s = *srv;
	s.refuse = true; /* before any client connects */
	auto c = connect_to(s);
	KSTD_EXPECT(c.has_value());
	if (!c)
		return;
	KSTD_EXPECT(sees_end(*c));
	KSTD_EXPECT_EQ(s.tcp.stats().accepted.get(), 1);
	KSTD_EXPECT_EQ(s.tcp.open_connections(), 0);
	KSTD_EXPECT_EQ(s.built.get(), 0);
}

KSTD_TEST(kstd_tcp_server, connection_without_hooks_is_closed)
{
	/*
	 * The socket's sk_user_data is taken before the server installs its
	 * hooks (as a BPF sockmap would), so install() fails with -EBUSY:
	 * the connection must be closed outside the live list's spinlock
	 * (closing takes lock_sock(), which sleeps: DEBUG_ATOMIC_SLEEP
	 * reports it otherwise).
	 */
	auto srv = start(test, {.port = 0});
	if (!srv)
		return;
	echo_server &s = *srv;
	s.occupy_hooks = true; /* before any client connects */
	auto c = connect_to(s);
	KSTD_EXPECT(c.has_value());
	if (!c)
		return;
	KSTD_EXPECT(sees_end(*c));
	KSTD_EXPECT(eventually([&] { return s.destroyed.get() == 1; }));
	KSTD_EXPECT(s.squatter_installed);
	KSTD_EXPECT_EQ(s.built.get(), 1);
	KSTD_EXPECT_EQ(s.tcp.stats().errors.get(), 1);
	KSTD_EXPECT_EQ(s.tcp.open_connections(), 0);
	KSTD_EXPECT_EQ(s.tcp.stop(), 0);
}

KSTD_TEST(kstd_tcp_server, stop_closes_live_connections)
{
	auto srv = start(test, {.port = 0});
	if (!srv)
		return;
	echo_server &s = *srv;
	auto port = s.tcp.local_address().value().port();
	kstd::tcp_stream c[5];
	if (!connect_all(test, s, c))
		return;
	for (auto &x : c)
		KSTD_EXPECT(echoes(x, "x", 1));
	KSTD_EXPECT(eventually([&] { return s.tcp.open_connections() == 5; }));
	KSTD_EXPECT_EQ(s.tcp.stop(), 5);
	KSTD_EXPECT_EQ(s.destroyed.get(), 5);
	KSTD_EXPECT_EQ(s.ended_by_peer.get(), 0);
	/* stop() took the hooks out before the connections' members went. */
	KSTD_EXPECT_EQ(s.hooked_at_destroy.get(), 0);
	KSTD_EXPECT_EQ(s.closed_at_destroy.get(), 0);
	for (auto &x : c)
		KSTD_EXPECT(sees_end(x));
	/* The port is free again, and stop() twice is harmless. */
	KSTD_EXPECT_EQ(s.tcp.stop(), 0);
	KSTD_EXPECT_EQ(kstd::tcp_stream::connect(loopback(false, port)).to_errno(),
		       -KSTD_ECONNREFUSED);
	auto again = kstd::tcp_listener::bind(kstd::inaddr_loopback(port), 4, {.reuse_addr = true});
	KSTD_EXPECT(again.has_value());
}

KSTD_TEST(kstd_tcp_server, listen_errors)
{
	if (!net_ready(test, false))
		return;
	auto a = kstd::make_unique<echo_server>(kstd::gfp::kernel);
	auto b = kstd::make_unique<echo_server>(kstd::gfp::kernel);
	KSTD_EXPECT(a.has_value() && b.has_value());
	if (!a || !b)
		return;
	KSTD_EXPECT((*a)->tcp.listen("kstd_test_srv", {.port = 0}).has_value());
	KSTD_EXPECT_EQ((*a)->tcp.listen("kstd_test_srv", {.port = 0}).to_errno(), -KSTD_EBUSY);
	auto port = (*a)->tcp.local_address().value().port();
	/* Taken port: the error, and b can still listen elsewhere afterwards. */
	KSTD_EXPECT_EQ((*b)->tcp.listen("kstd_test_srv", {.port = port}).to_errno(),
		       -KSTD_EADDRINUSE);
	KSTD_EXPECT_EQ((*b)->tcp.listen("kstd_test_srv", {.port = 0, .accept_batch = 0}).to_errno(),
		       -KSTD_EINVAL);
	KSTD_EXPECT_EQ(
		(*b)->tcp.listen("kstd_test_srv", {.port = 0, .queue_max_active = -1}).to_errno(),
		-KSTD_EINVAL);
	KSTD_EXPECT_EQ(
		(*b)->tcp.listen("kstd_test_srv", {.port = 0, .queue_max_active = 513}).to_errno(),
		-KSTD_EINVAL);
	KSTD_EXPECT((*b)->tcp.listen("kstd_test_srv", {.port = 0}).has_value());
}

KSTD_TEST_SUITE_END(kstd_tcp_server);
