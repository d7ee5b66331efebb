// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: per-CPU data.  Compiled as kstd-percpu.o, linked only into
 * modules that call it (kstd.mk); prototypes in <kstd/bindings/percpu.h>.
 *
 * Why C: __alloc_percpu_gfp() is a macro over pcpu_alloc_noprof() since
 * 6.10 (allocation tagging), and get_cpu_ptr(), per_cpu_ptr(),
 * this_cpu_add() and the cpumask iterators are macros over per-arch
 * segment arithmetic (%gs on x86) that only the kernel's headers know.
 */
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/smp.h>

void *kstd_percpu_alloc(size_t size, size_t align, unsigned int gfp)
{
	return (__force void *)__alloc_percpu_gfp(size, align, (__force gfp_t)gfp);
}

void kstd_percpu_free(void *pcpu)
{
	free_percpu((void __percpu *)pcpu);
}

void *kstd_percpu_ptr(void *pcpu, int cpu)
{
	return per_cpu_ptr((void __percpu *)pcpu, cpu);
}

void *kstd_percpu_get(void *pcpu, int *cpu)
{
	void *p = get_cpu_ptr((void __percpu *)pcpu);

	*cpu = smp_processor_id();
	return p;
}

void kstd_percpu_put(void)
{
	preempt_enable();
}

void kstd_percpu_add(void *pcpu, size_t offset, size_t size, unsigned long long n)
{
	char __percpu *base = (char __percpu *)pcpu;

	if (size == sizeof(u64))
		this_cpu_add(*(u64 __percpu *)(base + offset), n);
	else if (size == sizeof(u32))
		this_cpu_add(*(u32 __percpu *)(base + offset), (u32)n);
	else
		WARN_ONCE(1, "%s: size %zu", __func__, size);
}

int kstd_cpu_next(int cpu, int online)
{
	unsigned int next = cpumask_next(cpu, online ? cpu_online_mask : cpu_possible_mask);

	return next < nr_cpu_ids ? (int)next : -1;
}
