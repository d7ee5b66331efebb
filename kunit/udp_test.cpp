// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_udp: real UDP over loopback (IPv4 and IPv6), in the kernel: round
 * trips and the sender's address, truncation reported, empty datagrams,
 * -EAGAIN, -EADDRINUSE, shutdown waking a blocked receiver, the readiness
 * hooks, and an event-driven echo torn down with traffic in flight.  Every
 * blocking call has a timeout, so a broken case fails instead of hanging.
 */
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>
#include <kstd/udp.hpp>
#include <kstd/workqueue.hpp>

#include "net_test.hpp"

namespace {

using kstd::size_t;
using kstd::u8;

using kstd_test::loopback;
using kstd_test::net_ready;
constexpr unsigned int timeout_ms = kstd_test::net_timeout_ms;

/* A socket on 127.0.0.1 / ::1, any port, with timeouts both ways. */
kstd::result<kstd::udp_socket> open_on(const kstd::socket_address &at,
				       const kstd::udp_options &opts = {})
{
	auto s = KSTD_TRY(kstd::udp_socket::bind(at, opts));
	KSTD_TRY(s.set_recv_timeout(timeout_ms));
	KSTD_TRY(s.set_send_timeout(timeout_ms));
	return s;
}

bool same_bytes(const void *a, const void *b, size_t len)
{
	auto *x = static_cast<const u8 *>(a), *y = static_cast<const u8 *>(b);
	for (size_t i = 0; i < len; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

kstd::span<const u8> bytes(const char *s, size_t len)
{
	// SAFETY: any object may be read as bytes (u8 is unsigned char).
	return {reinterpret_cast<const u8 *>(s), len};
}

void round_trip(kstd::kunit::test &test, bool ipv6)
{
	if (!net_ready(test, ipv6))
		return;
	auto a = open_on(loopback(ipv6));
	auto b = open_on(loopback(ipv6));
	KSTD_EXPECT(a && b);
	if (!a || !b)
		return;
	auto a_addr = a->local_address(), b_addr = b->local_address();
	KSTD_EXPECT(a_addr && b_addr);
	if (!a_addr || !b_addr)
		return;
	KSTD_EXPECT(a_addr->port() != 0 && a_addr->is_ipv6() == ipv6);

	static const char ping[] = "ping over udp";
	static const char pong[] = "pong";
	u8 buf[64] = {};
	auto sent = a->send_to(bytes(ping, sizeof(ping)), *b_addr);
	KSTD_EXPECT(sent && *sent == sizeof(ping));
	auto d = b->recv_from(buf);
	KSTD_EXPECT(d.has_value());
	if (!d)
		return;
	KSTD_EXPECT_EQ(d->size, sizeof(ping));
	KSTD_EXPECT_EQ(d->full_size, sizeof(ping));
	KSTD_EXPECT(!d->truncated());
	KSTD_EXPECT(same_bytes(buf, ping, sizeof(ping)));
	/* The sender as the receiver sees it is a's own bound address. */
	KSTD_EXPECT(d->from == *a_addr);
	KSTD_EXPECT(d->from.is_ipv6() == ipv6 && d->from.is_loopback());

	/* Answer whoever asked, at the address recv_from() returned. */
	auto back = b->send_to(bytes(pong, sizeof(pong)), d->from);
	KSTD_EXPECT(back && *back == sizeof(pong));
	auto r = a->recv_from(buf);
	KSTD_EXPECT(r && r->size == sizeof(pong) && r->from == *b_addr);
	KSTD_EXPECT(same_bytes(buf, pong, sizeof(pong)));
}

int load(const int &c)
{
	return __atomic_load_n(&c, __ATOMIC_SEQ_CST);
}

void bump(int &c)
{
	__atomic_add_fetch(&c, 1, __ATOMIC_SEQ_CST);
	kstd_kunit_wake_counter(&c);
}

bool wait_for(int &counter, int at_least, unsigned int ms = timeout_ms)
{
	return kstd_kunit_wait_counter(&counter, at_least, ms);
}

struct watcher {
	int readable = 0, writable = 0, state = 0, total = 0, not_atomic = 0;

	void on_socket(kstd::socket_events ev)
	{
		/* As in kstd_socket: atomic, or on PREEMPT_RT a softirq thread. */
		if (KSTD_CONFIG_PREEMPT_RT ? !kstd_kunit_in_softirq() : !kstd_in_atomic())
			bump(not_atomic);
		if (ev.any(kstd::socket_event::readable))
			bump(readable);
		if (ev.any(kstd::socket_event::writable))
			bump(writable);
		if (ev.any(kstd::socket_event::state_change))
			bump(state);
		bump(total);
	}
};

} // namespace

KSTD_TEST_SUITE(kstd_udp);

KSTD_TEST(kstd_udp, ipv4_round_trip_and_sender_address)
{
	round_trip(test, false);
}

KSTD_TEST(kstd_udp, ipv6_round_trip_and_sender_address)
{
	round_trip(test, true);
}

KSTD_TEST(kstd_udp, dual_stack_sees_ipv4_mapped_sender)
{
	if (!net_ready(test, true))
		return;
	auto srv = open_on(kstd::in6addr_any(0), {.v6only = kstd::v6only::off});
	auto cli = open_on(kstd::inaddr_loopback(0));
	KSTD_EXPECT(srv && cli);
	if (!srv || !cli)
		return;
	KSTD_EXPECT(!srv->v6only().value_or(true));
	auto port = srv->local_address().value().port();
	KSTD_EXPECT(cli->send_to(bytes("4to6", 4), kstd::inaddr_loopback(port)).has_value());
	u8 buf[8];
	auto d = srv->recv_from(buf);
	KSTD_EXPECT(d && d->size == 4);
	if (!d)
		return;
	/* ::ffff:127.0.0.1, which unmaps to the client's IPv4 address. */
	KSTD_EXPECT(d->from.is_ipv6());
	auto c = cli->local_address();
	KSTD_EXPECT(c && d->from.address().unmapped() == c->address() &&
		    d->from.port() == c->port());
	/* And the reply goes back through the mapped address. */
	KSTD_EXPECT(srv->send_to(bytes("6to4", 4), d->from).has_value());
	auto r = cli->recv_from(buf);
	KSTD_EXPECT(r && r->size == 4 && same_bytes(buf, "6to4", 4));
}

KSTD_TEST(kstd_udp, truncation_is_reported)
{
	if (!net_ready(test, false))
		return;
	auto a = open_on(loopback(false));
	auto b = open_on(loopback(false));
	KSTD_EXPECT(a && b);
	if (!a || !b)
		return;
	auto to = b->local_address().value();
	u8 big[300];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = static_cast<u8>(i * 7);
	KSTD_EXPECT(a->send_to(big, to).value_or(0) == sizeof(big));
	KSTD_EXPECT(a->send_to(bytes("next", 4), to).value_or(0) == 4);

	/* Peeked, cut: reported, and the datagram is still there. */
	u8 small[16];
	auto p = b->recv_from(small, kstd::msg::peek);
	KSTD_EXPECT(p && p->truncated() && p->size == sizeof(small) && p->full_size == sizeof(big));

	/* Taken, cut: the head arrives, the length says what was lost. */
	auto d = b->recv_from(small);
	KSTD_EXPECT(d.has_value());
	if (!d)
		return;
	KSTD_EXPECT(d->truncated());
	KSTD_EXPECT_EQ(d->size, sizeof(small));
	KSTD_EXPECT_EQ(d->full_size, sizeof(big));
	KSTD_EXPECT(same_bytes(small, big, sizeof(small)));

	/* The tail is gone: the next recv is the next datagram, whole. */
	auto n = b->recv_from(small);
	KSTD_EXPECT(n && n->size == 4 && !n->truncated() && same_bytes(small, "next", 4));
}

KSTD_TEST(kstd_udp, empty_datagram_is_a_datagram)
{
	if (!net_ready(test, false))
		return;
	auto a = open_on(loopback(false));
	auto b = open_on(loopback(false));
	KSTD_EXPECT(a && b);
	if (!a || !b)
		return;
	KSTD_EXPECT(a->send_to({}, b->local_address().value()).value_or(1) == 0);
	u8 buf[8];
	auto d = b->recv_from(buf);
	KSTD_EXPECT(d && d->size == 0 && d->full_size == 0);
	KSTD_EXPECT(d && d->from == a->local_address().value());
}

KSTD_TEST(kstd_udp, nothing_queued_is_eagain)
{
	if (!net_ready(test, false))
		return;
	auto s = open_on(loopback(false));
	KSTD_EXPECT(s.has_value());
	if (!s)
		return;
	u8 buf[8];
	KSTD_EXPECT_EQ(s->try_recv_from(buf).to_errno(), -KSTD_EAGAIN);
	/* A blocking recv gives up with -EAGAIN after the receive timeout. */
	KSTD_EXPECT(s->set_recv_timeout(30).has_value());
	KSTD_EXPECT_EQ(s->recv_from(buf).to_errno(), -KSTD_EAGAIN);
}

KSTD_TEST(kstd_udp, bind_conflict_is_eaddrinuse)
{
	if (!net_ready(test, false))
		return;
	auto first = kstd::udp_socket::bind(loopback(false));
	KSTD_EXPECT(first.has_value());
	if (!first)
		return;
	auto at = first->local_address().value();
	KSTD_EXPECT_EQ(kstd::udp_socket::bind(at).to_errno(), -KSTD_EADDRINUSE);
	/* Released on destruction: the port is free again. */
	first->close();
	auto again = kstd::udp_socket::bind(at);
	KSTD_EXPECT(again.has_value());
	/* Shared when both ask for it. */
	auto s1 = kstd::udp_socket::bind(loopback(false), {.reuse_port = true});
	KSTD_EXPECT(s1.has_value());
	if (!s1)
		return;
	auto shared = s1->local_address().value();
	KSTD_EXPECT(kstd::udp_socket::bind(shared, {.reuse_port = true}).has_value());
	KSTD_EXPECT_EQ(kstd::udp_socket::bind(shared).to_errno(), -KSTD_EADDRINUSE);
}

KSTD_TEST(kstd_udp, send_errors)
{
	if (!net_ready(test, false))
		return;
	auto s = open_on(loopback(false));
	KSTD_EXPECT(s.has_value());
	if (!s)
		return;
	/* An IPv6 peer from an IPv4 socket. */
	KSTD_EXPECT_EQ(s->send_to(bytes("x", 1), kstd::in6addr_loopback(9)).to_errno(),
		       -KSTD_EAFNOSUPPORT);
	/* Larger than any IPv4 datagram: refused whole, not cut. */
	auto big = kstd::make_unique<u8[]>(kstd::gfp::kernel, 70000);
	KSTD_EXPECT(big.has_value());
	if (big)
		KSTD_EXPECT_EQ(s->send_to({big->get(), big->size()}, s->local_address().value())
				       .to_errno(),
			       -KSTD_EMSGSIZE);
	kstd::udp_socket empty;
	u8 buf[4];
	KSTD_EXPECT_EQ(empty.send_to(bytes("x", 1), kstd::inaddr_loopback(9)).to_errno(),
		       -KSTD_EBADF);
	KSTD_EXPECT_EQ(empty.try_recv_from(buf).to_errno(), -KSTD_EBADF);
	/* The socket holds its namespace as a process's socket does. */
	KSTD_EXPECT(kstd_kunit_sock_holds_net(s->raw()));
}

namespace {

struct blocked_recv {
	kstd::udp_socket *sock;
	int next_role = 0;
	int waiting = 0;
	int result = 0;
};

void shutdown_thread(void *arg)
{
	auto *b = static_cast<blocked_recv *>(arg);
	if (__atomic_fetch_add(&b->next_role, 1, __ATOMIC_SEQ_CST) == 0) {
		u8 buf[8];
		bump(b->waiting);
		b->result = b->sock->recv_from(buf).to_errno(); /* 5 s timeout */
		return;
	}
	wait_for(b->waiting, 1);
	kstd_kunit_msleep(50); /* let the receiver block */
	if (!b->sock->shutdown())
		b->result = -1000;
}

} // namespace

KSTD_TEST(kstd_udp, shutdown_wakes_a_blocked_receiver)
{
	if (!net_ready(test, false))
		return;
	auto s = open_on(loopback(false));
	auto peer = open_on(loopback(false));
	KSTD_EXPECT(s && peer);
	if (!s || !peer)
		return;
	watcher w;
	kstd::socket_notifier n;
	KSTD_EXPECT(n.install<&watcher::on_socket>(*s, w, kstd::socket_event::all).has_value());
	/* Queued before the shutdown: still delivered after it. */
	KSTD_EXPECT(peer->send_to(bytes("late", 4), s->local_address().value()).has_value());
	KSTD_EXPECT(wait_for(w.readable, 1));
	u8 buf[8];
	KSTD_EXPECT(s->recv_from(buf, kstd::msg::peek).has_value());

	auto first = s->recv_from(buf);
	KSTD_EXPECT(first && first->size == 4);
	/* Now empty: one thread blocks in recv_from(), the other shuts down. */
	blocked_recv b{.sock = &*s};
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(2, shutdown_thread, &b), 0);
	KSTD_EXPECT_EQ(b.result, -KSTD_ESHUTDOWN);
	KSTD_EXPECT(load(w.state) >= 1);
	KSTD_EXPECT_EQ(s->recv_from(buf).to_errno(), -KSTD_ESHUTDOWN);
	KSTD_EXPECT_EQ(s->send_to(bytes("x", 1), peer->local_address().value()).to_errno(),
		       -KSTD_EPIPE);
}

KSTD_TEST(kstd_udp, notifier_readable_and_writable)
{
	if (!net_ready(test, false))
		return;
	auto a = open_on(loopback(false));
	auto b = open_on(loopback(false));
	KSTD_EXPECT(a && b);
	if (!a || !b)
		return;
	watcher wr, ww;
	kstd::socket_notifier on_b, on_a;
	KSTD_EXPECT(!kstd::has_notifier(*b));
	KSTD_EXPECT(on_b.install<&watcher::on_socket>(*b, wr).has_value()); /* readable */
	KSTD_EXPECT(on_a.install<&watcher::on_socket>(*a, ww, kstd::socket_event::writable)
			    .has_value());
	KSTD_EXPECT(kstd::has_notifier(*b) && kstd::has_notifier(*a));
	/* One notifier per socket. */
	kstd::socket_notifier second;
	KSTD_EXPECT_EQ(second.install<&watcher::on_socket>(*b, wr).to_errno(), -KSTD_EBUSY);

	auto to = b->local_address().value();
	KSTD_EXPECT(a->send_to(bytes("wake", 4), to).has_value());
	KSTD_EXPECT(wait_for(wr.readable, 1));
	/* The sent skb is freed on delivery: a's send space comes back. */
	KSTD_EXPECT(wait_for(ww.writable, 1));
	KSTD_EXPECT_EQ(load(ww.readable), 0); /* only the hook asked for */
	KSTD_EXPECT_EQ(load(wr.not_atomic) + load(ww.not_atomic), 0);
	u8 buf[8];
	auto d = b->try_recv_from(buf);
	KSTD_EXPECT(d && d->size == 4);

	/* A blocking reader is still woken: the original callback is chained. */
	KSTD_EXPECT(a->send_to(bytes("more", 4), to).has_value());
	auto m = b->recv_from(buf);
	KSTD_EXPECT(m && m->size == 4);

	/* Removed: silence, and the socket's own callbacks are back. */
	on_b.remove();
	KSTD_EXPECT(!kstd::has_notifier(*b));
	int before = load(wr.total);
	KSTD_EXPECT(a->send_to(bytes("quiet", 5), to).has_value());
	KSTD_EXPECT(b->recv_from(buf).has_value());
	kstd_kunit_msleep(20);
	KSTD_EXPECT_EQ(load(wr.total), before);
}

namespace {

/*
 * The udp.hpp pattern for real: the notifier queues the work, the work
 * echoes every queued datagram to its sender.  Members in teardown order:
 * the notifier goes first, then the work, then the socket.
 */
struct udp_echo {
	explicit udp_echo(kstd::workqueue<udp_echo> q) : queue(kstd::move(q)) {}

