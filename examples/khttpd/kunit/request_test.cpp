// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd: servers of the suite's own (../server.cpp, connection.cpp,
 * request.cpp, listing.cpp, without the module's entry) on a private
 * ramfs document root, answering real loopback clients: files with their
 * framing and keep-alive, HEAD, the status of malformed requests and the
 * close after them, 405 with its body dropped, traversal and symbolic
 * links out of the root refused, unreadable, hidden and special files,
 * directories (301, index.html, listing), HTTP/1.0 keep-alive, ranges and
 * If-Modified-Since, a spliced large file, pipelining, the connection
 * limit, and the open-file cache seen from a client (a changed file is
 * served current; a replaced one after cache_ms).
 */
#include <kstd/module.hpp>

#include "khttpd_test.hpp"

namespace {

using khttpd_test::body_is;
using khttpd_test::client;
using khttpd_test::contains;
using khttpd_test::docroot;
using kstd::size_t;
using kstd::string_view;
using kstd::u64;
using namespace kstd::literals;

/* The pieces every case needs: a tree, a server on it, a client. */
struct fixture {
	docroot tree;
	kstd::unique_ptr<khttpd::server> srv;
	bool ok = false;

	[[gnu::noinline]] explicit fixture(
		kstd::kunit::test &test, const khttpd::settings &cfg = khttpd_test::test_settings())
		: tree(test)
	{
		if (!tree.ok || !khttpd_test::net_ready(test))
			return;
		auto s = khttpd_test::start(tree, cfg);
		KSTD_EXPECT_OK(s);
		if (!s)
			return;
		srv = kstd::move(*s);
		ok = true;
	}
	/* The server goes before the tree it serves (members: reverse order). */
	~fixture() { srv.reset(); }

	kstd::result<client> connect() { return client::connect(*srv); }
};

/* GET @path over HTTP/1.1 (Host: t), @extra header lines in between. */
struct get {
	kstd::fixed_string<200> text;
	explicit get(string_view path, string_view extra = {}, string_view method = "GET")
	{
		text.appendf("%.*s %.*s HTTP/1.1\r\nHost: t\r\n%.*s\r\n",
			     static_cast<int>(method.size()), method.data(),
			     static_cast<int>(path.size()), path.data(),
			     /* never a null pointer for %s, even with no bytes */
			     static_cast<int>(extra.size()), extra.empty() ? "" : extra.data());
	}
	operator string_view() const { return text.view(); }
};

struct status_case {
	const char *name;
	string_view path;
	unsigned int status;
};

} // namespace

KSTD_TEST_SUITE(khttpd);

/*
 * A file: 200 with its exact length, type and body, and the connection
 * stays open for the next request (HTTP/1.1 keep-alive).
 */
KSTD_TEST(khttpd, serves_a_file_and_keeps_the_connection)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "hello world");
	KSTD_EXPECT_EQ(r->header("Content-Length"), "11");
	KSTD_EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
	KSTD_EXPECT_EQ(r->header("Accept-Ranges"), "bytes");
	KSTD_EXPECT(r->has_header("Last-Modified") && r->has_header("Date"));
	KSTD_EXPECT(!r->has_header("Connection"));

	r = c->request(get("/page.html"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "<p>hi</p>");
	KSTD_EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8");
	KSTD_EXPECT(c->quiet_for(50)); /* nothing beyond the two responses */
	KSTD_EXPECT(
		khttpd_test::eventually([&] { return f.srv->counters.responses[2].get() == 2; }));
	KSTD_EXPECT_EQ(f.srv->tcp.open_connections(), 1u);
}

/* HEAD: the GET's head, Content-Length included, and not one body byte. */
KSTD_TEST(khttpd, head_sends_the_head_only)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/big.bin", {}, "HEAD"), body_is::absent);
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->header("Content-Length"), "100007");
	KSTD_EXPECT(c->quiet_for(100));
	/* The next response starts right after the head: nothing in between. */
	r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "hello world");
}

/*
 * Requests the parser refuses get its status, with Connection: close,
 * and the connection ends (nothing after a broken request is trusted).
 */
