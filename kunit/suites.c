// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registers kstd's KUnit suites.  The cases' bodies are C++ (the *_test.cpp
 * files); KUnit's registration is macros over kernel structs, so it lives
 * here and is generated from the shared list in cases.h.
 */
#include <kunit/test.h>
#include <linux/module.h>

#define KSTD_SUITE(suite)
#define KSTD_CASE(suite, name) void kstd_test_##suite##_##name(struct kunit *test);
#define KSTD_SUITE_END(suite)
#include "cases.h"
#undef KSTD_SUITE
#undef KSTD_CASE
#undef KSTD_SUITE_END

#define KSTD_SUITE(suite) static struct kunit_case kstd_##suite##_cases[] = {
#define KSTD_CASE(suite, test) { .run_case = kstd_test_##suite##_##test, .name = #test },
#define KSTD_SUITE_END(suite)							\
		{}								\
	};									\
	static struct kunit_suite kstd_##suite##_suite = {			\
		.name = "kstd_" #suite,						\
		.test_cases = kstd_##suite##_cases,				\
	};									\
	kunit_test_suite(kstd_##suite##_suite);
#include "cases.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the kstd C++ library");
