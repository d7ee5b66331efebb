// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file rcu_list.hpp
 * @brief kstd::rcu_list, an owning intrusive list that readers walk under
 *        RCU without a lock (list_add_rcu(), list_del_rcu(), and the free
 *        of what comes off deferred past a grace period).
 *
 * The list owns its elements; they embed a kstd::rcu_list_node and derive
 * from kstd::rcu::freeable.  Who may do what is in the types:
 *
 * - Readers call read() with a named kstd::rcu::read_guard and walk with
 *   range-for, in any context, without a lock, concurrently with writers;
 *   they see `const T`.  find_if() gives back a kstd::rcu::guarded pointer
 *   that cannot leave the guard's scope.
 * - Writers are serialized by a lock of their own and show its guard to
 *   every call that changes the list (as kstd::rcu_pointer::replace()
 *   does).  Nothing a writer does sleeps: fine under a spinlock.
 * - What comes off the list is a kstd::rcu::retired<T>: readers may still
 *   be on it, so dropping it frees after a grace period (call_rcu(), never
 *   blocking) and kstd::rcu::wait_for_readers() is the only way back to a
 *   plain kstd::unique_ptr.  push_back() takes only a plain unique_ptr, so
 *   an element cannot go back on a list before the readers that saw it
 *   leave (the kernel's rule for list_del_rcu(), here a compile error).
 *
 * @code
 * struct route : kstd::rcu::freeable {
 *         kstd::u32 dst;
 *         kstd::rcu_list_node link;
 *         explicit route(kstd::u32 d) : dst(d) {}
 * };
 * kstd::spinlock writer_lock{"routes.writer"};
 * kstd::rcu_list<&route::link> routes;
 *
 * auto r = KSTD_TRY(kstd::make_unique<route>(kstd::gfp::kernel, 0x0a000001u));
 * {
 *         auto w = writer_lock.lock();
 *         routes.push_back(kstd::move(r), w);
 * }
 * {
 *         kstd::rcu::read_guard g; // any context, no lock, no sleeping
 *         for (const route &e : routes.read(g))
 *                 kstd_pr_info("route to %08x\n", e.dst);
 * }
 * {
 *         auto w = writer_lock.lock();
 *         routes.remove_if([](const route &e) { return e.dst == 0x0a000001u; }, w);
 * } // removed routes: freed after a grace period
 * kstd::rcu::barrier(); // in module exit
 * @endcode
 *
 * Lifetime of the list itself: readers hold the address of its head, so
 * the list must outlive every reader that can reach it (destroy it after
 * kstd::rcu::synchronize(), or inside an object itself freed after a grace
 * period).  Its destructor retires what is still on it.  As for every
 * deferred free, a module calls kstd::rcu::barrier() in its exit function
 * (see kstd/rcu.hpp).  With CONFIG_DEBUG_LIST, insertions and removals go
 * through the kernel's own list_add_tail_rcu()/list_del_rcu() checks.
 */
#ifndef KSTD_RCU_LIST_HPP
#define KSTD_RCU_LIST_HPP

#include <kstd/bindings.h>
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/rcu.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/**
 * The link an element of a kstd::rcu_list embeds: two pointers laid out as
 * struct list_head.  Not copyable.  Unlike kstd::list_node, a node taken
 * off keeps its forward pointer (a reader standing on it still finds the
 * rest of the list); "on a list" is recorded in the back pointer, which
 * readers never follow.
 */
class rcu_list_node {
public:
	constexpr rcu_list_node() noexcept = default;
	rcu_list_node(const rcu_list_node &) = delete;
	rcu_list_node &operator=(const rcu_list_node &) = delete;
	~rcu_list_node()
	{
		if (is_linked()) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "rcu_list_node destroyed while still linked");
	}

	/** Is this node on a list?  For writers and owners, not readers. */
	[[nodiscard]] bool is_linked() const noexcept { return prev_ != nullptr; }

private:
	template <auto>
	friend class rcu_list;

	::list_head *raw() noexcept
	{
		// SAFETY: two pointers, next then prev, exactly like struct
		// list_head (the static_assert below the class).
		return reinterpret_cast<::list_head *>(this);
	}

	rcu_list_node *next_ = nullptr;
	rcu_list_node *prev_ = nullptr; /* null: on no list */
};
static_assert(sizeof(rcu_list_node) == KSTD_SIZEOF_LIST_HEAD &&
		      alignof(rcu_list_node) == KSTD_ALIGNOF_LIST_HEAD,
	      "kstd::rcu_list_node mirrors struct list_head");

/**
 * An owning list of `T` (deriving from kstd::rcu::freeable) linked through
 * the member @p Node (`&T::link`, a kstd::rcu_list_node): readers walk it
 * under RCU, writers serialize on a lock of their own.  O(1) push, pop and
 * erase; O(n) find_if(), size() and, with CONFIG_DEBUG_LIST, erase()'s
 * check that the element is on this list.  Neither copyable nor movable
 * (readers hold its address).
 */
