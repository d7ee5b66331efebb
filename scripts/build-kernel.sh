#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds (or reuses) a test kernel and prints its build directory.
#
#   scripts/build-kernel.sh x86        x86_64 SMP guest (modules, IPv4/6, KUnit)
#   scripts/build-kernel.sh x86-debug  the same plus KASAN, kmemleak, lockdep, ...
#   scripts/build-kernel.sh x86-debug-clang  x86-debug built with clang 14 (LLVM=-14)
#   scripts/build-kernel.sh x86-rt-debug     x86-debug with PREEMPT_RT
#
# Kernels are cached in $KSTD_CACHE/build/<version>-<flavor>-<config hash>, so
# a rerun, or a second checkout on the same machine, reuses them.  The source
# is Debian's linux-source-6.12 unless KSTD_KERNEL_SRC names another tree.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavor=${1:?usage: build-kernel.sh x86|x86-debug|x86-debug-clang|x86-rt-debug}
llvm= # the kernel's LLVM= (its modules need the same)
case $flavor in
x86) frags=(guest.config) ;;
x86-debug) frags=(guest.config debug.config) ;;
x86-debug-clang) frags=(guest.config debug.config) llvm=-14 ;;
x86-rt-debug) frags=(guest.config debug.config rt.config) ;;
*) die "unknown kernel flavor '$flavor'" ;;
esac

src=$(kernel_src)
ver=$(kernel_version "$src")
fragpaths=("$src/kernel/configs/tiny.config" "$src/arch/x86/configs/tiny.config"
	   "$src/kernel/configs/kvm_guest.config")
for f in "${frags[@]}"; do fragpaths+=("$KSTD_ROOT/scripts/kconfig/$f"); done
if [ -n "$llvm" ]; then
	need_pkgs "clang$llvm" "lld$llvm" "llvm$llvm"
	cc_id=$(clang$llvm --version | head -1)
else
	cc_id=$(gcc --version | head -1)
fi
key=$( (cat "${fragpaths[@]}"; echo "$cc_id"; echo "$src") | sha256sum | cut -c1-12)
out=$KSTD_CACHE/build/linux-$ver-$flavor-$key

if [ -f "$out/.kstd-built" ]; then
	echo "$out"
	exit 0
fi

log "building Linux $ver ($flavor) in $out; this takes several minutes the first time"
mkdir -p "$out"
make -s -C "$src" O="$out" ARCH=x86_64 ${llvm:+LLVM=$llvm} tinyconfig >/dev/null
KCONFIG_CONFIG=$out/.config "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "${fragpaths[@]:2}" >/dev/null
make -s -C "$src" O="$out" ARCH=x86_64 ${llvm:+LLVM=$llvm} olddefconfig >/dev/null

# merge_config only warns when a symbol did not stick; a silently missing
# KASAN or lockdep would make every later "no warnings" claim hollow.  The
# last fragment that mentions a symbol decides its wanted value.
declare -A want=()
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		[[ $line == CONFIG_*=* ]] && want[${line%%=*}]=${line#*=}
	done <"$KSTD_ROOT/scripts/kconfig/$f"
done
for sym in "${!want[@]}"; do
	if [ "${want[$sym]}" = n ]; then
		! grep -q "^$sym=" "$out/.config" || die "$sym is set, wanted off"
	else
		grep -qx "$sym=${want[$sym]}" "$out/.config" ||
			die "$sym=${want[$sym]} did not stick in $out/.config"
	fi
done

make -C "$src" O="$out" ARCH=x86_64 ${llvm:+LLVM=$llvm} -j"$KSTD_JOBS" >"$out/build.log" 2>&1 ||
	{ tail -40 "$out/build.log" >&2; die "kernel build failed, see $out/build.log"; }
touch "$out/.kstd-built"
log "built $out"
echo "$out"
