// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_file: kstd::file and kstd::directory_root on a tree built in a
 * private ramfs instance (tmpfs cannot hold directories without
 * CONFIG_TMPFS, as in kunit.py's UML): reads and attributes, confinement
 * beneath the root (.., absolute and relative symbolic links, FIFOs),
 * resumable directory listings, zero-copy sends over loopback, and
 * permissions checked as an unprivileged user (kstd::credentials).
 */
#include <kstd/file.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/memory.hpp>
#include <kstd/net_address.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

using kstd::size_t;
using kstd::string_view;
using kstd::u64;
using namespace kstd::literals;

constexpr size_t big_size = 200 * 1024 + 123;

/*
 * A private ramfs with:
 *   secret.txt              outside the root
 *   root/a.txt              "hello world"
 *   root/private.txt        0600
 *   root/sub/b.txt          "bee"
 *   root/in-link            -> sub/b.txt
 *   root/abs-link           -> /secret.txt
 *   root/rel-link           -> ../secret.txt
 *   root/sub/up-link        -> ../a.txt (inside)
 *   root/fifo               a FIFO
 *   root/big.bin            big_size bytes of a pattern
 *   root/sub/closed/        0700 (owner root)
 *   root/sub/closed/c.txt   0644
 */
struct tree {
	::vfsmount *mnt;
	bool ok = false;

	explicit tree(kstd::kunit::test &test) : mnt(kstd_kunit_mount("ramfs"))
	{
		if (kstd::is_err_ptr(mnt)) {
			KSTD_EXPECT(!"ramfs mount");
			return;
		}
		auto big = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, big_size);
		if (!big) {
			KSTD_EXPECT(!"allocation");
			return;
		}
		for (size_t i = 0; i < big_size; i++)
			(*big)[i] = static_cast<char>(i * 7 + i / 4096);
		struct {
			const char *path;
			char kind;
			const char *data;
			size_t len;
			unsigned int mode;
		} items[] = {
			{"secret.txt", 'f', "secret", 6, 0644},
			{"root", 'd', nullptr, 0, 0755},
			{"root/a.txt", 'f', "hello world", 11, 0644},
			{"root/private.txt", 'f', "private", 7, 0600},
			{"root/sub", 'd', nullptr, 0, 0755},
			{"root/sub/b.txt", 'f', "bee", 3, 0644},
			{"root/in-link", 'l', "sub/b.txt", 0, 0},
			{"root/abs-link", 'l', "/secret.txt", 0, 0},
			{"root/rel-link", 'l', "../secret.txt", 0, 0},
			{"root/sub/up-link", 'l', "../a.txt", 0, 0},
			{"root/fifo", 'p', nullptr, 0, 0644},
			{"root/big.bin", 'f', big->get(), big_size, 0644},
			{"root/sub/closed", 'd', nullptr, 0, 0700},
			{"root/sub/closed/c.txt", 'f', "c", 1, 0644},
		};
		for (const auto &it : items) {
			int err =
				kstd_kunit_fs_make(mnt, it.path, it.kind, it.data, it.len, it.mode);
			KSTD_EXPECT_EQ(err, 0);
			if (err)
				return;
		}
		ok = true;
	}
	~tree()
	{
		if (!kstd::is_err_ptr(mnt))
			kstd_kunit_umount(mnt);
	}

	/* The root directory of the test, as a directory_root. */
	kstd::result<kstd::directory_root> root(const char *dir = "root")
	{
		::file *f = kstd_kunit_open(mnt, dir, 0);
		if (kstd::is_err_ptr(f))
			return kstd::error::from_errno(static_cast<int>(reinterpret_cast<long>(f)));
		kstd::file d(f);
		return kstd::directory_root::of(d);
	}
};

int open_errno(const kstd::directory_root &r, const char *name)
{
	auto f = r.open_beneath(name);
	return f ? 0 : f.error().to_errno();
}

} // namespace

KSTD_TEST_SUITE(kstd_file);

