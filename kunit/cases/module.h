/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_module KUnit suite: the cases of module_test.cpp. */
KSTD_SUITE(module)
KSTD_CASE(module, init_error_becomes_errno)
KSTD_CASE(module, exit_destroys_state)
KSTD_CASE(module, layout_constants_sane)
KSTD_SUITE_END(module)
