// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file list.hpp
 * @brief kstd::intrusive_list, a typed doubly linked list over the kernel's
 *        struct list_head, that may own its elements.
 *
 * The element embeds a kstd::list_node (layout-identical to struct
 * list_head, so the list can be handed to C code); the list never
 * allocates.  A node knows whether it is linked, and destroying a linked
 * node is reported with a kernel WARN instead of leaving a dangling pointer
 * behind.
 *
 * The second template parameter says who owns the elements while they are
 * on the list, in the type instead of in comments:
 *
 * - `intrusive_list<&T::link>` (the default, `T *`): not owned.  push_back()
 *   takes a `T &`, pop_front() and erase() hand back a `T *`, the caller
 *   keeps the element alive while it is linked, and a list destroyed while
 *   not empty is reported with a WARN.
 * - `intrusive_list<&T::link, kstd::unique_ptr<T>>`: the list owns its
 *   elements.  push_back() takes the unique_ptr, pop_front(), pop_back()
 *   and erase() give it back, and clear(), remove_if() and the destructor
 *   destroy what they take off.
 * - `intrusive_list<&T::link, kstd::ref<T>>` (T derives from
 *   kstd::ref_counted): the list holds one reference per element.  Pushing
 *   a copy of a ref takes a new reference; popping hands the list's
 *   reference back; clearing drops it.
 *
 * @noop example runs as a KUnit case
 * @code
 * struct request {
 *         int id;
 *         kstd::list_node link;
 * };
 * kstd::intrusive_list<&request::link, kstd::unique_ptr<request>> pending;
 *
 * pending.push_back(KSTD_TRY(kstd::make_unique<request>(kstd::gfp::kernel, 7)));
 * for (request &r : pending)
 *         kstd_pr_info("pending %d\n", r.id);
 * while (kstd::unique_ptr<request> r = pending.pop_front())
 *         kstd_pr_info("done %d\n", r->id); // the caller owns it again
 * @endcode
 *
 * Misuse is refused, never turned into corruption: pushing a node that is
 * already linked links nothing (try_push_back() says so with false,
 * push_back() with a WARN; an owning list then leaks the element rather than
 * freeing a node another list still points to), erase() of a node that is
 * on no list returns null, and with CONFIG_DEBUG_LIST erase() first checks
 * (by walking the list) that the node is on *this* list: a node of another
 * list is refused with a WARN and null.  contains() asks the same question
 * without a WARN.
 *
 * Not thread-safe by itself: keep it in a kstd::locked<> or under a lock.
 * Destroying an owned element runs its destructor and may sleep; do it
 * outside spinlocks (take it off under the lock, let it go after).  With
 * CONFIG_DEBUG_LIST, insertions and removals go through the kernel's own
 * list helpers so its corruption checks apply.
 */
#ifndef KSTD_LIST_HPP
#define KSTD_LIST_HPP

#include <kstd/bindings.h>
#include <kstd/memory.hpp>
#include <kstd/refcount.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** A list link, layout-compatible with struct list_head. Not copyable. */
class list_node {
public:
	constexpr list_node() noexcept : next_(this), prev_(this) {}
	list_node(const list_node &) = delete;
	list_node &operator=(const list_node &) = delete;
	~list_node()
	{
		if (is_linked()) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "list_node destroyed while still linked");
	}

	/** Is this node on a list? */
	[[nodiscard]] bool is_linked() const noexcept { return next_ != this; }

	/**
	 * Remove from whatever list holds it (no-op if unlinked).  On an
	 * owning list this gives up nothing: the element is leaked from the
	 * list's point of view; use the list's erase() instead.
	 */
	void unlink() noexcept
	{
		if (is_linked())
			unlink_linked();
	}

	/** struct list_head view, for C APIs. */
	::list_head *raw() noexcept
	{
		// SAFETY: list_node is two pointers, next then prev, exactly like
		// struct list_head (checked by the layout KUnit case).
		return reinterpret_cast<::list_head *>(this);
	}

private:
	template <auto, class>
	friend class intrusive_list;

	/* list_del_init() of a node known to be linked. */
	void unlink_linked() noexcept
	{
		if constexpr (KSTD_CONFIG_DEBUG_LIST) {
			kstd_list_del_init(raw());
		} else {
			/* Load both first: the stores below may alias this node. */
			list_node *next = next_, *prev = prev_;
			next->prev_ = prev;
			prev->next_ = next;
			next_ = prev_ = this;
		}
	}

	/* Link this node between @p prev and @p next. */
	void link_between(list_node *prev, list_node *next) noexcept
	{
		next->prev_ = this;
		next_ = next;
		prev_ = prev;
		prev->next_ = this;
	}

	list_node *next_;
	list_node *prev_;
};

