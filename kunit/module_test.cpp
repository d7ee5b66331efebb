// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module entry glue, driven directly: KSTD_MODULE(T) is a thin
 * wrapper over detail::module_init<T>() and module_exit<T>().  Loading a
 * real module whose create() fails is covered by the guest test
 * (scripts/guest-tests/module-entry.sh).
 */
#include <kstd/module.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

int failing_creates;
struct failing_module {
	static kstd::result<kstd::unique_ptr<failing_module>> create()
	{
		failing_creates++;
		return kstd::error::nodev();
	}
};

int live_modules;
struct good_module {
	good_module() { live_modules++; }
	~good_module() { live_modules--; }
	static kstd::result<kstd::unique_ptr<good_module>> create()
	{
		return kstd::make_unique<good_module>(kstd::gfp::kernel);
	}
};

} // namespace

KSTD_TEST_SUITE(kstd_module);

KSTD_TEST(kstd_module, init_error_becomes_errno)
{
	failing_creates = 0;
	KSTD_EXPECT_EQ(kstd::detail::module_init<failing_module>(), -KSTD_ENODEV);
	KSTD_EXPECT_EQ(failing_creates, 1);
	KSTD_EXPECT(kstd::detail::module_instance<failing_module> == nullptr);
}

KSTD_TEST(kstd_module, exit_destroys_state)
{
	live_modules = 0;
	KSTD_EXPECT_EQ(kstd::detail::module_init<good_module>(), 0);
	KSTD_EXPECT_EQ(live_modules, 1);
	KSTD_EXPECT(kstd::detail::module_instance<good_module> != nullptr);
	kstd::detail::module_exit<good_module>();
	KSTD_EXPECT_EQ(live_modules, 0);
	KSTD_EXPECT(kstd::detail::module_instance<good_module> == nullptr);
}

KSTD_TEST(kstd_module, layout_constants_sane)
{
	KSTD_EXPECT(KSTD_SIZEOF_MUTEX > 0);
	KSTD_EXPECT(KSTD_ALIGNOF_SPINLOCK >= 1);
	KSTD_EXPECT_EQ(KSTD_SIZEOF_LIST_HEAD, 2 * sizeof(void *));
	KSTD_EXPECT(KSTD_GFP_KERNEL != KSTD_GFP_ATOMIC);
	KSTD_EXPECT_EQ(KSTD_MAX_ERRNO, 4095);
	KSTD_EXPECT_EQ(KSTD_EAGAIN, 11);
}

KSTD_TEST_SUITE_END(kstd_module);
