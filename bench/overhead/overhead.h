/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The overhead benchmark's two halves: baseline.c does each operation the
 * way a C module would (the kernel's inline APIs), overhead.cpp does the
 * same through kstd.  Each loop function runs its operation @n times and
 * returns the elapsed nanoseconds; the loops are otherwise identical.
 */
#ifndef KSTD_OVERHEAD_H
#define KSTD_OVERHEAD_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

/* C baselines (baseline.c). */
unsigned long long c_spin_lock_loop(unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_spin_lock_irqsave_loop(unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_mutex_loop(unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_list_loop(unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_alloc_loop(unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_queue_flush_loop(unsigned long n) KSTD_NOEXCEPT;
struct socket;
unsigned long long c_socket_loop(struct socket *tx, struct socket *rx, unsigned long n) KSTD_NOEXCEPT;
unsigned long long c_now_ns(void) KSTD_NOEXCEPT;
int c_bench_iterations(void) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