template <auto Node>
class rcu_list {
	using traits = member_pointer_traits<decltype(Node)>;
	static_assert(is_same_v<typename traits::member, rcu_list_node>,
		      "rcu_list<&T::member> needs a kstd::rcu_list_node member");

public:
	/// The element type.
	using T = typename traits::object;
	static_assert(__is_base_of(rcu::freeable, T),
		      "rcu_list<&T::link>: T must derive from kstd::rcu::freeable");

	rcu_list() noexcept { head_.next_ = head_.prev_ = &head_; }
	rcu_list(const rcu_list &) = delete;
	rcu_list &operator=(const rcu_list &) = delete;
	/**
	 * Retire every element still on the list (each freed after a grace
	 * period).  No reader may still reach the list (see the file
	 * comment), nor any writer use it.  Any context; never sleeps.
	 */
	~rcu_list()
	{
		while (head_.next_ != &head_)
			(void)take(head_.next_);
		head_.prev_ = nullptr; /* the head is on no list any more */
	}

	/** What a reader walks: the elements, as `const T &`, in order. */
	class view {
	public:
		/** A forward iterator that follows each link with rcu_dereference(). */
		class iterator {
		public:
			/** At the element linked by @p n (the head is the end). */
			explicit iterator(const rcu_list_node *n) noexcept : n_(n) {}
			/** The element. */
			const T &operator*() const noexcept { return *element(n_); }
			/** Member access to the element. */
			const T *operator->() const noexcept { return element(n_); }
			/** To the next element (the one published after this one). */
			iterator &operator++() noexcept
			{
				n_ = next(n_);
				return *this;
			}
			/** Same position. */
			bool operator==(const iterator &) const noexcept = default;

		private:
			const rcu_list_node *n_;
		};

		/** Reads the list's head under @p g; use it in the guard's scope. */
		view(const rcu::read_guard &g, const rcu_list &l) noexcept : l_(l) { (void)g; }
		view(const view &) = delete;
		view &operator=(const view &) = delete;

		/** The first element. */
		iterator begin() const noexcept { return iterator(next(&l_.head_)); }
		/** Past the last one. */
		iterator end() const noexcept { return iterator(&l_.head_); }
		/** Did this reader find the list empty? */
		[[nodiscard]] bool empty() const noexcept { return next(&l_.head_) == &l_.head_; }

	private:
		const rcu_list &l_;
	};

	/**
	 * The elements as a reader sees them: `for (const T &e :
	 * list.read(g))`.  Any context; no lock, never sleeps.  Elements a
	 * writer adds or removes meanwhile may or may not be seen; each one
	 * seen is whole and stays valid until @p g ends.
	 */
	[[nodiscard]] view read(const rcu::read_guard &g) const noexcept { return view(g, *this); }
	/** A temporary guard would end before the walk. */
	view read(rcu::read_guard &&) const = delete;

	/**
	 * The first element, in list order, for which @p pred returns true,
	 * as a reader sees it: valid while @p g holds.  Any context.
	 */
	template <class Pred>
	[[nodiscard]] rcu::guarded<const T> find_if(const rcu::read_guard &g,
						    Pred &&pred) const noexcept
	{
		for (const T &e : read(g))
			if (pred(e))
				return rcu::guarded<const T>(g, &e);
		return rcu::guarded<const T>(g, nullptr);
	}
	/** A temporary guard would end before the pointer is used. */
	template <class Pred>
	rcu::guarded<const T> find_if(rcu::read_guard &&, Pred &&) const = delete;

	/**
	 * Publish @p p at the end (list_add_tail_rcu()): readers that find it
	 * see it fully built.  The caller holds the writers' lock, shown as
	 * @p writer.  Null, or an element already on a list, is refused with
	 * a WARN (the latter then leaks: another list still points to it).
	 */
	template <class Lock, class Policy>
	void push_back(unique_ptr<T> p, const lock_guard<Lock, Policy> &writer) noexcept
	{
		insert(head_.prev_, move(p), writer);
	}
	/** Publish @p p at the front (list_add_rcu()); as push_back(). */
	template <class Lock, class Policy>
	void push_front(unique_ptr<T> p, const lock_guard<Lock, Policy> &writer) noexcept
	{
		insert(&head_, move(p), writer);
	}

