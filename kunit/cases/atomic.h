/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_atomic KUnit suite: the cases of atomic_test.cpp. */
KSTD_SUITE(atomic)
KSTD_CASE(atomic, load_store)
KSTD_CASE(atomic, exchange_and_compare_exchange)
KSTD_CASE(atomic, arithmetic)
KSTD_CASE(atomic, read_write_once)
KSTD_CASE(atomic, fetch_add_from_kthreads)
KSTD_CASE(atomic, compare_exchange_from_kthreads)
KSTD_CASE(atomic, release_acquire_publishes)
KSTD_CASE(atomic, stat_counter_from_kthreads)
KSTD_SUITE_END(atomic)
