// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/log.hpp>
#include <kstd/utility.hpp>

#include "test.hpp"

KSTD_TEST(log, warn_on_false_is_silent)
{
	int evaluated = 0;
	/* The condition is evaluated exactly once and its value is yielded. */
	bool fired = KSTD_WARN_ON(++evaluated == 0);
	EXPECT(!fired);
	EXPECT_EQ(evaluated, 1);
}

KSTD_TEST(log, printk_formats)
{
	/* Returns the number of bytes printed (format checked at compile time). */
	int n = kstd_pr_info("kstd log test: %d %s %lu\n", 42, "str", 7UL);
	EXPECT(n > 0);
	EXPECT_EQ(kstd_pr_debug("compiled out: %d\n", 1), 0);
	int printed = 0;
	for (int i = 0; i < 3; i++)
		kstd_pr_info_ratelimited("kstd ratelimited %d\n", i), printed++;
	EXPECT_EQ(printed, 3);
}
