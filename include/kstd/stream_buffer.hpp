// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file stream_buffer.hpp
 * @brief Bounded buffers between a protocol and a non-blocking
 *        kstd::tcp_stream: kstd::recv_buffer (a line and frame reader) and
 *        kstd::send_buffer (output that waits for send space).
 *
 * An event-driven connection (see <kstd/tcp_server.hpp>) is woken by its
 * socket's readiness hooks and must never wait in the socket.  What it
 * reads arrives in arbitrary pieces: half a line, or three lines and a
 * half; what it writes may find the socket's send buffer full.  These two
 * buffers keep the leftovers between two wake-ups, so the protocol code
 * only sees whole lines or frames and only writes whole replies:
 *
 * @code
 * #include <kstd/stream_buffer.hpp>
 *
 * struct line_conn {
 *         kstd::tcp_stream stream;
 *         kstd::recv_buffer rx;     // from recv_buffer::create()
 *         kstd::send_buffer tx;     // from send_buffer::create()
 *
 *         // The work item (process context): returns false to close.
 *         bool run()
 *         {
 *                 // Output first: a peer that does not read stops our reading.
 *                 if (auto f = tx.flush(stream); !f)
 *                         return f.error() == kstd::error::again(); // writable requeues us
 *                 for (;;) {
 *                         auto line = rx.next_line();
 *                         if (line) {
 *                                 // One reply per line; -ENOSPC would mean "too much
 *                                 // pending": this protocol gives up, another waits.
 *                                 if (!tx.write(stream, *line) || !tx.write(stream, "\n"))
 *                                         return false;
 *                                 continue;
 *                         }
 *                         if (line.error() == kstd::error::msgsize())
 *                                 return false; // longer than max_line: refuse
 *                         auto got = rx.fill(stream);   // -EAGAIN: no complete line yet
 *                         if (!got)
 *                                 return false;         // reset, or a full buffer
 *                         if (*got == kstd::recv_status::again)
 *                                 return true;          // readable requeues us
 *                         if (*got == kstd::recv_status::eof)
 *                                 return false;         // rx.size(): an unfinished line
 *                 }
 *         }
 * };
 * @endcode
 *
 * Both buffers are one allocation, made by create() with the caller's GFP
 * flags; nothing allocates afterwards.  Data is kept in place and moved to
 * the front (compacted) only when space at the end is needed, by the buffer
 * itself.
 *
 * **Contexts.**  The calls that touch the socket, recv_buffer::fill(),
 * send_buffer::flush() and send_buffer::write(), always pass
 * kstd::msg::dontwait: they never wait for data or for send space (that
 * is -EAGAIN / recv_status::again), but they take the socket lock, which
 * sleeps: process context only (a work item), never a socket_notifier
 * callback; might sleep.  Everything else (next_line(), next_frame(),
 * consume(), append(), prepare(), commit() ...) only touches memory: any
 * context, never sleeps.  Neither buffer locks: one user at a time, as a
 * connection's work item is (a workqueue never runs one work item
 * concurrently with itself).
 */
#ifndef KSTD_STREAM_BUFFER_HPP
#define KSTD_STREAM_BUFFER_HPP

#include <kstd/bytes.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/span.hpp>
#include <kstd/string.hpp>

