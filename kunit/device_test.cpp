// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_device: kstd::misc_device through the kernel's own VFS.  The device
 * is registered with the misc core, found in a private sysfs instance
 * (class/misc/<name>/dev), opened through a character device node made in a
 * private ramfs (chrdev_open -> misc_open -> kstd's fops), then read and
 * written with kernel_read()/kernel_write() (an ITER_KVEC iov_iter) and
 * through user memory (an ITER_UBUF iov_iter, as read(2) builds), ioctl'ed
 * with user-memory arguments and polled with a recording poll table.  Also
 * kstd::user_reader/user_writer on their own over user memory.
 */
#include <kstd/atomic.hpp>
#include <kstd/device.hpp>
#include <kstd/lock.hpp>
#include <kstd/string.hpp>
#include <kstd/user_span.hpp>
#include <kstd/wait.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

using kstd::string_view;

struct id_arg {
	kstd::u32 id;
	kstd::u32 pad;
};

/* The device-wide state: one message, who opened, who was released. */
struct board {
	kstd::mutex lock{"kstd_device_test.board"};
	kstd::fixed_string<64> text;
	kstd::wait_queue readers{"kstd_device_test.readers"};
	int opens = 0;
	int releases = 0;
	int refuse = 0; /* an errno for open() to fail with */
};

constexpr auto get_id = kstd::ioctl::ior<id_arg>('K', 1);
constexpr auto set_id = kstd::ioctl::iow<id_arg>('K', 2);
constexpr auto swap_id = kstd::ioctl::iowr<id_arg>('K', 3);
constexpr unsigned int count_writes = kstd::ioctl::io('K', 4);
constexpr unsigned int admin = kstd::ioctl::io('K', 5);

/* One open file: an id and a write count of its own. */
struct board_file {
	board &b;
	kstd::u32 id;
	long writes = 0;

	static kstd::result<kstd::unique_ptr<board_file>> open(board &b,
							       const kstd::open_info &info)
	{
		if (b.refuse)
			return kstd::error::from_errno(b.refuse);
		if (!info.can_read())
			return kstd::error::acces();
		auto g = b.lock.lock();
		return kstd::make_unique<board_file>(kstd::gfp::kernel_account, b,
						     static_cast<kstd::u32>(++b.opens));
	}
	board_file(board &bd, kstd::u32 i) : b(bd), id(i) {}
	~board_file()
	{
		auto g = b.lock.lock();
		b.releases++;
	}

	kstd::result<kstd::size_t> read(kstd::user_writer &out, kstd::io_request &io)
	{
		kstd::fixed_string<64> copy;
		{
			auto g = b.lock.lock();
			copy.assign(b.text);
		}
		if (io.pos < 0 || static_cast<kstd::size_t>(io.pos) >= copy.size())
			return 0;
		kstd::size_t n = KSTD_TRY(out.write_some(copy.view().substr(io.pos)));
		io.pos += static_cast<long long>(n);
		return n;
	}
	kstd::result<kstd::size_t> write(kstd::user_reader &in, kstd::io_request &)
	{
		kstd::fixed_string<64> s;
		kstd::size_t n = KSTD_TRY(in.read_string(s));
		{
			auto g = b.lock.lock();
			b.text.assign(s);
		}
		writes++;
		b.readers.wake_up_all();
		return n;
	}
	kstd::result<long> ioctl(kstd::ioctl_arg &arg)
	{
		switch (arg.cmd()) {
		case get_id:
			KSTD_TRY(arg.put(get_id, id_arg{id, 0}));
			return 0;
		case set_id:
			id = KSTD_TRY(arg.get(set_id)).id;
			return 0;
		case swap_id: {
			/* _IOWR: read the new id, then write the old one back. */
			kstd::user_span s = arg.span(sizeof(id_arg));
			auto r = kstd::move(s).reader();
			id_arg in = KSTD_TRY(r.read<id_arg>());
			auto w = arg.span(sizeof(id_arg)).writer();
			KSTD_TRY(w.write(id_arg{id, 0}));
			id = in.id;
			return 0;
		}
		case count_writes:
			return writes;
		case admin:
			if (!kstd::capable(KSTD_CAP_SYS_ADMIN))
				return kstd::error::perm();
			return 1;
		default:
			return kstd::error::notty();
		}
	}
	unsigned int poll(kstd::poll_table &pt)
	{
		pt.wait(b.readers);
		auto g = b.lock.lock();
		return KSTD_POLLOUT | KSTD_POLLWRNORM |
		       (b.text.empty() ? 0u : KSTD_POLLIN | KSTD_POLLRDNORM);
	}
};

/* A device with open() only: the kernel's defaults for the rest. */
struct bare_file {
	static kstd::result<kstd::unique_ptr<bare_file>> open(board &, const kstd::open_info &)
	{
		return kstd::make_unique<bare_file>(kstd::gfp::kernel);
	}
};

const char *const dev_name = "kstd_test_dev";

/* A private ramfs with the device's node in it, and user memory. */
struct devfs {
	static constexpr kstd::size_t ubuf_size = 4096;
	::vfsmount *mnt;
	unsigned long ubuf;
	int mknod_err = -1;
	template <class F>
	devfs(kstd::kunit::test &test, const kstd::misc_device<F> &dev)
		: mnt(kstd_kunit_mount("ramfs")), ubuf(kstd_kunit_user_buf(test.raw(), ubuf_size))
	{
		if (!kstd::is_err_ptr(mnt))
			mknod_err = kstd_kunit_mknod_chr(mnt, "dev", KSTD_MISC_MAJOR,
							 static_cast<unsigned int>(dev.minor()));
	}
	~devfs()
	{
		if (!kstd::is_err_ptr(mnt))
			kstd_kunit_umount(mnt);
	}
	bool ok() const { return !kstd::is_err_ptr(mnt) && ubuf && !mknod_err; }
};

/* An open file on the node; closed (release runs) when destroyed. */
struct open_file {
	::file *f;
	open_file(devfs &fs, int how) : f(kstd_kunit_open(fs.mnt, "dev", how)) {}
	~open_file() { close(); }
	bool ok() const { return !kstd::is_err_ptr(f); }
	long err() const { return ok() ? 0 : reinterpret_cast<long>(f); }
	void close()
	{
		if (ok())
			kstd_kunit_close(f);
		f = reinterpret_cast<::file *>(-1L);
	}
	long write(string_view s) { return ok() ? kstd_kunit_write(f, s.data(), s.size()) : err(); }
	long read_at(char *buf, kstd::size_t len, long long &pos)
	{
		return ok() ? kstd_kunit_read_at(f, buf, len, &pos) : err();
	}
	long ioctl(unsigned int cmd, unsigned long arg) { return kstd_kunit_ioctl(f, cmd, arg); }
};

/* ioctl with an id_arg in user memory: the result; *out gets the arg after. */
long ioctl_id(open_file &f, unsigned long ubuf, unsigned int cmd, kstd::u32 in, kstd::u32 *out)
{
	id_arg a{in, 0};
	if (kstd_kunit_copy_to_user(ubuf, &a, sizeof(a)))
		return -KSTD_EFAULT;
	long r = f.ioctl(cmd, ubuf);
	if (kstd_kunit_copy_from_user(&a, ubuf, sizeof(a)))
		return -KSTD_EFAULT;
	if (out)
		*out = a.id;
	return r;
}

/* What sysfs says the device number is: "10:<minor>\n" or "" if absent. */
kstd::fixed_string<32> sysfs_dev(const char *name)
{
	kstd::fixed_string<32> s;
	::vfsmount *mnt = kstd_kunit_mount("sysfs");
	if (kstd::is_err_ptr(mnt))
		return s;
	kstd::fixed_string<96> path;
	path.appendf("class/misc/%s/dev", name);
	::file *f = kstd_kunit_open(mnt, path.c_str(), 0);
	if (!kstd::is_err_ptr(f)) {
		char buf[32];
		if (kstd_kunit_read(f, buf, sizeof(buf)) > 0)
			s.assign(buf);
		kstd_kunit_close(f);
	}
	kstd_kunit_umount(mnt);
	return s;
}

void post_hello(void *arg)
{
	// SAFETY: arg is the open_file the poll test passes.
	static_cast<open_file *>(arg)->write("hello");
}

/* Two threads: one destroys the device, the other closes its last file later. */
struct teardown_race {
	kstd::misc_device<board_file> *dev;
	open_file *file;
	kstd::atomic<int> role{0};
	kstd::atomic<int> reset_done{0};
	int done_before_close = -1;
};

void teardown_thread(void *arg)
{
	// SAFETY: arg is the test's teardown_race, alive until the threads are joined.
	auto *t = static_cast<teardown_race *>(arg);
	if (t->role.fetch_add(1) == 0) {
		t->dev->reset(); /* must wait for the open file */
		t->reset_done.store_relaxed(1);
	} else {
		kstd_kunit_msleep(200);
		t->done_before_close = t->reset_done.load_relaxed();
		t->file->close();
	}
}

} // namespace

