// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file dropper.hpp
 * @brief drop_tcp_sock's module object: what a line written to
 *        /proc/net/drop_tcp_sock does (one connection, or every socket a
 *        filter picks: drop_matching()), and the counters reading it shows.
 *
 * main.cpp makes it the module (KSTD_MODULE(drop_tcp::dropper)) and
 * describes the file's interface; the module's KUnit suite (kunit/) builds
 * a dropper without the proc file and writes lines to it directly.
 *
 * The dropper also owns the generic netlink family "drop_tcp_sock"
 * (netnsok, version 1): its command DT_CMD_DROP_MATCHING takes a
 * tcp_filter as typed attributes (genl_attrs below) and replies with the
 * number dropped, in the sender's namespace, for a sender with
 * CAP_NET_ADMIN over it (perm::netns_admin, as the file's writers).
 */
#ifndef DROP_TCP_DROPPER_HPP
#define DROP_TCP_DROPPER_HPP

#include <kstd/atomic.hpp>
#include <kstd/counter.hpp>
#include <kstd/genetlink.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>
#include <kstd/pernet.hpp>
#include <kstd/proc.hpp>
#include <kstd/string.hpp>
#include <kstd/tcp_lookup.hpp>

#include "conn_line.hpp"
#include "filter_line.hpp"

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
	/* Sockets dropped by filter lines, all of them and the last line's. */
	kstd::stat_counter filter_dropped;
	kstd::atomic<kstd::u64> last_filter;
};

} // namespace drop_tcp

// SAFETY: counters holds only stat_counters and an atomic<u64>, whose
// initial state is zero bytes and which have nothing to destroy.
template <>
inline constexpr bool kstd::zero_bytes_valid<drop_tcp::counters> = true;

