/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel services drop_tcp_socket_test's C++ cases need beyond kstd
 * (test_net.c): the initial network namespace, which the module's code
 * gets from the /proc file it is written through, and its loopback
 * device up for the cases that make connections.
 */
#ifndef DROP_TCP_TEST_NET_H
#define DROP_TCP_TEST_NET_H

#ifdef __cplusplus
extern "C" {
#define DROP_TCP_NOEXCEPT noexcept
#else
#define DROP_TCP_NOEXCEPT
#endif

struct net;

/* &init_net. */
struct net *drop_tcp_test_init_net(void) DROP_TCP_NOEXCEPT;

/* Bring init_net's lo up (kunit.py's UML boots with it down); 0 or -errno. */
int drop_tcp_test_loopback_up(void) DROP_TCP_NOEXCEPT;

#ifdef __cplusplus
}
#endif

#endif /* DROP_TCP_TEST_NET_H */
