// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/string.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

using kstd::error;
using kstd::result;

namespace {

result<int> half(int v)
{
	if (v % 2)
		return error::inval();
	return v / 2;
}

result<int> quarter(int v)
{
	int h = KSTD_TRY(half(v));
	return KSTD_TRY(half(h));
}

int steps_after_try;

result<void> must_be_even(int v)
{
	KSTD_TRY(half(v));
	steps_after_try++;
	return {};
}

struct tracker {
	int *destroyed;
	explicit tracker(int *d) : destroyed(d) {}
	tracker(tracker &&o) : destroyed(kstd::exchange(o.destroyed, nullptr)) {}
	~tracker()
	{
		if (destroyed)
			(*destroyed)++;
	}
};

struct base {
	int v = 1;
};
struct derived : base {
	derived() { v = 2; }
};

} // namespace

KSTD_TEST_SUITE(kstd_result);

KSTD_TEST(kstd_result, value_roundtrip)
{
	result<int> r = 42;
	KSTD_EXPECT(r.has_value());
	KSTD_EXPECT(static_cast<bool>(r));
	KSTD_EXPECT_EQ(r.value(), 42);
	KSTD_EXPECT_EQ(*r, 42);
	KSTD_EXPECT_EQ(r.to_errno(), 0);
}

KSTD_TEST(kstd_result, error_is_negative_errno)
{
	result<int> r = error::nomem();
	KSTD_EXPECT(!r.has_value());
	KSTD_EXPECT_EQ(r.error().to_errno(), -KSTD_ENOMEM);
	KSTD_EXPECT_EQ(r.to_errno(), -KSTD_ENOMEM);
	KSTD_EXPECT(r.error() == error::nomem());
	KSTD_EXPECT(!(r.error() == error::inval()));
}

