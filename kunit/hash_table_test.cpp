// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_hash_table: kstd::hash_table over rhashtable: insert, find, take,
 * remove, -EEXIST on a duplicate (the caller keeps its element), growth to
 * thousands of elements (the bucket table resizes), string keys through a
 * key function, teardown and clear() freeing every owned element (after a
 * grace period), references that outlive the table, and lookups on another
 * CPU while this one inserts and removes (never a freed element: they are
 * poisoned when destroyed, and KASAN watches).
 */
#include <kstd/hash_table.hpp>
#include <kstd/thread.hpp>

#include <kstd/kunit.hpp>

namespace {

constexpr int live_magic = 0x7ab1e;

int load(const int &v)
{
	return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

struct item : kstd::rcu::freeable {
	item(kstd::u32 k, int *gone_count) noexcept : id(k), gone(gone_count) {}
	~item()
	{
		__atomic_store_n(&magic, 0, __ATOMIC_RELAXED);
		if (gone)
			__atomic_fetch_add(gone, 1, __ATOMIC_RELAXED);
	}
	kstd::u32 id;
	int magic = live_magic;
	int *gone;
	kstd::hash_node node;
};

using item_table = kstd::hash_table<&item::node, &item::id, kstd::rcu::unique_ptr<item>>;

kstd::rcu::unique_ptr<item> make_item(kstd::u32 id, int *gone)
{
	auto r = kstd::make_unique<item>(kstd::gfp::kernel, id, gone);
	return r ? kstd::rcu::unique_ptr<item>(kstd::move(*r)) : kstd::rcu::unique_ptr<item>();
}

bool has(const item_table &t, kstd::u32 id)
{
	kstd::rcu::read_guard g;
	auto e = t.find(g, id);
	return e && e->id == id && e->magic == live_magic;
}

/* A name-keyed, counted entry, as khttpd's file cache keeps them. */
struct named : kstd::ref_counted, kstd::rcu::freeable {
	named(kstd::string_view n, int *gone_count) noexcept : gone(gone_count)
	{
		len = static_cast<kstd::u8>(n.size() < sizeof(name) ? n.size() : sizeof(name));
		for (kstd::size_t i = 0; i < len; i++)
			name[i] = n[i];
	}
	~named() { __atomic_fetch_add(gone, 1, __ATOMIC_RELAXED); }
	char name[32] = {};
	kstd::u8 len = 0;
	int *gone;
	kstd::hash_node node;
};

kstd::string_view name_of(const named &n)
{
	return kstd::string_view(n.name, n.len);
}

using named_table = kstd::hash_table<&named::node, name_of, kstd::rcu::ref<named>>;

kstd::rcu::ref<named> make_named(kstd::string_view n, int *gone)
{
	auto r = kstd::rcu::make_ref<named>(kstd::gfp::kernel, n, gone);
	return r ? kstd::move(*r) : kstd::rcu::ref<named>();
}

} // namespace

KSTD_TEST_SUITE(kstd_hash_table);

KSTD_TEST(kstd_hash_table, insert_find_take_remove)
{
	int gone = 0;
	{
		auto made = item_table::create();
		KSTD_ASSERT(made.has_value());
		item_table t = kstd::move(*made);
		for (kstd::u32 id = 1; id <= 3; id++) {
			auto e = make_item(id, &gone);
			KSTD_ASSERT(e);
			KSTD_EXPECT_OK(t.insert(kstd::move(e)));
			KSTD_EXPECT(!e); /* the table owns it now */
		}
		KSTD_EXPECT_EQ(t.size(), 3);
		KSTD_EXPECT(has(t, 1) && has(t, 2) && has(t, 3));
		KSTD_EXPECT(!has(t, 4));

		kstd::rcu::unique_ptr<item> two = t.take(2);
		KSTD_ASSERT(two);
		KSTD_EXPECT_EQ(two->id, 2);
		KSTD_EXPECT(!has(t, 2));
		KSTD_EXPECT(!t.take(2)); /* gone already */
		KSTD_EXPECT_EQ(t.size(), 2);

		item *one;
		{
			kstd::rcu::read_guard g;
			one = t.find(g, 1).get();
		}
		KSTD_ASSERT(one != nullptr);
		kstd::rcu::unique_ptr<item> first = t.remove(*one);
		KSTD_EXPECT(first.get() == one);
		KSTD_EXPECT(!t.remove(*two)); /* not in the table: refused */
		KSTD_EXPECT_EQ(t.size(), 1);
	} /* two, first: freed after a grace period; 3: by the table's teardown */
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 3);
}

