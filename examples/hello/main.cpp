// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/module.hpp>

struct job {
	int id;
	kstd::list_node link;
};

struct hello {
	// The list owns its jobs: what is still on it goes with it.
	kstd::locked<kstd::intrusive_list<&job::link, kstd::unique_ptr<job>>> jobs{"hello.jobs"};

	static kstd::result<kstd::unique_ptr<hello>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<hello>(kstd::gfp::kernel));
		auto first = KSTD_TRY(kstd::make_unique<job>(kstd::gfp::kernel, 1));
		self->jobs.lock()->push_back(kstd::move(first));
		kstd_pr_info("%zu job(s) queued\n", self->jobs.lock()->size());
		return self; // any error above is what insmod reports
	}
};

KSTD_MODULE(hello);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("hello from kstd");
