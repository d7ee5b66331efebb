// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/lock.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

struct two_locks {
	kstd::spinlock a{"two_locks.a"};
	kstd::spinlock b{"two_locks.b"};
	kstd::mutex m{"two_locks.m"};
	kstd::raw_spinlock ra{"two_locks.ra"};
	kstd::raw_spinlock rb{"two_locks.rb"};
};

struct counter {
	long value = 0;
};

struct contention {
	kstd::locked<counter> total{"contention.total"};
	int iterations;
};

struct raw_contention {
	kstd::raw_locked<counter> total{"raw_contention.total"};
	int iterations;
};

void hammer(void *arg)
{
	auto *c = static_cast<contention *>(arg);
	for (int i = 0; i < c->iterations; i++) {
		auto t = c->total.lock();
		long v = t->value;
		/* A lost update would show if the lock did not exclude. */
		t->value = v + 1;
	}
}

void raw_hammer(void *arg)
{
	auto *c = static_cast<raw_contention *>(arg);
	for (int i = 0; i < c->iterations; i++) {
		/* Alternate the guards: both must exclude each other. */
		if (i & 1) {
			auto t = c->total.lock_irqsave();
			t->value = t->value + 1;
		} else {
			auto t = c->total.lock();
			t->value = t->value + 1;
		}
	}
}

} // namespace

KSTD_TEST_SUITE(kstd_lock);

KSTD_TEST(kstd_lock, spinlock_guard_releases)
{
	kstd::spinlock lock{"guard_test"};
	KSTD_EXPECT(!lock.is_locked());
	{
		auto g = lock.lock();
		KSTD_EXPECT(static_cast<bool>(g));
		lock.assert_held();
		/* spin_is_locked() is constant 0 on UP without debugging. */
		if (KSTD_CONFIG_SMP || KSTD_CONFIG_DEBUG_SPINLOCK)
			KSTD_EXPECT(lock.is_locked());
	}
	KSTD_EXPECT(!lock.is_locked());
	auto again = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(again));
}

KSTD_TEST(kstd_lock, spinlock_try_lock_fails_when_held)
{
	if (!KSTD_CONFIG_SMP && !KSTD_CONFIG_DEBUG_SPINLOCK) {
		KSTD_SKIP("spin_trylock always succeeds on UP without spinlock debugging");
	}
	kstd::spinlock lock{"trylock_test"};
	auto held = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(held));
	auto second = lock.try_lock();
	KSTD_EXPECT(!second);
	held.unlock();
	auto third = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(third));
}

KSTD_TEST(kstd_lock, spinlock_irqsave_restores)
{
	kstd::spinlock lock{"irqsave_test"};
	KSTD_EXPECT(!kstd_irqs_disabled());
	{
		auto g = lock.lock_irqsave();
		/* PREEMPT_RT: spin_lock_irqsave() leaves interrupts (and preemption) on. */
		KSTD_EXPECT_EQ(kstd_irqs_disabled(), !KSTD_CONFIG_PREEMPT_RT);
		if (!KSTD_CONFIG_PREEMPT_RT)
			KSTD_EXPECT(kstd_in_atomic());
	}
	KSTD_EXPECT(!kstd_irqs_disabled());
}

KSTD_TEST(kstd_lock, spinlock_bh_guard)
{
	kstd::spinlock lock{"bh_test"};
	KSTD_EXPECT(!kstd_kunit_in_softirq());
	{
		auto g = lock.lock_bh();
		KSTD_EXPECT(kstd_kunit_in_softirq());
		KSTD_EXPECT(!kstd_irqs_disabled());
	}
	KSTD_EXPECT(!kstd_kunit_in_softirq());
}

KSTD_TEST(kstd_lock, guard_early_unlock_and_move)
{
	kstd::spinlock lock{"move_test"};
	auto g = lock.lock();
	auto moved = kstd::move(g);
	KSTD_EXPECT(!g);
	KSTD_EXPECT(static_cast<bool>(moved));
	moved.unlock();
	KSTD_EXPECT(!moved);
	moved.unlock(); /* idempotent */
	auto again = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(again));
}

KSTD_TEST(kstd_lock, mutex_guard_releases)
{
	kstd::mutex m{"mutex_test"};
	KSTD_EXPECT(!m.is_locked());
	{
		auto g = m.lock();
		KSTD_EXPECT(m.is_locked());
		m.assert_held();
	}
	KSTD_EXPECT(!m.is_locked());
}

KSTD_TEST(kstd_lock, mutex_try_lock_fails_when_held)
{
	kstd::mutex m{"mutex_trylock_test"};
	auto held = m.try_lock();
	KSTD_EXPECT(static_cast<bool>(held));
	held.unlock();
	{
		auto g = m.lock();
		/* mutex_trylock() from the owner fails: mutexes are not recursive. */
		auto second = m.try_lock();
		KSTD_EXPECT(!second);
	}
	KSTD_EXPECT(!m.is_locked());
}

