// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_kunit: kstd/kunit.hpp itself.  Checks that must fail are made on a
 * struct kunit of their own (kstd_kunit_fake_new()), whose status the real
 * case then reads: a framework whose failures did not register would pass
 * every suite.
 */
#include <kstd/kunit.hpp>
#include <kstd/module.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>

#include "kunit_bridge.h"

namespace {

/* A struct kunit no runner owns, ended (cleanups run) on destruction. */
class fake_test {
public:
	fake_test() noexcept : raw_(kstd_kunit_fake_new()) {}
	~fake_test() { end(); }
	fake_test(const fake_test &) = delete;
	fake_test &operator=(const fake_test &) = delete;

	[[nodiscard]] bool valid() const noexcept { return raw_ != nullptr; }
	[[nodiscard]] ::kunit *raw() const noexcept { return raw_; }
	[[nodiscard]] bool failed() const noexcept { return kstd_kunit_fake_failed(raw_); }
	[[nodiscard]] bool skipped() const noexcept { return kstd_kunit_fake_skipped(raw_); }
	/* Run the deferred cleanups now (KUnit does this when a case ends). */
	void end() noexcept
	{
		if (raw_)
			kstd_kunit_fake_end(kstd::exchange(raw_, nullptr));
	}

private:
	::kunit *raw_;
};

struct counted {
	int *destroyed;
	~counted() { ++*destroyed; }
};

/* Fails an assertion half-way; *after is set only if it did not return. */
void assert_then_continue(kstd::kunit::test &test, int *destroyed, bool *after)
{
	counted c{destroyed};
	KSTD_ASSERT_EQ(1 + 1, 3);
	*after = true;
}

template <class T>
kstd::kunit::text described(const T &v)
{
	kstd::kunit::text out;
	kstd::kunit::describe(out, v);
	return out;
}

enum class colour { red = 3 };

struct port_case {
	const char *name;
	unsigned int value;
};
constexpr port_case ports[] = {{"low", 1}, {"http", 80}, {"high", 65535}};
unsigned int ports_seen; /* a bit per element of ports[] that ran */
int order_step;

} // namespace

/* kstd_test.ko: this file and the other *_test.cpp suites. */
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("KUnit tests for the kstd C++ library");

KSTD_TEST_SUITE(kstd_kunit);

KSTD_TEST(kstd_kunit, integers_compare_by_value_across_signedness)
{
	using kstd::kunit::detail::holds;
	using kstd::kunit::detail::relation;
	static_assert(holds<relation::lt>(-1, 0u), "-1 < 0u by value, not as unsigned");
	static_assert(!holds<relation::eq>(-1, ~0u));
	static_assert(holds<relation::gt>(4294967296LL, ~0u));
	static_assert(holds<relation::eq>(static_cast<unsigned char>(200), 200));
	static_assert(holds<relation::ge>(0ull, -5L));
	static_assert(holds<relation::ne>(true, 2));
	KSTD_EXPECT_LT(-1, 0u);
	KSTD_EXPECT_EQ(kstd::size_t(3), 3);
	KSTD_EXPECT_NE(-1, ~0u);
}

KSTD_TEST(kstd_kunit, failing_checks_fail_the_case_and_passing_ones_do_not)
{
	fake_test passing, failing_eq, failing_true, failing_ok;
	KSTD_ASSERT(passing.valid() && failing_eq.valid() && failing_true.valid() &&
		    failing_ok.valid());
	{
		kstd::kunit::test test(passing.raw());
		KSTD_EXPECT(true);
		KSTD_EXPECT_EQ(2, 2);
		KSTD_EXPECT_GE(3u, 3);
		KSTD_EXPECT_OK(kstd::result<int>(4));
		KSTD_EXPECT_ERROR(kstd::result<int>(kstd::error::nomem()), kstd::error::nomem());
		KSTD_EXPECT_EQ(kstd::string_view("abc"), kstd::string_view("abc"));
	}
	{
		kstd::kunit::test test(failing_eq.raw());
		KSTD_EXPECT_EQ(2, 3);
	}
	{
		kstd::kunit::test test(failing_true.raw());
		KSTD_EXPECT(1 > 2);
	}
	{
		kstd::kunit::test test(failing_ok.raw());
		KSTD_EXPECT_ERROR(kstd::result<int>(4), kstd::error::nomem());
	}
	KSTD_EXPECT(!passing.failed());
	KSTD_EXPECT(failing_eq.failed());
	KSTD_EXPECT(failing_true.failed());
	KSTD_EXPECT(failing_ok.failed());
}

