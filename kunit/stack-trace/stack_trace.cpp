// SPDX-License-Identifier: GPL-2.0-only
/*
 * A module whose kernel thread sleeps inside a C++ member function, so that
 * a test can read the thread's stack (/proc/PID/stack) and decode it with
 * the kernel's scripts/decode_stacktrace.sh: the frame must come out as the
 * C++ function with its source file and line, read from the module's DWARF
 * (which kstd keeps when the kernel also encodes module BTF).
 */
#include <kstd/module.hpp>
#include <kstd/thread.hpp>
#include <kstd/wait.hpp>

namespace {

struct stack_trace_demo {
	kstd::wait_queue wake{"stack_trace_demo.wake"};
	kstd::kthread sleeper; // declared last: stopped first

	/* Not inlined, so that it is a frame of its own on the stack. */
	[[gnu::noinline]] int sleep_until_stopped()
	{
		/* Interruptible: a long sleep here is no hung task. */
		(void)wake.wait_interruptible([] { return kstd::kthread::should_stop(); });
		return 0;
	}

	static kstd::result<kstd::unique_ptr<stack_trace_demo>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<stack_trace_demo>(kstd::gfp::kernel));
		self->sleeper = KSTD_TRY(kstd::kthread::run<&stack_trace_demo::sleep_until_stopped>(
			"kstd_stack_trace", *self));
		return self;
	}
};

} // namespace

KSTD_MODULE(stack_trace_demo);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("kstd test: a kernel thread asleep in a C++ function");