KSTD_TEST(kstd_lock, mutex_lock_interruptible)
{
	kstd::mutex m{"mutex_intr_test"};
	auto r = m.lock_interruptible();
	KSTD_EXPECT(r.has_value());
	KSTD_EXPECT(m.is_locked());
	r = kstd::error::intr(); /* dropping the guard held in r releases it */
	KSTD_EXPECT(!m.is_locked());
	auto k = m.lock_killable();
	KSTD_EXPECT(k.has_value());
}

KSTD_TEST(kstd_lock, locked_data_access)
{
	kstd::locked<counter> c{"locked_test"};
	{
		auto a = c.lock();
		a->value = 41;
		(*a).value++;
	}
	KSTD_EXPECT_EQ(c.lock()->value, 42);
	{
		auto a = c.lock_irqsave();
		KSTD_EXPECT_EQ(kstd_irqs_disabled(), !KSTD_CONFIG_PREEMPT_RT);
		KSTD_EXPECT_EQ(a->value, 42);
	}
	{
		auto a = c.lock_bh();
		KSTD_EXPECT(kstd_kunit_in_softirq());
	}
	KSTD_EXPECT(!kstd_irqs_disabled());
}

KSTD_TEST(kstd_lock, mutex_locked_data_access)
{
	kstd::mutex_locked<counter> c{"mutex_locked_test"};
	{
		auto a = c.lock();
		a->value = 7;
		KSTD_EXPECT(c.raw_lock().is_locked());
	}
	KSTD_EXPECT(!c.raw_lock().is_locked());
	auto r = c.lock_interruptible();
	KSTD_EXPECT(r.has_value());
	if (r)
		KSTD_EXPECT_EQ(r.value()->value, 7);
}

KSTD_TEST(kstd_lock, lockdep_class_per_declaration)
{
	two_locks x{}, y{};
	const void *xa = kstd_kunit_spinlock_class(x.a.raw());
	if (!xa) {
		KSTD_SKIP("lockdep (CONFIG_DEBUG_LOCK_ALLOC) is off");
	}
	/* Distinct declarations: distinct classes; same declaration: same class. */
	KSTD_EXPECT(xa != kstd_kunit_spinlock_class(x.b.raw()));
	KSTD_EXPECT(xa == kstd_kunit_spinlock_class(y.a.raw()));
	KSTD_EXPECT(kstd_kunit_mutex_class(x.m.raw()) == kstd_kunit_mutex_class(y.m.raw()));
	KSTD_EXPECT(kstd_kunit_mutex_class(x.m.raw()) != nullptr);
	kstd::spinlock local{"local"};
	KSTD_EXPECT(kstd_kunit_spinlock_class(local.raw()) != xa);
	const void *xra = kstd_kunit_raw_spinlock_class(x.ra.raw());
	KSTD_EXPECT(xra != nullptr);
	KSTD_EXPECT(xra != kstd_kunit_raw_spinlock_class(x.rb.raw()));
	KSTD_EXPECT(xra == kstd_kunit_raw_spinlock_class(y.ra.raw()));
	KSTD_EXPECT(xra != xa);
}

KSTD_TEST(kstd_lock, spinlock_contended_by_kthreads)
{
	contention c{.iterations = 20000};
	int err = kstd_kunit_run_threads(4, hammer, &c);
	KSTD_EXPECT_EQ(err, 0);
	KSTD_EXPECT_EQ(c.total.lock()->value, 4 * 20000);
}

namespace {
struct named_by_caller {
	kstd::spinlock lock;
	explicit named_by_caller(const char *name) : lock(name) {}
};
} // namespace

KSTD_TEST(kstd_lock, lock_class_keeps_first_name)
{
	/*
	 * One declaration site, two runtime names: one class, and lockdep
	 * must not see the same key under two names (it would WARN, which
	 * fails the guest run).
	 */
	named_by_caller a{"first name"}, b{"second name"};
	{
		auto ga = a.lock.lock();
	}
	{
		auto gb = b.lock.lock();
	}
	kstd::locked<counter> one{"one"}, two{"two"};
	kstd::locked<counter> own{"own", KSTD_LOCK_CLASS()};
	one.lock()->value = 1;
	two.lock()->value = 2;
	own.lock()->value = 3;
	const void *cls = kstd_kunit_spinlock_class(a.lock.raw());
	if (!cls) {
		KSTD_SKIP("lockdep (CONFIG_DEBUG_LOCK_ALLOC) is off");
	}
	KSTD_EXPECT(cls == kstd_kunit_spinlock_class(b.lock.raw()));
	KSTD_EXPECT(kstd_kunit_spinlock_class(one.raw_lock().raw()) ==
		    kstd_kunit_spinlock_class(two.raw_lock().raw()));
	KSTD_EXPECT(kstd_kunit_spinlock_class(own.raw_lock().raw()) !=
		    kstd_kunit_spinlock_class(one.raw_lock().raw()));
}

