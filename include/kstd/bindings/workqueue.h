/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/workqueue.h - C helpers for CMWQ work items and queues, delayed work.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 */
#ifndef KSTD_BINDINGS_WORKQUEUE_H
#define KSTD_BINDINGS_WORKQUEUE_H

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
