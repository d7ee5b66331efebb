#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs kstd's KUnit suites with the kernel's own runner, kunit.py, on UML.
#
#   scripts/kunit-uml.sh [kunit.py run options, e.g. 'kstd_list*']
#
# The UML kernel is built (incrementally) in $KSTD_UML_DIR, by default
# $KSTD_CACHE/build/linux-<version>-uml-kunit; the suites are built in
# through the drivers/kstd hook (scripts/lib.sh), from this checkout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

src=$(kernel_src)
ver=$(kernel_version "$src")
dir=${KSTD_UML_DIR:-$KSTD_CACHE/build/linux-$ver-uml-kunit}
mkdir -p "$(dirname "$dir")" # kunit.py creates only the last component
cd "$src"
exec python3 tools/testing/kunit/kunit.py run --kunitconfig="$KSTD_ROOT/kunit/.kunitconfig" \
	--build_dir="$dir" --jobs="$KSTD_JOBS" --timeout=300 \
	--make_options "KSTD_KUNIT_DIR=$(kunit_dir_name)" "$@"
