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

KSTD_TEST_SUITE(kstd_stream_buffer);

KSTD_TEST(kstd_stream_buffer, create_bounds)
{
	KSTD_EXPECT(kstd::recv_buffer::create(kstd::gfp::kernel, 0).error() ==
		    kstd::error::inval());
	KSTD_EXPECT(kstd::recv_buffer::create(kstd::gfp::kernel, 16, 17).error() ==
		    kstd::error::inval());
	KSTD_EXPECT(kstd::send_buffer::create(kstd::gfp::kernel, 0).error() ==
		    kstd::error::inval());
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	KSTD_EXPECT(rx.has_value());
	if (!rx)
		return;
	KSTD_EXPECT_EQ(rx->capacity(), 64);
	KSTD_EXPECT_EQ(rx->max_line(), 64); /* 0: the capacity */
	KSTD_EXPECT(rx->empty());
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again()));
	KSTD_EXPECT(rx->next_frame(65).error() == kstd::error::msgsize());
	KSTD_EXPECT(rx->next_frame(1).error() == kstd::error::again());

	/* An empty (moved-from) buffer refuses to fill. */
	kstd::recv_buffer moved = kstd::move(*rx);
	KSTD_EXPECT_EQ(moved.capacity(), 64);
	KSTD_EXPECT_EQ(rx->capacity(), 0);
	kstd::tcp_stream none;
	KSTD_EXPECT(rx->fill(none).error() == kstd::error::inval());
	KSTD_EXPECT(moved.fill(none).error().to_errno() == -KSTD_EBADF);
}

KSTD_TEST(kstd_stream_buffer, line_split_across_recvs)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64, 32);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);

	KSTD_EXPECT(send_str(p->client, "hel"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again())); /* kept for later */
	KSTD_EXPECT_EQ(rx->size(), 3);

	KSTD_EXPECT(send_str(p->client, "lo\r\nwor"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "hello")); /* "\r\n" stripped */
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again()));

	KSTD_EXPECT(send_str(p->client, "l"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(send_str(p->client, "d\n"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "world"));
	KSTD_EXPECT(rx->empty());
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);
}

KSTD_TEST(kstd_stream_buffer, several_lines_in_one_recv)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 128);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(send_str(p->client, "one\ntwo\r\n\nthree\nfou"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	auto a = rx->next_line();
	auto b = rx->next_line();
	auto c = rx->next_line();
	auto d = rx->next_line();
	/* All views of one fill stay valid together. */
	KSTD_EXPECT(line_is(kstd::move(a), "one"));
	KSTD_EXPECT(line_is(kstd::move(b), "two"));
	KSTD_EXPECT(line_is(kstd::move(c), ""));
	KSTD_EXPECT(line_is(kstd::move(d), "three"));
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again()));
	KSTD_EXPECT(as_str(rx->data()) == "fou");
}

KSTD_TEST(kstd_stream_buffer, line_longer_than_max)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64, 16);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	/* 15 bytes and "\n": exactly max_line, accepted. */
	KSTD_EXPECT(send_str(p->client, "aaaaaaaaaaaaaaa\n"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "aaaaaaaaaaaaaaa"));

	/* 15 bytes, no "\n" yet: could still be a line. */
	KSTD_EXPECT(send_str(p->client, "bbbbbbbbbbbbbbb"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again()));
	/* The 16th byte is not "\n": too long, whatever follows. */
	KSTD_EXPECT(send_str(p->client, "b\n"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::msgsize()));
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::msgsize())); /* stays so */
	KSTD_EXPECT_EQ(rx->size(), 17);
	rx->clear();
	KSTD_EXPECT(send_str(p->client, "ok\n"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "ok"));
}

KSTD_TEST(kstd_stream_buffer, eof_between_lines)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(send_str(p->client, "last\n"));
	p->client.close(); /* FIN after the data */
	auto first = fill_wait(*rx, p->server);
	KSTD_EXPECT(first.has_value());
	if (first && *first == recv_status::data)
		first = fill_wait(*rx, p->server); /* the FIN, if it was not read with the data */
	KSTD_EXPECT(first && *first == recv_status::eof);
	KSTD_EXPECT(rx->eof());
	KSTD_EXPECT(line_is(rx->next_line(), "last"));
	KSTD_EXPECT(rx->empty()); /* closed between lines */
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::data) ==
		    recv_status::eof); /* sticky */
}

KSTD_TEST(kstd_stream_buffer, eof_with_partial_line)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 64);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(!rx->eof());
	KSTD_EXPECT(send_str(p->client, "whole\ntail"));
	KSTD_EXPECT(p->client.shutdown(kstd::shutdown_how::write).has_value());
	KSTD_EXPECT(fill_wait(*rx, p->server).has_value());
	KSTD_EXPECT(line_is(rx->next_line(), "whole"));
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::again()));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::data) == recv_status::eof);
	KSTD_EXPECT(rx->eof());
	KSTD_EXPECT(as_str(rx->data()) == "tail"); /* the unfinished line */
	KSTD_EXPECT(rx->text() == "tail");
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::data) == recv_status::eof);
	KSTD_EXPECT_EQ(rx->size(), 4);
}

KSTD_TEST(kstd_stream_buffer, frames_and_full_buffer)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 8);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(send_str(p->client, "0123456789ABCDEFGHIJ")); /* 20 bytes, 8 fit */
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT_EQ(rx->size(), 8);
	/* Full, nothing consumed: a fill cannot make progress. */
	KSTD_EXPECT(rx->fill(p->server).error() == kstd::error::nospc());
	KSTD_EXPECT(rx->next_frame(9).error() == kstd::error::msgsize());
	auto f = rx->next_frame(8);
	KSTD_EXPECT(f && as_str(*f) == "01234567");
	/* The rest was left in the socket: the next fill takes it, no event needed. */
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	f = rx->next_frame(8);
	KSTD_EXPECT(f && as_str(*f) == "89ABCDEF");
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(rx->next_frame(5).error() == kstd::error::again());
	f = rx->next_frame(4);
	KSTD_EXPECT(f && as_str(*f) == "GHIJ");
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::again);
}

