#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest for `make bench` (scripts/bench.sh, boot "profile"):
# where the guest's CPU goes while khttpd, the floor (bench/http-floor: the
# same skeleton without HTTP) and nginx as the reference serve a 12-byte
# file, then khttpd and nginx a 1 MiB one.  For each server and load, `perf record -a` samples
# every vCPU with the software clock (cpu-clock: TCG has no PMU) while the
# load runs, and `perf script` writes one line per sample (the task, its
# CPU, user or kernel mode, the sampled symbol and object) plus its kernel
# call chain to /out; scripts/bench_profile_report.py buckets the samples
# on the host.
#
#   bench-profile.sh MODULE_DIR TOOLS_DIR
#
# Loads (PROFILE_CONNS, 100, connections; HTTP_DURATION, 10, seconds each):
#   h10  htstress HTTP/1.0, a new connection per request
#   hka  htstress -k, keep-alive
#   lka  htstress -k on a 1 MiB file (khttpd and nginx: the floor has no files)
# Output: profile-<server>-<load>.script (perf script), .txt (htstress's
# stdout, to show the load ran), .err; profile-meta.txt (perf's version,
# sampling frequency).  A benchmark, not a test: it fails only when a server
# cannot be started, perf cannot sample, or a load printed no result.
set -u
mods=${1:?usage: bench-profile.sh MODULE_DIR TOOLS_DIR}
tools=${2:?tools directory}
out=${KSTD_OUT:-/tmp/bench-out}
d=${HTTP_DURATION:-10}
conns=${PROFILE_CONNS:-100}
freq=${PROFILE_FREQ:-499}
perf=${PERF:-/usr/bin/perf}
www=/tmp/bench-www
ulimit -n 65536

die() { echo "bench-profile: $*" >&2; exit 1; }

# bench-guest.sh, which execs this, has written $out/meta.txt already.
mkdir -p "$out"

[ -x "$perf" ] || die "no $perf (Debian's linux-perf)"
# Kernel and module addresses for perf, sampling for root without limits.
sysctl -qw kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1 ||
	die "cannot set kptr_restrict/perf_event_paranoid"
{
	echo "perf=$("$perf" --version)"
	echo "event=cpu-clock"
	echo "freq=$freq"
	echo "duration=$d"
	echo "conns=$conns"
} >"$out/profile-meta.txt"

# shellcheck source=scripts/guest-tests/http-servers.sh
source "$(dirname "$0")/http-servers.sh"
http_die() { die "$*"; }
rm -rf $www && mkdir -p $www
printf 'Hello World\n' >$www/index.html # 12 bytes
head -c 1048576 /dev/urandom >$www/large.bin
http_servers_start "$mods" $www khttpd floor nginx
for p in "$KHTTPD_PORT" "$FLOOR_PORT" "$NGINX_PORT"; do # warm-up, not sampled
	"$tools/htstress" -n 2000 -c 10 -t 2 "http://127.0.0.1:$p/index.html" >/dev/null 2>&1
done

# One sampled load: perf record -a for as long as htstress runs (htstress
# stops after d s; timeout stops both if it hangs).
profile_run() { # server port load
	local server=$1 port=$2 load=$3 name ka=() rc path=index.html
	name=$out/profile-$server-$load
	[ "$load" != h10 ] && ka=(-k)
	[ "$load" = lka ] && path=large.bin
	timeout -s INT $((3 * d + 60)) "$perf" record -q -N -B -e cpu-clock -F "$freq" -a -g \
		-o /tmp/perf.data -- \
		"$tools/htstress" -D "$d" -T 10 -c "$conns" -t 2 "${ka[@]}" \
		"http://127.0.0.1:$port/$path" >"$name.txt" 2>"$name.err"
	rc=$?
	grep -aiqE '^requests/sec' "$name.txt" ||
		die "$server $load: htstress printed no result (exit $rc; $name.err)"
	# The kernel's call chain only (user stacks of stripped servers
	# unwind poorly); the leaf is the sample's own symbol.
	"$perf" script -i /tmp/perf.data -F comm,tid,cpu,event,ip,sym,dso --kallsyms /proc/kallsyms \
		>"$name.script" 2>>"$name.err" ||
		die "$server $load: perf script failed ($name.err)"
	[ -s "$name.script" ] || die "$server $load: perf recorded no samples"
	rm -f /tmp/perf.data
	printf '%-7s %-4s %s samples: %s\n' "$server" "$load" \
		"$(grep -c '^[^ 	]' "$name.script")" "$(grep -aiE '^requests/sec' "$name.txt" | tr -s ' ')"
}

for load in h10 hka lka; do
	profile_run khttpd "$KHTTPD_PORT" $load
	[ $load = lka ] || profile_run floor "$FLOOR_PORT" $load
	profile_run nginx "$NGINX_PORT" $load
done
sed 's/^/khttpd: /' /proc/khttpd
http_servers_stop
rm -rf $www
