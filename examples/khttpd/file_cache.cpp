// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's open-file cache (see file_cache.hpp): lock-free lookups in a
 * kstd::hash_table under RCU; writers under one spinlock.
 */
#include "file_cache.hpp"

namespace khttpd {

kstd::result<kstd::unique_ptr<file_cache>> file_cache::create(kstd::jiffies ttl) noexcept
{
	auto c = KSTD_TRY(kstd::make_unique<file_cache>(kstd::gfp::kernel, passkey{}, ttl));
	c->table_ = KSTD_TRY(table::create(ttl.count ? 64 : 1));
	return c;
}

file_cache::~file_cache()
{
	clear();
	/*
	 * The table's references are dropped; an entry's last drop frees it
	 * after a grace period, in module code: wait for those before the
	 * module can go.  Requests holding entries have ended (the server
	 * stops its connections before its cache goes).
	 */
	kstd::rcu::barrier();
}

file_ref file_cache::find(string_view name) noexcept
{
	file_ref hit = table_.find_ref(name); /* lock-free: RCU, inc_not_zero */
	if (!hit || kstd::jiffies::now().since({hit->stamp}) < ttl_)
		return hit;
	/* Stale: take it out (unless a writer already did) and miss. */
	auto order = order_.lock();
	if (file_ref gone = table_.remove(*hit))
		order->erase(*hit);
	return nullptr; /* the table's reference (if ours) and hit drop here: deferred frees */
}

void file_cache::unlink(cached_file &e, kstd::intrusive_list<&cached_file::order> &order) noexcept
{
	if (file_ref gone = table_.remove(e))
		order.erase(e);
}

void file_cache::insert(const file_ref &e) noexcept
{
	auto order = order_.lock();
	{
		/* The same name: the new entry takes its place. */
		kstd::rcu::read_guard g;
		if (auto old = table_.find(g, e->key()))
			unlink(*old, *order);
	}
	if (table_.size() >= max_entries) {
		if (cached_file *oldest = order->front())
			unlink(*oldest, *order);
	}
	file_ref mine = e; /* the table's own reference */
	if (table_.insert(kstd::move(mine)))
		order->push_back(*e);
	/* else (-ENOMEM, -EBUSY): not cached; mine drops the reference */
}

void file_cache::clear() noexcept
{
	if (!table_)
		return;
	{
		auto order = order_.lock();
		while (cached_file *e = order->front())
			unlink(*e, *order);
	}
}

} // namespace khttpd
