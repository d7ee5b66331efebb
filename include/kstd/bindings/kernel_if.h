/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/kernel_if.h - C helpers for module parameters, /proc and /proc/net entries.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 */
#ifndef KSTD_BINDINGS_KERNEL_IF_H
#define KSTD_BINDINGS_KERNEL_IF_H

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
