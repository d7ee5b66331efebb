// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho: an event-driven TCP (and UDP) echo server in the kernel, built on kstd.
 * This file holds its parameters and its entry; the server and its
 * connections are in echo.hpp and echo.cpp (tested by kunit/).
 *
 * Counters are in /proc/kecho.  Unloading closes whatever is still open.
 *
 * Parameters: port (12345), backlog (128), bench (false: an unbound
 * workqueue; true: a per-CPU bound one, which keeps a connection's work on
 * the CPU that took its packets), udp (false; true: also echo UDP
 * datagrams on the same port).
 */
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>

#include "echo.hpp"

KSTD_MODULE_PARAM(port, u16, 12345, 0444, "TCP port to listen on (IPv4 and IPv6)");
KSTD_MODULE_PARAM_RANGE(backlog, int, 128, 1, 65535, 0444, "listen() backlog");
KSTD_MODULE_PARAM(bench, bool, false, 0444,
		  "use a per-CPU bound workqueue instead of an unbound one");
KSTD_MODULE_PARAM(udp, bool, false, 0444, "also echo UDP datagrams on the same port");

namespace {

/* The module: the server as the parameters say, and /proc/kecho. */
struct kecho_module {
	kstd::unique_ptr<kecho::server> srv;
	kstd::unique_ptr<kecho::udp_echo> udp_srv; /* null unless udp=1 */
	/* Reads both: declared after them, so it goes first. */
	kstd::proc_entry proc;

	/* /proc/kecho; process context. */
	void show(kstd::seq_file &m)
	{
		srv->show(m);
		if (udp_srv)
			udp_srv->show(m);
	}

	static kstd::result<kstd::unique_ptr<kecho_module>> create() noexcept;
	~kecho_module();
};

kstd::result<kstd::unique_ptr<kecho_module>> kecho_module::create() noexcept
{
	auto self = KSTD_TRY(kstd::make_unique<kecho_module>(kstd::gfp::kernel));
	/*
	 * High-priority workers: an echo is a few microseconds of work that
	 * should not wait behind ordinary tasks (such as the benchmark's own
	 * thousand client threads).
	 */
	auto srv = kecho::server::start(
		{.port = port.get(),
		 .backlog = backlog.get(),
		 .queue_flags =
			 kstd::wq::highpri | (bench.get() ? kstd::wq::none : kstd::wq::unbound)});
	if (!srv) {
		kstd_pr_err("cannot listen on port %u: %d\n", port.get(), srv.to_errno());
		return srv.error();
	}
	self->srv = kstd::move(*srv);
	if (udp.get()) {
		/* The port TCP got (the same as the parameter unless that is 0). */
		auto at = KSTD_TRY(self->srv->tcp.local_address());
		auto u = kecho::udp_echo::start(
			at.port(),
			kstd::wq::highpri | (bench.get() ? kstd::wq::none : kstd::wq::unbound));
		if (!u) {
			kstd_pr_err("cannot echo UDP on port %u: %d\n", at.port(), u.to_errno());
			return u.error();
		}
		self->udp_srv = kstd::move(*u);
	}
	self->proc = KSTD_TRY(kstd::proc_entry::create("kecho", 0444, *self));
	kstd_pr_info("listening on port %u%s (%s workqueue)\n", port.get(),
		     udp.get() ? ", TCP and UDP" : "", bench.get() ? "per-CPU" : "unbound");
	return self;
}

kecho_module::~kecho_module()
{
	if (srv)
		kstd_pr_info("unloaded, closed %zu open connection(s)\n", srv->tcp.stop());
}

} // namespace

KSTD_MODULE(kecho_module);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Event-driven TCP and UDP echo server on kstd");
