// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's directory listings: an HTML page of a directory's entries in
 * file system order (names escaped for HTML, links percent-encoded, dot
 * files left out), generated a buffer at a time as out drains, so a huge
 * directory never needs more than the connection's buffer.  Chunked in
 * HTTP/1.1; in HTTP/1.0 the end of the body is the end of the connection.
 * Directories are read as user/group.
 */
#include "connection.hpp"
#include "server.hpp"

namespace khttpd {

/* A directory without index.html (respond_directory()): start its listing. */
void connection::start_listing(kstd::file dir, const http::normalized_path &path,
			       bool head) noexcept
{
	/* The head and the page's beginning now, entries as out drains. */
	chunked = version_minor == 1;
	if (!chunked)
		keep_alive = false; /* HTTP/1.0: the end of the body is the end of the connection */
	http::writer w = head_writer();
	begin_head(w, 200);
	srv.counters.count_status(200);
	w.put("Content-Type: text/html; charset=utf-8\r\n");
	if (chunked)
		w.put("Transfer-Encoding: chunked\r\n");
	end_head(w);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
	if (head)
		return;
	/* The page's beginning: a chunk of its own, while the name is in the scratch. */
	size_t start = out_len;
	size_t data = start + (chunked ? 6 : 0);
	http::writer p(out.get() + data, name_offset - data - 2);
	p.put("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
		.put_html(path.path)
		.put("</title></head>\n<body><h1>Index of ")
		.put_html(path.path)
		.put("</h1>\n<ul>\n");
	if (path.path.size() > 1)
		p.put("<li><a href=\"../\">../</a></li>\n");
	if (p.overflowed()) {
		/* A name too long to show twice: a plain title. */
		p.clear();
		p.put("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index</title>"
		      "</head>\n<body><ul>\n");
	}
	if (chunked) {
		http::writer c(out.get() + start, 6);
		c.put("0000\r\n");
		char *hex = out.get() + start;
		size_t n = p.size();
		for (int i = 3; i >= 0; i--, n >>= 4)
			hex[i] = "0123456789abcdef"[n & 15];
		out.get()[data + p.size()] = '\r';
		out.get()[data + p.size() + 1] = '\n';
		out_len = static_cast<u32>(data + p.size() + 2);
	} else {
		out_len = static_cast<u32>(data + p.size());
	}
	body = body_kind::listing;
	lphase = listing_phase::entries;
	body_dir = kstd::move(dir);
}

/* The next piece of a listing into out (empty): entries, then the end. */
void connection::fill_listing() noexcept
{
	/* Chunk framing: "hhhh\r\n" before, "\r\n" after, "0\r\n\r\n" at the very end. */
	size_t data = chunked ? 6 : 0;
	size_t reserve = chunked ? 2 + 5 : 0;
	http::writer p(out.get() + data, out_size - data - reserve);
	if (lphase == listing_phase::entries) {
		auto entry = [&p](string_view name, kstd::dir_entry_type type) {
			if (name.starts_with('.'))
				return true; /* ".", "..", dot files */
			bool dir = type == kstd::dir_entry_type::directory;
			size_t mark = p.size();
			p.put("<li><a href=\"").put_url(name);
			if (dir)
				p.put('/');
			p.put("\">").put_html(name);
			if (dir)
				p.put('/');
			p.put("</a></li>\n");
			if (p.overflowed()) {
				p.truncate(mark);
				return false; /* next time */
			}
			return true;
		};
		auto done = [&] {
			kstd::override_credentials as(srv.creds);
			return body_dir.read_dir(entry);
		}();
		if (!done) {
			/* The head is out: all we can do is cut the body short. */
			srv.counters.errors.add();
			keep_alive = false;
			body = body_kind::none;
			body_dir.close();
			out_pos = out_len = 0;
			return;
		}
		if (*done)
			lphase = listing_phase::tail;
	}
	if (lphase == listing_phase::tail) {
		size_t mark = p.size();
		p.put("</ul>\n</body></html>\n");
		if (p.overflowed())
			p.truncate(mark); /* next time */
		else
			lphase = listing_phase::end;
	}
	size_t n = p.size();
	out_pos = 0;
	out_len = 0;
	if (n && chunked) {
		char *o = out.get();
		size_t v = n;
		for (int i = 3; i >= 0; i--, v >>= 4)
			o[i] = "0123456789abcdef"[v & 15];
		o[4] = '\r';
		o[5] = '\n';
		o[data + n] = '\r';
		o[data + n + 1] = '\n';
		out_len = static_cast<u32>(data + n + 2);
	} else if (n) {
		out_len = static_cast<u32>(n);
	}
	if (lphase == listing_phase::end) {
		if (chunked) {
			if (!n) {
				/* Nothing in this buffer: the last chunk alone, at the start. */
				__builtin_memcpy(out.get(), "0\r\n\r\n", 5);
				out_len = 5;
			} else {
				__builtin_memcpy(out.get() + out_len, "0\r\n\r\n", 5);
				out_len += 5;
			}
		}
		body = body_kind::none;
		body_dir.close();
	}
}

} // namespace khttpd
