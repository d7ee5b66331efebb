// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a kstd C++ test body needs: KSTD_TEST() to define a case listed in
 * cases.h, and non-aborting expectations.  Inside a body, `test` is the
 * struct kunit *.
 *
 *     KSTD_TEST(list, empty_list_ops)
 *     {
 *             kstd::intrusive_list<&item::link> l;
 *             EXPECT(l.empty());
 *             EXPECT_EQ(l.size(), 0);
 *     }
 */
#ifndef KSTD_KUNIT_TEST_HPP
#define KSTD_KUNIT_TEST_HPP

#include "kunit_bridge.h"

#define KSTD_SUITE(suite)
#define KSTD_CASE(suite, name) extern "C" void kstd_test_##suite##_##name(struct kunit *) noexcept;
#define KSTD_SUITE_END(suite)
#include "cases.h"
#undef KSTD_SUITE
#undef KSTD_CASE
#undef KSTD_SUITE_END

#define KSTD_TEST(suite, name)                                                                     \
	extern "C" void kstd_test_##suite##_##name([[maybe_unused]] struct kunit *test) noexcept

#define EXPECT(cond) kstd_kunit_check(test, static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define EXPECT_EQ(a, b)                                                                            \
	kstd_kunit_check_eq(test, static_cast<long long>(a), static_cast<long long>(b), __FILE__,  \
			    __LINE__, #a " == " #b)
#define SKIP(why) kstd_kunit_skip(test, why)

#endif
