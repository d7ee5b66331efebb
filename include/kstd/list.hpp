// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file list.hpp
 * @brief kstd::intrusive_list, a typed doubly linked list over the kernel's
 *        struct list_head.
 *
 * The element embeds a kstd::list_node (layout-identical to struct
 * list_head, so the list can be handed to C code); the list never
 * allocates and never owns its elements.  A node knows whether it is linked,
 * and destroying a linked node (or a non-empty list) is reported with a
 * kernel WARN instead of leaving a dangling pointer behind.
 *
 * @code
 * struct request {
 *         int id;
 *         kstd::list_node link;
 * };
 * kstd::intrusive_list<&request::link> pending;
 *
 * pending.push_back(*req);
 * for (request &r : pending)
 *         kstd_pr_info("pending %d\n", r.id);
 * while (request *r = pending.pop_front())
 *         finish(*r);
 * @endcode
 *
 * Not thread-safe by itself: keep it in a kstd::locked<> or under a lock.
 * With CONFIG_DEBUG_LIST, insertions and removals go through the kernel's
 * own list helpers so its corruption checks apply.
 */
#ifndef KSTD_LIST_HPP
#define KSTD_LIST_HPP

#include <kstd/bindings.h>
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

	/** Remove from whatever list holds it (no-op if unlinked). */
	void unlink() noexcept
	{
		if (is_linked())
			unlink_linked();
	}

	/** struct list_head view, for C APIs. */
	::list_head *raw() noexcept { return reinterpret_cast<::list_head *>(this); }

private:
	template <auto>
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
 * An intrusive list of T, linked through the member @p Node
 * (`&T::link`, a kstd::list_node).  O(1) push/pop/erase, O(n) size().
 */
template <auto Node>
class intrusive_list {
	using traits = member_pointer_traits<decltype(Node)>;
	static_assert(is_same_v<typename traits::member, list_node>,
		      "intrusive_list<&T::member> needs a kstd::list_node member");

public:
	/// The element type: the class whose member @p Node links it.
	using value_type = typename traits::object;
	/// Short for value_type.
	using T = value_type;

	intrusive_list() noexcept = default;
	intrusive_list(const intrusive_list &) = delete;
	intrusive_list &operator=(const intrusive_list &) = delete;
	/** Elements are not owned; the list must be empty when destroyed. */
	~intrusive_list()
	{
		if (!empty()) [[unlikely]]
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
	 * list_add_tail().  @p v must not be on a list already (with
	 * CONFIG_DEBUG_LIST that is refused with a WARN).
	 */
	void push_back(T &v) noexcept { insert_before(&head_, v); }
	/** list_add().  @p v must not be on a list already (see push_back()). */
	void push_front(T &v) noexcept { insert_before(head_.next_, v); }

	/** Unlink and return the first element, or nullptr if empty. */
	T *pop_front() noexcept { return take(head_.next_); }
	/** Unlink and return the last element, or nullptr if empty. */
	T *pop_back() noexcept { return take(head_.prev_); }

	/** The first element (still linked), or nullptr if empty. */
	T *front() noexcept { return empty() ? nullptr : element(head_.next_); }
	/** The last element (still linked), or nullptr if empty. */
	T *back() noexcept { return empty() ? nullptr : element(head_.prev_); }

	/** Unlink @p v, which must be on this list. */
	// NOLINTNEXTLINE(readability-convert-member-functions-to-static): list.erase(v) reads right
	void erase(T &v) noexcept { (v.*Node).unlink(); }

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

	/** Unlink every element (they are not destroyed). */
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

	/** Unlink every element for which @p pred returns true; returns the count. */
	template <class Pred>
	size_t remove_if(Pred &&pred) noexcept
	{
		size_t n = 0;
		for (list_node *p = head_.next_, *next; p != &head_; p = next) {
			next = p->next_;
			if (pred(*element(p))) {
				p->unlink_linked();
				n++;
			}
		}
		return n;
	}

	/** The struct list_head, for C APIs. */
	::list_head *raw() noexcept { return head_.raw(); }

private:
	static T *element(list_node *n) noexcept { return container_of(n, Node); }

	/* Unlink @n, an element of this list or the head (then: empty). */
	T *take(list_node *n) noexcept
	{
		if (n == &head_)
			return nullptr;
		n->unlink_linked();
		return element(n);
	}

	static void insert_before(list_node *next, T &v) noexcept
	{
		list_node &n = v.*Node;
		/*
		 * Like the kernel's list_add(), checked only with
		 * CONFIG_DEBUG_LIST: then a node that is already linked is
		 * refused with a WARN (and the kernel's own checks run).
		 */
		if constexpr (KSTD_CONFIG_DEBUG_LIST) {
			if (n.is_linked()) [[unlikely]] {
				kstd_warn(__FILE__, __LINE__,
					  "list_node inserted while already linked");
				return;
			}
			kstd_list_add_tail(n.raw(), next->raw());
		} else {
			n.link_between(next->prev_, next);
		}
	}

	list_node head_;
};

} // namespace kstd

#endif // KSTD_LIST_HPP