namespace kstd {

/** What recv_buffer::fill() did. */
enum class recv_status : u8 {
	/**
	 * Bytes were added.  Parse them; when they hold no complete message,
	 * call fill() again (the socket may have more: a full buffer stops a
	 * fill early, and no readiness event comes for data already queued).
	 */
	data,
	/** Nothing new: the socket would block.  Wait for socket_event::readable. */
	again,
	/**
	 * The peer closed its side (orderly FIN) and every byte before it is
	 * in the buffer: size() bytes are left, 0 if it closed between
	 * messages.  Sticky: later fills report eof again without reading.
	 */
	eof,
};

namespace detail {

/** One allocation of @p n bytes; -EINVAL for 0. */
[[nodiscard]] inline result<unique_ptr<u8[]>> stream_storage(gfp_t flags, size_t n) noexcept
{
	if (n == 0)
		return error::inval();
	return make_unique_for_overwrite<u8[]>(flags, n);
}

} // namespace detail

/**
 * A bounded receive buffer: fill() reads from a non-blocking socket until
 * it would block (or the buffer is full), next_line() / next_frame() hand
 * out complete messages as views into the buffer, and what is left of an
 * incomplete one stays for the next fill().
 *
 * @noop example(kstd::tcp_stream &stream, void (*handle)(kstd::string_view line))
 * @code
 * auto rx = KSTD_TRY(kstd::recv_buffer::create(kstd::gfp::kernel, 4096, 1024));
 * // in the work item, after a readable event:
 * auto got = rx.fill(stream);               // recv()s until -EAGAIN
 * while (auto line = rx.next_line())
 *         handle(*line);                    // without its "\n" or "\r\n"
 * @endcode
 *
 * **Views.**  The string_view / span handed out point into the buffer and
 * stay valid until the next fill() or clear() (which may move the bytes
 * to the front, or overwrite them); consuming more does not move them, so
 * all the lines taken from one fill() may be used together.
 *
 * **Bounds.**  At most capacity() bytes are buffered.  A line may be
 * max_line() bytes long, its terminator included; a longer one is
 * -EMSGSIZE from next_line() as soon as max_line() bytes without a "\n"
 * are buffered (the bytes stay: clear() them, or answer and close).
 *
 * Move-only; an empty (default-constructed or moved-from) buffer has
 * capacity 0 and fill() fails with -EINVAL.  Contexts: see the file
 * comment (fill() may sleep; the rest is any context).
 */
class recv_buffer {
public:
	/** An empty buffer with no storage (capacity 0): for members set later. */
	constexpr recv_buffer() noexcept = default;
	/** Take over the other buffer's storage and contents; it becomes empty. */
	recv_buffer(recv_buffer &&o) noexcept
		: buf_(move(o.buf_)), head_(exchange(o.head_, 0)), tail_(exchange(o.tail_, 0)),
		  max_line_(exchange(o.max_line_, 0)), eof_(exchange(o.eof_, false))
	{
	}
	/** Free the current storage, take over the other's. */
	recv_buffer &operator=(recv_buffer &&o) noexcept
	{
		if (this != &o) {
			buf_ = move(o.buf_);
			head_ = exchange(o.head_, 0);
			tail_ = exchange(o.tail_, 0);
			max_line_ = exchange(o.max_line_, 0);
			eof_ = exchange(o.eof_, false);
		}
		return *this;
	}
	recv_buffer(const recv_buffer &) = delete;
	recv_buffer &operator=(const recv_buffer &) = delete;

	/**
	 * A buffer of @p capacity bytes, allocated now with @p flags, for
	 * lines of at most @p max_line bytes (terminator included; 0: the
	 * capacity).  -EINVAL if @p capacity is 0 or @p max_line exceeds it,
	 * -ENOMEM.  May sleep if @p flags allow it (gfp::kernel).
	 *
	 * @noop example runs as a KUnit case
	 * @code
	 * auto rx = kstd::recv_buffer::create(kstd::gfp::kernel, 8192, 512);
	 * if (!rx)
	 *         return rx.error();
	 * @endcode
	 */
	[[nodiscard]] static result<recv_buffer> create(gfp_t flags, size_t capacity,
							size_t max_line = 0) noexcept
	{
		if (max_line > capacity)
			return error::inval();
		recv_buffer b;
		b.buf_ = KSTD_TRY(detail::stream_storage(flags, capacity));
		b.max_line_ = max_line ? max_line : capacity;
		return b;
	}

	/**
	 * Read what the socket has, without waiting: recv(msg::dontwait)
	 * into the free space until -EAGAIN, EOF or a full buffer (first
	 * moving unconsumed bytes to the front, which ends the views handed
	 * out so far).
	 *
	 * Returns recv_status::data if bytes were added (an EOF or -EAGAIN
	 * right behind them is reported by the next call), recv_status::again
	 * if the socket had nothing, recv_status::eof once the peer has
	 * closed.  Errors: -ENOSPC if the buffer is full and nothing could be
	 * read (consume first: for a line reader, next_line() said -EMSGSIZE
	 * already); the socket's errors (-ECONNRESET ...), with the bytes that
	 * came before them still buffered; -EINVAL for an empty buffer.
	 * Process context; might sleep (takes the socket lock, never waits for
	 * data).
	 *
	 * @noop example(kstd::recv_buffer &rx, kstd::tcp_stream &stream) -> void
	 * @code
	 * auto got = rx.fill(stream);
	 * if (got && *got == kstd::recv_status::again)
	 *         return;   // wait for the readable event
	 * @endcode
	 */
	[[nodiscard]] result<recv_status> fill(tcp_stream &stream) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (!buf_)
			return error::inval();
		if (eof_)
			return recv_status::eof;
		compact();
		const size_t cap = capacity();
		if (tail_ == cap)
			return error::nospc();
		bool added = false;
		while (tail_ < cap) {
			auto n = stream.try_recv(buf_.get() + tail_, cap - tail_);
			if (!n) {
				if (n.error() == error::again())
					break;
				return n.error();
			}
			if (*n == 0) {
				eof_ = true;
				break;
			}
			tail_ += *n;
			added = true;
		}
		if (added)
			return recv_status::data;
		return eof_ ? recv_status::eof : recv_status::again;
	}

