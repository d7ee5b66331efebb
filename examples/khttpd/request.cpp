// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's answer to a complete request (connection::respond(), called by
 * serve() in connection.cpp): GET and HEAD only, the path decoded,
 * normalised and checked (dot files), the file opened beneath the root as
 * user/group (server::lookup()), then a file (small ones with the head in
 * one send, larger ones spliced by flush()), a 304, a byte range, a
 * redirect, a directory's index.html or its listing (listing.cpp), or an
 * error page.  Every answer goes into out; run() sends it.
 */
#include "connection.hpp"
#include "server.hpp"

namespace khttpd {

namespace {

/* errno of a failed open -> status. */
unsigned int status_for(const kstd::error &e) noexcept
{
	using kstd::error;
	if (e == error::noent() || e == error::notdir())
		return 404;
	if (e == error::acces() || e == error::perm() || e == error::xdev() || e == error::loop())
		return 403;
	if (e == error::nametoolong())
		return 414;
	return 500;
}

/*
 * Does a segment of @path (normalised: "/a/b", no "." or "..") start with
 * '.'?  .git/, .htpasswd, .env and the like are not served by default.
 */
bool has_dot_segment(string_view path) noexcept
{
	for (size_t i = 0; i + 1 < path.size(); i++)
		if (path[i] == '/' && path[i + 1] == '.')
			return true;
	return false;
}

} // namespace

void connection::begin_head(http::writer &w, unsigned int status) noexcept
{
	w.put("HTTP/1.1 ")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("\r\nServer: khttpd\r\nDate: ")
		.put(date.of(kstd::real_seconds()))
		.put("\r\n");
}

void connection::end_head(http::writer &w) noexcept
{
	if (!keep_alive)
		w.put("Connection: close\r\n");
	else if (version_minor == 0)
		w.put("Connection: keep-alive\r\n");
	w.put("\r\n");
}

/*
 * An error (or redirect) with a small HTML body; @extra(writer) adds header
 * lines ("Name: value\r\n").  Errors the parser found (no request to
 * trust) and 408 close the connection.
 */
template <class Extra>
void connection::respond_error_with(unsigned int status, bool head, Extra &&extra) noexcept
{
	switch (status) {
	case 400:
	case 408:
	case 413:
	case 414:
	case 431:
	case 500:
	case 501:
	case 503:
	case 505:
		keep_alive = false;
		break;
	}
	char text[192];
	http::writer b(text, sizeof(text));
	b.put("<!DOCTYPE html>\n<html><head><title>")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("</title></head><body><h1>")
		.put_dec(status)
		.put(' ')
		.put(http::reason_phrase(status))
		.put("</h1></body></html>\n");
	http::writer w = head_writer();
	begin_head(w, status);
	w.put("Content-Type: text/html; charset=utf-8\r\nContent-Length: ")
		.put_dec(b.size())
		.put("\r\n");
	extra(w);
	end_head(w);
	if (!head)
		w.put(b.view());
	if (w.overflowed() && status != 414) {
		/* Only a huge Location can do this: answer 414 instead. */
		return respond_error(414, head);
	}
	srv.counters.count_status(status);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
}

void connection::respond_error(unsigned int status, bool head, string_view extra) noexcept
{
	respond_error_with(status, head, [extra](http::writer &w) { w.put(extra); });
}

/*
 * A failed open.  -EAGAIN: a lease on the file is being broken (the open
 * does not wait for its holder, up to lease-break-time), or a rename raced
 * twice: 503, try again in a second.
 */
void connection::respond_open_error(const kstd::error &e, bool head) noexcept
{
	if (e == kstd::error::again()) {
		srv.counters.busy.add();
		return respond_error(503, head, "Retry-After: 1\r\n");
	}
	respond_error(status_for(e), head);
}

void connection::respond(const http::request &r) noexcept
{
	keep_alive = r.keep_alive;
	version_minor = r.version_minor;
	bool head = r.method == http::method::head;
	if (r.method != http::method::get && !head)
		return respond_error(405, false, "Allow: GET, HEAD\r\n");

	/* Decode and normalise the path into the second half of out. */
	kstd::span<char> scratch(out.get() + name_offset, out_size - name_offset);
	http::normalized_path path = http::normalize_path(r.path, scratch);
	if (!path.ok())
		return respond_error(path.error == http::path_error::too_long ? 414 : 400, head);
	/* Relative to the root: without the leading '/'; the root itself is ".". */
	string_view name = path.path.size() > 1 ? path.path.substr(1) : string_view(".");
	if (!srv.cfg.dotfiles && has_dot_segment(path.path))
		return respond_error(404, head);

	kstd::file_attr attr;
	auto f = srv.lookup(name, attr);
	if (!f)
		return respond_open_error(f.error(), head);
	if (!attr.others_can_read())
		return respond_error(403, head);
	if (attr.is_directory())
		return respond_directory(r, kstd::move((*f)->file), path);
	if (!attr.is_regular())
		return respond_error(403, head);
	respond_file(r, kstd::move(*f), attr, http::mime_type(path.path));
}

void connection::respond_file(const http::request &r, file_ref src, const kstd::file_attr &attr,
			      string_view type) noexcept
{
	bool head = r.method == http::method::head;
	string_view last_modified = modified.of(attr.mtime);

	http::writer w = head_writer();
	if (r.has_if_modified_since && attr.mtime <= r.if_modified_since) {
		begin_head(w, 304);
		w.put("Last-Modified: ").put(last_modified).put("\r\n");
		end_head(w);
		srv.counters.count_status(304);
		out_pos = 0;
		out_len = static_cast<u32>(w.size());
		body = body_kind::none;
		return;
	}
	u64 offset = 0, length = attr.size;
	unsigned int status = 200;
	if (r.range.present() && r.method == http::method::get) {
		http::range_selection sel = http::select_range(r.range, attr.size);
		if (!sel.satisfiable) {
			char cr[48];
			http::writer c(cr, sizeof(cr));
			c.put("Content-Range: bytes */").put_dec(attr.size).put("\r\n");
			return respond_error(416, head, c.view());
		}
		status = 206;
		offset = sel.offset;
		length = sel.length;
	}
	begin_head(w, status);
	srv.counters.count_status(status);
	w.put("Content-Type: ")
		.put(type)
		.put("\r\nContent-Length: ")
		.put_dec(length)
		.put("\r\nLast-Modified: ")
		.put(last_modified)
		.put("\r\nAccept-Ranges: bytes\r\n");
	if (status == 206)
		w.put("Content-Range: bytes ")
			.put_dec(offset)
			.put('-')
			.put_dec(offset + length - 1)
			.put('/')
			.put_dec(attr.size)
			.put("\r\n");
	end_head(w);
	out_pos = 0;
	out_len = static_cast<u32>(w.size());
	body = body_kind::none;
	if (head || !length)
		return;
	if (length <= out_size - out_len) {
		/* Small: the body joins the head, one send. */
		u64 pos = offset;
		size_t got = 0;
		while (got < length) {
			auto n = src->file.read(out.get() + out_len + got,
						static_cast<size_t>(length) - got, pos);
			if (!n || *n == 0)
				break;
			got += *n;
		}
		if (got < length) {
			/* Shrank under us: send what we have and close (a short body). */
			srv.counters.errors.add();
			keep_alive = false;
		}
		out_len += static_cast<u32>(got);
		return;
	}
	body = body_kind::file;
	body_src = kstd::move(src);
	body_pos = offset;
	body_left = length;
}

void connection::respond_directory(const http::request &r, kstd::file dir,
				   const http::normalized_path &path) noexcept
{
	bool head = r.method == http::method::head;
	if (!path.trailing_slash) {
		/* 301 to the same path with a '/'; built from the normalised path. */
		return respond_error_with(301, head, [&](http::writer &w) {
			w.put("Location: ").put_url(path.path, true).put('/');
			if (!r.query.empty())
				w.put('?').put(r.query);
			w.put("\r\n");
		});
	}
	/* index.html, right after the directory's name in the scratch area. */
	char *scratch = out.get() + name_offset;
	size_t len = path.path.size();
	constexpr string_view index = "index.html";
	if (name_offset + len + index.size() + 1 <= out_size) {
		kstd::copy_bytes(scratch + len, index.data(), index.size());
		scratch[len + index.size()] = '\0';
		kstd::file_attr attr;
		auto f = srv.lookup(string_view(scratch + 1, len - 1 + index.size()), attr);
		scratch[len] = '\0';
		if (f && attr.is_regular()) {
			if (!attr.others_can_read())
				return respond_error(403, head);
			return respond_file(r, kstd::move(*f), attr, "text/html; charset=utf-8");
		}
		if (!f && f.error() != kstd::error::noent())
			return respond_open_error(f.error(), head);
	}
	if (!srv.cfg.listing)
		return respond_error(403, head);
	return start_listing(kstd::move(dir), path, head);
}

} // namespace khttpd
