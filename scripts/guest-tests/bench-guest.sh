#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest for `make bench` (scripts/bench.sh), one comparison
# per boot; both sides of a comparison run in the same boot, one load after
# the other.  Writes the tools' own output to /out (KSTD_OUT); the host
# parses it into the report (scripts/bench-report.py).  A benchmark, not a
# test: it fails only when a server cannot be started or a tool cannot run.
#
#   bench-guest.sh echo|http|cache|overhead MODULE_DIR TOOLS_DIR
#
# echo:      kecho and user-echo-server under bench, for each thread count
#            in ECHO_THREADS ("1000 100 10"), ECHO_SAMPLES (10000) round
#            trips per server and count (rounds = samples / threads).
#            Output: t<threads>.txt (bench's table), t<threads>-
#            <server>.dat (every round trip).  Then the same over UDP
#            (kecho udp=1, user-echo-server -u, bench -u) for each count
#            in ECHO_UDP_THREADS ("1000 100"): udp-t<threads>.txt and
#            .dat files.  An empty ECHO_THREADS or ECHO_UDP_THREADS skips
#            that protocol (and the warm-up goes with TCP).
# http:      khttpd, nginx, h2o, lighttpd and, if built, the floor
#            (http-servers.sh) serving a 12-byte and a 1 MiB file, at each
#            connection count in HTTP_CONNS ("10 100 1000"), for
#            HTTP_DURATION (8) seconds per run, with htstress HTTP/1.0
#            (h10), htstress -k (hka) and wrk (wrk, keep-alive); the
#            servers take turns going first.  Output: servers.txt (the
#            servers, in order), runs.txt (each run planned: server load
#            file conns), <server>-<load>-<file>-c<conns>.txt (the tool's
#            stdout), .lat (htstress: each request's latency in us), .err,
#            .nstat (the kernel's network counters that moved meanwhile).
#            Then the cache comparison below, in the same boot.
# cache:     khttpd's open-file cache, RCU (khttpd.ko) vs locked (the
#            spinlocked cache it replaced, khttpd_locked.ko), one module
#            after the other on the same port, both with their (equal)
#            default parameters, cache_ms=1000 included, serving a 12-byte
#            file at CACHE_CONNS (100) connections for HTTP_DURATION s per
#            run with h10, hka and wrk.  Output: cache-<rcu|locked>-<load>-
#            small-c<conns>.txt (.lat, .err, .nstat as for http) and
#            cache-<rcu|locked>-proc.txt (/proc/khttpd; fails unless
#            cache_hits moved, i.e. the cache was exercised).
# overhead:  kstd_overhead.ko with OVERHEAD_ITERATIONS (200000); its
#            result lines from the kernel log go to overhead.txt.
# Each boot also writes meta.txt (kernel, vCPUs, date).
set -u
what=${1:?usage: bench-guest.sh echo|http|overhead MODULE_DIR TOOLS_DIR}
mods=${2:?module directory}
tools=${3:?tools directory}
out=${KSTD_OUT:-/tmp/bench-out}
ulimit -n 65536

die() { echo "bench-guest: $*" >&2; exit 1; }

mkdir -p "$out"
{
	echo "kernel=$(uname -r)"
	echo "vcpus=$(nproc)"
	echo "mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
} >"$out/meta.txt"

