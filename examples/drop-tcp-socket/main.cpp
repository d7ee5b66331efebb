// SPDX-License-Identifier: GPL-2.0-only
/*
 * drop_tcp_sock: drop TIME-WAIT (and other) TCP sockets by name, through
 * /proc/net/drop_tcp_sock, built on kstd.
 *
 * Every network namespace gets its own /proc/net/drop_tcp_sock (root only,
 * 0600) for as long as the module is loaded.  Opening it for writing also
 * takes CAP_NET_ADMIN in the user namespace that owns the network namespace,
 * as `ss -K` does (sock_diag_destroy()): EPERM otherwise, so a uid-0 process
 * without it (a container sharing the host's namespace) cannot abort the
 * host's connections, while a container's root can use its own namespace's
 * file.  Each line written to it names
 * one connection of that namespace, "LOCAL:PORT PEER:PORT" as `ss -tn`
 * prints it (syntax: conn_line.hpp), and is acted on as soon as its newline
 * arrives:
 *  - a socket in TIME-WAIT is descheduled and freed, releasing its port
 *    pair at once;
 *  - a socket in any other state is aborted as `ss -K` does it: the peer
 *    gets a reset, the local owner ECONNABORTED.
 *
 *     ss -tn state time-wait | awk 'NR>1 {print $3, $4}' > /proc/net/drop_tcp_sock
 *
 * write() reports the first failing line of the call (the others are still
 * handled) and each failure is logged, rate-limited:
 *   EINVAL        malformed line (not two ADDR:PORT fields, bad address...)
 *   ERANGE        port 0 or above 65535
 *   EAFNOSUPPORT  one IPv4 and one IPv6 end
 *   E2BIG         line longer than 256 bytes
 *   ENODEV        unknown interface after '%'
 *   ENOENT        no such connection in this namespace
 *   EBUSY         orphaned socket on a kernel before 6.11 (see tcp_lookup.hpp)
 * Reading the file shows that namespace's counters.
 */
#include <kstd/counter.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/net_address.hpp>
#include <kstd/pernet.hpp>
#include <kstd/proc.hpp>
#include <kstd/string.hpp>
#include <kstd/tcp_lookup.hpp>

#include "conn_line.hpp"

namespace {

/* The longest line handled; longer ones fail with -E2BIG. */
constexpr kstd::size_t max_line = 256;
/* How much of a refused line a log message quotes. */
constexpr int quote_max = 100;

/* One namespace's counters: zero when the namespace (or the module) appears. */
struct counters {
	kstd::stat_counter dropped_timewait;
	kstd::stat_counter aborted;
	kstd::stat_counter not_found;
	kstd::stat_counter malformed;
	kstd::stat_counter failed;
};

} // namespace

// SAFETY: counters holds only stat_counters, whose initial state is zero
// bytes and which have nothing to destroy.
template <>
inline constexpr bool kstd::zero_bytes_valid<counters> = true;

namespace {

/* The log message for a refused line: the line (escaped, cut) and why. */
void complain(kstd::string_view line, const char *why) noexcept
{
	int n = line.size() < kstd::size_t(quote_max) ? int(line.size()) : quote_max;
	kstd_pr_warn_ratelimited("refused \"%*pE%s\": %s\n", n, line.data(),
				 line.size() > kstd::size_t(n) ? "..." : "", why);
}

kstd::error line_error(drop_tcp::line_errc e) noexcept
{
	switch (e) {
	case drop_tcp::line_errc::port_range:
		return kstd::error::range();
	case drop_tcp::line_errc::family_mix:
		return kstd::error::afnosupport();
	default:
		return kstd::error::inval();
	}
}

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
		drop_tcp::parsed_line p = drop_tcp::parse_conn_line(line);
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

} // namespace

KSTD_MODULE(dropper);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Drop TIME-WAIT and other TCP sockets through /proc/net/drop_tcp_sock");
