#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: the reference modules against their user-space counterparts,
# measured side by side, with a report.
#
# Builds (or reuses) the non-debug x86_64 guest kernel, the modules and the
# tools, then boots the guest (QEMU TCG, -accel tcg,thread=multi) once per
# comparison, so both sides of a comparison share one boot and one state of
# the (emulated, possibly shared) machine:
#
#   echo       kecho vs user-echo-server, bench at 1000, 100, 10 threads,
#              and over UDP (bench -u) at 1000, 100
#   http       khttpd vs its peers nginx, h2o and lighttpd (and the floor,
#              the bench-only in-kernel responder, when it is built),
#              htstress HTTP/1.0, htstress -k and wrk at 100 and 1000
#              connections, 12-byte and 1 MiB files
#   overhead   kstd wrappers vs the plain C calls (kstd_overhead.ko)
#   http-1cpu  the http run again with one vCPU (scaling), at 100
#              connections only (HTTP_1CPU_CONNS)
#   host       the client outside the guest (scripts/bench-host.sh): khttpd
#              vs the http boot's other servers (nginx, h2o, lighttpd, the
#              floor) and kecho vs user-echo-server with the load tools
#              running natively on the host, over tap + virtio-net inside a
#              network namespace the run creates (27 loads of HTTP_DURATION
#              at 100 connections, the floor's 3 for the small file only,
#              and the echo runs: the quick run took 82 s, a full one
#              about 6 min, estimated from the 3 min of 12 loads)
#   profile    where the guest's CPU goes: perf record -a while htstress
#              (HTTP/1.0, then -k) loads khttpd, the floor, then nginx
#              (guest-tests/bench-profile.sh, bench_profile_report.py);
#              about 80 s (8 s loads)
#
# The http boots end with khttpd's open-file cache, RCU vs locked
# (khttpd.ko vs bench/khttpd-locked-cache's khttpd_locked.ko), 12-byte file,
# CACHE_CONNS connections, htstress HTTP/1.0, htstress -k and wrk.  The
# boots cache (2 vCPUs) and cache-1cpu (1 vCPU) run only that comparison;
# they are not in the default list (BENCH_ONLY="cache cache-1cpu").
#
# The others use 2 vCPUs.  scripts/guest-tests/bench-guest.sh runs in the
# guest and keeps the tools' own output; scripts/bench-report.py parses it
# into build/bench/report.md and PNG plots, and this prints the report.
#
# Environment:
#   BENCH_QUICK=1         short runs (2 s per HTTP load, fewer round trips):
#                         checks the whole pipeline in a few minutes; its
#                         numbers are noisy
#   BENCH_ONLY="echo ..." run only these boots (echo http overhead http-1cpu
#                         profile host, or cache cache-1cpu)
#   HTTP_DURATION (8, quick 2) seconds per HTTP load and server
#   HTTP_CONNS ("100 1000"), HTTP_1CPU_CONNS ("100"; the http-1cpu boot),
#   CACHE_CONNS (100), ECHO_THREADS ("1000 100 10"),
#   ECHO_UDP_THREADS ("1000 100"),
#   ECHO_SAMPLES (10000, quick 2000) round trips per server and thread count,
#   OVERHEAD_ITERATIONS (200000, quick 20000)
#   HOST_HTTP_CONNS (100), HOST_ECHO_THREADS (1000): the host boot's loads;
#   HOST_SERVERS, HOST_FILES (small large), HOST_LOADS (h10 hka wrk): only
#                         these of its HTTP runs, to look at one closely
#   KHTTPD_ARGS           extra khttpd parameters for every boot (unbound=0,
#                         cache_ms=0, ...): to compare settings
# Time budget, under 30 minutes: a full run of the default boots
# (2026-12-05, 2-core host) took 21 minutes of guest time: echo 52 s, http
# 533 s, overhead 13 s, http-1cpu 301 s, profile 105 s, host 256 s; plus
# the builds when nothing is cached.  A load runs HTTP_DURATION s plus
# about 1 s around it.  The http boot runs 4 servers x 2 files + the floor
# x 1 file, x 3 loads x 2 connection counts = 54 loads, and the cache
# comparison 6; http-1cpu 27 loads and 6; the host boot 27 loads.  With 10
# connections as well (HTTP_CONNS="10 100 1000") the http boot takes about
# 4 minutes more.
#
# The peers come from Debian (nginx-core, h2o, lighttpd).  Installing h2o
# and lighttpd enables their services on the host: without systemd and with
# apt's policy-rc.d forbidding it (containers) nothing starts; on a host with
# systemd they listen on port 80 until stopped (systemctl disable --now h2o
# lighttpd).  The guest runs its own copies, configured under /tmp.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	: "${HTTP_DURATION:=2}" "${ECHO_SAMPLES:=2000}" "${OVERHEAD_ITERATIONS:=20000}"
fi
# The guest does not inherit this environment: boot() passes these on.
HTTP_DURATION=${HTTP_DURATION:-8}
HTTP_CONNS=${HTTP_CONNS:-100 1000}
HTTP_1CPU_CONNS=${HTTP_1CPU_CONNS:-100}
CACHE_CONNS=${CACHE_CONNS:-100}
ECHO_THREADS=${ECHO_THREADS:-1000 100 10}
ECHO_UDP_THREADS=${ECHO_UDP_THREADS-1000 100}
ECHO_SAMPLES=${ECHO_SAMPLES:-10000}
OVERHEAD_ITERATIONS=${OVERHEAD_ITERATIONS:-200000}
HOST_HTTP_CONNS=${HOST_HTTP_CONNS:-100}
HOST_ECHO_THREADS=${HOST_ECHO_THREADS:-1000}
only=${BENCH_ONLY:-echo http overhead http-1cpu profile host}
for b in $only; do
	case $b in echo | http | overhead | http-1cpu | cache | cache-1cpu | host | profile) ;; *) die "BENCH_ONLY: unknown boot $b" ;; esac
