/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/rcu.h - C helpers for RCU: the read-side critical section,
 * rcu_dereference()/rcu_assign_pointer() on an untyped slot, grace periods
 * and call_rcu().  Part of the C/C++ boundary, see <kstd/bindings.h>; valid
 * C and C++.
 *
 * The helpers live in lib/helpers/rcu.c.
 */
#ifndef KSTD_BINDINGS_RCU_H
#define KSTD_BINDINGS_RCU_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

/* struct rcu_head is a macro for struct callback_head (linux/types.h). */
struct callback_head;
struct list_head;

/* rcu_read_lock() / rcu_read_unlock().  Any context; nest. */
void kstd_rcu_read_lock(void) KSTD_NOEXCEPT;
void kstd_rcu_read_unlock(void) KSTD_NOEXCEPT;
/*
 * rcu_read_lock_held(): is this context in an RCU read-side critical
 * section?  Exact with CONFIG_DEBUG_LOCK_ALLOC; without it, true unless
 * the CPU is known to be outside one (the kernel's own answer).
 */
int kstd_rcu_read_lock_held(void) KSTD_NOEXCEPT;
/*
 * rcu_dereference(*@slot): the pointer published in @slot, with the
 * ordering readers need.  Under CONFIG_PROVE_RCU, reports a "suspicious
 * rcu_dereference_check() usage" splat if the caller is not in a read-side
 * critical section.
 */
void *kstd_rcu_dereference(void *const *slot) KSTD_NOEXCEPT;
/*
 * rcu_assign_pointer(*@slot, @v): publish @v (a release store: whatever
 * the writer stored into *@v before is visible to readers that see @v).
 */
void kstd_rcu_assign_pointer(void **slot, void *v) KSTD_NOEXCEPT;
/* synchronize_rcu(): wait for a grace period.  May sleep. */
void kstd_synchronize_rcu(void) KSTD_NOEXCEPT;
/* rcu_barrier(): wait until every queued call_rcu() callback has run.  May sleep. */
void kstd_rcu_barrier(void) KSTD_NOEXCEPT;
/* call_rcu(@head, @fn): run @fn(@head) after a grace period.  Any context. */
void kstd_call_rcu(struct callback_head *head, void (*fn)(struct callback_head *)) KSTD_NOEXCEPT;
/*
 * list_add_tail_rcu(@entry, @head): publish @entry before @head (a release
 * store, as rcu_assign_pointer()).  The caller serializes writers.
 */
void kstd_list_add_tail_rcu(struct list_head *entry, struct list_head *head) KSTD_NOEXCEPT;
/*
 * list_del_rcu(@entry), then @entry->prev = NULL: the forward link stays
 * for readers still on @entry; a null back link says "on no list" (the
 * kernel leaves LIST_POISON2 there).  The caller serializes writers.
 */
void kstd_list_del_rcu(struct list_head *entry) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
