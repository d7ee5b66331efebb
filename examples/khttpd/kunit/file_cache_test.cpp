// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd_cache: khttpd's open-file cache (../file_cache.cpp) on files of a
 * private ramfs: hits and misses by name, replacement of a name, expiry
 * after the time to live, eviction of the oldest entry of a full cache,
 * lock-free lookups racing with replacements on another CPU, and the
 * references: the table holds one per entry, and an entry dropped from it
 * (replaced, expired, evicted, cleared) while a request holds it stays
 * valid until that request lets go.  Entries are freed after a grace
 * period, in this module's code: every case waits for those frees before
 * it returns (rcu_wait), so none runs after the module is gone.
 */
#include <kstd/refcount.hpp>
#include <kstd/thread.hpp>

#include "../file_cache.hpp"
#include "khttpd_test.hpp"

namespace {

using khttpd::cached_file;
using khttpd::file_cache;
using khttpd::file_ref;
using khttpd_test::docroot;
using kstd::size_t;
using kstd::string_view;
using kstd::u32;
using kstd::u64;

/* A new entry for www/@name opened from @root, keyed by @key (default: @name). */
kstd::result<file_ref> open_entry(const kstd::directory_root &root, const char *name,
				  string_view key = {})
{
	auto f = KSTD_TRY(root.open_beneath(name));
	if (key.empty())
		key = name;
	return kstd::rcu::make_ref<cached_file>(kstd::gfp::kernel, kstd::move(f), key);
}

/* A cache with time to live @ttl. */
kstd::result<kstd::unique_ptr<file_cache>> new_cache(kstd::jiffies ttl)
{
	return file_cache::create(ttl);
}

/* Declared first in a case: at its end, waits for the entries' deferred frees. */
struct rcu_wait {
	rcu_wait() = default;
	rcu_wait(const rcu_wait &) = delete;
	rcu_wait &operator=(const rcu_wait &) = delete;
	~rcu_wait() { kstd::rcu::barrier(); }
};

/* The first @n bytes of @e's file, as read now. */
bool reads(cached_file &e, string_view want)
{
	char buf[32];
	u64 pos = 0;
	auto n = e.file.read(buf, sizeof(buf), pos);
	return n && string_view(buf, *n) == want;
}

} // namespace

KSTD_TEST_SUITE(khttpd_cache);

/* A name inserted is found (the same entry, one more reference); others are not. */
KSTD_TEST(khttpd_cache, hits_and_misses)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	auto made = new_cache(kstd::secs(10));
	KSTD_ASSERT_OK(made);
	file_cache &cache = **made;
	KSTD_EXPECT(cache.enabled());
	auto off = new_cache(kstd::jiffies{0});
	KSTD_ASSERT_OK(off);
	KSTD_EXPECT(!(*off)->enabled());

	auto a = open_entry(*root, "a.txt");
	KSTD_ASSERT_OK(a);
	KSTD_EXPECT(!cache.find("a.txt")); /* empty */
	cache.insert(*a);
	KSTD_EXPECT_EQ((*a)->ref_count(), 2u); /* ours and the table's */
	{
		auto hit = cache.find("a.txt");
		KSTD_EXPECT_EQ(hit.get(), a->get());
		KSTD_EXPECT_EQ((*a)->ref_count(), 3u);
	}
	KSTD_EXPECT_EQ((*a)->ref_count(), 2u);
	KSTD_EXPECT(!cache.find("b.txt"));
	KSTD_EXPECT(!cache.find("a.tx"));
	cache.clear();
	KSTD_EXPECT_EQ((*a)->ref_count(), 1u);
	KSTD_EXPECT(!cache.find("a.txt"));
}

/* Inserting a name again replaces its entry; the old one is only ours now. */
KSTD_TEST(khttpd_cache, insert_replaces_the_same_name)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	auto made = new_cache(kstd::secs(10));
	KSTD_ASSERT_OK(made);
	file_cache &cache = **made;
	auto first = open_entry(*root, "a.txt");
	auto second = open_entry(*root, "page.html", "a.txt");
	KSTD_ASSERT(first && second);
	cache.insert(*first);
	cache.insert(*second);
	KSTD_EXPECT_EQ((*first)->ref_count(), 1u);
	KSTD_EXPECT_EQ((*second)->ref_count(), 2u);
	auto hit = cache.find("a.txt");
	KSTD_EXPECT_EQ(hit.get(), second->get());
	KSTD_EXPECT(hit && reads(*hit, "<p>hi</p>"));
	KSTD_EXPECT(reads(**first, "hello world")); /* still open for its holder */
}

