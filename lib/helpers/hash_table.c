// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: kstd::hash_table over struct rhashtable.  Compiled as
 * kstd-hash_table.o, linked only into modules that call it (kstd.mk);
 * prototypes in <kstd/bindings/hash_table.h>.
 *
 * Why C: struct rhashtable and its parameters are kernel-internal layouts
 * (a mutex, a work item, alloc tags on 6.10+), and the lookup and insert
 * paths are inlines that take the parameters by value.
 *
 * How C++ keys meet rhashtable: the element's node is a struct rhash_head
 * followed by a pointer to the table's struct kstd_rht_ops, and that
 * pointer is the table's "key" (key_offset, key_len = a pointer).  The
 * hash and compare callbacks rhashtable calls (hashfn, obj_cmpfn) get no
 * table, only that key: from it they reach the ops and, through
 * ops->head_offset, the element.  A lookup passes a struct kstd_rht_key
 * instead, whose first word is the ops pointer with bit 0 set, so the
 * callbacks can tell a probe (a C++ key object, which need not be stored
 * in any element: kstd::string_view for a char array member) from an
 * element.
 */
#include <linux/err.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>

struct kstd_rht_node {
	struct rhash_head head;
	const struct kstd_rht_ops *ops;
};

/* kstd::hash_node mirrors struct kstd_rht_node as two pointers. */
static_assert(sizeof(struct kstd_rht_node) == 2 * sizeof(void *) &&
	      offsetof(struct kstd_rht_node, ops) == sizeof(void *),
	      "kstd::hash_node mirrors struct kstd_rht_node");

struct kstd_rht {
	struct rhashtable ht;
	struct kstd_rht_ops ops; /* the C++ side's, copied: elements point here */
};

/* A lookup's probe: tagged ops pointer, then the C++ key. */
struct kstd_rht_key {
	unsigned long tagged_ops;
	const void *key;
};

static const void *kstd_rht_obj_of(const void *ops_field, const struct kstd_rht_ops *ops)
{
	return (const char *)ops_field - offsetof(struct kstd_rht_node, ops) - ops->head_offset;
}

static u32 kstd_rht_hashfn(const void *data, u32 len, u32 seed)
{
	unsigned long v = *(const unsigned long *)data;
	const struct kstd_rht_ops *ops = (const void *)(v & ~1UL);

	if (v & 1)
		return ops->hash_key(((const struct kstd_rht_key *)data)->key, seed);
	return ops->hash_obj(kstd_rht_obj_of(data, ops), seed);
}

static int kstd_rht_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	unsigned long v = *(const unsigned long *)arg->key;
	const struct kstd_rht_ops *ops = (const void *)(v & ~1UL);

	if (v & 1)
		return ops->cmp_key(((const struct kstd_rht_key *)arg->key)->key, obj);
	return ops->cmp_obj(kstd_rht_obj_of(arg->key, ops), obj);
}

struct kstd_rht *kstd_rht_create(const struct kstd_rht_ops *ops, unsigned int nelem_hint)
{
	struct rhashtable_params p = {
		.nelem_hint = min_t(unsigned int, nelem_hint, U16_MAX),
		.key_len = sizeof(void *),
		.key_offset = ops->head_offset + offsetof(struct kstd_rht_node, ops),
		.head_offset = ops->head_offset,
		.automatic_shrinking = true,
		.hashfn = kstd_rht_hashfn,
		.obj_cmpfn = kstd_rht_cmpfn,
	};
	struct kstd_rht *t;
	int err;

	if (ops->head_offset > U16_MAX - sizeof(void *))
		return ERR_PTR(-EINVAL);
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->ops = *ops;
	err = rhashtable_init(&t->ht, &p);
	if (err) {
		kfree(t);
		return ERR_PTR(err);
	}
	return t;
}

void kstd_rht_destroy(struct kstd_rht *t, void (*free_fn)(void *obj, void *arg), void *arg)
{
	if (!t)
		return;
	rhashtable_free_and_destroy(&t->ht, free_fn, arg);
	kfree(t);
}

static struct rhash_head *kstd_rht_head(struct kstd_rht *t, void *obj)
{
	return (struct rhash_head *)((char *)obj + t->ht.p.head_offset);
}

int kstd_rht_insert(struct kstd_rht *t, void *obj)
{
	struct kstd_rht_node *n = (struct kstd_rht_node *)kstd_rht_head(t, obj);

	n->ops = &t->ops; /* the element's "key": how to reach its C++ key */
	return rhashtable_lookup_insert_fast(&t->ht, &n->head, t->ht.p);
}

void *kstd_rht_lookup(struct kstd_rht *t, const void *key)
{
	struct kstd_rht_key probe = { (unsigned long)&t->ops | 1UL, key };

	return rhashtable_lookup(&t->ht, &probe, t->ht.p);
}

int kstd_rht_remove(struct kstd_rht *t, void *obj)
{
	return rhashtable_remove_fast(&t->ht, kstd_rht_head(t, obj), t->ht.p);
}

/* One walk over the table, unlinking what it meets. */
static unsigned long kstd_rht_drain_pass(struct kstd_rht *t, void (*fn)(void *obj, void *arg),
					 void *arg)
{
	struct rhashtable_iter iter;
	unsigned long n = 0;
	void *obj;

	rhashtable_walk_enter(&t->ht, &iter);
	rhashtable_walk_start(&iter);
	while ((obj = rhashtable_walk_next(&iter))) {
		if (IS_ERR(obj)) {
			if (PTR_ERR(obj) == -EAGAIN)
				continue; /* a resize: the walk goes on in the new table */
			break;
		}
		if (!rhashtable_remove_fast(&t->ht, kstd_rht_head(t, obj), t->ht.p)) {
			fn(obj, arg);
			n++;
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return n;
}

/*
 * The walker counts its position in a bucket, which the removals shift:
 * a pass may step over elements, so walk again until a pass finds none.
 */
unsigned long kstd_rht_drain(struct kstd_rht *t, void (*fn)(void *obj, void *arg), void *arg)
{
	unsigned long n = 0, pass;

	do {
		pass = kstd_rht_drain_pass(t, fn, arg);
		n += pass;
		cond_resched();
	} while (pass);
	return n;
}

unsigned int kstd_rht_count(const struct kstd_rht *t)
{
	return atomic_read(&t->ht.nelems);
}

unsigned int kstd_rht_buckets(struct kstd_rht *t)
{
	unsigned int size;

	rcu_read_lock();
	size = rht_dereference_rcu(t->ht.tbl, &t->ht)->size;
	rcu_read_unlock();
	return size;
}

unsigned int kstd_jhash(const void *data, unsigned int len, unsigned int seed)
{
	return jhash(data, len, seed);
}
