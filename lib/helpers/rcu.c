// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: RCU.  Compiled as kstd-rcu.o, linked only into modules that
 * call it (kstd.mk); prototypes in <kstd/bindings/rcu.h>.
 *
 * Why C: rcu_read_lock(), rcu_dereference() and rcu_assign_pointer() are
 * inlines and macros over lockdep maps (rcu_lock_map), sparse's __rcu
 * address space and READ_ONCE()/smp_store_release(); call_rcu() takes
 * struct rcu_head, itself a macro.  Going through these functions keeps
 * CONFIG_PROVE_RCU's checks on the C++ side's reads.
 */
#include <linux/rculist.h>
#include <linux/rcupdate.h>

/* kstd::rcu::freeable mirrors struct rcu_head as two pointers. */
static_assert(sizeof(struct rcu_head) == 2 * sizeof(void *) &&
	      __alignof__(struct rcu_head) == __alignof__(void *),
	      "kstd::rcu::freeable mirrors struct rcu_head");

void kstd_rcu_read_lock(void)
{
	rcu_read_lock();
}

void kstd_rcu_read_unlock(void)
{
	rcu_read_unlock();
}

int kstd_rcu_read_lock_held(void)
{
	return rcu_read_lock_held();
}

void *kstd_rcu_dereference(void *const *slot)
{
	void __rcu **p = (void __rcu **)slot;

	return rcu_dereference(*p);
}

void kstd_rcu_assign_pointer(void **slot, void *v)
{
	void __rcu **p = (void __rcu **)slot;

	rcu_assign_pointer(*p, v);
}

void kstd_synchronize_rcu(void)
{
	synchronize_rcu();
}

void kstd_rcu_barrier(void)
{
	rcu_barrier();
}

void kstd_call_rcu(struct callback_head *head, void (*fn)(struct callback_head *))
{
	call_rcu(head, fn);
}

void kstd_list_add_tail_rcu(struct list_head *entry, struct list_head *head)
{
	list_add_tail_rcu(entry, head);
}

void kstd_list_del_rcu(struct list_head *entry)
{
	list_del_rcu(entry);
	entry->prev = NULL;
}