KSTD_TEST(kstd_file, read_and_attributes)
{
	tree t(test);
	auto r = t.root();
	KSTD_EXPECT(t.ok && r);
	if (!t.ok || !r)
		return;
	kstd::file_attr attr;
	auto f = r->open_beneath("a.txt", &attr);
	KSTD_EXPECT(f);
	if (!f)
		return;
	KSTD_EXPECT_EQ(attr.size, 11);
	KSTD_EXPECT(attr.is_regular() && !attr.is_directory() && attr.others_can_read());
	KSTD_EXPECT(attr.mtime > 1000000000LL);
	char buf[32] = {};
	u64 pos = 0;
	auto n = f->read(buf, sizeof(buf), pos);
	KSTD_EXPECT(n && *n == 11 && pos == 11);
	KSTD_EXPECT(string_view(buf, 11) == "hello world");
	pos = 6;
	n = f->read(buf, 3, pos);
	KSTD_EXPECT(n && *n == 3 && pos == 9 && string_view(buf, 3) == "wor");
	pos = 11;
	KSTD_EXPECT_EQ(f->read(buf, sizeof(buf), pos).value_or(99), 0);
	auto again = f->attr();
	KSTD_EXPECT(again && again->size == 11 && again->mtime == attr.mtime);

	kstd::file_attr pa;
	KSTD_EXPECT(r->open_beneath("private.txt", &pa));
	KSTD_EXPECT(pa.is_regular() && !pa.others_can_read());
	kstd::file_attr da;
	auto d = r->open_beneath(".", &da);
	KSTD_EXPECT(d && da.is_directory());
	auto s = r->open_beneath("sub/", &da);
	KSTD_EXPECT(s && da.is_directory());
	/* Moves and empties. */
	kstd::file g = kstd::move(*f);
	KSTD_EXPECT(g && !*f);
	KSTD_EXPECT_EQ(f->attr().to_errno(), -KSTD_EBADF);
	kstd::directory_root none;
	KSTD_EXPECT_EQ(open_errno(none, "a.txt"), -KSTD_EBADF);
}

KSTD_TEST(kstd_file, nothing_outside_the_root)
{
	tree t(test);
	auto r = t.root();
	KSTD_EXPECT(t.ok && r);
	if (!t.ok || !r)
		return;
	/* Inside: followed. */
	kstd::file_attr attr;
	KSTD_EXPECT(r->open_beneath("in-link", &attr) && attr.size == 3);
	KSTD_EXPECT(r->open_beneath("sub/up-link", &attr) && attr.size == 11);
	KSTD_EXPECT(r->open_beneath("sub/../a.txt", &attr) && attr.size == 11);
	/* Outside: refused during the walk. */
	KSTD_EXPECT_EQ(open_errno(*r, "../secret.txt"), -KSTD_EXDEV);
	KSTD_EXPECT_EQ(open_errno(*r, "sub/../../secret.txt"), -KSTD_EXDEV);
	KSTD_EXPECT_EQ(open_errno(*r, ".."), -KSTD_EXDEV);
	KSTD_EXPECT_EQ(open_errno(*r, "abs-link"), -KSTD_EXDEV);
	KSTD_EXPECT_EQ(open_errno(*r, "rel-link"), -KSTD_EXDEV);
	/* A leading '/' names the root, not the file system's. */
	KSTD_EXPECT_EQ(open_errno(*r, "/secret.txt"), -KSTD_ENOENT);
	KSTD_EXPECT(r->open_beneath("/a.txt", &attr) && attr.size == 11);
	/* Neither a file nor a directory: never opened. */
	KSTD_EXPECT_EQ(open_errno(*r, "fifo"), -KSTD_EACCES);
	/* The usual errors. */
	KSTD_EXPECT_EQ(open_errno(*r, "missing"), -KSTD_ENOENT);
	KSTD_EXPECT_EQ(open_errno(*r, "a.txt/"), -KSTD_ENOTDIR);
	KSTD_EXPECT_EQ(open_errno(*r, "a.txt/x"), -KSTD_ENOTDIR);
	/* The same tree from one level up sees the secret. */
	auto top = t.root(".");
	KSTD_EXPECT(top && top->open_beneath("secret.txt"));
	/* A root must be a directory. */
	::file *f = kstd_kunit_open(t.mnt, "root/a.txt", 0);
	KSTD_EXPECT(!kstd::is_err_ptr(f));
	if (!kstd::is_err_ptr(f)) {
		kstd::file a(f);
		KSTD_EXPECT_EQ(kstd::directory_root::of(a).to_errno(), -KSTD_ENOTDIR);
	}
}

