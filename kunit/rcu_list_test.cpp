// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_rcu_list: kstd::rcu_list, the owning list readers walk under RCU.
 * Order of push_back/push_front as readers see it, find_if(), erase() and
 * pop_front() handing back a retired element that stays whole while a
 * reader is on it and is freed after the grace period, remove_if()/clear()
 * and the destructor retiring what they take off, re-publishing only after
 * wait_for_readers(), refusals (null, already linked, not linked), and a
 * reader kthread walking the list while a writer adds and removes
 * thousands of elements: every element it sees is whole (the destructor
 * poisons; KASAN reports a use after free) and every walk ends.
 */
#include <kstd/lock.hpp>
#include <kstd/rcu_list.hpp>
#include <kstd/thread.hpp>

#include <kstd/kunit.hpp>

namespace {

constexpr int live_magic = 0x11fe;

int load(const int &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

/* Counts its destructions in *gone, and poisons itself. */
struct entry : kstd::rcu::freeable {
	entry(int v, int *gone_count) noexcept : value(v), gone(gone_count) {}
	~entry()
	{
		__atomic_store_n(&magic, 0, __ATOMIC_RELAXED);
		if (gone)
			__atomic_fetch_add(gone, 1, __ATOMIC_RELAXED);
	}
	int magic = live_magic;
	int value;
	int *gone;
	kstd::rcu_list_node link;
};

using entry_list = kstd::rcu_list<&entry::link>;

kstd::unique_ptr<entry> make_entry(int v, int *gone)
{
	auto r = kstd::make_unique<entry>(kstd::gfp::kernel, v, gone);
	return r ? kstd::move(*r) : kstd::unique_ptr<entry>();
}

/* The values as a reader sees them, as decimal digits: 1, 2, 3 -> 123. */
int order(const entry_list &l)
{
	kstd::rcu::read_guard g;
	int n = 0;
	for (const entry &e : l.read(g))
		n = n * 10 + e.value;
	return n;
}

} // namespace

KSTD_TEST_SUITE(kstd_rcu_list);

KSTD_TEST(kstd_rcu_list, push_order_and_find)
{
	int gone = 0;
	kstd::spinlock writers{"kstd_rcu_list.writers"};
	{
		entry_list l;
		{
			kstd::rcu::read_guard g;
			KSTD_EXPECT(l.read(g).empty());
			KSTD_EXPECT(!l.find_if(g, [](const entry &) { return true; }));
		}
		auto e1 = make_entry(1, &gone), e2 = make_entry(2, &gone),
		     e3 = make_entry(3, &gone);
		auto e0 = make_entry(4, &gone);
		KSTD_ASSERT(e1 && e2 && e3 && e0);
		{
			auto w = writers.lock();
			l.push_back(kstd::move(e2), w);
			l.push_back(kstd::move(e3), w);
			l.push_front(kstd::move(e1), w);
			l.push_front(kstd::move(e0), w);
			KSTD_EXPECT_EQ(l.size(w), 4);
		}
		KSTD_EXPECT_EQ(order(l), 4123);
		kstd::rcu::read_guard g;
		KSTD_EXPECT(!l.read(g).empty());
		auto hit = l.find_if(g, [](const entry &e) { return e.value == 2; });
		KSTD_ASSERT(hit);
		KSTD_EXPECT_EQ(hit->value, 2);
		KSTD_EXPECT(!l.find_if(g, [](const entry &e) { return e.value == 9; }));
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 4); /* the destructor retired all four */
}

/* A reader standing on an element keeps it whole across its erase(). */
KSTD_TEST(kstd_rcu_list, erased_element_freed_after_readers)
{
	int gone = 0;
	kstd::spinlock writers{"kstd_rcu_list.writers"};
	entry_list l;
	auto a = make_entry(1, &gone), b = make_entry(2, &gone), c = make_entry(3, &gone);
	KSTD_ASSERT(a && b && c);
	{
		auto w = writers.lock();
		l.push_back(kstd::move(a), w);
		l.push_back(kstd::move(b), w);
		l.push_back(kstd::move(c), w);
	}
	{
		kstd::rcu::read_guard g;
		auto it = l.read(g).begin();
		++it; /* on element 2 */
		const entry &seen = *it;
		KSTD_EXPECT_EQ(seen.value, 2);
		{
			auto w = writers.lock();
			kstd::rcu::retired<entry> r = l.erase(seen, w);
			KSTD_ASSERT(r);
			KSTD_EXPECT(!seen.link.is_linked());
			/* erasing it again: on no list now */
			KSTD_EXPECT(!l.erase(seen, w));
		} /* r dropped: the free waits for this reader */
		KSTD_EXPECT_EQ(load(gone), 0);
		KSTD_EXPECT_EQ(load(seen.magic), live_magic);
		/* the reader still walks on from the erased element */
		++it;
		KSTD_ASSERT(it != l.read(g).end());
		KSTD_EXPECT_EQ(it->value, 3);
		++it;
		KSTD_EXPECT(it == l.read(g).end());
	}
	KSTD_EXPECT_EQ(order(l), 13); /* new readers do not see it */
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 1);
	{
		auto w = writers.lock();
		kstd::rcu::retired<entry> first = l.pop_front(w);
		KSTD_ASSERT(first);
		KSTD_EXPECT_EQ(first->value, 1);
	}
	KSTD_EXPECT_EQ(order(l), 3);
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 2);
}