KSTD_TEST(kstd_hash_table, duplicate_key_refused)
{
	int gone = 0;
	{
		auto made = item_table::create();
		KSTD_ASSERT(made.has_value());
		item_table t = kstd::move(*made);
		auto a = make_item(5, &gone), b = make_item(5, &gone);
		KSTD_ASSERT(a && b);
		item *b_raw = b.get();
		KSTD_EXPECT_OK(t.insert(kstd::move(a)));
		KSTD_EXPECT_ERROR(t.insert(kstd::move(b)), kstd::error::exist());
		KSTD_EXPECT(b.get() == b_raw); /* refused: the caller keeps it */
		KSTD_EXPECT_EQ(t.size(), 1);
		{
			kstd::rcu::read_guard g;
			auto e = t.find(g, 5);
			KSTD_EXPECT(e && e.get() != b_raw); /* the first one stays */
		}
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 2);
}

KSTD_TEST(kstd_hash_table, grows_past_initial_size_and_clears)
{
	constexpr kstd::u32 n = 5000;
	int gone = 0;
	auto made = item_table::create();
	KSTD_ASSERT(made.has_value());
	item_table t = kstd::move(*made);
	kstd::size_t initial = t.buckets();
	for (kstd::u32 id = 0; id < n; id++) {
		auto e = make_item(id * 7919u, &gone);
		KSTD_ASSERT(e);
		KSTD_ASSERT_OK(t.insert(kstd::move(e)));
	}
	KSTD_EXPECT_EQ(t.size(), n);
	/* The table grows in a work item: give it a moment. */
	for (int i = 0; i < 200 && t.buckets() < n / 2; i++)
		kstd::msleep(10);
	kstd_pr_info("kstd_hash_table: %u elements, %zu buckets (from %zu)\n", n, t.buckets(),
		     initial);
	KSTD_EXPECT_GT(t.buckets(), initial);
	KSTD_EXPECT_GE(t.buckets(), n / 2);
	int found = 0;
	for (kstd::u32 id = 0; id < n; id++)
		found += has(t, id * 7919u);
	KSTD_EXPECT_EQ(found, static_cast<int>(n));
	KSTD_EXPECT(!has(t, 1));

	KSTD_EXPECT_EQ(t.clear(), n);
	KSTD_EXPECT_EQ(t.size(), 0);
	KSTD_EXPECT(!has(t, 0));
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), static_cast<int>(n));
}

KSTD_TEST(kstd_hash_table, teardown_frees_all)
{
	int gone = 0;
	{
		auto made = item_table::create(16);
		KSTD_ASSERT(made.has_value());
		item_table t = kstd::move(*made);
		for (kstd::u32 id = 0; id < 300; id++) {
			auto e = make_item(id, &gone);
			KSTD_ASSERT(e);
			KSTD_ASSERT_OK(t.insert(kstd::move(e)));
		}
		item_table moved = kstd::move(t); /* the owner moves, the elements stay */
		KSTD_EXPECT(!t);
		KSTD_EXPECT(has(moved, 299));
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 300);
}

