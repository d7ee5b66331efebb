// SPDX-License-Identifier: GPL-2.0-only
/*
 * A khttpd connection's life, in the order it happens:
 *
 * 1. server::on_accept() (server.cpp) makes it; kstd::tcp_server puts it
 *    on the live list and installs its socket hooks.  Every hook
 *    (on_socket(), softirq) only queues the connection's work, run().
 * 2. run() is the only code that touches the connection's state (a work
 *    item never runs on two CPUs at once).  Each pass: send what is
 *    pending, in order (flush(): the head in out, then a spliced file or
 *    a listing); then parse what is buffered and answer a complete request
 *    (serve(), which calls respond() in request.cpp); then receive more.
 *    It returns when the socket would block (wait()), or after run_budget
 *    bytes, requeued, so that others get a turn.
 * 3. wait() gives the worker back and arms the idle timer, only then, so
 *    a connection served in one run never touches a timer.  The timer's
 *    work (on_idle()) re-arms itself for the time left, or flags a
 *    timeout and queues run(), which answers 408 in the middle of a
 *    request and closes (on_timeout()).
 * 4. A response that ends the connection goes out with FIN, then
 *    linger() drops what the client still sends until it closes too, so
 *    a late request cannot turn into a reset that destroys the response.
 * 5. close() takes the connection off the live list and frees it; at
 *    unload the server frees those still open instead: kstd removes the
 *    hooks, then each work item, destroyed, is disabled and waited for,
 *    so neither run() nor on_idle() can queue the other after it went.
 *
 * Progress restarts the idle timeout, so a client sending a byte now and
 * then would keep its connection for ever.  Total deadlines, as nginx has,
 * bound what a slow client can hold: a request head must be complete
 * header_timeout seconds after its first byte (or after the end of the
 * response before it, if it was pipelined), else 408 and close; the rest
 * of a request body that is dropped must arrive within body_timeout
 * seconds once its response is sent, else 408 and close; a lingering
 * close lasts at most lingering_time seconds.  These count as timeouts.
 * The idle timer checks whichever comes first: no second timer.  Idle
 * connections close silently between requests, with 408 in the middle of
 * one; a response the client stops reading is cut off after the same
 * time.  Peer resets and broken pipes are counted, not logged.
 */
#include "connection.hpp"

#include "server.hpp"

namespace khttpd {

/* ---- 1. news from the socket ----------------------------------------------- */

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
}

/* ---- 2. the work: send, parse and answer, receive --------------------------- */

void connection::run() noexcept
{
	if (timed_out.exchange(false))
		return on_timeout();
	size_t budget = 0;
	for (;;) {
		/* 1. Output first: responses go out in order, one at a time. */
		if (out_pos < out_len || body != body_kind::none) {
			switch (flush(budget)) {
			case progress::blocked:
				return wait(); /* the writable hook requeues us */
			case progress::failed:
				return close(ending::reset);
			case progress::budget:
				srv.tcp.queue().queue(work);
				return;
			case progress::done:
				break;
			}
			if (!keep_alive)
				return linger();
		}
		if (closing)
			return linger();
		/*
		 * 2. A request in the buffer.  Its head must be complete within
		 * header_timeout of its first byte, or of the end of the
		 * response before it (a pipelined one).
		 */
		if (!rx.empty() && !discard) {
			if (!deadline.load_relaxed())
				start_deadline(srv.cfg.head_deadline);
			switch (parser.parse(rx.text())) {
			case http::parse_status::complete:
				clear_deadline();
				serve();
				continue;
			case http::parse_status::error:
				clear_deadline();
				version_minor = 1;
				respond_error(parser.error_status(), false);
				rx.clear();
				continue;
			case http::parse_status::incomplete:
				break; /* never a full rx: the parser stops at max_head */
			}
		}
		/* 3. More input. */
		if (budget >= run_budget) {
			srv.tcp.queue().queue(work);
			return;
		}
		/*
		 * The rest of a dropped body has body_timeout, from now: the
		 * response is out (the client may have been reading a long one
		 * meanwhile, its body waiting in the socket).
		 */
		if (discard && !deadline.load_relaxed())
			start_deadline(srv.cfg.body_deadline);
		size_t before = rx.size();
		auto got = rx.fill(stream);
		if (!got)
			return close(ending::reset);
		if (*got == kstd::recv_status::again)
			return wait(); /* the data-ready hook requeues us */
		if (*got == kstd::recv_status::eof)
			return close(ending::normal); /* the peer closed */
		touch();
		budget += rx.size() - before;
		if (discard) {
			/* What follows the body (a pipelined request) stays. */
			size_t n = discard < rx.size() ? static_cast<size_t>(discard) : rx.size();
			rx.consume(n);
			discard -= n;
			if (!discard)
				clear_deadline(); /* the body is all in */
		}
	}
}

