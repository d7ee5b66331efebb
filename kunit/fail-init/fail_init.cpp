// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module whose initialisation fails on request, to prove from user space
 * that KSTD_MODULE() hands create()'s errno to insmod and that nothing is
 * left behind: `insmod kstd_fail_init.ko err=19` must fail with ENODEV and
 * the module must not be listed afterwards; with err=0 it loads, and
 * unloads cleanly.
 */
#include <kstd/memory.hpp>
#include <kstd/module.hpp>

/* Set by the `err` module parameter (see the C part below). */
extern "C" int kstd_fail_init_err;

namespace {

struct fail_init {
	kstd::unique_ptr<char[]> scratch;

	static kstd::result<kstd::unique_ptr<fail_init>> create()
	{
		/* Allocate first, so a failure path with resources is exercised. */
		auto self = KSTD_TRY(kstd::make_unique<fail_init>(kstd::gfp::kernel));
		self->scratch = KSTD_TRY(kstd::make_unique<char[]>(kstd::gfp::kernel, 4096));
		if (kstd_fail_init_err)
			return kstd::error::from_errno(-kstd_fail_init_err);
		kstd_pr_info("loaded\n");
		return self;
	}
	~fail_init() { kstd_pr_info("unloaded\n"); }
};

} // namespace

KSTD_MODULE(fail_init);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("kstd test: module init that fails with a chosen errno");
