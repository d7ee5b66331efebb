// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: per-network-namespace storage.  Compiled as kstd-pernet.o, linked only
 * into modules that call it (kstd.mk); prototypes in <kstd/bindings/pernet.h>.
 *
 * Why C: struct pernet_operations (const members since 6.12) and
 * net_generic() (an inline over struct net's RCU-protected array) are
 * kernel internals C++ cannot see.
 *
 * A pernet_operations with only .id and .size: the netns core allocates
 * .size zeroed bytes for each namespace (ops_init) and frees them after
 * every exit callback has run (ops_free), so nothing here runs per
 * namespace.  The operations and their id live in one allocation per
 * registration, which is what lets a module have any number of them.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

struct kstd_pernet_storage {
	struct pernet_operations ops;
	unsigned int id;
};

struct kstd_pernet_storage *kstd_pernet_storage_register(size_t size)
{
	struct kstd_pernet_storage *s;
	int err;

	if (!size)
		return ERR_PTR(-EINVAL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	{
		/* .id and .size are const members (6.12): fill in a copy. */
		const struct pernet_operations ops = { .id = &s->id, .size = size };

		memcpy(&s->ops, &ops, sizeof(ops));
	}
	err = register_pernet_subsys(&s->ops);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
	return s;
}

void kstd_pernet_storage_unregister(struct kstd_pernet_storage *s)
{
	if (!s)
		return;
	unregister_pernet_subsys(&s->ops);
	kfree(s);
}

void *kstd_pernet_storage_get(const struct kstd_pernet_storage *s, const struct net *net)
{
	return net_generic(net, s->id);
}
