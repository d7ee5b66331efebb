// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/list.hpp>
#include <kstd/refcount.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct item {
	int id;
	kstd::list_node link;
	explicit item(int i) : id(i) {}
};
using item_list = kstd::intrusive_list<&item::link>;

/* Fills a list with items[0..n) and reports the order as a decimal number. */
long order(item_list &l)
{
	long v = 0;
	for (item &i : l)
		v = v * 10 + i.id;
	return v;
}

} // namespace

KSTD_TEST_SUITE(kstd_list);

KSTD_TEST(kstd_list, push_and_iterate_in_order)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(b);
	l.push_back(c);
	l.push_front(a);
	KSTD_EXPECT_EQ(order(l), 123);
	KSTD_EXPECT_EQ(l.size(), 3);
	KSTD_EXPECT(l.front() == &a);
	KSTD_EXPECT(l.back() == &c);
	l.clear();
}

KSTD_TEST(kstd_list, pop_front_and_back)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	KSTD_EXPECT(l.pop_front() == &a);
	KSTD_EXPECT(l.pop_back() == &c);
	KSTD_EXPECT(!a.link.is_linked());
	KSTD_EXPECT(!c.link.is_linked());
	KSTD_EXPECT(l.pop_front() == &b);
	KSTD_EXPECT(l.pop_front() == nullptr);
	KSTD_EXPECT(l.pop_back() == nullptr);
	KSTD_EXPECT(l.empty());
}

KSTD_TEST(kstd_list, erase_middle)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	l.erase(b);
	KSTD_EXPECT_EQ(order(l), 13);
	KSTD_EXPECT(!b.link.is_linked());
	b.link.unlink(); /* unlinking an unlinked node is a no-op */
	KSTD_EXPECT_EQ(l.size(), 2);
	l.clear();
}

KSTD_TEST(kstd_list, splice_back_moves_all)
{
	item a{1}, b{2}, c{3}, d{4};
	item_list l, m;
	l.push_back(a);
	l.push_back(b);
	m.push_back(c);
	m.push_back(d);
	l.splice_back(m);
	KSTD_EXPECT(m.empty());
	KSTD_EXPECT_EQ(order(l), 1234);
	l.splice_back(m); /* empty source */
	KSTD_EXPECT_EQ(order(l), 1234);
	m.splice_back(l);
	KSTD_EXPECT_EQ(order(m), 1234);
	KSTD_EXPECT(l.empty());
	m.clear();
}

KSTD_TEST(kstd_list, remove_if_counts)
{
	item it[6] = {item{1}, item{2}, item{3}, item{4}, item{5}, item{6}};
	item_list l;
	for (auto &i : it)
		l.push_back(i);
	kstd::size_t removed = l.remove_if([](item &i) { return i.id % 2 == 0; });
	KSTD_EXPECT_EQ(removed, 3);
	KSTD_EXPECT_EQ(order(l), 135);
	KSTD_EXPECT(!it[1].link.is_linked());
	l.clear();
}

KSTD_TEST(kstd_list, node_tracks_linked_state)
{
	item a{1};
	KSTD_EXPECT(!a.link.is_linked());
	item_list l;
	l.push_back(a);
	KSTD_EXPECT(a.link.is_linked());
	a.link.unlink();
	KSTD_EXPECT(!a.link.is_linked());
	KSTD_EXPECT(l.empty());
}

KSTD_TEST(kstd_list, clear_unlinks_all)
{
	item a{1}, b{2};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.clear();
	KSTD_EXPECT(l.empty());
	KSTD_EXPECT(!a.link.is_linked());
	KSTD_EXPECT(!b.link.is_linked());
	/* Both can be reused on another list. */
	item_list m;
	m.push_back(b);
	m.push_back(a);
	KSTD_EXPECT_EQ(order(m), 21);
	m.clear();
}

KSTD_TEST(kstd_list, layout_matches_list_head)
{
	KSTD_EXPECT_EQ(sizeof(kstd::list_node), KSTD_SIZEOF_LIST_HEAD);
	KSTD_EXPECT_EQ(alignof(kstd::list_node), KSTD_ALIGNOF_LIST_HEAD);
	/* The raw view is the node itself, so C code can walk the list. */
	item a{1};
	item_list l;
	l.push_back(a);
	auto *head = reinterpret_cast<void **>(l.raw());
	KSTD_EXPECT(head[0] == a.link.raw());
	KSTD_EXPECT(head[1] == a.link.raw());
	l.clear();
}

KSTD_TEST(kstd_list, empty_list_ops)
{
	item_list l;
	KSTD_EXPECT(l.empty());
	KSTD_EXPECT_EQ(l.size(), 0);
	KSTD_EXPECT(l.front() == nullptr);
	KSTD_EXPECT(l.begin() == l.end());
	KSTD_EXPECT_EQ(l.remove_if([](item &) { return true; }), 0);
	l.clear();
}

