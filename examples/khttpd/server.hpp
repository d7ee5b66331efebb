// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's server: the settings it runs with, its counters, and the object
 * that owns the listener, the live connections, the open-file cache and
 * the per-address table.  server.cpp accepts connections (or refuses them
 * with 503) and opens files; module.cpp makes one from the parameters and
 * shows its counters in /proc/khttpd; kunit/ runs its own.
 */
#ifndef KHTTPD_SERVER_HPP
#define KHTTPD_SERVER_HPP

#include <kstd/counter.hpp>
#include <kstd/file.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/memory.hpp>
#include <kstd/proc.hpp>
#include <kstd/result.hpp>
#include <kstd/tcp_server.hpp>

#include "connection.hpp"
#include "file_cache.hpp"
#include "per_address.hpp"

namespace khttpd {

/* What the module parameters ask for (module.cpp; docs/khttpd.md). */
struct settings {
	kstd::tcp_server_options listen;
	const char *docroot; /* NUL-terminated, lives as long as the module */
	u32 user, group;     /* numeric ids files are opened and listed as */
	kstd::jiffies idle_timeout;
	kstd::jiffies head_deadline, body_deadline, linger_deadline;
	u32 max_per_address; /* 0: no limit */
	u32 max_connections;
	kstd::jiffies cache_ttl; /* 0: no cache */
	bool listing;		 /* list directories without an index.html */
	bool dotfiles;		 /* serve names starting with '.' */
};

struct stats {
	kstd::stat_counter responses[6]; /* by status class: [1] 1xx ... [5] 5xx */
	kstd::stat_counter rejected, rejected_per_address, timeouts, resets, errors, bytes_sent;
	kstd::stat_counter busy;       /* 503: a file's open would have waited (a lease) */
	kstd::stat_counter cache_hits; /* lookups answered by the open-file cache */

	void count_status(unsigned int status) noexcept
	{
		responses[status / 100 < 6 ? status / 100 : 0].add();
	}

	/* /proc/khttpd; process context. */
	void show(kstd::seq_file &m, const kstd::tcp_server_stats &t);
};

struct server {
	kstd::directory_root root;
	/*
	 * user/group: every lookup, open and listing read runs with these
	 * (override_credentials); before the connections, so they outlive them.
	 */
	kstd::credentials creds;
	settings cfg;
	stats counters;
	address_table addresses;	    /* empty unless max_per_address */
	kstd::unique_ptr<file_cache> cache; /* null: no cache (cache_ttl 0) */
	/* After what connections use (they go first). */
	kstd::tcp_server<server, connection> tcp{*this};

	server(kstd::directory_root r, const settings &s) noexcept : root(kstd::move(r)), cfg(s) {}

	/* Open @name (NUL-terminated) beneath the root, through the cache. */
	kstd::result<file_ref> lookup(string_view name, kstd::file_attr &attr) noexcept;

	/* A stream to serve: its connection, or null (answered 503 or counted). */
	kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept;
	void reject(kstd::tcp_stream &s) noexcept;

	/* /proc/khttpd; process context. */
	void show(kstd::seq_file &m) { counters.show(m, tcp.stats()); }

	/* Open @cfg.docroot as @cfg.user/group, then listen.  May sleep. */
	static kstd::result<kstd::unique_ptr<server>> start(const settings &cfg) noexcept;
	/*
	 * Serve @root (opened by the caller) as @creds, listening as @cfg says
	 * (cfg.docroot and cfg.user/group are not used).  May sleep.
	 */
	static kstd::result<kstd::unique_ptr<server>>
	start(const settings &cfg, kstd::directory_root root, kstd::credentials creds) noexcept;
	/* Closes every open connection.  May sleep. */
	~server();
};

} // namespace khttpd

#endif // KHTTPD_SERVER_HPP
