// SPDX-License-Identifier: GPL-2.0-only
/*
 * kecho's connections and server (echo.hpp has the model).
 */
#include "echo.hpp"

namespace kecho {

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
}

void connection::run() noexcept
{
	kstd::size_t echoed = 0;
	for (;;) {
		kstd::size_t pending = out.size();
		auto f = out.flush(stream);
		srv.bytes.add(&byte_counts::tx, pending - out.size());
		if (!f && f.error() != kstd::error::again())
			return close(true);
		if (peer_done) {
			if (out.empty())
				return close(false); /* orderly close, everything echoed */
			return;			     /* the writable hook requeues us */
		}
		if (out.room() == 0)
			return; /* the peer does not read: neither do we until it does */
		if (echoed >= run_budget) {
			srv.tcp.queue().queue(work); /* let other connections have this worker */
			return;
		}
		kstd::span<kstd::u8> space = out.prepare();
		auto n = stream.try_recv(space.data(), space.size());
		if (!n) {
			if (n.error() == kstd::error::again())
				return; /* drained: the data-ready (or writable) hook requeues us */
			return close(true);
		}
		if (*n == 0) {
			peer_done = true; /* echo the rest first */
			continue;
		}
		out.commit(*n);
		echoed += *n;
		srv.bytes.add(&byte_counts::rx, *n);
	}
}

void connection::close(bool failed) noexcept
{
	server &s = srv;
	auto self = s.tcp.release(*this);
	if (!self)
		return; /* the server is stopping and owns us now */
	if (failed)
		s.resets.add();
	/* self goes here (its hooks are out already): socket released, memory freed. */
}

kstd::unique_ptr<connection> server::on_accept(kstd::tcp_stream &s) noexcept
{
	auto b = kstd::send_buffer::create(kstd::gfp::kernel, buffer_size);
	if (!b) {
		errors.add(); /* the stream closes: the peer sees a reset */
		return nullptr;
	}
	auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(s),
					       kstd::move(*b));
	if (!c) {
		errors.add();
		return nullptr;
	}
	return kstd::move(*c);
}

void server::show(kstd::seq_file &m)
{
	const kstd::tcp_server_stats &t = tcp.stats();
	m.printf("connections_accepted: %llu\n", t.accepted.get());
	m.printf("connections_open: %llu\n", t.open.get());
	m.printf("bytes_received: %llu\n", rx_bytes());
	m.printf("bytes_sent: %llu\n", tx_bytes());
	m.printf("peer_resets: %llu\n", resets.get());
	m.printf("errors: %llu\n", errors.get() + t.errors.get());
}

kstd::result<kstd::unique_ptr<server>> server::start(const kstd::tcp_server_options &opts) noexcept
{
	auto self = KSTD_TRY(kstd::make_unique<server>(kstd::gfp::kernel));
	self->bytes = KSTD_TRY(kstd::percpu<byte_counts>::make(kstd::gfp::kernel));
	KSTD_TRY(self->tcp.listen("kecho", opts));
	return self;
}

/* Stops the server before any member goes, so their order does not matter to it. */
server::~server()
{
	tcp.stop();
}

void udp_echo::on_socket(kstd::socket_events) noexcept
{
	queue.queue(work);
}

void udp_echo::run() noexcept
{
	for (int n = 0; n < udp_run_budget; n++) {
		auto d = sock.try_recv_from({buf.get(), udp_buffer_size});
		if (!d) {
			if (d.error() != kstd::error::again())
				errors.add();
			return; /* drained: the readable hook requeues us */
		}
		datagrams.add();
		if (d->truncated()) {
			truncated.add(); /* never echo half a datagram */
			continue;
		}
		bytes.add(d->size);
		/* Blocking, bounded by the send timeout: waits for send space. */
		if (!sock.send_to({buf.get(), d->size}, d->from))
			errors.add();
	}
	queue.queue(work); /* more may be queued: after the others' work */
}

void udp_echo::show(kstd::seq_file &m)
{
	m.printf("udp_datagrams: %llu\n", datagrams.get());
	m.printf("udp_bytes: %llu\n", bytes.get());
	m.printf("udp_truncated: %llu\n", truncated.get());
	m.printf("udp_errors: %llu\n", errors.get());
}

kstd::result<kstd::unique_ptr<udp_echo>> udp_echo::start(kstd::u16 port,
							 kstd::wq_flags queue_flags) noexcept
{
	auto self = KSTD_TRY(kstd::make_unique<udp_echo>(kstd::gfp::kernel));
	self->queue = KSTD_TRY(kstd::workqueue<udp_echo>::create("kecho_udp", queue_flags));
	self->buf = KSTD_TRY(kstd::make_unique<kstd::u8[]>(kstd::gfp::kernel, udp_buffer_size));
	auto s = kstd::udp_socket::bind(kstd::in6addr_any(port), {.v6only = kstd::v6only::off});
	if (!s && s.error() == kstd::error::afnosupport())
		s = kstd::udp_socket::bind(kstd::inaddr_any(port)); /* a kernel without IPv6 */
	self->sock = KSTD_TRY(kstd::move(s));
	/* Room for a burst of datagrams (1000 clients at once) both ways. */
	KSTD_TRY(self->sock.set_rcvbuf(4 << 20));
	KSTD_TRY(self->sock.set_sndbuf(4 << 20));
	KSTD_TRY(self->sock.set_send_timeout(1000));
	KSTD_TRY(self->notifier.install<&udp_echo::on_socket>(self->sock, *self));
	self->queue.queue(self->work); /* datagrams that came before the hook */
	return self;
}

udp_echo::~udp_echo()
{
	notifier.remove();
	work.cancel_sync();
}

} // namespace kecho
