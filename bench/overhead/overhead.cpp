// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_overhead: is a kstd wrapper as cheap as the C it replaces?
 *
 * On load, runs each operation through kstd and through plain C
 * (baseline.c), alternating, several times, and prints per operation the
 * best time per op of each and their ratio (kstd / C).  The module then
 * stays loaded doing nothing; unload it when done.  Run it on a non-debug
 * kernel: lockdep and KASAN costs would swamp the difference.
 */
#include <kstd/ksocket.hpp>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/workqueue.hpp>

#include "overhead.h"

namespace {

using loop_fn = unsigned long long (*)(unsigned long) noexcept;

struct flush_item {
	int runs = 0;
	void run() noexcept { runs++; }
	kstd::work<flush_item> work{this};
};

/* A connected loopback TCP pair, made with kstd, used by both halves. */
struct socket_pair {
	kstd::tcp_listener listener;
	kstd::tcp_stream tx, rx;

	static kstd::result<socket_pair> create() noexcept
	{
		auto l = KSTD_TRY(kstd::tcp_listener::bind(kstd::inaddr_loopback(0), 1));
		auto addr = KSTD_TRY(l.local_address());
		auto tx = KSTD_TRY(kstd::tcp_stream::connect(addr));
		auto rx = KSTD_TRY(l.accept());
		KSTD_TRY(tx.set_nodelay(true));
		return socket_pair{kstd::move(l), kstd::move(tx), kstd::move(rx)};
	}
};

struct bench_state {
	kstd::spinlock lock{"overhead.lock"};
	kstd::mutex mutex{"overhead.mutex"};
	socket_pair *sockets = nullptr;
};
bench_state *state;

unsigned long long kstd_spin_lock_loop(unsigned long n) noexcept
{
	auto t0 = c_now_ns();
	while (n--) {
		auto g = state->lock.lock();
	}
	return c_now_ns() - t0;
}

unsigned long long kstd_spin_lock_irqsave_loop(unsigned long n) noexcept
{
	auto t0 = c_now_ns();
	while (n--) {
		auto g = state->lock.lock_irqsave();
	}
	return c_now_ns() - t0;
}

unsigned long long kstd_mutex_loop(unsigned long n) noexcept
{
	auto t0 = c_now_ns();
	while (n--) {
		auto g = state->mutex.lock();
	}
	return c_now_ns() - t0;
}

struct item {
	int v;
	kstd::list_node link;
};

unsigned long long kstd_list_loop(unsigned long n) noexcept
{
	item items[4];
	kstd::intrusive_list<&item::link> list;
	for (auto &i : items)
		list.push_back(i);
	auto t0 = c_now_ns();
	while (n--) {
		item *first = list.pop_front();
		if (!first)
			break;
		list.push_back(*first);
	}
	t0 = c_now_ns() - t0;
	list.clear();
	return t0;
}

unsigned long long kstd_alloc_loop(unsigned long n) noexcept
{
	auto t0 = c_now_ns();
	while (n--) {
		auto p = kstd::make_unique<kstd::u64>(kstd::gfp::kernel, n);
		if (!p)
			break;
	}
	return c_now_ns() - t0;
}

unsigned long long kstd_queue_flush_loop(unsigned long n) noexcept
{
	flush_item item;
	auto wq = kstd::workqueue_ref<flush_item>::system();
	auto t0 = c_now_ns();
	while (n--) {
		wq.queue(item.work);
		item.work.flush();
	}
	return c_now_ns() - t0;
}

unsigned long long c_socket_pair_loop(unsigned long n) noexcept
{
	return c_socket_loop(state->sockets->tx.raw(), state->sockets->rx.raw(), n);
}

unsigned long long kstd_socket_loop(unsigned long n) noexcept
{
	char out[64] = "kstd overhead benchmark payload", in[64];
	kstd::tcp_stream &tx = state->sockets->tx, &rx = state->sockets->rx;
	auto t0 = c_now_ns();
	while (n--) {
		if (tx.send(out, sizeof(out)).value_or(0) != sizeof(out))
			break;
		if (rx.recv(in, sizeof(in), kstd::msg::waitall).value_or(0) != sizeof(in))
			break;
	}
	return c_now_ns() - t0;
}

struct op {
	const char *name;
	loop_fn c, cxx;
	unsigned long divisor; /* fewer iterations for the slow operations */
};

constexpr op ops[] = {
	{"spin_lock+unlock", c_spin_lock_loop, kstd_spin_lock_loop, 1},
	{"spin_lock_irqsave+restore", c_spin_lock_irqsave_loop, kstd_spin_lock_irqsave_loop, 1},
	{"mutex_lock+unlock", c_mutex_loop, kstd_mutex_loop, 1},
	{"list rotate (del+add_tail)", c_list_loop, kstd_list_loop, 1},
	{"kmalloc+kfree 8 B", c_alloc_loop, kstd_alloc_loop, 1},
	{"queue_work+flush_work", c_queue_flush_loop, kstd_queue_flush_loop, 100},
	{"tcp send+recv 64 B loopback", c_socket_pair_loop, kstd_socket_loop, 20},
};

constexpr int reps = 9;

/* Best of @reps runs of each, interleaved so drift hits both alike. */
void measure(const op &o, unsigned long n)
{
	n = kstd::max(n / o.divisor, 1UL);
	unsigned long long best_c = ~0ull, best_cxx = ~0ull;
	for (int r = 0; r < reps; r++) {
		best_c = kstd::min(best_c, o.c(n));
		best_cxx = kstd::min(best_cxx, o.cxx(n));
	}
	/* ratio in thousandths, printed as x.xxx (no floating point in the kernel) */
	unsigned long long ratio = best_c ? best_cxx * 1000 / best_c : 0;
	kstd_pr_info("overhead: %-28s c %6llu ps/op  kstd %6llu ps/op  ratio %llu.%03llu\n", o.name,
		     best_c * 1000 / n, best_cxx * 1000 / n, ratio / 1000, ratio % 1000);
}

struct overhead_module {
	bench_state s;
	socket_pair sockets;

	explicit overhead_module(socket_pair &&p) noexcept : sockets(kstd::move(p)) {}

	static kstd::result<kstd::unique_ptr<overhead_module>> create()
	{
		auto pair = KSTD_TRY(socket_pair::create());
		auto self = KSTD_TRY(
			kstd::make_unique<overhead_module>(kstd::gfp::kernel, kstd::move(pair)));
		state = &self->s;
		state->sockets = &self->sockets;
		unsigned long n = c_bench_iterations() > 0 ? c_bench_iterations() : 1;
		kstd_pr_info("overhead: %lu iterations, best of %d\n", n, reps);
		for (const op &o : ops)
			measure(o, n);
		kstd_pr_info("overhead: done\n");
		return self;
	}
	~overhead_module() { state = nullptr; }
};

} // namespace

KSTD_MODULE(overhead_module);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("kstd wrapper overhead against plain C, in one boot");