KSTD_TEST_SUITE(kstd_device);

KSTD_TEST(kstd_device, register_shows_in_sysfs_and_goes)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	int minor = dev.value().minor();
	KSTD_EXPECT_GE(minor, 0);
	kstd::fixed_string<32> want;
	want.appendf("%u:%d\n", KSTD_MISC_MAJOR, minor);
	KSTD_EXPECT(sysfs_dev(dev_name) == want.view());
	dev.value().reset();
	KSTD_EXPECT(!dev.value());
	KSTD_EXPECT(sysfs_dev(dev_name).empty());
	/* Bad names never reach the misc core. */
	KSTD_EXPECT_ERROR(kstd::misc_device<board_file>::create("", 0600, b), kstd::error::inval());
	KSTD_EXPECT_ERROR(kstd::misc_device<board_file>::create("a/b", 0600, b),
			  kstd::error::inval());
}

KSTD_TEST(kstd_device, open_write_read_release)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	{
		open_file f(fs, 2);
		KSTD_ASSERT(f.ok());
		KSTD_EXPECT_EQ(b.opens, 1);
		KSTD_EXPECT_EQ(dev.value().open_files(), 1);
		KSTD_EXPECT_EQ(f.write("hello world"), 11);
		KSTD_EXPECT(b.text == "hello world");
		/* A read into a span shorter than the data gets only the span's length. */
		char buf[16] = {};
		long long pos = 0;
		KSTD_EXPECT_EQ(f.read_at(buf, 5, pos), 5);
		KSTD_EXPECT(string_view(buf, 5) == "hello");
		KSTD_EXPECT_EQ(buf[5], '\0');
		KSTD_EXPECT_EQ(pos, 5);
		/* The position the handler advanced: the rest, then end of file. */
		KSTD_EXPECT_EQ(f.read_at(buf, sizeof(buf), pos), 6);
		KSTD_EXPECT(string_view(buf, 6) == " world");
		KSTD_EXPECT_EQ(f.read_at(buf, sizeof(buf), pos), 0);
		/* A write longer than the handler's buffer: it takes what fits. */
		KSTD_EXPECT_EQ(
			f.write("0123456789012345678901234567890123456789012345678901234567890123"
				"456789"),
			64);
	}
	/* Closing destroyed the per-open state. */
	KSTD_EXPECT_EQ(b.releases, 1);
	KSTD_EXPECT_EQ(dev.value().open_files(), 0);
	/* open() failures reach the opener, and leave nothing open. */
	b.refuse = -KSTD_EBUSY;
	open_file busy(fs, 0);
	KSTD_EXPECT_EQ(busy.err(), -KSTD_EBUSY);
	b.refuse = 0;
	open_file wronly(fs, 1);
	KSTD_EXPECT_EQ(wronly.err(), -KSTD_EACCES);
	KSTD_EXPECT_EQ(dev.value().open_files(), 0);
	KSTD_EXPECT_EQ(b.releases, 1);
}

