// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: kthreads, completions, wait queues, timers, refcounts.
 * Included by lib/kstd.c (one object per module); prototypes in
 * <kstd/bindings/sync.h>.
 */
