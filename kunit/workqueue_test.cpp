// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd::workqueue<T>, kstd::work and kstd::delayed_work, in both ownership
 * modes, on real workqueues.  Every wait is bounded: a broken case fails
 * instead of hanging.  Cases that need work to stay pending block an
 * ordered queue with a gate: a work item that waits (at most 10 s) until
 * the case opens it.
 */
#include <kstd/completion.hpp>
#include <kstd/jiffies.hpp>
#include <kstd/memory.hpp>
#include <kstd/random.hpp>
#include <kstd/refcount.hpp>
#include <kstd/thread.hpp>
#include <kstd/timer.hpp>
#include <kstd/workqueue.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

int atomic_read(const int &v)
{
	return __atomic_load_n(&v, __ATOMIC_ACQUIRE);
}

void atomic_inc(int &v)
{
	__atomic_add_fetch(&v, 1, __ATOMIC_ACQ_REL);
}

/* Blocks an ordered queue until opened, so what is queued behind it stays pending. */
struct gate {
	void block()
	{
		started.complete();
		(void)open.wait_for(kstd::secs(10));
	}
	kstd::completion started{"gate.started"};
	kstd::completion open{"gate.open"};
	kstd::work<gate, &gate::block> work{this};
};

/* Queue @g on @wq and wait until it runs (and blocks the queue). */
bool close_gate(kstd::workqueue_ref<gate> wq, gate &g)
{
	wq.queue(g.work);
	return g.started.wait_for(kstd::secs(10)).has_value();
}

struct stats {
	int ran = 0;
	int freed = 0;
	int order[32] = {};
	int next = 0;
};

/* Owning mode, unique_ptr; the default callback T::run. */
struct job {
	static void run(kstd::unique_ptr<job> self)
	{
		stats &s = *self->st;
		s.order[__atomic_fetch_add(&s.next, 1, __ATOMIC_RELAXED) & 31] = self->index;
		atomic_inc(s.ran);
	}
	job(stats *s, int i) : st(s), index(i) {}
	~job() { atomic_inc(st->freed); }

	stats *st;
	int index;
	kstd::work<job> work{this};
};

/* Owning mode, shared ownership through kstd::ref. */
struct shared_job : kstd::ref_counted {
	static void done(kstd::ref<shared_job> self) { atomic_inc(self->st->ran); }
	explicit shared_job(stats *s) : st(s) {}
	~shared_job() { atomic_inc(st->freed); }

	stats *st;
	kstd::work<shared_job, &shared_job::done> work{this};
};

/* By reference: owned by the case, queued by reference. */
struct conn {
	void on_ready()
	{
		if (sleep_ms)
			kstd::msleep(sleep_ms);
		atomic_inc(ready_runs);
		if (requeue > 0 && --requeue > 0)
			requeued_ok &= wq->queue(ready);
		if (!requeue && done)
			done->complete();
	}
	static void on_idle(conn &self)
	{
		self.idle_at = kstd::jiffies::now();
		atomic_inc(self.idle_runs);
		if (self.done)
			self.done->complete();
	}

	unsigned int sleep_ms = 0;
	int requeue = 0;
	bool requeued_ok = true;
	int ready_runs = 0;
	int idle_runs = 0;
	kstd::jiffies idle_at{};
	kstd::completion *done = nullptr;
	kstd::workqueue_ref<conn> *wq = nullptr;
	kstd::work<conn, &conn::on_ready> ready{this};
	kstd::delayed_work<conn, &conn::on_idle> idle{this};
};

/* Owning mode with a delay. */
struct timed_job {
	static void fire(kstd::unique_ptr<timed_job> self)
	{
		atomic_inc(self->st->ran);
		self->done->complete();
	}
	timed_job(stats *s, kstd::completion *d) : st(s), done(d) {}
	~timed_job() { atomic_inc(st->freed); }

	stats *st;
	kstd::completion *done;
	kstd::delayed_work<timed_job, &timed_job::fire> later{this};
};

