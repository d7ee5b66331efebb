/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_pernet KUnit suite: the cases of pernet_test.cpp. */
KSTD_SUITE(pernet)
KSTD_CASE(pernet, storage_zeroed_and_stable)
KSTD_CASE(pernet, storages_are_independent)
KSTD_CASE(pernet, stat_counters_in_storage)
KSTD_SUITE_END(pernet)
