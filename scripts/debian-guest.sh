#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The reference modules' integration tests on Debian's own 6.1 kernel: the
# signed image from linux-image-<release> (scripts/debian-kernel.sh), booted
# by scripts/run-guest.sh --modules (virtio-pci and 9p are modules there),
# with the modules built against the matching linux-headers-<release>.
#
#   scripts/debian-guest.sh [OUT_DIR]     (default build/guest-debian)
#
# In the guest: module-entry.sh, proc-param.sh, kecho.sh, khttpd.sh and
# drop-tcp-socket.sh, then whether the kernel is tainted E (our modules are
# unsigned; Debian's kernel loads them and says so).  On the host: the
# console shows that taint message, and the kernel-report scan that passed
# this log does fail once a WARNING is added to it (so the taint lines are
# allowed, not the scan blind).  Prints "ok - ..." / "not ok - ..." lines;
# fails if any check or the guest run fails.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

out=${1:-${KSTD_BUILD:-$KSTD_ROOT/build}/guest-debian}
need_pkgs linux-headers-amd64
kdir=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$kdir" ] || die "no linux-headers-6.1.*-amd64 installed"
kver=${kdir##*/linux-headers-}

img=$("$KSTD_ROOT/scripts/debian-kernel.sh" "$kver") || die "no Debian kernel image for $kver"
# W=1 as in make check's module build, so that build is reused as is.
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir" W=1) || die "module build against $kdir failed"
tools=$("$KSTD_ROOT/scripts/build-tools.sh") || die "tools build failed"

log "Debian $kver guest: module entry, params and /proc, the reference modules"
t=$KSTD_ROOT/scripts/guest-tests
"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$img/boot/vmlinuz-$kver" \
	--modules "$img/lib/modules/$kver" --timeout 1200 --out "$out" -- \
	bash -c "r=0
		 $t/module-entry.sh $mods || r=1
		 $t/proc-param.sh $mods || r=1
		 $t/kecho.sh $mods $tools || r=1
		 $t/khttpd.sh $mods $tools || r=1
		 $t/drop-tcp-socket.sh $mods || r=1
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
check "console shows the unsigned-module taint" grep -aq \
	'module verification failed: signature and/or required key missing - tainting kernel' "$console"
planted=$out/console-planted.log
{ cat "$console"; echo '[  999.000000] WARNING: CPU: 0 PID: 1 at planted.c:1 planted+0x0/0x10'; } >"$planted"
check "report scan passes this log" "$KSTD_ROOT/scripts/run-guest.sh" --check-log "$console"
check "report scan fails it with a WARNING added" \
	bash -c "! '$KSTD_ROOT/scripts/run-guest.sh' --check-log '$planted' >/dev/null 2>&1"
rm -f "$planted"
[ $rc -eq 0 ] && [ $fails -eq 0 ]
