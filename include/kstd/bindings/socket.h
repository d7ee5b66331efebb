/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/socket.h - C helpers for kernel TCP sockets and their readiness callbacks.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 */
#ifndef KSTD_BINDINGS_SOCKET_H
#define KSTD_BINDINGS_SOCKET_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