	/**
	 * The next complete line, without its "\n" (and the "\r" before it,
	 * if any), consumed from the buffer.  -EAGAIN if no "\n" is buffered
	 * yet (fill() more; after recv_status::eof, size() bytes are an
	 * unfinished last line), -EMSGSIZE if max_line() bytes are buffered
	 * without one.  Any context; doesn't sleep.
	 *
	 * @noop example(kstd::recv_buffer &rx)
	 * @code
	 * for (auto line = rx.next_line(); line; line = rx.next_line())
	 *         kstd_pr_info("got %.*s\n", static_cast<int>(line->size()), line->data());
	 * @endcode
	 */
	[[nodiscard]] result<string_view> next_line() noexcept
	{
		const size_t have = size();
		const size_t scan = have < max_line_ ? have : max_line_;
		const u8 *start = buf_.get() + head_;
		const void *nl = scan ? __builtin_memchr(start, '\n', scan) : nullptr;
		if (!nl)
			return have >= max_line_ && max_line_ ? error::msgsize() : error::again();
		size_t len = static_cast<size_t>(static_cast<const u8 *>(nl) - start);
		consume(len + 1);
		if (len && start[len - 1] == '\r')
			len--;
		// SAFETY: u8 and char have the same size and alignment, and char may
		// alias any object; the view covers bytes inside buf_.
		return string_view(reinterpret_cast<const char *>(start), len);
	}

	/**
	 * The next @p n bytes as one frame (a fixed-size header, a body whose
	 * length a header gave), consumed from the buffer.  -EAGAIN while
	 * fewer are buffered, -EMSGSIZE if @p n exceeds capacity() (it could
	 * never be complete).  Any context; doesn't sleep.
	 *
	 * @noop example(kstd::recv_buffer &rx)
	 * @code
	 * auto hdr = rx.next_frame(4);              // a 4-byte length prefix
	 * @endcode
	 */
	[[nodiscard]] result<span<const u8>> next_frame(size_t n) noexcept
	{
		if (n > capacity())
			return error::msgsize();
		if (n > size())
			return error::again();
		span<const u8> f(buf_.get() + head_, n);
		consume(n);
		return f;
	}

	/**
	 * Everything buffered, unconsumed (for a parser that takes any prefix,
	 * e.g. an HTTP head; consume() what it used).  Valid until the next
	 * fill() or clear().  Any context.
	 */
	[[nodiscard]] span<const u8> data() const noexcept
	{
		return span<const u8>(buf_.get() + head_, size());
	}

	/**
	 * data() as text, for a parser that works on characters (an HTTP
	 * head).  Same lifetime as data().  Any context.
	 *
	 * @noop example(const kstd::recv_buffer &rx, int (*parse)(kstd::string_view head))
	 * @code
	 * int status = parse(rx.text());
	 * @endcode
	 */
	[[nodiscard]] string_view text() const noexcept
	{
		// SAFETY: char may alias any object; the bytes are size() bytes
		// of the buffer, live until the next fill() or clear().
		return string_view(reinterpret_cast<const char *>(buf_.get() + head_), size());
	}

	/** Drop the first min(@p n, size()) buffered bytes. Any context. */
	void consume(size_t n) noexcept
	{
		head_ += n < size() ? n : size();
		if (head_ == tail_)
			head_ = tail_ = 0; // empty: the next fill() starts at the front
	}

	/** Drop everything buffered (not the EOF seen). Any context. */
	void clear() noexcept { head_ = tail_ = 0; }

