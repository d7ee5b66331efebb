#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# khttpd against Debian's nginx in one guest boot, serving the same 12-byte
# file from the same document root (a benchmark, not a test: it prints a
# table and fails only if a server cannot be started or measured).
#
#   khttpd-bench.sh MODULE_DIR TOOLS_DIR
#
# nginx: 2 workers, access_log off, sendfile on, everything under /tmp
# (http-servers.sh starts and stops both servers).
# Loads: htstress HTTP/1.0 (-n 20000 -t 2) at 20 and 200 connections,
# wrk keep-alive (-t2 -c50 -d10s), and htstress at 1000 connections
# (socket errors counted).  The table goes to stdout and to
# $KSTD_OUT/khttpd-bench.txt (the host's build/demo/ when run by make demo),
# the details of each run to stderr.
#   Environment: REQUESTS (20000), DURATION (10 s), NGINX (/usr/sbin/nginx),
#   KHTTPD_ARGS (more module parameters, e.g. "highpri=0").
set -u
tools=$2
requests=${REQUESTS:-20000}
duration=${DURATION:-10}
www=/tmp/bench-www
kport=8081
nport=8080
out=${KSTD_OUT:-/tmp}/khttpd-bench.txt
ulimit -n 65536
KHTTPD_PORT=$kport NGINX_PORT=$nport
# shellcheck source=scripts/guest-tests/http-servers.sh
source "$(dirname "$0")/http-servers.sh"
http_die() { echo "khttpd-bench: $*" >&2; exit 1; }

rm -rf $www && mkdir -p $www
printf 'Hello World\n' >$www/index.html # 12 bytes
http_servers_start "$1" $www

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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

# Warm up both (page cache, dentries, worker pools, TCP time-wait reuse).
hts $kport 20 >/dev/null
hts $nport 20 >/dev/null

declare -A result
for c in 20 200; do
	for s in khttpd nginx; do
		port=$kport
		[ $s = nginx ] && port=$nport
		r=$(hts $port $c)
		echo "$r" | sed "s/^/# $s -c $c: /" | grep -E 'requests/sec|socket errors|good|p50|p99' >&2
		result[$s.$c]=$(rps <<<"$r")
		result[$s.$c.err]=$(grep '^socket errors' <<<"$r" | awk '{print $3}')
	done
done
for s in khttpd nginx; do
	port=$kport
	[ $s = nginx ] && port=$nport
	result[$s.ka]=$(wrk_rps $port)
	echo "# $s keep-alive (wrk -t2 -c50 -d${duration}s): ${result[$s.ka]} requests/sec" >&2
done
for s in khttpd nginx; do
	port=$kport
	[ $s = nginx ] && port=$nport
	r=$(hts $port 1000)
	echo "$r" | sed "s/^/# $s -c 1000: /" | grep -E 'requests/sec|socket errors|good' >&2
	result[$s.1000]=$(rps <<<"$r")
	result[$s.1000.err]=$(grep '^socket errors' <<<"$r" | awk '{print $3}')
done
sed 's/^/# khttpd /' /proc/khttpd >&2

{
	echo "khttpd vs nginx ($(nproc) CPUs, $(uname -r)); requests/sec, higher is better"
	printf '%-34s %12s %12s %8s\n' "load" "khttpd" "nginx" "ratio"
	for c in 20 200; do
		printf '%-34s %12s %12s %8s\n' "HTTP/1.0 htstress -n $requests -c $c" \
			"${result[khttpd.$c]}" "${result[nginx.$c]}" \
			"$(ratio "${result[khttpd.$c]}" "${result[nginx.$c]}")"
	done
	printf '%-34s %12s %12s %8s\n' "keep-alive wrk -t2 -c50 -d${duration}s" \
		"${result[khttpd.ka]}" "${result[nginx.ka]}" \
		"$(ratio "${result[khttpd.ka]}" "${result[nginx.ka]}")"
	printf '%-34s %12s %12s %8s\n' "HTTP/1.0 htstress -c 1000" \
		"${result[khttpd.1000]}" "${result[nginx.1000]}" \
		"$(ratio "${result[khttpd.1000]}" "${result[nginx.1000]}")"
	printf '%-34s %12s %12s\n' "socket errors at 20/200/1000" \
		"${result[khttpd.20.err]}/${result[khttpd.200.err]}/${result[khttpd.1000.err]}" \
		"${result[nginx.20.err]}/${result[nginx.200.err]}/${result[nginx.1000.err]}"
} | tee "$out"

http_servers_stop
rm -rf $www
