/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/percpu.h - C helpers for per-CPU data.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/percpu.c.  A per-CPU pointer (the
 * kernel's `void __percpu *`) crosses the boundary as a plain void *: it is
 * a cookie, never dereferenced by C++; kstd_percpu_ptr() and
 * kstd_percpu_get() turn it into the address of one CPU's copy.
 */
#ifndef KSTD_BINDINGS_PERCPU_H
#define KSTD_BINDINGS_PERCPU_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

/*
 * __alloc_percpu_gfp(): @size zeroed bytes aligned to @align (a power of
 * two) on every possible CPU, or NULL.  May sleep iff @gfp may (only
 * GFP_KERNEL-like flags sleep; others allocate from the reserved chunks).
 */
void *kstd_percpu_alloc(__SIZE_TYPE__ size, __SIZE_TYPE__ align, unsigned int gfp) KSTD_NOEXCEPT;
/* free_percpu(); NULL is a no-op.  Does not sleep. */
void kstd_percpu_free(void *pcpu) KSTD_NOEXCEPT;
/* per_cpu_ptr(): @cpu's copy (@cpu a possible CPU).  Any context. */
void *kstd_percpu_ptr(void *pcpu, int cpu) KSTD_NOEXCEPT;
/*
 * get_cpu_ptr(): preempt_disable(), then this CPU's copy; its number in
 * *@cpu.  Pair with kstd_percpu_put().  Any context.
 */
void *kstd_percpu_get(void *pcpu, int *cpu) KSTD_NOEXCEPT;
/* put_cpu_ptr(): preempt_enable(). */
void kstd_percpu_put(void) KSTD_NOEXCEPT;
/*
 * this_cpu_add() of @n to the u64 (@size 8) or u32 (@size 4) at byte
 * @offset of this CPU's copy: one instruction on x86, with interrupts
 * disabled around a load and store elsewhere.  Any context, hard IRQ and
 * NMI-free code included.
 */
void kstd_percpu_add(void *pcpu, __SIZE_TYPE__ offset, __SIZE_TYPE__ size,
		     unsigned long long n) KSTD_NOEXCEPT;
/* The next possible (@online 0) or online (1) CPU after @cpu (-1: the first); -1 after the last. */
int kstd_cpu_next(int cpu, int online) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
