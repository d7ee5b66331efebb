/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_list KUnit suite: the cases of list_test.cpp. */
KSTD_SUITE(list)
KSTD_CASE(list, push_and_iterate_in_order)
KSTD_CASE(list, pop_front_and_back)
KSTD_CASE(list, erase_middle)
KSTD_CASE(list, splice_back_moves_all)
KSTD_CASE(list, remove_if_counts)
KSTD_CASE(list, node_tracks_linked_state)
KSTD_CASE(list, clear_unlinks_all)
KSTD_CASE(list, layout_matches_list_head)
KSTD_CASE(list, empty_list_ops)
KSTD_SUITE_END(list)
