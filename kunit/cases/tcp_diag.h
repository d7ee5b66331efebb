/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_tcp_diag KUnit suite: the cases of tcp_diag_test.cpp. */
KSTD_SUITE(tcp_diag)
KSTD_CASE(tcp_diag, lookup_established_v4)
KSTD_CASE(tcp_diag, lookup_established_v6)
KSTD_CASE(tcp_diag, lookup_misses)
KSTD_CASE(tcp_diag, abort_resets_peer_v4)
KSTD_CASE(tcp_diag, abort_resets_peer_v6)
KSTD_CASE(tcp_diag, time_wait_dropped_frees_port_v4)
KSTD_CASE(tcp_diag, time_wait_dropped_frees_port_v6)
KSTD_CASE(tcp_diag, v4_mapped_dual_stack)
KSTD_CASE(tcp_diag, interface_names)
KSTD_CASE(tcp_diag, state_names)
KSTD_SUITE_END(tcp_diag)
