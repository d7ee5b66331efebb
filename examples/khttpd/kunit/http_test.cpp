// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd_http: the HTTP/1.x request parser, dates, ranges, path
 * normalisation, escaping and MIME types of khttpd's protocol header
 * (../http.hpp).
 *
 * The same file runs on the host (examples/khttpd/tests/http_host_test.cpp, with ASan
 * and UBSan): there KSTD_HOST_TEST is defined and the host runner provides
 * KSTD_TEST() and the expectations.  Every request of the status table is
 * also fed byte by byte and in two parts at every split position, and must
 * give the same outcome each time.
 */
#include "../http.hpp"
#include <kstd/string.hpp>

#ifndef KSTD_HOST_TEST
#include <kstd/kunit.hpp>
#endif

using khttpd::http::byte_range;
using khttpd::http::parse_status;
using khttpd::http::path_error;
using khttpd::http::request_parser;
using kstd::size_t;
using kstd::string_view;
using kstd::u64;
using namespace kstd::literals;

namespace {

/* What one parse outcome looks like, for comparisons across splits. */
struct outcome {
	parse_status status;
	unsigned int error;
	size_t consumed;
	string_view path, query, host;
	bool keep_alive;
	u64 content_length;

	bool operator==(const outcome &o) const
	{
		if (status != o.status)
			return false;
		if (status == parse_status::error)
			return error == o.error;
		if (status == parse_status::incomplete)
			return true;
		return consumed == o.consumed && path == o.path && query == o.query &&
		       host == o.host && keep_alive == o.keep_alive &&
		       content_length == o.content_length;
	}
};

outcome result_of(const request_parser &p)
{
	const auto &r = p.request();
	return {p.status(), p.error_status(), p.consumed(), r.path,
		r.query,    r.host,	      r.keep_alive, r.content_length};
}

/* All at once. */
outcome parse_once(string_view req, const khttpd::http::limits &lim = {})
{
	request_parser p(lim);
	p.parse(req);
	return result_of(p);
}

/* One byte at a time (stops early at the first non-incomplete status). */
outcome parse_bytewise(string_view req, const khttpd::http::limits &lim = {})
{
	request_parser p(lim);
	for (size_t i = 1; i <= req.size(); i++)
		if (p.parse(req.first(i)) != parse_status::incomplete)
			break;
	return result_of(p);
}

/* Two parts, split after @at bytes. */
outcome parse_split(string_view req, size_t at, const khttpd::http::limits &lim = {})
{
	request_parser p(lim);
	if (p.parse(req.first(at)) == parse_status::incomplete)
		p.parse(req);
	return result_of(p);
}

/* 200 for complete, 0 for incomplete, else the error status. */
unsigned int code_of(const outcome &o)
{
	return o.status == parse_status::complete ? 200
	       : o.status == parse_status::error  ? o.error
						  : 0;
}

/* The outcome is the same however the bytes arrive. */
bool split_invariant(string_view req, const khttpd::http::limits &lim = {})
{
	outcome once = parse_once(req, lim);
	if (!(parse_bytewise(req, lim) == once))
		return false;
	for (size_t at = 0; at <= req.size(); at++)
		if (!(parse_split(req, at, lim) == once))
			return false;
	return true;
}

struct status_case {
	string_view request;
	unsigned int status; /* 200: complete, 0: incomplete */
};

/* Host header shorthand. */
#define H "Host: h\r\n"

const status_case status_cases[] = {
	/* well-formed */
	{"GET / HTTP/1.1\r\n" H "\r\n"_sv, 200},
	{"GET / HTTP/1.0\r\n\r\n"_sv, 200},
	{"HEAD /x HTTP/1.1\r\n" H "\r\n"_sv, 200},
	{"GET / HTTP/1.1\n"
	 "Host: h\n\n"_sv,
	 200},
	{"\r\n\r\nGET / HTTP/1.0\r\n\r\n"_sv, 200},
	{"GET / HTTP/1.2\r\n" H "\r\n"_sv, 200},
	{"OPTIONS * HTTP/1.1\r\n" H "\r\n"_sv, 200},
	{"CONNECT h:443 HTTP/1.1\r\n" H "\r\n"_sv, 200},
	{"GET http://h/x?y HTTP/1.1\r\nHost: other\r\n\r\n"_sv, 200},
	{"GET HTTP://h HTTP/1.1\r\n" H "\r\n"_sv, 200},
	{"GET / HTTP/1.1\r\nHost:\r\n\r\n"_sv, 200},
	{"GET / HTTP/1.1\r\n" H "X-Obs: caf\xc3\xa9\r\n\r\n"_sv, 200},
	{"GET / HTTP/1.1\r\n" H "X:\r\n\r\n"_sv, 200},
	{"POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\nhello"_sv, 200},
	{"GET / HTTP/1.1\r\n" H "Content-Length: 5\r\nContent-length: 5\r\n\r\n"_sv, 200},
	{"POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip, chunked\r\n\r\n"_sv, 200},
	/* incomplete */
	{""_sv, 0},
	{"GET / HTTP/1.1\r\n" H ""_sv, 0},
	{"GET / HTTP/1.1\r\n" H "\r"_sv, 0},
	{"\r\n"_sv, 0},
	/* 400: request line */
	{"GET /\r\n\r\n"_sv, 400},
	{"GET  / HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET / HTTP/1.1 \r\n" H "\r\n"_sv, 400},
	{" GET / HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET /a b HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"G(T / HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET /\x01 HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET /\xc3\xa9 HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET /#frag HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET /\r HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\r\n" H "\r\n"_sv, 400},
	{"GET / FOO/1.1\r\n" H "\r\n"_sv, 400},
	{"GET / http/1.1\r\n" H "\r\n"_sv, 400},
	{"GET / HTTP/1\r\n" H "\r\n"_sv, 400},
	{"GET / HTTP/1.x\r\n" H "\r\n"_sv, 400},
	{"GET / HTTP/.1\r\n" H "\r\n"_sv, 400},
	{"GET * HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET x HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET ftp://h/ HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET http://u@h/ HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"GET http:/// HTTP/1.1\r\n" H "\r\n"_sv, 400},
	{"CONNECT /x HTTP/1.1\r\n" H "\r\n"_sv, 400},
	/* 400: fields */
	{"GET / HTTP/1.1\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H H "\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\nHost: a b\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H " folded\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X : y\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H ": y\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X y\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X: a\0b\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X: a\rb\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X: \x7f\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "X\x01: y\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "Content-Length: +1\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n"_sv, 400},
	{"GET / HTTP/1.1\r\n" H "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"_sv, 400},
	{"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"_sv, 400},
	{"POST / HTTP/1.1\r\n" H "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"_sv, 400},
	{"POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n\r\n"_sv, 400},
	{"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked, gzip\r\n\r\n"_sv, 400},
	{"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"_sv, 400},
	/* 413, 501, 505 */
	{"POST / HTTP/1.1\r\n" H "Content-Length: 1048577\r\n\r\n"_sv, 413},
	{"POST / HTTP/1.1\r\n" H "Content-Length: 99999999999999999999999\r\n\r\n"_sv, 413},
	{"get / HTTP/1.1\r\n" H "\r\n"_sv, 501},
	{"BREW / HTTP/1.1\r\n" H "\r\n"_sv, 501},
	{"GET / HTTP/2.0\r\n" H "\r\n"_sv, 505},
	{"GET / HTTP/0.9\r\n" H "\r\n"_sv, 505},
	{"GET / HTTP/1.10\r\n" H "\r\n"_sv, 505},
	{"GET / HTTP/11.1\r\n" H "\r\n"_sv, 505},
	/* an error stops the scan: nothing after it matters */
	{"GET / HTTP/2.0\r\n"_sv, 505},
	{"BREW / HTTP/1.1\r\nand then anything"_sv, 501},
};

} // namespace

KSTD_TEST_SUITE(khttpd_http);

KSTD_TEST(khttpd_http, status_of_every_case)
{
	for (const status_case &c : status_cases) {
		unsigned int got = code_of(parse_once(c.request));
		KSTD_EXPECT_EQ(got, c.status);
	}
}

KSTD_TEST(khttpd_http, same_outcome_at_every_split)
{
	for (const status_case &c : status_cases)
		KSTD_EXPECT(split_invariant(c.request));
}

KSTD_TEST(khttpd_http, request_fields)
{
	request_parser p;
	string_view req = "GET /a%20b/c.html?x=1&y HTTP/1.1\r\nhOsT:  example.org:8080 \r\n"
			  "User-Agent: t\r\n\r\nNEXT"_sv;
	KSTD_EXPECT(p.parse(req) == parse_status::complete);
	const auto &r = p.request();
	KSTD_EXPECT(r.method == khttpd::http::method::get);
	KSTD_EXPECT(r.target == "/a%20b/c.html?x=1&y");
	KSTD_EXPECT(r.path == "/a%20b/c.html");
	KSTD_EXPECT(r.query == "x=1&y");
	KSTD_EXPECT(r.host == "example.org:8080");
	KSTD_EXPECT_EQ(r.version_minor, 1);
	KSTD_EXPECT(r.keep_alive);
	KSTD_EXPECT_EQ(r.header_count, 2);
	KSTD_EXPECT_EQ(p.consumed(), req.size() - 4);
	/* Complete is sticky: more bytes change nothing. */
	KSTD_EXPECT(p.parse(req) == parse_status::complete);

	/* absolute-form: the target's authority is the host */
	request_parser a;
	KSTD_EXPECT(a.parse("GET http://h:81?q HTTP/1.1\r\nHost: other\r\n\r\n") ==
		    parse_status::complete);
	KSTD_EXPECT(a.request().host == "h:81");
	KSTD_EXPECT(a.request().path == "/");
	KSTD_EXPECT(a.request().query == "q");

	request_parser h;
	KSTD_EXPECT(h.parse("HEAD /x HTTP/1.0\r\n\r\n") == parse_status::complete);
	KSTD_EXPECT(h.request().method == khttpd::http::method::head);
	KSTD_EXPECT(h.request().host.empty());
	KSTD_EXPECT_EQ(h.request().version_minor, 0);
}

KSTD_TEST(khttpd_http, connection_semantics)
{
	struct {
		string_view req;
		bool keep_alive, close_after;
	} cases[] = {
		{"GET / HTTP/1.1\r\n" H "\r\n"_sv, true, false},
		{"GET / HTTP/1.1\r\n" H "Connection: close\r\n\r\n"_sv, false, true},
		{"GET / HTTP/1.1\r\n" H "Connection: foo, CLOSE\r\n\r\n"_sv, false, true},
		{"GET / HTTP/1.1\r\n" H "Connection: a\r\nConnection: close\r\n\r\n"_sv, false,
		 true},
		{"GET / HTTP/1.0\r\n\r\n"_sv, false, false},
		{"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"_sv, true, false},
		{"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"_sv, false, true},
		{"POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n"_sv, false, true},
	};
	for (const auto &c : cases) {
		request_parser p;
		KSTD_EXPECT(p.parse(c.req) == parse_status::complete);
		KSTD_EXPECT_EQ(p.request().keep_alive, c.keep_alive);
		KSTD_EXPECT_EQ(p.request().close_after, c.close_after);
	}
	request_parser t;
	KSTD_EXPECT(t.parse("POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n\r\n") ==
		    parse_status::complete);
	KSTD_EXPECT(t.request().chunked);
	request_parser e;
	KSTD_EXPECT(e.parse("PUT / HTTP/1.1\r\n" H
			    "Expect: 100-Continue\r\nContent-Length: 0\r\n\r\n") ==
		    parse_status::complete);
	KSTD_EXPECT(e.request().expect_continue);
}

KSTD_TEST(khttpd_http, limits_are_exact)
{
	khttpd::http::limits lim{
		.max_request_line = 32, .max_head = 96, .max_headers = 3, .max_body = 10};
	/* "GET /" + n x 'a' + " HTTP/1.0\r\n" is 16 + n bytes */
	char buf[160];
	auto line = [&](size_t n, string_view rest) {
		khttpd::http::writer w(buf, sizeof(buf));
		w.put("GET /");
		for (size_t i = 0; i < n; i++)
			w.put('a');
		w.put(" HTTP/1.0\r\n").put(rest);
		return w.view();
	};
	KSTD_EXPECT_EQ(code_of(parse_once(line(16, "\r\n"), lim)), 200);
	KSTD_EXPECT_EQ(code_of(parse_once(line(17, "\r\n"), lim)), 414);
	/* the limit is seen as soon as it is crossed, without the LF */
	KSTD_EXPECT_EQ(code_of(parse_once(line(40, "").first(31), lim)), 0);
	KSTD_EXPECT_EQ(code_of(parse_once(line(40, "").first(32), lim)), 414);
	/* a bare-LF line may be one byte longer in content */
	KSTD_EXPECT_EQ(code_of(parse_once("GET /aaaaaaaaaaaaaaaaa HTTP/1.0\n\n", lim)), 200);
	KSTD_EXPECT_EQ(code_of(parse_once("GET /aaaaaaaaaaaaaaaaa HTTP/1.0\r\n\r\n", lim)), 414);

	/* three fields pass, four are 431 */
	KSTD_EXPECT_EQ(code_of(parse_once("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", lim)),
		       200);
	KSTD_EXPECT_EQ(
		code_of(parse_once("GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", lim)),
		431);
	/* the head: 96 bytes pass, 97 are 431, seen at byte 96 without the end */
	string_view head96 =
		"GET / HTTP/1.0\r\nA: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
		"B: xxxxxxxxxxxxxxxxxxxxx\r\n\r\n"_sv;
	KSTD_EXPECT_EQ(head96.size(), 96);
	KSTD_EXPECT_EQ(code_of(parse_once(head96, lim)), 200);
	string_view head97 =
		"GET / HTTP/1.0\r\nA: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
		"B: xxxxxxxxxxxxxxxxxxxxx\r\n\r\n"_sv;
	KSTD_EXPECT_EQ(code_of(parse_once(head97, lim)), 431);
	KSTD_EXPECT_EQ(code_of(parse_once(head97.first(95), lim)), 0);
	KSTD_EXPECT_EQ(code_of(parse_once(head97.first(96), lim)), 431);
	/* leading empty lines count against the head */
	string_view many_crlf =
		"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
		"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"
		"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"_sv;
	KSTD_EXPECT_EQ(code_of(parse_once(many_crlf, lim)), 431);
	/* the body limit */
	KSTD_EXPECT_EQ(code_of(parse_once("PUT / HTTP/1.0\r\nContent-Length: 10\r\n\r\n", lim)),
		       200);
	KSTD_EXPECT_EQ(code_of(parse_once("PUT / HTTP/1.0\r\nContent-Length: 11\r\n\r\n", lim)),
		       413);

	/* the same outcomes at every split, limits included */
	KSTD_EXPECT(split_invariant(line(17, "\r\n"), lim));
	KSTD_EXPECT(split_invariant(line(40, ""), lim));
	KSTD_EXPECT(split_invariant(head96, lim));
	KSTD_EXPECT(split_invariant(head97, lim));
	KSTD_EXPECT(split_invariant(many_crlf, lim));
	/* a request line that is both too long and too big for the head */
	khttpd::http::limits tight{.max_request_line = 64, .max_head = 40};
	KSTD_EXPECT_EQ(code_of(parse_once(line(50, "\r\n"), tight)), 431);
	KSTD_EXPECT(split_invariant(line(50, "\r\n"), tight));
}

KSTD_TEST(khttpd_http, pipelined_requests)
{
	string_view both = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
			   "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
			   "GET /c HTTP/1.0\r\n\r\n"_sv;
	request_parser p;
	size_t at = 0;
	const char *paths[] = {"/a", "/b", "/c"};
	for (const char *want : paths) {
		p.reset();
		KSTD_EXPECT(p.parse(both.substr(at)) == parse_status::complete);
		KSTD_EXPECT(p.request().path == want);
		at += p.consumed() + p.request().content_length;
	}
	KSTD_EXPECT_EQ(at, both.size());
	KSTD_EXPECT(!p.request().keep_alive);
	/* And byte by byte, the way a slow client sends them. */
	request_parser q;
	size_t start = 0, done = 0;
	for (size_t end = 1; end <= both.size(); end++) {
		if (q.parse(both.substr(start, end - start)) != parse_status::complete)
			continue;
		KSTD_EXPECT(q.request().path == paths[done]);
		done++;
		start += q.consumed() + q.request().content_length;
		end = start;
		q.reset();
	}
	KSTD_EXPECT_EQ(done, 3);
}

KSTD_TEST(khttpd_http, conditional_and_range_fields)
{
	request_parser p;
	KSTD_EXPECT(p.parse("GET / HTTP/1.1\r\n" H
			    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
			    "Range: bytes=10-19\r\n\r\n") == parse_status::complete);
	KSTD_EXPECT(p.request().has_if_modified_since);
	KSTD_EXPECT_EQ(p.request().if_modified_since, 784111777);
	KSTD_EXPECT(p.request().range.type == byte_range::kind::from_to);
	KSTD_EXPECT_EQ(p.request().range.first, 10);
	KSTD_EXPECT_EQ(p.request().range.last, 19);

	/* invalid or repeated: ignored, not an error */
	const char *ignored[] = {
		"GET / HTTP/1.1\r\n" H "If-Modified-Since: yesterday\r\nRange: pages=1\r\n\r\n",
		"GET / HTTP/1.1\r\n" H "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
		"Range: bytes=0-1\r\nRange: bytes=0-1\r\n\r\n",
		"GET / HTTP/1.1\r\n" H "Range: bytes=0-1\r\nIf-Range: \"x\"\r\n\r\n",
		"GET / HTTP/1.1\r\n" H "Range: bytes=0-1,5-6\r\n\r\n",
	};
	for (const char *req : ignored) {
		request_parser q;
		KSTD_EXPECT(q.parse(req) == parse_status::complete);
		KSTD_EXPECT(!q.request().has_if_modified_since);
		KSTD_EXPECT(!q.request().range.present());
	}
}

KSTD_TEST(khttpd_http, dates)
{
	using khttpd::http::parse_http_date;
	KSTD_EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").value_or(0), 784111777);
	KSTD_EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").value_or(0), 784111777);
	KSTD_EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994").value_or(0), 784111777);
	KSTD_EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT").value_or(1), 0);
	KSTD_EXPECT_EQ(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT").value_or(0), -1);
	KSTD_EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT").value_or(0), 951782400);
	KSTD_EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT").value_or(1), 0);
	KSTD_EXPECT_EQ(parse_http_date("Monday, 01-Jan-69 00:00:00 GMT").value_or(0), 3124224000LL);
	KSTD_EXPECT_EQ(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT").value_or(0),
		       253402300799LL);
	KSTD_EXPECT_EQ(parse_http_date("Sat, 30 Jun 2012 23:59:60 GMT").value_or(0), 1341100799);
	const char *bad[] = {
		"",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Sun, 31 Feb 1994 08:49:37 GMT",
		"Sun, 29 Feb 1900 08:49:37 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 23:60:00 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		"Sun,  06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-1994 08:49:37 GMT",
		"Sund, 06-Nov-94 08:49:37 GMT",
		"Sun Nov 6 08:49:37 1994",
		"Sun Nov  6 08:49:37 94",
	};
	for (const char *s : bad)
		KSTD_EXPECT(!parse_http_date(s));
	KSTD_EXPECT(!parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT\0"_sv));

	char out[khttpd::http::http_date_size + 1];
	khttpd::http::format_http_date(784111777, out);
	KSTD_EXPECT(string_view(out) == "Sun, 06 Nov 1994 08:49:37 GMT");
	khttpd::http::format_http_date(0, out);
	KSTD_EXPECT(string_view(out) == "Thu, 01 Jan 1970 00:00:00 GMT");
	khttpd::http::format_http_date(-1, out);
	KSTD_EXPECT(string_view(out) == "Wed, 31 Dec 1969 23:59:59 GMT");
	khttpd::http::format_http_date(951868799, out);
	KSTD_EXPECT(string_view(out) == "Tue, 29 Feb 2000 23:59:59 GMT");
	khttpd::http::format_http_date(1 << 30, out);
	KSTD_EXPECT(string_view(out) == "Sat, 10 Jan 2004 13:37:04 GMT");
	/* Round trips over four centuries, a day and a prime apart. */
	bool round_trip = true;
	for (kstd::s64 t = -2208988800LL; t < 10000000000LL; t += 86400 * 7 + 7919) {
		khttpd::http::format_http_date(t, out);
		round_trip &= parse_http_date(out).value_or(t + 1) == t;
	}
	KSTD_EXPECT(round_trip);
	/* The once-a-second cache gives what formatting gives, for each new second. */
	khttpd::http::date_text cached;
	KSTD_EXPECT(cached.of(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
	KSTD_EXPECT(cached.of(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
	KSTD_EXPECT(cached.of(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
	KSTD_EXPECT(cached.of(784111778) == "Sun, 06 Nov 1994 08:49:38 GMT");
	KSTD_EXPECT(cached.of(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
}

KSTD_TEST(khttpd_http, ranges)
{
	using khttpd::http::parse_range;
	using khttpd::http::select_range;
	byte_range r = parse_range("bytes=0-499");
	KSTD_EXPECT(r.type == byte_range::kind::from_to && r.first == 0 && r.last == 499);
	r = parse_range("Bytes=500-");
	KSTD_EXPECT(r.type == byte_range::kind::from && r.first == 500);
	r = parse_range(" bytes=-500 ");
	KSTD_EXPECT(r.type == byte_range::kind::suffix && r.last == 500);
	r = parse_range("bytes= , 7-7 ,");
	KSTD_EXPECT(r.type == byte_range::kind::from_to && r.first == 7 && r.last == 7);
	const char *ignored[] = {"bytes=5-1",
				 "bytes=0-1,3-4",
				 "items=0-1",
				 "bytes=",
				 "bytes=-",
				 "bytes=a-b",
				 "bytes=1",
				 "bytes=--1",
				 "bytes=1-2-3",
				 "bytes=+1-2",
				 "bytes 0-1",
				 "bytes=0x1-2",
				 "bytes=99999999999999999999-"};
	for (const char *s : ignored)
		KSTD_EXPECT(!parse_range(s).present());

	auto sel = [](const char *spec, u64 size, bool ok, u64 off, u64 len) {
		auto s = select_range(parse_range(spec), size);
		return s.satisfiable == ok && (!ok || (s.offset == off && s.length == len));
	};
	KSTD_EXPECT(sel("bytes=0-499", 1000, true, 0, 500));
	KSTD_EXPECT(sel("bytes=500-", 1000, true, 500, 500));
	KSTD_EXPECT(sel("bytes=-500", 1000, true, 500, 500));
	KSTD_EXPECT(sel("bytes=-2000", 1000, true, 0, 1000));
	KSTD_EXPECT(sel("bytes=0-99999", 1000, true, 0, 1000));
	KSTD_EXPECT(sel("bytes=999-999", 1000, true, 999, 1));
	KSTD_EXPECT(sel("bytes=1000-", 1000, false, 0, 0));
	KSTD_EXPECT(sel("bytes=1000-2000", 1000, false, 0, 0));
	KSTD_EXPECT(sel("bytes=-0", 1000, false, 0, 0));
	KSTD_EXPECT(sel("bytes=0-", 0, false, 0, 0));
	KSTD_EXPECT(sel("bytes=-1", 0, false, 0, 0));
}

KSTD_TEST(khttpd_http, path_normalisation)
{
	struct {
		const char *raw, *want; /* want null: error */
		path_error err;
		bool slash;
	} cases[] = {
		{"/", "/", {}, true},
		{"/a/b", "/a/b", {}, false},
		{"/a/b/", "/a/b/", {}, true},
		{"//a///b", "/a/b", {}, false},
		{"/a/./b", "/a/b", {}, false},
		{"/a/../b", "/b", {}, false},
		{"/a/b/..", "/a/", {}, true},
		{"/a/b/../", "/a/", {}, true},
		{"/.", "/", {}, true},
		{"/a/.", "/a/", {}, true},
		{"/a/..", "/", {}, true},
		{"/a%2fb", "/a/b", {}, false},
		{"/a%2Fb/%2e%2E/c", "/a/c", {}, false},
		{"/%252e%252e", "/%2e%2e", {}, false},
		{"/%C3%A9t%c3%a9", "/\xc3\xa9t\xc3\xa9", {}, false},
		{"/a%20b", "/a b", {}, false},
		{"/.../..../", "/.../..../", {}, true},
		{"/..", nullptr, path_error::escapes, false},
		{"/../etc/passwd", nullptr, path_error::escapes, false},
		{"/a/../../b", nullptr, path_error::escapes, false},
		{"/%2e%2e/", nullptr, path_error::escapes, false},
		{"/%2E%2e%2fetc", nullptr, path_error::escapes, false},
		{"/..%2f..%2fetc%2fpasswd", nullptr, path_error::escapes, false},
		{"/a/b/../../..", nullptr, path_error::escapes, false},
		{"/%00", nullptr, path_error::invalid, false},
		{"/a%0a", nullptr, path_error::invalid, false},
		{"/a%7F", nullptr, path_error::invalid, false},
		{"/%zz", nullptr, path_error::invalid, false},
		{"/%4", nullptr, path_error::invalid, false},
		{"/%", nullptr, path_error::invalid, false},
		{"a", nullptr, path_error::invalid, false},
		{"", nullptr, path_error::invalid, false},
	};
	char out[64];
	for (const auto &c : cases) {
		auto r = khttpd::http::normalize_path(c.raw, out);
		if (c.want) {
			KSTD_EXPECT(r.ok());
			KSTD_EXPECT(r.path == c.want);
			KSTD_EXPECT_EQ(r.trailing_slash, c.slash);
			KSTD_EXPECT_EQ(r.path.data()[r.path.size()], '\0');
		} else {
			KSTD_EXPECT(!r.ok());
			KSTD_EXPECT(r.error == c.err);
		}
	}
	/* too small an output buffer */
	char tiny[4];
	KSTD_EXPECT(khttpd::http::normalize_path("/abc", tiny).error == path_error::too_long);
	char exact[5];
	KSTD_EXPECT(khttpd::http::normalize_path("/abc", exact).path == "/abc");
	/* in place */
	char inplace[] = "/a/%2e%2E/b%2fc/./d%41 HTTP/1.1";
	string_view raw(inplace, 22);
	auto r = khttpd::http::normalize_path(raw, kstd::span<char>(inplace, 23));
	KSTD_EXPECT(r.ok() && r.path == "/b/c/dA");
}

KSTD_TEST(khttpd_http, writer_and_escaping)
{
	char buf[64];
	khttpd::http::writer w(buf, sizeof(buf));
	w.put_html("<a href='x'>&\"");
	KSTD_EXPECT(w.view() == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;");
	w.clear();
	w.put_url("a b/\xc3\xa9~-._");
	KSTD_EXPECT(w.view() == "a%20b%2F%C3%A9~-._");
	w.clear();
	w.put_url("/d i/", true);
	KSTD_EXPECT(w.view() == "/d%20i/");
	w.clear();
	w.put_dec(0)
		.put(' ')
		.put_dec(18446744073709551615ULL)
		.put(' ')
		.put_hex(0)
		.put(' ')
		.put_hex(0xabc12);
	KSTD_EXPECT(w.view() == "0 18446744073709551615 0 abc12");
	KSTD_EXPECT(!w.overflowed());
	khttpd::http::writer small(buf, 5);
	small.put("abc").put("def");
	KSTD_EXPECT(small.view() == "abcde");
	KSTD_EXPECT(small.overflowed());
	small.truncate(1);
	KSTD_EXPECT(small.view() == "a");
	KSTD_EXPECT(!small.overflowed());

	KSTD_EXPECT(khttpd::http::reason_phrase(404) == "Not Found");
	KSTD_EXPECT(khttpd::http::reason_phrase(431) == "Request Header Fields Too Large");
	KSTD_EXPECT(khttpd::http::reason_phrase(299).empty());
	KSTD_EXPECT(khttpd::http::method_name(khttpd::http::method::delete_) == "DELETE");
}

/* Chunked transfer coding, built in place as khttpd's listings are. */
KSTD_TEST(khttpd_http, chunked_framing)
{
	using khttpd::http::chunk_builder;
	char buf[64];
	khttpd::http::writer w(buf, sizeof(buf));
	w.put_hex(0x1f, 4).put(' ').put_hex(0, 4).put(' ').put_hex(0xabc12, 4).put(' ').put_hex(5);
	KSTD_EXPECT(w.view() == "001f 0000 abc12 5");
	w.clear();
	w.put_last_chunk();
	KSTD_EXPECT(w.view() == "0\r\n\r\n");

	/* A piece, then the body's end after a piece, then the end alone. */
	chunk_builder a(buf, sizeof(buf), true, true);
	a.data().put("hello");
	size_t n = a.finish(false);
	KSTD_EXPECT(string_view(buf, n) == "0005\r\nhello\r\n");
	chunk_builder b(buf, sizeof(buf), true, true);
	b.data().put("<li>a</li>\n");
	n = b.finish(true);
	KSTD_EXPECT(string_view(buf, n) == "000b\r\n<li>a</li>\n\r\n0\r\n\r\n");
	chunk_builder c(buf, sizeof(buf), true, true);
	n = c.finish(true);
	KSTD_EXPECT(string_view(buf, n) == "0\r\n\r\n");
	chunk_builder d(buf, sizeof(buf), true, true);
	KSTD_EXPECT(d.finish(false) == 0); /* an empty chunk would end the body */

	/* Not chunked (HTTP/1.0): the bytes as they are, nothing added. */
	chunk_builder e(buf, sizeof(buf), false, true);
	e.data().put("plain");
	n = e.finish(true);
	KSTD_EXPECT(string_view(buf, n) == "plain");

	/* The framing always fits: data() stops short of it. */
	char small[24];
	for (char &ch : small)
		ch = '#';
	chunk_builder f(small, 20, true, true);
	KSTD_EXPECT(f.data().capacity() == 7);
	f.data().put("abcdefghij");
	KSTD_EXPECT(f.data().overflowed());
	n = f.finish(true);
	KSTD_EXPECT(string_view(small, n) == "0007\r\nabcdefg\r\n0\r\n\r\n");
	KSTD_EXPECT(n == 20 && small[20] == '#');
	chunk_builder g(small, 4, true, false);
	KSTD_EXPECT(g.data().capacity() == 0);

	/* At most four hex digits' worth in one chunk. */
	static char big[chunk_builder::max_data + 64];
	chunk_builder h(big, sizeof(big), true, false);
	KSTD_EXPECT(h.data().capacity() == chunk_builder::max_data);
	chunk_builder i(big, sizeof(big), false, false);
	KSTD_EXPECT(i.data().capacity() == sizeof(big));
}

KSTD_TEST(khttpd_http, mime_types)
{
	using khttpd::http::mime_type;
	KSTD_EXPECT(mime_type("index.html") == "text/html; charset=utf-8");
	KSTD_EXPECT(mime_type("/a/B.HTM") == "text/html; charset=utf-8");
	KSTD_EXPECT(mime_type("app.js") == "text/javascript; charset=utf-8");
	KSTD_EXPECT(mime_type("x.json") == "application/json");
	KSTD_EXPECT(mime_type("a.txt") == "text/plain; charset=utf-8");
	KSTD_EXPECT(mime_type("a.css") == "text/css; charset=utf-8");
	KSTD_EXPECT(mime_type("p.PNG") == "image/png");
	KSTD_EXPECT(mime_type("p.jpeg") == "image/jpeg");
	KSTD_EXPECT(mime_type("p.jpg") == "image/jpeg");
	KSTD_EXPECT(mime_type("p.gif") == "image/gif");
	KSTD_EXPECT(mime_type("p.svg") == "image/svg+xml");
	KSTD_EXPECT(mime_type("favicon.ico") == "image/x-icon");
	KSTD_EXPECT(mime_type("m.wasm") == "application/wasm");
	KSTD_EXPECT(mime_type("d.pdf") == "application/pdf");
	KSTD_EXPECT(mime_type("x.tar.gz") == "application/octet-stream");
	KSTD_EXPECT(mime_type(".bashrc") == "application/octet-stream");
	KSTD_EXPECT(mime_type("dir.d/file") == "application/octet-stream");
	KSTD_EXPECT(mime_type("noext") == "application/octet-stream");
	KSTD_EXPECT(mime_type("trailing.") == "application/octet-stream");
}

#undef H

KSTD_TEST_SUITE_END(khttpd_http);
