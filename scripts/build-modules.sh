#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds every module of this repository (examples, KUnit and test modules)
# against one kernel build directory, out of the source tree:
#
#   scripts/build-modules.sh KDIR [make arguments, e.g. W=1]
#
# Objects go to build/modules/<kernel>/, a tree of symlinks to the sources,
# so builds for different kernels never share generated files.  Prints that
# directory on stdout; the build log is in <dir>/build.log.  Fails on any
# compiler, objtool or modpost warning.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kdir=${1:?usage: build-modules.sh KDIR [make args]}
shift
[ -f "$kdir/Makefile" ] || die "$kdir is not a kernel build directory (no Makefile)"
kdir=$(realpath "$kdir")
out=${KSTD_BUILD:-$KSTD_ROOT/build}/modules/$(basename "$kdir")

# The symlink farm: every source file, linked; generated files stay here.
mkdir -p "$out"
find "$out" -xtype l -delete 2>/dev/null || true
(cd "$KSTD_ROOT" && find Kbuild kunit $(ls -d examples bench 2>/dev/null) -type f \
	\( -name Kbuild -o -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' \)) |
	while read -r f; do
		mkdir -p "$out/$(dirname "$f")"
		ln -sfn "$KSTD_ROOT/$f" "$out/$f"
	done

log "building modules against $kdir"
# PAHOLE: kstd.mk's KSTD_KBUILD_ARGS (module BTF without the C++ units).
if ! make -C "$kdir" M="$out" PAHOLE="$KSTD_ROOT/lib/kstd-pahole" -j"$KSTD_JOBS" "$@" \
	>"$out/build.log" 2>&1; then
	grep -E 'error|Error' "$out/build.log" | head -30 >&2
	die "module build failed against $kdir (log: $out/build.log)"
fi
# pahole's complaints count too (module BTF: see lib/kstd-pahole).
if grep -iE 'warning:|objtool|tag not supported|Unsupported DW_TAG|error while encoding BTF' \
	"$out/build.log" >&2; then
	die "module build against $kdir printed warnings (log: $out/build.log)"
fi
echo "$out"
