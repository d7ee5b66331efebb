// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scaffolding for khttpd's KUnit suites: a document root in a private
 * ramfs (docroot), a khttpd server of the test's own on a port the kernel
 * picks, serving it as nobody/nogroup (start()), and an HTTP client over
 * loopback that reads one response by its framing (client).  Test code
 * only; every blocking call has a timeout, so a broken case fails instead
 * of hanging.
 */
#ifndef KHTTPD_KUNIT_KHTTPD_TEST_HPP
#define KHTTPD_KUNIT_KHTTPD_TEST_HPP

#include <kstd/file.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>
#include <kstd/string.hpp>
#include <kstd/thread.hpp>

#include <kstd/kunit.hpp>

#include "../server.hpp"
#include "fs_helpers.h"

namespace khttpd_test {

using kstd::size_t;
using kstd::string_view;
using kstd::u64;
using kstd::u8;

/* How long a client's blocking call, or a wait for the server, may take. */
constexpr unsigned int timeout_ms = 5000;

/* Size of big.bin: far more than a connection's 8 KiB buffer, so spliced. */
constexpr size_t big_size = 100 * 1000 + 7;

/* Byte @i of big.bin. */
inline char big_byte(size_t i)
{
	return static_cast<char>(i * 13 + i / 4099);
}

/*
 * A private ramfs (root owned, so "others" permissions are what nobody
 * gets):
 *   secret.txt              outside the document root
 *   www/                    the document root
 *   www/a.txt               "hello world"
 *   www/page.html           "<p>hi</p>"
 *   www/private.txt         0600
 *   www/.hidden             a dot file
 *   www/sub/b.txt           "bee"
 *   www/withindex/index.html
 *   www/big.bin             big_size bytes of big_byte()
 *   www/abs-link            -> /secret.txt
 *   www/rel-link            -> ../secret.txt
 *   www/fifo                a FIFO, 0644
 */
struct docroot {
	::vfsmount *mnt;
	bool ok = false;

	/* Out of line: the table of items stays off the frames of the cases. */
	[[gnu::noinline]] explicit docroot(kstd::kunit::test &test)
		: mnt(khttpd_kunit_mount_ramfs())
	{
		if (kstd::is_err_ptr(mnt)) {
			KSTD_FAIL("cannot mount a ramfs");
			return;
		}
		auto big = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, big_size);
		if (!big) {
			KSTD_FAIL("out of memory");
			return;
		}
		for (size_t i = 0; i < big_size; i++)
			(*big)[i] = big_byte(i);
		struct {
			const char *path;
			char kind;
			const char *data;
			size_t len;
			unsigned int mode;
		} items[] = {
			{"secret.txt", 'f', "secret", 6, 0644},
			{"www", 'd', nullptr, 0, 0755},
			{"www/a.txt", 'f', "hello world", 11, 0644},
			{"www/page.html", 'f', "<p>hi</p>", 9, 0644},
			{"www/private.txt", 'f', "private", 7, 0600},
			{"www/.hidden", 'f', "dot", 3, 0644},
			{"www/sub", 'd', nullptr, 0, 0755},
			{"www/sub/b.txt", 'f', "bee", 3, 0644},
			{"www/withindex", 'd', nullptr, 0, 0755},
			{"www/withindex/index.html", 'f', "<h1>index</h1>", 14, 0644},
			{"www/big.bin", 'f', big->get(), big_size, 0644},
			{"www/abs-link", 'l', "/secret.txt", 0, 0},
			{"www/rel-link", 'l', "../secret.txt", 0, 0},
			{"www/fifo", 'p', nullptr, 0, 0644},
		};
		for (const auto &it : items) {
			int err =
				khttpd_kunit_make(mnt, it.path, it.kind, it.data, it.len, it.mode);
			KSTD_EXPECT_EQ(err, 0);
			if (err)
				return;
		}
		ok = true;
	}
	~docroot()
	{
		if (!kstd::is_err_ptr(mnt))
			khttpd_kunit_umount(mnt);
	}
	docroot(const docroot &) = delete;
	docroot &operator=(const docroot &) = delete;

	/* www, as the directory_root a server serves. */
	[[nodiscard]] kstd::result<kstd::directory_root> root() const
	{
		::file *f = khttpd_kunit_open_dir(mnt, "www");
		if (kstd::is_err_ptr(f))
			return kstd::error::from_errno(static_cast<int>(reinterpret_cast<long>(f)));
		// SAFETY: f is a new reference to an open file, which d now owns.
		kstd::file d(f);
		return kstd::directory_root::of(d);
	}

