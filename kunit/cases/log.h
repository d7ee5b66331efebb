/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_log KUnit suite: the cases of log_test.cpp. */
KSTD_SUITE(log)
KSTD_CASE(log, warn_on_false_is_silent)
KSTD_CASE(log, printk_formats)
KSTD_CASE(log, might_sleep_follows_config)
KSTD_SUITE_END(log)