/** The parts of a pointer-to-data-member type `M T::*` (`object`, `member`). */
template <class>
struct member_pointer_traits;
/** For `M T::*`: the class T and the member type M. */
template <class T, class M>
struct member_pointer_traits<M T::*> {
	/// The class that has the member.
	using object = T;
	/// The member's type.
	using member = M;
};

/**
 * How an intrusive_list holds elements through the pointer type Ptr:
 * `element` (what Ptr points to), `owning`, `into_list(Ptr &&)` (give up
 * what Ptr holds to the list, returning the raw pointer) and
 * `from_list(T *)` (rebuild the Ptr the list held).  Specialized for `T *`
 * (not owned), kstd::unique_ptr and kstd::ref; specialize it for another
 * owning pointer.
 */
template <class Ptr>
struct list_ownership;

/** Not owned: the list links elements that live elsewhere. */
template <class T>
struct list_ownership<T *> {
	/// The element type.
	using element = T;
	/// Does the list own what it holds?
	static constexpr bool owning = false;
	/** The element, as is. */
	static T *into_list(T *p) noexcept { return p; }
	/** The element, as is. */
	static T *from_list(T *p) noexcept { return p; }
};

/** Owned: the list holds the one owner; taking an element off hands it back. */
template <class T, class D>
struct list_ownership<unique_ptr<T, D>> {
	/// The element type.
	using element = T;
	/// Does the list own what it holds?
	static constexpr bool owning = true;
	/** Give up @p p's ownership to the list. */
	static T *into_list(unique_ptr<T, D> &&p) noexcept { return p.release(); }
	/** The ownership the list held for @p p. */
	static unique_ptr<T, D> from_list(T *p) noexcept
	{
		// SAFETY: p was linked by into_list(), which released a
		// unique_ptr<T, D>; unlinking it ends the list's ownership, so
		// exactly one owner is rebuilt.
		return unique_ptr<T, D>(p);
	}
};

/** Counted: the list holds one reference per element. */
template <class T, class D>
struct list_ownership<ref<T, D>> {
	/// The element type.
	using element = T;
	/// Does the list own what it holds?
	static constexpr bool owning = true;
	/** Move @p p's reference into the list. */
	static T *into_list(ref<T, D> &&p) noexcept { return p.release(); }
	/** The reference the list held to @p p. */
	static ref<T, D> from_list(T *p) noexcept
	{
		// SAFETY: into_list() released one counted reference for p and
		// the list kept it while p was linked; adopting hands exactly
		// that reference back, the count is unchanged.
		return ref<T, D>::adopt(p);
	}
};

/**
 * An intrusive list of elements linked through the member @p Node
 * (`&T::link`, a kstd::list_node), held as @p Ptr says: `T *` (not owned,
 * the default), `kstd::unique_ptr<T>` (owned) or `kstd::ref<T>` (one
 * reference held).  The element type is what Ptr points to: T itself, or
 * a class derived from the one that declares @p Node.  O(1)
 * push/pop/erase, O(n) size() and contains().
 *
 * @noop example(const kstd::ref<session> &s)
 * @code
 * struct session : kstd::ref_counted {
 *         kstd::list_node link;
 * };
 * kstd::intrusive_list<&session::link, kstd::ref<session>> active;
 * active.push_back(s);                 // s stays valid: the list took a new reference
 * kstd::ref<session> mine = active.erase(*s); // the list's reference, or null
 * @endcode
 */
template <auto Node, class Ptr = typename member_pointer_traits<decltype(Node)>::object *>
class intrusive_list {
	using traits = member_pointer_traits<decltype(Node)>;
	using ownership = list_ownership<Ptr>;
	static_assert(is_same_v<typename traits::member, list_node>,
		      "intrusive_list<&T::member> needs a kstd::list_node member");
	static_assert(is_same_v<typename ownership::element, typename traits::object> ||
			      __is_base_of(typename traits::object, typename ownership::element),
		      "the list's pointer type must point to the class with the node, or one "
		      "derived from it");

public:
	/// The element type: what @p Ptr points to.
	using value_type = typename ownership::element;
	/// Short for value_type.
	using T = value_type;
	/// What goes in and comes out: T * (not owned) or an owning pointer.
	using pointer = Ptr;
	/// Does the list own its elements?
	static constexpr bool owning = ownership::owning;

