// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_proc: /proc files through the real VFS path (a private procfs
 * instance, files opened, read, written and closed by the kernel): the
 * seq_file reader, the line-splitting writer and its error reporting, the
 * per-open-file buffer, removal with open files, directories, and the
 * per-namespace /proc/net entry in init_net.
 */
#include <kstd/lock.hpp>
#include <kstd/net_address.hpp>
#include <kstd/proc.hpp>
#include <kstd/string.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

using kstd::string_view;

/* Records what it is given; "bad" and "busy" lines fail. */
struct recorder {
	int lines = 0;
	kstd::fixed_string<512> seen; /* the lines, each followed by '|' */

	void show(kstd::seq_file &m)
	{
		m.printf("lines %d\n", lines);
		m.write("end\n");
	}
	kstd::result<void> on_line(string_view l)
	{
		if (l == "bad")
			return kstd::error::inval();
		if (l == "busy")
			return kstd::error::busy();
		lines++;
		seen.append(l);
		seen.push_back('|');
		return {};
	}
};

/*
 * A private procfs instance, and user memory for write(2) (/proc files
 * have no ->write_iter, so no kernel_write(): tests call the file's ->write
 * with a user buffer, as write(2) does).
 */
struct procfs {
	static constexpr kstd::size_t ubuf_size = 8 * 4096;
	::vfsmount *mnt;
	unsigned long ubuf;
	explicit procfs(kstd::kunit::test &test)
		: mnt(kstd_kunit_mount("proc")), ubuf(kstd_kunit_user_buf(test.raw(), ubuf_size))
	{
	}
	~procfs()
	{
		if (!kstd::is_err_ptr(mnt))
			kstd_kunit_umount(mnt);
	}
	bool ok() const { return !kstd::is_err_ptr(mnt) && ubuf; }
};

/* An open file; closed (release runs) when destroyed. */
struct open_file {
	::file *f;
	unsigned long ubuf;
	open_file(procfs &fs, const char *path, int how)
		: f(kstd_kunit_open(fs.mnt, path, how)), ubuf(fs.ubuf)
	{
	}
	~open_file() { close(); }
	bool ok() const { return !kstd::is_err_ptr(f); }
	long err() const { return ok() ? 0 : reinterpret_cast<long>(f); }
	long write(string_view s)
	{
		if (!ok() || !ubuf || s.size() > procfs::ubuf_size)
			return ok() ? -KSTD_EFAULT : err();
		return kstd_kunit_user_write(f, ubuf, s.data(), s.size());
	}
	kstd::fixed_string<256> read()
	{
		kstd::fixed_string<256> s;
		char buf[256];
		if (ok() && kstd_kunit_read(f, buf, sizeof(buf)) >= 0)
			s.assign(buf);
		return s;
	}
	void close()
	{
		if (ok())
			kstd_kunit_close(f);
		f = reinterpret_cast<::file *>(-1L);
	}
};

/* Open, read, close. */
kstd::fixed_string<256> read_file(procfs &fs, const char *path)
{
	open_file f(fs, path, 0);
	return f.read();
}

/* Open, write, close; the write's result. */
long write_file(procfs &fs, const char *path, string_view s)
{
	open_file f(fs, path, 1);
	return f.write(s);
}

const char *const name = "kstd_kif_test";

} // namespace

KSTD_TEST_SUITE(kstd_proc);

KSTD_TEST(kstd_proc, create_read_remove)
{
	procfs fs(test);
	KSTD_EXPECT(fs.ok());
	recorder r;
	{
		auto e = kstd::proc_entry::create(name, 0644, r);
		KSTD_EXPECT(e.has_value());
		KSTD_EXPECT(read_file(fs, name) == "lines 0\nend\n");
		r.lines = 41;
		KSTD_EXPECT(read_file(fs, name) == "lines 41\nend\n");
	}
	/* Gone once the entry is destroyed. */
	open_file gone(fs, name, 0);
	KSTD_EXPECT_EQ(gone.err(), -KSTD_ENOENT);
}