	/* Replace the contents of @path (same inode). */
	[[nodiscard]] int rewrite(const char *path, string_view data) const
	{
		return khttpd_kunit_rewrite(mnt, path, data.data(), data.size());
	}
	/* Remove @path and create a new file of the same name holding @data. */
	[[nodiscard]] int replace(const char *path, string_view data) const
	{
		if (int err = khttpd_kunit_unlink(mnt, path))
			return err;
		return khttpd_kunit_make(mnt, path, 'f', data.data(), data.size(), 0644);
	}
};

/* The settings a test server starts from: everything short, nothing deferred. */
inline khttpd::settings test_settings()
{
	return {
		.listen = {.port = 0,
			   .backlog = 64,
			   .queue_flags = kstd::wq::unbound,
			   .accept_batch = 16,
			   .ipv6 = true,
			   .defer_accept_s = 0},
		.docroot = "(kunit ramfs)",
		.user = 65534,
		.group = 65534,
		.idle_timeout = kstd::secs(10),
		.head_deadline = kstd::secs(10),
		.body_deadline = kstd::secs(10),
		.linger_deadline = kstd::secs(10),
		.max_per_address = 0,
		.max_connections = 100,
		.cache_ttl = kstd::msecs(1000),
		.listing = true,
		.dotfiles = false,
	};
}

/* Lo up (kunit.py's UML boots with it down). */
inline bool net_ready(kstd::kunit::test &test)
{
	int err = khttpd_kunit_loopback_up();
	KSTD_EXPECT_EQ(err, 0);
	return err == 0;
}

/* A khttpd server on @d's www as nobody/nogroup, as @cfg says. */
inline kstd::result<kstd::unique_ptr<khttpd::server>> start(const docroot &d,
							    const khttpd::settings &cfg)
{
	auto root = KSTD_TRY(d.root());
	auto creds = KSTD_TRY(kstd::credentials::unprivileged(cfg.user, cfg.group));
	return khttpd::server::start(cfg, kstd::move(root), kstd::move(creds));
}

/* Poll @cond every 10 ms for up to timeout_ms; whether it came true. */
template <class F>
bool eventually(F cond)
{
	for (unsigned int waited = 0; waited < timeout_ms; waited += 10) {
		if (cond())
			return true;
		kstd::msleep(10);
	}
	return cond();
}

/* One response as the client read it. */
struct response {
	unsigned int status = 0;
	string_view head; /* status line to the blank line, inclusive */
	string_view body; /* by Content-Length, chunked framing, or to EOF */

	/* The value of header @name ("" if absent); khttpd's spelling of names. */
	[[nodiscard]] string_view header(string_view name) const
	{
		for (size_t i = 0; i + name.size() + 4 <= head.size(); i++) {
			if (head.substr(i, 2) != "\r\n" ||
			    head.substr(i + 2, name.size()) != name ||
			    head.substr(i + 2 + name.size(), 2) != ": ")
				continue;
			size_t from = i + 2 + name.size() + 2, to = from;
			while (to < head.size() && head[to] != '\r')
				to++;
			return head.substr(from, to - from);
		}
		return {};
	}
	[[nodiscard]] bool has_header(string_view name) const
	{
		return header(name).data() != nullptr;
	}
};

/* How the client reads a response's body. */
enum class body_is { framed, absent /* HEAD, 304 */ };

/*
 * A client connection.  request() sends a request and reads exactly one
 * response by its framing; bytes after it stay buffered (extra()).
 */
class client {
public:
	static constexpr size_t capacity = 256 * 1024;

