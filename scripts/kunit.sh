#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs a kernel module's own KUnit suites (docs/getting-started.md, "Test
# your module with KUnit"), in a UML kernel with the kernel's runner,
# kunit.py, or in the x86_64 debug guest (KASAN, lockdep, kmemleak):
#
#   scripts/kunit.sh --module DIR [kunit.py run options, e.g. 'mymod*']
#   scripts/kunit.sh --module DIR --guest [FILTER_GLOB]
#
# DIR is the module's directory, which holds the suites' kunit/Kbuild; the
# kunit directory itself is accepted too.  Prints KUnit's summary and fails
# when a test fails or crashes, or when the suites do not build.
#
# UML: the suites are built into the UML kernel of scripts/kunit-uml.sh,
# incrementally in the same cached build directory: scripts/lib.sh links
# DIR/kunit into the cached kernel source as drivers/kstd/m-<hash of its
# path> and kunit.py builds that directory instead of kstd's own suites
# (KSTD_KUNIT_DIR; switching between the two relinks vmlinux and rebuilds
# nothing else).  Its configuration is kstd's kunit/.kunitconfig, plus
# DIR/kunit/.kunitconfig if the module has one (options its suites need;
# a configuration change rebuilds much of the kernel once).  KSTD_LLVM as
# for kunit-uml.sh.
#
# --guest: the suites are built as test modules, out of tree, against the
# debug kernel (scripts/build-kernel.sh x86-debug), in
# build/kunit/<module>-<hash>/<kernel>/ of this checkout (a mirror of DIR,
# lib/kstd-mirror), then loaded and unloaded one after the other in the
# guest (scripts/run-guest.sh --ktap), whose console KUnit's parser reads.
# A kernel report or a leak fails the run too.  FILTER_GLOB becomes
# kunit.filter_glob; KSTD_GUEST_APPEND adds to the kernel command line
# (e.g. kmemleak=off, for a quicker run).  Like every guest boot on a
# shared machine: flock /tmp/kstd-guest.lock scripts/kunit.sh ...
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
	sed -n '7,8s/^# *//p' "$0" >&2
	exit 2
}

module='' guest=0
while [ $# -gt 0 ]; do
	case $1 in
	--module) [ $# -ge 2 ] || usage; module=$2; shift 2 ;;
	--module=*) module=${1#--module=}; shift ;;
	--guest) guest=1; shift ;;
	-h | --help) usage ;;
	*) break ;;
	esac
done
[ -n "$module" ] || usage
[ -d "$module" ] || die "--module $module: no such directory"
if [ -f "$module/kunit/Kbuild" ]; then
	kdir=$(cd "$module/kunit" && pwd -P)
elif [ "$(basename "$(cd "$module" && pwd -P)")" = kunit ] && [ -f "$module/Kbuild" ]; then
	kdir=$(cd "$module" && pwd -P)
else
	die "$module holds no kunit/Kbuild (see docs/getting-started.md, \"Test your module with KUnit\")"
fi

if [ "$guest" = 0 ]; then
	src=$(kernel_src)
	name=$(hook_module_kunit "$src" "$kdir")
	llvm=${KSTD_LLVM:-}
	dir=$(uml_kunit_build_dir "$src")
	configs=(--kunitconfig="$KSTD_ROOT/kunit/.kunitconfig")
	[ ! -f "$kdir/.kunitconfig" ] || configs+=(--kunitconfig="$kdir/.kunitconfig")
	mkdir -p "$(dirname "$dir")" # kunit.py creates only the last component
	cd "$src"
	exec 9>"$dir.lock" # one kunit.py at a time in a build directory
	flock 9
	log "building $kdir into the UML kernel in $dir (drivers/kstd/$name)"
	exec python3 tools/testing/kunit/kunit.py run "${configs[@]}" \
		--build_dir="$dir" --jobs="$KSTD_JOBS" --timeout=300 \
		--make_options "KSTD_KUNIT_DIR=$name" ${llvm:+--make_options "LLVM=$llvm"} "$@"
fi

[ $# -le 1 ] || usage
k=$("$KSTD_ROOT/scripts/build-kernel.sh" x86-debug)
moddir=$(dirname "$kdir")
out=$KSTD_ROOT/build/kunit/$(basename "$moddir")-$(echo "$kdir" | sha256sum | cut -c1-12)/$(basename "$k")
sh "$KSTD_ROOT/lib/kstd-mirror" "$moddir" "$out"
sub=$out/$(basename "$kdir")
log "building $kdir against $k in $sub"
rm -f "$sub/modules.order"
if ! make -C "$k" M="$sub" PAHOLE="$KSTD_ROOT/lib/kstd-pahole" -j"$KSTD_JOBS" \
	>"$sub/build.log" 2>&1; then
	grep -E 'error|Error' "$sub/build.log" | head -30 >&2
	die "the suites do not build (log: $sub/build.log)"
fi
# The test modules this Kbuild builds now (not stale ones): modules.order.
kos=()
while read -r o; do
	o=${o#"$sub"/}
	kos+=("$sub/${o%.o}.ko")
done <"$sub/modules.order"
[ ${#kos[@]} -gt 0 ] || die "$kdir/Kbuild builds no module (obj-\$(KSTD_KUNIT) += ...?)"

cmd='r=0'
for ko in "${kos[@]}"; do
	cmd+="; insmod $ko && rmmod $(basename "$ko" .ko) || r=1"
done
cmd+='; exit $r'
append=${KSTD_GUEST_APPEND:-}${1:+ kunit.filter_glob=$1}
cd "$KSTD_ROOT"
exec "$KSTD_ROOT/scripts/run-guest.sh" --kernel "$k/arch/x86/boot/bzImage" --ktap --timeout 900 \
	--out "$out/guest" ${append:+--append "$append"} -- bash -c "$cmd"
