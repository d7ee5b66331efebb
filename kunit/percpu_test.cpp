// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_percpu: kstd::percpu<T>.  Each online CPU writes its own copy from
 * a kworker bound to it (work_on_cpu()), and the copies stay apart; sums
 * over CPUs; this_cpu_add() from several kthreads; the local() guard
 * disables preemption; constructors and destructors run once per possible
 * CPU; an allocation the per-CPU allocator cannot satisfy fails cleanly.
 * kmemleak (the debug guest's final run) checks that reset() frees.
 */
#include <kstd/percpu.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct slot {
	kstd::u64 hits;
	kstd::u32 small;
	int cpu_seen; /* the CPU the guard said it pinned */
	int writer;   /* kstd_kunit_this_cpu() in the guard */
};

struct on_cpu_arg {
	kstd::percpu<slot> *p;
	int cpu;
};

void write_own_copy(void *a)
{
	auto *arg = static_cast<on_cpu_arg *>(a);
	auto here = arg->p->local();
	here->hits += 100 + arg->cpu;
	here->cpu_seen = here.cpu();
	here->writer = kstd_kunit_this_cpu();
	arg->p->add(&slot::small, 1);
}

/* Counts constructions and destructions of its per-CPU copies. */
kstd::atomic<int> constructed, destroyed;
struct tracked {
	tracked() noexcept : magic(0x5eed) { constructed.add(1); }
	~tracked() { destroyed.add(1); }
	tracked(const tracked &) = delete;
	tracked &operator=(const tracked &) = delete;
	int magic;
};

struct too_big {
	char bytes[64 * 1024]; /* above PCPU_MIN_UNIT_SIZE: always refused */
};

constexpr int nr_adders = 4;
constexpr int adds_each = 50000;

void add_many(void *a)
{
	auto *p = static_cast<kstd::percpu<kstd::u64> *>(a);
	for (int i = 0; i < adds_each; i++) {
		p->add(3);
		if (i % 4096 == 0)
			kstd_kunit_relax(); /* let the scheduler move us between CPUs */
	}
}

int count_possible(const kstd::percpu<slot> &p)
{
	int n = 0;
	p.for_each([&n](int, slot &) { n++; });
	return n;
}

} // namespace

KSTD_TEST_SUITE(kstd_percpu);

KSTD_TEST(kstd_percpu, zeroed_and_isolated_per_cpu)
{
	auto made = kstd::percpu<slot>::make(kstd::gfp::kernel);
	KSTD_ASSERT(made.has_value());
	kstd::percpu<slot> p = kstd::move(*made);
	KSTD_EXPECT(static_cast<bool>(p));
	KSTD_EXPECT(!*made);

	p.for_each([&](int, slot &s) {
		KSTD_EXPECT_EQ(s.hits, 0);
		KSTD_EXPECT_EQ(s.small, 0);
	});
	KSTD_EXPECT(count_possible(p) >= kstd_kunit_online_cpus());

	int online = 0;
	for (int cpu = kstd_cpu_next(-1, 1); cpu >= 0; cpu = kstd_cpu_next(cpu, 1)) {
		on_cpu_arg arg{&p, cpu};
		KSTD_EXPECT_EQ(kstd_kunit_run_on_cpu(cpu, write_own_copy, &arg), 0);
		online++;
	}
	KSTD_EXPECT_EQ(online, kstd_kunit_online_cpus());

	/* Each online CPU's copy has exactly what that CPU wrote, no other's. */
	kstd::u64 expect_sum = 0;
	p.for_each([&](int cpu, slot &s) {
		bool is_online = false;
		for (int c = kstd_cpu_next(-1, 1); c >= 0; c = kstd_cpu_next(c, 1))
			is_online |= c == cpu;
		if (is_online) {
			KSTD_EXPECT_EQ(s.hits, 100 + cpu);
			KSTD_EXPECT_EQ(s.small, 1);
			KSTD_EXPECT_EQ(s.cpu_seen, cpu);
			KSTD_EXPECT_EQ(s.writer, cpu);
			expect_sum += 100 + cpu;
		} else {
			KSTD_EXPECT_EQ(s.hits, 0);
			KSTD_EXPECT_EQ(s.small, 0);
		}
		KSTD_EXPECT(&p.on(cpu) == &s);
	});
	KSTD_EXPECT_EQ(p.sum(&slot::hits), expect_sum);
	KSTD_EXPECT_EQ(p.sum(&slot::small), static_cast<kstd::u32>(online));
	/* The copies are distinct memory. */
	if (online > 1) {
		int first = kstd_cpu_next(-1, 1), second = kstd_cpu_next(first, 1);
		KSTD_EXPECT(&p.on(first) != &p.on(second));
	}
}

