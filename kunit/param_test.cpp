// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_param: module parameters declared in C++ are real kernel parameters:
 * the loader's table holds them, the kernel's own ops parse and print them,
 * and sysfs (/sys/module/kstd_test/parameters/...) reads and writes them.
 */
#include <kstd/param.hpp>
#include <kstd/string.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

KSTD_MODULE_PARAM(kif_port, u16, 12345, 0644, "test: a u16 (the whole range)");
KSTD_MODULE_PARAM_RANGE(kif_backlog, int, 128, 1, 4096, 0644, "test: an int in [1, 4096]");
KSTD_MODULE_PARAM(kif_flag, bool, false, 0644, "test: a bool");
KSTD_MODULE_PARAM(kif_big, ulong, 7, 0444, "test: a read-only unsigned long");
KSTD_MODULE_PARAM_RANGE(kif_s16, short, -5, -10, 10, 0600, "test: a short in [-10, 10]");
KSTD_MODULE_PARAM_STRING(kif_name, 16, "default", 0644, "test: up to 15 characters");
KSTD_MODULE_PARAM_STRING(kif_root, 32, "/var/www", 0444, "test: a read-only string");

namespace {

using kstd::string_view;

/* The value as the kernel prints it (ops->get), e.g. "8080\n". */
kstd::fixed_string<64> kernel_get(const ::kernel_param *kp)
{
	char buf[64];
	kstd::fixed_string<64> s;
	if (kstd_kunit_param_get(kp, buf, sizeof(buf)) >= 0)
		s.assign(buf);
	return s;
}

const ::kernel_param *kp_of(const kstd::detail::kernel_param_image &image)
{
	return reinterpret_cast<const ::kernel_param *>(&image);
}

/* A sysfs instance for the /sys/module/kstd_test/parameters tests. */
struct sysfs_mount {
	::vfsmount *mnt = kstd_kunit_mount("sysfs");
	~sysfs_mount()
	{
		if (ok())
			kstd_kunit_umount(mnt);
	}
	bool ok() const { return !kstd::is_err_ptr(mnt); }

	/* write(2) of @text to parameter @name: the byte count or an errno. */
	long write(const char *name, string_view text)
	{
		kstd::fixed_string<96> path;
		path.appendf("module/kstd_test/parameters/%s", name);
		::file *f = kstd_kunit_open(mnt, path.c_str(), 1);
		if (kstd::is_err_ptr(f))
			return reinterpret_cast<long>(f);
		long n = kstd_kunit_write(f, text.data(), text.size());
		kstd_kunit_close(f);
		return n;
	}
	kstd::fixed_string<64> read(const char *name)
	{
		kstd::fixed_string<96> path;
		path.appendf("module/kstd_test/parameters/%s", name);
		kstd::fixed_string<64> s;
		::file *f = kstd_kunit_open(mnt, path.c_str(), 0);
		if (kstd::is_err_ptr(f))
			return s;
		char buf[64];
		if (kstd_kunit_read(f, buf, sizeof(buf)) > 0)
			s.assign(buf);
		kstd_kunit_close(f);
		return s;
	}
};

} // namespace

KSTD_TEST_SUITE(kstd_param);

KSTD_TEST(kstd_param, defaults_and_types)
{
	static_assert(kstd::is_same_v<decltype(kif_port.get()), kstd::u16>);
	static_assert(kstd::is_same_v<decltype(kif_backlog.get()), int>);
	static_assert(kstd::is_same_v<decltype(kif_flag.get()), bool>);
	static_assert(kstd::is_same_v<decltype(kif_big.get()), unsigned long>);
	static_assert(kstd::is_same_v<decltype(kif_name.get()), kstd::fixed_string<15>>);
	KSTD_EXPECT_EQ(kif_port.get(), 12345);
	KSTD_EXPECT_EQ(kif_backlog.get(), 128);
	KSTD_EXPECT_EQ(kif_backlog.min(), 1);
	KSTD_EXPECT_EQ(kif_backlog.max(), 4096);
	KSTD_EXPECT(!kif_flag.get());
	KSTD_EXPECT_EQ(kif_big.get(), 7);
	KSTD_EXPECT_EQ(kif_s16.get(), -5);
	KSTD_EXPECT(kif_name.get() == "default");
	KSTD_EXPECT(kif_root.view() == "/var/www");
	KSTD_EXPECT_EQ(kif_name.max_size(), 15);
}

KSTD_TEST(kstd_param, registered_with_the_kernel)
{
	/* The loader's parameter table holds the very objects C++ emitted. */
	KSTD_EXPECT(kstd_kunit_param_find("kif_port") == kp_of(kstd_param_kif_port));
	KSTD_EXPECT(kstd_kunit_param_find("kif_backlog") == kp_of(kstd_param_kif_backlog));
	KSTD_EXPECT(kstd_kunit_param_find("kif_flag") == kp_of(kstd_param_kif_flag));
	KSTD_EXPECT(kstd_kunit_param_find("kif_name") == kp_of(kstd_param_kif_name));
	KSTD_EXPECT(kstd_kunit_param_find("kif_nonexistent") == nullptr);
	/* Plain parameters use the kernel's own ops, ranged ones kstd's. */
	KSTD_EXPECT(kstd_param_kif_port.ops == &param_ops_ushort);
	KSTD_EXPECT(kstd_param_kif_flag.ops == &param_ops_bool);
	KSTD_EXPECT(kstd_param_kif_big.ops == &param_ops_ulong);
	KSTD_EXPECT(kstd_param_kif_name.ops == &kstd_param_ops_string);
	KSTD_EXPECT(kstd_param_kif_backlog.ops == &kstd_param_ops_int_range);
	KSTD_EXPECT_EQ(kstd_param_kif_port.perm, 0644);
	KSTD_EXPECT_EQ(kstd_param_kif_big.perm, 0444);
	KSTD_EXPECT_EQ(kstd_param_kif_port.level, -1);
	KSTD_EXPECT(kstd_param_kif_port.mod == kstd::detail::this_module());
	KSTD_EXPECT(string_view(kstd_param_kif_port.name).ends_with("kif_port"));
}

