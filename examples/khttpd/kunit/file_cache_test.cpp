// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd_cache: khttpd's open-file cache (../file_cache.cpp) on files of a
 * private ramfs: hits and misses by name, replacement of a name, expiry
 * after the time to live, eviction of the oldest entry of a full bucket,
 * and the references: the table holds one per entry, and an entry dropped
 * from it (replaced, expired, evicted, cleared) while a request holds it
 * stays valid until that request lets go.
 */
#include <kstd/refcount.hpp>
#include <kstd/thread.hpp>

#include "../file_cache.hpp"
#include "khttpd_test.hpp"

namespace {

using khttpd::cached_file;
using khttpd::file_cache;
using khttpd::name_hash;
using khttpd_test::docroot;
using kstd::size_t;
using kstd::string_view;
using kstd::u32;
using kstd::u64;

/* A new entry for www/@name opened from @root, keyed by @key (default: @name). */
kstd::result<kstd::ref<cached_file>> open_entry(const kstd::directory_root &root, const char *name,
						string_view key = {})
{
	auto f = KSTD_TRY(root.open_beneath(name));
	if (key.empty())
		key = name;
	return kstd::make_ref<cached_file>(kstd::gfp::kernel, kstd::move(f), key, name_hash(key));
}

/* A cache with time to live @ttl, on the heap (its table is 1.5 KiB). */
kstd::result<kstd::unique_ptr<file_cache>> new_cache(kstd::jiffies ttl)
{
	return kstd::make_unique<file_cache>(kstd::gfp::kernel, ttl);
}

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

/* The key is 32-bit FNV-1a (published test vectors). */
KSTD_TEST(khttpd_cache, name_hash_is_fnv1a)
{
	KSTD_EXPECT_EQ(name_hash(""), 0x811c9dc5u);
	KSTD_EXPECT_EQ(name_hash("a"), 0xe40c292cu);
	KSTD_EXPECT_EQ(name_hash("foobar"), 0xbf9cf968u);
}

/* A name inserted is found (the same entry, one more reference); others are not. */
KSTD_TEST(khttpd_cache, hits_and_misses)
{
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
	KSTD_EXPECT(!cache.find("a.txt", name_hash("a.txt"))); /* empty */
	cache.insert(*a);
	KSTD_EXPECT_EQ((*a)->ref_count(), 2u); /* ours and the table's */
	{
		auto hit = cache.find("a.txt", name_hash("a.txt"));
		KSTD_EXPECT_EQ(hit.get(), a->get());
		KSTD_EXPECT_EQ((*a)->ref_count(), 3u);
	}
	KSTD_EXPECT_EQ((*a)->ref_count(), 2u);
	KSTD_EXPECT(!cache.find("b.txt", name_hash("b.txt")));
	KSTD_EXPECT(!cache.find("a.tx", name_hash("a.tx")));
	/* The hash picks the bucket; the name must match too. */
	KSTD_EXPECT(!cache.find("b.txt", name_hash("a.txt")));
	cache.clear();
	KSTD_EXPECT_EQ((*a)->ref_count(), 1u);
	KSTD_EXPECT(!cache.find("a.txt", name_hash("a.txt")));
}

/* Inserting a name again replaces its entry; the old one is only ours now. */
KSTD_TEST(khttpd_cache, insert_replaces_the_same_name)
{
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
	auto hit = cache.find("a.txt", name_hash("a.txt"));
	KSTD_EXPECT_EQ(hit.get(), second->get());
	KSTD_EXPECT(hit && reads(*hit, "<p>hi</p>"));
	KSTD_EXPECT(reads(**first, "hello world")); /* still open for its holder */
}

/* After its time to live an entry is a miss, and the table lets it go. */
KSTD_TEST(khttpd_cache, entries_expire)
{
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
	KSTD_EXPECT(cache.find("a.txt", name_hash("a.txt")).get() == a->get()); /* fresh */
	kstd::msleep(250);
	KSTD_EXPECT(!cache.find("a.txt", name_hash("a.txt")));
	KSTD_EXPECT_EQ((*a)->ref_count(), 1u); /* the stale entry left the table */
	KSTD_EXPECT(reads(**a, "hello world"));
}

/*
 * A full bucket (8 entries) drops its least recently inserted entry for a
 * new one; the evicted entry, still held by a request, stays readable.
 */
KSTD_TEST(khttpd_cache, a_full_bucket_evicts_its_oldest)
{
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);

	/* Nine names of one bucket (the table has 64). */
	constexpr int n = 9;
	kstd::fixed_string<16> names[n];
	u32 bucket = name_hash("f0") % 64;
	int found = 0;
	for (int i = 0; found < n && i < 100000; i++) {
		kstd::fixed_string<16> name;
		name.appendf("f%d", i);
		if (name_hash(name.view()) % 64 == bucket)
			names[found++] = name;
	}
	KSTD_ASSERT_EQ(found, n);

	auto made = new_cache(kstd::secs(10));
	KSTD_ASSERT_OK(made);
	file_cache &cache = **made;
	kstd::ref<cached_file> e[n];
	for (int i = 0; i < n; i++) {
		auto r = open_entry(*root, "a.txt", names[i].view());
		KSTD_ASSERT_OK(r);
		e[i] = kstd::move(*r);
	}
	for (int i = 0; i < n - 1; i++)
		cache.insert(e[i]);
	for (int i = 0; i < n - 1; i++)
		KSTD_EXPECT_EQ(e[i]->ref_count(), 2u);

	cache.insert(e[n - 1]); /* the ninth: the first goes */
	KSTD_EXPECT_EQ(e[0]->ref_count(), 1u);
	KSTD_EXPECT(!cache.find(names[0].view(), name_hash(names[0].view())));
	for (int i = 1; i < n; i++) {
		auto hit = cache.find(names[i].view(), name_hash(names[i].view()));
		KSTD_EXPECT_EQ(hit.get(), e[i].get());
	}
	/* Ours alone now, and still a working open file. */
	KSTD_EXPECT(reads(*e[0], "hello world"));
}

/*
 * Entries dropped while held: the request's reference keeps the open
 * file valid (KASAN would see a use after free), and the last holder
 * frees it.
 */
KSTD_TEST(khttpd_cache, an_entry_in_use_outlives_the_table)
{
	docroot d(test);
	KSTD_ASSERT(d.ok);
	auto root = d.root();
	KSTD_ASSERT_OK(root);
	kstd::ref<cached_file> held;
	{
		auto made = new_cache(kstd::secs(10));
		KSTD_ASSERT_OK(made);
		file_cache &cache = **made;
		auto a = open_entry(*root, "sub/b.txt");
		KSTD_ASSERT_OK(a);
		cache.insert(*a);
		held = cache.find("sub/b.txt", name_hash("sub/b.txt"));
		KSTD_ASSERT(held);
		*a = nullptr;
		KSTD_EXPECT_EQ(held->ref_count(), 2u);
	} /* the cache and its table go */
	KSTD_EXPECT_EQ(held->ref_count(), 1u);
	KSTD_EXPECT(reads(*held, "bee"));
	KSTD_EXPECT_EQ(held->key(), "sub/b.txt");
}

KSTD_TEST_SUITE_END(khttpd_cache);