	void on_socket(kstd::socket_events) { queue.queue(work); }
	void run()
	{
		u8 buf[256];
		/*
		 * A budget, then requeue: under a flood the socket never
		 * drains, and a run that loops until -EAGAIN would never end
		 * (the destructor's cancel would wait for it forever).
		 */
		for (int n = 0; n < 64; n++) {
			auto d = sock.try_recv_from(buf);
			if (!d)
				return; /* -EAGAIN: the next datagram requeues us */
			if (sock.try_send_to({buf, d->size}, d->from))
				bump(echoed);
		}
		queue.queue(work);
	}

	int echoed = 0;
	kstd::workqueue<udp_echo> queue;
	kstd::udp_socket sock;
	kstd::work<udp_echo> work{this};
	kstd::socket_notifier notifier;
};

kstd::result<kstd::unique_ptr<udp_echo>> start_echo(bool ipv6)
{
	auto q = KSTD_TRY(kstd::workqueue<udp_echo>::create("kstd_udp_echo"));
	auto e = KSTD_TRY(kstd::make_unique<udp_echo>(kstd::gfp::kernel, kstd::move(q)));
	e->sock = KSTD_TRY(kstd::udp_socket::bind(loopback(ipv6)));
	KSTD_TRY(e->notifier.install<&udp_echo::on_socket>(e->sock, *e));
	return e;
}

struct flood {
	kstd::udp_socket *tx;
	kstd::socket_address to;
	int stop = 0;
	int sent = 0;
};

void flood_thread(void *arg)
{
	auto *f = static_cast<flood *>(arg);
	for (int i = 0; !load(f->stop); i++) {
		if (f->tx->try_send_to(bytes("flood", 5), f->to))
			f->sent++;
		if (i % 16 == 15)
			kstd_kunit_msleep(1); /* UML is uniprocessor: let the other run */
	}
}

} // namespace

KSTD_TEST(kstd_udp, event_driven_echo_and_teardown_under_traffic)
{
	if (!net_ready(test, true))
		return;
	for (int v = 0; v < 2; v++) {
		bool ipv6 = v == 1;
		auto e = start_echo(ipv6);
		KSTD_EXPECT(e.has_value());
		if (!e)
			return;
		auto cli = open_on(loopback(ipv6));
		KSTD_EXPECT(cli.has_value());
		if (!cli)
			return;
		auto to = (*e)->sock.local_address().value();
		char msg[] = "echo #0";
		u8 buf[32];
		for (char i = 0; i < 3; i++) {
			msg[6] = static_cast<char>('0' + i);
			KSTD_EXPECT(cli->send_to(bytes(msg, sizeof(msg)), to).has_value());
			auto d = cli->recv_from(buf);
			KSTD_EXPECT(d && d->size == sizeof(msg) && d->from == to);
			KSTD_EXPECT(same_bytes(buf, msg, sizeof(msg)));
		}
		KSTD_EXPECT(wait_for((*e)->echoed, 3));
	}

	/*
	 * Destroy echo servers while a thread floods them: each callback
	 * that fires queues work on the object being freed, so a hook or a
	 * work item outliving it is a use after free (KASAN).
	 */
	for (int round = 0; round < 6; round++) {
		auto e = start_echo(false);
		auto tx = kstd::udp_socket::bind(loopback(false));
		KSTD_EXPECT(e && tx);
		if (!e || !tx)
			return;
		flood f{.tx = &*tx, .to = (*e)->sock.local_address().value()};
		struct ctl {
			flood *f;
			kstd::unique_ptr<udp_echo> *e;
			int next_role = 0;
		} c{&f, &*e};
		kstd_kunit_run_threads(
			2,
			[](void *arg) {
				auto *c = static_cast<ctl *>(arg);
				if (__atomic_fetch_add(&c->next_role, 1, __ATOMIC_SEQ_CST) == 0)
					return flood_thread(c->f);
				kstd_kunit_msleep(5);
				c->e->reset(); /* notifier, work, socket, queue */
				__atomic_store_n(&c->f->stop, 1, __ATOMIC_SEQ_CST);
			},
			&c);
		KSTD_EXPECT(f.sent > 0);
	}
}

KSTD_TEST_SUITE_END(kstd_udp);
