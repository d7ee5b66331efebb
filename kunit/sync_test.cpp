// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd::completion, kstd::wait_queue, kstd::kthread, kstd::timer,
 * kstd::refcount / kstd::ref and the jiffies conversions, against real
 * kernel threads and timers.  Every wait is bounded.
 */
#include <kstd/completion.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/random.hpp>
#include <kstd/refcount.hpp>
#include <kstd/thread.hpp>
#include <kstd/timer.hpp>
#include <kstd/wait.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

int load(const int &v)
{
	return __atomic_load_n(&v, __ATOMIC_ACQUIRE);
}

void store(int &v, int x)
{
	__atomic_store_n(&v, x, __ATOMIC_RELEASE);
}

/* Completes (or sets a flag and wakes) from another thread after a delay. */
struct signaller {
	kstd::completion done{"signaller.done"};
	kstd::wait_queue wq{"signaller.wq"};
	int flag = 0;
	unsigned int delay_ms = 20;

	int complete_later()
	{
		kstd::msleep(delay_ms);
		done.complete();
		return 0;
	}
	void set_flag_later()
	{
		kstd::msleep(delay_ms);
		store(flag, 1);
		wq.wake_up();
	}
};

struct looper {
	int iterations = 0;
	int loop()
	{
		while (!kstd::kthread::should_stop()) {
			__atomic_add_fetch(&iterations, 1, __ATOMIC_RELAXED);
			kstd::msleep(1);
		}
		return 7;
	}
};

int early_exit(kstd::completion &started)
{
	started.complete();
	return 42;
}

struct ticker {
	void tick()
	{
		if (++ticks < target)
			timer.arm(kstd::jiffies{1}); /* re-arm from the callback */
		else
			fired.complete();
	}
	int ticks = 0;
	int target = 1;
	kstd::completion fired{"ticker.fired"};
	kstd::timer<ticker, &ticker::tick> timer{this};
};

struct session : kstd::ref_counted {
	int *destroyed;
	explicit session(int *d) : destroyed(d) {}
	~session() { ++*destroyed; }
};

} // namespace

KSTD_TEST_SUITE(kstd_sync);

KSTD_TEST(kstd_sync, completion_timeout_returns_etimedout)
{
	kstd::completion c;
	kstd::jiffies t0 = kstd::jiffies::now();
	auto r = c.wait_for(kstd::msecs(30));
	KSTD_EXPECT(!r.has_value());
	if (!r)
		KSTD_EXPECT(r.error() == kstd::error::timedout());
	KSTD_EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(30));
	auto i = c.wait_interruptible_for(kstd::msecs(10));
	KSTD_EXPECT(!i.has_value());
	if (!i)
		KSTD_EXPECT(i.error() == kstd::error::timedout());
	KSTD_EXPECT(!c.done());
}

KSTD_TEST(kstd_sync, completion_complete_wakes_waiter)
{
	signaller s;
	auto t = kstd::kthread::run<&signaller::complete_later>("kstd_test_sig", s);
	KSTD_EXPECT(t.has_value());
	if (!t)
		return;
	auto r = s.done.wait_for(kstd::secs(10));
	KSTD_EXPECT(r.has_value());
	if (r)
		KSTD_EXPECT(r.value().count > 0);
	KSTD_EXPECT_EQ(t->stop(), 0);
}

KSTD_TEST(kstd_sync, completion_complete_all_and_reinit)
{
	kstd::completion c{"complete_all"};
	KSTD_EXPECT(!c.try_wait());
	c.complete_all();
	KSTD_EXPECT(c.done());
	KSTD_EXPECT(c.wait_for(kstd::msecs(10)).has_value());
	KSTD_EXPECT(c.wait_interruptible().has_value());
	KSTD_EXPECT(c.wait_killable().has_value());
	c.wait(); /* every waiter passes */
	c.reinit();
	KSTD_EXPECT(!c.done());
	c.complete();
	KSTD_EXPECT(c.try_wait()); /* consumes the one completion */
	KSTD_EXPECT(!c.try_wait());
}

KSTD_TEST(kstd_sync, wait_queue_predicate_timeout)
{
	kstd::wait_queue wq;
	int evaluations = 0;
	kstd::jiffies t0 = kstd::jiffies::now();
	auto r = wq.wait_for(
		[&] {
			evaluations++;
			return false;
		},
		kstd::msecs(30));
	KSTD_EXPECT(!r.has_value());
	if (!r)
		KSTD_EXPECT(r.error() == kstd::error::timedout());
	KSTD_EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(30));
	KSTD_EXPECT(evaluations >= 2); /* the fast path, then after queueing */

	/* A true predicate returns at once, with time left (>= 1 even for 0). */
	auto now = wq.wait_for([] { return true; }, kstd::secs(5));
	KSTD_EXPECT(now.has_value() && now.value() == kstd::secs(5));
	auto zero = wq.wait_interruptible_for([] { return true; }, kstd::jiffies{0});
	KSTD_EXPECT(zero.has_value() && zero.value().count == 1);
	KSTD_EXPECT(wq.wait_interruptible([] { return true; }).has_value());
}