/* Requeues itself from its callback, owning mode. */
struct bouncer {
	static void bounce(kstd::unique_ptr<bouncer> self)
	{
		atomic_inc(self->st->ran);
		if (--self->left > 0) {
			kstd::workqueue_ref<bouncer> q = self->wq;
			auto back = q.enqueue(kstd::move(self), &bouncer::work);
			if (back)
				self_requeue_failed = true;
			return;
		}
		self->done->complete();
	}
	bouncer(stats *s, kstd::workqueue_ref<bouncer> q, kstd::completion *d, int n)
		: st(s), wq(q), done(d), left(n)
	{
	}
	~bouncer() { atomic_inc(st->freed); }

	static inline bool self_requeue_failed = false;
	stats *st;
	kstd::workqueue_ref<bouncer> wq;
	kstd::completion *done;
	int left;
	kstd::work<bouncer, &bouncer::bounce> work{this};
};

/* Destroys itself from inside its own (by-reference) callback. */
struct self_destruct {
	void run()
	{
		kstd::completion *d = done;
		kstd::unique_ptr<self_destruct> me(this); /* freed at the end of this scope */
		d->complete();
	}
	explicit self_destruct(kstd::completion *d) : done(d) {}
	kstd::completion *done;
	kstd::work<self_destruct> work{this};
};

/* A softirq (timer) callback queues by-reference work, as socket callbacks do. */
struct softirq_source {
	void expired() { queued = wq->queue(ready); }
	void on_ready() { done.complete(); }

	kstd::workqueue_ref<softirq_source> *wq = nullptr;
	bool queued = false;
	kstd::completion done{"softirq.done"};
	kstd::work<softirq_source, &softirq_source::on_ready> ready{this};
	kstd::timer<softirq_source, &softirq_source::expired> timer{this};
};

/* Completes a completion when destroyed: a marker between two members. */
struct on_destroy {
	kstd::completion *c = nullptr;
	~on_destroy()
	{
		if (c)
			c->complete();
	}
};

using kstd::detail::work_stop;

/* kstd::work / kstd::delayed_work with an explicit way of stopping them. */
template <class T, auto Fn, work_stop S>
using work_as = kstd::detail::basic_work<T, Fn, false, S>;
template <class T, auto Fn, work_stop S>
using delayed_work_as = kstd::detail::basic_work<T, Fn, true, S>;

/*
 * Two work items of one object that queue each other, as a server
 * connection's work (arming the idle timeout when it waits) and its idle
 * timeout (queueing the work) do.  run() blocks until the case lets it
 * go, then arms idle, by then already destroyed.
 */
template <work_stop S>
struct siblings {
	void run()
	{
		started->complete();
		(void)go->wait_for(kstd::secs(10));
		*late_queued = wq->queue(idle, kstd::msecs(20));
		*late_modded = wq->mod(idle, kstd::msecs(20));
	}
	void on_idle() { atomic_inc(*idle_runs); }

	kstd::completion *started = nullptr, *go = nullptr;
	bool *late_queued = nullptr, *late_modded = nullptr;
	int *idle_runs = nullptr;
	kstd::workqueue_ref<siblings> *wq = nullptr;
	work_as<siblings, &siblings::run, S> work{this};
	on_destroy idle_gone; /* destroyed after idle, before work */
	delayed_work_as<siblings, &siblings::on_idle, S> idle{this};
};

/* Destroys an object on its own thread (the destructor waits for run()). */
template <class T>
struct destroyer {
	int run()
	{
		victim.reset();
		return 0;
	}
	kstd::unique_ptr<T> victim;
};

/*
 * What outlives a ping-pong object: counts of its callbacks, and of those
 * that found it already destroyed (its canary dead).
 */
struct pp_record {
	int runs = 0;
	int after_death = 0;
};

/*
 * A connection's teardown problem, as busy as it gets: `work` arms the
 * delayed `idle` at once and requeues itself, `idle` queues `work`, and a
 * timer (softirq) re-arms itself every jiffy and queues both.  The timer
 * is declared before the work items, so it keeps queueing them while they
 * are destroyed (a hook the owner never stopped).  The canary is declared
 * first: it dies last, after both items; a callback that sees it dead ran
 * after their destructors returned.
 */
template <work_stop S>
struct pingpong {
	static constexpr kstd::u32 alive = 0xa11fe, dead = 0xdead;
	struct canary {
		~canary() { __atomic_store_n(&v, dead, __ATOMIC_RELEASE); }
		kstd::u32 v = alive;
	};

