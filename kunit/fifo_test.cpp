// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_fifo: kstd::fifo<T>.  Capacity rounding and limits, full and empty
 * rings, FIFO order across many wrap-arounds, and real concurrency: a
 * producer kthread bound to one CPU and a consumer bound to another (the
 * debug guest has two) moving 1,000,000 sequence numbers, and a timer
 * (softirq) producer feeding a process-context consumer; none may be lost,
 * duplicated or reordered.
 */
#include <kstd/fifo.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/timer.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct record {
	kstd::u32 seq;
	kstd::u32 check; /* ~seq: a torn or stale slot shows up */
	kstd::u64 payload;
};

record make_record(kstd::u32 seq)
{
	return {seq, ~seq, 0x1234567800000000ULL | seq};
}

bool valid(const record &r, kstd::u32 seq)
{
	return r.seq == seq && r.check == ~seq && r.payload == (0x1234567800000000ULL | seq);
}

/* Two pinned kthreads: index 0 produces, index 1 consumes. */
constexpr kstd::u32 nr_items = 1000000;

struct spsc {
	kstd::fifo<record> q;
	int cpu[2];
	kstd::u32 bad = 0;	/* first wrong record seen + 1 */
	kstd::u32 received = 0; /* by the consumer */
	kstd::u64 full_waits = 0, empty_waits = 0;
};

void spsc_side(void *arg, int index)
{
	auto *s = static_cast<spsc *>(arg);
	s->cpu[index] = kstd_kunit_this_cpu();
	if (index == 0) {
		for (kstd::u32 seq = 0; seq < nr_items;) {
			if (s->q.push(make_record(seq))) {
				seq++;
			} else {
				s->full_waits++;
				kstd_kunit_relax();
			}
		}
		return;
	}
	record r;
	for (kstd::u32 seq = 0; seq < nr_items;) {
		if (!s->q.pop(r)) {
			s->empty_waits++;
			kstd_kunit_relax();
			continue;
		}
		if (!valid(r, seq) && !s->bad)
			s->bad = seq + 1;
		seq++;
		s->received = seq;
	}
}

/* A timer producer: softirq context, a batch per tick. */
constexpr kstd::u32 timer_items = 10000;

struct from_softirq {
	void tick()
	{
		/* Softirq, not necessarily atomic: PREEMPT_RT runs timers in a thread. */
		if (!kstd_kunit_in_softirq())
			not_softirq.store_relaxed(true);
		while (next < timer_items && q.push(make_record(next)))
			next++;
		if (next < timer_items)
			timer.arm(kstd::jiffies{1});
		else
			done.store_release(true);
	}
	kstd::fifo<record> q;
	kstd::u32 next = 0; /* written by the timer only */
	kstd::atomic<bool> done, not_softirq;
	kstd::timer<from_softirq, &from_softirq::tick> timer{this};
};

} // namespace

KSTD_TEST_SUITE(kstd_fifo);

KSTD_TEST(kstd_fifo, capacity_rounds_to_power_of_two)
{
	struct size_case {
		kstd::size_t asked, got;
	};
	static constexpr size_case cases[] = {{1, 1},	  {2, 2},     {3, 4},
					      {100, 128}, {128, 128}, {129, 256}};
	for (const auto &c : cases) {
		auto q = kstd::fifo<int>::make(c.asked, kstd::gfp::kernel);
		KSTD_ASSERT(q.has_value());
		KSTD_EXPECT_EQ(q->capacity(), c.got);
		/* Every slot is usable. */
		kstd::size_t n = 0;
		while (q->push(static_cast<int>(n)))
			n++;
		KSTD_EXPECT_EQ(n, c.got);
		KSTD_EXPECT_EQ(q->size(), c.got);
	}
	auto zero = kstd::fifo<int>::make(0, kstd::gfp::kernel);
	KSTD_EXPECT(!zero.has_value() && zero.error() == kstd::error::inval());
	auto huge = kstd::fifo<int>::make(kstd::fifo<int>::max_capacity + 1, kstd::gfp::kernel);
	KSTD_EXPECT(!huge.has_value() && huge.error() == kstd::error::inval());
	/* 2^31 slots of 16 bytes: more than kmalloc gives. */
	auto big = kstd::fifo<record>::make(kstd::fifo<record>::max_capacity,
					    kstd::gfp::kernel | kstd::gfp::nowarn);
	KSTD_EXPECT(!big.has_value());
}

