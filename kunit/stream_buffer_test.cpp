// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_stream_buffer: recv_buffer and send_buffer over real loopback TCP,
 * in the kernel.  The reading side is always non-blocking (as in a work
 * item); the peer's calls have timeouts, so a broken case fails instead of
 * hanging.
 */
#include <kstd/ksocket.hpp>
#include <kstd/memory.hpp>
#include <kstd/stream_buffer.hpp>
#include <kstd/string.hpp>

#include "net_test.hpp"

namespace {

using kstd::recv_status;
using kstd::size_t;
using kstd::string_view;
using kstd::u8;
using kstd_test::net_ready;

/*
 * fill() until it reports something other than "nothing yet" (loopback
 * delivers in softirq, usually before send() returns, but not always).
 */
kstd::result<recv_status> fill_wait(kstd::recv_buffer &rx, kstd::tcp_stream &s)
{
	for (int i = 0; i < 500; i++) {
		auto r = rx.fill(s);
		if (!r || *r != recv_status::again)
			return r;
		kstd_kunit_msleep(10);
	}
	return recv_status::again;
}

bool send_str(kstd::tcp_stream &s, string_view str)
{
	auto n = s.send_all(str.data(), str.size());
	return n && *n == str.size();
}

bool line_is(kstd::result<string_view> &&line, string_view want)
{
	return line && *line == want;
}

bool is_error(kstd::result<string_view> &&r, kstd::error e)
{
	return !r && r.error() == e;
}

string_view as_str(kstd::span<const u8> s)
{
	// SAFETY: u8 and char have the same size and alignment; test view.
	return string_view(reinterpret_cast<const char *>(s.data()), s.size());
}

/* The n-th byte of the test stream: not periodic in any buffer size used. */
u8 pattern(size_t n)
{
	return static_cast<u8>((n * 7 + n / 251) & 0xff);
}

} // namespace

KSTD_TEST(stream_buffer, create_bounds)
{
	EXPECT(kstd::recv_buffer::create(kstd::gfp::kernel, 0).error() == kstd::error::inval());
	EXPECT(kstd::recv_buffer::create(kstd::gfp::kernel, 16, 17).error() ==
	       kstd::error::inval());
	EXPECT(kstd::send_buffer::create(kstd::gfp::kernel, 0).error() == kstd::error::inval());
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	EXPECT(rx.has_value());
	if (!rx)
		return;
	EXPECT_EQ(rx->capacity(), 64);
	EXPECT_EQ(rx->max_line(), 64); /* 0: the capacity */
	EXPECT(rx->empty());
	EXPECT(is_error(rx->next_line(), kstd::error::again()));
	EXPECT(rx->next_frame(65).error() == kstd::error::msgsize());
	EXPECT(rx->next_frame(1).error() == kstd::error::again());

	/* An empty (moved-from) buffer refuses to fill. */
	kstd::recv_buffer moved = kstd::move(*rx);
	EXPECT_EQ(moved.capacity(), 64);
	EXPECT_EQ(rx->capacity(), 0);
	kstd::tcp_stream none;
	EXPECT(rx->fill(none).error() == kstd::error::inval());
	EXPECT(moved.fill(none).error().to_errno() == -KSTD_EBADF);
}