	/**
	 * Unlink @p v (list_del_rcu()) and hand it back retired: readers may
	 * still be on it.  Null if @p v is on no list.  With
	 * CONFIG_DEBUG_LIST an element of another list is refused with a WARN
	 * and null.  The caller holds the writers' lock.
	 */
	template <class Lock, class Policy>
	rcu::retired<T> erase(const T &v, const lock_guard<Lock, Policy> &writer) noexcept
	{
		check_writer(writer);
		const rcu_list_node &n = v.*Node;
		if (!n.is_linked())
			return nullptr;
		if constexpr (KSTD_CONFIG_DEBUG_LIST) {
			if (!holds(n)) [[unlikely]] {
				kstd_warn(__FILE__, __LINE__,
					  "rcu_list::erase() of a node on another list");
				return nullptr;
			}
		}
		return take(const_cast<rcu_list_node *>(&n));
	}

	/** Unlink the first element and hand it back retired (null if empty). */
	template <class Lock, class Policy>
	rcu::retired<T> pop_front(const lock_guard<Lock, Policy> &writer) noexcept
	{
		check_writer(writer);
		return head_.next_ == &head_ ? nullptr : take(head_.next_);
	}

	/**
	 * Unlink every element for which @p pred returns true; each is freed
	 * after a grace period.  Returns the count.  Writers' lock held.
	 */
	template <class Pred, class Lock, class Policy>
	size_t remove_if(Pred &&pred, const lock_guard<Lock, Policy> &writer) noexcept
	{
		check_writer(writer);
		size_t n = 0;
		for (rcu_list_node *p = head_.next_, *next; p != &head_; p = next) {
			next = p->next_;
			if (pred(static_cast<const T &>(*element(p)))) {
				(void)take(p); /* freed after a grace period */
				n++;
			}
		}
		return n;
	}

	/** Unlink every element; each is freed after a grace period. */
	template <class Lock, class Policy>
	void clear(const lock_guard<Lock, Policy> &writer) noexcept
	{
		check_writer(writer);
		while (head_.next_ != &head_)
			(void)take(head_.next_);
	}

	/** The number of elements as the writer sees it: walks, O(n). */
	template <class Lock, class Policy>
	[[nodiscard]] size_t size(const lock_guard<Lock, Policy> &writer) const noexcept
	{
		(void)writer;
		size_t n = 0;
		for (const rcu_list_node *p = head_.next_; p != &head_; p = p->next_)
			n++;
		return n;
	}

private:
	static T *element(const rcu_list_node *n) noexcept
	{
		// SAFETY: every node on this list but the head is the Node member
		// of a T (only insert() links nodes, and it takes a T).
		return container_of(const_cast<rcu_list_node *>(n), Node);
	}

	/* rcu_dereference() of @n's forward link (PROVE_RCU checks the guard). */
	static const rcu_list_node *next(const rcu_list_node *n) noexcept
	{
		// SAFETY: the slot is a published link (written only by the
		// kernel's list_*_rcu() helpers); the helper only reads it.
		void *const *slot = reinterpret_cast<void *const *>(&n->next_);
		return static_cast<const rcu_list_node *>(kstd_rcu_dereference(slot));
	}

	template <class Lock, class Policy>
	static void check_writer(const lock_guard<Lock, Policy> &writer) noexcept
	{
		if (!writer) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "rcu_list changed without the writers' lock");
	}

	/* Is @n one of this list's nodes?  O(n); writers only. */
	bool holds(const rcu_list_node &n) const noexcept
	{
		for (const rcu_list_node *p = head_.next_; p != &head_; p = p->next_)
			if (p == &n)
				return true;
		return false;
	}

	/* Publish @p p after @p prev. */
	template <class Lock, class Policy>
	void insert(rcu_list_node *prev, unique_ptr<T> p,
		    const lock_guard<Lock, Policy> &writer) noexcept
	{
		check_writer(writer);
		if (!p) [[unlikely]] {
			kstd_warn(__FILE__, __LINE__, "null pushed on an rcu_list");
			return;
		}
		rcu_list_node &n = (*p).*Node;
		if (n.is_linked()) [[unlikely]] {
			kstd_warn(__FILE__, __LINE__,
				  "rcu_list_node inserted while already linked");
			(void)p.release(); /* leaked on purpose: another list points to it */
			return;
		}
		/* list_add_tail_rcu(new, next) links new between next->prev and next. */
		kstd_list_add_tail_rcu(n.raw(), prev->next_->raw());
		(void)p.release(); /* now owned by the list */
	}

	/* Unlink @n, a linked element of this list: the list's ownership becomes a retired<T>. */
	rcu::retired<T> take(rcu_list_node *n) noexcept
	{
		kstd_list_del_rcu(n->raw()); /* keeps n->next_, clears n->prev_ */
		// SAFETY: n was linked by insert(), which released the unique_ptr
		// that owned its T; unlinking ends the list's ownership, so exactly
		// one owner is rebuilt, and it frees only after a grace period.
		return rcu::retired<T>(element(n));
	}

	rcu_list_node head_;
};

} // namespace kstd

#endif // KSTD_RCU_LIST_HPP
