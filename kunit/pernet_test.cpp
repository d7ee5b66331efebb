// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_pernet: kstd::pernet_storage<T> in init_net (the only namespace a
 * KUnit case can count on): zeroed at creation, stable, independent per
 * storage, gone with the storage.  New and exiting namespaces are covered
 * by the drop-tcp-socket guest test (ip netns add/del).
 */
#include <kstd/counter.hpp>
#include <kstd/pernet.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct counters {
	kstd::u64 a;
	kstd::u32 b;
	char name[20];
};

bool all_zero(const counters &c)
{
	if (c.a || c.b)
		return false;
	for (char ch : c.name)
		if (ch)
			return false;
	return true;
}

/* Statistics a module keeps per namespace: counters bumped from any context. */
struct stats {
	kstd::stat_counter hits;
	kstd::stat_counter misses;
};

/* Not valid as zero bytes: its constructor stores a one. */
struct starts_at_one {
	int v = 1;
};

} // namespace

/* stats holds only stat_counters, whose initial state is zero bytes. */
template <>
inline constexpr bool kstd::zero_bytes_valid<stats> = true;

static_assert(kstd::zero_bytes_valid<counters> && kstd::zero_bytes_valid<kstd::u64[3]>);
static_assert(kstd::zero_bytes_valid<kstd::stat_counter> &&
	      kstd::zero_bytes_valid<kstd::stat_counter[2]>);
static_assert(!kstd::zero_bytes_valid<starts_at_one> && !kstd::zero_bytes_valid<starts_at_one[2]>);

namespace {
void hit_many(void *arg)
{
	auto *st = static_cast<stats *>(arg);
	for (int i = 0; i < 10000; i++)
		st->hits.add();
}
} // namespace

KSTD_TEST_SUITE(kstd_pernet);

KSTD_TEST(kstd_pernet, storage_zeroed_and_stable)
{
	::net *net = kstd_kunit_init_net();
	auto s = kstd::pernet_storage<counters>::create();
	KSTD_EXPECT(s.has_value());
	if (!s)
		return;
	KSTD_EXPECT(static_cast<bool>(*s));
	counters &c = s->get(net);
	KSTD_EXPECT(all_zero(c));
	c.a = 42;
	c.name[0] = 'x';
	KSTD_EXPECT(&s->get(net) == &c);
	KSTD_EXPECT_EQ(s->get(net).a, 42);

	/* Moving hands over the registration, not a copy. */
	kstd::pernet_storage<counters> moved = kstd::move(*s);
	KSTD_EXPECT(!*s);
	KSTD_EXPECT(&moved.get(net) == &c);
	moved.reset();
	KSTD_EXPECT(!moved);

	/* A new registration starts from zero again. */
	auto fresh = kstd::pernet_storage<counters>::create();
	KSTD_EXPECT(fresh.has_value());
	if (fresh)
		KSTD_EXPECT(all_zero(fresh->get(net)));
}

KSTD_TEST(kstd_pernet, storages_are_independent)
{
	::net *net = kstd_kunit_init_net();
	auto one = kstd::pernet_storage<counters>::create();
	auto two = kstd::pernet_storage<kstd::u64>::create();
	KSTD_EXPECT(one.has_value() && two.has_value());
	if (!one || !two)
		return;
	KSTD_EXPECT(static_cast<void *>(&one->get(net)) != static_cast<void *>(&two->get(net)));
	one->get(net).a = 7;
	KSTD_EXPECT_EQ(two->get(net), 0);
	__atomic_fetch_add(&two->get(net), 3, __ATOMIC_RELAXED);
	KSTD_EXPECT_EQ(one->get(net).a, 7);
	KSTD_EXPECT_EQ(two->get(net), 3);
}

KSTD_TEST(kstd_pernet, stat_counters_in_storage)
{
	::net *net = kstd_kunit_init_net();
	auto s = kstd::pernet_storage<stats>::create();
	KSTD_EXPECT(s.has_value());
	if (!s)
		return;
	stats &st = s->get(net);
	KSTD_EXPECT_EQ(st.hits.get(), 0);
	KSTD_EXPECT_EQ(st.misses.get(), 0);
	st.misses.add(5);
	KSTD_EXPECT_EQ(s->get(net).misses.get(), 5);
	/* Concurrent adds from four threads all count. */
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(4, hit_many, &st), 0);
	KSTD_EXPECT_EQ(st.hits.get(), 40000);
	KSTD_EXPECT_EQ(st.misses.get(), 5);
}

KSTD_TEST_SUITE_END(kstd_pernet);
