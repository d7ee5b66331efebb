#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# khttpd against Debian's nginx in one guest boot, serving the same 12-byte
# file from the same document root (a benchmark, not a test: it prints a
# table and fails only if a server cannot be started or measured).
#
#   khttpd-bench.sh MODULE_DIR TOOLS_DIR
#
# nginx: 2 workers, access_log off, sendfile on, everything under /tmp.
# Loads: htstress HTTP/1.0 (-n 20000 -t 2) at 20 and 200 connections,
# wrk keep-alive (-t2 -c50 -d10s), and htstress at 1000 connections
# (socket errors counted).  The table goes to stdout and to
# $KSTD_OUT/khttpd-bench.txt (the host's build/demo/ when run by make demo),
# the details of each run to stderr.
#   Environment: REQUESTS (20000), DURATION (10 s), NGINX (/usr/sbin/nginx),
#   KHTTPD_ARGS (more module parameters, e.g. "highpri=0").
set -u
mod=$1/examples/khttpd/khttpd.ko
tools=$2
requests=${REQUESTS:-20000}
duration=${DURATION:-10}
nginx=${NGINX:-/usr/sbin/nginx}
www=/tmp/bench-www
ngx=/tmp/bench-nginx
kport=8081
nport=8080
out=${KSTD_OUT:-/tmp}/khttpd-bench.txt
ulimit -n 65536

rm -rf $www $ngx && mkdir -p $www $ngx/logs $ngx/tmp
printf 'Hello World\n' >$www/index.html # 12 bytes
chmod -R a+rX $www
cat >$ngx/nginx.conf <<EOF
worker_processes 2;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
user root;
events { worker_connections 8192; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $ngx/tmp/body;
	proxy_temp_path $ngx/tmp/proxy;
	fastcgi_temp_path $ngx/tmp/fastcgi;
	uwsgi_temp_path $ngx/tmp/uwsgi;
	scgi_temp_path $ngx/tmp/scgi;
	default_type application/octet-stream;
	server {
		listen $nport backlog=1024;
		listen [::]:$nport backlog=1024;
		root $www;
	}
}
EOF

die() { echo "khttpd-bench: $*" >&2; exit 1; }
insmod "$mod" port=$kport docroot=$www ${KHTTPD_ARGS:-} || die "cannot load khttpd"
$nginx -e $ngx/logs/error.log -p $ngx -c $ngx/nginx.conf || die "cannot start nginx"
for i in $(seq 50); do
	curl -sf http://127.0.0.1:$nport/index.html >/dev/null && break
	sleep 0.1
done
for p in $kport $nport; do
	[ "$(curl -sf http://127.0.0.1:$p/index.html)" = "Hello World" ] || die "no answer on port $p"
done

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

kill "$(cat $ngx/nginx.pid)" 2>/dev/null
for i in $(seq 50); do [ -e $ngx/nginx.pid ] || break; sleep 0.1; done
rmmod khttpd || die "cannot unload khttpd"
rm -rf $www
