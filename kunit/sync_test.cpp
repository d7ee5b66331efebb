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

#include "test.hpp"

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

KSTD_TEST(sync, completion_timeout_returns_etimedout)
{
	kstd::completion c;
	kstd::jiffies t0 = kstd::jiffies::now();
	auto r = c.wait_for(kstd::msecs(30));
	EXPECT(!r.has_value());
	if (!r)
		EXPECT(r.error() == kstd::error::timedout());
	EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(30));
	auto i = c.wait_interruptible_for(kstd::msecs(10));
	EXPECT(!i.has_value());
	if (!i)
		EXPECT(i.error() == kstd::error::timedout());
	EXPECT(!c.done());
}

KSTD_TEST(sync, completion_complete_wakes_waiter)
{
	signaller s;
	auto t = kstd::kthread::run<&signaller::complete_later>("kstd_test_sig", s);
	EXPECT(t.has_value());
	if (!t)
		return;
	auto r = s.done.wait_for(kstd::secs(10));
	EXPECT(r.has_value());
	if (r)
		EXPECT(r.value().count > 0);
	EXPECT_EQ(t->stop(), 0);
}

KSTD_TEST(sync, completion_complete_all_and_reinit)
{
	kstd::completion c{"complete_all"};
	EXPECT(!c.try_wait());
	c.complete_all();
	EXPECT(c.done());
	EXPECT(c.wait_for(kstd::msecs(10)).has_value());
	EXPECT(c.wait_interruptible().has_value());
	EXPECT(c.wait_killable().has_value());
	c.wait(); /* every waiter passes */
	c.reinit();
	EXPECT(!c.done());
	c.complete();
	EXPECT(c.try_wait()); /* consumes the one completion */
	EXPECT(!c.try_wait());
}

KSTD_TEST(sync, wait_queue_predicate_timeout)
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
	EXPECT(!r.has_value());
	if (!r)
		EXPECT(r.error() == kstd::error::timedout());
	EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(30));
	EXPECT(evaluations >= 2); /* the fast path, then after queueing */

	/* A true predicate returns at once, with time left (>= 1 even for 0). */
	auto now = wq.wait_for([] { return true; }, kstd::secs(5));
	EXPECT(now.has_value() && now.value() == kstd::secs(5));
	auto zero = wq.wait_interruptible_for([] { return true; }, kstd::jiffies{0});
	EXPECT(zero.has_value() && zero.value().count == 1);
	EXPECT(wq.wait_interruptible([] { return true; }).has_value());
}

KSTD_TEST(sync, wait_queue_wakes_on_predicate)
{
	signaller s;
	auto t = kstd::kthread::run<&signaller::set_flag_later>("kstd_test_wake", s);
	EXPECT(t.has_value());
	if (!t)
		return;
	auto r = s.wq.wait_for([&] { return load(s.flag) == 1; }, kstd::secs(10));
	EXPECT(r.has_value());
	EXPECT_EQ(load(s.flag), 1);
	EXPECT_EQ(t->stop(), 0); /* void thread function: exit code 0 */

	/* Uninterruptible, no timeout: the flag is already set. */
	s.wq.wait([&] { return load(s.flag) == 1; });
}

KSTD_TEST(sync, kthread_stop_joins)
{
	looper l;
	auto t = kstd::kthread::run<&looper::loop>("kstd_test_loop", l);
	EXPECT(t.has_value());
	if (!t)
		return;
	kstd::kthread thread = kstd::move(t).value();
	EXPECT(static_cast<bool>(thread));
	EXPECT(thread.raw() != nullptr);
	for (int i = 0; i < 1000 && !__atomic_load_n(&l.iterations, __ATOMIC_RELAXED); i++)
		kstd::msleep(10);
	EXPECT(__atomic_load_n(&l.iterations, __ATOMIC_RELAXED) > 0);
	EXPECT_EQ(thread.stop(), 7); /* the loop's return value */
	EXPECT(!thread);
	int after = __atomic_load_n(&l.iterations, __ATOMIC_RELAXED);
	kstd::msleep(20);
	EXPECT_EQ(__atomic_load_n(&l.iterations, __ATOMIC_RELAXED), after); /* really gone */
	EXPECT_EQ(thread.stop(), 0);					    /* idempotent */
}

KSTD_TEST(sync, kthread_early_exit)
{
	kstd::completion started{"early.started"};
	auto t = kstd::kthread::run<&early_exit>("kstd_test_early", started);
	EXPECT(t.has_value());
	if (!t)
		return;
	EXPECT(started.wait_for(kstd::secs(10)).has_value());
	kstd::msleep(50); /* let it return and exit: the task reference keeps it stoppable */
	EXPECT_EQ(t->stop(), 42);
}

KSTD_TEST(sync, kthread_callable_and_destructor)
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
		EXPECT(t.has_value());
		for (int i = 0; i < 1000 && !load(ran); i++)
			kstd::msleep(10);
		EXPECT_EQ(load(ran), 1);
		/* t's destructor stops it: the wait must end on should_stop(). */
	}
	store(ran, 0);
	auto t2 = kstd::kthread::run("kstd_test_lambda2", body);
	EXPECT(t2.has_value());
	if (t2) {
		/* Stopped before it ever ran, a kthread returns -EINTR instead: wait. */
		for (int i = 0; i < 1000 && !load(ran); i++)
			kstd::msleep(10);
		kstd::kthread moved = kstd::move(t2).value();
		kstd::kthread other;
		other = kstd::move(moved);
		EXPECT(!moved);
		EXPECT_EQ(other.stop(), 5);
	}
}

