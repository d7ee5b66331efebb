#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs kstd's KUnit suites with the kernel's own runner, kunit.py, on UML.
#
#   scripts/kunit-uml.sh [kunit.py run options, e.g. 'kstd_list*']
#
# The UML kernel is built (incrementally) in $KSTD_UML_DIR, by default
# $KSTD_CACHE/build/linux-<version>-uml-kunit; the suites are built in
# through the drivers/kstd hook (scripts/lib.sh), from this checkout.  A
# module's own suites: scripts/kunit.sh --module DIR.
#
# KSTD_LLVM=1 (or -14, or /usr/lib/llvm-14/bin/: the kernel's LLVM=
# spellings) builds the kernel, and so the suites' C++, with clang, in a build
# directory of its own (...-uml-kunit-llvm<KSTD_LLVM>).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

src=$(kernel_src)
llvm=${KSTD_LLVM:-}
dir=$(uml_kunit_build_dir "$src")
mkdir -p "$(dirname "$dir")" # kunit.py creates only the last component
cd "$src"
# One kunit.py at a time in a build directory (scripts/kunit.sh too).
exec 9>"$dir.lock"
flock 9
exec python3 tools/testing/kunit/kunit.py run --kunitconfig="$KSTD_ROOT/kunit/.kunitconfig" \
	--build_dir="$dir" --jobs="$KSTD_JOBS" --timeout=300 \
	--make_options "KSTD_KUNIT_DIR=$(kunit_dir_name)" ${llvm:+--make_options "LLVM=$llvm"} "$@"