KSTD_TEST(kstd_file, listing_resumes_where_it_stopped)
{
	tree t(test);
	auto r = t.root();
	KSTD_EXPECT(t.ok && r);
	if (!t.ok || !r)
		return;
	auto d = r->open_beneath(".");
	KSTD_EXPECT(d);
	if (!d)
		return;
	/* Two entries per call: every name exactly once, "." and ".." too. */
	const char *names[] = {".",	  "..",	      "a.txt",	  "private.txt", "sub",
			       "in-link", "abs-link", "rel-link", "fifo",	 "big.bin"};
	int seen[10] = {};
	int calls = 0, dirs = 0, links = 0, others = 0;
	bool end = false;
	while (!end && calls < 50) {
		int taken = 0;
		auto res = d->read_dir([&](string_view name, kstd::dir_entry_type type) {
			if (taken == 2)
				return false;
			taken++;
			for (int i = 0; i < 10; i++)
				if (name == names[i])
					seen[i]++;
			dirs += type == kstd::dir_entry_type::directory;
			links += type == kstd::dir_entry_type::symlink;
			others += type == kstd::dir_entry_type::other;
			return true;
		});
		KSTD_EXPECT(res);
		end = !res || *res;
		calls++;
	}
	KSTD_EXPECT(end);
	KSTD_EXPECT(calls >= 5);
	for (int n : seen)
		KSTD_EXPECT_EQ(n, 1);
	KSTD_EXPECT_EQ(dirs, 3); /* ".", "..", "sub" */
	KSTD_EXPECT_EQ(links, 3);
	KSTD_EXPECT_EQ(others, 1); /* the FIFO */
	/* At the end: nothing more. */
	int more = 0;
	auto res = d->read_dir([&](string_view, kstd::dir_entry_type) { return ++more, true; });
	KSTD_EXPECT(res && *res && more == 0);
	/* A regular file is not a directory. */
	auto f = r->open_beneath("a.txt");
	KSTD_EXPECT(f && !f->read_dir([](string_view, kstd::dir_entry_type) { return true; }));
}

KSTD_TEST(kstd_file, zero_copy_send)
{
	tree t(test);
	auto r = t.root();
	KSTD_EXPECT(t.ok && r);
	if (!t.ok || !r)
		return;
	KSTD_EXPECT_EQ(kstd_kunit_net_loopback_up(), 0);
	auto l = kstd::tcp_listener::bind(kstd::socket_address::ipv4_loopback(0), 4);
	KSTD_EXPECT(l);
	if (!l)
		return;
	auto addr = l->local_address();
	auto client = kstd::tcp_stream::connect(*addr);
	KSTD_EXPECT(client);
	KSTD_EXPECT(l->set_accept_timeout(5000));
	auto server = l->accept();
	KSTD_EXPECT(server);
	if (!client || !server)
		return;
	KSTD_EXPECT(client->set_recv_timeout(200));
	kstd::file_attr attr;
	auto f = r->open_beneath("big.bin", &attr);
	KSTD_EXPECT(f && attr.size == big_size);
	auto got = kstd::make_unique_for_overwrite<char[]>(kstd::gfp::kernel, big_size + 16);
	if (!f || !got)
		return;
	/* Non-blocking sends, draining the other end in between. */
	u64 pos = 0;
	size_t received = 0;
	int rounds = 0, again = 0;
	while ((pos < big_size || received < big_size) && rounds++ < 10000) {
		if (pos < big_size) {
			auto n = f->send(*server, pos, big_size - pos, kstd::msg::dontwait);
			if (!n && n.error() == kstd::error::again())
				again++;
			else
				KSTD_EXPECT(n && *n > 0);
		}
		auto m = client->recv(got->get() + received, big_size + 16 - received,
				      pos < big_size ? kstd::msg::dontwait : kstd::msg::none);
		if (m)
			received += *m;
	}
	KSTD_EXPECT_EQ(pos, big_size);
	KSTD_EXPECT_EQ(received, big_size);
	bool same = received == big_size;
	for (size_t i = 0; same && i < big_size; i++)
		same = (*got)[i] == static_cast<char>(i * 7 + i / 4096);
	KSTD_EXPECT(same);
	/* At the end of the file: 0.  A range from the middle, blocking. */
	KSTD_EXPECT_EQ(f->send(*server, pos, 100).value_or(99), 0);
	u64 mid = 100000;
	KSTD_EXPECT_EQ(f->send(*server, mid, 5000).value_or(0), 5000);
	KSTD_EXPECT_EQ(mid, 105000);
	size_t m = 0;
	while (m < 5000) {
		auto n = client->recv(got->get() + m, 5000 - m);
		if (!n || !*n)
			break;
		m += *n;
	}
	KSTD_EXPECT_EQ(m, 5000);
	same = m == 5000;
	for (size_t i = 0; same && i < 5000; i++)
		same = (*got)[i] == static_cast<char>((100000 + i) * 7 + (100000 + i) / 4096);
	KSTD_EXPECT(same);
	/* Into an empty stream: -EBADF. */
	kstd::tcp_stream empty;
	KSTD_EXPECT_EQ(f->send(empty, pos, 1).to_errno(), -KSTD_EBADF);
}