done

need_pkgs qemu-system-x86 qemu-system-data busybox-static gnuplot-nox python3 iproute2 kmod \
	nginx-core h2o lighttpd wrk curl linux-perf binutils
kdir=$("$KSTD_ROOT/scripts/build-kernel.sh" x86)
mods=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir")
tools=$("$KSTD_ROOT/scripts/build-tools.sh")
out=${KSTD_BUILD:-$KSTD_ROOT/build}/bench
rm -rf "$out" && mkdir -p "$out"
{
	echo "host_cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "host_cpus=$(nproc)"
	echo "qemu=$(qemu-system-x86_64 --version | head -1)"
	echo "quick=$quick"
	echo "http_duration=$HTTP_DURATION"
	echo "http_conns=$HTTP_CONNS"
	echo "http_1cpu_conns=$HTTP_1CPU_CONNS"
	echo "cache_conns=$CACHE_CONNS"
	echo "echo_threads=$ECHO_THREADS"
	echo "echo_udp_threads=$ECHO_UDP_THREADS"
	echo "echo_samples=$ECHO_SAMPLES"
	echo "overhead_iterations=$OVERHEAD_ITERATIONS"
	echo "host_http_conns=$HOST_HTTP_CONNS"
	echo "host_echo_threads=$HOST_ECHO_THREADS"
} >"$out/host.txt"