/* Send what is pending: out, then the body. */
progress connection::flush(size_t &budget) noexcept
{
	for (;;) {
		if (out_pos < out_len) {
			kstd::msg_flags f = kstd::msg::dontwait;
			/*
			 * More follows: the body, or the FIN of a closing
			 * response (linger() sends it with the last bytes).
			 */
			if (body != body_kind::none || !keep_alive)
				f |= kstd::msg::more;
			auto n = stream.send(out.get() + out_pos, out_len - out_pos, f);
			if (!n)
				return n.error() == kstd::error::again() ? progress::blocked
									 : progress::failed;
			out_pos += static_cast<u32>(*n);
			budget += *n;
			srv.counters.bytes_sent.add(*n);
			touch();
			if (out_pos < out_len)
				return progress::blocked;
			continue;
		}
		out_pos = out_len = 0;
		switch (body) {
		case body_kind::none:
			return progress::done;
		case body_kind::file: {
			if (!body_left) {
				body = body_kind::none;
				body_src = nullptr;
				return progress::done;
			}
			if (budget >= run_budget)
				return progress::budget;
			size_t len = body_left < splice_chunk ? static_cast<size_t>(body_left)
							      : splice_chunk;
			auto n = body_src->file.send(stream, body_pos, len,
						     keep_alive ? kstd::msg::dontwait
								: kstd::msg::dontwait |
									  kstd::msg::more);
			if (!n)
				return n.error() == kstd::error::again() ? progress::blocked
									 : progress::failed;
			if (*n == 0) /* the file shrank: the promised length cannot be met */
				return progress::failed;
			body_left -= *n;
			budget += *n;
			srv.counters.bytes_sent.add(*n);
			touch();
			continue;
		}
		case body_kind::listing:
			if (budget >= run_budget)
				return progress::budget;
			fill_listing();
			if (body == body_kind::listing && out_len == 0)
				return progress::failed; /* could not make progress */
			continue;
		}
	}
}

/* A complete request is at in[0]: answer it, then drop it (and its body). */
void connection::serve() noexcept
{
	const http::request &r = parser.request();
	size_t head = parser.consumed();
	u64 body_len = r.content_length;
	if (++served == 2 && !nodelay) {
		/* Keep-alive: small responses must not wait for ACKs (Nagle). */
		nodelay = stream.set_nodelay(true).has_value();
	}
	respond(r);
	/* The body, as far as it is here; the rest is dropped as it arrives. */
	size_t here = rx.size() - head;
	size_t drop = body_len < here ? static_cast<size_t>(body_len) : here;
	discard = body_len - drop;
	size_t used = head + drop;
	rx.consume(used);
	parser.reset();
}

/* ---- 3. waiting, idleness and deadlines ------------------------------------ */

void connection::wait() noexcept
{
	/* A client that keeps sending a little never looks idle: check here too. */
	if (past_deadline())
		return on_timeout();
	if (!idle.pending()) {
		armed_for = deadline.load_relaxed();
		srv.tcp.queue().queue(idle, next_check(srv.cfg.idle_timeout));
	} else if (unsigned long d = deadline.load_relaxed(); d && d != armed_for) {
		/* Armed for the idle time alone: bring it forward. */
		armed_for = deadline.load_relaxed();
		srv.tcp.queue().mod(idle, next_check(srv.cfg.idle_timeout));
	}
}