KSTD_TEST(kstd_sync, wait_queue_wakes_on_predicate)
{
	signaller s;
	auto t = kstd::kthread::run<&signaller::set_flag_later>("kstd_test_wake", s);
	KSTD_EXPECT(t.has_value());
	if (!t)
		return;
	auto r = s.wq.wait_for([&] { return load(s.flag) == 1; }, kstd::secs(10));
	KSTD_EXPECT(r.has_value());
	KSTD_EXPECT_EQ(load(s.flag), 1);
	KSTD_EXPECT_EQ(t->stop(), 0); /* void thread function: exit code 0 */

	/* Uninterruptible, no timeout: the flag is already set. */
	s.wq.wait([&] { return load(s.flag) == 1; });
}

KSTD_TEST(kstd_sync, kthread_stop_joins)
{
	looper l;
	auto t = kstd::kthread::run<&looper::loop>("kstd_test_loop", l);
	KSTD_EXPECT(t.has_value());
	if (!t)
		return;
	kstd::kthread thread = kstd::move(t).value();
	KSTD_EXPECT(static_cast<bool>(thread));
	KSTD_EXPECT(thread.raw() != nullptr);
	for (int i = 0; i < 1000 && !__atomic_load_n(&l.iterations, __ATOMIC_RELAXED); i++)
		kstd::msleep(10);
	KSTD_EXPECT(__atomic_load_n(&l.iterations, __ATOMIC_RELAXED) > 0);
	KSTD_EXPECT_EQ(thread.stop(), 7); /* the loop's return value */
	KSTD_EXPECT(!thread);
	int after = __atomic_load_n(&l.iterations, __ATOMIC_RELAXED);
	kstd::msleep(20);
	KSTD_EXPECT_EQ(__atomic_load_n(&l.iterations, __ATOMIC_RELAXED), after); /* really gone */
	KSTD_EXPECT_EQ(thread.stop(), 0);					 /* idempotent */
}

KSTD_TEST(kstd_sync, kthread_early_exit)
{
	kstd::completion started{"early.started"};
	auto t = kstd::kthread::run<&early_exit>("kstd_test_early", started);
	KSTD_EXPECT(t.has_value());
	if (!t)
		return;
	KSTD_EXPECT(started.wait_for(kstd::secs(10)).has_value());
	kstd::msleep(50); /* let it return and exit: the task reference keeps it stoppable */
	KSTD_EXPECT_EQ(t->stop(), 42);
}

KSTD_TEST(kstd_sync, kthread_callable_and_destructor)
{
	int ran = 0;
	kstd::wait_queue wq{"callable.wq"};
	auto body = [&] {
		store(ran, 1);
		/* Sleeps until kthread_stop() wakes it. */
		wq.wait([] { return kstd::kthread::should_stop(); });
		return 5;
	};
	{
		auto t = kstd::kthread::run("kstd_test_lambda", body);
		KSTD_EXPECT(t.has_value());
		for (int i = 0; i < 1000 && !load(ran); i++)
			kstd::msleep(10);
		KSTD_EXPECT_EQ(load(ran), 1);
		/* t's destructor stops it: the wait must end on should_stop(). */
	}
	store(ran, 0);
	auto t2 = kstd::kthread::run("kstd_test_lambda2", body);
	KSTD_EXPECT(t2.has_value());
	if (t2) {
		/* Stopped before it ever ran, a kthread returns -EINTR instead: wait. */
		for (int i = 0; i < 1000 && !load(ran); i++)
			kstd::msleep(10);
		kstd::kthread moved = kstd::move(t2).value();
		kstd::kthread other;
		other = kstd::move(moved);
		KSTD_EXPECT(!moved);
		KSTD_EXPECT_EQ(other.stop(), 5);
	}
}

KSTD_TEST(kstd_sync, timer_fires)
{
	ticker t;
	kstd::jiffies t0 = kstd::jiffies::now();
	KSTD_EXPECT(!t.timer.arm(kstd::msecs(20)));
	KSTD_EXPECT(t.timer.pending());
	KSTD_EXPECT(t.fired.wait_for(kstd::secs(10)).has_value());
	KSTD_EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(20));
	KSTD_EXPECT_EQ(t.ticks, 1);
	KSTD_EXPECT(!t.timer.pending());

	/* Re-armed from its own callback until the third expiry. */
	ticker r;
	r.target = 3;
	r.timer.arm(kstd::jiffies{1});
	KSTD_EXPECT(r.fired.wait_for(kstd::secs(10)).has_value());
	r.timer.cancel_sync();
	KSTD_EXPECT_EQ(r.ticks, 3);
}