	void counted()
	{
		if (__atomic_load_n(&mark.v, __ATOMIC_ACQUIRE) != alive)
			atomic_inc(rec->after_death);
		atomic_inc(rec->runs);
	}
	void run()
	{
		counted();
		__atomic_store_n(&in_run, 1, __ATOMIC_RELEASE);
		kstd_kunit_udelay(spin_us);	/* idle may be destroyed meanwhile ... */
		wq.mod(idle, kstd::jiffies{0}); /* ... before this arms it again */
		wq.queue(work);
		__atomic_store_n(&in_run, 0, __ATOMIC_RELEASE);
	}
	void on_idle()
	{
		counted();
		wq.queue(work);
	}
	void tick()
	{
		wq.queue(work);
		wq.queue(idle, kstd::jiffies{1});
		timer.arm(kstd::jiffies{1});
	}

	pingpong(pp_record *r, kstd::workqueue_ref<pingpong> q, unsigned int us)
		: rec(r), wq(q), spin_us(us)
	{
	}

	canary mark;
	pp_record *rec;
	kstd::workqueue_ref<pingpong> wq;
	unsigned int spin_us;
	int in_run = 0;
	kstd::timer<pingpong, &pingpong::tick> timer{this};
	work_as<pingpong, &pingpong::run, S> work{this};
	delayed_work_as<pingpong, &pingpong::on_idle, S> idle{this};
};

/* Two work declarations: two lockdep classes. */
struct two_works {
	void a() {}
	void b() {}
	kstd::work<two_works, &two_works::a> first{this};
	kstd::work<two_works, &two_works::b> second{this};
};

} // namespace

KSTD_TEST_SUITE(kstd_workqueue);

KSTD_TEST(kstd_workqueue, ordered_queue_runs_in_order)
{
	stats st;
	auto wq = kstd::workqueue<job>::create_ordered("kstd_test_ordered");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	for (int i = 0; i < 16; i++) {
		auto j = kstd::make_unique<job>(kstd::gfp::kernel, &st, i);
		KSTD_EXPECT(j.has_value());
		if (!j)
			break;
		KSTD_EXPECT(!wq->enqueue(kstd::move(j).value(), &job::work));
	}
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 16);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 16);
	for (int i = 0; i < 16; i++)
		KSTD_EXPECT_EQ(st.order[i], i);
}

KSTD_TEST(kstd_workqueue, owned_enqueue_runs_and_frees)
{
	stats st;
	auto wq = kstd::workqueue<job>::create("kstd_test_owned", kstd::wq::unbound, 4);
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	for (int i = 0; i < 32; i++) {
		auto j = kstd::make_unique<job>(kstd::gfp::kernel, &st, i);
		if (j)
			KSTD_EXPECT(!wq->enqueue(kstd::move(j).value(), &job::work));
	}
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 32);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 32); /* kmemleak/KASAN check the rest */
}

KSTD_TEST(kstd_workqueue, enqueue_pending_hands_back)
{
	stats st, sst;
	gate g;
	auto gq = kstd::workqueue<gate>::create_ordered("kstd_test_gate");
	KSTD_EXPECT(gq.has_value());
	if (!gq)
		return;
	/* One ordered queue for everything: a workqueue_ref<T> per type on it. */
	kstd::workqueue_ref<job> jq(gq->raw());
	kstd::workqueue_ref<shared_job> sq(gq->raw());
	KSTD_EXPECT(close_gate(*gq, g));

	auto j = kstd::make_unique<job>(kstd::gfp::kernel, &st, 0);
	KSTD_EXPECT(j.has_value());
	if (j) {
		job *raw = j->get();
		KSTD_EXPECT(!jq.enqueue(kstd::move(j).value(), &job::work)); /* queued */
		KSTD_EXPECT(raw->work.pending());
		/*
		 * A second owner of the same queued item (a bug this API
		 * contains): it gets its pointer back, nothing leaks or runs twice.
		 */
		auto back = jq.enqueue(kstd::unique_ptr<job>(raw), &job::work);
		KSTD_EXPECT(back.get() == raw);
		(void)back.release(); /* the queue owns it */
	}

	auto s = kstd::make_ref<shared_job>(kstd::gfp::kernel, &sst);
	KSTD_EXPECT(s.has_value());
	if (s) {
		kstd::ref<shared_job> r = kstd::move(s).value();
		KSTD_EXPECT(!sq.enqueue(r, &shared_job::work)); /* a copy: the queue's reference */
		KSTD_EXPECT_EQ(r->ref_count(), 2);
		auto back = sq.enqueue(r, &shared_job::work); /* already pending */
		KSTD_EXPECT(back == r);
		KSTD_EXPECT_EQ(r->ref_count(), 3);
		back = nullptr;
		KSTD_EXPECT_EQ(r->ref_count(), 2);
		g.open.complete();
		gq->flush();
		KSTD_EXPECT_EQ(r->ref_count(), 1); /* the callback dropped the queue's */
	}
	g.open.complete();
	gq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 1);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 1);
	KSTD_EXPECT_EQ(atomic_read(sst.ran), 1);
	KSTD_EXPECT_EQ(atomic_read(sst.freed), 1);
}

