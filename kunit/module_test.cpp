// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module entry glue, driven directly: KSTD_MODULE(T) is a thin
 * wrapper over detail::module_init<T>() and module_exit<T>().  Loading a
 * real module whose create() fails is covered by the guest test
 * (scripts/guest-tests/module-entry.sh).
 */
#include <kstd/module.hpp>

#include "test.hpp"

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

KSTD_TEST(module, init_error_becomes_errno)
{
	failing_creates = 0;
	EXPECT_EQ(kstd::detail::module_init<failing_module>(), -KSTD_ENODEV);
	EXPECT_EQ(failing_creates, 1);
	EXPECT(kstd::detail::module_instance<failing_module> == nullptr);
}

KSTD_TEST(module, exit_destroys_state)
{
	live_modules = 0;
	EXPECT_EQ(kstd::detail::module_init<good_module>(), 0);
	EXPECT_EQ(live_modules, 1);
	EXPECT(kstd::detail::module_instance<good_module> != nullptr);
	kstd::detail::module_exit<good_module>();
	EXPECT_EQ(live_modules, 0);
	EXPECT(kstd::detail::module_instance<good_module> == nullptr);
}

KSTD_TEST(module, layout_constants_sane)
{
	EXPECT(KSTD_SIZEOF_MUTEX > 0);
	EXPECT(KSTD_ALIGNOF_SPINLOCK >= 1);
	EXPECT_EQ(KSTD_SIZEOF_LIST_HEAD, 2 * sizeof(void *));
	EXPECT(KSTD_GFP_KERNEL != KSTD_GFP_ATOMIC);
	EXPECT_EQ(KSTD_MAX_ERRNO, 4095);
	EXPECT_EQ(KSTD_EAGAIN, 11);
}
