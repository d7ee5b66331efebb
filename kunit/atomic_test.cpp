// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/atomic.hpp>
#include <kstd/counter.hpp>

#include "test.hpp"

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

KSTD_TEST(atomic, load_store)
{
	EXPECT_EQ(global_counter.load_relaxed(), 42);
	EXPECT(global_ptr.load_acquire() == nullptr);

	atomic<u8> b;
	EXPECT_EQ(b.load_relaxed(), 0);
	b.store_relaxed(0xff);
	EXPECT_EQ(b.load_acquire(), 0xff);
	atomic<u16> h{0x1234};
	h.store_release(0xbeef);
	EXPECT_EQ(h.load_relaxed(), 0xbeef);
	atomic<u64> q;
	q.store_mb(0x0123456789abcdefULL);
	EXPECT(q.load_relaxed() == 0x0123456789abcdefULL);
	atomic<bool> flag;
	EXPECT(!flag.load_relaxed());
	flag.store_release(true);
	EXPECT(flag.load_acquire());
	atomic<phase> ph;
	EXPECT(ph.load_relaxed() == phase::idle);
	ph.store_relaxed(phase::done);
	EXPECT(ph.load_acquire() == phase::done);
	int x = 5;
	atomic<int *> p{&x};
	EXPECT(p.load_relaxed() == &x);
	EXPECT_EQ(*p.load_acquire(), 5);
	static_assert(sizeof(atomic<u64>) == 8 && alignof(atomic<u64>) == 8);
	static_assert(sizeof(atomic<u8>) == 1);
}

KSTD_TEST(atomic, exchange_and_compare_exchange)
{
	atomic<int> v{1};
	EXPECT_EQ(v.exchange(2), 1);
	EXPECT_EQ(v.load_relaxed(), 2);

	/* try_cmpxchg: true and stored; false, stores nothing, reports the value. */
	int expected = 2;
	EXPECT(v.try_compare_exchange(expected, 3));
	EXPECT_EQ(expected, 2);
	EXPECT_EQ(v.load_relaxed(), 3);
	expected = 7;
	EXPECT(!v.try_compare_exchange(expected, 9));
	EXPECT_EQ(expected, 3);
	EXPECT_EQ(v.load_relaxed(), 3);
	EXPECT(v.try_compare_exchange_relaxed(expected, 4));
	EXPECT_EQ(v.load_relaxed(), 4);

	/* cmpxchg: returns what it found, stores only on a match. */
	EXPECT_EQ(v.compare_exchange(4, 5), 4);
	EXPECT_EQ(v.load_relaxed(), 5);
	EXPECT_EQ(v.compare_exchange(4, 6), 5);
	EXPECT_EQ(v.load_relaxed(), 5);

	atomic<bool> once;
	EXPECT(!once.exchange(true));
	EXPECT(once.exchange(false));
	EXPECT(!once.load_relaxed());

	int a = 0, b = 0;
	atomic<int *> p{&a};
	int *want = &b;
	EXPECT(!p.try_compare_exchange(want, nullptr));
	EXPECT(want == &a);
	EXPECT(p.compare_exchange(&a, &b) == &a);
	EXPECT(p.load_relaxed() == &b);
}

KSTD_TEST(atomic, arithmetic)
{
	atomic<int> v{10};
	v.add(5);
	EXPECT_EQ(v.load_relaxed(), 15);
	v.sub(20);
	EXPECT_EQ(v.load_relaxed(), -5);
	EXPECT_EQ(v.add_return(6), 1); /* the new value */
	EXPECT_EQ(v.sub_return(1), 0); /* the new value */
	EXPECT_EQ(v.fetch_add(3), 0);  /* the old value */
	EXPECT_EQ(v.fetch_sub(1), 3);  /* the old value */
	EXPECT_EQ(v.load_relaxed(), 2);
	EXPECT_EQ(v.fetch_add_relaxed(8), 2);
	EXPECT_EQ(v.fetch_sub_relaxed(5), 10);
	EXPECT_EQ(v.load_relaxed(), 5);

	atomic<u32> bits{0x0f};
	EXPECT_EQ(bits.fetch_or(0xf0), 0x0f);
	EXPECT_EQ(bits.fetch_and(0x3c), 0xff);
	EXPECT_EQ(bits.fetch_xor(0xff), 0x3c);
	EXPECT_EQ(bits.load_relaxed(), 0xc3);
	EXPECT_EQ(bits.fetch_or_relaxed(0x100), 0xc3);
	EXPECT_EQ(bits.fetch_and_relaxed(0x1ff), 0x1c3);
	EXPECT_EQ(bits.fetch_xor_relaxed(0x1), 0x1c3);
	EXPECT_EQ(bits.load_relaxed(), 0x1c2);

	/* Unsigned wraps. */
	atomic<u8> small{250};
	EXPECT_EQ(small.add_return(10), 4);
	EXPECT_EQ(small.sub_return(5), 255);
	atomic<u64> wide{~0ULL};
	wide.add(2);
	EXPECT(wide.load_relaxed() == 1);
}

KSTD_TEST(atomic, read_write_once)
{
	struct shared_with_c {
		unsigned long data;
		int flag;
		void *ptr;
	} s{};
	kstd::write_once(s.data, 0xdeadbeefUL);
	kstd::write_once(s.flag, -3);
	kstd::write_once(s.ptr, static_cast<void *>(&s));
	EXPECT(kstd::read_once(s.data) == 0xdeadbeefUL);
	EXPECT_EQ(kstd::read_once(s.flag), -3);
	EXPECT(kstd::read_once(s.ptr) == &s);
	const shared_with_c &view = s;
	EXPECT_EQ(kstd::read_once(view.flag), -3);
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
KSTD_TEST(atomic, fetch_add_from_kthreads)
{
	race r;
	EXPECT_EQ(kstd_kunit_run_threads(nr_threads, add_many, &r), 0);
	EXPECT_EQ(r.fully_ordered.load_relaxed(), nr_threads * per_thread);
	EXPECT_EQ(r.relaxed.load_relaxed(), 2L * nr_threads * per_thread);
}

KSTD_TEST(atomic, compare_exchange_from_kthreads)
{
	race r;
	EXPECT_EQ(kstd_kunit_run_threads(nr_threads, cmpxchg_many, &r), 0);
	EXPECT_EQ(r.by_cmpxchg.load_relaxed(), 3ULL * nr_threads * per_thread);
}

KSTD_TEST(atomic, stat_counter_from_kthreads)
{
	race r;
	EXPECT_EQ(kstd_kunit_run_threads(nr_threads, count_many, &r), 0);
	EXPECT_EQ(r.stat.get(), 5ULL * nr_threads * per_thread);
	r.stat.sub(5ULL * nr_threads * per_thread);
	EXPECT_EQ(r.stat.get(), 0);
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

KSTD_TEST(atomic, release_acquire_publishes)
{
	mailbox m{};
	EXPECT_EQ(kstd_kunit_run_threads(2, publish_or_read, &m), 0);
	EXPECT_EQ(m.mismatches, 0);
	EXPECT(m.msg.load_relaxed() == nullptr);
}