KSTD_TEST(kstd_proc, lines_reach_the_handler)
{
	procfs fs(test);
	recorder r;
	auto e = kstd::proc_entry::create(name, 0644, r);
	KSTD_EXPECT(e.has_value());
	KSTD_EXPECT_EQ(write_file(fs, name, "one\ntwo\n"), 8);
	KSTD_EXPECT(r.seen == "one|two|");
	/* "\r\n" endings, empty and blank-CR lines are skipped. */
	KSTD_EXPECT_EQ(write_file(fs, name, "x\r\n\r\n\ny\n"), 8);
	KSTD_EXPECT(r.seen == "one|two|x|y|");
	KSTD_EXPECT(read_file(fs, name) == "lines 4\nend\n");
	/* Inner blanks and other bytes are the handler's business. */
	KSTD_EXPECT_EQ(write_file(fs, name, " a b \n"), 6);
	KSTD_EXPECT(r.seen == "one|two|x|y| a b |");
}

KSTD_TEST(kstd_proc, line_split_across_writes)
{
	procfs fs(test);
	recorder r;
	auto e = kstd::proc_entry::create(name, 0644, r);
	open_file f(fs, name, 1);
	KSTD_EXPECT_EQ(f.write("hel"), 3);
	KSTD_EXPECT(r.seen.empty()); /* nothing complete yet */
	KSTD_EXPECT_EQ(f.write("lo\nwor"), 6);
	KSTD_EXPECT(r.seen == "hello|");
	KSTD_EXPECT_EQ(f.write("ld"), 2);
	KSTD_EXPECT_EQ(f.write("\n"), 1);
	KSTD_EXPECT(r.seen == "hello|world|");
	/* Each open file has its own partial line. */
	open_file g(fs, name, 1);
	KSTD_EXPECT_EQ(f.write("A"), 1);
	KSTD_EXPECT_EQ(g.write("B"), 1);
	KSTD_EXPECT_EQ(g.write("2\n"), 2);
	KSTD_EXPECT_EQ(f.write("1\n"), 2);
	KSTD_EXPECT(r.seen == "hello|world|B2|A1|");
}