KSTD_TEST(sync, timer_fires)
{
	ticker t;
	kstd::jiffies t0 = kstd::jiffies::now();
	EXPECT(!t.timer.arm(kstd::msecs(20)));
	EXPECT(t.timer.pending());
	EXPECT(t.fired.wait_for(kstd::secs(10)).has_value());
	EXPECT(kstd::jiffies::now().since(t0) >= kstd::msecs(20));
	EXPECT_EQ(t.ticks, 1);
	EXPECT(!t.timer.pending());

	/* Re-armed from its own callback until the third expiry. */
	ticker r;
	r.target = 3;
	r.timer.arm(kstd::jiffies{1});
	EXPECT(r.fired.wait_for(kstd::secs(10)).has_value());
	r.timer.cancel_sync();
	EXPECT_EQ(r.ticks, 3);
}

KSTD_TEST(sync, timer_cancel)
{
	ticker t;
	t.timer.arm(kstd::secs(60));
	EXPECT(t.timer.pending());
	EXPECT(t.timer.arm(kstd::secs(30))); /* was pending: moved */
	EXPECT(t.timer.cancel_sync());
	EXPECT(!t.timer.pending());
	EXPECT(!t.timer.cancel());
	t.timer.arm_at(kstd::jiffies::now() + kstd::secs(60));
	EXPECT(t.timer.cancel());
	kstd::msleep(20);
	EXPECT_EQ(t.ticks, 0);
	/* Destroyed armed: the destructor shuts it down. */
	ticker armed;
	armed.timer.arm(kstd::msecs(10));
}

KSTD_TEST(sync, refcount_inc_dec_and_test)
{
	kstd::refcount r;
	EXPECT_EQ(r.read(), 1u);
	r.inc();
	r.add(3);
	EXPECT_EQ(r.read(), 5u);
	EXPECT(!r.sub_and_test(3));
	EXPECT(!r.dec_and_test());
	EXPECT(r.inc_not_zero());
	EXPECT(!r.dec_and_test());
	EXPECT(r.dec_and_test()); /* the last reference */
	EXPECT_EQ(r.read(), 0u);
	EXPECT(!r.inc_not_zero()); /* dead objects cannot be revived */
	EXPECT_EQ(r.read(), 0u);
	static_assert(sizeof(kstd::refcount) == sizeof(int));
}

KSTD_TEST(sync, ref_releases_once)
{
	int destroyed = 0;
	{
		auto made = kstd::make_ref<session>(kstd::gfp::kernel, &destroyed);
		EXPECT(made.has_value());
		if (!made)
			return;
		kstd::ref<session> a = kstd::move(made).value();
		EXPECT_EQ(a->ref_count(), 1u);
		kstd::ref<session> b = a;
		EXPECT_EQ(a->ref_count(), 2u);
		kstd::ref<session> c = kstd::move(b);
		EXPECT(!b);
		EXPECT_EQ(a->ref_count(), 2u);
		b = c;
		EXPECT_EQ(a->ref_count(), 3u);
		c = nullptr;
		b = nullptr;
		EXPECT_EQ(a->ref_count(), 1u);
		kstd::ref<session> d = kstd::ref<session>::acquire(*a);
		EXPECT_EQ(a->ref_count(), 2u);
		kstd::ref<session> e = kstd::ref<session>::try_acquire(*a);
		EXPECT(e == a);
		session *raw = e.release();
		EXPECT_EQ(a->ref_count(), 3u);
		e = kstd::ref<session>::adopt(raw);
		EXPECT_EQ(a->ref_count(), 3u);
		EXPECT_EQ(destroyed, 0);
		EXPECT(sizeof(a) == sizeof(void *));
	}
	EXPECT_EQ(destroyed, 1); /* once, at the last drop */
}

KSTD_TEST(sync, msecs_match_kernel)
{
	const unsigned int samples[] = {
		0,   1,	  2,	3,    4,     5,	      9,	   10,		11,	    99,
		100, 999, 1000, 1001, 60000, 3600000, 0x7fffffffu, 0x80000000u, 0xffffffffu};
	for (unsigned int ms : samples)
		EXPECT_EQ(kstd::msecs(ms).count, __msecs_to_jiffies(ms));
	EXPECT_EQ(kstd::secs(2).count, 2 * kstd::jiffies::hz);
	EXPECT(kstd::secs(3600).count == 3600ul * kstd::jiffies::hz);
	EXPECT(kstd::secs(0xffffffffu) <= kstd::jiffies::max_delay());
	EXPECT_EQ(kstd::msecs(1000).to_msecs(), 1000u);
	static_assert(kstd::msecs(0).count == 0);
}

KSTD_TEST(sync, random_u32_varies)
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
	EXPECT_EQ(ones, 0xffffffffu);
	EXPECT_EQ(zeros, 0xffffffffu);
}
