// SPDX-License-Identifier: GPL-2.0-only
/*
 * The locked open-file cache, for `make bench` (see file_cache.hpp).
 */
#include "file_cache.hpp"

namespace khttpd {

u32 name_hash(string_view s) noexcept
{
	u32 h = 2166136261u;
	for (char c : s)
		h = (h ^ static_cast<u8>(c)) * 16777619u;
	return h;
}

file_ref file_cache::find(string_view name) noexcept
{
	u32 hash = name_hash(name);
	file_ref hit, stale;
	{
		auto t = t_.lock();
		auto &b = t->bucket[hash % buckets];
		for (cached_file &e : b) {
			if (e.hash != hash || e.key() != name)
				continue;
			if (kstd::jiffies::now().since({e.stamp}) < ttl_) {
				hit = file_ref::acquire(e);
			} else {
				stale = b.erase(e);
				t->count[hash % buckets]--;
			}
			break;
		}
	}
	return hit; /* stale, if any, is dropped here, unlocked */
}

void file_cache::insert(const file_ref &e) noexcept
{
	file_ref old, evicted; /* dropped after the lock */
	u32 i = e->hash % buckets;
	{
		auto t = t_.lock();
		auto &b = t->bucket[i];
		for (cached_file &o : b) {
			if (o.hash == e->hash && o.key() == e->key()) {
				old = b.erase(o);
				t->count[i]--;
				break;
			}
		}
		if (t->count[i] == bucket_max) {
			evicted = b.pop_back();
			t->count[i]--;
		}
		b.push_front(e); /* the bucket's own reference */
		t->count[i]++;
	}
}

void file_cache::clear() noexcept
{
	for (u32 i = 0; i < buckets; i++) {
		for (;;) {
			file_ref e;
			{
				auto t = t_.lock();
				e = t->bucket[i].pop_front();
				if (!e)
					break;
				t->count[i]--;
			}
		}
	}
}

} // namespace khttpd