KSTD_TEST(kstd_proc, bad_lines_fail_write_but_good_ones_count)
{
	procfs fs(test);
	recorder r;
	auto e = kstd::proc_entry::create(name, 0644, r);
	/* The first error is returned; every valid line is still handled. */
	KSTD_EXPECT_EQ(write_file(fs, name, "good1\nbad\ngood2\nbusy\ngood3\n"), -KSTD_EINVAL);
	KSTD_EXPECT(r.seen == "good1|good2|good3|");
	KSTD_EXPECT_EQ(write_file(fs, name, "busy\nbad\n"), -KSTD_EBUSY);
	KSTD_EXPECT_EQ(r.lines, 3);
	/* An error does not poison the open file. */
	open_file f(fs, name, 1);
	KSTD_EXPECT_EQ(f.write("bad\n"), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(f.write("ok\n"), 3);
	KSTD_EXPECT(r.seen == "good1|good2|good3|ok|");
}

KSTD_TEST(kstd_proc, overlong_line_is_refused)
{
	procfs fs(test);
	recorder r;
	kstd::proc_options opts;
	opts.max_line = 8;
	auto e = kstd::proc_entry::create(name, 0644, r, nullptr, opts);
	KSTD_EXPECT(e.has_value());
	/* Exactly max_line bytes is fine, one more is not. */
	KSTD_EXPECT_EQ(write_file(fs, name, "12345678\n"), 9);
	KSTD_EXPECT_EQ(write_file(fs, name, "123456789\nok\n"), -KSTD_E2BIG);
	KSTD_EXPECT(r.seen == "12345678|ok|");
	/* An over-long line spread over writes: the write that overflows fails,
	 * the rest of that line is skipped, the next line works. */
	open_file f(fs, name, 1);
	KSTD_EXPECT_EQ(f.write("12345"), 5);
	KSTD_EXPECT_EQ(f.write("67890"), -KSTD_E2BIG);
	KSTD_EXPECT_EQ(f.write("still the same line"), 19);
	KSTD_EXPECT_EQ(f.write(" end\nnext\n"), 10);
	KSTD_EXPECT(r.seen == "12345678|ok|next|");
	/* A large write is consumed in bounded chunks. */
	char big[300];
	for (int i = 0; i < 300; i++)
		big[i] = (i % 6 == 5) ? '\n' : 'a';
	KSTD_EXPECT_EQ(f.write(string_view(big, sizeof(big))), 300);
	KSTD_EXPECT_EQ(r.lines, 3 + 50);
	/* max_line above the limit is refused. */
	opts.max_line = KSTD_PROC_MAX_LINE_LIMIT + 1;
	auto too_big = kstd::proc_entry::create("kstd_kif_big", 0644, r, nullptr, opts);
	KSTD_EXPECT(!too_big && too_big.error() == kstd::error::inval());
}

/*
 * write_capability: this test runs with the kernel's credentials (every
 * capability), so the file opens for writing; a number that is no capability
 * is refused at create().  Openers without the capability are tested in the
 * guest (scripts/guest-tests/drop-tcp-socket.sh).
 */
KSTD_TEST(kstd_proc, write_capability)
{
	procfs fs(test);
	recorder r;
	kstd::proc_options opts;
	opts.write_capability = KSTD_CAP_NET_ADMIN;
	auto e = kstd::proc_entry::create(name, 0644, r, nullptr, opts);
	KSTD_EXPECT(e.has_value());
	KSTD_EXPECT_EQ(write_file(fs, name, "capable\n"), 8);
	KSTD_EXPECT(r.seen == "capable|");
	opts.write_capability = 1000;
	auto bad = kstd::proc_entry::create("kstd_kif_cap", 0644, r, nullptr, opts);
	KSTD_EXPECT(!bad && bad.error() == kstd::error::inval());
	opts.write_capability = -2;
	auto negative = kstd::proc_entry::create("kstd_kif_cap", 0644, r, nullptr, opts);
	KSTD_EXPECT(!negative && negative.error() == kstd::error::inval());
}

KSTD_TEST(kstd_proc, last_line_flushed_at_close)
{
	procfs fs(test);
	recorder r;
	auto e = kstd::proc_entry::create(name, 0644, r);
	{
		open_file f(fs, name, 1);
		KSTD_EXPECT_EQ(f.write("first\nta"), 8);
		KSTD_EXPECT_EQ(f.write("il"), 2);
		KSTD_EXPECT(r.seen == "first|");
	}
	KSTD_EXPECT(r.seen == "first|tail|");
	/* A flushed line that fails is dropped (close cannot report it). */
	KSTD_EXPECT_EQ(write_file(fs, name, "bad"), 3);
	KSTD_EXPECT_EQ(r.lines, 2);
}

KSTD_TEST(kstd_proc, removal_closes_open_files)
{
	procfs fs(test);
	recorder r;
	auto e = kstd::proc_entry::create(name, 0644, r);
	open_file f(fs, name, 2);
	KSTD_EXPECT_EQ(f.write("done\npending"), 12);
	KSTD_EXPECT(f.read() == "lines 1\nend\n");
	e.value().reset(); /* waits, closes f's proc side; "pending" is dropped */
	KSTD_EXPECT_EQ(f.write("more\n"), -KSTD_EIO);
	KSTD_EXPECT_EQ(r.lines, 1);
	f.close();
	KSTD_EXPECT(r.seen == "done|");
}

namespace {
struct show_only {
	kstd::u8 addr[4] = {192, 0, 2, 7};
	kstd::result<void> show(kstd::seq_file &m)
	{
		m.printf("%pI4 %s %5d|", addr, "x", -3); /* the kernel's %p extensions work */
		m.putc('\n');
		return {};
	}
};
} // namespace

KSTD_TEST(kstd_proc, read_only_handler_and_formats)
{
	procfs fs(test);
	show_only h;
	auto e = kstd::proc_entry::create(name, 0444, h);
	KSTD_EXPECT(read_file(fs, name) == "192.0.2.7 x    -3|\n");
	/* No on_line(): writing fails like a /proc file without a write op. */
	KSTD_EXPECT_EQ(write_file(fs, name, "x\n"), -KSTD_EIO);
}

KSTD_TEST(kstd_proc, directories)
{
	procfs fs(test);
	recorder r;
	auto dir = kstd::proc_dir::create("kstd_kif_dir");
	KSTD_EXPECT(dir.has_value());
	if (!dir)
		return;
	auto sub = kstd::proc_dir::create("sub", &dir.value());
	KSTD_EXPECT(sub.has_value());
	{
		auto e = kstd::proc_entry::create("file", 0644, r, &sub.value());
		KSTD_EXPECT(e.has_value());
		KSTD_EXPECT_EQ(write_file(fs, "kstd_kif_dir/sub/file", "in dir\n"), 7);
		KSTD_EXPECT(r.seen == "in dir|");
		KSTD_EXPECT(read_file(fs, "kstd_kif_dir/sub/file") == "lines 1\nend\n");
	}
	sub.value().reset();
	open_file gone(fs, "kstd_kif_dir/sub", 0);
	KSTD_EXPECT_EQ(gone.err(), -KSTD_ENOENT);
}

namespace {
/* Counts lines from several writers at once. */
struct counter {
	kstd::locked<kstd::u64> sum{"kif_counter"};
	kstd::result<void> on_line(string_view l)
	{
		auto n = KSTD_TRY(kstd::parse_u32(l));
		*sum.lock() += n;
		return {};
	}
};

struct writer_arg {
	::vfsmount *mnt;
	unsigned long ubuf;
	int next;
	int failures;
};

void write_many(void *p)
{
	auto *a = static_cast<writer_arg *>(p);
	unsigned long ubuf = a->ubuf + 4096 * __atomic_fetch_add(&a->next, 1, __ATOMIC_RELAXED);
	::file *f = kstd_kunit_open(a->mnt, name, 1);
	if (kstd::is_err_ptr(f)) {
		__atomic_fetch_add(&a->failures, 1, __ATOMIC_RELAXED);
		return;
	}
	/* 100 lines of "1".."100" in odd-sized pieces: 5050 per writer. */
	kstd::fixed_string<512> text;
	for (int i = 1; i <= 100; i++) {
		text.appendf("%d\n", i);
		if (i % 7 == 0 || i == 100) {
			if (kstd_kunit_user_write(f, ubuf, text.data(), text.size()) !=
			    long(text.size()))
				__atomic_fetch_add(&a->failures, 1, __ATOMIC_RELAXED);
			text.clear();
		}
	}
	kstd_kunit_close(f);
}
} // namespace

KSTD_TEST(kstd_proc, concurrent_writers)
{
	procfs fs(test);
	counter c;
	auto e = kstd::proc_entry::create(name, 0200, c);
	KSTD_EXPECT(fs.ok());
	writer_arg arg{fs.mnt, fs.ubuf, 0, 0};
	KSTD_EXPECT_EQ(kstd_kunit_run_threads_mm(4, write_many, &arg), 0);
	KSTD_EXPECT_EQ(arg.failures, 0);
	KSTD_EXPECT_EQ(*c.sum.lock(), 4 * 5050);
}

namespace {
/* A per-namespace handler: which struct net did it get? */
struct net_recorder {
	::net *last_net = nullptr;
	int lines = 0;
	void show(kstd::seq_file &m, ::net *net)
	{
		m.printf("%s %d\n", net == kstd_kunit_init_net() ? "init_net" : "other", lines);
	}
	kstd::result<void> on_line(::net *net, string_view l)
	{
		last_net = net;
		if (!kstd::socket_address::parse(l))
			return kstd::error::inval();
		lines++;
		return {};
	}
};
} // namespace

KSTD_TEST(kstd_proc, pernet_entry_in_init_net)
{
	procfs fs(test);
	net_recorder h;
	{
		auto e = kstd::pernet_proc_entry::create("kstd_kif_net", 0600, h);
		KSTD_EXPECT(e.has_value());
		/* /proc/net is self/net: the kthread's namespace, init_net. */
		KSTD_EXPECT(read_file(fs, "net/kstd_kif_net") == "init_net 0\n");
		KSTD_EXPECT_EQ(write_file(fs, "net/kstd_kif_net", "10.0.0.1:80\n[::1]:443\nbad\n"),
			       -KSTD_EINVAL);
		KSTD_EXPECT(h.last_net == kstd_kunit_init_net());
		KSTD_EXPECT_EQ(h.lines, 2);
		KSTD_EXPECT(read_file(fs, "net/kstd_kif_net") == "init_net 2\n");
	}
	open_file gone(fs, "net/kstd_kif_net", 0);
	KSTD_EXPECT_EQ(gone.err(), -KSTD_ENOENT);
}

KSTD_TEST(kstd_proc, pernet_limits)
{
	net_recorder h;
	auto long_name = kstd::pernet_proc_entry::create(
		"a_name_that_is_far_too_long_for_a_proc_net_entry_in_kstd_0123456789", 0444, h);
	KSTD_EXPECT(!long_name && long_name.error() == kstd::error::nametoolong());
	kstd::proc_options too_long_lines;
	too_long_lines.max_line = KSTD_PROC_MAX_LINE_LIMIT + 1;
	auto bad = kstd::pernet_proc_entry::create("kstd_kif_net", 0444, h, too_long_lines);
	KSTD_EXPECT(!bad && bad.error() == kstd::error::inval());
}

/*
 * Any number of /proc/net entries at once: twelve, each with its own file
 * in init_net that reads and writes through its own handler, and each gone
 * after its entry is destroyed (the helpers once had a pool of eight,
 * -ENOSPC beyond).
 */
KSTD_TEST(kstd_proc, pernet_entries_beyond_eight)
{
	constexpr unsigned int count = 12;
	procfs fs(test);
	KSTD_EXPECT(fs.ok());
	net_recorder h[count];
	kstd::pernet_proc_entry entries[count];
	kstd::fixed_string<32> names[count];
	unsigned int made = 0;
	for (unsigned int i = 0; i < count; i++) {
		names[i].appendf("net/kstd_kif_many%u", i);
		auto e = kstd::pernet_proc_entry::create(names[i].c_str() + 4, 0600, h[i]);
		if (e) {
			entries[i] = kstd::move(e).value();
			made++;
		}
	}
	KSTD_EXPECT_EQ(made, count);
	for (unsigned int i = 0; i < count; i++) {
		KSTD_EXPECT(read_file(fs, names[i].c_str()) == "init_net 0\n");
		KSTD_EXPECT_EQ(write_file(fs, names[i].c_str(), "10.0.0.1:80\n"), 12);
		KSTD_EXPECT_EQ(h[i].lines, 1);
		KSTD_EXPECT(h[i].last_net == kstd_kunit_init_net());
		KSTD_EXPECT(read_file(fs, names[i].c_str()) == "init_net 1\n");
	}
	/* Out of order: the others stay. */
	entries[5].reset();
	entries[0].reset();
	for (unsigned int i = 0; i < count; i++) {
		open_file f(fs, names[i].c_str(), 0);
		KSTD_EXPECT_EQ(f.err(), i == 5 || i == 0 ? -KSTD_ENOENT : 0);
	}
	for (auto &e : entries)
		e.reset();
	open_file gone(fs, names[count - 1].c_str(), 0);
	KSTD_EXPECT_EQ(gone.err(), -KSTD_ENOENT);
}

KSTD_TEST_SUITE_END(kstd_proc);
