/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_tcp_server KUnit suite: the cases of tcp_server_test.cpp. */
KSTD_SUITE(tcp_server)
KSTD_CASE(tcp_server, serves_and_frees_connections)
KSTD_CASE(tcp_server, accepts_in_batches)
KSTD_CASE(tcp_server, refused_connection_is_closed)
KSTD_CASE(tcp_server, connection_without_hooks_is_closed)
KSTD_CASE(tcp_server, stop_closes_live_connections)
KSTD_CASE(tcp_server, listen_errors)
KSTD_SUITE_END(tcp_server)
