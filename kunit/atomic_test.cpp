// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/atomic.hpp>
#include <kstd/counter.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

using kstd::atomic;
using kstd::u16;
using kstd::u32;
using kstd::u64;
using kstd::u8;

namespace {

enum class phase : u8 { idle, busy, done };

/* constexpr constructors: a global needs no constructor at load time. */
constinit atomic<long> global_counter{42};
constinit atomic<const char *> global_ptr;

} // namespace

KSTD_TEST_SUITE(kstd_atomic);

KSTD_TEST(kstd_atomic, load_store)
{
	KSTD_EXPECT_EQ(global_counter.load_relaxed(), 42);
	KSTD_EXPECT(global_ptr.load_acquire() == nullptr);

	atomic<u8> b;
	KSTD_EXPECT_EQ(b.load_relaxed(), 0);
	b.store_relaxed(0xff);
	KSTD_EXPECT_EQ(b.load_acquire(), 0xff);
	atomic<u16> h{0x1234};
	h.store_release(0xbeef);
	KSTD_EXPECT_EQ(h.load_relaxed(), 0xbeef);
	atomic<u64> q;
	q.store_mb(0x0123456789abcdefULL);
	KSTD_EXPECT(q.load_relaxed() == 0x0123456789abcdefULL);
	atomic<bool> flag;
	KSTD_EXPECT(!flag.load_relaxed());
	flag.store_release(true);
	KSTD_EXPECT(flag.load_acquire());
	atomic<phase> ph;
	KSTD_EXPECT(ph.load_relaxed() == phase::idle);
	ph.store_relaxed(phase::done);
	KSTD_EXPECT(ph.load_acquire() == phase::done);
	int x = 5;
	atomic<int *> p{&x};
	KSTD_EXPECT(p.load_relaxed() == &x);
	KSTD_EXPECT_EQ(*p.load_acquire(), 5);
	static_assert(sizeof(atomic<u64>) == 8 && alignof(atomic<u64>) == 8);
	static_assert(sizeof(atomic<u8>) == 1);
}

KSTD_TEST(kstd_atomic, exchange_and_compare_exchange)
{
	atomic<int> v{1};
	KSTD_EXPECT_EQ(v.exchange(2), 1);
	KSTD_EXPECT_EQ(v.load_relaxed(), 2);

	/* try_cmpxchg: true and stored; false, stores nothing, reports the value. */
	int expected = 2;
	KSTD_EXPECT(v.try_compare_exchange(expected, 3));
	KSTD_EXPECT_EQ(expected, 2);
	KSTD_EXPECT_EQ(v.load_relaxed(), 3);
	expected = 7;
	KSTD_EXPECT(!v.try_compare_exchange(expected, 9));
	KSTD_EXPECT_EQ(expected, 3);
	KSTD_EXPECT_EQ(v.load_relaxed(), 3);
	KSTD_EXPECT(v.try_compare_exchange_relaxed(expected, 4));
	KSTD_EXPECT_EQ(v.load_relaxed(), 4);

	/* cmpxchg: returns what it found, stores only on a match. */
	KSTD_EXPECT_EQ(v.compare_exchange(4, 5), 4);
	KSTD_EXPECT_EQ(v.load_relaxed(), 5);
	KSTD_EXPECT_EQ(v.compare_exchange(4, 6), 5);
	KSTD_EXPECT_EQ(v.load_relaxed(), 5);

	atomic<bool> once;
	KSTD_EXPECT(!once.exchange(true));
	KSTD_EXPECT(once.exchange(false));
	KSTD_EXPECT(!once.load_relaxed());

	int a = 0, b = 0;
	atomic<int *> p{&a};
	int *want = &b;
	KSTD_EXPECT(!p.try_compare_exchange(want, nullptr));
	KSTD_EXPECT(want == &a);
	KSTD_EXPECT(p.compare_exchange(&a, &b) == &a);
	KSTD_EXPECT(p.load_relaxed() == &b);
}

KSTD_TEST(kstd_atomic, arithmetic)
{
	atomic<int> v{10};
	v.add(5);
	KSTD_EXPECT_EQ(v.load_relaxed(), 15);
	v.sub(20);
	KSTD_EXPECT_EQ(v.load_relaxed(), -5);
	KSTD_EXPECT_EQ(v.add_return(6), 1); /* the new value */
	KSTD_EXPECT_EQ(v.sub_return(1), 0); /* the new value */
	KSTD_EXPECT_EQ(v.fetch_add(3), 0);  /* the old value */
	KSTD_EXPECT_EQ(v.fetch_sub(1), 3);  /* the old value */
	KSTD_EXPECT_EQ(v.load_relaxed(), 2);
	KSTD_EXPECT_EQ(v.fetch_add_relaxed(8), 2);
	KSTD_EXPECT_EQ(v.fetch_sub_relaxed(5), 10);
	KSTD_EXPECT_EQ(v.load_relaxed(), 5);

	atomic<u32> bits{0x0f};
	KSTD_EXPECT_EQ(bits.fetch_or(0xf0), 0x0f);
	KSTD_EXPECT_EQ(bits.fetch_and(0x3c), 0xff);
	KSTD_EXPECT_EQ(bits.fetch_xor(0xff), 0x3c);
	KSTD_EXPECT_EQ(bits.load_relaxed(), 0xc3);
	KSTD_EXPECT_EQ(bits.fetch_or_relaxed(0x100), 0xc3);
	KSTD_EXPECT_EQ(bits.fetch_and_relaxed(0x1ff), 0x1c3);
	KSTD_EXPECT_EQ(bits.fetch_xor_relaxed(0x1), 0x1c3);
	KSTD_EXPECT_EQ(bits.load_relaxed(), 0x1c2);

	/* Unsigned wraps. */
	atomic<u8> small{250};
	KSTD_EXPECT_EQ(small.add_return(10), 4);
	KSTD_EXPECT_EQ(small.sub_return(5), 255);
	atomic<u64> wide{~0ULL};
	wide.add(2);
	KSTD_EXPECT(wide.load_relaxed() == 1);
}

