#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# khttpd's open-file cache, RCU (khttpd.ko) against locked (the earlier
# spinlocked cache, bench/khttpd-locked-cache/khttpd_locked.ko), one after
# the other in one guest boot, serving the same 12-byte file (a benchmark:
# it fails only if a module cannot be loaded or measured).
#
#   khttpd-cache-bench.sh MODULE_DIR TOOLS_DIR
#
# Loads: wrk keep-alive (-t2 -c50 -d$DURATION s) and htstress HTTP/1.0
# (-n $REQUESTS -c 200 -t 2), after a warm-up.  Prints a table (also to
# $KSTD_OUT/khttpd-cache-bench.txt), the details to stderr.
#   Environment: REQUESTS (20000), DURATION (10 s).
set -euo pipefail
mods=$1 tools=$2
requests=${REQUESTS:-20000}
duration=${DURATION:-10}
www=/tmp/cache-bench-www
port=8081
out=${KSTD_OUT:-/tmp}/khttpd-cache-bench.txt
ulimit -n 65536
die() { echo "khttpd-cache-bench: $*" >&2; exit 1; }

rm -rf $www && mkdir -p $www
printf 'Hello World\n' >$www/index.html # 12 bytes
chmod -R a+rX $www
url=http://127.0.0.1:$port/index.html

hts() { "$tools/htstress" -n "$requests" -c 200 -t 2 "$url" 2>/dev/null | awk '/^requests\/sec:/ { print $2 }'; }
ka() { command -v wrk >/dev/null || { echo -; return; }; wrk -t2 -c50 -d"${duration}s" "$url" 2>/dev/null | awk '/^Requests\/sec:/ { print $2 }'; }

declare -A r
for v in rcu locked; do
	ko=$mods/examples/khttpd/khttpd.ko
	[ $v = locked ] && ko=$mods/bench/khttpd-locked-cache/khttpd_locked.ko
	insmod "$ko" port=$port docroot=$www || die "cannot load $ko"
	for _ in $(seq 50); do curl -fso /dev/null "$url" && break; sleep 0.1; done
	"$tools/htstress" -n 2000 -c 20 -t 2 "$url" >/dev/null 2>&1 || true # warm-up
	r[$v.ka]=$(ka)
	r[$v.hts]=$(hts)
	echo "# $v: keep-alive ${r[$v.ka]} req/s, htstress -c 200 ${r[$v.hts]} req/s" >&2
	sed "s/^/# $v /" /proc/khttpd >&2
	rmmod "$(basename "$ko" .ko)" || die "cannot unload $ko"
done
[ -n "${r[rcu.hts]}" ] && [ -n "${r[locked.hts]}" ] || die "no measurement"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
{
	echo "khttpd RCU cache / locked cache ($(nproc) CPUs, $(uname -r)); requests/sec, 12-byte file"
	printf '%-36s %12s %12s %8s\n' "load" "RCU cache" "locked" "ratio"
	printf '%-36s %12s %12s %8s\n' "keep-alive wrk -t2 -c50 -d${duration}s" \
		"${r[rcu.ka]}" "${r[locked.ka]}" "$(ratio "${r[rcu.ka]}" "${r[locked.ka]}")"
	printf '%-36s %12s %12s %8s\n' "HTTP/1.0 htstress -n $requests -c 200" \
		"${r[rcu.hts]}" "${r[locked.hts]}" "$(ratio "${r[rcu.hts]}" "${r[locked.hts]}")"
} | tee "$out"
rm -rf $www