	static kstd::result<client> connect(khttpd::server &srv)
	{
		auto at = KSTD_TRY(srv.tcp.local_address());
		client c;
		c.buf_ = KSTD_TRY(
			kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, capacity));
		c.s_ = KSTD_TRY(
			kstd::tcp_stream::connect(kstd::socket_address::ipv4_loopback(at.port())));
		KSTD_TRY(c.s_.set_recv_timeout(timeout_ms));
		KSTD_TRY(c.s_.set_send_timeout(timeout_ms));
		return c;
	}

	/* Send @req; -EPIPE, ... */
	kstd::result<void> send(string_view req)
	{
		auto n = KSTD_TRY(s_.send_all(req.data(), req.size()));
		return n == req.size() ? kstd::result<void>{} : kstd::error::timedout();
	}

	/*
	 * Read the next response (the previous one's bytes are dropped).
	 * -EPROTO if it is not one, -ETIMEDOUT, or -ECONNRESET if the
	 * connection ends first.
	 */
	kstd::result<response> read(body_is kind = body_is::framed)
	{
		kstd::move_bytes(buf_.get(), buf_.get() + used_, len_ - used_);
		len_ -= used_;
		used_ = 0;
		size_t end;
		while ((end = find(string_view(buf_.get(), len_), "\r\n\r\n")) == npos)
			KSTD_TRY(fill());
		response r;
		r.head = string_view(buf_.get(), end + 4);
		if (r.head.size() < 12 || r.head.substr(0, 9) != "HTTP/1.1 ")
			return kstd::error::proto();
		auto status = kstd::parse_u32(r.head.substr(9, 3));
		if (!status)
			return kstd::error::proto();
		r.status = *status;
		size_t body_at = r.head.size(), body_len = 0;
		if (kind == body_is::absent) {
			body_len = 0;
		} else if (r.header("Transfer-Encoding") == "chunked") {
			/* Whole chunks until the last one: enough for listings. */
			while ((end = find(string_view(buf_.get() + body_at, len_ - body_at),
					   "\r\n0\r\n\r\n")) == npos)
				KSTD_TRY(fill());
			body_len = end + 7;
		} else if (r.has_header("Content-Length")) {
			auto n = kstd::parse_u64(r.header("Content-Length"));
			if (!n || *n > capacity - body_at)
				return kstd::error::proto();
			body_len = static_cast<size_t>(*n);
			while (len_ < body_at + body_len)
				KSTD_TRY(fill());
		} else {
			while (fill())
				;
			body_len = len_ - body_at;
		}
		r.head = string_view(buf_.get(),
				     body_at); /* fill() may not move buf_, but be clear */
		r.body = string_view(buf_.get() + body_at, body_len);
		used_ = body_at + body_len;
		return r;
	}

	/* request = send + read. */
	kstd::result<response> request(string_view req, body_is kind = body_is::framed)
	{
		KSTD_TRY(send(req));
		return read(kind);
	}

	/* Bytes received after the last response. */
	[[nodiscard]] size_t extra() const { return len_ - used_; }

	/*
	 * Whether the server closed: EOF (or a reset) within timeout_ms, with
	 * nothing more than what is buffered.
	 */
	[[nodiscard]] bool closed_by_server()
	{
		if (extra())
			return false;
		char b;
		auto n = s_.recv(&b, 1);
		return n ? *n == 0 : n.error() != kstd::error::again();
	}

	/* Nothing more arrives within @ms. */
	[[nodiscard]] bool quiet_for(unsigned int ms)
	{
		if (extra())
			return false;
		kstd::msleep(ms);
		char b;
		auto n = s_.try_recv(&b, 1);
		return !n && n.error() == kstd::error::again();
	}

	kstd::tcp_stream &stream() { return s_; }

private:
	static constexpr size_t npos = ~size_t(0);

	static size_t find(string_view in, string_view what)
	{
		for (size_t i = 0; i + what.size() <= in.size(); i++)
			if (in.substr(i, what.size()) == what)
				return i;
		return npos;
	}

	kstd::result<void> fill()
	{
		if (len_ == capacity)
			return kstd::error::nobufs();
		auto n = s_.recv(buf_.get() + len_, capacity - len_);
		if (!n)
			return n.error() == kstd::error::again() ? kstd::error::timedout()
								 : n.error();
		if (*n == 0)
			return kstd::error::connreset();
		len_ += *n;
		return {};
	}

	kstd::tcp_stream s_;
	kstd::unique_ptr<char[]> buf_;
	size_t len_ = 0, used_ = 0;
};

/* The body as text, for comparisons. */
inline bool body_is_big_bin(string_view body)
{
	if (body.size() != big_size)
		return false;
	for (size_t i = 0; i < big_size; i++)
		if (body[i] != big_byte(i))
			return false;
	return true;
}

/* Whether @hay contains @needle. */
inline bool contains(string_view hay, string_view needle)
{
	for (size_t i = 0; i + needle.size() <= hay.size(); i++)
		if (hay.substr(i, needle.size()) == needle)
			return true;
	return false;
}

} // namespace khttpd_test

#endif