KSTD_TEST(kstd_workqueue, cancel_returns_ownership)
{
	stats st, sst;
	gate g;
	auto gq = kstd::workqueue<gate>::create_ordered("kstd_test_cancel");
	KSTD_EXPECT(gq.has_value());
	if (!gq)
		return;
	kstd::workqueue_ref<job> jq(gq->raw());
	kstd::workqueue_ref<shared_job> sq(gq->raw());
	KSTD_EXPECT(close_gate(*gq, g));

	auto j = kstd::make_unique<job>(kstd::gfp::kernel, &st, 0);
	if (j) {
		job *raw = j->get();
		KSTD_EXPECT(!jq.enqueue(kstd::move(j).value(), &job::work));
		/* Alive for sure: queued behind the closed gate. */
		kstd::unique_ptr<job> got = raw->work.cancel();
		KSTD_EXPECT(got.get() == raw);
		KSTD_EXPECT(!got->work.pending());
		KSTD_EXPECT(!got->work.cancel()); /* not queued: nothing to give back */
		got.reset();
		KSTD_EXPECT_EQ(atomic_read(st.freed), 1);
	}

	auto s = kstd::make_ref<shared_job>(kstd::gfp::kernel, &sst);
	if (s) {
		kstd::ref<shared_job> r = kstd::move(s).value();
		KSTD_EXPECT(!sq.enqueue(r, &shared_job::work));
		KSTD_EXPECT_EQ(r->ref_count(), 2);
		kstd::ref<shared_job> got = r->work.cancel(); /* always safe: we hold r */
		KSTD_EXPECT(got == r);
		got = nullptr;
		KSTD_EXPECT_EQ(r->ref_count(), 1);
	}
	g.open.complete();
	gq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 0);
	KSTD_EXPECT_EQ(atomic_read(sst.ran), 0);
	KSTD_EXPECT_EQ(atomic_read(sst.freed), 1);
}

KSTD_TEST(kstd_workqueue, flush_waits)
{
	auto wq = kstd::workqueue<conn>::create("kstd_test_flush", kstd::wq::unbound);
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	auto c = kstd::make_unique<conn>(kstd::gfp::kernel);
	KSTD_EXPECT(c.has_value());
	if (!c)
		return;
	conn &x = **c;
	x.sleep_ms = 30;
	KSTD_EXPECT(wq->queue(x.ready));
	x.ready.flush(); /* on_ready() sleeps 30 ms before counting */
	KSTD_EXPECT_EQ(atomic_read(x.ready_runs), 1);
	KSTD_EXPECT(!x.ready.flush()); /* idle: nothing to wait for */

	conn y, z; /* on the stack: debugobjects must accept them too */
	y.sleep_ms = z.sleep_ms = 20;
	KSTD_EXPECT(wq->queue(y.ready));
	KSTD_EXPECT(wq->queue(z.ready));
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(y.ready_runs), 1);
	KSTD_EXPECT_EQ(atomic_read(z.ready_runs), 1);
}