# A generous bound per boot, from the work it has to do (5 HTTP servers
# counted: the floor may be there).
http_loads=$((2 * 3 * $(wc -w <<<"$HTTP_CONNS") * 5))
http1_loads=$((2 * 3 * $(wc -w <<<"$HTTP_1CPU_CONNS") * 5))
cache_loads=$((2 * 3))
declare -A timeout=(
	[echo]=$((300 + ECHO_SAMPLES * $(wc -w <<<"$ECHO_THREADS $ECHO_UDP_THREADS") / 20))
	[http]=$((300 + (http_loads + cache_loads) * (HTTP_DURATION + 30)))
	[http-1cpu]=$((300 + (http1_loads + cache_loads) * (HTTP_DURATION + 30)))
	[cache]=$((300 + cache_loads * (HTTP_DURATION + 30)))
	[overhead]=$((300 + OVERHEAD_ITERATIONS / 200))
	[host]=$((300 + 2 * 3 * $(wc -w <<<"$HOST_HTTP_CONNS") * 5 * (HTTP_DURATION + 30) +
		ECHO_SAMPLES * $(wc -w <<<"$HOST_ECHO_THREADS") / 20))
	[profile]=$((300 + 4 * (3 * HTTP_DURATION + 90)))
)
timeout[cache-1cpu]=${timeout[cache]}

failed=()
boot() { # name smp guest-benchmark
	local name=$1 smp=$2 what=$3 start=$SECONDS conns=$HTTP_CONNS
	[ "$name" = http-1cpu ] && conns=$HTTP_1CPU_CONNS
	log "boot '$name': $what on $smp vCPU(s), at most ${timeout[$name]} s; host load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/$name.host"
	# The host boot runs its guest itself, in the namespace it creates.
	if if [ "$name" = host ]; then
		HTTP_DURATION="$HTTP_DURATION" HOST_HTTP_CONNS="$HOST_HTTP_CONNS" \
			HOST_ECHO_THREADS="$HOST_ECHO_THREADS" ECHO_SAMPLES="$ECHO_SAMPLES" \
			"$KSTD_ROOT/scripts/bench-host.sh" "$kdir/arch/x86/boot/bzImage" "$mods" "$tools" \
			"$out/$name" "${timeout[$name]}" >"$out/$name.log" 2>&1
	else "$KSTD_ROOT/scripts/run-guest.sh" --kernel "$kdir/arch/x86/boot/bzImage" \
		--smp "$smp" --timeout "${timeout[$name]}" --out "$out/$name" -- \
		env HTTP_DURATION="$HTTP_DURATION" HTTP_CONNS="$conns" CACHE_CONNS="$CACHE_CONNS" \
		KHTTPD_ARGS="${KHTTPD_ARGS:-}" \
		ECHO_THREADS="$ECHO_THREADS" ECHO_UDP_THREADS="$ECHO_UDP_THREADS" \
		ECHO_SAMPLES="$ECHO_SAMPLES" \
		OVERHEAD_ITERATIONS="$OVERHEAD_ITERATIONS" \
		"$KSTD_ROOT/scripts/guest-tests/bench-guest.sh" "$what" "$mods" "$tools" \
		>"$out/$name.log" 2>&1; fi; then
		log "boot '$name' done in $((SECONDS - start)) s"
	else
		failed+=("$name")
		tail -20 "$out/$name.log" >&2
		log "boot '$name' failed after $((SECONDS - start)) s (log: $out/$name.log)"
	fi
	echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/$name.host"
	echo "seconds=$((SECONDS - start))" >>"$out/$name.host"
}

for b in $only; do
	case $b in
	echo) boot echo 2 echo ;;
	http) boot http 2 http ;;
	overhead) boot overhead 2 overhead ;;
	http-1cpu) boot http-1cpu 1 http ;;
	cache) boot cache 2 cache ;;
	cache-1cpu) boot cache-1cpu 1 cache ;;
	host) boot host 2 'loads from the host' ;;
	profile) boot profile 2 profile ;;
	esac
done

log "writing $out/report.md"
report_ok=1
python3 "$KSTD_ROOT/scripts/bench-report.py" "$out" || report_ok=0
echo
cat "$out/report.md" 2>/dev/null || true
echo
echo "report: $out/report.md"
echo "plots:  $(cd "$out" && echo *.png)"
[ ${#failed[@]} -eq 0 ] || die "boots that failed: ${failed[*]}"
[ $report_ok = 1 ] || die "the report is incomplete (see above)"
