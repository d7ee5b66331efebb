/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/hash_table.h - C helpers for kstd::hash_table: a struct
 * rhashtable whose elements are hashed and compared by C++ callbacks.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/hash_table.c.
 */
#ifndef KSTD_BINDINGS_HASH_TABLE_H
#define KSTD_BINDINGS_HASH_TABLE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct kstd_rht;

/*
 * One element type's callbacks, from the C++ side: hash a key or an
 * element's key; compare a key or an element's key with an element's
 * (0: equal).  @head_offset: where the element's node (struct rhash_head,
 * then a pointer to the table's copy of these ops) is.
 */
struct kstd_rht_ops {
	unsigned int (*hash_key)(const void *key, unsigned int seed);
	unsigned int (*hash_obj)(const void *obj, unsigned int seed);
	int (*cmp_key)(const void *key, const void *obj);
	int (*cmp_obj)(const void *a, const void *obj);
	unsigned int head_offset;
};

/*
 * A new rhashtable of elements whose node (a struct rhash_head followed by
 * a pointer to @ops) is @ops->head_offset bytes into them, sized for about
 * @nelem_hint elements, growing and shrinking automatically.  @ops is
 * copied.  Returns the
 * table or an ERR_PTR (-ENOMEM, -EINVAL).  Allocates with GFP_KERNEL: may
 * sleep.
 */
struct kstd_rht *kstd_rht_create(const struct kstd_rht_ops *ops,
				 unsigned int nelem_hint) KSTD_NOEXCEPT;
/*
 * rhashtable_free_and_destroy(): @free_fn(obj, @arg) for each element
 * still in, then free the table.  No lookup may run concurrently.  May
 * sleep.  NULL is a no-op.
 */
void kstd_rht_destroy(struct kstd_rht *t, void (*free_fn)(void *obj, void *arg),
		      void *arg) KSTD_NOEXCEPT;
/*
 * rhashtable_lookup_insert_fast(): link @obj unless an element with an
 * equal key is in: 0, -EEXIST, or -ENOMEM/-EBUSY/-E2BIG from the table.
 * Process or softirq context; takes rcu_read_lock() itself.
 */
int kstd_rht_insert(struct kstd_rht *t, void *obj) KSTD_NOEXCEPT;
/* rhashtable_lookup(): the element with @key or NULL.  Under rcu_read_lock(). */
void *kstd_rht_lookup(struct kstd_rht *t, const void *key) KSTD_NOEXCEPT;
/* rhashtable_remove_fast(): unlink @obj: 0, or -ENOENT if it is not in. */
int kstd_rht_remove(struct kstd_rht *t, void *obj) KSTD_NOEXCEPT;
/*
 * Unlink every element (walking the table, rhashtable_walk_*(), until a
 * walk finds none), calling @fn(obj, @arg) for each one this call
 * unlinked, inside an RCU read-side critical section (@fn must not
 * sleep).  Returns how many were unlinked.  May sleep (between walks).
 */
unsigned long kstd_rht_drain(struct kstd_rht *t, void (*fn)(void *obj, void *arg),
			     void *arg) KSTD_NOEXCEPT;
/* The number of elements (a snapshot).  Any context. */
unsigned int kstd_rht_count(const struct kstd_rht *t) KSTD_NOEXCEPT;
/* The current bucket table's size (a snapshot).  Any context. */
unsigned int kstd_rht_buckets(struct kstd_rht *t) KSTD_NOEXCEPT;
/* jhash(@data, @len, @seed). */
unsigned int kstd_jhash(const void *data, unsigned int len, unsigned int seed) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
