// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file hash_table.hpp
 * @brief kstd::hash_table, a typed intrusive hash table over the kernel's
 *        rhashtable: resizable, lookups under RCU without a lock.
 *
 * The element embeds a kstd::hash_node and has a key: a member
 * (`&T::key`) or what a function returns (`key_of(const T &)`, e.g. a
 * kstd::string_view of a char array member).  Keys are hashed by
 * kstd::hash_traits<K> (integers, pointers and kstd::string_view out of the
 * box; jhash with the table's random seed) and compared with `==`.  The
 * table never allocates per element; it grows and shrinks itself (in a
 * work item) as elements come and go.
 *
 * Who owns the elements is in the third parameter, as for
 * kstd::intrusive_list, with one difference: lookups run concurrently with
 * removals, so an owning table frees what it lets go of only after a grace
 * period, and its pointer type says so:
 *
 * - `T *` (the default): not owned; the caller frees what it removed only
 *   after kstd::rcu::synchronize() (or with call_rcu of its own).
 * - `kstd::rcu::unique_ptr<T>` (T derives from kstd::rcu::freeable): the
 *   table owns each element; remove() and take() hand the owner back, whose
 *   destruction frees after a grace period.
 * - `kstd::rcu::ref<T>` (T derives from kstd::ref_counted and
 *   kstd::rcu::freeable): the table holds one reference; a reader keeps an
 *   element past its guard with find_ref() (refcount_inc_not_zero), and the
 *   last reference frees after a grace period.
 *
 * @code
 * struct session : kstd::rcu::freeable {
 *         kstd::u32 id;
 *         kstd::hash_node node;
 *         explicit session(kstd::u32 i) : id(i) {}
 * };
 * using table = kstd::hash_table<&session::node, &session::id,
 *                                kstd::rcu::unique_ptr<session>>;
 *
 * table sessions = KSTD_TRY(table::create());
 * auto s = KSTD_TRY(kstd::make_unique<session>(kstd::gfp::kernel, 7u));
 * KSTD_TRY(sessions.insert(kstd::move(s)));          // -EEXIST: s keeps it
 * {
 *         kstd::rcu::read_guard g;                    // lookups: no lock
 *         if (auto hit = sessions.find(g, 7u))
 *                 kstd_pr_info("session %u\n", hit->id);
 * }
 * kstd::rcu::unique_ptr<session> gone = sessions.take(7u); // freed after readers
 * @endcode
 *
 * Context: create() and the destructor may sleep; insert(), remove() and
 * take() are for process or softirq context (rhashtable's bucket locks)
 * and never sleep; find() needs an RCU read guard, any context.  Writers
 * need no lock of their own: rhashtable serializes per bucket, and of two
 * removals of one element only one gets the owner.  No lookup may run
 * while the table is destroyed (rhashtable_free_and_destroy() frees the
 * buckets at once); a module that removed or destroyed owned elements
 * calls kstd::rcu::barrier() before unload (see kstd/rcu.hpp).
 */
#ifndef KSTD_HASH_TABLE_HPP
#define KSTD_HASH_TABLE_HPP

#include <kstd/bindings.h>
#include <kstd/list.hpp>
#include <kstd/rcu.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * The link of a kstd::hash_table element: struct rhash_head and the
 * table's key callbacks (two pointers, checked in lib/helpers/
 * hash_table.c).  Not copyable; only the table writes it.
 */
class hash_node {
public:
	constexpr hash_node() noexcept = default;
	hash_node(const hash_node &) = delete;
	hash_node &operator=(const hash_node &) = delete;

private:
	[[maybe_unused]] void *next_ = nullptr;	     /* the kernel's rhash_head::next */
	[[maybe_unused]] const void *ops_ = nullptr; /* the element's key callbacks */
};

/**
 * How a hash_table hashes a key type K: `static u32 hash(const K &, u32
 * seed)`.  Specialize it for a key type of your own; equal keys must hash
 * equally.
 */
template <class K>
struct hash_traits {
	static_assert(__has_unique_object_representations(K),
		      "kstd::hash_traits<K>: K has padding or floating point (equal values, "
		      "different bytes): specialize hash_traits for it");
	/** jhash of the value's bytes. */
	static u32 hash(const K &k, u32 seed) noexcept { return kstd_jhash(&k, sizeof(k), seed); }
};

/** Strings hash by their bytes. */
template <>
struct hash_traits<string_view> {
	/** jhash of the viewed bytes. */
	static u32 hash(const string_view &k, u32 seed) noexcept
	{
		return kstd_jhash(k.data(), static_cast<unsigned int>(k.size()), seed);
	}
};

namespace detail {
/* Is Ptr's deleter one that waits for readers (or is Ptr not owning)? */
template <class Ptr>
inline constexpr bool rcu_safe_owner = false;
template <class T>
inline constexpr bool rcu_safe_owner<T *> = true;
template <class T>
inline constexpr bool rcu_safe_owner<kstd::unique_ptr<T, rcu::deleter<T>>> = true;
template <class T>
inline constexpr bool rcu_safe_owner<ref<T, rcu::deleter<T>>> = true;

/* K without a top-level const. */
template <class K>
struct without_const {
	using type = K;
};
template <class K>
struct without_const<const K> {
	using type = K;
};
} // namespace detail

/**
 * A hash table of T linked through @p Node (`&T::node`, a kstd::hash_node),
 * keyed by @p Key (`&T::member` or a function `K key(const T &)`), holding
 * elements as @p Ptr says (see the file comment).  Keys are unique.
 * Move-only; an empty (default-constructed or moved-from) table must not
 * be used.
 *
 * @noop example(kstd::string_view wanted) -> void
 * @code
 * struct file_entry : kstd::ref_counted, kstd::rcu::freeable {
 *         char name[32];
 *         kstd::u8 len;
 *         kstd::hash_node node;
 * };
 * kstd::string_view name_of(const file_entry &e) { return {e.name, e.len}; }
 * kstd::hash_table<&file_entry::node, name_of, kstd::rcu::ref<file_entry>> files;
 * // a reference that outlives the guard find_ref() took
 * kstd::rcu::ref<file_entry> f = files.find_ref(wanted);
 * @endcode
 */
template <auto Node, auto Key, class Ptr = typename member_pointer_traits<decltype(Node)>::object *>
class hash_table {
	using node_traits = member_pointer_traits<decltype(Node)>;
	using ownership = list_ownership<Ptr>;
	using T = typename ownership::element;
	static_assert(is_same_v<typename node_traits::member, hash_node>,
		      "hash_table<&T::member, ...> needs a kstd::hash_node member");
	static_assert(is_same_v<T, typename node_traits::object>,
		      "hash_table: Ptr must point to the class with the node");
	static_assert(detail::rcu_safe_owner<Ptr>,
		      "hash_table: an owning pointer must free after a grace period: "
		      "kstd::rcu::unique_ptr<T> or kstd::rcu::ref<T>");

	static decltype(auto) key_of(const T &t) noexcept
	{
		if constexpr (requires { t.*Key; })
			return (t.*Key);
		else
			return Key(t);
	}

public:
	/// The element type.
	using value_type = T;
	/// The key type.
	using key_type = typename detail::without_const<
		remove_reference_t<decltype(key_of(*static_cast<const T *>(nullptr)))>>::type;
	/// What insert() takes and remove()/take() give back.
	using pointer = Ptr;

	/** Empty; create() makes a usable one. */
	constexpr hash_table() noexcept = default;
	/** Take over @p o's table; @p o is left empty. */
	hash_table(hash_table &&o) noexcept : t_(exchange(o.t_, nullptr)) {}
	/** Destroy ours (may sleep), take over @p o's. */
	hash_table &operator=(hash_table &&o) noexcept
	{
		destroy();
		t_ = exchange(o.t_, nullptr);
		return *this;
	}
	hash_table(const hash_table &) = delete;
	hash_table &operator=(const hash_table &) = delete;
	/**
	 * Let go of every element still in (an owning table frees them after
	 * a grace period) and free the table.  No lookup may run concurrently.
	 * May sleep.
	 */
	~hash_table() { destroy(); }

	/**
	 * A table sized for about @p size_hint elements (it grows and shrinks
	 * as needed).  -ENOMEM.  Allocates with gfp::kernel: may sleep.
	 */
	[[nodiscard]] static result<hash_table> create(u32 size_hint = 0) noexcept
	{
		KSTD_MIGHT_SLEEP();
		const ::kstd_rht_ops ops = {
			.hash_key = &hash_key,
			.hash_obj = &hash_obj,
			.cmp_key = &cmp_key,
			.cmp_obj = &cmp_obj,
			.head_offset = static_cast<unsigned int>(member_offset(Node)),
		};
		hash_table r;
		// SAFETY: a new table, owned by r alone (from_err_ptr() turned an
		// error pointer into an error); its ops are copied by the helper.
		r.t_ = KSTD_TRY(from_err_ptr(kstd_rht_create(&ops, size_hint)));
		return r;
	}

	/**
	 * Link @p p's element unless one with an equal key is in.  On success
	 * the table owns it (@p p is left empty); on failure @p p keeps it:
	 * -EEXIST (an equal key), -ENOMEM, -EBUSY or -E2BIG (the table could
	 * not grow).  Process or softirq context; never sleeps.
	 */
	[[nodiscard]] result<void> insert(Ptr &&p) noexcept requires ownership::owning
	{
		T *e = p.get();
		KSTD_TRY(link(*e));
		// SAFETY: linked: the table's owner is the one p gives up.
		(void)ownership::into_list(move(p));
		return {};
	}
	/** Link @p e (not owned: the caller keeps it alive while it is in). */
	[[nodiscard]] result<void> insert(T &e) noexcept requires(!ownership::owning)
	{
		return link(e);
	}

	/**
	 * The element with @p key, or null; valid while @p g holds.  Any
	 * context.
	 */
	[[nodiscard]] rcu::guarded<T> find(const rcu::read_guard &g,
					   const key_type &key) const noexcept
	{
		// SAFETY: the helper returns an element of this table (the start
		// of a T, head_offset before its node) found under g, which keeps
		// its memory until g ends (removals free after a grace period).
		return rcu::guarded<T>(g, static_cast<T *>(kstd_rht_lookup(t_, &key)));
	}
	/** A temporary guard would end before the pointer is used. */
	rcu::guarded<T> find(rcu::read_guard &&, const key_type &) const = delete;

	/**
	 * A counted reference to the element with @p key, or null if there is
	 * none or it is being freed (refcount_inc_not_zero()).  Takes its own
	 * read guard; any context.  For tables of rcu::ref<T>.
	 */
	[[nodiscard]] Ptr find_ref(const key_type &key) const noexcept
		requires(__is_base_of(ref_counted, T))
	{
		rcu::read_guard g;
		auto e = find(g, key);
		return e ? Ptr::try_acquire(*e) : Ptr();
	}

	/**
	 * Unlink @p e and hand back what the table held for it (an owner
	 * whose destruction waits for readers), or null if @p e is not in this
	 * table.  Process or softirq context.
	 */
	Ptr remove(T &e) noexcept
	{
		if (kstd_rht_remove(t_, &e) != 0)
			return Ptr();
		// SAFETY: this call unlinked e (rhashtable lets only one remover
		// succeed): the ownership the table held is ours to hand back.
		return ownership::from_list(&e);
	}

	/** Unlink the element with @p key, if any, as remove() does. */
	Ptr take(const key_type &key) noexcept
	{
		rcu::read_guard g; /* e stays valid until we unlink it */
		auto e = find(g, key);
		return e ? remove(*e) : Ptr();
	}

	/**
	 * Unlink every element, letting each go as remove() would (owned
	 * ones are freed after a grace period).  Lookups may run meanwhile.
	 * Returns how many went.  Process context; may sleep.
	 */
	size_t clear() noexcept
	{
		KSTD_MIGHT_SLEEP();
		return t_ ? kstd_rht_drain(t_, &drop, nullptr) : 0;
	}

	/** The number of elements (a snapshot).  Any context. */
	[[nodiscard]] size_t size() const noexcept { return kstd_rht_count(t_); }
	/** The number of buckets now (a snapshot; it changes as the table resizes). */
	[[nodiscard]] size_t buckets() const noexcept { return kstd_rht_buckets(t_); }
	/** Does it have a table (create() succeeded, not moved from)? */
	explicit operator bool() const noexcept { return t_ != nullptr; }

private:
	result<void> link(T &e) noexcept
	{
		int err = kstd_rht_insert(t_, &e);
		if (err)
			return error::from_errno(err);
		return {};
	}

	static const T &object(const void *p) noexcept
	{
		// SAFETY: the helper passes elements of this table: the start of
		// a T (its node head_offset further in).
		return *static_cast<const T *>(p);
	}
	static unsigned int hash_key(const void *key, unsigned int seed) noexcept
	{
		// SAFETY: find() and take() pass a key_type * as the probe.
		return hash_traits<key_type>::hash(*static_cast<const key_type *>(key), seed);
	}
	static unsigned int hash_obj(const void *obj, unsigned int seed) noexcept
	{
		return hash_traits<key_type>::hash(key_of(object(obj)), seed);
	}
	static int cmp_key(const void *key, const void *obj) noexcept
	{
		// SAFETY: as in hash_key().
		return key_of(object(obj)) == *static_cast<const key_type *>(key) ? 0 : 1;
	}
	static int cmp_obj(const void *a, const void *obj) noexcept
	{
		return key_of(object(a)) == key_of(object(obj)) ? 0 : 1;
	}
	static void drop(void *obj, void *) noexcept
	{
		// SAFETY: the helper unlinked obj, a T of this table: the table's
		// ownership of it ends here, rebuilt once and dropped.
		(void)ownership::from_list(static_cast<T *>(obj));
	}

	void destroy() noexcept
	{
		if (t_) {
			KSTD_MIGHT_SLEEP();
			kstd_rht_destroy(exchange(t_, nullptr), &drop, nullptr);
		}
	}

	::kstd_rht *t_ = nullptr;
};

} // namespace kstd

#endif // KSTD_HASH_TABLE_HPP
