#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# khttpd against its user-space peers (Debian's nginx, h2o and lighttpd) in
# one guest boot, serving the same 12-byte file from the same document root
# (a benchmark, not a test: it prints a table and fails only if a server
# cannot be started or measured).
#
#   khttpd-bench.sh MODULE_DIR TOOLS_DIR
#
# The peers: workers = vCPUs, no access log, sendfile where they have it,
# everything under /tmp (http-servers.sh starts and stops all of them; the
# floor, the bench-only in-kernel responder, stays for make bench).
# Loads, each server one after the other: htstress HTTP/1.0 (-n REQUESTS
# -t 2) at 20 and 200 connections, wrk keep-alive (-t2 -c50 -dDURATION),
# and htstress at 1000 connections (socket errors counted).  The table goes
# to stdout and to $KSTD_OUT/khttpd-bench.txt (the host's build/demo/ when
# run by make demo), the details of each run to stderr.  "best peer" is the
# peer with the most requests/s in that row; the ratio is khttpd / it.
#   Environment: REQUESTS (10000), DURATION (5 s), NGINX (/usr/sbin/nginx),
#   H2O (/usr/bin/h2o), LIGHTTPD (/usr/sbin/lighttpd), KHTTPD_ARGS (more
#   module parameters, e.g. "highpri=0").
set -u
tools=$2
requests=${REQUESTS:-10000}
duration=${DURATION:-5}
www=/tmp/bench-www
out=${KSTD_OUT:-/tmp}/khttpd-bench.txt
servers=(khttpd nginx h2o lighttpd)
peers=(nginx h2o lighttpd)
ulimit -n 65536
# shellcheck source=scripts/guest-tests/http-servers.sh
source "$(dirname "$0")/http-servers.sh"
http_die() { echo "khttpd-bench: $*" >&2; exit 1; }

rm -rf $www && mkdir -p $www
printf 'Hello World\n' >$www/index.html # 12 bytes
http_servers_start "$1" $www "${servers[@]}"

# htstress: requests/sec and socket errors of one run.
hts() { # port concurrency [more htstress args]
	local port=$1 c=$2
	shift 2
	"$tools/htstress" -n "$requests" -c "$c" -t 2 "$@" "http://127.0.0.1:$port/index.html" 2>/dev/null
}
rps() { awk '/^requests\/sec:/ { print $2 }'; }
wrk_rps() { # port
	wrk -t2 -c50 -d"${duration}s" "http://127.0.0.1:$1/index.html" 2>/dev/null |
		awk '/^Requests\/sec:/ { print $2 }'
}
# The peer with the most requests/s for one load, and khttpd / its rate.
best() { # load
	local p b='' bv=0
	for p in "${peers[@]}"; do
		awk -v a="${result[$p.$1]:-0}" -v b="$bv" 'BEGIN { exit !(a > b) }' &&
			b=$p bv=${result[$p.$1]}
	done
	awk -v a="${result[khttpd.$1]:-}" -v b="$bv" -v n="${b:--}" \
		'BEGIN { if (b > 0 && a != "") printf "%8s %7.2fx", n, a / b; else printf "%8s %8s", n, "-" }'
}

# Warm up every server (page cache, dentries, worker pools, TCP time-wait reuse).
for s in "${servers[@]}"; do
	hts "$(http_server_port "$s")" 20 >/dev/null
done

declare -A result
for c in 20 200 1000; do
	for s in "${servers[@]}"; do
		r=$(hts "$(http_server_port "$s")" $c)
		echo "$r" | sed "s/^/# $s -c $c: /" | grep -E 'requests/sec|socket errors|good|p50|p99' >&2
		result[$s.$c]=$(rps <<<"$r")
		result[$s.$c.err]=$(grep '^socket errors' <<<"$r" | awk '{print $3}')
	done
done
for s in "${servers[@]}"; do
	result[$s.ka]=$(wrk_rps "$(http_server_port "$s")")
	echo "# $s keep-alive (wrk -t2 -c50 -d${duration}s): ${result[$s.ka]} requests/sec" >&2
done
sed 's/^/# khttpd /' /proc/khttpd >&2

row() { # label key
	printf '%-34s' "$1"
	for s in "${servers[@]}"; do printf ' %9s' "${result[$s.$2]:-missing}"; done
	printf ' %s\n' "$(best "$2")"
}
{
	echo "khttpd and its peers ($(nproc) CPUs, $(uname -r)); requests/sec, higher is better"
	printf '%-34s' "load"
	printf ' %9s' "${servers[@]}"
	printf ' %8s %8s\n' "best" "ratio"
	row "HTTP/1.0 htstress -n $requests -c 20" 20
	row "HTTP/1.0 htstress -n $requests -c 200" 200
	row "keep-alive wrk -t2 -c50 -d${duration}s" ka
	row "HTTP/1.0 htstress -c 1000" 1000
	printf '%-34s' "socket errors at 20/200/1000"
	for s in "${servers[@]}"; do
		printf ' %9s' "${result[$s.20.err]:-?}/${result[$s.200.err]:-?}/${result[$s.1000.err]:-?}"
	done
	echo
} | tee "$out"

http_servers_stop
rm -rf $www
