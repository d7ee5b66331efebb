// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers behind kstd/kunit.hpp; prototypes in <kstd/bindings/kunit.h>.
 *
 * Why C: KUnit reports a failure through macros that build struct
 * kunit_loc and struct kunit_assert in place, and its resource API and the
 * current parameter live in struct kunit, which C++ does not see.  The
 * suites and cases themselves are built in C++ (kunit.hpp mirrors struct
 * kunit_case and struct kunit_suite, checked against layout.h below).
 */
#include <kunit/resource.h>
#include <kunit/test.h>

CHECK_LAYOUT(KUNIT_CASE, struct kunit_case);
CHECK_LAYOUT(KUNIT_SUITE, struct kunit_suite);
static_assert(KSTD_KUNIT_PARAM_DESC_SIZE == KUNIT_PARAM_DESC_SIZE, "stale layout");

/*
 * The kernel renamed kunit_do_failed_assertion() to
 * __kunit_do_failed_assertion() in 6.2; same arguments.
 */
#ifdef KSTD_HAVE_KUNIT_DUNDER_FAILED_ASSERTION
#define kstd_do_failed_assertion __kunit_do_failed_assertion
#else
#define kstd_do_failed_assertion kunit_do_failed_assertion
#endif

void kstd_kunit_fail(struct kunit *test, const char *file, int line, const char *message)
{
	/* KUNIT_FAIL() with the C++ caller's location instead of this one. */
	const struct kunit_loc loc = { .line = line, .file = file };
	const struct kunit_fail_assert assert = {};

	kstd_do_failed_assertion(test, &loc, KUNIT_EXPECTATION, &assert.assert,
				 kunit_fail_assert_format, "%s", message);
}

void kstd_kunit_mark_skipped(struct kunit *test, const char *why)
{
	kunit_mark_skipped(test, "%s", why);
}

const void *kstd_kunit_param_value(struct kunit *test)
{
	return test->param_value;
}

struct kstd_kunit_deferred {
	void (*run)(void *data);
	unsigned long data[];	/* kmalloc alignment for the C++ object */
};

static int kstd_kunit_deferred_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void kstd_kunit_deferred_free(struct kunit_resource *res)
{
	struct kstd_kunit_deferred *d = res->data;

	d->run(d->data);
	kfree(d);
}

void *kstd_kunit_defer(struct kunit *test, size_t size, void (*run)(void *data))
{
	struct kstd_kunit_deferred *d = kzalloc(struct_size(d, data, DIV_ROUND_UP(size,
							sizeof(unsigned long))), GFP_KERNEL);

	if (!d)
		return NULL;
	d->run = run;
	if (!kunit_alloc_resource(test, kstd_kunit_deferred_init, kstd_kunit_deferred_free,
				  GFP_KERNEL, d)) {
		kfree(d);
		return NULL;
	}
	return d->data;
}