KSTD_TEST(stream_buffer, line_split_across_recvs)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64, 32);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);

	EXPECT(send_str(p->client, "hel"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(is_error(rx->next_line(), kstd::error::again())); /* kept for later */
	EXPECT_EQ(rx->size(), 3);

	EXPECT(send_str(p->client, "lo\r\nwor"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "hello")); /* "\r\n" stripped */
	EXPECT(is_error(rx->next_line(), kstd::error::again()));

	EXPECT(send_str(p->client, "l"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(send_str(p->client, "d\n"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "world"));
	EXPECT(rx->empty());
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);
}

KSTD_TEST(stream_buffer, several_lines_in_one_recv)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 128);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(send_str(p->client, "one\ntwo\r\n\nthree\nfou"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	auto a = rx->next_line();
	auto b = rx->next_line();
	auto c = rx->next_line();
	auto d = rx->next_line();
	/* All views of one fill stay valid together. */
	EXPECT(line_is(kstd::move(a), "one"));
	EXPECT(line_is(kstd::move(b), "two"));
	EXPECT(line_is(kstd::move(c), ""));
	EXPECT(line_is(kstd::move(d), "three"));
	EXPECT(is_error(rx->next_line(), kstd::error::again()));
	EXPECT(as_str(rx->data()) == "fou");
}

KSTD_TEST(stream_buffer, line_longer_than_max)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64, 16);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	/* 15 bytes and "\n": exactly max_line, accepted. */
	EXPECT(send_str(p->client, "aaaaaaaaaaaaaaa\n"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "aaaaaaaaaaaaaaa"));

	/* 15 bytes, no "\n" yet: could still be a line. */
	EXPECT(send_str(p->client, "bbbbbbbbbbbbbbb"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(is_error(rx->next_line(), kstd::error::again()));
	/* The 16th byte is not "\n": too long, whatever follows. */
	EXPECT(send_str(p->client, "b\n"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(is_error(rx->next_line(), kstd::error::msgsize()));
	EXPECT(is_error(rx->next_line(), kstd::error::msgsize())); /* stays so */
	EXPECT_EQ(rx->size(), 17);
	rx->clear();
	EXPECT(send_str(p->client, "ok\n"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "ok"));
}

KSTD_TEST(stream_buffer, eof_between_lines)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(send_str(p->client, "last\n"));
	p->client.close(); /* FIN after the data */
	auto first = fill_wait(*rx, p->server);
	EXPECT(first.has_value());
	if (first && *first == recv_status::data)
		first = fill_wait(*rx, p->server); /* the FIN, if it was not read with the data */
	EXPECT(first && *first == recv_status::eof);
	EXPECT(rx->eof());
	EXPECT(line_is(rx->next_line(), "last"));
	EXPECT(rx->empty()); /* closed between lines */
	EXPECT(rx->fill(p->server).value_or(recv_status::data) == recv_status::eof); /* sticky */
}

KSTD_TEST(stream_buffer, eof_with_partial_line)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(!rx->eof());
	EXPECT(send_str(p->client, "whole\ntail"));
	EXPECT(p->client.shutdown(kstd::shutdown_how::write).has_value());
	EXPECT(fill_wait(*rx, p->server).has_value());
	EXPECT(line_is(rx->next_line(), "whole"));
	EXPECT(is_error(rx->next_line(), kstd::error::again()));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::data) == recv_status::eof);
	EXPECT(rx->eof());
	EXPECT(as_str(rx->data()) == "tail"); /* the unfinished line */
	EXPECT(rx->text() == "tail");
	EXPECT(rx->fill(p->server).value_or(recv_status::data) == recv_status::eof);
	EXPECT_EQ(rx->size(), 4);
}

KSTD_TEST(stream_buffer, frames_and_full_buffer)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 8);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(send_str(p->client, "0123456789ABCDEFGHIJ")); /* 20 bytes, 8 fit */
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT_EQ(rx->size(), 8);
	/* Full, nothing consumed: a fill cannot make progress. */
	EXPECT(rx->fill(p->server).error() == kstd::error::nospc());
	EXPECT(rx->next_frame(9).error() == kstd::error::msgsize());
	auto f = rx->next_frame(8);
	EXPECT(f && as_str(*f) == "01234567");
	/* The rest was left in the socket: the next fill takes it, no event needed. */
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	f = rx->next_frame(8);
	EXPECT(f && as_str(*f) == "89ABCDEF");
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(rx->next_frame(5).error() == kstd::error::again());
	f = rx->next_frame(4);
	EXPECT(f && as_str(*f) == "GHIJ");
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);
}

KSTD_TEST(stream_buffer, compaction_keeps_order)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 8);
	EXPECT(p && rx);
	if (!p || !rx)
		return;
	EXPECT(send_str(p->client, "ab\ncdefghijk\n"));
	EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "ab"));
	EXPECT(as_str(rx->data()) == "cdefg");
	/* The fill moves "cdefg" to the front and appends "hij". */
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(as_str(rx->data()) == "cdefghij");
	EXPECT(is_error(rx->next_line(), kstd::error::msgsize()));
	auto f = rx->next_frame(6);
	EXPECT(f && as_str(*f) == "cdefgh");
	EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	EXPECT(line_is(rx->next_line(), "ijk"));
}