namespace drop_tcp {

/* filter_line.hpp names states by the kernel's numbers, as kstd::tcp_state does. */
static_assert(tcp_st::established == unsigned(kstd::tcp_state::established) &&
	      tcp_st::syn_sent == unsigned(kstd::tcp_state::syn_sent) &&
	      tcp_st::syn_recv == unsigned(kstd::tcp_state::syn_recv) &&
	      tcp_st::fin_wait1 == unsigned(kstd::tcp_state::fin_wait1) &&
	      tcp_st::fin_wait2 == unsigned(kstd::tcp_state::fin_wait2) &&
	      tcp_st::time_wait == unsigned(kstd::tcp_state::time_wait) &&
	      tcp_st::close_wait == unsigned(kstd::tcp_state::close_wait) &&
	      tcp_st::last_ack == unsigned(kstd::tcp_state::last_ack) &&
	      tcp_st::closing == unsigned(kstd::tcp_state::closing) &&
	      tcp_st::new_syn_recv == unsigned(kstd::tcp_state::new_syn_recv));

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

/* The errno a write() fails with for a line parse_filter_line() refused. */
inline kstd::error filter_error(filter_errc e) noexcept
{
	switch (e) {
	case filter_errc::range:
		return kstd::error::range();
	case filter_errc::family_mix:
		return kstd::error::afnosupport();
	default:
		return kstd::error::inval();
	}
}

/**
 * @name Generic netlink interface (family "drop_tcp_sock", version 1)
 * DT_CMD_DROP_MATCHING's attributes, each optional; absent ones keep
 * tcp_filter's defaults (every TIME-WAIT socket):
 *   DT_A_STATES     u32, state_bit() of each state to match (bit 1
 *                   ESTABLISHED ... bit 11 CLOSING, the kernel's numbers)
 *   DT_A_SRC/DST    binary, an address: 4 bytes IPv4, 16 bytes IPv6
 *                   (::ffff:a.b.c.d: the IPv4 prefix), network order
 *   DT_A_SRC/DST_LEN u8, the prefix length (default: the whole address;
 *                   without the address: -EINVAL)
 *   DT_A_SPORT/DPORT_LO/HI u16, host order, an inclusive port range
 *                   (default 0 ... 65535)
 * The reply carries DT_A_DROPPED (u32).  Errors as for a filter line:
 * EINVAL (no state, a bad address or a bit after its prefix length),
 * ERANGE (prefix too long, LO above HI), EAFNOSUPPORT (IPv4 src, IPv6
 * dst), EPERM (no CAP_NET_ADMIN over the sender's namespace).
 * @{
 */
enum : kstd::u16 {
	DT_A_UNSPEC,
	DT_A_STATES,
	DT_A_SRC,
	DT_A_SRC_LEN,
	DT_A_SPORT_LO,
	DT_A_SPORT_HI,
	DT_A_DST,
	DT_A_DST_LEN,
	DT_A_DPORT_LO,
	DT_A_DPORT_HI,
	DT_A_DROPPED,
};
enum : kstd::u8 { DT_CMD_UNSPEC, DT_CMD_DROP_MATCHING };

using genl_attrs = kstd::genl::attributes<kstd::genl::attr<DT_A_STATES, kstd::genl::nla_u32>,
					  kstd::genl::attr<DT_A_SRC, kstd::genl::nla_binary<16>>,
					  kstd::genl::attr<DT_A_SRC_LEN, kstd::genl::nla_u8>,
					  kstd::genl::attr<DT_A_SPORT_LO, kstd::genl::nla_u16>,
					  kstd::genl::attr<DT_A_SPORT_HI, kstd::genl::nla_u16>,
					  kstd::genl::attr<DT_A_DST, kstd::genl::nla_binary<16>>,
					  kstd::genl::attr<DT_A_DST_LEN, kstd::genl::nla_u8>,
					  kstd::genl::attr<DT_A_DPORT_LO, kstd::genl::nla_u16>,
					  kstd::genl::attr<DT_A_DPORT_HI, kstd::genl::nla_u16>,
					  kstd::genl::attr<DT_A_DROPPED, kstd::genl::nla_u32>>;
using genl_request = kstd::genl::request<genl_attrs>;
using genl_message = kstd::genl::message<genl_attrs>;
/** @} */

/* One end's prefix from @Addr/@Len of @req into @out (left unset if absent). */
template <kstd::u16 Addr, kstd::u16 Len>
kstd::result<void> genl_prefix(const genl_request &req, addr_prefix &out) noexcept
{
	if (!req.has<Addr>()) {
		if (!req.has<Len>())
			return {};
		req.set_error_message("a prefix length without its address");
		return kstd::error::inval();
	}
	kstd::span<const kstd::u8> a = KSTD_TRY(req.get<Addr>());
	parsed_filter p = make_prefix(a, req.get_or<Len>(kstd::u8(a.size() * 8)), out);
	if (!p) {
		req.set_error_message("bad address or prefix length");
		return filter_error(p.error);
	}
	return {};
}

/* One end's port range from @Lo/@Hi of @req into @out. */
template <kstd::u16 Lo, kstd::u16 Hi>
kstd::result<void> genl_ports(const genl_request &req, port_range &out) noexcept
{
	out.lo = req.get_or<Lo>(0);
	out.hi = req.get_or<Hi>(65535);
	if (out.lo > out.hi) {
		req.set_error_message("port range with LO above HI");
		return kstd::error::range();
	}
	return {};
}

/*
 * The module object: per-namespace counters and the per-namespace file.
 * Built by create(); a dropper with only its counters (no file) handles
 * lines the same, which is how the KUnit suite uses it.
 */
struct dropper {
	using genl_family = kstd::genl::family<dropper, genl_attrs>;

	kstd::pernet_storage<counters> stats; /* before file: outlives it */
	kstd::pernet_proc_entry file;
	/* Last: unregistered first, before the counters its handler uses. */
	genl_family genl;