KSTD_TEST(kstd_device, user_memory_reads_writes_and_faults)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	open_file f(fs, 2);
	KSTD_ASSERT(f.ok());
	KSTD_ASSERT_EQ(kstd_kunit_copy_to_user(fs.ubuf, "from user", 9), 0);
	KSTD_EXPECT_EQ(kstd_kunit_user_write_raw(f.f, fs.ubuf, 9), 9);
	KSTD_EXPECT(b.text == "from user");
	/* read(2) into user memory, bounded by its length. */
	KSTD_EXPECT_EQ(kstd_kunit_user_read(f.f, fs.ubuf + 100, 4), 4);
	char buf[8] = {};
	KSTD_ASSERT_EQ(kstd_kunit_copy_from_user(buf, fs.ubuf + 100, 4), 0);
	KSTD_EXPECT(string_view(buf, 4) == "from");
	/* Addresses user space cannot touch: a kernel address, the NULL page. */
	unsigned long kaddr = reinterpret_cast<unsigned long>(&b);
	KSTD_EXPECT_EQ(kstd_kunit_user_read(f.f, kaddr, 4), -KSTD_EFAULT);
	KSTD_EXPECT_EQ(kstd_kunit_user_read(f.f, 16, 4), -KSTD_EFAULT);
	KSTD_EXPECT_EQ(kstd_kunit_user_write_raw(f.f, 16, 4), -KSTD_EFAULT);
	KSTD_EXPECT(b.text == "from user");
	KSTD_EXPECT_EQ(f.ioctl(get_id, 16), -KSTD_EFAULT);
	KSTD_EXPECT_EQ(f.ioctl(set_id, kaddr), -KSTD_EFAULT);
}

