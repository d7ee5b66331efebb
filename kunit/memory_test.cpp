// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/lock.hpp>
#include <kstd/memory.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct counted {
	int *live;
	int value;
	counted(int *l, int v) : live(l), value(v) { ++*live; }
	~counted() { --*live; }
};

int array_live;
struct array_elem {
	int v = 7;
	array_elem() { array_live++; }
	~array_elem() { array_live--; }
};

} // namespace

KSTD_TEST_SUITE(kstd_memory);

KSTD_TEST(kstd_memory, make_unique_constructs)
{
	int live = 0;
	auto r = kstd::make_unique<counted>(kstd::gfp::kernel, &live, 5);
	KSTD_EXPECT(r.has_value());
	if (!r)
		return;
	KSTD_EXPECT_EQ(r.value()->value, 5);
	KSTD_EXPECT_EQ(live, 1);
	KSTD_EXPECT(ksize(r.value().get()) >= sizeof(counted));
}

KSTD_TEST(kstd_memory, destructor_runs_once)
{
	int live = 0;
	{
		auto p = kstd::make_unique<counted>(kstd::gfp::kernel, &live, 1);
		KSTD_EXPECT_EQ(live, 1);
	}
	KSTD_EXPECT_EQ(live, 0);
}

KSTD_TEST(kstd_memory, release_and_adopt)
{
	int live = 0;
	counted *raw;
	{
		auto p =
			kstd::move(kstd::make_unique<counted>(kstd::gfp::kernel, &live, 1)).value();
		raw = p.release();
		KSTD_EXPECT(!p);
	}
	KSTD_EXPECT_EQ(live, 1); /* released: not destroyed */
	{
		kstd::unique_ptr<counted> again(raw);
		KSTD_EXPECT(again.get() == raw);
	}
	KSTD_EXPECT_EQ(live, 0);
}

KSTD_TEST(kstd_memory, move_transfers_ownership)
{
	int live = 0;
	auto a = kstd::move(kstd::make_unique<counted>(kstd::gfp::kernel, &live, 3)).value();
	counted *raw = a.get();
	kstd::unique_ptr<counted> b = kstd::move(a);
	KSTD_EXPECT(!a);
	KSTD_EXPECT(b.get() == raw);
	kstd::unique_ptr<counted> c;
	c = kstd::move(b);
	KSTD_EXPECT(c.get() == raw);
	KSTD_EXPECT_EQ(live, 1);
	c = nullptr;
	KSTD_EXPECT_EQ(live, 0);
}

KSTD_TEST(kstd_memory, reset_destroys_old)
{
	int live = 0;
	auto a = kstd::move(kstd::make_unique<counted>(kstd::gfp::kernel, &live, 1)).value();
	auto b = kstd::move(kstd::make_unique<counted>(kstd::gfp::kernel, &live, 2)).value();
	KSTD_EXPECT_EQ(live, 2);
	a.reset(b.release());
	KSTD_EXPECT_EQ(live, 1);
	KSTD_EXPECT_EQ(a->value, 2);
	a.reset();
	KSTD_EXPECT_EQ(live, 0);
}

KSTD_TEST(kstd_memory, array_zeroed_and_sized)
{
	auto r = kstd::make_unique<int[]>(kstd::gfp::kernel, 1000);
	KSTD_EXPECT(r.has_value());
	if (!r)
		return;
	auto &a = r.value();
	KSTD_EXPECT_EQ(a.size(), 1000);
	bool all_zero = true;
	for (int v : a)
		all_zero &= v == 0;
	KSTD_EXPECT(all_zero);
	a[999] = 1;
	KSTD_EXPECT_EQ(a[999], 1);
}

KSTD_TEST(kstd_memory, array_elements_destroyed)
{
	array_live = 0;
	{
		auto r = kstd::make_unique<array_elem[]>(kstd::gfp::kernel, 17);
		KSTD_EXPECT(r.has_value());
		KSTD_EXPECT_EQ(array_live, 17);
		if (r)
			KSTD_EXPECT_EQ(r.value()[16].v, 7);
	}
	KSTD_EXPECT_EQ(array_live, 0);
}

KSTD_TEST(kstd_memory, array_overflow_rejected)
{
	auto r = kstd::make_unique<kstd::u64[]>(kstd::gfp::kernel, ~kstd::size_t(0) / 4);
	KSTD_EXPECT_EQ(r.to_errno(), -KSTD_EOVERFLOW);
}

KSTD_TEST(kstd_memory, huge_allocation_fails_cleanly)
{
	/* Larger than any kmalloc can serve: -ENOMEM, no warning (nowarn). */
	auto r = kstd::make_unique<char[]>(kstd::gfp::kernel | kstd::gfp::nowarn,
					   kstd::size_t(KSTD_KMALLOC_MAX_SIZE) * 2);
	KSTD_EXPECT_EQ(r.to_errno(), -KSTD_ENOMEM);
}

KSTD_TEST(kstd_memory, atomic_allocation_under_spinlock)
{
	kstd::spinlock lock{"alloc_test"};
	int live = 0;
	{
		auto g = lock.lock();
		/* GFP_ATOMIC never sleeps; DEBUG_ATOMIC_SLEEP would catch a slip. */
		auto p = kstd::make_unique<counted>(kstd::gfp::atomic, &live, 9);
		KSTD_EXPECT(p.has_value());
		KSTD_EXPECT_EQ(live, 1);
	}
	KSTD_EXPECT_EQ(live, 0);
}

KSTD_TEST(kstd_memory, pointer_is_one_word)
{
	KSTD_EXPECT_EQ(sizeof(kstd::unique_ptr<counted>), sizeof(void *));
	KSTD_EXPECT_EQ(sizeof(kstd::gfp_t), sizeof(unsigned int));
	KSTD_EXPECT(kstd::gfp::kernel != kstd::gfp::atomic);
	KSTD_EXPECT_EQ((kstd::gfp::kernel | kstd::gfp::zero).bits, KSTD_GFP_KERNEL | KSTD_GFP_ZERO);
}

KSTD_TEST_SUITE_END(kstd_memory);