/* ---- ownership policies ------------------------------------------------- */

namespace {

/* An element that counts its destructions in a counter the test owns. */
struct tracked {
	tracked(int i, int &d) : id(i), destroyed(&d) {}
	~tracked() { ++*destroyed; }
	int id;
	int *destroyed;
	kstd::list_node link;
};
using owned_list = kstd::intrusive_list<&tracked::link, kstd::unique_ptr<tracked>>;

kstd::unique_ptr<tracked> make_tracked(int id, int &destroyed)
{
	auto p = kstd::make_unique<tracked>(kstd::gfp::kernel, id, destroyed);
	return p ? kstd::move(*p) : nullptr;
}

/* Pushes tracked 1..n to the back of @l; false if an allocation failed. */
bool fill(owned_list &l, int n, int &destroyed)
{
	for (int i = 1; i <= n; i++) {
		auto p = make_tracked(i, destroyed);
		if (!p)
			return false;
		l.push_back(kstd::move(p));
	}
	return true;
}

long owned_order(owned_list &l)
{
	long v = 0;
	for (tracked &t : l)
		v = v * 10 + t.id;
	return v;
}

/* A counted element: the list holds one reference. */
struct shared : kstd::ref_counted {
	shared(int i, int &d) : id(i), destroyed(&d) {}
	~shared() { ++*destroyed; }
	int id;
	int *destroyed;
	kstd::list_node link;
};
using shared_list = kstd::intrusive_list<&shared::link, kstd::ref<shared>>;

/* The node is declared in a base, the list holds the derived type (tcp_server's case). */
struct node_base {
	kstd::list_node link;
};
struct derived : node_base {
	derived(int i, int &d) : id(i), destroyed(&d) {}
	~derived() { ++*destroyed; }
	int id;
	int *destroyed;
};

} // namespace

KSTD_TEST(kstd_list, owned_pop_returns_ownership)
{
	int destroyed = 0;
	{
		owned_list l;
		if (!fill(l, 3, destroyed)) {
			KSTD_EXPECT(false);
			return;
		}
		KSTD_EXPECT_EQ(owned_order(l), 123);
		kstd::unique_ptr<tracked> first = l.pop_front();
		kstd::unique_ptr<tracked> last = l.pop_back();
		KSTD_EXPECT(first && first->id == 1 && !first->link.is_linked());
		KSTD_EXPECT(last && last->id == 3 && !last->link.is_linked());
		KSTD_EXPECT_EQ(destroyed, 0); /* handed back, not destroyed */
		first.reset();
		KSTD_EXPECT_EQ(destroyed, 1); /* the caller owned it */
		KSTD_EXPECT_EQ(owned_order(l), 2);
		/* Back on the list: the list owns it again. */
		l.push_front(kstd::move(last));
		KSTD_EXPECT(!last);
		KSTD_EXPECT_EQ(owned_order(l), 32);
		KSTD_EXPECT_EQ(destroyed, 1);
	}
	KSTD_EXPECT_EQ(destroyed, 3); /* the list's destructor freed the two it held */
}

KSTD_TEST(kstd_list, owned_destructor_and_clear_free_what_is_held)
{
	int destroyed = 0;
	{
		owned_list l;
		KSTD_EXPECT(fill(l, 4, destroyed));
		KSTD_EXPECT_EQ(l.size(), 4);
	}
	KSTD_EXPECT_EQ(destroyed, 4);

	destroyed = 0;
	owned_list l;
	KSTD_EXPECT(fill(l, 6, destroyed));
	KSTD_EXPECT_EQ(l.remove_if([](tracked &t) { return t.id % 2 == 0; }), 3);
	KSTD_EXPECT_EQ(destroyed, 3); /* removed means destroyed on an owning list */
	KSTD_EXPECT_EQ(owned_order(l), 135);
	l.clear();
	KSTD_EXPECT_EQ(destroyed, 6);
	KSTD_EXPECT(l.empty());
	KSTD_EXPECT(!l.pop_front());
}

