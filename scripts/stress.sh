#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make stress`: the reliability gauntlet, in one boot of the x86_64 debug
# guest (KASAN, kmemleak, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS_WORK).
#
# Builds (or reuses) the debug kernel, the modules (W=1) and the tools, and
# runs scripts/guest-tests/stress.sh in the guest: for kecho, then khttpd,
# CONNS concurrent connections of mixed clients (tools/stress.cpp) for
# DURATION seconds while drop_tcp_sock takes its own load, then the module
# unloaded under the load, then a kmemleak scan.  Fails on any kernel report
# or leak (scripts/run-guest.sh), any client that saw corrupted data, any
# hang, any unexpected error.  `make check` runs the same with DURATION=25.
#
#   DURATION=300 CONNS=1000 SEED=<n> make stress
#
# Every step is bounded (each client operation, each rmmod, the tool, the
# guest), so that the default run ends within 30 minutes even when
# everything times out.  Logs: build/stress/ (stress.log; the guest's
# console in guest/console.log).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=${DURATION:-300}
conns=${CONNS:-1000}
need_pkgs qemu-system-x86 busybox-static iproute2 kmod
kdir=$("$KSTD_ROOT/scripts/build-kernel.sh" x86-debug)
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir" W=1)
tools=$("$KSTD_ROOT/scripts/build-tools.sh")
out=${KSTD_BUILD:-$KSTD_ROOT/build}/stress
rm -rf "$out" && mkdir -p "$out"

# The guest's bound: per server, the tool's own bound (ramp-up 90 s, the
# duration, 120 s per unload, two 60 s timeouts, 30 s) and the leak scan;
# then the boot and the final leak check.
limit=$((2 * duration + 1200))
log "stress: $conns connections, $duration s per server; guest bound $limit s; log in $out"
start=$(date +%s)
set +e
"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$kdir/arch/x86/boot/bzImage" --timeout "$limit" \
	--out "$out/guest" -- \
	env DURATION="$duration" CONNS="$conns" ${SEED:+SEED="$SEED"} \
	"$KSTD_ROOT/scripts/guest-tests/stress.sh" "$mods" "$tools" 2>&1 | tee "$out/stress.log"
rc=${PIPESTATUS[0]}
set -e
echo
echo "== make stress: $(grep -c '^ok - ' "$out/stress.log") ok, $(grep -c '^not ok - ' "$out/stress.log") not ok, $(($(date +%s) - start)) s =="
grep -E '^not ok - ' "$out/stress.log" || true
[ "$rc" -eq 0 ] || die "make stress failed (see $out/stress.log)"
log "make stress passed"