KSTD_TEST(kstd_device, typed_ioctls_and_per_open_state)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	open_file f(fs, 2), g(fs, 2);
	KSTD_ASSERT(f.ok() && g.ok());
	kstd::u32 id = 0;
	KSTD_EXPECT_EQ(ioctl_id(f, fs.ubuf, get_id, 0, &id), 0);
	KSTD_EXPECT_EQ(id, 1u);
	KSTD_EXPECT_EQ(ioctl_id(g, fs.ubuf, get_id, 0, &id), 0);
	KSTD_EXPECT_EQ(id, 2u);
	/* Each open file has its own state. */
	KSTD_EXPECT_EQ(ioctl_id(f, fs.ubuf, set_id, 77, nullptr), 0);
	KSTD_EXPECT_EQ(ioctl_id(f, fs.ubuf, get_id, 0, &id), 0);
	KSTD_EXPECT_EQ(id, 77u);
	KSTD_EXPECT_EQ(ioctl_id(g, fs.ubuf, get_id, 0, &id), 0);
	KSTD_EXPECT_EQ(id, 2u);
	KSTD_EXPECT_EQ(ioctl_id(g, fs.ubuf, swap_id, 5, &id), 0);
	KSTD_EXPECT_EQ(id, 2u); /* the old one came back */
	KSTD_EXPECT_EQ(ioctl_id(g, fs.ubuf, get_id, 0, &id), 0);
	KSTD_EXPECT_EQ(id, 5u);
	KSTD_EXPECT_EQ(f.write("a"), 1);
	KSTD_EXPECT_EQ(f.write("b"), 1);
	KSTD_EXPECT_EQ(f.ioctl(count_writes, 0), 2);
	KSTD_EXPECT_EQ(g.ioctl(count_writes, 0), 0);
	/* Unknown commands, and a known number with another size, are ENOTTY. */
	KSTD_EXPECT_EQ(f.ioctl(kstd::ioctl::io('K', 99), 0), -KSTD_ENOTTY);
	KSTD_EXPECT_EQ(f.ioctl(kstd::ioctl::ior<kstd::u32>('K', 1), fs.ubuf), -KSTD_ENOTTY);
	/* The test runs as root with every capability. */
	KSTD_EXPECT_EQ(f.ioctl(admin, 0), 1);
	/* The numbers are the kernel's _IOR/_IOW/_IO encodings. */
	KSTD_EXPECT_EQ(get_id.value, 0x80084b01u);
	KSTD_EXPECT_EQ(set_id.value, 0x40084b02u);
	KSTD_EXPECT_EQ(swap_id.value, 0xc0084b03u);
	KSTD_EXPECT_EQ(count_writes, 0x4b04u);
}

KSTD_TEST(kstd_device, poll_registers_and_wakes)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	open_file f(fs, 2);
	KSTD_ASSERT(f.ok());
	unsigned int mask = 0;
	/* Nothing posted: writable only; no wake-up while nothing happens. */
	KSTD_EXPECT_EQ(kstd_kunit_poll(f.f, &mask, nullptr, nullptr), 0);
	KSTD_EXPECT_EQ(mask, KSTD_POLLOUT | KSTD_POLLWRNORM);
	/* A post while polling wakes the poller; then the file is readable. */
	KSTD_EXPECT_GE(kstd_kunit_poll(f.f, &mask, post_hello, &f), 1);
	KSTD_EXPECT_EQ(kstd_kunit_poll(f.f, &mask, nullptr, nullptr), 0);
	KSTD_EXPECT_EQ(mask, KSTD_POLLIN | KSTD_POLLRDNORM | KSTD_POLLOUT | KSTD_POLLWRNORM);
}

