/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel services kecho's KUnit suite needs that kstd does not wrap
 * (net_helpers.c).  Test code only.
 */
#ifndef KECHO_KUNIT_NET_HELPERS_H
#define KECHO_KUNIT_NET_HELPERS_H

#ifdef __cplusplus
extern "C" {
#define KECHO_NOEXCEPT noexcept
#else
#define KECHO_NOEXCEPT
#endif

/* Bring lo up (kunit.py's UML boots with it down); 0 or -errno. */
int kecho_kunit_loopback_up(void) KECHO_NOEXCEPT;
/* Whether ::1 is usable, waiting (bounded) for addrconf to add it. */
int kecho_kunit_ipv6_loopback_ready(void) KECHO_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KECHO_NOEXCEPT
#endif
