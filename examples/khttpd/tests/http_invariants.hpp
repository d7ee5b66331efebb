// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invariants of khttpd's http.hpp on arbitrary input, shared by the host test
 * (random and corpus inputs) and the libFuzzer harness.  check_http_input()
 * returns the first violated invariant's description, or nullptr.
 *
 * The input is copied into a heap buffer of exactly its size, so
 * AddressSanitizer reports any read past it.  The first byte selects the
 * limits (tiny ones make the 414/431 paths reachable from short inputs).
 */
#ifndef KHTTPD_TESTS_HTTP_INVARIANTS_HPP
#define KHTTPD_TESTS_HTTP_INVARIANTS_HPP

#include "http.hpp"

#include <cstdlib>
#include <cstring>

namespace http_inv {

using khttpd::http::parse_status;
using khttpd::http::request_parser;
using kstd::size_t;
using kstd::string_view;

struct snapshot {
	parse_status status;
	unsigned int error;
	size_t consumed;
	khttpd::http::request req;
};

inline snapshot take(const request_parser &p)
{
	return {p.status(), p.error_status(), p.consumed(), p.request()};
}

inline bool same(const snapshot &a, const snapshot &b)
{
	if (a.status != b.status)
		return false;
	if (a.status == parse_status::error)
		return a.error == b.error;
	if (a.status == parse_status::incomplete)
		return true;
	const auto &x = a.req, &y = b.req;
	return a.consumed == b.consumed && x.method == y.method && x.target == y.target &&
	       x.path == y.path && x.query == y.query && x.host == y.host &&
	       x.version_minor == y.version_minor && x.keep_alive == y.keep_alive &&
	       x.close_after == y.close_after &&
	       x.has_if_modified_since == y.has_if_modified_since &&
	       x.if_modified_since == y.if_modified_since && x.range.type == y.range.type &&
	       x.range.first == y.range.first && x.range.last == y.range.last &&
	       x.content_length == y.content_length && x.chunked == y.chunked &&
	       x.header_count == y.header_count;
}

inline bool within(string_view part, string_view buf)
{
	if (part.empty())
		return true;
	return part.data() >= buf.data() && part.data() + part.size() <= buf.data() + buf.size();
}

inline khttpd::http::limits limits_for(unsigned char selector)
{
	switch (selector % 4) {
	case 0:
		return {};
	case 1:
		return {.max_request_line = 24, .max_head = 64, .max_headers = 2, .max_body = 8};
	case 2:
		return {.max_request_line = 1, .max_head = 2, .max_headers = 0, .max_body = 0};
	default:
		return {.max_request_line = 200,
			.max_head = 100,
			.max_headers = 8,
			.max_body = 1000};
	}
}

/* Checks on a path after normalisation. */
inline const char *check_path(string_view raw)
{
	size_t cap = raw.size() + 1;
	char *out = static_cast<char *>(malloc(cap));
	auto r = khttpd::http::normalize_path(raw, kstd::span<char>(out, cap));
	const char *bad = nullptr;
	if (r.ok()) {
		string_view p = r.path;
		if (p.empty() || p[0] != '/' || p.size() > raw.size() || p.data()[p.size()] != '\0')
			bad = "normalised path shape";
		else if (p.contains("//") || p.contains("/./") || p.contains("/../") ||
			 p.ends_with("/..") || p.ends_with("/."))
			bad = "normalised path keeps dot segments or //";
		else if (r.trailing_slash != p.ends_with('/'))
			bad = "trailing_slash flag";
		for (char c : p)
			if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
				bad = "control character in normalised path";
		/* Without '%' left, a second pass changes nothing. */
		if (!bad && !p.contains('%')) {
			char *again = static_cast<char *>(malloc(p.size() + 1));
			auto r2 = khttpd::http::normalize_path(
				p, kstd::span<char>(again, p.size() + 1));
			if (!r2.ok() || r2.path != p)
				bad = "normalisation is not idempotent";
			free(again);
		}
		/* In place gives the same. */
		if (!bad) {
			char *copy = static_cast<char *>(malloc(cap));
			memcpy(copy, raw.data(), raw.size());
			auto r3 = khttpd::http::normalize_path(string_view(copy, raw.size()),
							       kstd::span<char>(copy, cap));
			if (!r3.ok() || r3.path != p)
				bad = "in-place normalisation differs";
			free(copy);
		}
	}
	free(out);
	return bad;
}

/* Dates and ranges from the raw bytes. */
inline const char *check_date_and_range(string_view s)
{
	auto d = khttpd::http::parse_http_date(s);
	if (d) {
		char out[khttpd::http::http_date_size + 1];
		khttpd::http::format_http_date(*d, out);
		auto again = khttpd::http::parse_http_date(out);
		if (!again || *again != *d)
			return "date does not round-trip";
	}
	auto r = khttpd::http::parse_range(s);
	if (r.present()) {
		kstd::u64 sizes[] = {0, 1, 2, 100, r.first, r.first + 1, r.last, r.last + 1, ~0ull};
		for (kstd::u64 n : sizes) {
			auto sel = khttpd::http::select_range(r, n);
			if (sel.satisfiable &&
			    (sel.length == 0 || sel.offset >= n || sel.length > n - sel.offset))
				return "range selection out of bounds";
		}
		if (r.type == khttpd::http::byte_range::kind::from_to && r.last < r.first)
			return "range last < first";
	}
	return nullptr;
}

/* Parse @buf (starting a request) every way; check the outcome. */
inline const char *check_request(string_view buf, const khttpd::http::limits &lim,
				 size_t split_seed, size_t *next)
{
	*next = 0;
	request_parser once(lim);
	once.parse(buf);
	snapshot a = take(once);

	/* Determinism: byte by byte, and in three random-ish parts. */
	request_parser bytes(lim);
	for (size_t i = 0; i <= buf.size(); i++)
		if (bytes.parse(buf.first(i)) != parse_status::incomplete)
			break;
	if (!same(a, take(bytes)))
		return "byte-by-byte parse differs from one-shot parse";
	if (!buf.empty()) {
		size_t s1 = split_seed % (buf.size() + 1);
		size_t s2 = s1 + (split_seed / 7919) % (buf.size() - s1 + 1);
		request_parser parts(lim);
		if (parts.parse(buf.first(s1)) == parse_status::incomplete &&
		    parts.parse(buf.first(s2)) == parse_status::incomplete)
			parts.parse(buf);
		if (!same(a, take(parts)))
			return "split parse differs from one-shot parse";
	}
	/* Sticky. */
	if (once.parse(buf) != a.status)
		return "status not sticky";

	switch (a.status) {
	case parse_status::error:
		switch (a.error) {
		case 400:
		case 413:
		case 414:
		case 431:
		case 501:
		case 505:
			break;
		default:
			return "unexpected error status";
		}
		break;
	case parse_status::incomplete:
		if (buf.size() >= lim.max_head)
			return "incomplete although the head limit is reached";
		break;
	case parse_status::complete: {
		const auto &r = a.req;
		if (a.consumed == 0 || a.consumed > buf.size() || a.consumed > lim.max_head ||
		    buf[a.consumed - 1] != '\n')
			return "consumed out of range";
		if (!within(r.target, buf.first(a.consumed)) ||
		    !within(r.query, buf.first(a.consumed)) ||
		    !within(r.host, buf.first(a.consumed)))
			return "view outside the head";
		if (r.path != "/" && !within(r.path, buf.first(a.consumed)))
			return "path outside the head";
		if (r.keep_alive && r.close_after)
			return "keep_alive and close_after";
		if (r.chunked && (r.content_length || r.keep_alive))
			return "chunked with a length or keep-alive";
		if (r.content_length > lim.max_body)
			return "body above the limit";
		if (r.header_count > lim.max_headers)
			return "too many headers";
		if (r.version_minor > 1)
			return "version";
		if (r.method != khttpd::http::method::connect && r.path != "*" &&
		    (r.path.empty() || r.path[0] != '/'))
			return "path does not start with /";
		if (!r.path.empty() && r.path[0] == '/')
			if (const char *bad = check_path(r.path))
				return bad;
		if (r.range.present() && r.range.type == khttpd::http::byte_range::kind::from_to &&
		    r.range.last < r.range.first)
			return "request range last < first";
		if (r.content_length <= buf.size() - a.consumed)
			*next = a.consumed + r.content_length;
		break;
	}
	}
	return nullptr;
}

/* The whole check on one input. */
inline const char *check_http_input(const unsigned char *data, size_t size)
{
	if (size == 0)
		return nullptr;
	khttpd::http::limits lim = limits_for(data[0]);
	size_t seed = 0;
	for (size_t i = 0; i < size && i < 16; i++)
		seed = seed * 131 + data[i];
	/* An exact-size heap copy: ASan reports any overread. */
	char *buf = static_cast<char *>(malloc(size - 1 ? size - 1 : 1));
	memcpy(buf, data + 1, size - 1);
	string_view all(buf, size - 1);
	const char *bad = check_date_and_range(all);
	if (!bad)
		bad = check_path(!all.empty() && all[0] == '/' ? all : string_view());
	/* Up to 8 pipelined requests. */
	size_t at = 0;
	for (int n = 0; !bad && n < 8 && at <= all.size(); n++) {
		size_t next;
		bad = check_request(all.substr(at), lim, seed + at, &next);
		if (!next)
			break;
		at += next;
	}
	free(buf);
	return bad;
}

} // namespace http_inv

#endif
