/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd-helper.h - what every object of kstd's C part starts with.
 *
 * kstd's C part is one object per area: kstd-core.o from lib/kstd.c and
 * kstd-<area>.o from each lib/helpers/<area>.c.  kstd.mk compiles them all
 * with -include of this file, so each area compiles on its own, and links
 * into the module's kstd.o only the areas the module uses (kstd.mk, "the C
 * helpers").  Including <kstd/bindings.h> here makes the compiler check
 * every helper's prototype against the kernel's own declarations.
 */
#ifndef KSTD_HELPER_H
#define KSTD_HELPER_H

#include <linux/bug.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/version.h>

#include <kstd/layout.h>
#include <kstd/bindings.h>
#include <kstd/errno.h>

/*
 * The layout header was generated for one kernel configuration; refuse to
 * build against another (a stale header from a different kernel build).
 */
#define CHECK_LAYOUT(name, type)						\
	static_assert(KSTD_SIZEOF_##name == sizeof(type) &&			\
		      KSTD_ALIGNOF_##name == __alignof__(type),			\
		      "kstd/layout.h is stale for " #type)

#endif /* KSTD_HELPER_H */
