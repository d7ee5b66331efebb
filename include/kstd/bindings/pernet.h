/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/pernet.h - C helpers for per-network-namespace storage.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/pernet.c.
 */
#ifndef KSTD_BINDINGS_PERNET_H
#define KSTD_BINDINGS_PERNET_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct net;
struct kstd_pernet_storage;

/*
 * @size zero-filled bytes (at least 1) in every network namespace: in the
 * existing ones now, in each new one when it is set up (before the
 * pernet_operations registered later, such as a kstd_pernet_proc, see
 * it), freed when it exits (after those have gone) or when unregistered.
 * This is register_pernet_subsys() with net_generic() storage and no
 * callbacks.  Returns a handle or an ERR_PTR (-EINVAL, -ENOMEM, what
 * register_pernet_subsys() failed with).  May sleep.
 */
struct kstd_pernet_storage *kstd_pernet_storage_register(__SIZE_TYPE__ size) KSTD_NOEXCEPT;
/* Frees the storage of every namespace.  May sleep.  NULL is a no-op. */
void kstd_pernet_storage_unregister(struct kstd_pernet_storage *s) KSTD_NOEXCEPT;
/*
 * @net's storage (net_generic()).  The caller must keep @net alive (hold
 * a reference, or run from one of its /proc files or pernet callbacks).
 * Any context.
 */
void *kstd_pernet_storage_get(const struct kstd_pernet_storage *s,
			      const struct net *net) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