	/** Bytes buffered, not consumed yet. */
	[[nodiscard]] size_t size() const noexcept { return tail_ - head_; }
	/** Nothing buffered? */
	[[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
	/** The most bytes it can hold (0 for an empty buffer). */
	[[nodiscard]] size_t capacity() const noexcept { return buf_.size(); }
	/** The longest line next_line() accepts, terminator included. */
	[[nodiscard]] size_t max_line() const noexcept { return max_line_; }
	/** Has fill() seen the peer's FIN? */
	[[nodiscard]] bool eof() const noexcept { return eof_; }

private:
	void compact() noexcept
	{
		if (head_ == 0)
			return;
		move_bytes(buf_.get(), buf_.get() + head_, size());
		tail_ -= head_;
		head_ = 0;
	}

	unique_ptr<u8[]> buf_;
	size_t head_ = 0, tail_ = 0; // buf_[head_, tail_): received, not consumed
	size_t max_line_ = 0;
	bool eof_ = false;
};

/**
 * A bounded send buffer: what a non-blocking socket does not take now is
 * kept, in order, and flush() sends it when socket_event::writable says
 * there is space again.
 *
 * @noop example(kstd::tcp_stream &stream)
 * @code
 * auto tx = KSTD_TRY(kstd::send_buffer::create(kstd::gfp::kernel, 16384));
 * // in the work item:
 * KSTD_TRY(tx.write(stream, "+OK\r\n"));    // sent, or queued behind earlier bytes
 * auto f = tx.flush(stream);                // on the writable event
 * if (!f && f.error() == kstd::error::again())
 *         return {};                        // still pending: wait for writable
 * @endcode
 *
 * Bytes leave in the order they were given, whether write() sent them at
 * once or queued them.  **Bounds**: at most capacity() bytes wait; a
 * write() or append() that does not fit in room() fails with -ENOSPC and
 * takes nothing (back-pressure: flush, wait for writable, stop reading the
 * peer), one larger than capacity() with -EMSGSIZE.
 *
 * Move-only; an empty (default or moved-from) buffer has capacity 0.
 * Contexts: write() and flush() take the socket lock (process context,
 * might sleep, never wait for space); the rest is any context.
 */
class send_buffer {
public:
	/** An empty buffer with no storage (capacity 0): for members set later. */
	constexpr send_buffer() noexcept = default;
	/** Take over the other buffer's storage and contents; it becomes empty. */
	send_buffer(send_buffer &&o) noexcept
		: buf_(move(o.buf_)), head_(exchange(o.head_, 0)), tail_(exchange(o.tail_, 0))
	{
	}
	/** Free the current storage (dropping what it held), take over the other's. */
	send_buffer &operator=(send_buffer &&o) noexcept
	{
		if (this != &o) {
			buf_ = move(o.buf_);
			head_ = exchange(o.head_, 0);
			tail_ = exchange(o.tail_, 0);
		}
		return *this;
	}
	send_buffer(const send_buffer &) = delete;
	send_buffer &operator=(const send_buffer &) = delete;

	/**
	 * A buffer of @p capacity bytes, allocated now with @p flags.
	 * -EINVAL for 0, -ENOMEM.  May sleep if @p flags allow it.
	 *
	 * @noop example runs as a KUnit case
	 * @code
	 * auto tx = kstd::send_buffer::create(kstd::gfp::kernel, 65536);
	 * @endcode
	 */
	[[nodiscard]] static result<send_buffer> create(gfp_t flags, size_t capacity) noexcept
	{
		send_buffer b;
		b.buf_ = KSTD_TRY(detail::stream_storage(flags, capacity));
		return b;
	}

	/**
	 * Send @p bytes, or what the socket does not take now, queue it
	 * behind what is pending.  All or nothing: -EMSGSIZE (more than
	 * capacity()) and -ENOSPC (more than room()) send and queue nothing.
	 * When bytes are pending, @p bytes are queued and a flush() is tried.
	 * The socket's errors (-EPIPE, -ECONNRESET) mean the connection is
	 * broken.  @p more adds kstd::msg::more (more follows: hold a partial
	 * segment).  Process context; might sleep (the socket lock, never
	 * waits for space).
	 *
	 * @noop example(kstd::send_buffer &tx, kstd::tcp_stream &stream, kstd::string_view reply) -> void
	 * @code
	 * if (auto w = tx.write(stream, reply); !w && w.error() == kstd::error::nospc())
	 *         return;   // too much pending: wait for writable, read no more
	 * @endcode
	 */
	[[nodiscard]] result<void> write(tcp_stream &stream, span<const u8> bytes,
					 msg_flags more = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		KSTD_TRY(check_fits(bytes.size()));
		if (empty()) {
			size_t n = KSTD_TRY(
				stream.send_all(bytes.data(), bytes.size(), msg::dontwait | more));
			bytes = bytes.subspan(n);
		}
		if (bytes.empty())
			return {};
		put(bytes);
		auto f = flush(stream, more);
		if (!f && f.error() != error::again())
			return f.error();
		return {};
	}

	/** write() of a string's bytes. */
	[[nodiscard]] result<void> write(tcp_stream &stream, string_view s,
					 msg_flags more = msg::none) noexcept
	{
		return write(stream, as_u8(s), more);
	}

	/**
	 * Queue @p bytes without sending (to build a reply of several pieces,
	 * then flush() once).  -EMSGSIZE / -ENOSPC as write(), taking
	 * nothing.  Any context; doesn't sleep.
	 *
	 * @noop example(kstd::send_buffer &tx)
	 * @code
	 * KSTD_TRY(tx.append("HTTP/1.1 200 OK\r\n"));
	 * @endcode
	 */
	[[nodiscard]] result<void> append(span<const u8> bytes) noexcept
	{
		KSTD_TRY(check_fits(bytes.size()));
		put(bytes);
		return {};
	}

	/** append() of a string's bytes. */
	[[nodiscard]] result<void> append(string_view s) noexcept { return append(as_u8(s)); }

	/**
	 * The free space, contiguous, to write into in place (a formatter, a
	 * recv() straight into the buffer); then commit() what was written.
	 * room() bytes long; pending bytes may move to the front to make it
	 * so, which ends an earlier prepare()'s span.  Any context.
	 *
	 * @noop example(kstd::send_buffer &tx, kstd::tcp_stream &stream)
	 * @code
	 * kstd::span<kstd::u8> space = tx.prepare();
	 * auto n = stream.try_recv(space.data(), space.size());
	 * if (n && *n)
	 *         tx.commit(*n);
	 * @endcode
	 */
	[[nodiscard]] span<u8> prepare() noexcept
	{
		compact();
		return span<u8>(buf_.get() + tail_, capacity() - tail_);
	}

	/** Queue the first min(@p n, room()) bytes written into prepare()'s span. */
	void commit(size_t n) noexcept { tail_ += n < capacity() - tail_ ? n : capacity() - tail_; }

	/**
	 * Send what is pending, without waiting: success once the buffer is
	 * empty (also when it was), -EAGAIN while bytes remain (the socket's
	 * send buffer is full: retry on socket_event::writable), the socket's
	 * errors otherwise.  @p more as for write().  Process context; might
	 * sleep (the socket lock, never waits for space).
	 *
	 * @noop example(kstd::send_buffer &tx, kstd::tcp_stream &stream)
	 * @code
	 * auto f = tx.flush(stream);
	 * if (!f && f.error() != kstd::error::again())
	 *         return f.error(); // the connection is gone: close it
	 * // Sent, or -EAGAIN: the writable event brings us back.
	 * @endcode
	 */
	[[nodiscard]] result<void> flush(tcp_stream &stream, msg_flags more = msg::none) noexcept
	{
		KSTD_MIGHT_SLEEP();
		if (empty())
			return {};
		size_t n =
			KSTD_TRY(stream.send_all(buf_.get() + head_, size(), msg::dontwait | more));
		head_ += n;
		if (head_ != tail_)
			return error::again();
		head_ = tail_ = 0;
		return {};
	}

	/** Drop what is pending (unsent bytes are lost). Any context. */
	void clear() noexcept { head_ = tail_ = 0; }

	/** Bytes pending. */
	[[nodiscard]] size_t size() const noexcept { return tail_ - head_; }
	/** Nothing pending? */
	[[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
	/** How many more bytes fit now. */
	[[nodiscard]] size_t room() const noexcept { return capacity() - size(); }
	/** The most bytes that can wait (0 for an empty buffer). */
	[[nodiscard]] size_t capacity() const noexcept { return buf_.size(); }

private:
	static span<const u8> as_u8(string_view s) noexcept
	{
		// SAFETY: char and u8 have the same size and alignment; a byte view
		// of the same memory, read-only, as long as @p s.
		return span<const u8>(reinterpret_cast<const u8 *>(s.data()), s.size());
	}

	result<void> check_fits(size_t n) const noexcept
	{
		if (n > capacity())
			return error::msgsize();
		if (n > room())
			return error::nospc();
		return {};
	}

	/* Append @p bytes; check_fits() said they fit. */
	void put(span<const u8> bytes) noexcept
	{
		if (bytes.size() > capacity() - tail_)
			compact();
		if (!bytes.empty())
			__builtin_memcpy(buf_.get() + tail_, bytes.data(), bytes.size());
		tail_ += bytes.size();
	}

	void compact() noexcept
	{
		if (head_ == 0)
			return;
		move_bytes(buf_.get(), buf_.get() + head_, size());
		tail_ -= head_;
		head_ = 0;
	}

	unique_ptr<u8[]> buf_;
	size_t head_ = 0, tail_ = 0; // buf_[head_, tail_): queued, not sent yet
};

} // namespace kstd

#endif // KSTD_STREAM_BUFFER_HPP
