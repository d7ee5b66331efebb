/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_param KUnit suite: the cases of param_test.cpp. */
KSTD_SUITE(param)
KSTD_CASE(param, defaults_and_types)
KSTD_CASE(param, registered_with_the_kernel)
KSTD_CASE(param, set_through_kernel_ops)
KSTD_CASE(param, range_is_enforced)
KSTD_CASE(param, bool_values)
KSTD_CASE(param, string_is_bounded)
KSTD_CASE(param, sysfs_reads_and_writes)
KSTD_SUITE_END(param)