KSTD_TEST(kstd_list, owned_erase_hands_back_or_refuses)
{
	int destroyed = 0;
	owned_list l, other;
	if (!fill(l, 3, destroyed) || !fill(other, 1, destroyed)) {
		KSTD_EXPECT(false);
		return;
	}
	tracked &mid = *++l.begin();
	KSTD_EXPECT_EQ(mid.id, 2);
	KSTD_EXPECT(l.contains(mid));
	kstd::unique_ptr<tracked> got = l.erase(mid);
	KSTD_EXPECT(got.get() == &mid);
	KSTD_EXPECT(!l.contains(mid));
	KSTD_EXPECT_EQ(owned_order(l), 13);
	/* Taken already: erase() says so with null, and nothing is freed. */
	KSTD_EXPECT(!l.erase(mid));
	KSTD_EXPECT_EQ(destroyed, 0);
	got.reset();
	KSTD_EXPECT_EQ(destroyed, 1);
	/*
	 * A node of another list is not one of this list's: the question
	 * erase() asks first with CONFIG_DEBUG_LIST (and refuses with a WARN).
	 */
	tracked &foreign = *other.front();
	KSTD_EXPECT(!l.contains(foreign));
	KSTD_EXPECT(other.contains(foreign));
	KSTD_EXPECT_EQ(other.size(), 1);
}

KSTD_TEST(kstd_list, push_of_linked_node_is_refused)
{
	/* Not owned: the node stays where it is, both lists intact. */
	item a{1}, b{2};
	item_list l, m;
	KSTD_EXPECT(l.try_push_back(a));
	KSTD_EXPECT(l.try_push_back(b));
	KSTD_EXPECT(!l.try_push_back(a)); /* already on this list */
	KSTD_EXPECT(!m.try_push_back(b)); /* already on another */
	KSTD_EXPECT_EQ(order(l), 12);
	KSTD_EXPECT(m.empty());
	l.clear();

	/* Owned: refused, and the caller still owns the element. */
	int destroyed = 0;
	owned_list o;
	auto p = make_tracked(7, destroyed);
	KSTD_EXPECT(p);
	if (!p)
		return;
	tracked *raw = p.get();
	kstd::intrusive_list<&tracked::link> borrowed; /* not owned, links the same node */
	borrowed.push_back(*raw);
	KSTD_EXPECT(!o.try_push_back(kstd::move(p)));
	KSTD_EXPECT(p.get() == raw); /* not taken */
	KSTD_EXPECT(o.empty());
	KSTD_EXPECT(!o.try_push_back(kstd::unique_ptr<tracked>()));
	KSTD_EXPECT(borrowed.erase(*raw) == raw);
	KSTD_EXPECT(o.try_push_back(kstd::move(p)));
	KSTD_EXPECT(!p);
	KSTD_EXPECT_EQ(o.size(), 1);
	KSTD_EXPECT_EQ(destroyed, 0);
	o.clear();
	KSTD_EXPECT_EQ(destroyed, 1);
}

KSTD_TEST(kstd_list, counted_list_holds_a_reference)
{
	int destroyed = 0;
	auto a = kstd::make_ref<shared>(kstd::gfp::kernel, 1, destroyed);
	auto b = kstd::make_ref<shared>(kstd::gfp::kernel, 2, destroyed);
	KSTD_EXPECT(a.has_value() && b.has_value());
	if (!a || !b)
		return;
	{
		shared_list l;
		l.push_back(*a); /* a copy: the list takes a second reference */
		KSTD_EXPECT_EQ((*a)->ref_count(), 2);
		l.push_back(kstd::move(*b)); /* moved: the list holds the only one */
		KSTD_EXPECT(!*b);
		KSTD_EXPECT_EQ(l.size(), 2);

		kstd::ref<shared> popped = l.pop_front();
		KSTD_EXPECT(popped == *a);
		KSTD_EXPECT_EQ((*a)->ref_count(), 2); /* the list's reference, handed back */
		popped = nullptr;
		KSTD_EXPECT_EQ((*a)->ref_count(), 1);
		l.push_back(*a);
		KSTD_EXPECT_EQ((*a)->ref_count(), 2);
		KSTD_EXPECT_EQ(destroyed, 0);
	} /* the list drops its references: b had no other one */
	KSTD_EXPECT_EQ(destroyed, 1);
	KSTD_EXPECT_EQ((*a)->ref_count(), 1);
	*a = nullptr;
	KSTD_EXPECT_EQ(destroyed, 2);
}

KSTD_TEST(kstd_list, node_in_base_holds_derived)
{
	int destroyed = 0;
	{
		kstd::intrusive_list<&derived::link, kstd::unique_ptr<derived>> l;
		for (int i = 1; i <= 2; i++) {
			auto p = kstd::make_unique<derived>(kstd::gfp::kernel, i, destroyed);
			KSTD_EXPECT(p.has_value());
			if (p)
				l.push_back(kstd::move(*p));
		}
		kstd::unique_ptr<derived> last = l.pop_back();
		KSTD_EXPECT(last && last->id == 2);
		KSTD_EXPECT(l.front() && l.front()->id == 1);
		KSTD_EXPECT_EQ(destroyed, 0);
	}
	KSTD_EXPECT_EQ(destroyed, 2); /* ~derived ran for both, through the derived type */
}

KSTD_TEST_SUITE_END(kstd_list);
