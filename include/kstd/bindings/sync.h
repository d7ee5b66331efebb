/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/sync.h - C helpers for kthreads, completions, wait queues, timers, refcounts.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 */
#ifndef KSTD_BINDINGS_SYNC_H
#define KSTD_BINDINGS_SYNC_H

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
