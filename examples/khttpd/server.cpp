// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's server: start (credentials, document root, listener), accept
 * (503 over max_connections or max_per_address), open files through the
 * cache, and stop.  A connection's life after its accept is in
 * connection.cpp.
 */
#include <kstd/log.hpp>

#include "server.hpp"

namespace khttpd {

void stats::show(kstd::seq_file &m, const kstd::tcp_server_stats &t)
{
	for (int c = 1; c <= 5; c++)
		m.printf("responses_%dxx: %llu\n", c, responses[c].get());
	m.printf("bytes_sent: %llu\n", bytes_sent.get());
	m.printf("connections_open: %llu\n", t.open.get());
	m.printf("connections_accepted: %llu\n", t.accepted.get());
	m.printf("connections_rejected: %llu\n", rejected.get());
	m.printf("connections_rejected_per_address: %llu\n", rejected_per_address.get());
	m.printf("timeouts: %llu\n", timeouts.get());
	m.printf("peer_resets: %llu\n", resets.get());
	m.printf("errors: %llu\n", errors.get() + t.errors.get());
	m.printf("files_busy: %llu\n", busy.get());
	m.printf("cache_hits: %llu\n", cache_hits.get());
}

kstd::result<kstd::unique_ptr<server>> server::start(const settings &cfg) noexcept
{
	auto creds = kstd::credentials::unprivileged(cfg.user, cfg.group);
	if (!creds) {
		if (creds.error() == kstd::error::inval())
			kstd_pr_err("user=%u group=%u: not a valid user and group id\n", cfg.user,
				    cfg.group);
		return creds.error();
	}
	/* The directories above the root are checked once, here, as user/group. */
	auto root = [&] {
		kstd::override_credentials as(*creds);
		return kstd::directory_root::open(cfg.docroot);
	}();
	if (!root) {
		kstd_pr_err("cannot open the document root %s as user %u group %u: %d\n",
			    cfg.docroot, cfg.user, cfg.group, root.to_errno());
		return root.error();
	}
	return start(cfg, kstd::move(*root), kstd::move(*creds));
}

kstd::result<kstd::unique_ptr<server>> server::start(const settings &cfg, kstd::directory_root root,
						     kstd::credentials creds) noexcept
{
	auto self = KSTD_TRY(kstd::make_unique<server>(kstd::gfp::kernel, kstd::move(root), cfg));
	self->creds = kstd::move(creds);
	if (cfg.cache_ttl.count)
		self->cache = KSTD_TRY(file_cache::create(cfg.cache_ttl));
	auto listening = self->tcp.listen("khttpd", cfg.listen);
	if (!listening) {
		kstd_pr_err("cannot listen on port %u: %d\n", cfg.listen.port,
			    listening.to_errno());
		return listening.error();
	}
	return self;
}

/* Stops the server before any member goes, so their order does not matter to it. */
server::~server()
{
	tcp.stop();
}

kstd::unique_ptr<connection> server::on_accept(kstd::tcp_stream &s) noexcept
{
	if (tcp.open_connections() >= static_cast<u64>(cfg.max_connections)) {
		reject(s);
		return nullptr;
	}
	address_slot slot;
	if (cfg.max_per_address) {
		/* A peer already gone (-ENOTCONN) is not counted: its work closes it. */
		if (auto peer = s.peer_address()) {
			auto r = addresses.acquire(*peer, cfg.max_per_address);
			if (!r) {
				if (r.error() == kstd::error::busy())
					counters.rejected_per_address.add();
				reject(s);
				return nullptr;
			}
			slot = kstd::move(*r);
		}
	}
	auto i = kstd::recv_buffer::create(kstd::gfp::kernel, in_size);
	auto o = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, out_size);
	if (!i || !o) {
		reject(s);
		return nullptr;
	}
	auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(s),
					       kstd::move(*i), kstd::move(*o));
	if (!c) {
		counters.errors.add();
		return nullptr;
	}
	(*c)->per_address = kstd::move(slot);
	return kstd::move(*c);
}

/* Over the connection limit (or out of memory): 503, best effort, and close. */
void server::reject(kstd::tcp_stream &s) noexcept
{
	char buf[512];
	/*
	 * Drop what the client already sent: closing with unread data would
	 * reset the connection and discard the answer before it leaves.
	 */
	while (s.try_recv(buf, sizeof(buf)).value_or(0) > 0)
		;
	char date[http::http_date_size + 1];
	http::format_http_date(kstd::real_seconds(), date);
	constexpr string_view body = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable"
				     "</title></head><body><h1>503 Service Unavailable</h1>"
				     "</body></html>\n";
	http::writer w(buf, sizeof(buf));
	w.put("HTTP/1.1 503 Service Unavailable\r\nServer: khttpd\r\nDate: ")
		.put(string_view(date, http::http_date_size))
		.put("\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ")
		.put_dec(body.size())
		.put("\r\nConnection: close\r\nRetry-After: 1\r\n\r\n")
		.put(body);
	(void)s.send(w.data(), w.size(), kstd::msg::dontwait);
	(void)s.shutdown(kstd::shutdown_how::write);
	counters.rejected.add();
	counters.count_status(503);
}

kstd::result<file_ref> server::lookup(string_view name, kstd::file_attr &attr) noexcept
{
	bool cacheable = cache && name.size() <= cache_name_max;
	kstd::override_credentials as(creds); /* as user/group, not the kworker's root */
	if (cacheable) {
		if (auto e = cache->find(name)) {
			/* The name is known: stat again, so that what is served is current. */
			auto a = e->file.attr();
			if (a && a->is_regular()) {
				attr = *a;
				counters.cache_hits.add();
				return e;
			}
		}
	}
	auto f = root.open_beneath(name.data(), &attr);
	if (!f && f.error() == kstd::error::again()) /* a racing rename: once more */
		f = root.open_beneath(name.data(), &attr);
	if (!f)
		return f.error();
	auto e =
		KSTD_TRY(kstd::rcu::make_ref<cached_file>(kstd::gfp::kernel, kstd::move(*f), name));
	if (cacheable && attr.is_regular())
		cache->insert(e);
	return e;
}

} // namespace khttpd
