#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An experiment, not part of make bench: bench against several kecho
# variants and user-echo-server in one guest boot, one after the other, so
# the variants share one state of the (emulated, shared) machine.
#
#   variants-guest.sh MODULE_DIR TOOLS_DIR "VARIANT ..."
#
# A variant is "user" (user-echo-server, started once, port 12346) or
# "NAME:PARAMS", kecho loaded with PARAMS (commas for spaces), for example
# "user base:bench=1 unbound:bench=0 user".  ECHO_T (1000) threads x
# ECHO_R (10) rounds each.  Output in /out: N-NAME.txt (bench's summary),
# N-NAME.dat (every round trip; bench/echo/timeline.py reads them), and
# features.txt (the scheduler's features and base slice, for the record).
# From the host (hold the guest lock):
#
#   K=$(scripts/build-kernel.sh x86); M=$(scripts/build-modules.sh $K)
#   T=$(scripts/build-tools.sh); mkdir -p /tmp/ev
#   flock /tmp/kstd-guest.lock scripts/run-guest.sh \
#           --kernel $K/arch/x86/boot/bzImage --out /tmp/ev -- \
#           $PWD/bench/echo/variants-guest.sh $M $T "user base:bench=1 unbound:bench=0"
set -u
mods=${1:?module directory} tools=${2:?tools directory} variants=${3:?variants}
out=${KSTD_OUT:-/tmp/bench-out}
threads=${ECHO_T:-1000} rounds=${ECHO_R:-10}
ulimit -n 65536
{
	cat /sys/kernel/debug/sched/features
	echo "base_slice_ns=$(cat /sys/kernel/debug/sched/base_slice_ns)"
} >"$out/features.txt" 2>/dev/null
"$tools/user-echo-server" -p 12346 -b 4096 &
upid=$!
sleep 1
i=0
for v in $variants; do
	i=$((i + 1))
	if [ "$v" = user ]; then
		name=user port=12346
	else
		name=${v%%:*} params=${v#*:} port=12345
		# shellcheck disable=SC2086 # the parameters are words
		insmod "$mods/examples/kecho/kecho.ko" port=$port backlog=4096 ${params//,/ } ||
			exit 1
	fi
	"$tools/bench" -p $port -t "$threads" -r "$rounds" -o "$out/$i-$name" \
		>"$out/$i-$name.txt" 2>&1
	printf '%-12s %s\n' "$name" "$(sed -n 3p "$out/$i-$name.txt")"
	if [ "$v" != user ]; then
		rmmod kecho || exit 1
	fi
	sleep 1
done
kill $upid