struct bad_request {
	const char *name;
	string_view request;
	unsigned int status;
};
static constexpr bad_request bad_requests[] = {
	{"garbage", "garbage\r\n\r\n"_sv, 400},
	{"no_host", "GET /a.txt HTTP/1.1\r\n\r\n"_sv, 400},
	{"two_hosts", "GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"_sv, 400},
	{"unknown_method", "BREW /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"_sv, 501},
	{"http2", "GET /a.txt HTTP/2.0\r\nHost: t\r\n\r\n"_sv, 505},
	{"body_too_large", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1048577\r\n\r\n"_sv, 413},
};

KSTD_TEST_P(khttpd, malformed_requests_get_their_status_then_close, bad_requests)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(param.request);
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, param.status);
	KSTD_EXPECT_EQ(r->header("Connection"), "close");
	KSTD_EXPECT(c->closed_by_server());
	KSTD_EXPECT(khttpd_test::eventually([&] { return f.srv->tcp.open_connections() == 0; }));
}

/* A request line over 4 KiB: 414, and close. */
KSTD_TEST(khttpd, a_long_request_line_is_414)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	constexpr string_view start = "GET /", end = " HTTP/1.1\r\nHost: t\r\n\r\n";
	constexpr size_t len = start.size() + 4200 + end.size();
	auto req = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, len);
	KSTD_ASSERT(req.has_value());
	kstd::copy_bytes(req->get(), start.data(), start.size());
	kstd::fill_bytes(req->get() + start.size(), 'a', 4200);
	kstd::copy_bytes(req->get() + start.size() + 4200, end.data(), end.size());
	auto r = c->request(string_view(req->get(), len));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 414u);
	KSTD_EXPECT(c->closed_by_server());
}

/*
 * Methods other than GET and HEAD: 405 with Allow, the connection kept,
 * and the request's body dropped rather than read as the next request.
 */
KSTD_TEST(khttpd, other_methods_are_405_and_their_body_is_dropped)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request("POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 19\r\n\r\n"
			    "GET /x HTTP/1.1\r\n\r\n"_sv);
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 405u);
	KSTD_EXPECT_EQ(r->header("Allow"), "GET, HEAD");
	KSTD_EXPECT(!r->has_header("Connection"));
	r = c->request(get("/sub/b.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "bee");
	KSTD_EXPECT(c->quiet_for(50));
}

/*
 * Nothing outside the root: ".." above it (plain, percent-encoded, or
 * after a directory) is 400; symbolic links pointing out are 403.  No
 * answer carries the secret.
 */
static constexpr status_case traversals[] = {
	{"dotdot", "/../secret.txt", 400},
	{"encoded", "/%2e%2e/secret.txt", 400},
	{"encoded_slash", "/..%2fsecret.txt", 400},
	{"after_a_directory", "/sub/../../secret.txt", 400},
	{"absolute_link", "/abs-link", 403},
	{"relative_link", "/rel-link", 403},
};

KSTD_TEST_P(khttpd, traversal_is_refused, traversals)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get(param.path));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, param.status);
	KSTD_EXPECT(!contains(r->body, "secret"));
}

/* What exists but must not be served, and what does not exist. */
static constexpr status_case refusals[] = {
	{"unreadable_by_others", "/private.txt", 403},
	{"dot_file", "/.hidden", 404},
	{"fifo", "/fifo", 403},
	{"missing", "/nope.txt", 404},
	{"below_a_file", "/a.txt/x", 404},
	{"inside_dotdot_ok", "/sub/../a.txt", 200},
};

KSTD_TEST_P(khttpd, refuses_what_it_must_not_serve, refusals)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get(param.path));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, param.status);
	if (param.status == 200)
		KSTD_EXPECT_EQ(r->body, "hello world");
	/* 403 and 404 keep the connection. */
	r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
}

/* With dotfiles set, a dot file is served. */
KSTD_TEST(khttpd, dotfiles_serves_dot_files)
{
	khttpd::settings cfg = khttpd_test::test_settings();
	cfg.dotfiles = true;
	fixture f(test, cfg);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/.hidden"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "dot");
}