KSTD_TEST(kstd_hash_table, string_keys_and_refs)
{
	int gone = 0;
	kstd::rcu::ref<named> kept;
	{
		auto made = named_table::create();
		KSTD_ASSERT(made.has_value());
		named_table t = kstd::move(*made);
		const char *names[] = {"index.html", "a/b/c.txt", "index.htm", ""};
		for (const char *n : names) {
			auto e = make_named(n, &gone);
			KSTD_ASSERT(e);
			KSTD_EXPECT_OK(t.insert(kstd::move(e)));
		}
		/* A key in another buffer: compared by content, not address. */
		char probe[] = "xindex.html";
		kstd::string_view key(probe + 1, 10);
		{
			kstd::rcu::read_guard g;
			auto e = t.find(g, key);
			KSTD_ASSERT(e);
			KSTD_EXPECT(name_of(*e) == kstd::string_view("index.html"));
			KSTD_EXPECT(!t.find(g, kstd::string_view("index.h")));
			KSTD_EXPECT(t.find(g, kstd::string_view("")));
		}
		kept = t.find_ref("a/b/c.txt");
		KSTD_ASSERT(kept);
		KSTD_EXPECT_EQ(kept->ref_count(), 2); /* the table's and ours */
		auto dup = make_named("index.htm", &gone);
		KSTD_EXPECT_ERROR(t.insert(kstd::move(dup)), kstd::error::exist());
		KSTD_EXPECT(dup); /* refused, still ours; dropped below */
	}
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 4); /* 3 left with the table, the duplicate with dup */
	KSTD_EXPECT_EQ(kept->ref_count(), 1);
	KSTD_EXPECT(name_of(*kept) == kstd::string_view("a/b/c.txt")); /* outlived the table */
	kept.reset();
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), 5);
}

namespace {

struct lookup_race {
	item_table t;
	kstd::u32 keys = 64;
	int hits = 0, misses = 0, bad = 0;

	int look_loop()
	{
		kstd::u32 k = 0;
		for (unsigned int i = 0; !kstd::kthread::should_stop(); i++) {
			{
				kstd::rcu::read_guard g;
				auto e = t.find(g, k);
				if (e) {
					for (int j = 0; j < 20; j++)
						if (load(e->magic) != live_magic || e->id != k) {
							bad++;
							break;
						}
					hits++;
				} else {
					misses++;
				}
			}
			k = (k + 1) % keys;
			if (i % 256 == 255)
				kstd::msleep(1);
		}
		return 0;
	}
};

} // namespace

KSTD_TEST(kstd_hash_table, lookups_race_inserts_and_removals)
{
	int gone = 0, made_count = 0;
	auto st = kstd::make_unique<lookup_race>(kstd::gfp::kernel);
	KSTD_ASSERT(st.has_value());
	lookup_race &s = **st;
	auto made = item_table::create();
	KSTD_ASSERT(made.has_value());
	s.t = kstd::move(*made);
	auto th = kstd::kthread::run<&lookup_race::look_loop>("kstd_ht_reader", s);
	KSTD_ASSERT(th.has_value());
	for (int round = 0; round < 40; round++) {
		for (kstd::u32 k = 0; k < s.keys; k++) {
			auto e = make_item(k, &gone);
			if (!e)
				continue;
			made_count++;
			if (!s.t.insert(kstd::move(e)))
				continue; /* e still owns a duplicate: freed here */
		}
		for (kstd::u32 k = round % 2; k < s.keys; k += 2)
			(void)s.t.take(k); /* freed after the reader's guard */
		kstd::msleep(1);
	}
	KSTD_EXPECT_EQ(th->stop(), 0);
	KSTD_EXPECT_EQ(s.bad, 0);
	KSTD_EXPECT_GT(s.hits, 0);
	kstd_pr_info("kstd_hash_table: %d hits, %d misses\n", s.hits, s.misses);
	st->reset();
	kstd::rcu::barrier();
	KSTD_EXPECT_EQ(load(gone), made_count);
}

KSTD_TEST_SUITE_END(kstd_hash_table);