KSTD_TEST(kstd_result, from_errno_clamps_invalid)
{
	KSTD_EXPECT_EQ(error::from_errno(-KSTD_EAGAIN).to_errno(), -KSTD_EAGAIN);
	KSTD_EXPECT_EQ(error::from_errno(-1).to_errno(), -1);
	KSTD_EXPECT_EQ(error::from_errno(-KSTD_MAX_ERRNO).to_errno(), -KSTD_MAX_ERRNO);
	/* 0, positive values and values below -MAX_ERRNO are not errnos. */
	KSTD_EXPECT_EQ(error::from_errno(0).to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(error::from_errno(5).to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(error::from_errno(-KSTD_MAX_ERRNO - 1).to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(kstd::from_errno(7).value(), 7);
	KSTD_EXPECT_EQ(kstd::from_errno(-KSTD_EIO).to_errno(), -KSTD_EIO);
	KSTD_EXPECT(kstd::to_result(0).has_value());
	KSTD_EXPECT_EQ(kstd::to_result(-KSTD_EBUSY).to_errno(), -KSTD_EBUSY);
}

KSTD_TEST(kstd_result, try_propagates_error)
{
	KSTD_EXPECT_EQ(quarter(6).to_errno(), -KSTD_EINVAL); /* 6/2 = 3 is odd */
	KSTD_EXPECT_EQ(quarter(3).to_errno(), -KSTD_EINVAL);
	steps_after_try = 0;
	KSTD_EXPECT_EQ(must_be_even(3).to_errno(), -KSTD_EINVAL);
	KSTD_EXPECT_EQ(steps_after_try, 0);
}

KSTD_TEST(kstd_result, try_yields_value)
{
	KSTD_EXPECT_EQ(quarter(8).value(), 2);
	steps_after_try = 0;
	KSTD_EXPECT(must_be_even(4).has_value());
	KSTD_EXPECT_EQ(steps_after_try, 1);
}

KSTD_TEST(kstd_result, void_result)
{
	result<void> ok;
	result<void> bad = error::busy();
	KSTD_EXPECT(ok.has_value());
	KSTD_EXPECT_EQ(ok.to_errno(), 0);
	KSTD_EXPECT(!bad);
	KSTD_EXPECT_EQ(bad.error().to_errno(), -KSTD_EBUSY);
}

KSTD_TEST(kstd_result, err_ptr_roundtrip)
{
	int x = 0;
	void *p = error::noent().to_err_ptr();
	KSTD_EXPECT(kstd::is_err_ptr(p));
	KSTD_EXPECT(!kstd::is_err_ptr(&x));
	KSTD_EXPECT(!kstd::is_err_ptr(nullptr));
	KSTD_EXPECT_EQ(kstd::from_err_ptr(p).to_errno(), -KSTD_ENOENT);
	KSTD_EXPECT(kstd::from_err_ptr(&x).value() == &x);
	KSTD_EXPECT_EQ(kstd::from_err_ptr<int>(nullptr).to_errno(), -KSTD_ENOMEM);
	KSTD_EXPECT_EQ(kstd::from_err_ptr<int>(nullptr, error::nodev()).to_errno(), -KSTD_ENODEV);
}

KSTD_TEST(kstd_result, move_only_value)
{
	int destroyed = 0;
	{
		result<tracker> r{kstd::in_place, &destroyed};
		KSTD_EXPECT(r.has_value());
		tracker t = kstd::move(r).value();
		KSTD_EXPECT_EQ(destroyed, 0);
	}
	/* Exactly one live tracker existed: the moved-from one does not count. */
	KSTD_EXPECT_EQ(destroyed, 1);
	{
		result<tracker> r = error::again();
	}
	KSTD_EXPECT_EQ(destroyed, 1);
}

KSTD_TEST(kstd_result, converting_result)
{
	auto make = []() -> result<kstd::unique_ptr<base>> {
		return kstd::make_unique<derived>(kstd::gfp::kernel);
	};
	auto r = make();
	KSTD_EXPECT(r.has_value());
	if (r)
		KSTD_EXPECT_EQ(r.value()->v, 2);
}

KSTD_TEST(kstd_result, value_or)
{
	KSTD_EXPECT_EQ(half(8).value_or(-1), 4);
	KSTD_EXPECT_EQ(half(7).value_or(-1), -1);
}

/* Every factory of kstd/errno.h returns the kernel's own value (from C). */
KSTD_TEST(kstd_result, errno_values_match_kernel)
{
	static constexpr int mine[] = {
#define ROW(fn, NAME) error::fn().to_errno(),
		KSTD_ERRNO_TABLE(ROW)
#undef ROW
	};
	unsigned int rows = sizeof(mine) / sizeof(mine[0]);
	KSTD_EXPECT_EQ(rows, 150); /* 131 of uapi (no aliases) + 19 kernel-internal */
	for (unsigned int i = 0; i < rows; i++)
		KSTD_EXPECT_EQ(mine[i], -kstd_kunit_kernel_errno(i));
	KSTD_EXPECT_EQ(kstd_kunit_kernel_errno(rows), 0);
	/* A few spelled out, against the numbers of asm-generic and linux/errno.h. */
	KSTD_EXPECT_EQ(error::perm().to_errno(), -1);
	KSTD_EXPECT_EQ(error::toobig().to_errno(), -7);
	KSTD_EXPECT_EQ(error::notdir().to_errno(), -20);
	KSTD_EXPECT_EQ(error::hwpoison().to_errno(), -133);
	KSTD_EXPECT_EQ(error::restartsys().to_errno(), -512);
	KSTD_EXPECT_EQ(error::probe_defer().to_errno(), -517);
	KSTD_EXPECT_EQ(error::notsupp().to_errno(), -524);
	KSTD_EXPECT_EQ(error::nograce().to_errno(), -531);
}

static bool same(const char *a, const char *b)
{
	return kstd::string_view(a) == kstd::string_view(b);
}

KSTD_TEST(kstd_result, errno_name)
{
	KSTD_EXPECT(same(error::noent().name(), "ENOENT"));
	KSTD_EXPECT(same(error::toobig().name(), "E2BIG"));
	KSTD_EXPECT(same(error::again().name(), "EAGAIN"));   /* not EWOULDBLOCK */
	KSTD_EXPECT(same(error::deadlk().name(), "EDEADLK")); /* not EDEADLOCK */
	KSTD_EXPECT(same(error::opnotsupp().name(), "EOPNOTSUPP"));
	KSTD_EXPECT(same(error::notsupp().name(), "ENOTSUPP"));
	KSTD_EXPECT(same(error::restart_restartblock().name(), "ERESTART_RESTARTBLOCK"));
	KSTD_EXPECT(same(error::from_errno(-KSTD_EPIPE).name(), "EPIPE"));
	static_assert(error::inval().name()[1] == 'I', "name() is constexpr");
}

KSTD_TEST(kstd_result, errno_name_unknown)
{
	/* 41 and 58 are holes (the aliases), 520 is unused, 532+ is not named. */
	KSTD_EXPECT(same(error::from_errno(-41).name(), "E???"));
	KSTD_EXPECT(same(error::from_errno(-58).name(), "E???"));
	KSTD_EXPECT(same(error::from_errno(-520).name(), "E???"));
	KSTD_EXPECT(same(error::from_errno(-4095).name(), "E???"));
	/* Out of range becomes -EINVAL, which has a name. */
	KSTD_EXPECT(same(error::from_errno(0).name(), "EINVAL"));
}

/* Every named errno: from_errno(to_errno()) is the same error, with a distinct name. */
KSTD_TEST(kstd_result, errno_roundtrip)
{
	static constexpr error all[] = {
#define ROW(fn, NAME) error::fn(),
		KSTD_ERRNO_TABLE(ROW)
#undef ROW
	};
	static const char *const names[] = {
#define ROW(fn, NAME) #NAME,
		KSTD_ERRNO_TABLE(ROW)
#undef ROW
	};
	for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		error back = error::from_errno(all[i].to_errno());
		KSTD_EXPECT(back == all[i]);
		KSTD_EXPECT(same(back.name(), names[i]));
		kstd::result<int> r = back;
		KSTD_EXPECT(!r && r.error() == all[i]);
		KSTD_EXPECT(all[i].to_errno() < 0 && all[i].to_errno() >= -KSTD_MAX_ERRNO);
	}
	/* ERR_PTR round trip for the highest one. */
	auto p = kstd::from_err_ptr(error::nograce().to_err_ptr<int>());
	KSTD_EXPECT(!p && p.error() == error::nograce());
}

KSTD_TEST_SUITE_END(kstd_result);