	intrusive_list() noexcept = default;
	intrusive_list(const intrusive_list &) = delete;
	intrusive_list &operator=(const intrusive_list &) = delete;
	/**
	 * Owning: destroys (or drops the references to) what is still on
	 * the list, so it may sleep if the elements' destructors do.  Not
	 * owning: the list must be empty (else a WARN).
	 */
	~intrusive_list()
	{
		if constexpr (owning)
			clear();
		else if (!empty()) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "intrusive_list destroyed while not empty");
	}

	/** list_empty(). */
	[[nodiscard]] bool empty() const noexcept { return !head_.is_linked(); }
	/** The number of elements: walks the list, O(n). */
	[[nodiscard]] size_t size() const noexcept
	{
		size_t n = 0;
		for (const list_node *p = head_.next_; p != &head_; p = p->next_)
			n++;
		return n;
	}

	/**
	 * Is @p v on this list (not another one)?  Walks the list, O(n).
	 * The question erase() asks first with CONFIG_DEBUG_LIST.
	 */
	[[nodiscard]] bool contains(const T &v) const noexcept { return holds(v.*Node); }

	/**
	 * Not owning: list_add_tail() of @p v.  A node that is already
	 * linked is refused with a WARN and stays where it is.
	 */
	void push_back(T &v) noexcept requires(!owning) { insert_or_warn(&head_, v); }
	/** Not owning: list_add() of @p v (refused like push_back()). */
	void push_front(T &v) noexcept requires(!owning) { insert_or_warn(head_.next_, v); }
	/**
	 * Not owning: list_add_tail() of @p v if it is on no list.  False
	 * (and nothing changes) if it is linked already.
	 */
	[[nodiscard]] bool try_push_back(T &v) noexcept requires(!owning)
	{
		return try_insert(&head_, v);
	}

	/**
	 * Owning: the list takes over @p p (list_add_tail()).  Null, or a
	 * node already linked elsewhere, is refused with a WARN; the latter is
	 * then leaked (destroying a linked node would corrupt the list
	 * holding it).
	 */
	void push_back(Ptr p) noexcept requires owning { adopt_or_warn(&head_, move(p)); }
	/** Owning: the list takes over @p p at the front (list_add()). */
	void push_front(Ptr p) noexcept requires owning { adopt_or_warn(head_.next_, move(p)); }
	/**
	 * Owning: take over @p p at the back if it is non-null and on no
	 * list; then @p p is left empty and the result is true.  Else false
	 * and @p p still owns the element.
	 */
	[[nodiscard]] bool try_push_back(Ptr &&p) noexcept requires owning
	{
		if (!p || !try_insert(&head_, *p))
			return false;
		(void)ownership::into_list(move(p)); /* now held by the list */
		return true;
	}

	/** Unlink the first element and hand it back (null if empty). */
	Ptr pop_front() noexcept { return take(head_.next_); }
	/** Unlink the last element and hand it back (null if empty). */
	Ptr pop_back() noexcept { return take(head_.prev_); }

	/** The first element (still linked, still the list's), or nullptr. */
	T *front() noexcept { return empty() ? nullptr : element(head_.next_); }
	/** The last element (still linked, still the list's), or nullptr. */
	T *back() noexcept { return empty() ? nullptr : element(head_.prev_); }

	/**
	 * Unlink @p v and hand it back (owning: its ownership; not owning:
	 * &v).  Null if @p v is on no list, a normal answer: someone else
	 * took it first.  @p v must be on this list if it is linked; with
	 * CONFIG_DEBUG_LIST that is checked by a walk, and a node of another
	 * list is refused with a WARN and null instead of being stolen.
	 */
	Ptr erase(T &v) noexcept
	{
		list_node &n = v.*Node;
		if (!n.is_linked())
			return nullptr;
		if constexpr (KSTD_CONFIG_DEBUG_LIST) {
			if (!holds(n)) [[unlikely]] {
				kstd_warn(__FILE__, __LINE__,
					  "intrusive_list::erase() of a node on another list");
				return nullptr;
			}
		}
		return take(&n);
	}

	/** Move every element of @p other to the end of this list, in order. */
	void splice_back(intrusive_list &other) noexcept
	{
		if (other.empty())
			return;
		list_node *first = other.head_.next_, *last = other.head_.prev_;
		other.head_.next_ = other.head_.prev_ = &other.head_;
		list_node *tail = head_.prev_;
		tail->next_ = first;
		first->prev_ = tail;
		last->next_ = &head_;
		head_.prev_ = last;
	}

	/**
	 * Take every element off.  Not owning: they are only unlinked.
	 * Owning: each is destroyed (or its reference dropped) as it comes
	 * off, so this may sleep if the elements' destructors do.
	 */
	void clear() noexcept
	{
		while (pop_front())
			;
	}

	/** A forward iterator over the elements (for range-for). */
	class iterator {
	public:
		/** At the element linked by @p n (the head is end()). */
		explicit iterator(list_node *n) noexcept : n_(n) {}
		/** The element. */
		T &operator*() const noexcept { return *element(n_); }
		/** Member access to the element. */
		T *operator->() const noexcept { return element(n_); }
		/** To the next element. */
		iterator &operator++() noexcept
		{
			n_ = n_->next_;
			return *this;
		}
		/** Same position. */
		bool operator==(const iterator &) const noexcept = default;

	private:
		list_node *n_;
	};

	/**
	 * Range-for over the elements.  Do not unlink the current element
	 * while iterating; use remove_if() or pop_front() for that.
	 */
	iterator begin() noexcept { return iterator(head_.next_); }
	/** One past the last element (the head). */
	iterator end() noexcept { return iterator(&head_); }

	/**
	 * Take off every element for which @p pred returns true (owning: and
	 * destroy it, or drop the list's reference); returns the count.
	 */
	template <class Pred>
	size_t remove_if(Pred &&pred) noexcept
	{
		size_t n = 0;
		for (list_node *p = head_.next_, *next; p != &head_; p = next) {
			next = p->next_;
			if (pred(*element(p))) {
				(void)take(p); /* owning: goes here */
				n++;
			}
		}
		return n;
	}

	/** The struct list_head, for C APIs. */
	::list_head *raw() noexcept { return head_.raw(); }