KSTD_TEST(kstd_device, missing_handlers_get_kernel_defaults)
{
	board b;
	auto dev = kstd::misc_device<bare_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	open_file f(fs, 2);
	KSTD_ASSERT(f.ok());
	char buf[4];
	long long pos = 0;
	KSTD_EXPECT_EQ(f.read_at(buf, sizeof(buf), pos), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(f.write("x"), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(f.ioctl(get_id, fs.ubuf), -KSTD_ENOTTY);
	unsigned int mask = 0;
	KSTD_EXPECT_EQ(kstd_kunit_poll(f.f, &mask, nullptr, nullptr), -1);
	KSTD_EXPECT_EQ(mask, KSTD_POLLIN | KSTD_POLLRDNORM | KSTD_POLLOUT | KSTD_POLLWRNORM);
}

KSTD_TEST(kstd_device, user_reader_and_writer_are_bounded_and_consumed)
{
	unsigned long ubuf = kstd_kunit_user_buf(test.raw(), 4096);
	KSTD_ASSERT(ubuf != 0);
	KSTD_ASSERT_EQ(kstd_kunit_copy_to_user(ubuf, "abcdefgh", 8), 0);
	auto r = kstd::user_reader::from_user(ubuf, 6);
	KSTD_EXPECT_EQ(r.remaining(), 6u);
	/* Reads consume: the second read gets the next bytes. */
	auto two = r.read<kstd::u16>();
	KSTD_ASSERT_OK(two);
	KSTD_EXPECT_EQ(two.value(), static_cast<kstd::u16>('a' | 'b' << 8));
	KSTD_EXPECT_EQ(r.consumed(), 2u);
	/* An exact read past the span fails and consumes nothing. */
	KSTD_EXPECT_ERROR(r.read<kstd::u64>(), kstd::error::fault());
	KSTD_EXPECT_EQ(r.remaining(), 4u);
	/* A bounded read stops at the span, not at the buffer. */
	kstd::fixed_string<16> s;
	auto n = r.read_string(s);
	KSTD_ASSERT_OK(n);
	KSTD_EXPECT_EQ(n.value(), 4u);
	KSTD_EXPECT(s == "cdef");
	KSTD_EXPECT(r.empty());
	/* A buffer smaller than the span: only what fits, the rest stays. */
	auto r2 = kstd::user_reader::from_user(ubuf, 8);
	kstd::fixed_string<3> small;
	KSTD_EXPECT_EQ(r2.read_string(small).value_or(0), 3u);
	KSTD_EXPECT(small == "abc");
	KSTD_EXPECT_EQ(r2.remaining(), 5u);
	r2.skip(2);
	KSTD_EXPECT_EQ(r2.read<char>().value_or(0), 'f');

	auto w = kstd::user_writer::from_user(ubuf + 64, 5);
	KSTD_EXPECT_EQ(w.write_some(string_view("0123456789")).value_or(0), 5u);
	KSTD_EXPECT(w.full());
	KSTD_EXPECT_ERROR(w.write<char>('x'), kstd::error::fault());
	char back[8] = {};
	KSTD_ASSERT_EQ(kstd_kunit_copy_from_user(back, ubuf + 64, 6), 0);
	KSTD_EXPECT(string_view(back, 6) == string_view("01234\0", 6));

	/* Faults: -EFAULT, from a span's reader and writer alike. */
	kstd::user_span bad(16, 8);
	KSTD_EXPECT_EQ(bad.size(), 8u);
	auto br = kstd::move(bad).reader();
	KSTD_EXPECT_EQ(bad.size(), 0u); /* consumed */
	KSTD_EXPECT_ERROR(br.read<kstd::u32>(), kstd::error::fault());
	auto bw = kstd::user_span(reinterpret_cast<unsigned long>(&back), 8).writer();
	KSTD_EXPECT_ERROR(bw.write<kstd::u32>(1), kstd::error::fault());
	KSTD_EXPECT_EQ(back[0], '0'); /* the kernel buffer was not written */
}

KSTD_TEST(kstd_device, destruction_waits_for_open_files)
{
	board b;
	auto dev = kstd::misc_device<board_file>::create(dev_name, 0600, b);
	KSTD_ASSERT_OK(dev);
	devfs fs(test, dev.value());
	KSTD_ASSERT(fs.ok());
	open_file f(fs, 2);
	KSTD_ASSERT(f.ok());
	teardown_race t;
	t.dev = &dev.value();
	t.file = &f;
	KSTD_ASSERT_EQ(kstd_kunit_run_threads(2, teardown_thread, &t), 0);
	/* The device was gone from sysfs, but reset() returned only after the close. */
	KSTD_EXPECT_EQ(t.done_before_close, 0);
	KSTD_EXPECT_EQ(t.reset_done.load_relaxed(), 1);
	KSTD_EXPECT_EQ(b.releases, 1);
	KSTD_EXPECT(sysfs_dev(dev_name).empty());
}

KSTD_TEST_SUITE_END(kstd_device);
