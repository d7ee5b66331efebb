/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_net_address KUnit suite: the cases of net_address_test.cpp (also run on the host). */
KSTD_SUITE(net_address)
KSTD_CASE(net_address, ipv4)
KSTD_CASE(net_address, ipv6_forms)
KSTD_CASE(net_address, ipv6_rejects)
KSTD_CASE(net_address, address_values)
KSTD_CASE(net_address, socket_address_values)
KSTD_CASE(net_address, socket_address_parse)
KSTD_CASE(net_address, to_text)
KSTD_CASE(net_address, parse_with_try)
KSTD_CASE(net_address, to_text_matches_kernel)
KSTD_SUITE_END(net_address)
