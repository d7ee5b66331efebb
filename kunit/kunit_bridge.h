/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C++ test bodies' view of KUnit: a few C functions (kunit_bridge.c)
 * behind KUnit's macros.  Expectations never abort a test, so C++
 * destructors always run and a failing case cannot leak.
 */
#ifndef KSTD_KUNIT_BRIDGE_H
#define KSTD_KUNIT_BRIDGE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct kunit;
struct spinlock;
struct mutex;

void kstd_kunit_check(struct kunit *test, int ok, const char *file, int line,
		      const char *expr) KSTD_NOEXCEPT;
void kstd_kunit_check_eq(struct kunit *test, long long left, long long right,
			 const char *file, int line, const char *expr) KSTD_NOEXCEPT;
void kstd_kunit_skip(struct kunit *test, const char *why) KSTD_NOEXCEPT;

/* Kernel state the lock tests look at. */
int kstd_kunit_in_softirq(void) KSTD_NOEXCEPT;
const void *kstd_kunit_spinlock_class(struct spinlock *lock) KSTD_NOEXCEPT;
const void *kstd_kunit_mutex_class(struct mutex *lock) KSTD_NOEXCEPT;

/* Run fn(arg) on @nr kernel threads concurrently and wait for all. */
int kstd_kunit_run_threads(int nr, void (*fn)(void *arg), void *arg) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
