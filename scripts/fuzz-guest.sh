#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make fuzz-guest`: fuzzes khttpd and drop_tcp_sock in one boot of the
# x86_64 debug guest (KASAN, kmemleak, lockdep), FUZZ_SECONDS per target,
# with scripts/guest-tests/fuzz.sh (mutator: tools/guest-fuzz.py), then
# checks that both still serve and unload.  Fails on any finding, kernel
# report or leak.  `make check` runs it with FUZZ_SECONDS=60.
#
#   FUZZ_SECONDS=600 FUZZ_SEED=<n> make fuzz-guest
#
# Logs: build/fuzz-guest/ (fuzz.log; the console in guest/console.log, the
# saved inputs of findings in guest/fuzz/).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

secs=${FUZZ_SECONDS:-300}
need_pkgs qemu-system-x86 busybox-static iproute2 kmod curl
kdir=$("$KSTD_ROOT/scripts/build-kernel.sh" x86-debug)
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir" W=1)
out=${KSTD_BUILD:-$KSTD_ROOT/build}/fuzz-guest
rm -rf "$out" && mkdir -p "$out"

# The guest's bound: boot, both targets, the drain of waiting connections,
# the health checks and the final leak scan.
limit=$((2 * secs + 900))
log "fuzz-guest: $secs s per target; guest bound $limit s; log in $out"
set +e
"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$kdir/arch/x86/boot/bzImage" --timeout "$limit" \
	--out "$out/guest" -- \
	env FUZZ_SECONDS="$secs" ${FUZZ_SEED:+FUZZ_SEED="$FUZZ_SEED"} \
	"$KSTD_ROOT/scripts/guest-tests/fuzz.sh" "$mods" 2>&1 | tee "$out/fuzz.log"
rc=${PIPESTATUS[0]}
set -e
grep -E '^not ok - ' "$out/fuzz.log" || true
[ "$rc" -eq 0 ] || die "make fuzz-guest failed (see $out/fuzz.log)"
log "make fuzz-guest passed"