KSTD_TEST(kstd_sync, timer_cancel)
{
	ticker t;
	t.timer.arm(kstd::secs(60));
	KSTD_EXPECT(t.timer.pending());
	KSTD_EXPECT(t.timer.arm(kstd::secs(30))); /* was pending: moved */
	KSTD_EXPECT(t.timer.cancel_sync());
	KSTD_EXPECT(!t.timer.pending());
	KSTD_EXPECT(!t.timer.cancel());
	t.timer.arm_at(kstd::jiffies::now() + kstd::secs(60));
	KSTD_EXPECT(t.timer.cancel());
	kstd::msleep(20);
	KSTD_EXPECT_EQ(t.ticks, 0);
	/* Destroyed armed: the destructor shuts it down. */
	ticker armed;
	armed.timer.arm(kstd::msecs(10));
}

KSTD_TEST(kstd_sync, refcount_inc_dec_and_test)
{
	kstd::refcount r;
	KSTD_EXPECT_EQ(r.read(), 1u);
	r.inc();
	r.add(3);
	KSTD_EXPECT_EQ(r.read(), 5u);
	KSTD_EXPECT(!r.sub_and_test(3));
	KSTD_EXPECT(!r.dec_and_test());
	KSTD_EXPECT(r.inc_not_zero());
	KSTD_EXPECT(!r.dec_and_test());
	KSTD_EXPECT(r.dec_and_test()); /* the last reference */
	KSTD_EXPECT_EQ(r.read(), 0u);
	KSTD_EXPECT(!r.inc_not_zero()); /* dead objects cannot be revived */
	KSTD_EXPECT_EQ(r.read(), 0u);
	static_assert(sizeof(kstd::refcount) == sizeof(int));
}

KSTD_TEST(kstd_sync, ref_releases_once)
{
	int destroyed = 0;
	{
		auto made = kstd::make_ref<session>(kstd::gfp::kernel, &destroyed);
		KSTD_EXPECT(made.has_value());
		if (!made)
			return;
		kstd::ref<session> a = kstd::move(made).value();
		KSTD_EXPECT_EQ(a->ref_count(), 1u);
		kstd::ref<session> b = a;
		KSTD_EXPECT_EQ(a->ref_count(), 2u);
		kstd::ref<session> c = kstd::move(b);
		KSTD_EXPECT(!b);
		KSTD_EXPECT_EQ(a->ref_count(), 2u);
		b = c;
		KSTD_EXPECT_EQ(a->ref_count(), 3u);
		c = nullptr;
		b = nullptr;
		KSTD_EXPECT_EQ(a->ref_count(), 1u);
		kstd::ref<session> d = kstd::ref<session>::acquire(*a);
		KSTD_EXPECT_EQ(a->ref_count(), 2u);
		kstd::ref<session> e = kstd::ref<session>::try_acquire(*a);
		KSTD_EXPECT(e == a);
		session *raw = e.release();
		KSTD_EXPECT_EQ(a->ref_count(), 3u);
		e = kstd::ref<session>::adopt(raw);
		KSTD_EXPECT_EQ(a->ref_count(), 3u);
		KSTD_EXPECT_EQ(destroyed, 0);
		KSTD_EXPECT(sizeof(a) == sizeof(void *));
	}
	KSTD_EXPECT_EQ(destroyed, 1); /* once, at the last drop */
}

KSTD_TEST(kstd_sync, msecs_match_kernel)
{
	const unsigned int samples[] = {
		0,   1,	  2,	3,    4,     5,	      9,	   10,		11,	    99,
		100, 999, 1000, 1001, 60000, 3600000, 0x7fffffffu, 0x80000000u, 0xffffffffu};
	for (unsigned int ms : samples)
		KSTD_EXPECT_EQ(kstd::msecs(ms).count, __msecs_to_jiffies(ms));
	KSTD_EXPECT_EQ(kstd::secs(2).count, 2 * kstd::jiffies::hz);
	KSTD_EXPECT(kstd::secs(3600).count == 3600ul * kstd::jiffies::hz);
	KSTD_EXPECT(kstd::secs(0xffffffffu) <= kstd::jiffies::max_delay());
	KSTD_EXPECT_EQ(kstd::msecs(1000).to_msecs(), 1000u);
	static_assert(kstd::msecs(0).count == 0);
}

KSTD_TEST(kstd_sync, random_u32_varies)
{
	/*
	 * 32 draws: every bit takes both values (a constant or a stuck bit
	 * fails; a working CRNG fails with probability 32 * 2^-31).
	 */
	kstd::u32 ones = 0, zeros = 0;
	for (int i = 0; i < 32; i++) {
		kstd::u32 r = kstd::random_u32();
		ones |= r;
		zeros |= ~r;
	}
	KSTD_EXPECT_EQ(ones, 0xffffffffu);
	KSTD_EXPECT_EQ(zeros, 0xffffffffu);
}

KSTD_TEST_SUITE_END(kstd_sync);