KSTD_TEST(kstd_atomic, read_write_once)
{
	struct shared_with_c {
		unsigned long data;
		int flag;
		void *ptr;
	} s{};
	kstd::write_once(s.data, 0xdeadbeefUL);
	kstd::write_once(s.flag, -3);
	kstd::write_once(s.ptr, static_cast<void *>(&s));
	KSTD_EXPECT(kstd::read_once(s.data) == 0xdeadbeefUL);
	KSTD_EXPECT_EQ(kstd::read_once(s.flag), -3);
	KSTD_EXPECT(kstd::read_once(s.ptr) == &s);
	const shared_with_c &view = s;
	KSTD_EXPECT_EQ(kstd::read_once(view.flag), -3);
}

namespace {

constexpr int nr_threads = 4;
constexpr int per_thread = 100000;

struct race {
	atomic<int> ready;
	atomic<long> fully_ordered;
	atomic<long> relaxed;
	atomic<u64> by_cmpxchg;
	kstd::stat_counter stat;
};

/* Start together, so the threads really contend (each sleeps, not spins: UML has one CPU). */
void start_together(race &r)
{
	r.ready.add(1);
	while (r.ready.load_acquire() < nr_threads)
		kstd_kunit_msleep(1);
}

void add_many(void *arg)
{
	race &r = *static_cast<race *>(arg);
	start_together(r);
	for (int i = 0; i < per_thread; i++) {
		r.fully_ordered.fetch_add(1);
		r.relaxed.add(2);
	}
}

void cmpxchg_many(void *arg)
{
	race &r = *static_cast<race *>(arg);
	start_together(r);
	for (int i = 0; i < per_thread; i++) {
		u64 seen = r.by_cmpxchg.load_relaxed();
		while (!r.by_cmpxchg.try_compare_exchange(seen, seen + 3))
			; /* seen was reloaded: retry with it */
	}
}

void count_many(void *arg)
{
	race &r = *static_cast<race *>(arg);
	start_together(r);
	for (int i = 0; i < per_thread; i++)
		r.stat.add(5);
}

} // namespace

/* Lost updates would show as a short total (a load + store would lose many). */
KSTD_TEST(kstd_atomic, fetch_add_from_kthreads)
{
	race r;
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(nr_threads, add_many, &r), 0);
	KSTD_EXPECT_EQ(r.fully_ordered.load_relaxed(), nr_threads * per_thread);
	KSTD_EXPECT_EQ(r.relaxed.load_relaxed(), 2L * nr_threads * per_thread);
}

KSTD_TEST(kstd_atomic, compare_exchange_from_kthreads)
{
	race r;
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(nr_threads, cmpxchg_many, &r), 0);
	KSTD_EXPECT_EQ(r.by_cmpxchg.load_relaxed(), 3ULL * nr_threads * per_thread);
}

KSTD_TEST(kstd_atomic, stat_counter_from_kthreads)
{
	race r;
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(nr_threads, count_many, &r), 0);
	KSTD_EXPECT_EQ(r.stat.get(), 5ULL * nr_threads * per_thread);
	r.stat.sub(5ULL * nr_threads * per_thread);
	KSTD_EXPECT_EQ(r.stat.get(), 0);
}

namespace {

struct mailbox {
	int payload[4];
	atomic<int *> msg;
	atomic<int> round;
	int mismatches;
};

constexpr int rounds = 500;

/* Thread 0 publishes with store_release, the others read with load_acquire. */
void publish_or_read(void *arg)
{
	static atomic<int> role;
	mailbox &m = *static_cast<mailbox *>(arg);
	if (role.fetch_add(1) % 2 == 0) {
		for (int i = 1; i <= rounds; i++) {
			while (m.msg.load_acquire()) /* wait until the reader took it */
				kstd_kunit_relax();
			for (int &p : m.payload)
				p = i;
			m.msg.store_release(m.payload);
		}
	} else {
		for (int i = 1; i <= rounds; i++) {
			int *p;
			while (!(p = m.msg.load_acquire()))
				kstd_kunit_relax();
			for (int k = 0; k < 4; k++)
				if (p[k] != i)
					m.mismatches++;
			m.msg.store_release(nullptr);
		}
	}
}

} // namespace

KSTD_TEST(kstd_atomic, release_acquire_publishes)
{
	mailbox m{};
	KSTD_EXPECT_EQ(kstd_kunit_run_threads(2, publish_or_read, &m), 0);
	KSTD_EXPECT_EQ(m.mismatches, 0);
	KSTD_EXPECT(m.msg.load_relaxed() == nullptr);
}

KSTD_TEST_SUITE_END(kstd_atomic);