kstd::jiffies connection::next_check(kstd::jiffies idle_left) const noexcept
{
	unsigned long d = deadline.load_relaxed();
	if (!d)
		return idle_left;
	long left = static_cast<long>(d - kstd::jiffies::now().count);
	if (left <= 0)
		return {0};
	return static_cast<unsigned long>(left) < idle_left.count
		       ? kstd::jiffies{static_cast<unsigned long>(left)}
		       : idle_left;
}

void connection::on_idle() noexcept
{
	/*
	 * run() may set a deadline and re-arm this while it runs; a mod here
	 * that read the deadline before may then arm for later than it.  The
	 * next expiry, at most the idle time away, still sees it: a deadline
	 * is late by less than timeout at worst (and a client that sends is
	 * caught by wait() anyway).
	 */
	unsigned long last = last_active.load_relaxed();
	kstd::jiffies idle_for = kstd::jiffies::now().since({last});
	if (idle_for < srv.cfg.idle_timeout) {
		kstd::jiffies left = next_check({srv.cfg.idle_timeout.count - idle_for.count});
		if (left.count) {
			srv.tcp.queue().mod(idle, left);
			return;
		}
	}
	timed_out.store_release(true);
	srv.tcp.queue().queue(work);
}

void connection::on_timeout() noexcept
{
	/*
	 * The timer saw no progress for the whole timeout, or a total deadline
	 * passed.  But under load this work may not have run for a while:
	 * bytes waiting in the socket are activity, not idleness (they do not
	 * move a deadline, though).
	 */
	char probe;
	bool overdue = past_deadline();
	if (!overdue && !closing && out_pos == out_len && body == body_kind::none &&
	    stream.recv(&probe, 1, kstd::msg::dontwait | kstd::msg::peek).value_or(0) > 0) {
		touch();
		armed_for = deadline.load_relaxed();
		srv.tcp.queue().mod(idle, next_check(srv.cfg.idle_timeout));
		srv.tcp.queue().queue(work);
		return;
	}
	srv.counters.timeouts.add();
	if (!closing && out_pos == out_len && body == body_kind::none &&
	    (!rx.empty() || discard || parser.scanned())) {
		/*
		 * In the middle of a request: say so, then close.  Drop what a
		 * trickling client sent meanwhile first (a bounded amount):
		 * closing with unread input sends a reset at once.
		 */
		for (size_t dropped = 0; overdue && dropped < run_budget;) {
			rx.clear();
			auto got = rx.fill(stream);
			if (!got || *got != kstd::recv_status::data)
				break;
			dropped += rx.size();
		}
		version_minor = 1;
		respond_error(408, false);
		(void)stream.send_all(out.get(), out_len, kstd::msg::dontwait);
	}
	close(ending::timeout);
}

/* ---- 4. lingering close ------------------------------------------------------ */

/*
 * The response that ends the connection is out: send FIN, then drop what
 * the client still sends until it closes too (or the idle timeout).
 * Closing at once with unread data would send a reset, which can destroy
 * the response before the client has read it.
 */
void connection::linger() noexcept
{
	bool first = !closing;
	if (first) {
		closing = true;
		(void)stream.shutdown(kstd::shutdown_how::write);
		start_deadline(srv.cfg.linger_deadline); /* then close, whatever still comes */
	}
	size_t dropped = 0;
	for (;;) {
		rx.clear(); /* nothing more is answered */
		auto got = rx.fill(stream);
		if (!got)
			return close(ending::normal); /* a reset after our FIN: fine */
		if (*got == kstd::recv_status::again) {
			/* Nothing was pending at all: no reset to fear, close now. */
			if (first && !dropped)
				return close(ending::normal);
			return wait(); /* for the client's FIN (or the idle timeout) */
		}
		if (*got == kstd::recv_status::eof)
			return close(ending::normal);
		touch();
		dropped += rx.size();
		if (dropped >= run_budget) {
			srv.tcp.queue().queue(work);
			return;
		}
	}
}

/* ---- 5. the end ---------------------------------------------------------------- */

void connection::close(ending why) noexcept
{
	server &s = srv;
	auto self = s.tcp.release(*this);
	if (!self)
		return; /* the server is unloading and owns us now */
	if (why == ending::reset)
		s.counters.resets.add();
	/* self goes here: hooks removed, timer and work cancelled, socket released. */
}

} // namespace khttpd