bench_echo() {
	local t rounds user_pid
	insmod "$mods/examples/kecho/kecho.ko" port=12345 backlog=4096 bench=1 udp=1 ||
		die "cannot load kecho"
	"$tools/user-echo-server" -p 12346 -b 4096 -u &
	user_pid=$!
	sleep 1
	kill -0 $user_pid 2>/dev/null || die "user-echo-server did not start"
	# Warm-up, not measured: the first 1000-thread run of a boot is often
	# the slowest for whichever server takes it (bench/echo/variants-
	# guest.sh runs showed it), and bench -c runs kecho first.
	[ -z "${ECHO_THREADS-x}" ] ||
		"$tools/bench" -p 12345 -c 12346 -t 1000 -r 2 -o /tmp/warmup >/dev/null 2>&1
	for t in ${ECHO_THREADS-1000 100 10}; do
		rounds=$((${ECHO_SAMPLES:-10000} / t))
		[ $rounds -ge 1 ] || rounds=1
		echo "== bench: $t threads x $rounds rounds, kecho then user-echo-server =="
		# bench exits 1 when a round trip failed: that is a result, not an
		# error, and its table says how many.
		"$tools/bench" -p 12345 -c 12346 -l kecho,user-echo-server -t "$t" -r "$rounds" \
			-o "$out/t$t" >"$out/t$t.txt" 2>"$out/t$t.err"
		cat "$out/t$t.txt"
		grep -q '^kecho ' "$out/t$t.txt" || die "bench printed no result"
	done
	for t in ${ECHO_UDP_THREADS-1000 100}; do
		rounds=$((${ECHO_SAMPLES:-10000} / t))
		[ $rounds -ge 1 ] || rounds=1
		echo "== bench -u: $t threads x $rounds rounds, UDP, kecho then user-echo-server =="
		"$tools/bench" -u -p 12345 -c 12346 -l kecho,user-echo-server -t "$t" -r "$rounds" \
			-o "$out/udp-t$t" >"$out/udp-t$t.txt" 2>"$out/udp-t$t.err"
		cat "$out/udp-t$t.txt"
		grep -q '^kecho ' "$out/udp-t$t.txt" || die "bench -u printed no result"
	done
	kill $user_pid
	wait $user_pid 2>/dev/null
	sed 's/^/kecho: /' /proc/kecho
	rmmod kecho || die "cannot unload kecho"
}

# A load tool that outlives its time is stuck (a server stopped answering
# some connection, or the tool lost one): the sockets and khttpd's counters
# go to its .err file while it hangs, then it is stopped, so one hang costs
# one result, not the whole boot.
hung() { # name pid limit
	{
		echo "bench-guest: still running after $3 s; stopped"
		ss -tanio
		cat /proc/khttpd
	} >>"$1.err" 2>&1
	kill -INT "$2" && sleep 5 && kill -KILL "$2" 2>/dev/null
}

# Runs a tool with stdout in NAME.txt, stderr in NAME.err, for at most LIMIT s.
bounded() { # limit name command...
	local limit=$1 name=$2 pid wd rc
	shift 2
	"$@" >"$name.txt" 2>"$name.err" &
	pid=$!
	(sleep "$limit" && hung "$name" "$pid" "$limit") &
	wd=$!
	wait "$pid"
	rc=$?
	kill "$wd" 2>/dev/null # its sleep lingers until the limit, harmlessly
	return $rc
}

# One load against one server: the tool's stdout in $name.txt.
http_run() { # server port load file conns
	local server=$1 port=$2 load=$3 file=$4 c=$5 path name rc ka=()
	local d=${HTTP_DURATION:-8}
	local limit=$((3 * d + 120))
	[ "$load" = hka ] && ka=(-k)
	path=index.html
	[ "$file" = large ] && path=large.bin
	name=$out/$server-$load-$file-c$c
	nstat -n # the kernel's TCP counters, from here on
	case $load in
	h10 | hka)
		# -T 10: a connection stalled for 10 s is a socket error (wrk's
		# --timeout below counts those too), not a hung run.
		bounded $limit "$name" "$tools/htstress" -D "$d" -T 10 -c "$c" -t 2 "${ka[@]}" \
			-o "$name.lat" "http://127.0.0.1:$port/$path"
		rc=$? ;;
	wrk)
		# A 10 s timeout (wrk's default is 2 s): under emulation a 1 MiB
		# response among 1000 connections takes seconds with either server.
		bounded $limit "$name" wrk -t2 -c"$c" -d"${d}s" --timeout 10s --latency \
			"http://127.0.0.1:$port/$path"
		rc=$? ;;
	esac
	nstat >"$name.nstat"
	printf '%-8s %-4s %-6s c=%-5s exit %s: %s\n' "$server" "$load" "$file" "$c" "$rc" \
		"$(grep -aiE '^requests/sec' "$name.txt" | tr -s ' ')"
}

