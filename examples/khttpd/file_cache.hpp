// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's open-file cache: open files kept by name for cache_ms, like
 * nginx's open_file_cache.  A hit skips the lookup and the open, not the
 * stat (server::lookup() stats again), so the length, time and permissions
 * served are always current; a file renamed, replaced or deleted may still
 * be served for up to cache_ms, as may a cached file whose directory user
 * has lost search permission on.
 *
 * Lookups take no lock: the entries are in a kstd::hash_table (rhashtable)
 * read under RCU, and a hit takes its reference with refcount_inc_not_zero
 * (kstd::rcu::ref::try_acquire), so an entry whose last reference is going
 * is a miss, and its memory stays valid until the reader's guard ends (the
 * last drop frees after a grace period).  Inserting, replacing, expiring
 * and evicting take the writers' spinlock, which also keeps the entries'
 * insertion order for eviction.
 */
#ifndef KHTTPD_FILE_CACHE_HPP
#define KHTTPD_FILE_CACHE_HPP

#include <kstd/bytes.hpp>
#include <kstd/file.hpp>
#include <kstd/hash_table.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/rcu.hpp>
#include <kstd/refcount.hpp>
#include <kstd/string.hpp>

namespace khttpd {

using kstd::size_t;
using kstd::string_view;
using kstd::u32;
using kstd::u8;

/* Longest name (relative to the root) the cache keeps. */
constexpr size_t cache_name_max = 128;

/* An open file and the name (relative to the root) it was opened by. */
struct cached_file : kstd::ref_counted, kstd::rcu::freeable {
	cached_file(kstd::file f, string_view n) noexcept
		: file(kstd::move(f)), stamp(kstd::jiffies::now().count),
		  len(static_cast<u8>(n.size() < cache_name_max ? n.size() : cache_name_max))
	{
		kstd::copy_bytes(name, n.data(), len);
	}
	[[nodiscard]] string_view key() const noexcept { return string_view(name, len); }

	kstd::file file;
	unsigned long stamp; /* jiffies when opened */
	u8 len;
	char name[cache_name_max];
	kstd::hash_node node;  /* in file_cache's table */
	kstd::list_node order; /* in file_cache's insertion order, under its lock */
};

/*
 * A reference to an open file: its last drop frees it after a grace
 * period, which lock-free lookups need (the file is closed then, fput()
 * from softirq context, which the kernel defers).  The module's exit waits
 * for these frees (kstd::rcu::barrier(), in ~file_cache()).
 */
using file_ref = kstd::rcu::ref<cached_file>;

/* The table's key: the name. */
inline string_view cached_name(const cached_file &e) noexcept
{
	return e.key();
}

/*
 * Recently opened regular files by name, each kept for ttl, at most
 * max_entries (the least recently inserted goes first).  The table holds
 * one reference to each entry, a request being served another.  find() is
 * lock-free (any context); insert() and clear() take the writers' lock
 * (process context).
 */
class file_cache {
	struct passkey {}; /* only create() builds one */

public:
	/* Most entries kept (the locked cache's 64 buckets of 8). */
	static constexpr u32 max_entries = 512;

	/* For create() (which make_unique() calls it for) alone. */
	file_cache(passkey, kstd::jiffies ttl) noexcept : ttl_(ttl) {}
	file_cache(const file_cache &) = delete;
	file_cache &operator=(const file_cache &) = delete;
	/* Drops every entry, then waits for the deferred frees.  May sleep. */
	~file_cache();

	/* A cache keeping files for @ttl (0: a disabled one).  May sleep. */
	static kstd::result<kstd::unique_ptr<file_cache>> create(kstd::jiffies ttl) noexcept;

	[[nodiscard]] bool enabled() const noexcept { return ttl_.count != 0; }

	/* A fresh entry for @name, or none.  Lock-free. */
	file_ref find(string_view name) noexcept;
	/* Keep @e (a new reference) in place of any entry of the same name. */
	void insert(const file_ref &e) noexcept;
	/* Drop every entry.  May sleep. */
	void clear() noexcept;
	/* The number of entries (a snapshot). */
	[[nodiscard]] size_t size() const noexcept { return table_.size(); }

private:
	using table = kstd::hash_table<&cached_file::node, cached_name, file_ref>;

	/* Take @e out of the table and the order; under order_. */
	void unlink(cached_file &e, kstd::intrusive_list<&cached_file::order> &order) noexcept;

	table table_;
	/* Writers' lock; the entries in insertion order (the table owns them). */
	kstd::locked<kstd::intrusive_list<&cached_file::order>> order_{"khttpd.cache"};
	kstd::jiffies ttl_;
};

} // namespace khttpd

#endif // KHTTPD_FILE_CACHE_HPP