KSTD_TEST(kstd_workqueue, destroy_drains_pending)
{
	stats st;
	gate g;
	auto gq = kstd::workqueue<gate>::create_ordered("kstd_test_drain");
	KSTD_EXPECT(gq.has_value());
	if (!gq)
		return;
	kstd::workqueue_ref<job> jq(gq->raw());
	KSTD_EXPECT(close_gate(*gq, g));
	for (int i = 0; i < 8; i++) {
		auto j = kstd::make_unique<job>(kstd::gfp::kernel, &st, i);
		if (j)
			KSTD_EXPECT(!jq.enqueue(kstd::move(j).value(), &job::work));
	}
	KSTD_EXPECT_EQ(atomic_read(st.ran), 0);
	g.open.complete();
	gq->reset(); /* destroy_workqueue(): runs all 8 before returning */
	KSTD_EXPECT(!*gq);
	KSTD_EXPECT_EQ(atomic_read(st.ran), 8);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 8);
	for (int i = 0; i < 8; i++)
		KSTD_EXPECT_EQ(st.order[i], i);
}

KSTD_TEST(kstd_workqueue, requeue_from_callback)
{
	stats st;
	kstd::completion done{"requeue.done"};
	auto wq = kstd::workqueue<bouncer>::create("kstd_test_requeue");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	bouncer::self_requeue_failed = false;
	auto b = kstd::make_unique<bouncer>(kstd::gfp::kernel, &st, *wq, &done, 5);
	if (b)
		KSTD_EXPECT(!wq->enqueue(kstd::move(b).value(), &bouncer::work));
	KSTD_EXPECT(done.wait_for(kstd::secs(10)).has_value());
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 5);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 1);
	KSTD_EXPECT(!bouncer::self_requeue_failed);

	/* By reference: the callback requeues its own work item. */
	kstd::completion cdone{"requeue.cdone"};
	kstd::workqueue_ref<conn> cq = kstd::workqueue_ref<conn>::system_unbound();
	conn c;
	c.requeue = 4;
	c.wq = &cq;
	c.done = &cdone;
	KSTD_EXPECT(cq.queue(c.ready));
	KSTD_EXPECT(cdone.wait_for(kstd::secs(10)).has_value());
	c.ready.flush();
	KSTD_EXPECT_EQ(atomic_read(c.ready_runs), 4);
	KSTD_EXPECT(c.requeued_ok);
}

KSTD_TEST(kstd_workqueue, by_ref_destructor_cancels_pending)
{
	gate g;
	auto gq = kstd::workqueue<gate>::create_ordered("kstd_test_dtor");
	KSTD_EXPECT(gq.has_value());
	if (!gq)
		return;
	kstd::workqueue_ref<conn> cq(gq->raw());
	KSTD_EXPECT(close_gate(*gq, g));
	{
		auto c = kstd::make_unique<conn>(kstd::gfp::kernel);
		KSTD_EXPECT(c.has_value());
		if (c) {
			conn &x = **c;
			KSTD_EXPECT(cq.queue(x.ready));
			KSTD_EXPECT(!cq.queue(x.ready)); /* already pending: queued once */
			KSTD_EXPECT(x.ready.pending());
			KSTD_EXPECT(cq.queue(x.idle, kstd::jiffies{0}));
		}
		/*
		 * c is freed here, its work items cancelled first: were one of
		 * them to run later, KASAN would report the use after free.
		 */
	}
	g.open.complete();
	gq->flush();

	/* The same with a callback running: the destructor waits for it. */
	auto c = kstd::make_unique<conn>(kstd::gfp::kernel);
	if (c) {
		conn &x = **c;
		x.sleep_ms = 50;
		kstd::workqueue_ref<conn> sys = kstd::workqueue_ref<conn>::system();
		KSTD_EXPECT(sys.queue(x.ready));
		kstd::msleep(10);
		c->reset(); /* waits until on_ready() returned */
	}
}

/*
 * The object is destroyed while the work's callback runs; the callback
 * then arms the idle timeout, destroyed a moment before.  The destroyed
 * item is disabled and the late arming does nothing.  Before the fix (a
 * plain cancel) the timer stayed armed in freed memory: "ODEBUG: free
 * active object type: timer_list" at the kfree, a use after free 20 ms
 * later (found by `make stress`: khttpd unloaded under load).
 */
