// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_http_floor: the floor of the HTTP benchmarks.  An in-kernel
 * responder on kstd that answers every request head with one canned
 * response, so that `make bench` can show how much of the guest's HTTP
 * throughput is the kernel's TCP path and kstd's serving skeleton, and how
 * much is khttpd's own work (each server's share of the floor).
 *
 * It is built exactly like khttpd where khttpd spends nothing on HTTP: one
 * kstd::tcp_server (a dual-stack listener on [::], IPv4 alone without
 * IPv6; backlog 1024; TCP_DEFER_ACCEPT 1 s; one accept run takes the whole
 * backlog), an unbound normal-priority workqueue, and per connection the
 * same 8 KiB kstd::recv_buffer and socket hooks that only queue the
 * connection's work, which runs until the socket would block.  What is
 * left is the least an HTTP server can do:
 *
 *   - read until the end of a request head ("\r\n\r\n", found across
 *     reads); a head that does not fit the 8 KiB buffer closes the
 *     connection without an answer;
 *   - answer it with one canned response: "200 OK", Content-Length, and
 *     the body given by the parameter body (default "Hello World\n", the
 *     12 bytes the benchmarks' index.html holds; \n \r \t \\ and \xHH
 *     escapes are decoded, since a module parameter cannot end in a
 *     newline), in one send;
 *   - keep the connection if the request line ends in HTTP/1.1 and no
 *     Connection header says close, or in HTTP/1.0 and one says
 *     keep-alive (a case-insensitive scan for the header name and the
 *     token, not a parser); else send FIN after the response and drop what
 *     the client still sends until it closes;
 *   - pipelined requests each get their answer, in order;
 *   - TCP_NODELAY from the second request of a connection on, as khttpd.
 *
 * What it deliberately does not do: parse or validate the request
 * (method, target, header syntax: anything ending in "\r\n\r\n" is
 * answered 200), look at the path, open or send files (so it cannot serve
 * the benchmarks' 1 MiB file: it is measured for the small file only),
 * read request bodies (Content-Length is ignored: a body would be taken
 * for the next head), send Date, Server, Content-Type or Last-Modified,
 * answer errors (400, 408, 503 ...), limit connections, or time out an
 * idle or slow connection (a client that never closes keeps its
 * connection until unload).  It is a measuring tool, not a server.
 *
 * Counters: /proc/kstd_http_floor (requests answered, connections, heads
 * too large).  Unloading closes every connection still open.
 *
 * Parameters: port (8084), body (the response body, at most 1023 bytes
 * after decoding).  Read-only once loaded.
 */
#include <kstd/counter.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/module.hpp>
#include <kstd/param.hpp>
#include <kstd/proc.hpp>
#include <kstd/stream_buffer.hpp>
#include <kstd/string.hpp>
#include <kstd/tcp_server.hpp>
#include <kstd/workqueue.hpp>

KSTD_MODULE_PARAM(port, u16, 8084, 0444, "TCP port to listen on (IPv4 and IPv6)");
KSTD_MODULE_PARAM_STRING(body, 1024, "Hello World\n", 0444,
			 "response body; \\n \\r \\t \\\\ and \\xHH are decoded");

namespace {

using kstd::size_t;
using kstd::string_view;

/* The longest request head: khttpd's in_size. */
constexpr size_t in_size = 8192;
/* Bytes of requests one work run may answer before it requeues itself. */
constexpr size_t run_budget = 64 * 1024;
constexpr size_t body_max = 1023;
/* The status line and headers, then the body. */
constexpr size_t response_max = 256 + body_max;
using response = kstd::fixed_string<response_max>;

struct server;

struct connection : kstd::tcp_connection {
	connection(server &s, kstd::tcp_stream st, kstd::recv_buffer r) noexcept
		: kstd::tcp_connection(kstd::move(st)), srv(s), rx(kstd::move(r))
	{
	}

	/* Socket hook: softirq context.  Only queues run(). */
	void on_socket(kstd::socket_events) noexcept;
	/* Process context: answer what is buffered, read more, until -EAGAIN. */
	void run() noexcept;
	/* Send what is left of the current response; false: blocked or failed. */
	bool flush() noexcept;
	void linger() noexcept;
	void close() noexcept;

	server &srv;
	kstd::recv_buffer rx;
	const response *out = nullptr; /* being sent, from out_pos */
	size_t out_pos = 0;
	size_t scanned = 0; /* rx bytes known to hold no "\r\n\r\n" */
	unsigned int served = 0;
	bool keep_alive = true; /* of the response being sent */
	bool closing = false;	/* FIN sent: dropping input until the peer's */
	bool failed = false;	/* a send failed: close */
	kstd::work<connection, &connection::run> work{this};
};

struct server {
	response keep, last; /* with "Connection: keep-alive" / "close" */
	kstd::stat_counter requests, oversized;
	kstd::tcp_server<server, connection> tcp{*this};

	kstd::unique_ptr<connection> on_accept(kstd::tcp_stream &s) noexcept
	{
		auto r = kstd::recv_buffer::create(kstd::gfp::kernel, in_size);
		if (!r)
			return nullptr;
		auto c = kstd::make_unique<connection>(kstd::gfp::kernel, *this, kstd::move(s),
						       kstd::move(*r));
		return c ? kstd::move(*c) : nullptr;
	}

	/* /proc/kstd_http_floor; process context. */
	void show(kstd::seq_file &m)
	{
		const kstd::tcp_server_stats &t = tcp.stats();
		m.printf("requests: %llu\n", requests.get());
		m.printf("heads_too_large: %llu\n", oversized.get());
		m.printf("connections_accepted: %llu\n", t.accepted.get());
		m.printf("connections_open: %llu\n", t.open.get());
		m.printf("errors: %llu\n", t.errors.get());
	}

	~server() { tcp.stop(); }
};

/* The body parameter with its escapes decoded; false if one is malformed. */
bool decode_body(string_view in, kstd::fixed_string<body_max> &out) noexcept
{
	for (size_t i = 0; i < in.size(); i++) {
		char c = in[i];
		if (c == '\\') {
			if (++i == in.size())
				return false;
			switch (in[i]) {
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case '\\':
				c = '\\';
				break;
			case 'x': {
				if (in.size() - i < 3)
					return false;
				int hi = kstd::hex_value(in[i + 1]),
				    lo = kstd::hex_value(in[i + 2]);
				if (hi < 0 || lo < 0)
					return false;
				c = static_cast<char>(hi * 16 + lo);
				i += 2;
				break;
			}
			default:
				return false;
			}
		}
		if (!out.push_back(c))
			return false;
	}
	return true;
}

bool make_response(response &r, string_view body, string_view connection) noexcept
{
	return r.appendf("HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: ", body.size()) &&
	       r.append(connection) && r.append("\r\n\r\n") && r.append(body);
}

/*
 * Does the head @h (request line to "\r\n\r\n") keep the connection?
 * HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "Connection:
 * keep-alive", anything else not.  A token search in the Connection
 * lines, no parsing.
 */
bool wants_keep_alive(string_view h) noexcept
{
	size_t eol = h.find("\r\n");
	string_view line = h.first(eol);
	bool v11 = line.iends_with(" HTTP/1.1");
	if (!v11 && !line.iends_with(" HTTP/1.0"))
		return false;
	bool keep = v11;
	while (eol != string_view::npos) {
		size_t start = eol + 2;
		eol = h.find("\r\n", start);
		line = h.substr(start, eol == string_view::npos ? string_view::npos : eol - start);
		if (!line.istarts_with("connection:"))
			continue;
		string_view v = line.substr(11);
		for (size_t i = 0; i < v.size(); i++) {
			string_view rest = v.substr(i);
			if (v11 && rest.istarts_with("close"))
				keep = false;
			else if (!v11 && rest.istarts_with("keep-alive"))
				keep = true;
		}
	}
	return keep;
}

void connection::on_socket(kstd::socket_events) noexcept
{
	srv.tcp.queue().queue(work);
}

bool connection::flush() noexcept
{
	while (out) {
		auto n = stream.send(out->data() + out_pos, out->size() - out_pos,
				     keep_alive ? kstd::msg::dontwait
						: kstd::msg::dontwait | kstd::msg::more);
		if (!n) {
			failed = n.error() != kstd::error::again();
			return false; /* the writable hook requeues us */
		}
		out_pos += *n;
		if (out_pos == out->size())
			out = nullptr;
	}
	return true;
}

void connection::run() noexcept
{
	if (closing)
		return linger();
	size_t answered = 0;
	for (;;) {
		if (!flush()) {
			if (failed)
				close();
			return;
		}
		if (!keep_alive)
			return linger();
		/* A complete head buffered: answer it. */
		string_view text = rx.text();
		size_t from = scanned > 3 ? scanned - 3 : 0;
		size_t end = text.find("\r\n\r\n", from);
		if (end != string_view::npos) {
			size_t head = end + 4;
			keep_alive = wants_keep_alive(text.first(head));
			rx.consume(head);
			scanned = 0;
			if (++served == 2)
				(void)stream.set_nodelay(true);
			out = keep_alive ? &srv.keep : &srv.last;
			out_pos = 0;
			srv.requests.add();
			answered += head;
			continue;
		}
		scanned = text.size();
		if (scanned == rx.capacity()) {
			srv.oversized.add(); /* no end of head in 8 KiB */
			return close();
		}
		if (answered >= run_budget) {
			srv.tcp.queue().queue(work); /* others get this worker too */
			return;
		}
		auto got = rx.fill(stream);
		if (!got || *got == kstd::recv_status::eof)
			return close();
		if (*got == kstd::recv_status::again)
			return; /* the data-ready hook requeues us */
	}
}

/*
 * The last response is out: FIN, then drop input until the client closes.
 * Closing with unread input would reset the connection and could destroy
 * the response before the client read it.
 */
void connection::linger() noexcept
{
	bool first = !closing;
	if (first) {
		closing = true;
		(void)stream.shutdown(kstd::shutdown_how::write);
	}
	for (;;) {
		rx.clear(); /* nothing more is answered */
		auto got = rx.fill(stream);
		if (!got || *got == kstd::recv_status::eof)
			return close();
		if (*got == kstd::recv_status::again) {
			if (first)
				return close(); /* nothing was unread: no reset to fear */
			return;			/* for the client's FIN */
		}
		first = false;
	}
}

void connection::close() noexcept
{
	auto self = srv.tcp.release(*this);
	(void)self; /* null: the server is stopping and owns us; else freed here */
}

struct floor_module {
	kstd::unique_ptr<server> srv;
	/* Reads srv: declared after it, so it goes first. */
	kstd::proc_entry proc;

	void show(kstd::seq_file &m) { srv->show(m); }

	static kstd::result<kstd::unique_ptr<floor_module>> create() noexcept;
	~floor_module()
	{
		if (srv)
			kstd_pr_info("unloaded, closed %zu open connection(s)\n", srv->tcp.stop());
	}
};

kstd::result<kstd::unique_ptr<floor_module>> floor_module::create() noexcept
{
	kstd::fixed_string<body_max> b;
	if (!decode_body(body.view(), b)) {
		kstd_pr_err("body: a malformed escape, or longer than %zu bytes\n", body_max);
		return kstd::error::inval();
	}
	auto self = KSTD_TRY(kstd::make_unique<floor_module>(kstd::gfp::kernel));
	self->srv = KSTD_TRY(kstd::make_unique<server>(kstd::gfp::kernel));
	if (!make_response(self->srv->keep, b, "keep-alive") ||
	    !make_response(self->srv->last, b, "close"))
		return kstd::error::inval();
	/* khttpd's listener settings (its module.cpp), so only the work differs. */
	auto listening = self->srv->tcp.listen("kstd_http_floor", {.port = port.get(),
								   .backlog = 1024,
								   .queue_flags = kstd::wq::unbound,
								   .accept_batch = 1024,
								   .defer_accept_s = 1});
	if (!listening) {
		kstd_pr_err("cannot listen on port %u: %d\n", port.get(), listening.to_errno());
		return listening.error();
	}
	self->proc = KSTD_TRY(kstd::proc_entry::create("kstd_http_floor", 0444, *self));
	kstd_pr_info("answering on port %u with a %zu-byte body\n", port.get(), b.size());
	return self;
}

} // namespace

KSTD_MODULE(floor_module);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("Bench-only floor: a canned HTTP response to every request head");
