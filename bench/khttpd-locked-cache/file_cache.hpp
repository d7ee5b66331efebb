// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's open-file cache as it was before the RCU one (examples/khttpd/
 * file_cache.hpp), kept for `make bench` only: the same interface, on a
 * hash of small buckets under one spinlock, lookups included.  Built into
 * khttpd_locked.ko with khttpd's other sources (this directory's Kbuild);
 * each of those files includes this header first, so khttpd's own
 * file_cache.hpp (same include guard) is skipped.
 *
 * Open files kept by name for cache_ms, like
 * nginx's open_file_cache.  A hit skips the lookup and the open, not the
 * stat (server::lookup() stats again), so the length, time and permissions
 * served are always current; a file renamed, replaced or deleted may still
 * be served for up to cache_ms, as may a cached file whose directory user
 * has lost search permission on.
 */
#ifndef KHTTPD_FILE_CACHE_HPP
#define KHTTPD_FILE_CACHE_HPP

#include <kstd/bytes.hpp>
#include <kstd/file.hpp>
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
/* FNV-1a of a name, the cache's key. */
[[nodiscard]] u32 name_hash(string_view s) noexcept;

struct cached_file : kstd::ref_counted, kstd::rcu::freeable {
	cached_file(kstd::file f, string_view n) noexcept
		: file(kstd::move(f)), hash(name_hash(n)), stamp(kstd::jiffies::now().count),
		  len(static_cast<u8>(n.size() < cache_name_max ? n.size() : cache_name_max))
	{
		kstd::copy_bytes(name, n.data(), len);
	}
	[[nodiscard]] string_view key() const noexcept { return string_view(name, len); }

	kstd::file file;
	u32 hash;
	unsigned long stamp; /* jiffies when opened */
	u8 len;
	char name[cache_name_max];
	kstd::list_node link; /* in a bucket of file_cache */
};

/* As khttpd's (the same type, so that its sources build unchanged). */
using file_ref = kstd::rcu::ref<cached_file>;

/*
 * Recently opened regular files by name, each kept for ttl: a hash table of
 * small buckets (the least recently inserted entry of a full bucket goes).
 * The table holds one reference to each entry, a request being served
 * another.  Process context; entries are dropped outside the lock.
 */
class file_cache {
public:
	explicit file_cache(kstd::jiffies ttl) noexcept : ttl_(ttl) {}
	file_cache(const file_cache &) = delete;
	file_cache &operator=(const file_cache &) = delete;
	/* Drops every entry and waits for their deferred frees.  May sleep. */
	~file_cache()
	{
		clear();
		kstd::rcu::barrier();
	}

	/* As khttpd's: a cache keeping files for @ttl.  May sleep. */
	static kstd::result<kstd::unique_ptr<file_cache>> create(kstd::jiffies ttl) noexcept
	{
		return kstd::make_unique<file_cache>(kstd::gfp::kernel, ttl);
	}

	[[nodiscard]] bool enabled() const noexcept { return ttl_.count != 0; }

	/* A fresh entry for @name, or none. */
	file_ref find(string_view name) noexcept;
	/* Keep @e (a new reference) in place of any entry of the same name. */
	void insert(const file_ref &e) noexcept;
	/* Drop every entry. */
	void clear() noexcept;

private:
	static constexpr u32 buckets = 64;
	static constexpr u32 bucket_max = 8;

	struct table {
		/* One reference per entry, the bucket's. */
		kstd::intrusive_list<&cached_file::link, file_ref> bucket[buckets];
		u32 count[buckets] = {};
	};
	kstd::locked<table> t_{"khttpd.cache"};
	kstd::jiffies ttl_;
};

} // namespace khttpd

#endif // KHTTPD_FILE_CACHE_HPP
