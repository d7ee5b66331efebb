// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: kernel TCP sockets and their readiness callbacks.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/socket.h>.
 */
