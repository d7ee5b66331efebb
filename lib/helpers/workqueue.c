// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: CMWQ work items and queues, delayed work.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/workqueue.h>.
 */