KSTD_TEST(kstd_stream_buffer, compaction_keeps_order)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 8);
	KSTD_EXPECT(p && rx);
	if (!p || !rx)
		return;
	KSTD_EXPECT(send_str(p->client, "ab\ncdefghijk\n"));
	KSTD_EXPECT(fill_wait(*rx, p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "ab"));
	KSTD_EXPECT(as_str(rx->data()) == "cdefg");
	/* The fill moves "cdefg" to the front and appends "hij". */
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(as_str(rx->data()) == "cdefghij");
	KSTD_EXPECT(is_error(rx->next_line(), kstd::error::msgsize()));
	auto f = rx->next_frame(6);
	KSTD_EXPECT(f && as_str(*f) == "cdefgh");
	KSTD_EXPECT(rx->fill(p->server).value_or(recv_status::eof) == recv_status::data);
	KSTD_EXPECT(line_is(rx->next_line(), "ijk"));
}

KSTD_TEST(kstd_stream_buffer, send_bounds)
{
	auto tx = kstd::send_buffer::create(kstd::gfp::kernel, 8);
	KSTD_EXPECT(tx.has_value());
	if (!tx)
		return;
	KSTD_EXPECT_EQ(tx->capacity(), 8);
	KSTD_EXPECT_EQ(tx->room(), 8);
	KSTD_EXPECT(tx->append("abcde").has_value());
	KSTD_EXPECT_EQ(tx->size(), 5);
	/* All or nothing. */
	KSTD_EXPECT(tx->append("fghi").error() == kstd::error::nospc());
	KSTD_EXPECT_EQ(tx->size(), 5);
	KSTD_EXPECT(tx->append("123456789").error() == kstd::error::msgsize());
	kstd::span<u8> space = tx->prepare();
	KSTD_EXPECT_EQ(space.size(), 3);
	space[0] = 'x';
	tx->commit(1);
	tx->commit(100); /* clamped to the space */
	KSTD_EXPECT_EQ(tx->size(), 8);
	KSTD_EXPECT_EQ(tx->room(), 0);
	KSTD_EXPECT(tx->append("").has_value());
	tx->clear();
	KSTD_EXPECT(tx->empty());
	kstd::tcp_stream none;
	KSTD_EXPECT(tx->flush(none).has_value()); /* nothing pending: nothing to send */
	KSTD_EXPECT(tx->write(none, "z").error().to_errno() == -KSTD_EBADF);
	KSTD_EXPECT(tx->empty());
}

/*
 * A peer that does not read: writes fill the socket, then the buffer, then
 * fail with -ENOSPC taking nothing; flush() says -EAGAIN until the peer
 * drains.  Every byte arrives once, in order.
 */
KSTD_TEST(kstd_stream_buffer, send_back_pressure)
{
	if (!net_ready(test, false))
		return;
	auto p = kstd_test::loopback_pair(false);
	constexpr size_t cap = 16384, piece = 1000;
	auto tx = kstd::send_buffer::create(kstd::gfp::kernel, cap);
	auto chunk = kstd::make_unique_for_overwrite<u8[]>(kstd::gfp::kernel, 8192);
	KSTD_EXPECT(p && tx && chunk);
	if (!p || !tx || !chunk)
		return;
	KSTD_EXPECT(p->server.set_sndbuf(4096).has_value());
	KSTD_EXPECT(p->client.set_rcvbuf(4096).has_value());

	size_t written = 0;
	bool full = false;
	u8 *buf = chunk->get();
	for (int i = 0; i < 10000 && !full; i++) {
		for (size_t k = 0; k < piece; k++)
			buf[k] = pattern(written + k);
		auto w = tx->write(p->server, kstd::span<const u8>(buf, piece));
		if (!w) {
			KSTD_EXPECT(w.error() == kstd::error::nospc());
			full = true;
			break;
		}
		written += piece;
	}
	KSTD_EXPECT(full);
	KSTD_EXPECT(tx->room() < piece); /* refused only because it did not fit */
	KSTD_EXPECT(tx->size() > cap - piece);
	KSTD_EXPECT(written > cap); /* the socket took some before the buffer filled */
	auto f = tx->flush(p->server);
	KSTD_EXPECT(!f && f.error() == kstd::error::again());

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
			KSTD_EXPECT(w.has_value());
			if (!w)
				break;
			written += piece;
		} else {
			auto fl = tx->flush(p->server);
			KSTD_EXPECT(fl || fl.error() == kstd::error::again());
		}
		auto r = p->client.recv(in, 4096); /* with the pair's timeout */
		KSTD_EXPECT(r && *r > 0);
		if (!r || *r == 0)
			break;
		for (size_t k = 0; k < *r; k++)
			intact = intact && in[k] == pattern(got + k);
		got += *r;
	}
	KSTD_EXPECT(tx->flush(p->server).has_value());
	KSTD_EXPECT(tx->empty());
	KSTD_EXPECT_EQ(got, written);
	KSTD_EXPECT(intact);
	/* Empty again: a write goes straight to the socket. */
	KSTD_EXPECT(tx->write(p->server, "end").has_value());
	KSTD_EXPECT(tx->empty());
	char tail[4] = {};
	auto r = p->client.recv(tail, 3);
	KSTD_EXPECT(r && *r == 3 && string_view(tail, 3) == "end");
}

KSTD_TEST_SUITE_END(kstd_stream_buffer);
