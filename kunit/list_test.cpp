// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/list.hpp>

#include "test.hpp"

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

KSTD_TEST(list, push_and_iterate_in_order)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(b);
	l.push_back(c);
	l.push_front(a);
	EXPECT_EQ(order(l), 123);
	EXPECT_EQ(l.size(), 3);
	EXPECT(l.front() == &a);
	EXPECT(l.back() == &c);
	l.clear();
}

KSTD_TEST(list, pop_front_and_back)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	EXPECT(l.pop_front() == &a);
	EXPECT(l.pop_back() == &c);
	EXPECT(!a.link.is_linked());
	EXPECT(!c.link.is_linked());
	EXPECT(l.pop_front() == &b);
	EXPECT(l.pop_front() == nullptr);
	EXPECT(l.pop_back() == nullptr);
	EXPECT(l.empty());
}

KSTD_TEST(list, erase_middle)
{
	item a{1}, b{2}, c{3};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	l.erase(b);
	EXPECT_EQ(order(l), 13);
	EXPECT(!b.link.is_linked());
	b.link.unlink(); /* unlinking an unlinked node is a no-op */
	EXPECT_EQ(l.size(), 2);
	l.clear();
}

KSTD_TEST(list, splice_back_moves_all)
{
	item a{1}, b{2}, c{3}, d{4};
	item_list l, m;
	l.push_back(a);
	l.push_back(b);
	m.push_back(c);
	m.push_back(d);
	l.splice_back(m);
	EXPECT(m.empty());
	EXPECT_EQ(order(l), 1234);
	l.splice_back(m); /* empty source */
	EXPECT_EQ(order(l), 1234);
	m.splice_back(l);
	EXPECT_EQ(order(m), 1234);
	EXPECT(l.empty());
	m.clear();
}

KSTD_TEST(list, remove_if_counts)
{
	item it[6] = {item{1}, item{2}, item{3}, item{4}, item{5}, item{6}};
	item_list l;
	for (auto &i : it)
		l.push_back(i);
	kstd::size_t removed = l.remove_if([](item &i) { return i.id % 2 == 0; });
	EXPECT_EQ(removed, 3);
	EXPECT_EQ(order(l), 135);
	EXPECT(!it[1].link.is_linked());
	l.clear();
}

KSTD_TEST(list, node_tracks_linked_state)
{
	item a{1};
	EXPECT(!a.link.is_linked());
	item_list l;
	l.push_back(a);
	EXPECT(a.link.is_linked());
	a.link.unlink();
	EXPECT(!a.link.is_linked());
	EXPECT(l.empty());
}

KSTD_TEST(list, clear_unlinks_all)
{
	item a{1}, b{2};
	item_list l;
	l.push_back(a);
	l.push_back(b);
	l.clear();
	EXPECT(l.empty());
	EXPECT(!a.link.is_linked());
	EXPECT(!b.link.is_linked());
	/* Both can be reused on another list. */
	item_list m;
	m.push_back(b);
	m.push_back(a);
	EXPECT_EQ(order(m), 21);
	m.clear();
}

KSTD_TEST(list, layout_matches_list_head)
{
	EXPECT_EQ(sizeof(kstd::list_node), KSTD_SIZEOF_LIST_HEAD);
	EXPECT_EQ(alignof(kstd::list_node), KSTD_ALIGNOF_LIST_HEAD);
	/* The raw view is the node itself, so C code can walk the list. */
	item a{1};
	item_list l;
	l.push_back(a);
	auto *head = reinterpret_cast<void **>(l.raw());
	EXPECT(head[0] == a.link.raw());
	EXPECT(head[1] == a.link.raw());
	l.clear();
}

KSTD_TEST(list, empty_list_ops)
{
	item_list l;
	EXPECT(l.empty());
	EXPECT_EQ(l.size(), 0);
	EXPECT(l.front() == nullptr);
	EXPECT(l.begin() == l.end());
	EXPECT_EQ(l.remove_if([](item &) { return true; }), 0);
	l.clear();
}
