/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_bytes KUnit suite: the cases of bytes_test.cpp. */
KSTD_SUITE(bytes)
KSTD_CASE(bytes, copy_and_fill)
KSTD_CASE(bytes, move_overlapping)
KSTD_CASE(bytes, compare_and_equal)
KSTD_CASE(bytes, spans_stop_at_the_shorter)
KSTD_SUITE_END(bytes)