KSTD_TEST(kstd_lock, raw_spinlock_guard_releases)
{
	kstd::raw_spinlock lock{"raw_guard_test"};
	KSTD_EXPECT(!lock.is_locked());
	{
		auto g = lock.lock();
		KSTD_EXPECT(static_cast<bool>(g));
		lock.assert_held();
		/* A raw spinlock disables preemption on every kernel, RT included. */
		KSTD_EXPECT(kstd_in_atomic());
		KSTD_EXPECT(!kstd_irqs_disabled());
		/* raw_spin_is_locked() is constant 0 on UP without debugging. */
		if (KSTD_CONFIG_SMP || KSTD_CONFIG_DEBUG_SPINLOCK)
			KSTD_EXPECT(lock.is_locked());
	}
	KSTD_EXPECT(!lock.is_locked());
	auto again = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(again));
	again.unlock();
	KSTD_EXPECT(!again);
}

KSTD_TEST(kstd_lock, raw_spinlock_try_lock_fails_when_held)
{
	if (!KSTD_CONFIG_SMP && !KSTD_CONFIG_DEBUG_SPINLOCK) {
		KSTD_SKIP("raw_spin_trylock always succeeds on UP without spinlock debugging");
	}
	kstd::raw_spinlock lock{"raw_trylock_test"};
	auto held = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(held));
	auto second = lock.try_lock();
	KSTD_EXPECT(!second);
	held.unlock();
	auto third = lock.try_lock();
	KSTD_EXPECT(static_cast<bool>(third));
}

KSTD_TEST(kstd_lock, raw_spinlock_irqsave_disables_irqs)
{
	kstd::raw_spinlock lock{"raw_irqsave_test"};
	KSTD_EXPECT(!kstd_irqs_disabled());
	{
		/* Unlike spinlock::lock_irqsave(), also on PREEMPT_RT. */
		auto g = lock.lock_irqsave();
		KSTD_EXPECT(kstd_irqs_disabled());
		KSTD_EXPECT(kstd_in_atomic());
		lock.assert_held();
		{
			/* Nested irqsave restores the outer (disabled) state. */
			kstd::raw_spinlock inner{"raw_irqsave_inner"};
			auto gi = inner.lock_irqsave();
			KSTD_EXPECT(kstd_irqs_disabled());
		}
		KSTD_EXPECT(kstd_irqs_disabled());
	}
	KSTD_EXPECT(!kstd_irqs_disabled());
	{
		auto g = lock.lock_irqsave();
		auto moved = kstd::move(g);
		KSTD_EXPECT(!g);
		moved.unlock(); /* early unlock restores interrupts */
		KSTD_EXPECT(!kstd_irqs_disabled());
	}
}

KSTD_TEST(kstd_lock, raw_spinlock_nests_in_spinlock)
{
	/* spinlock_t -> raw_spinlock_t is the allowed order, RT included. */
	kstd::spinlock outer{"raw_nest_outer"};
	kstd::raw_spinlock inner{"raw_nest_inner"};
	auto o = outer.lock_bh();
	auto i = inner.lock_irqsave();
	KSTD_EXPECT(kstd_irqs_disabled());
	i.unlock();
	KSTD_EXPECT(!kstd_irqs_disabled());
}

KSTD_TEST(kstd_lock, raw_locked_data_access)
{
	kstd::raw_locked<counter> c{"raw_locked_test"};
	{
		auto a = c.lock();
		a->value = 41;
		(*a).value++;
		KSTD_EXPECT(kstd_in_atomic());
	}
	KSTD_EXPECT_EQ(c.lock()->value, 42);
	{
		auto a = c.lock_irqsave();
		KSTD_EXPECT(kstd_irqs_disabled());
		KSTD_EXPECT_EQ(a->value, 42);
	}
	KSTD_EXPECT(!kstd_irqs_disabled());
	auto t = c.try_lock();
	KSTD_EXPECT(static_cast<bool>(t));
}

KSTD_TEST(kstd_lock, raw_spinlock_contended_by_kthreads)
{
	raw_contention c{.iterations = 20000};
	int err = kstd_kunit_run_threads(4, raw_hammer, &c);
	KSTD_EXPECT_EQ(err, 0);
	KSTD_EXPECT_EQ(c.total.lock()->value, 4 * 20000);
}

KSTD_TEST_SUITE_END(kstd_lock);