bench_http() {
	local www=/tmp/bench-www load file c i=0 n s servers conns rot
	# shellcheck source=scripts/guest-tests/http-servers.sh
	source "$(dirname "$0")/http-servers.sh"
	http_die() { die "$*"; }
	rm -rf $www && mkdir -p $www
	printf 'Hello World\n' >$www/index.html # 12 bytes
	head -c 1048576 /dev/urandom >$www/large.bin
	read -ra servers <<<"$(http_servers_list "$mods")"
	n=${#servers[@]}
	echo "${servers[*]}" >"$out/servers.txt"
	# Each server must serve index.html and large.bin byte for byte
	# (http_servers_start checks, the floor excepted).
	http_servers_start "$mods" $www "${servers[@]}"
	# Warm up every server (page cache, worker pools, the open-file cache).
	for s in "${servers[@]}"; do
		"$tools/htstress" -n 2000 -c 10 -t 2 "http://127.0.0.1:$(http_server_port "$s")/index.html" \
			>/dev/null 2>&1
		[ "$s" = floor ] ||
			"$tools/htstress" -n 200 -c 10 -t 2 "http://127.0.0.1:$(http_server_port "$s")/large.bin" \
				>/dev/null 2>&1
	done
	# runs.txt: every run planned, so the report tells a run that failed
	# from one that was not asked for.
	: >"$out/runs.txt"
	conns=${HTTP_CONNS:-10 100 1000}
	for file in small large; do
		for load in h10 hka wrk; do
			for c in $conns; do
				# Rotate which server goes first (khttpd nginx h2o
				# lighttpd, then nginx h2o lighttpd khttpd, ...), so a
				# drift of the (shared, emulated) machine favours none.
				rot=$((i++ % n))
				for s in "${servers[@]:rot}" "${servers[@]:0:rot}"; do
					# The floor has no files: its canned 12 bytes
					# are no answer to large.bin.
					[ "$s" = floor ] && [ $file = large ] && continue
					echo "$s $load $file $c" >>"$out/runs.txt"
					http_run "$s" "$(http_server_port "$s")" $load $file "$c"
				done
			done
		done
	done
	cp /proc/khttpd "$out/khttpd-proc.txt"
	sed 's/^/khttpd: /' /proc/khttpd
	http_servers_stop
	rm -rf $www
}

bench_cache() {
	local www=/tmp/cache-www port=8081 v ko load hits c=${CACHE_CONNS:-100}
	local url=http://127.0.0.1:$port/index.html
	rm -rf $www && mkdir -p $www
	printf 'Hello World\n' >$www/index.html # 12 bytes
	chmod -R a+rX $www
	for v in rcu locked; do
		ko=$mods/examples/khttpd/khttpd.ko
		[ $v = locked ] && ko=$mods/bench/khttpd-locked-cache/khttpd_locked.ko
		insmod "$ko" port=$port docroot=$www || die "cannot load $ko"
		for _ in $(seq 50); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
		[ "$(curl -sf "$url")" = "Hello World" ] || die "$v: no answer on port $port"
		"$tools/htstress" -n 2000 -c 10 -t 2 "$url" >/dev/null 2>&1 # warm-up
		for load in h10 hka wrk; do
			http_run "cache-$v" $port $load small "$c"
		done
		cp /proc/khttpd "$out/cache-$v-proc.txt"
		sed "s/^/khttpd ($v cache): /" /proc/khttpd
		rmmod "$(basename "$ko" .ko)" || die "cannot unload $ko"
		hits=$(awk '/^cache_hits:/ { print $2 }' "$out/cache-$v-proc.txt")
		[ "${hits:-0}" -gt 0 ] || die "$v: the open-file cache answered no lookup"
	done
	rm -rf $www
}

bench_overhead() {
	local n=${OVERHEAD_ITERATIONS:-200000}
	insmod "$mods/bench/overhead/kstd_overhead.ko" iterations="$n" ||
		die "cannot load kstd_overhead"
	# The module measures while loading and prints its result lines then.
	dmesg | sed -n 's/^.*overhead: /overhead: /p' | tee "$out/overhead.txt"
	rmmod kstd_overhead || die "cannot unload kstd_overhead"
	grep -q '^overhead: done' "$out/overhead.txt" || die "no overhead results"
}

case $what in
echo) bench_echo ;;
http) bench_http && bench_cache ;;
cache) bench_cache ;;
overhead) bench_overhead ;;
profile) exec "$(dirname "$0")/bench-profile.sh" "$mods" "$tools" ;; # its own script
*) die "unknown benchmark $what" ;;
esac