/*
 * Directories: without the '/' a 301 to it (query kept); with it the
 * index.html, or else a chunked listing of the entries (dot files left
 * out), or 403 when listings are off.
 */
KSTD_TEST(khttpd, directories)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/sub?x=1"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 301u);
	KSTD_EXPECT_EQ(r->header("Location"), "/sub/?x=1");

	r = c->request(get("/withindex/"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "<h1>index</h1>");

	r = c->request(get("/"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->header("Transfer-Encoding"), "chunked");
	KSTD_EXPECT(contains(r->body, "a.txt"));
	KSTD_EXPECT(contains(r->body, "sub/"));
	KSTD_EXPECT(contains(r->body, "big.bin"));
	KSTD_EXPECT(!contains(r->body, ".hidden"));
	KSTD_EXPECT(c->quiet_for(50));

	khttpd::settings cfg = khttpd_test::test_settings();
	cfg.listing = false;
	fixture g(test, cfg);
	KSTD_ASSERT(g.ok);
	auto d = g.connect();
	KSTD_ASSERT_OK(d);
	r = d->request(get("/sub/"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 403u);
}

/*
 * Keep-alive decisions: HTTP/1.0 closes unless asked to keep alive (and
 * then says so); HTTP/1.1 keeps alive unless asked to close.
 */
KSTD_TEST(khttpd, keep_alive_follows_the_request)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	{
		auto c = f.connect();
		KSTD_ASSERT_OK(c);
		auto r = c->request("GET /a.txt HTTP/1.0\r\n\r\n"_sv);
		KSTD_ASSERT_OK(r);
		KSTD_EXPECT_EQ(r->status, 200u); /* answered as HTTP/1.1 */
		KSTD_EXPECT_EQ(r->header("Connection"), "close");
		KSTD_EXPECT_EQ(r->body, "hello world");
		KSTD_EXPECT(c->closed_by_server());
	}
	{
		auto c = f.connect();
		KSTD_ASSERT_OK(c);
		auto r = c->request("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"_sv);
		KSTD_ASSERT_OK(r);
		KSTD_EXPECT_EQ(r->header("Connection"), "keep-alive");
		r = c->request("GET /sub/b.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"_sv);
		KSTD_ASSERT_OK(r);
		KSTD_EXPECT_EQ(r->body, "bee");
	}
	{
		auto c = f.connect();
		KSTD_ASSERT_OK(c);
		auto r = c->request(get("/a.txt", "Connection: close\r\n"));
		KSTD_ASSERT_OK(r);
		KSTD_EXPECT_EQ(r->status, 200u);
		KSTD_EXPECT_EQ(r->header("Connection"), "close");
		KSTD_EXPECT(c->closed_by_server());
	}
}

/* Ranges (206, 416) and If-Modified-Since (304 without a body, or 200). */
KSTD_TEST(khttpd, ranges_and_conditional_requests)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/a.txt", "Range: bytes=0-4\r\n"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 206u);
	KSTD_EXPECT_EQ(r->body, "hello");
	KSTD_EXPECT_EQ(r->header("Content-Range"), "bytes 0-4/11");

	r = c->request(get("/a.txt", "Range: bytes=-5\r\n"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 206u);
	KSTD_EXPECT_EQ(r->body, "world");

	r = c->request(get("/a.txt", "Range: bytes=20-\r\n"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 416u);
	KSTD_EXPECT_EQ(r->header("Content-Range"), "bytes */11");

	r = c->request(get("/a.txt", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT\r\n"),
		       body_is::absent);
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 304u);
	KSTD_EXPECT(!r->has_header("Content-Length"));
	KSTD_EXPECT(c->quiet_for(50));

	r = c->request(get("/a.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT_EQ(r->body, "hello world");
}

/* A file larger than the connection's buffer is spliced, byte for byte. */
KSTD_TEST(khttpd, a_large_file_arrives_whole)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/big.bin"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
	KSTD_EXPECT(khttpd_test::body_is_big_bin(r->body));
	KSTD_EXPECT_EQ(r->header("Content-Type"), "application/octet-stream");
	r = c->request(get("/big.bin", "Range: bytes=99990-\r\n"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 206u);
	KSTD_EXPECT_EQ(r->body.size(), 17u);
	KSTD_EXPECT(r->body.size() == 17 && r->body[0] == khttpd_test::big_byte(99990) &&
		    r->body[16] == khttpd_test::big_byte(100006));
}

/* Pipelined requests in one send: answered in order. */
KSTD_TEST(khttpd, pipelined_requests_are_answered_in_order)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	KSTD_ASSERT_OK(c->send("GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n"
			       "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
			       "GET /sub/b.txt HTTP/1.1\r\nHost: t\r\n\r\n"_sv));
	auto r = c->read();
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "hello world");
	r = c->read();
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 404u);
	r = c->read();
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "bee");
	KSTD_EXPECT(c->quiet_for(50));
}

