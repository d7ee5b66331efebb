// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test module for scripts/guest-tests/proc-param.sh: typed parameters,
 * a /proc file that takes "SRC:PORT DST:PORT" lines the way
 * drop-tcp-socket's does, and a file in every namespace's /proc/net.
 *
 *   /proc/kstd_kif      read: counters and the parameters; write: lines of
 *                       "SRC:PORT DST:PORT" (IPv4, or [IPv6]:port, both of
 *                       one family; -EINVAL otherwise), or "fail N" (the
 *                       line fails with errno N)
 *   /proc/net/kstd_kif  (0600) read: "lines N", the lines this namespace's
 *                       file accepted; write: the same syntax
 */
#include <kstd/lock.hpp>
#include <kstd/module.hpp>
#include <kstd/net_address.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/string.hpp>

KSTD_MODULE_PARAM(port, u16, 12345, 0444, "TCP port (read-only)");
KSTD_MODULE_PARAM_RANGE(backlog, int, 128, 1, 4096, 0644, "listen backlog, 1..4096");
KSTD_MODULE_PARAM(verbose, bool, false, 0644, "log every accepted line");
KSTD_MODULE_PARAM(limit, ulong, 1000000, 0644, "any unsigned long");
KSTD_MODULE_PARAM_RANGE(max_line, uint, 64, 16, 4096, 0444,
			"longest line the /proc files accept, 16..4096");
KSTD_MODULE_PARAM_STRING(tag, 32, "kif", 0644, "a name of up to 31 characters");

namespace {

using kstd::string_view;

/* "SRC:PORT DST:PORT": two endpoints of one family, blanks around them ignored. */
kstd::result<void> parse_pair(string_view line, kstd::socket_address &src,
			      kstd::socket_address &dst)
{
	auto [a, b, two] = line.trim().split_once(' ');
	if (!two)
		return kstd::error::inval();
	src = KSTD_TRY(kstd::socket_address::parse(a));
	dst = KSTD_TRY(kstd::socket_address::parse(b.trim()));
	if (src.family() != dst.family())
		return kstd::error::inval();
	return {};
}

/* An errno given as "fail N". */
kstd::result<void> fail_with(string_view arg)
{
	int err = KSTD_TRY(kstd::parse_int<int>(arg, 1, 4095));
	return kstd::error::from_errno(-err);
}

struct counters {
	unsigned long long accepted = 0;
	unsigned long long rejected = 0;
	kstd::socket_address last_src, last_dst;
};

struct endpoints_file {
	kstd::locked<counters, kstd::mutex> stats{"kstd_kif.stats"};

	void show(kstd::seq_file &m)
	{
		auto s = stats.lock();
		m.printf("accepted %llu\nrejected %llu\n", s->accepted, s->rejected);
		if (s->accepted)
			m.printf("last %s %s\n", s->last_src.to_text().c_str(),
				 s->last_dst.to_text().c_str());
		kstd::fixed_string<31> t = tag.get();
		m.printf("port %u backlog %d verbose %d limit %lu max_line %u tag %s\n", port.get(),
			 backlog.get(), verbose.get(), limit.get(), max_line.get(), t.c_str());
	}

	kstd::result<void> on_line(string_view line)
	{
		kstd::socket_address src, dst;
		kstd::result<void> r = line.starts_with("fail ") ? fail_with(line.substr(5))
								 : parse_pair(line, src, dst);
		auto s = stats.lock();
		if (!r) {
			s->rejected++;
			return r;
		}
		s->accepted++;
		s->last_src = src;
		s->last_dst = dst;
		if (verbose.get())
			kstd_pr_info("line %llu accepted\n", s->accepted);
		return {};
	}
};

/* Lines accepted per namespace (a small table: this is a test module). */
struct netns_file {
	struct slot {
		::net *net;
		unsigned long long lines;
	};
	struct slots {
		slot s[16];
	};
	kstd::locked<slots, kstd::mutex> table{"kstd_kif.netns"};

	void show(kstd::seq_file &m, ::net *net)
	{
		auto t = table.lock();
		unsigned long long n = 0;
		for (slot &s : t->s)
			if (s.net == net)
				n = s.lines;
		m.printf("lines %llu\n", n);
	}

	kstd::result<void> on_line(::net *net, string_view line)
	{
		kstd::socket_address src, dst;
		KSTD_TRY(parse_pair(line, src, dst));
		auto t = table.lock();
		for (slot &s : t->s) {
			if (s.net == net || !s.net) {
				s.net = net;
				s.lines++;
				return {};
			}
		}
		return kstd::error::nospc();
	}
};

struct kif {
	endpoints_file endpoints;
	netns_file netns;
	/* After the handlers: removed first. */
	kstd::proc_entry endpoints_entry;
	kstd::pernet_proc_entry netns_entry;

	static kstd::result<kstd::unique_ptr<kif>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<kif>(kstd::gfp::kernel));
		kstd::proc_options opts;
		opts.max_line = max_line.get();
		self->endpoints_entry = KSTD_TRY(
			kstd::proc_entry::create("kstd_kif", 0644, self->endpoints, nullptr, opts));
		self->netns_entry = KSTD_TRY(
			kstd::pernet_proc_entry::create("kstd_kif", 0600, self->netns, opts));
		kstd::fixed_string<31> t = tag.get();
		kstd_pr_info("loaded: port %u backlog %d tag %s\n", port.get(), backlog.get(),
			     t.c_str());
		return self;
	}
};

} // namespace

KSTD_MODULE(kif);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("kstd test: module parameters, /proc and /proc/net files");