template <work_stop S>
void destroyed_item_not_requeued_by_sibling(kstd::kunit::test &test)
{
	kstd::completion started{"siblings.started"}, go{"siblings.go"};
	kstd::completion gone{"siblings.gone"};
	bool late_queued = true, late_modded = true;
	int idle_runs = 0;
	auto wq = kstd::workqueue<siblings<S>>::create("kstd_test_siblings");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	kstd::workqueue_ref<siblings<S>> q(wq->raw());
	auto s = kstd::make_unique<siblings<S>>(kstd::gfp::kernel);
	KSTD_EXPECT(s.has_value());
	if (!s)
		return;
	siblings<S> &x = **s;
	x.started = &started;
	x.go = &go;
	x.late_queued = &late_queued;
	x.late_modded = &late_modded;
	x.idle_runs = &idle_runs;
	x.wq = &q;
	x.idle_gone.c = &gone;
	KSTD_EXPECT(q.queue(x.work));
	KSTD_EXPECT(started.wait_for(kstd::secs(10)).has_value());
	destroyer<siblings<S>> d{kstd::move(*s)};
	auto t = kstd::kthread::run<&destroyer<siblings<S>>::run>("kstd_test_siblings", d);
	KSTD_EXPECT(t.has_value());
	/* idle is destroyed; the destroyer now waits for run() */
	KSTD_EXPECT(gone.wait_for(kstd::secs(10)).has_value());
	go.complete();
	if (t)
		(void)t->stop(); /* joined: the object is freed */
	KSTD_EXPECT(!late_queued);
	KSTD_EXPECT(!late_modded);
	kstd::msleep(100); /* past the delay: an armed timer would have fired */
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(idle_runs), 0);
}

KSTD_TEST(kstd_workqueue, destroyed_item_not_requeued_by_sibling)
{
	destroyed_item_not_requeued_by_sibling<kstd::detail::default_work_stop>(test);
}

/* The same through kstd's gate, which kernels before 6.10 use. */
KSTD_TEST(kstd_workqueue, gate_destroyed_item_not_requeued_by_sibling)
{
	destroyed_item_not_requeued_by_sibling<work_stop::gate>(test);
}

/*
 * Destroy a busy ping-pong object (see pingpong) from outside, many times,
 * at a random moment while the work's callback runs (after it counted,
 * before it re-arms idle): no callback may run once the destructor returned
 * (the run count stands still, the canary is never seen dead, and KASAN
 * would report a callback on the freed object, debugobjects a timer or
 * work item freed while armed or queued).
 */
template <work_stop S>
void pingpong_destroyed_while_running(kstd::kunit::test &test)
{
	pp_record rec;
	auto wq = kstd::workqueue<pingpong<S>>::create("kstd_test_pingpong", kstd::wq::unbound);
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	int moved = 0;
	for (int round = 0; round < 300; round++) {
		kstd::u32 r = kstd::random_u32();
		unsigned int spin_us = 20 + r % 300;
		auto p = kstd::make_unique<pingpong<S>>(kstd::gfp::kernel, &rec, *wq, spin_us);
		KSTD_EXPECT(p.has_value());
		if (!p)
			return;
		pingpong<S> &x = **p;
		if (round & 1)
			x.timer.arm(kstd::jiffies{1});
		if (round & 2)
			wq->queue(x.work);
		else
			wq->queue(x.idle, kstd::jiffies{0});
		/*
		 * Until run() is inside, for two ticks at most (yielding: on
		 * one CPU without preemption, as UML, the worker runs only
		 * then and is never seen inside; there the object is
		 * destroyed between callbacks).
		 */
		kstd::jiffies t0 = kstd::jiffies::now();
		while (!__atomic_load_n(&x.in_run, __ATOMIC_ACQUIRE) &&
		       kstd::jiffies::now().since(t0).count < 2)
			kstd_kunit_yield();
		kstd_kunit_udelay((r >> 9) % spin_us);
		p->reset(); /* the items go idle first, then the timer: while it still queues them */
		int runs = atomic_read(rec.runs);
		wq->flush();
		if (atomic_read(rec.runs) != runs)
			moved++;
	}
	kstd::msleep(50); /* past any timer armed in a freed object */
	wq->flush();
	KSTD_EXPECT_EQ(moved, 0);
	KSTD_EXPECT_EQ(atomic_read(rec.after_death), 0);
	KSTD_EXPECT(atomic_read(rec.runs) > 300); /* it did play */
}

KSTD_TEST(kstd_workqueue, pingpong_destroyed_while_running)
{
	pingpong_destroyed_while_running<kstd::detail::default_work_stop>(test);
}

