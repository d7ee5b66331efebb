/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/kunit.h - C helpers behind kstd/kunit.hpp.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * KUnit reports failures through macros that build struct kunit_loc and
 * struct kunit_assert on the caller's stack, and keeps the parameter of a
 * parameterised case in struct kunit: these few functions do that in C.
 * lib/helpers/kunit.c, compiled only into kernels with CONFIG_KUNIT.
 */
#ifndef KSTD_BINDINGS_KUNIT_H
#define KSTD_BINDINGS_KUNIT_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct kunit;

/* A failed expectation at @file:@line with the text @message; the case goes on. */
void kstd_kunit_fail(struct kunit *test, const char *file, int line,
		     const char *message) KSTD_NOEXCEPT;
/* kunit_mark_skipped(): the case is reported as skipped once it returns. */
void kstd_kunit_mark_skipped(struct kunit *test, const char *why) KSTD_NOEXCEPT;
/* test->param_value: the current parameter of a parameterised case. */
const void *kstd_kunit_param_value(struct kunit *test) KSTD_NOEXCEPT;
/*
 * @size zeroed bytes that live until the case ends, when @run is called on
 * them (after the case body, in reverse order of registration, from
 * KUnit's resource cleanup).  NULL if out of memory.  Process context.
 */
void *kstd_kunit_defer(struct kunit *test, __SIZE_TYPE__ size,
		       void (*run)(void *data)) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