KSTD_TEST(kstd_kunit, assert_returns_and_runs_destructors)
{
	fake_test fake;
	KSTD_ASSERT(fake.valid());
	int destroyed = 0;
	bool after = false;
	kstd::kunit::test inner(fake.raw());
	assert_then_continue(inner, &destroyed, &after);
	KSTD_EXPECT(fake.failed());
	KSTD_EXPECT(!after);
	KSTD_EXPECT_EQ(destroyed, 1);
}

KSTD_TEST(kstd_kunit, skip_marks_the_case_skipped)
{
	fake_test fake;
	KSTD_ASSERT(fake.valid());
	kstd::kunit::test inner(fake.raw());
	inner.mark_skipped("not on this kernel");
	KSTD_EXPECT(fake.skipped());
	KSTD_EXPECT(!fake.failed());
}

KSTD_TEST(kstd_kunit, defer_runs_at_the_end_in_reverse_order)
{
	fake_test fake;
	KSTD_ASSERT(fake.valid());
	int trail = 0;
	{
		kstd::kunit::test inner(fake.raw());
		inner.defer([&trail] { trail = trail * 10 + 1; });
		inner.defer([&trail] { trail = trail * 10 + 2; });
	}
	KSTD_EXPECT_EQ(trail, 0);
	KSTD_EXPECT(!fake.failed());
	fake.end();
	KSTD_EXPECT_EQ(trail, 21);
}

KSTD_TEST(kstd_kunit, operands_describe_themselves)
{
	KSTD_EXPECT_EQ(described(-12).view(), kstd::string_view("-12"));
	KSTD_EXPECT_EQ(described(4096u).view(), kstd::string_view("4096 (0x1000)"));
	KSTD_EXPECT_EQ(described('a').view(), kstd::string_view("'a' (97)"));
	KSTD_EXPECT_EQ(described(true).view(), kstd::string_view("true"));
	KSTD_EXPECT_EQ(described(nullptr).view(), kstd::string_view("nullptr"));
	KSTD_EXPECT_EQ(described(static_cast<const char *>(nullptr)).view(),
		       kstd::string_view("(null)"));
	KSTD_EXPECT_EQ(described("GET").view(), kstd::string_view("\"GET\""));
	KSTD_EXPECT_EQ(described(kstd::string_view("GET /x", 3)).view(),
		       kstd::string_view("\"GET\""));
	KSTD_EXPECT_EQ(described(kstd::error::nomem()).view(), kstd::string_view("-ENOMEM (-12)"));
	KSTD_EXPECT_EQ(described(kstd::result<int>(5)).view(), kstd::string_view("value 5"));
	KSTD_EXPECT_EQ(described(kstd::result<int>(kstd::error::again())).view(),
		       kstd::string_view("error -EAGAIN (-11)"));
	KSTD_EXPECT_EQ(described(colour::red).view(), kstd::string_view("enum value 3"));
	KSTD_EXPECT_EQ(described(port_case{"x", 1}).view(),
		       kstd::string_view("(a 16-byte object)"));
}

KSTD_TEST_P(kstd_kunit, parameters_run_once_each, ports)
{
	unsigned int i = static_cast<unsigned int>(&param - &ports[0]);
	KSTD_ASSERT_LT(i, 3u);
	KSTD_EXPECT_EQ(param.value, ports[i].value);
	ports_seen |= 1u << i;
	order_step = 1;
}

KSTD_TEST(kstd_kunit, cases_run_in_file_order_after_every_parameter)
{
	KSTD_EXPECT_EQ(order_step, 1);
	KSTD_EXPECT_EQ(ports_seen, 7u);
	char desc[KSTD_KUNIT_PARAM_DESC_SIZE];
	const void *p = kstd::kunit::detail::generate<ports>(nullptr, desc);
	KSTD_EXPECT(p == &ports[0]);
	KSTD_EXPECT_EQ(kstd::string_view(desc), kstd::string_view("low"));
	p = kstd::kunit::detail::generate<ports>(&ports[2], desc);
	KSTD_EXPECT(p == nullptr);
}

KSTD_TEST_SUITE_END(kstd_kunit);