KSTD_TEST(stream_buffer, send_bounds)
{
	auto tx = kstd::send_buffer::create(kstd::gfp::kernel, 8);
	EXPECT(tx.has_value());
	if (!tx)
		return;
	EXPECT_EQ(tx->capacity(), 8);
	EXPECT_EQ(tx->room(), 8);
	EXPECT(tx->append("abcde").has_value());
	EXPECT_EQ(tx->size(), 5);
	/* All or nothing. */
	EXPECT(tx->append("fghi").error() == kstd::error::nospc());
	EXPECT_EQ(tx->size(), 5);
	EXPECT(tx->append("123456789").error() == kstd::error::msgsize());
	kstd::span<u8> space = tx->prepare();
	EXPECT_EQ(space.size(), 3);
	space[0] = 'x';
	tx->commit(1);
	tx->commit(100); /* clamped to the space */
	EXPECT_EQ(tx->size(), 8);
	EXPECT_EQ(tx->room(), 0);
	EXPECT(tx->append("").has_value());
	tx->clear();
	EXPECT(tx->empty());
	kstd::tcp_stream none;
	EXPECT(tx->flush(none).has_value()); /* nothing pending: nothing to send */
	EXPECT(tx->write(none, "z").error().to_errno() == -KSTD_EBADF);
	EXPECT(tx->empty());
}

/*
 * A peer that does not read: writes fill the socket, then the buffer, then
 * fail with -ENOSPC taking nothing; flush() says -EAGAIN until the peer
 * drains.  Every byte arrives once, in order.
 */
KSTD_TEST(stream_buffer, send_back_pressure)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	constexpr size_t cap = 16384, piece = 1000;
	auto tx = kstd::send_buffer::create(kstd::gfp::kernel, cap);
	auto chunk = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, 8192);
	EXPECT(p && tx && chunk);
	if (!p || !tx || !chunk)
		return;
	EXPECT(p->server.set_sndbuf(4096).has_value());
	EXPECT(p->client.set_rcvbuf(4096).has_value());

	size_t written = 0;
	bool full = false;
	u8 *buf = chunk->get();
	for (int i = 0; i < 10000 && !full; i++) {
		for (size_t k = 0; k < piece; k++)
			buf[k] = pattern(written + k);
		auto w = tx->write(p->server, kstd::span<const u8>(buf, piece));
		if (!w) {
			EXPECT(w.error() == kstd::error::nospc());
			full = true;
			break;
		}
		written += piece;
	}
	EXPECT(full);
	EXPECT(tx->room() < piece); /* refused only because it did not fit */
	EXPECT(tx->size() > cap - piece);
	EXPECT(written > cap); /* the socket took some before the buffer filled */
	auto f = tx->flush(p->server);
	EXPECT(!f && f.error() == kstd::error::again());

	/*
	 * The peer drains while the writer keeps writing (no flush of its
	 * own before a write): a write behind pending bytes must queue, even
	 * when the socket has space again, or the stream is reordered.
	 */
	const size_t limit = written + 4 * cap;
	u8 *in = chunk->get() + 4096;
	size_t got = 0;
	bool intact = true;
	for (int i = 0; i < 100000 && (got < written || written < limit); i++) {
		if (written < limit && tx->room() >= piece) {
			for (size_t k = 0; k < piece; k++)
				buf[k] = pattern(written + k);
			auto w = tx->write(p->server, kstd::span<const u8>(buf, piece));
			EXPECT(w.has_value());
			if (!w)
				break;
			written += piece;
		} else {
			auto fl = tx->flush(p->server);
			EXPECT(fl || fl.error() == kstd::error::again());
		}
		auto r = p->client.recv(in, 4096); /* with the pair's timeout */
		EXPECT(r && *r > 0);
		if (!r || *r == 0)
			break;
		for (size_t k = 0; k < *r; k++)
			intact = intact && in[k] == pattern(got + k);
		got += *r;
	}
	EXPECT(tx->flush(p->server).has_value());
	EXPECT(tx->empty());
	EXPECT_EQ(got, written);
	EXPECT(intact);
	/* Empty again: a write goes straight to the socket. */
	EXPECT(tx->write(p->server, "end").has_value());
	EXPECT(tx->empty());
	char tail[4] = {};
	auto r = p->client.recv(tail, 3);
	EXPECT(r && *r == 3 && string_view(tail, 3) == "end");
}
