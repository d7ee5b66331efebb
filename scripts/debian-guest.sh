#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The reference modules' integration tests on one of Debian's own kernels:
# the signed image from linux-image-<release> (scripts/debian-kernel.sh),
# booted by scripts/run-guest.sh --modules (virtio-pci and 9p are modules
# there), with the modules built (W=1) against the matching headers.
#
#   scripts/debian-guest.sh [HEADERS_META [OUT_DIR]]
#
# HEADERS_META is a headers meta-package: linux-headers-amd64 (6.1, the
# default), linux-headers-rt-amd64 (6.1 PREEMPT_RT), linux-headers-6.12-amd64,
# linux-headers-6.12-rt-amd64.  OUT_DIR defaults to build/guest-<release>.
#
# In the guest: module-entry.sh, proc-param.sh, kecho.sh, khttpd.sh,
# drop-tcp-socket.sh; module-btf.sh (each module's taint is O and E only,
# and its BTF is registered where the .ko has one); stack-trace.sh (the
# stack of a thread asleep in a C++ function); then whether the kernel is
# tainted E.  On the host: that stack decoded by the kernel's
# scripts/decode_stacktrace.sh names the C++ function and its source line
# (where the kernel builds modules with debug information); the console
# shows the unsigned-module taint; and the kernel-report scan that passed
# this log does fail once a WARNING is added to it (so the taint lines are
# allowed, not the scan blind).  Prints "ok - ..." / "not ok - ..." lines;
# fails if any check or the guest run fails.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

meta=${1:-linux-headers-amd64}
kdir=$(debian_headers "$meta") || exit 1
kver=${kdir##*/linux-headers-}
out=${2:-${KSTD_BUILD:-$KSTD_ROOT/build}/guest-$kver}

img=$("$KSTD_ROOT/scripts/debian-kernel.sh" "$kver") || die "no Debian kernel image for $kver"
# W=1 as in make check's module build, so that build is reused as is.
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir" W=1) || die "module build against $kdir failed"
tools=$("$KSTD_ROOT/scripts/build-tools.sh") || die "tools build failed"

log "Debian $kver guest: module entry, params and /proc, the reference modules, BTF, a C++ stack"
t=$KSTD_ROOT/scripts/guest-tests
# Debian's 6.12 kernels patch live code on SMP (static keys) in a way that
# multi-threaded TCG does not keep coherent ("Oops: int3" at boot).
tcg_single=
case $kver in 6.1.*) ;; *) tcg_single=1 ;; esac
"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$img/boot/vmlinuz-$kver" \
	--modules "$img/lib/modules/$kver" --timeout 1200 --out "$out" ${tcg_single:+--tcg-single} -- \
	bash -c "r=0
		 $t/module-entry.sh $mods || r=1
		 $t/proc-param.sh $mods || r=1
		 $t/kecho.sh $mods $tools || r=1
		 $t/khttpd.sh $mods $tools || r=1
		 $t/drop-tcp-socket.sh $mods || r=1
		 $t/module-btf.sh $mods || r=1
		 $t/stack-trace.sh $mods || r=1
		 # TAINT_UNSIGNED_MODULE is bit 13 (E).
		 if (( \$(</proc/sys/kernel/tainted) & 8192 )); then
			echo 'ok - unsigned modules loaded, kernel tainted E'
		 else
			echo 'not ok - unsigned modules loaded, kernel tainted E'; r=1
		 fi
		 exit \$r"
rc=$?

console=$out/console.log
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

# The C++ frame of the sleeping thread, decoded from the module's DWARF:
# "(anonymous namespace)::stack_trace_demo::sleep_until_stopped() ...
# stack_trace.cpp:NN".  decode_stacktrace.sh wants a vmlinux even for
# module frames; the headers' (BTF only) does, or the module itself.
ko=$mods/kunit/stack-trace/kstd_stack_trace.ko
if readelf -S "$ko" | grep -c ' \.debug_info ' >/dev/null; then # -c: no SIGPIPE
	vmlinux=$kdir/vmlinux
	[ -f "$vmlinux" ] || vmlinux=$ko
	"$(kernel_src)/scripts/decode_stacktrace.sh" "$vmlinux" auto "$mods/kunit/stack-trace" \
		<"$out/stack.txt" 2>&1 | c++filt >"$out/stack-decoded.txt"
	sed 's/^/# /' "$out/stack-decoded.txt"
	check "decode_stacktrace.sh gives the C++ function and its line" grep -qE \
		'stack_trace_demo::sleep_until_stopped\(\).*stack_trace\.cpp:[0-9]+' "$out/stack-decoded.txt"
else
	echo "# $kver builds modules without debug information: nothing to decode"
fi

check "console shows the unsigned-module taint" grep -aq \
	'module verification failed: signature and/or required key missing - tainting kernel' "$console"
planted=$out/console-planted.log
{ cat "$console"; echo '[  999.000000] WARNING: CPU: 0 PID: 1 at planted.c:1 planted+0x0/0x10'; } >"$planted"
check "report scan passes this log" "$KSTD_ROOT/scripts/run-guest.sh" --check-log "$console"
check "report scan fails it with a WARNING added" \
	bash -c "! '$KSTD_ROOT/scripts/run-guest.sh' --check-log '$planted' >/dev/null 2>&1"
rm -f "$planted"
[ $rc -eq 0 ] && [ $fails -eq 0 ]