KSTD_TEST(kstd_rcu_list, remove_if_and_clear)
{
	int gone = 0;
	kstd::mutex writers{"kstd_rcu_list.writers"};
	entry_list l;
	{
		auto w = writers.lock();
		for (int v = 1; v <= 6; v++) {
			auto e = make_entry(v, &gone);
			KSTD_ASSERT(e);
			l.push_back(kstd::move(e), w);
		}
		KSTD_EXPECT_EQ(l.remove_if([](const entry &e) { return e.value % 2 == 0; }, w), 3);
		KSTD_EXPECT_EQ(l.remove_if([](const entry &) { return false; }, w), 0);
	}
	KSTD_EXPECT_EQ(order(l), 135);
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 3);
	{
		auto w = writers.lock();
		l.clear(w);
		KSTD_EXPECT_EQ(l.size(w), 0);
		KSTD_EXPECT(!l.pop_front(w)); /* empty: null */
	}
	KSTD_EXPECT_EQ(order(l), 0);
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 6);
}

/* Back on a list only as a plain unique_ptr, i.e. after wait_for_readers(). */
KSTD_TEST(kstd_rcu_list, republish_after_wait_for_readers)
{
	int gone = 0;
	kstd::mutex writers{"kstd_rcu_list.writers"};
	entry_list a, b;
	auto e = make_entry(7, &gone);
	KSTD_ASSERT(e);
	entry *raw = e.get();
	kstd::rcu::retired<entry> r;
	{
		auto w = writers.lock();
		a.push_back(kstd::move(e), w);
		r = a.erase(*raw, w);
	}
	KSTD_ASSERT(r);
	kstd::unique_ptr<entry> mine = kstd::rcu::wait_for_readers(kstd::move(r));
	KSTD_ASSERT(mine);
	{
		auto w = writers.lock();
		b.push_back(kstd::move(mine), w);
		KSTD_EXPECT_EQ(b.size(w), 1);
		KSTD_EXPECT_EQ(a.size(w), 0);
	}
	KSTD_EXPECT_EQ(order(b), 7);
	KSTD_EXPECT_EQ(load(gone), 0);
}

KSTD_TEST(kstd_rcu_list, refusals)
{
	int gone = 0;
	kstd::mutex writers{"kstd_rcu_list.writers"};
	entry_list l;
	auto lone = make_entry(5, &gone);
	KSTD_ASSERT(lone);
	{
		auto w = writers.lock();
		/* on no list: nothing to erase, the caller keeps it */
		KSTD_EXPECT(!l.erase(*lone, w));
		KSTD_EXPECT_EQ(l.size(w), 0);
	}
	KSTD_EXPECT(!lone->link.is_linked());
	lone.reset(); /* never published: freed at once */
	KSTD_EXPECT_EQ(load(gone), 1);
}

namespace {

constexpr int rounds = 3000;

struct race {
	entry_list list;
	int walks = 0;
	int seen = 0;
	int bad = 0;

	int read_loop()
	{
		for (unsigned int i = 0; !kstd::kthread::should_stop(); i++) {
			int n = 0;
			{
				kstd::rcu::read_guard g;
				for (const entry &e : list.read(g)) {
					if (load(e.magic) != live_magic || e.value < 0)
						bad++;
					if (++n > rounds) { /* a walk that never ends */
						bad++;
						break;
					}
				}
			}
			seen += n;
			walks++;
			if (i % 64 == 63)
				kstd::msleep(1); /* let a one-CPU kernel run the writer */
		}
		return 0;
	}
};

} // namespace

KSTD_TEST(kstd_rcu_list, readers_race_writers)
{
	int gone = 0;
	auto st = kstd::make_unique<race>(kstd::gfp::kernel);
	KSTD_ASSERT(st.has_value());
	race &s = **st;
	kstd::spinlock writers{"kstd_rcu_list.writers"};
	auto t = kstd::kthread::run<&race::read_loop>("kstd_rcu_list_reader", s);
	KSTD_ASSERT(t.has_value());
	int made = 0;
	for (int v = 0; v < rounds; v++) {
		auto e = make_entry(v, &gone); /* gfp::kernel: before the spinlock */
		if (!e)
			break;
		made++;
		auto w = writers.lock();
		if (v % 2)
			s.list.push_back(kstd::move(e), w);
		else
			s.list.push_front(kstd::move(e), w);
		/* keep about 16: take one off the front, and one from the middle */
		if (s.list.size(w) > 16) {
			(void)s.list.pop_front(w);
			(void)s.list.remove_if([v](const entry &x) { return x.value == v - 9; }, w);
		}
		w.unlock();
		if (v % 64 == 0)
			kstd::msleep(1);
	}
	KSTD_EXPECT_EQ(t->stop(), 0);
	KSTD_EXPECT_EQ(made, rounds);
	KSTD_EXPECT_EQ(s.bad, 0);
	KSTD_EXPECT_GT(s.walks, 0);
	kstd_pr_info("kstd_rcu_list: %d walks saw %d elements\n", s.walks, s.seen);
	st->reset(); /* ~rcu_list retires the rest */
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), rounds); /* every element freed, once */
}

KSTD_TEST_SUITE_END(kstd_rcu_list);