KSTD_TEST(kstd_file, open_by_name_and_time)
{
	auto root = kstd::file::open("/");
	KSTD_EXPECT(root);
	if (root) {
		auto a = root->attr();
		KSTD_EXPECT(a && a->is_directory());
	}
	KSTD_EXPECT_EQ(kstd::file::open("/nonexistent-kstd-file").to_errno(), -KSTD_ENOENT);
	auto dir = kstd::directory_root::open("/");
	KSTD_EXPECT(dir);
	KSTD_EXPECT_EQ(kstd::directory_root::open("/nonexistent-kstd-dir").to_errno(),
		       -KSTD_ENOENT);
	/* Wall-clock time: after 2020, and it moves forward (or stays). */
	kstd::s64 t0 = kstd::real_seconds();
	KSTD_EXPECT(t0 > 1577836800LL);
	KSTD_EXPECT(kstd::real_seconds() >= t0);
}

KSTD_TEST(kstd_file, permissions_of_an_unprivileged_user)
{
	tree t(test);
	auto r = t.root();
	KSTD_EXPECT(t.ok && r);
	if (!t.ok || !r)
		return;
	KSTD_EXPECT_EQ(kstd::credentials::unprivileged(0xffffffffu, 0).to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kstd::credentials::unprivileged(0, 0xffffffffu).to_errno(), -KSTD_EINVAL);
	auto nobody = kstd::credentials::unprivileged(65534, 65534);
	KSTD_EXPECT(nobody);
	if (!nobody)
		return;
	/* The test's own (kernel) credentials pass every check. */
	KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 0);
	KSTD_EXPECT_EQ(open_errno(*r, "sub/closed/c.txt"), 0);
	KSTD_EXPECT_EQ(open_errno(*r, "private.txt"), 0);
	{
		kstd::override_credentials as(*nobody);
		KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 65534);
		/* Search permission on the directory above, read on the file. */
		KSTD_EXPECT_EQ(open_errno(*r, "sub/closed/c.txt"), -KSTD_EACCES);
		KSTD_EXPECT_EQ(open_errno(*r, "sub/closed"), -KSTD_EACCES);
		KSTD_EXPECT_EQ(open_errno(*r, "private.txt"), -KSTD_EACCES);
		KSTD_EXPECT_EQ(open_errno(*r, "a.txt"), 0);
		KSTD_EXPECT_EQ(open_errno(*r, "sub/b.txt"), 0);
		auto other = kstd::credentials::unprivileged(1000, 1000);
		KSTD_EXPECT(other);
		if (other) {
			/* Nested scopes: back to nobody at the inner one's end. */
			kstd::override_credentials inner(*other);
			KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 1000);
		}
		KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 65534);
		{
			/* Empty credentials change nothing. */
			kstd::credentials none;
			kstd::override_credentials same(none);
			KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 65534);
		}
	}
	KSTD_EXPECT_EQ(kstd::override_credentials::current_fsuid(), 0);
	KSTD_EXPECT_EQ(open_errno(*r, "sub/closed/c.txt"), 0);
	/* Moves: one reference, released once. */
	kstd::credentials moved = kstd::move(*nobody);
	KSTD_EXPECT(moved && !*nobody);
}

KSTD_TEST_SUITE_END(kstd_file);
