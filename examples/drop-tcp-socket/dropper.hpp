// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file dropper.hpp
 * @brief drop_tcp_sock's module object: what a line written to
 *        /proc/net/drop_tcp_sock does, and the counters reading it shows.
 *
 * main.cpp makes it the module (KSTD_MODULE(drop_tcp::dropper)) and
 * describes the file's interface; the module's KUnit suite (kunit/) builds
 * a dropper without the proc file and writes lines to it directly.
 */
#ifndef DROP_TCP_DROPPER_HPP
#define DROP_TCP_DROPPER_HPP

#include <kstd/counter.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>
#include <kstd/pernet.hpp>
#include <kstd/proc.hpp>
#include <kstd/string.hpp>
#include <kstd/tcp_lookup.hpp>

#include "conn_line.hpp"

namespace drop_tcp {

/* The longest line handled; longer ones fail with -E2BIG. */
inline constexpr kstd::size_t max_line = 256;
/* How much of a refused line a log message quotes. */
inline constexpr int quote_max = 100;

/* One namespace's counters: zero when the namespace (or the module) appears. */
struct counters {
	kstd::stat_counter dropped_timewait;
	kstd::stat_counter aborted;
	kstd::stat_counter not_found;
	kstd::stat_counter malformed;
	kstd::stat_counter failed;
};

} // namespace drop_tcp

// SAFETY: counters holds only stat_counters, whose initial state is zero
// bytes and which have nothing to destroy.
template <>
inline constexpr bool kstd::zero_bytes_valid<drop_tcp::counters> = true;

namespace drop_tcp {

/* The log message for a refused line: the line (escaped, cut) and why. */
inline void complain(kstd::string_view line, const char *why) noexcept
{
	int n = line.size() < kstd::size_t(quote_max) ? int(line.size()) : quote_max;
	kstd_pr_warn_ratelimited("refused \"%*pE%s\": %s\n", n, line.data(),
				 line.size() > kstd::size_t(n) ? "..." : "", why);
}

/* The errno a write() fails with for a line parse_conn_line() refused. */
inline kstd::error line_error(line_errc e) noexcept
{
	switch (e) {
	case line_errc::port_range:
		return kstd::error::range();
	case line_errc::family_mix:
		return kstd::error::afnosupport();
	default:
		return kstd::error::inval();
	}
}

/*
 * The module object: per-namespace counters and the per-namespace file.
 * Built by create(); a dropper with only its counters (no file) handles
 * lines the same, which is how the KUnit suite uses it.
 */
struct dropper {
	kstd::pernet_storage<counters> stats; /* before file: outlives it */
	kstd::pernet_proc_entry file;

	/* A line written to @net's file; process context. */
	kstd::result<void> on_line(::net *net, kstd::string_view line) noexcept
	{
		counters &c = stats.get(net);
		if (line.size() > max_line) {
			c.malformed.add();
			complain(line, "line longer than 256 bytes");
			return kstd::error::toobig();
		}
		parsed_line p = parse_conn_line(line);
		if (!p) {
			c.malformed.add();
			complain(line, p.what);
			return line_error(p.error);
		}
		if (p.empty)
			return {};

		int ifindex = 0;
		if (!p.value.zone().empty()) {
			auto i = kstd::net_ifindex(net, p.value.zone());
			if (!i) {
				c.not_found.add();
				complain(line, "no such interface");
				return i.error();
			}
			ifindex = *i;
		}
		auto was = kstd::tcp_destroy(net, p.value.local.addr, p.value.peer.addr, ifindex);
		if (!was) {
			if (was.error() == kstd::error::noent()) {
				c.not_found.add();
				complain(line, "no such connection");
			} else {
				c.failed.add();
				complain(line,
					 was.error() == kstd::error::busy()
						 ? "orphaned socket, not aborted on this kernel"
						 : "cannot destroy the socket");
			}
			return was.error();
		}
		if (*was == kstd::tcp_state::time_wait) {
			c.dropped_timewait.add();
		} else {
			c.aborted.add();
			kstd_pr_debug("aborted %s connection \"%.*s\"\n",
				      kstd::tcp_state_name(*was), int(line.size()), line.data());
		}
		return {};
	}

	/* Reading @net's file; process context. */
	void show(kstd::seq_file &m, ::net *net) noexcept
	{
		const counters &c = stats.get(net);
		m.printf("dropped_timewait: %llu\n", c.dropped_timewait.get());
		m.printf("aborted: %llu\n", c.aborted.get());
		m.printf("not_found: %llu\n", c.not_found.get());
		m.printf("malformed: %llu\n", c.malformed.get());
		m.printf("failed: %llu\n", c.failed.get());
	}

	static kstd::result<kstd::unique_ptr<dropper>> create() noexcept
	{
		auto self = KSTD_TRY(kstd::make_unique<dropper>(kstd::gfp::kernel));
		self->stats = KSTD_TRY(kstd::pernet_storage<counters>::create());
		/*
		 * Let lines up to the proc layer's limit reach on_line(), which
		 * refuses those over max_line with a message.  Writers need
		 * CAP_NET_ADMIN over the namespace, like sock_diag_destroy().
		 */
		self->file = KSTD_TRY(
			kstd::pernet_proc_entry::create("drop_tcp_sock", 0600, *self,
							{.max_line = KSTD_PROC_MAX_LINE_LIMIT,
							 .write_capability = KSTD_CAP_NET_ADMIN}));
		return self;
	}
};

} // namespace drop_tcp

#endif // DROP_TCP_DROPPER_HPP