/* After its time to live an entry is a miss, and the table lets it go. */
KSTD_TEST(khttpd_cache, entries_expire)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	auto made = new_cache(kstd::msecs(100));
	KSTD_ASSERT_OK(made);
	file_cache &cache = **made;
	auto a = open_entry(*root, "a.txt");
	KSTD_ASSERT_OK(a);
	cache.insert(*a);
	KSTD_EXPECT(cache.find("a.txt").get() == a->get()); /* fresh */
	kstd::msleep(250);
	KSTD_EXPECT(!cache.find("a.txt"));
	KSTD_EXPECT_EQ((*a)->ref_count(), 1u); /* the stale entry left the table */
	KSTD_EXPECT(reads(**a, "hello world"));
}

/*
 * A full cache (max_entries) drops its least recently inserted entry for a
 * new one; the evicted entry, still held by a request, stays readable.
 */
KSTD_TEST(khttpd_cache, a_full_cache_evicts_its_oldest)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);

	constexpr u32 n = file_cache::max_entries + 1;
	auto names = kstd::make_unique<kstd::fixed_string<16>[]>(kstd::gfp::kernel, n);
	auto e = kstd::make_unique<file_ref[]>(kstd::gfp::kernel, n);
	KSTD_ASSERT(names && e);
	auto made = new_cache(kstd::secs(10));
	KSTD_ASSERT_OK(made);
	file_cache &cache = **made;
	for (u32 i = 0; i < n; i++) {
		(*names)[i].appendf("f%u", i);
		auto r = open_entry(*root, "a.txt", (*names)[i].view());
		KSTD_ASSERT_OK(r);
		(*e)[i] = kstd::move(*r);
	}
	for (u32 i = 0; i < n - 1; i++)
		cache.insert((*e)[i]);
	KSTD_EXPECT_EQ(cache.size(), file_cache::max_entries);
	for (u32 i = 0; i < n - 1; i++)
		KSTD_EXPECT_EQ((*e)[i]->ref_count(), 2u);

	cache.insert((*e)[n - 1]); /* one more: the first goes */
	KSTD_EXPECT_EQ(cache.size(), file_cache::max_entries);
	KSTD_EXPECT_EQ((*e)[0]->ref_count(), 1u);
	KSTD_EXPECT(!cache.find((*names)[0].view()));
	int hits = 0;
	for (u32 i = 1; i < n; i++) {
		auto hit = cache.find((*names)[i].view());
		hits += hit.get() == (*e)[i].get();
	}
	KSTD_EXPECT_EQ(hits, static_cast<int>(n - 1));
	/* Ours alone now, and still a working open file. */
	KSTD_EXPECT(reads(*(*e)[0], "hello world"));
}

namespace {

/* Looks a.txt up without a lock while the test replaces its entry. */
struct finder {
	file_cache &cache;
	int hits = 0, bad = 0;

	int loop()
	{
		for (unsigned int i = 0; !kstd::kthread::should_stop(); i++) {
			if (file_ref e = cache.find("a.txt")) {
				if (e->key() != "a.txt" || e->ref_count() < 1)
					bad++;
				hits++;
			}
			if (i % 128 == 127)
				kstd::msleep(1);
		}
		return 0;
	}
};

} // namespace

/*
 * Lock-free lookups on another CPU while the entry for their name is
 * replaced: each finds a whole entry of that name (or misses), never a
 * freed one (KASAN; kmemleak in the final run sees any entry never freed).
 */
KSTD_TEST(khttpd_cache, lookups_race_replacements)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	auto made = new_cache(kstd::secs(10));
	KSTD_ASSERT_OK(made);
	finder f{**made};
	auto t = kstd::kthread::run<&finder::loop>("khttpd_finder", f);
	KSTD_ASSERT(t.has_value());
	for (int i = 0; i < 400; i++) {
		auto e = open_entry(*root, "a.txt");
		if (!e)
			break;
		(*made)->insert(*e);
		if (i % 32 == 31)
			kstd::msleep(1);
	}
	KSTD_EXPECT_EQ(t->stop(), 0);
	KSTD_EXPECT_EQ(f.bad, 0);
	KSTD_EXPECT_GT(f.hits, 0);
	KSTD_EXPECT_EQ((*made)->size(), 1u);
}

/*
 * Entries dropped while held: the request's reference keeps the open
 * file valid (KASAN would see a use after free), and the last holder
 * frees it.
 */
KSTD_TEST(khttpd_cache, an_entry_in_use_outlives_the_table)
{
	rcu_wait w;
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	file_ref held;
	{
		auto made = new_cache(kstd::secs(10));
		KSTD_ASSERT_OK(made);
		file_cache &cache = **made;
		auto a = open_entry(*root, "sub/b.txt");
		KSTD_ASSERT_OK(a);
		cache.insert(*a);
		held = cache.find("sub/b.txt");
		KSTD_ASSERT(held);
		*a = nullptr;
		KSTD_EXPECT_EQ(held->ref_count(), 2u);
	} /* the cache and its table go */
	KSTD_EXPECT_EQ(held->ref_count(), 1u);
	KSTD_EXPECT(reads(*held, "bee"));
	KSTD_EXPECT_EQ(held->key(), "sub/b.txt");
}

KSTD_TEST_SUITE_END(khttpd_cache);
