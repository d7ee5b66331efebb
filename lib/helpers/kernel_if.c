// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: module parameters, /proc and /proc/net entries.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/kernel_if.h>.
 */
