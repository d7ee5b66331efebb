// SPDX-License-Identifier: GPL-2.0-only
/* KUnit glue for kstd's C++ test bodies; see kunit_bridge.h. */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "kunit_bridge.h"

void kstd_kunit_check(struct kunit *test, int ok, const char *file, int line,
		      const char *expr)
{
	KUNIT_EXPECT_TRUE_MSG(test, ok, "%s:%d: expected %s", file, line, expr);
}

void kstd_kunit_check_eq(struct kunit *test, long long left, long long right,
			 const char *file, int line, const char *expr)
{
	KUNIT_EXPECT_EQ_MSG(test, left, right, "%s:%d: expected %s", file, line, expr);
}

void kstd_kunit_skip(struct kunit *test, const char *why)
{
	kunit_mark_skipped(test, "%s", why);
}

int kstd_kunit_in_softirq(void)
{
	return in_softirq();
}

const void *kstd_kunit_spinlock_class(spinlock_t *lock)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	return lock->dep_map.key;
#else
	return NULL;
#endif
}

const void *kstd_kunit_mutex_class(struct mutex *lock)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	return lock->dep_map.key;
#else
	return NULL;
#endif
}

struct kstd_kunit_thread {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
};

static int kstd_kunit_thread_fn(void *data)
{
	struct kstd_kunit_thread *t = data;

	t->fn(t->arg);
	complete(&t->done);
	return 0;
}

int kstd_kunit_run_threads(int nr, void (*fn)(void *arg), void *arg)
{
	struct kstd_kunit_thread *threads;
	int i, started = 0, err = 0;

	threads = kcalloc(nr, sizeof(*threads), GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct task_struct *task;

		threads[i].fn = fn;
		threads[i].arg = arg;
		init_completion(&threads[i].done);
		task = kthread_run(kstd_kunit_thread_fn, &threads[i], "kstd_test/%d", i);
		if (IS_ERR(task)) {
			err = PTR_ERR(task);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&threads[i].done);
	kfree(threads);
	return err;
}
