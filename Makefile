# SPDX-License-Identifier: GPL-2.0-only
#
# kstd: top-level targets.  Kernel modules themselves are built by Kbuild
# (see Kbuild and kstd.mk); this file only drives scripts.
#
#   make demo                                  the reference modules vs user space, in a guest
#   make bench [BENCH_QUICK=1]                 side-by-side benchmarks, report in build/bench
#   make check                                 every test (see README.md)
#   make stress [DURATION=300] [CONNS=1000]    the reliability gauntlet in the debug guest
#   make fuzz-guest [FUZZ_SECONDS=300] [FUZZ_SEED=N]  fuzz khttpd and drop_tcp_sock in the debug guest
#   make modules [KDIR=/path/to/kernel/build]  build every module out of tree
#   make tools                                 the user-space tools (bench, ...)
#   make kernels                               build/reuse the test kernels
#   make docs                                  API reference (Doxygen) into build/docs/html
#   make doc-examples [KDIR=...]               compile every @code example of include/kstd
#   make lint [KDIR=...]                       clang-format, clang-tidy, checkpatch
#   make compile_commands.json [KDIR=...]      compilation database for clangd/clang-tidy
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

# Passed to the lint and compile-commands scripts only when given (they have
# their own default: the running kernel's headers, else the cached test kernel).
KDIR_ARG = $(if $(filter command line environment,$(origin KDIR)),$(KDIR))

.PHONY: modules check stress fuzz-guest demo bench tools kernels docs doc-examples lint compile_commands.json clean help

help:
	@sed -n 's/^#   //p' Makefile

modules:
	scripts/build-modules.sh $(KDIR) $(if $(W),W=$(W)) $(if $(V),V=$(V))

check:
	scripts/check.sh

stress:
	scripts/stress.sh

fuzz-guest:
	scripts/fuzz-guest.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

tools:
	scripts/build-tools.sh

kernels:
	scripts/build-kernel.sh x86
	scripts/build-kernel.sh x86-debug

docs:
	scripts/docs.sh

doc-examples:
	scripts/doc-examples.py $(KDIR) W=1

lint:
	scripts/lint.sh $(KDIR_ARG)

compile_commands.json:
	scripts/compile-commands.sh $(KDIR_ARG)

clean:
	rm -rf build
