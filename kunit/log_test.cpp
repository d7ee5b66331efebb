// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/log.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

KSTD_TEST_SUITE(kstd_log);

KSTD_TEST(kstd_log, warn_on_false_is_silent)
{
	int evaluated = 0;
	/* The condition is evaluated exactly once and its value is yielded. */
	bool fired = KSTD_WARN_ON(++evaluated == 0);
	KSTD_EXPECT(!fired);
	KSTD_EXPECT_EQ(evaluated, 1);
}

KSTD_TEST(kstd_log, printk_formats)
{
	/* Returns the number of bytes printed (format checked at compile time). */
	int n = kstd_pr_info("kstd log test: %d %s %lu\n", 42, "str", 7UL);
	KSTD_EXPECT(n > 0);
	KSTD_EXPECT_EQ(kstd_pr_debug("compiled out: %d\n", 1), 0);
	int printed = 0;
	for (int i = 0; i < 3; i++)
		kstd_pr_info_ratelimited("kstd ratelimited %d\n", i), printed++;
	KSTD_EXPECT_EQ(printed, 3);
}

#define KSTD_TEST_STR2(...) #__VA_ARGS__
#define KSTD_TEST_STR(...) KSTD_TEST_STR2(__VA_ARGS__)

/*
 * KSTD_MIGHT_SLEEP() calls the kernel's might_sleep() exactly when this
 * kernel has CONFIG_DEBUG_ATOMIC_SLEEP (as the C side sees it), and is
 * empty otherwise.  Firing it would print a BUG, which fails the run; the
 * debug guest's full run is what shows no API is called in atomic context.
 */
KSTD_TEST(kstd_log, might_sleep_follows_config)
{
	bool on = kstd_kunit_debug_atomic_sleep() != 0;
	KSTD_EXPECT_EQ(KSTD_CONFIG_DEBUG_ATOMIC_SLEEP, on);
	kstd::string_view expansion = KSTD_TEST_STR(KSTD_MIGHT_SLEEP());
	KSTD_EXPECT_EQ(expansion.contains("kstd_might_sleep("), on);
	if (!on)
		KSTD_EXPECT(expansion.starts_with("do"));
	KSTD_MIGHT_SLEEP(); /* process context: silent */
}

KSTD_TEST_SUITE_END(kstd_log);