/* Over max_connections, a new connection gets 503 with Retry-After, then the end. */
KSTD_TEST(khttpd, over_the_connection_limit_is_503)
{
	khttpd::settings cfg = khttpd_test::test_settings();
	cfg.max_connections = 1;
	fixture f(test, cfg);
	KSTD_ASSERT(f.ok);
	auto first = f.connect();
	KSTD_ASSERT_OK(first);
	KSTD_ASSERT(khttpd_test::eventually([&] { return f.srv->tcp.open_connections() == 1; }));
	auto second = f.connect();
	KSTD_ASSERT_OK(second);
	auto r = second->read();
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 503u);
	KSTD_EXPECT_EQ(r->header("Retry-After"), "1");
	KSTD_EXPECT(second->closed_by_server());
	/* Counted after the 503 went out: the client may see it first. */
	KSTD_EXPECT(khttpd_test::eventually([&] { return f.srv->counters.rejected.get() == 1; }));
	/* The first is served as usual. */
	r = first->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->status, 200u);
}

/*
 * The open-file cache from a client: a hit stats the file again, so a
 * file changed in place is served with its new length and contents.
 */
KSTD_TEST(khttpd, a_changed_file_is_served_current)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "hello world");
	KSTD_ASSERT_EQ(f.tree.rewrite("www/a.txt", "hello again, world"), 0);
	r = c->request(get("/a.txt")); /* within cache_ms: the cached open file */
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->header("Content-Length"), "18");
	KSTD_EXPECT_EQ(r->body, "hello again, world");
}

/*
 * A file replaced under its name (a new inode): the cached open file is
 * served until cache_ms has passed, then the new one; without a cache,
 * the new one at once.
 */
KSTD_TEST(khttpd, a_replaced_file_is_served_after_cache_ms)
{
	khttpd::settings cfg = khttpd_test::test_settings();
	cfg.cache_ttl = kstd::msecs(300);
	fixture f(test, cfg);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "hello world");
	KSTD_ASSERT_EQ(f.tree.replace("www/a.txt", "new"), 0);
	r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "hello world"); /* the cached file, still open */
	kstd::msleep(400);
	r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "new");

	cfg.cache_ttl = kstd::jiffies{0};
	fixture g(test, cfg);
	KSTD_ASSERT(g.ok);
	auto d = g.connect();
	KSTD_ASSERT_OK(d);
	r = d->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "hello world");
	KSTD_ASSERT_EQ(g.tree.replace("www/a.txt", "new"), 0);
	r = d->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(r->body, "new");
}

/* Stopping the server (the module's unload) closes its open connections. */
KSTD_TEST(khttpd, stopping_closes_open_connections)
{
	fixture f(test);
	KSTD_ASSERT(f.ok);
	auto c = f.connect();
	KSTD_ASSERT_OK(c);
	auto r = c->request(get("/a.txt"));
	KSTD_ASSERT_OK(r);
	KSTD_EXPECT_EQ(f.srv->tcp.stop(), 1u);
	KSTD_EXPECT(c->closed_by_server());
}

KSTD_TEST_SUITE_END(khttpd);

KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("KUnit suites of khttpd, the kstd HTTP server");