/* The same through kstd's gate, which kernels before 6.10 use. */
KSTD_TEST(kstd_workqueue, gate_pingpong_destroyed_while_running)
{
	pingpong_destroyed_while_running<work_stop::gate>(test);
}

/* Two items of one object: each callback asks is_current() of both. */
struct which {
	void first_fn()
	{
		first_saw = first.is_current() ? 1 : 0;
		first_saw_second = second.is_current() ? 1 : 0;
		done.complete();
	}
	void second_fn()
	{
		second_saw = second.is_current() ? 1 : 0;
		done.complete();
	}
	int first_saw = -1, first_saw_second = -1, second_saw = -1;
	kstd::completion done{"which.done"};
	kstd::work<which, &which::first_fn> first{this};
	kstd::delayed_work<which, &which::second_fn> second{this};
};

KSTD_TEST(kstd_workqueue, is_current_only_inside_own_callback)
{
	which w;
	KSTD_EXPECT(!w.first.is_current()); /* the test's own thread */
	KSTD_EXPECT(!w.second.is_current());
	auto sys = kstd::workqueue_ref<which>::system();
	KSTD_EXPECT(sys.queue(w.first));
	KSTD_EXPECT(w.done.wait_for(kstd::secs(10)).has_value());
	w.first.flush();
	KSTD_EXPECT_EQ(w.first_saw, 1);
	KSTD_EXPECT_EQ(w.first_saw_second, 0);
	w.done.reinit();
	KSTD_EXPECT(sys.queue(w.second, kstd::msecs(1)));
	KSTD_EXPECT(w.done.wait_for(kstd::secs(10)).has_value());
	w.second.flush();
	KSTD_EXPECT_EQ(w.second_saw, 1); /* a delayed item too */
}

KSTD_TEST(kstd_workqueue, delayed_work_fires_after_delay)
{
	kstd::completion done{"delayed.done"};
	auto wq = kstd::workqueue<conn>::create("kstd_test_delayed");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	conn c;
	c.done = &done;
	const kstd::jiffies delay = kstd::msecs(60);
	kstd::jiffies t0 = kstd::jiffies::now();
	KSTD_EXPECT(wq->queue(c.idle, delay));
	KSTD_EXPECT(!wq->queue(c.idle, delay)); /* pending: left alone */
	KSTD_EXPECT(done.wait_for(kstd::secs(10)).has_value());
	KSTD_EXPECT(c.idle_at.since(t0) >= delay); /* never early */
	c.idle.flush();
	KSTD_EXPECT_EQ(atomic_read(c.idle_runs), 1);

	/* Owning mode with a delay: fires, then frees. */
	stats st;
	kstd::completion tdone{"delayed.tdone"};
	kstd::workqueue_ref<timed_job> tq(wq->raw());
	auto t = kstd::make_unique<timed_job>(kstd::gfp::kernel, &st, &tdone);
	if (t)
		KSTD_EXPECT(!tq.enqueue(kstd::move(t).value(), &timed_job::later, kstd::msecs(20)));
	KSTD_EXPECT(tdone.wait_for(kstd::secs(10)).has_value());
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(st.ran), 1);
	KSTD_EXPECT_EQ(atomic_read(st.freed), 1);
}

KSTD_TEST(kstd_workqueue, mod_delayed_work_rearms)
{
	kstd::completion done{"mod.done"};
	auto wq = kstd::workqueue<conn>::create("kstd_test_mod");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	conn c;
	c.done = &done;
	/* Armed for 20 ms, pushed out to 60 s: it must not fire meanwhile. */
	KSTD_EXPECT(!wq->mod(c.idle, kstd::msecs(20))); /* was idle */
	KSTD_EXPECT(wq->mod(c.idle, kstd::secs(60)));	/* was pending */
	KSTD_EXPECT(!done.wait_for(kstd::msecs(200)).has_value());
	KSTD_EXPECT(c.idle.pending());
	KSTD_EXPECT_EQ(atomic_read(c.idle_runs), 0);
	/* Pulled in to 1 ms: fires now. */
	KSTD_EXPECT(wq->mod(c.idle, kstd::msecs(1)));
	KSTD_EXPECT(done.wait_for(kstd::secs(10)).has_value());
	c.idle.flush();
	KSTD_EXPECT_EQ(atomic_read(c.idle_runs), 1);
	KSTD_EXPECT(!c.idle.pending());
}