KSTD_TEST(kstd_fifo, full_then_empty_in_order)
{
	auto made = kstd::fifo<record>::make(8, kstd::gfp::kernel);
	KSTD_ASSERT(made.has_value());
	kstd::fifo<record> q = kstd::move(*made);
	KSTD_EXPECT(!*made);
	KSTD_EXPECT(q.empty());

	record r = make_record(77);
	KSTD_EXPECT(!q.pop(r));
	KSTD_EXPECT(valid(r, 77)); /* an empty pop leaves out alone */

	for (kstd::u32 i = 0; i < 8; i++)
		KSTD_EXPECT(q.push(make_record(i)));
	KSTD_EXPECT(!q.push(make_record(8)));
	KSTD_EXPECT_EQ(q.size(), 8);
	for (kstd::u32 i = 0; i < 8; i++) {
		KSTD_EXPECT(q.pop(r));
		KSTD_EXPECT(valid(r, i));
	}
	KSTD_EXPECT(!q.pop(r));
	KSTD_EXPECT(q.empty());
	/* A slot freed by pop() takes a push again. */
	KSTD_EXPECT(q.push(make_record(100)));
	KSTD_EXPECT(q.pop(r) && valid(r, 100));
}

KSTD_TEST(kstd_fifo, wraps_around_many_times)
{
	auto q = kstd::fifo<kstd::u32>::make(16, kstd::gfp::kernel);
	KSTD_ASSERT(q.has_value());
	kstd::u32 in = 0, out = 0, wrong = 0, size_wrong = 0;
	/* Uneven batches so every slot is hit at every fill level: over 4000 laps. */
	for (int round = 0; round < 20000; round++) {
		int batch = 1 + round % 7;
		for (int i = 0; i < batch && q->push(in); i++)
			in++;
		for (int i = 0; i < batch - round % 2; i++) {
			kstd::u32 v;
			if (!q->pop(v))
				break;
			wrong += v != out;
			out++;
		}
		size_wrong += q->size() != in - out;
	}
	kstd::u32 v;
	while (q->pop(v)) {
		wrong += v != out;
		out++;
	}
	KSTD_EXPECT_EQ(wrong, 0);
	KSTD_EXPECT_EQ(size_wrong, 0);
	KSTD_EXPECT_EQ(out, in);
	KSTD_EXPECT(in / 16 > 4000); /* laps of the ring */
}

KSTD_TEST(kstd_fifo, producer_and_consumer_on_two_cpus)
{
	auto made = kstd::fifo<record>::make(1024, kstd::gfp::kernel);
	KSTD_ASSERT(made.has_value());
	auto s = kstd::make_unique<spsc>(kstd::gfp::kernel);
	KSTD_ASSERT(s.has_value());
	(*s)->q = kstd::move(*made);
	KSTD_EXPECT_EQ(kstd_kunit_run_pinned(2, spsc_side, s->get()), 0);
	spsc &r = **s;
	KSTD_EXPECT_EQ(r.bad, 0);
	KSTD_EXPECT_EQ(r.received, nr_items);
	KSTD_EXPECT(r.q.empty());
	if (kstd_kunit_online_cpus() > 1)
		KSTD_EXPECT(r.cpu[0] != r.cpu[1]);
	kstd_pr_info("kstd_fifo: cpus %d -> %d, producer waited %llu times, consumer %llu\n",
		     r.cpu[0], r.cpu[1], r.full_waits, r.empty_waits);
}

KSTD_TEST(kstd_fifo, timer_producer_process_consumer)
{
	auto s = kstd::make_unique<from_softirq>(kstd::gfp::kernel);
	KSTD_ASSERT(s.has_value());
	from_softirq &f = **s;
	auto q = kstd::fifo<record>::make(128, kstd::gfp::kernel);
	KSTD_ASSERT(q.has_value());
	f.q = kstd::move(*q);
	f.timer.arm(kstd::jiffies{1});

	record r;
	kstd::u32 seq = 0, bad = 0;
	int idle = 0;
	while (seq < timer_items && idle < 200000) {
		if (!f.q.pop(r)) {
			idle++;
			kstd_kunit_relax();
			continue;
		}
		idle = 0;
		if (!valid(r, seq) && !bad)
			bad = seq + 1;
		seq++;
	}
	f.timer.cancel_sync();
	KSTD_EXPECT_EQ(bad, 0);
	KSTD_EXPECT_EQ(seq, timer_items);
	KSTD_EXPECT(f.done.load_acquire());
	KSTD_EXPECT(!f.not_softirq.load_relaxed());
	KSTD_EXPECT(!f.q.pop(r));
}

KSTD_TEST_SUITE_END(kstd_fifo);