private:
	static T *element(list_node *n) noexcept
	{
		// SAFETY: every node on this list is the Node member of a T (only
		// push_*() link nodes, and they take a T), so stepping back by the
		// member's offset and down to T lands on that T.
		return static_cast<T *>(container_of(n, Node));
	}

	/* Is @p n one of this list's nodes?  O(n). */
	bool holds(const list_node &n) const noexcept
	{
		for (const list_node *p = head_.next_; p != &head_; p = p->next_)
			if (p == &n)
				return true;
		return false;
	}

	/* Unlink @n, an element of this list or the head (then: empty). */
	Ptr take(list_node *n) noexcept
	{
		if (n == &head_)
			return nullptr;
		n->unlink_linked();
		return ownership::from_list(element(n));
	}

	static bool try_insert(list_node *next, T &v) noexcept
	{
		list_node &n = v.*Node;
		if (n.is_linked()) [[unlikely]]
			return false;
		/* With CONFIG_DEBUG_LIST the kernel's own list_add() checks run. */
		if constexpr (KSTD_CONFIG_DEBUG_LIST)
			kstd_list_add_tail(n.raw(), next->raw());
		else
			n.link_between(next->prev_, next);
		return true;
	}

	static void insert_or_warn(list_node *next, T &v) noexcept
	{
		if (!try_insert(next, v)) [[unlikely]]
			kstd_warn(__FILE__, __LINE__, "list_node inserted while already linked");
	}

	static void adopt_or_warn(list_node *next, Ptr p) noexcept
	{
		if (!p) [[unlikely]] {
			kstd_warn(__FILE__, __LINE__, "null pushed on an owning intrusive_list");
			return;
		}
		if (!try_insert(next, *p)) [[unlikely]] {
			kstd_warn(__FILE__, __LINE__, "list_node inserted while already linked");
			/* Leaked on purpose: another list still points to it. */
			(void)ownership::into_list(move(p));
			return;
		}
		(void)ownership::into_list(move(p)); /* now held by the list */
	}

	list_node head_;
};

} // namespace kstd

#endif // KSTD_LIST_HPP
