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
	/*
	 * The page's beginning: a chunk of its own, before the scratch area,
	 * while the name is still in it.
	 */
	size_t start = out_len;
	http::chunk_builder chunk(out.get() + start, name_offset - start, chunked, false);
	http::writer &p = chunk.data();
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
	out_len = static_cast<u32>(start + chunk.finish(false));
	body = body_kind::listing;
	lphase = listing_phase::entries;
	body_dir = kstd::move(dir);
}

/* The next piece of a listing into out (empty): entries, then the end. */
void connection::fill_listing() noexcept
{
	/* A chunk in HTTP/1.1, with room for the last chunk after it. */
	http::chunk_builder chunk(out.get(), out_size, chunked, true);
	http::writer &p = chunk.data();
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
	out_pos = 0;
	out_len = static_cast<u32>(chunk.finish(lphase == listing_phase::end));
	if (lphase == listing_phase::end) {
		body = body_kind::none;
		body_dir.close();
	}
}

} // namespace khttpd
