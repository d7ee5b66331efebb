/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_result KUnit suite: the cases of result_test.cpp. */
KSTD_SUITE(result)
KSTD_CASE(result, value_roundtrip)
KSTD_CASE(result, error_is_negative_errno)
KSTD_CASE(result, from_errno_clamps_invalid)
KSTD_CASE(result, try_propagates_error)
KSTD_CASE(result, try_yields_value)
KSTD_CASE(result, void_result)
KSTD_CASE(result, err_ptr_roundtrip)
KSTD_CASE(result, move_only_value)
KSTD_CASE(result, converting_result)
KSTD_CASE(result, value_or)
KSTD_SUITE_END(result)