	/**
	 * Drop every socket of @p net that @p f matches (TIME-WAIT freed,
	 * others aborted with ECONNABORTED for their owner, as for a
	 * connection line): the number dropped.  Sockets refused (orphans on
	 * a kernel before 6.11) stay and are counted as failed.  Counted in
	 * @p net's filter_dropped and last_filter.  -EINVAL if @p f matches
	 * no state.  Process context, may sleep (walks the whole
	 * established hash).
	 */
	[[nodiscard]] kstd::result<unsigned> drop_matching(::net *net, const tcp_filter &f) noexcept
	{
		if (!(f.states & detail::all_states()))
			return kstd::error::inval();
		counters &c = stats.get(net);
		kstd::tcp_destroy_counts n =
			kstd::tcp_destroy_matching(net, [&f](const kstd::tcp_sock_info &s) {
				return f.matches(unsigned(s.state), s.local, s.peer);
			});
		c.filter_dropped.add(n.destroyed);
		c.last_filter.store_relaxed(n.destroyed);
		c.failed.add(n.failed);
		if (n.failed)
			kstd_pr_warn_ratelimited(
				"filter: %u matching orphaned sockets not aborted on this kernel\n",
				n.failed);
		return n.destroyed;
	}

	/*
	 * DT_CMD_DROP_MATCHING: the filter of @req's attributes dropped in the
	 * sender's namespace; the count in @reply.  Process context (genl_lock
	 * held), may sleep.
	 */
	kstd::result<void> genl_drop_matching(const genl_request &req, genl_message &reply) noexcept
	{
		tcp_filter f;
		f.states = req.get_or<DT_A_STATES>(f.states);
		KSTD_TRY((genl_prefix<DT_A_SRC, DT_A_SRC_LEN>(req, f.src)));
		KSTD_TRY((genl_prefix<DT_A_DST, DT_A_DST_LEN>(req, f.dst)));
		if (f.src.set && f.dst.set && f.src.addr.family() != f.dst.addr.family()) {
			req.set_error_message("an IPv4 and an IPv6 prefix");
			return kstd::error::afnosupport();
		}
		KSTD_TRY((genl_ports<DT_A_SPORT_LO, DT_A_SPORT_HI>(req, f.sport)));
		KSTD_TRY((genl_ports<DT_A_DPORT_LO, DT_A_DPORT_HI>(req, f.dport)));
		auto n = drop_matching(req.net(), f);
		if (!n) {
			req.set_error_message("no TCP state in DT_A_STATES");
			return n.error();
		}
		return reply.put<DT_A_DROPPED>(kstd::u32(*n));
	}

	static constexpr kstd::genl::command<dropper, genl_attrs> genl_commands[] = {
		kstd::genl::doit<&dropper::genl_drop_matching>(DT_CMD_DROP_MATCHING,
							       kstd::genl::perm::netns_admin),
	};

	/* A filter line written to @net's file; process context. */
	kstd::result<void> on_filter_line(::net *net, kstd::string_view line) noexcept
	{
		counters &c = stats.get(net);
		parsed_filter p = parse_filter_line(line);
		if (!p) {
			c.malformed.add();
			complain(line, p.what);
			return filter_error(p.error);
		}
		unsigned n = KSTD_TRY(drop_matching(net, p.value));
		int q = line.size() < kstd::size_t(quote_max) ? int(line.size()) : quote_max;
		/* The count is also last_filter; the log is rate-limited like refusals. */
		if (__printk_ratelimit(__func__))
			kstd_pr_info("\"%*pE%s\" dropped %u sockets\n", q, line.data(),
				     line.size() > kstd::size_t(q) ? "..." : "", n);
		return {};
	}

	/* A line written to @net's file; process context. */
	kstd::result<void> on_line(::net *net, kstd::string_view line) noexcept
	{
		counters &c = stats.get(net);
		if (line.size() > max_line) {
			c.malformed.add();
			complain(line, "line longer than 256 bytes");
			return kstd::error::toobig();
		}
		if (is_filter_line(line))
			return on_filter_line(net, line);
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
		m.printf("filter_dropped: %llu\n", c.filter_dropped.get());
		m.printf("last_filter: %llu\n", c.last_filter.load_relaxed());
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
		self->genl =
			KSTD_TRY(genl_family::create(*self, "drop_tcp_sock", 1, genl_commands));
		return self;
	}
};

} // namespace drop_tcp

#endif // DROP_TCP_DROPPER_HPP
