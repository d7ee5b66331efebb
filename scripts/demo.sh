#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: the reference modules against their user-space counterparts,
# side by side in one boot of the x86_64 guest (QEMU TCG, 2 vCPUs).
#
# Builds (or reuses) the guest kernel, the modules and the tools, boots the
# guest once, and runs scripts/guest-tests/demo-guest.sh there: kecho and
# user-echo-server under the same bench load, then khttpd and its peers
# nginx, h2o and lighttpd under htstress and wrk
# (scripts/guest-tests/khttpd-bench.sh).  Prints the summaries and writes
# data files and PNG plots to build/demo/.
#
# The peers come from Debian (nginx-core, h2o, lighttpd).  Installing h2o
# and lighttpd would enable their services on the host; where the host has
# no systemd and apt's policy-rc.d forbids starting services (containers),
# nothing starts; on a host with systemd they would listen on port 80 until
# stopped (systemctl disable --now h2o lighttpd).  The guest runs its own
# copies with their own configurations under /tmp.
#
#   THREADS=1000 ROUNDS=10 make demo
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_pkgs qemu-system-x86 busybox-static gnuplot-nox python3 iproute2 kmod nginx-core h2o lighttpd wrk curl
kdir=$("$KSTD_ROOT/scripts/build-kernel.sh" x86)
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir")
tools=$("$KSTD_ROOT/scripts/build-tools.sh")
out=${KSTD_BUILD:-$KSTD_ROOT/build}/demo
rm -rf "$out" && mkdir -p "$out"

log "running the demo in the guest; results go to $out"
"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$kdir/arch/x86/boot/bzImage" --smp 2 \
	--timeout 3000 --out "$out/guest" -- \
	env THREADS="${THREADS:-1000}" ROUNDS="${ROUNDS:-10}" \
	"$KSTD_ROOT/scripts/guest-tests/demo-guest.sh" "$mods" "$tools" | tee "$out/demo.log"
cp "$out"/guest/*.png "$out"/guest/*.dat "$out"/guest/*.txt "$out"/ 2>/dev/null || true
echo
echo "== summary (build/demo/summary.txt) =="
cat "$out/summary.txt"
echo "plots: $(ls "$out"/*.png 2>/dev/null | tr '\n' ' ')"