KSTD_TEST(kstd_percpu, this_cpu_add_from_threads_sums)
{
	auto p = kstd::percpu<kstd::u64>::make(kstd::gfp::kernel);
	KSTD_ASSERT(p.has_value());
	KSTD_EXPECT_EQ(p->sum(), 0);
	p->add(5);
	KSTD_EXPECT_EQ(p->sum(), 5);
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(nr_adders, add_many, &*p), 0);
	KSTD_EXPECT_EQ(p->sum(), 5 + 3ULL * nr_adders * adds_each);
	/* Wrapping adds subtract, as this_cpu_sub() does. */
	p->add(static_cast<kstd::u64>(-5));
	KSTD_EXPECT_EQ(p->sum(), 3ULL * nr_adders * adds_each);

	auto s = kstd::percpu<kstd::s64>::make(kstd::gfp::kernel);
	KSTD_ASSERT(s.has_value());
	s->add(-7);
	s->add(2);
	KSTD_EXPECT_EQ(s->sum(), -5);
}

KSTD_TEST(kstd_percpu, local_guard_disables_preemption)
{
	auto p = kstd::percpu<slot>::make(kstd::gfp::kernel);
	KSTD_ASSERT(p.has_value());
	/* Without CONFIG_PREEMPT_COUNT (UML) preemptible() is always false. */
	const bool counts = kstd_kunit_debug_atomic_sleep() != 0;
	if (counts)
		KSTD_EXPECT(!kstd_in_atomic());
	/*
	 * Checks are recorded inside and reported after the guard: a failed
	 * KUnit check allocates with GFP_KERNEL, which must not happen with
	 * preemption off.
	 */
	bool atomic_inside, atomic_nested, same_cpu, own_copy, nested_same;
	{
		auto here = p->local();
		atomic_inside = kstd_in_atomic();
		same_cpu = here.cpu() == kstd_kunit_this_cpu();
		own_copy = &*here == &p->on(here.cpu());
		here->hits = 9;
		{
			auto again = p->local(); /* nests, like get_cpu_ptr() */
			nested_same = &*again == &*here;
		}
		atomic_nested = kstd_in_atomic(); /* the inner put kept the outer's count */
	}
	KSTD_EXPECT(atomic_inside);
	KSTD_EXPECT(atomic_nested);
	KSTD_EXPECT(same_cpu);
	KSTD_EXPECT(own_copy);
	KSTD_EXPECT(nested_same);
	if (counts)
		KSTD_EXPECT(!kstd_in_atomic());
	KSTD_EXPECT_EQ(p->sum(&slot::hits), 9);
}

KSTD_TEST(kstd_percpu, constructs_and_destroys_each_copy)
{
	constructed.store_relaxed(0);
	destroyed.store_relaxed(0);
	int possible = 0;
	{
		auto p = kstd::percpu<tracked>::make(kstd::gfp::kernel);
		KSTD_ASSERT(p.has_value());
		p->for_each([&](int, tracked &t) {
			KSTD_EXPECT_EQ(t.magic, 0x5eed);
			possible++;
		});
		KSTD_EXPECT(possible >= 1);
		KSTD_EXPECT_EQ(constructed.load_relaxed(), possible);
		KSTD_EXPECT_EQ(destroyed.load_relaxed(), 0);

		kstd::percpu<tracked> moved = kstd::move(*p);
		KSTD_EXPECT_EQ(destroyed.load_relaxed(), 0);
		moved.reset();
		KSTD_EXPECT(!moved);
		KSTD_EXPECT_EQ(destroyed.load_relaxed(), possible);
	}
	/* The moved-from and reset owners destroy nothing more. */
	KSTD_EXPECT_EQ(destroyed.load_relaxed(), possible);
	KSTD_EXPECT_EQ(constructed.load_relaxed(), possible);
}

KSTD_TEST(kstd_percpu, allocation_failure)
{
	/* The per-CPU allocator refuses units above 32 KiB: -ENOMEM, no WARN with nowarn. */
	auto p = kstd::percpu<too_big>::make(kstd::gfp::kernel | kstd::gfp::nowarn);
	KSTD_EXPECT(!p.has_value());
	if (!p)
		KSTD_EXPECT(p.error() == kstd::error::nomem());
	/* An atomic allocation of a small T works from the reserved chunks. */
	auto a = kstd::percpu<kstd::u32>::make(kstd::gfp::atomic);
	KSTD_EXPECT(a.has_value());
}

KSTD_TEST_SUITE_END(kstd_percpu);
