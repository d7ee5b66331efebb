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
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>

#include "overhead.h"

namespace {

using loop_fn = unsigned long long (*)(unsigned long) noexcept;

struct bench_state {
	kstd::spinlock lock{"overhead.lock"};
	kstd::mutex mutex{"overhead.mutex"};
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
	while (n--)
		list.push_back(*list.pop_front());
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

struct op {
	const char *name;
	loop_fn c, cxx;
};

constexpr op ops[] = {
	{"spin_lock+unlock", c_spin_lock_loop, kstd_spin_lock_loop},
	{"spin_lock_irqsave+restore", c_spin_lock_irqsave_loop, kstd_spin_lock_irqsave_loop},
	{"mutex_lock+unlock", c_mutex_loop, kstd_mutex_loop},
	{"list rotate (del+add_tail)", c_list_loop, kstd_list_loop},
	{"kmalloc+kfree 8 B", c_alloc_loop, kstd_alloc_loop},
};

constexpr int reps = 9;

/* Best of @reps runs of each, interleaved so drift hits both alike. */
void measure(const op &o, unsigned long n)
{
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

	static kstd::result<kstd::unique_ptr<overhead_module>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<overhead_module>(kstd::gfp::kernel));
		state = &self->s;
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
