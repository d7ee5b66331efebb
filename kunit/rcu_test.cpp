// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_rcu: kstd::rcu::read_guard (nesting, rcu_read_lock_held()),
 * kstd::rcu_pointer<T> (publish, read, replace), deferred frees that wait
 * for readers (retired<T>, rcu::ref<T>, the pointer's destructor), and a
 * reader on another CPU racing with a writer that replaces the value
 * thousands of times: it must always see a whole object, never a freed one
 * (the destructor poisons it; KASAN reports a use after free).
 */
#include <kstd/lock.hpp>
#include <kstd/rcu.hpp>
#include <kstd/thread.hpp>

#include <kstd/kunit.hpp>

namespace {

constexpr int live_magic = 0x5eed;

int load(const int &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

/* Counts its destructions in *gone, and poisons itself. */
struct version : kstd::rcu::freeable {
	version(int g, int *gone_count) noexcept : gen(g), gone(gone_count) {}
	~version()
	{
		__atomic_store_n(&magic, 0, __ATOMIC_RELAXED);
		if (gone)
			__atomic_fetch_add(gone, 1, __ATOMIC_RELAXED);
	}
	int magic = live_magic;
	int gen;
	int *gone;
};

struct counted : kstd::ref_counted, kstd::rcu::freeable {
	explicit counted(int *gone_count) noexcept : gone(gone_count) {}
	~counted() { __atomic_fetch_add(gone, 1, __ATOMIC_RELAXED); }
	int magic = live_magic;
	int *gone;
};

kstd::unique_ptr<version> make_version(int gen, int *gone)
{
	auto r = kstd::make_unique<version>(kstd::gfp::kernel, gen, gone);
	return r ? kstd::move(*r) : kstd::unique_ptr<version>();
}

} // namespace

KSTD_TEST_SUITE(kstd_rcu);

KSTD_TEST(kstd_rcu, guard_nests)
{
	if constexpr (KSTD_CONFIG_DEBUG_LOCK_ALLOC)
		KSTD_EXPECT(!kstd::rcu::read_lock_held());
	{
		kstd::rcu::read_guard outer;
		KSTD_EXPECT(kstd::rcu::read_lock_held());
		{
			kstd::rcu::read_guard inner;
			KSTD_EXPECT(kstd::rcu::read_lock_held());
		}
		/* the inner guard's end does not end the outer section */
		KSTD_EXPECT(kstd::rcu::read_lock_held());
	}
	if constexpr (KSTD_CONFIG_DEBUG_LOCK_ALLOC)
		KSTD_EXPECT(!kstd::rcu::read_lock_held());
}

KSTD_TEST(kstd_rcu, publish_read_replace)
{
	int gone = 0;
	kstd::spinlock writers{"kstd_rcu.writers"};
	{
		kstd::rcu_pointer<version> p;
		{
			kstd::rcu::read_guard g;
			KSTD_EXPECT(!p.read(g)); /* empty */
		}
		{
			auto v1 = make_version(1, &gone); /* gfp::kernel: before the spinlock */
			auto w = writers.lock();
			kstd::rcu::retired<version> old = p.replace(kstd::move(v1), w);
			KSTD_EXPECT(!old);
			KSTD_EXPECT_EQ(p.get(w)->gen, 1);
		}
		{
			kstd::rcu::read_guard g;
			auto v = p.read(g);
			KSTD_ASSERT(v);
			KSTD_EXPECT_EQ(v->gen, 1);
			KSTD_EXPECT_EQ(v->magic, live_magic);
		}
		{
			auto v2 = make_version(2, &gone);
			auto w = writers.lock();
			kstd::rcu::retired<version> old = p.replace(kstd::move(v2), w);
			KSTD_ASSERT(old);
			KSTD_EXPECT_EQ(old->gen, 1); /* the previous value comes back */
		}
		kstd::rcu::read_guard g;
		auto v = p.read(g);
		KSTD_ASSERT(v);
		KSTD_EXPECT_EQ(v->gen, 2);
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 2); /* version 1 retired, version 2 by ~rcu_pointer */
}

/* A reader inside its guard keeps the old value alive across the replace. */
KSTD_TEST(kstd_rcu, old_value_freed_only_after_grace_period)
{
	int gone = 0;
	kstd::spinlock writers{"kstd_rcu.writers"};
	kstd::rcu_pointer<version> p(make_version(1, &gone));
	auto v2 = make_version(2, &gone); /* no sleeping inside the guard */
	{
		kstd::rcu::read_guard g;
		auto seen = p.read(g);
		KSTD_ASSERT(seen);
		{
			auto w = writers.lock();
			(void)p.replace(kstd::move(v2), w); /* retired, dropped at once */
		}
		/* No grace period can end while g holds: still whole. */
		KSTD_EXPECT_EQ(load(gone), 0);
		KSTD_EXPECT_EQ(seen->gen, 1);
		KSTD_EXPECT_EQ(load(seen->magic), live_magic);
		auto now = p.read(g);
		KSTD_ASSERT(now);
		KSTD_EXPECT_EQ(now->gen, 2); /* new readers see the new value */
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 1);
}

KSTD_TEST(kstd_rcu, wait_for_readers_gives_back_ownership)
{
	int gone = 0;
	kstd::mutex writers{"kstd_rcu.writers"};
	kstd::rcu_pointer<version> p(make_version(1, &gone));
	kstd::rcu::retired<version> old;
	{
		auto w = writers.lock();
		old = p.replace(make_version(2, &gone), w);
	}
	kstd::unique_ptr<version> mine = kstd::rcu::wait_for_readers(kstd::move(old));
	KSTD_ASSERT(mine);
	KSTD_EXPECT_EQ(mine->gen, 1);
	mine.reset(); /* a plain unique_ptr: freed now, no grace period */
	KSTD_EXPECT_EQ(load(gone), 1);
}

KSTD_TEST(kstd_rcu, ref_last_drop_waits_for_readers)
{
	int gone = 0;
	auto made = kstd::rcu::make_ref<counted>(kstd::gfp::kernel, &gone);
	KSTD_ASSERT(made.has_value());
	kstd::rcu::ref<counted> r = kstd::move(*made);
	{
		kstd::rcu::read_guard g;
		counted *seen = r.get();
		r.reset(); /* the last reference: the free is deferred */
		KSTD_EXPECT_EQ(load(gone), 0);
		KSTD_EXPECT_EQ(load(seen->magic), live_magic);
		/* a late lookup must not revive it */
		KSTD_EXPECT(!kstd::rcu::ref<counted>::try_acquire(*seen));
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 1);
}

namespace {

struct race {
	kstd::rcu_pointer<version> p;
	int reads = 0;
	int bad = 0;
	int gens_seen = 0; /* how often the generation changed under the reader */

	int read_loop()
	{
		int last = -1;
		for (unsigned int i = 0; !kstd::kthread::should_stop(); i++) {
			{
				kstd::rcu::read_guard g;
				if (auto v = p.read(g)) {
					int m1 = load(v->magic), gen = load(v->gen);
					if (m1 != live_magic || gen < 0)
						bad++;
					if (gen != last) {
						gens_seen++;
						last = gen;
					}
					/* hold it a little while the writer moves on */
					for (int k = 0; k < 50; k++)
						if (load(v->magic) != live_magic) {
							bad++;
							break;
						}
					reads++;
				}
			}
			if (i % 256 == 255)
				kstd::msleep(1); /* let a one-CPU kernel run the writer */
		}
		return 0;
	}
};

} // namespace

KSTD_TEST(kstd_rcu, reader_races_replace)
{
	int gone = 0;
	constexpr int writes = 3000;
	auto st = kstd::make_unique<race>(kstd::gfp::kernel);
	KSTD_ASSERT(st.has_value());
	race &s = **st;
	kstd::mutex writers{"kstd_rcu.writers"};
	{
		auto w = writers.lock();
		(void)s.p.replace(make_version(0, &gone), w);
	}
	auto t = kstd::kthread::run<&race::read_loop>("kstd_rcu_reader", s);
	KSTD_ASSERT(t.has_value());
	int made = 1;
	for (int gen = 1; gen <= writes; gen++) {
		auto v = make_version(gen, &gone);
		if (!v)
			break;
		made++;
		auto w = writers.lock();
		(void)s.p.replace(kstd::move(v), w); /* the old one: freed after readers */
		w.unlock();
		if (gen % 64 == 0)
			kstd::msleep(1);
	}
	KSTD_EXPECT_EQ(t->stop(), 0);
	KSTD_EXPECT_EQ(made, writes + 1);
	KSTD_EXPECT_EQ(s.bad, 0);
	KSTD_EXPECT_GT(s.reads, 0);
	kstd_pr_info("kstd_rcu: %d reads saw %d generations\n", s.reads, s.gens_seen);
	st->reset(); /* retires the last version */
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), writes + 1); /* every version freed, once */
}

KSTD_TEST_SUITE_END(kstd_rcu);