KSTD_TEST(kstd_param, set_through_kernel_ops)
{
	const ::kernel_param *kp = kp_of(kstd_param_kif_port);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "8080"), 0);
	KSTD_EXPECT_EQ(kif_port.get(), 8080);
	KSTD_EXPECT(kernel_get(kp) == "8080\n");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "0x10"), 0); /* kstrtou16(.., 0, ..) */
	KSTD_EXPECT_EQ(kif_port.get(), 16);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "65535\n"), 0);
	KSTD_EXPECT_EQ(kif_port.get(), 65535);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "65536"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "-1"), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "80x"), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, ""), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kif_port.get(), 65535); /* failures leave it alone */

	const ::kernel_param *big = kp_of(kstd_param_kif_big);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(big, "18446744073709551615"), 0);
	KSTD_EXPECT_EQ(kif_big.get(), ~0ul);
	KSTD_EXPECT(kernel_get(big) == "18446744073709551615\n");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(big, "7"), 0);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "12345"), 0);
}

KSTD_TEST(kstd_param, range_is_enforced)
{
	const ::kernel_param *kp = kp_of(kstd_param_kif_backlog);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "1"), 0);
	KSTD_EXPECT_EQ(kif_backlog.get(), 1);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "4096"), 0);
	KSTD_EXPECT_EQ(kif_backlog.get(), 4096);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "0"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "4097"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "-1"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "99999999999"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "many"), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kif_backlog.get(), 4096);
	KSTD_EXPECT(kernel_get(kp) == "4096\n"); /* printed by the kernel's param_get_int */
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "128"), 0);

	const ::kernel_param *s = kp_of(kstd_param_kif_s16);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(s, "-10"), 0);
	KSTD_EXPECT_EQ(kif_s16.get(), -10);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(s, "-11"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(s, "11"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(kif_s16.get(), -10);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(s, "-5"), 0);
}

KSTD_TEST(kstd_param, bool_values)
{
	const ::kernel_param *kp = kp_of(kstd_param_kif_flag);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "Y"), 0);
	KSTD_EXPECT(kif_flag.get());
	KSTD_EXPECT(kernel_get(kp) == "Y\n");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "off"), 0);
	KSTD_EXPECT(!kif_flag.get());
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "1"), 0);
	KSTD_EXPECT(kif_flag.get());
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "maybe"), -KSTD_EINVAL);
	KSTD_EXPECT(kif_flag.get());
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "n"), 0);
	KSTD_EXPECT(!kif_flag.get());
}

KSTD_TEST(kstd_param, string_is_bounded)
{
	const ::kernel_param *kp = kp_of(kstd_param_kif_name);
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "hello"), 0);
	KSTD_EXPECT(kif_name.get() == "hello");
	KSTD_EXPECT(kernel_get(kp) == "hello\n");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "123456789012345"), 0); /* 15: fits */
	KSTD_EXPECT(kif_name.get() == "123456789012345");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "1234567890123456"),
		       -KSTD_ENOSPC); /* 16: refused */
	KSTD_EXPECT(kif_name.get() == "123456789012345");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, ""), 0);
	KSTD_EXPECT(kif_name.get().empty());
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "123456789012345\n"), 0); /* 15 + newline */
	KSTD_EXPECT(kif_name.get() == "123456789012345");
	KSTD_EXPECT_EQ(kstd_kunit_param_set(kp, "default"), 0);
}

KSTD_TEST(kstd_param, sysfs_reads_and_writes)
{
	sysfs_mount sys;
	KSTD_EXPECT(sys.ok());
	if (!sys.ok())
		return;
	KSTD_EXPECT(sys.read("kif_port") == "12345\n");
	KSTD_EXPECT(sys.read("kif_root") == "/var/www\n");
	KSTD_EXPECT_EQ(sys.write("kif_port", "4242"), 4);
	KSTD_EXPECT_EQ(kif_port.get(), 4242);
	KSTD_EXPECT(sys.read("kif_port") == "4242\n");
	KSTD_EXPECT_EQ(sys.write("kif_port", "70000"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(sys.write("kif_backlog", "0"), -KSTD_ERANGE);
	KSTD_EXPECT_EQ(sys.write("kif_backlog", "512\n"), 4);
	KSTD_EXPECT_EQ(kif_backlog.get(), 512);
	KSTD_EXPECT_EQ(sys.write("kif_name", "via-sysfs\n"), 10);
	KSTD_EXPECT(kif_name.get() == "via-sysfs"); /* the newline is dropped */
	/* Read-only parameters have no store: opening for write is refused. */
	KSTD_EXPECT(sys.write("kif_big", "1") < 0);
	KSTD_EXPECT_EQ(kif_big.get(), 7);
	KSTD_EXPECT_EQ(sys.write("kif_port", "12345"), 5);
	KSTD_EXPECT_EQ(sys.write("kif_backlog", "128"), 3);
	KSTD_EXPECT_EQ(sys.write("kif_name", "default"), 7);
}

KSTD_TEST_SUITE_END(kstd_param);