KSTD_TEST(kstd_workqueue, cancel_delayed_work)
{
	auto wq = kstd::workqueue<conn>::create("kstd_test_cancel_delayed");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	conn c;
	KSTD_EXPECT(wq->queue(c.idle, kstd::msecs(50)));
	KSTD_EXPECT(c.idle.cancel_sync());
	KSTD_EXPECT(!c.idle.pending());
	KSTD_EXPECT(!c.idle.cancel_sync()); /* nothing left */
	KSTD_EXPECT(wq->queue(c.idle, kstd::msecs(50)));
	KSTD_EXPECT(c.idle.cancel()); /* without waiting */
	kstd::msleep(100);
	wq->flush();
	KSTD_EXPECT_EQ(atomic_read(c.idle_runs), 0);
}

KSTD_TEST(kstd_workqueue, system_queues)
{
	conn c;
	using ref = kstd::workqueue_ref<conn>;
	ref queues[] = {ref::system(), ref::system_unbound(), ref::system_highpri(),
			ref::system_long()};
	int expected = 0;
	for (ref &q : queues) {
		KSTD_EXPECT(q.raw() != nullptr);
		KSTD_EXPECT(q.queue(c.ready));
		c.ready.flush(); /* may already have run: only the effect is certain */
		KSTD_EXPECT_EQ(atomic_read(c.ready_runs), ++expected);
	}
}

KSTD_TEST(kstd_workqueue, destroy_from_own_callback)
{
	kstd::completion done{"self.done"};
	auto wq = kstd::workqueue<self_destruct>::create("kstd_test_self");
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	auto s = kstd::make_unique<self_destruct>(kstd::gfp::kernel, &done);
	if (s) {
		self_destruct *raw = s->release(); /* the callback frees it */
		KSTD_EXPECT(wq->queue(raw->work));
	}
	KSTD_EXPECT(done.wait_for(kstd::secs(10)).has_value());
	wq->flush(); /* no deadlock, no lockdep report, no leak */
}

KSTD_TEST(kstd_workqueue, lockdep_class_per_work_declaration)
{
	two_works x, y;
	const void *xa = kstd_kunit_work_class(x.first.raw());
	if (!xa) {
		KSTD_SKIP("lockdep is off");
	}
	KSTD_EXPECT(xa != kstd_kunit_work_class(x.second.raw()));
	KSTD_EXPECT(xa == kstd_kunit_work_class(y.first.raw()));
	conn c;
	KSTD_EXPECT(kstd_kunit_work_class(c.ready.raw()) != xa);
	KSTD_EXPECT(kstd_kunit_work_class(c.idle.raw()) != kstd_kunit_work_class(c.ready.raw()));
}

KSTD_TEST(kstd_workqueue, create_checks_and_moves)
{
	auto bad = kstd::workqueue<conn>::create("kstd_test_bad", kstd::wq::none, -1);
	KSTD_EXPECT(!bad.has_value());
	if (!bad)
		KSTD_EXPECT(bad.error() == kstd::error::inval());
	auto wq = kstd::workqueue<conn>::create(
		"kstd_test_flags", kstd::wq::highpri | kstd::wq::mem_reclaim | kstd::wq::freezable,
		2);
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	kstd::workqueue<conn> moved = kstd::move(wq).value();
	KSTD_EXPECT(static_cast<bool>(moved));
	conn c;
	KSTD_EXPECT(moved.queue(c.ready));
	kstd::workqueue<conn> other = kstd::move(moved);
	KSTD_EXPECT(!moved);
	other.drain();
	KSTD_EXPECT_EQ(atomic_read(c.ready_runs), 1);
}

KSTD_TEST(kstd_workqueue, queue_from_softirq)
{
	auto wq = kstd::workqueue<softirq_source>::create("kstd_test_softirq", kstd::wq::highpri);
	KSTD_EXPECT(wq.has_value());
	if (!wq)
		return;
	kstd::workqueue_ref<softirq_source> ref = *wq;
	softirq_source s;
	s.wq = &ref;
	s.timer.arm(kstd::jiffies{1});
	KSTD_EXPECT(s.done.wait_for(kstd::secs(10)).has_value());
	KSTD_EXPECT(s.queued);
	s.ready.flush();
}

KSTD_TEST_SUITE_END(kstd_workqueue);
