# SPDX-License-Identifier: GPL-2.0-only
#
# kstd: top-level targets.  Kernel modules themselves are built by Kbuild
# (see Kbuild and kstd.mk); this file only drives scripts.
#
#   make demo                                  the reference modules vs user space, in a guest
#   make check                                 every test (see README.md)
#   make modules [KDIR=/path/to/kernel/build]  build every module out of tree
#   make tools                                 the user-space tools (bench, ...)
#   make kernels                               build/reuse the test kernels
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

.PHONY: modules check demo tools kernels clean help

help:
	@sed -n 's/^#   //p' Makefile

modules:
	scripts/build-modules.sh $(KDIR) $(if $(W),W=$(W)) $(if $(V),V=$(V))

check:
	scripts/check.sh

demo:
	scripts/demo.sh

tools:
	scripts/build-tools.sh

kernels:
	scripts/build-kernel.sh x86
	scripts/build-kernel.sh x86-debug

clean:
	rm -rf build
