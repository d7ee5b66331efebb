#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`'s host boot (BENCH_ONLY=host, from scripts/bench.sh): the load
# generators run natively on the host, against the guest over a tap device
# and the guest's virtio-net NIC, instead of inside the guest beside the
# servers.
#
#   scripts/bench-host.sh BZIMAGE MODULE_DIR TOOLS_DIR OUT_DIR TIMEOUT
#
# Creates the network namespace kstd-bench-<pid> with the tap device
# kstdtap0 (10.77.0.1/24) in it and boots the guest (2 vCPUs) inside it
# (run-guest.sh --netns/--tap); the guest (guest-tests/bench-host-guest.sh)
# takes 10.77.0.2/24 on eth0, starts the http boot's HTTP servers (khttpd,
# nginx, h2o, lighttpd and, when built, the floor), kecho and
# user-echo-server and writes OUT_DIR/ready (the servers and their ports).
# Every server must answer index.html, and large.bin intact (the floor
# excepted: it has one canned response), and is warmed up.  Then, inside
# the namespace, each load bounded by `timeout`:
#
#   HTTP  htstress HTTP/1.0 (h10), htstress -k (hka) and wrk (keep-alive)
#         at each count in HOST_HTTP_CONNS (100) connections, 12-byte and
#         1 MiB files (the floor: the 12-byte file only), HTTP_DURATION
#         (10) s per run, every server one after the other, which goes
#         first rotating from one load to the next (as in the http boot):
#         OUT_DIR/<server>-<load>-<small|large>-c<conns>.txt (.err; .lat
#         for htstress), servers.txt (the servers, in order) and runs.txt
#         (every run planned: server load file conns), as the http boot
#         writes them, for bench-report.py
#   echo  bench at each count in HOST_ECHO_THREADS (1000) threads,
#         ECHO_SAMPLES (10000) round trips per server, kecho then
#         user-echo-server: OUT_DIR/t<threads>.txt and .dat files; then
#         echo-epoll (tools/echo-epoll.c: 2 threads holding as many
#         connections, ECHO_SAMPLES / connections round trips each, at
#         least 10): OUT_DIR/e<conns>.txt and .dat files
#
# and writes OUT_DIR/done, which ends the guest.  The namespace (and the tap
# with it) is deleted on every exit, failure and Ctrl-C included; nothing
# is routed out of it, so the load never leaves it.  Fails when the guest
# does not come up, a server does not answer, a tool prints no result, or
# the guest fails.  The host's cores run QEMU and the load generators at
# once: the client competes with the guest for CPU, as a client on the same
# machine does.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: bench-host.sh BZIMAGE MODULE_DIR TOOLS_DIR OUT_DIR TIMEOUT"
kernel=$1 mods=$2 tools=$3 out=$4 limit=$5
ns=kstd-bench-$$
tap=kstdtap0
host_addr=10.77.0.1/24
guest=10.77.0.2
duration=${HTTP_DURATION:-10}
conns_list=${HOST_HTTP_CONNS:-100}
threads_list=${HOST_ECHO_THREADS:-1000}
samples=${ECHO_SAMPLES:-10000}
# The guest's wait: all of the host's work, with room (the boot is
# counted in run-guest.sh's TIMEOUT, not here).
guest_wait=$((limit > 120 ? limit - 60 : 60))

need_pkgs iproute2 wrk curl
mkdir -p "$out"
rm -f "$out/ready" "$out/ready.tmp" "$out/done"

guest_pid=
cleanup() {
	local rc=$? _
	trap - EXIT INT TERM
	# The guest waits for this file; without it, it would wait its limit.
	[ -e "$out/done" ] || echo "status=$rc" >"$out/done" 2>/dev/null || true
	if [ -n "$guest_pid" ]; then
		for _ in $(seq 120); do
			kill -0 "$guest_pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$guest_pid" 2>/dev/null; then
			log "host: the guest did not stop; killing run-guest.sh ($guest_pid)"
			kill "$guest_pid" 2>/dev/null || true
		fi
		wait "$guest_pid" 2>/dev/null || true
	fi
	if ip netns list | grep -qw "$ns"; then
		ip netns del "$ns" || log "host: cannot delete network namespace $ns"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

nsx() { ip netns exec "$ns" "$@"; }

ip netns add "$ns" || die "cannot create network namespace $ns"
ip -n "$ns" link set lo up
nsx ip tuntap add dev "$tap" mode tap || die "cannot create tap $tap in $ns"
ip -n "$ns" addr add "$host_addr" dev "$tap"
ip -n "$ns" link set "$tap" up
log "host: namespace $ns, $tap $host_addr, guest $guest"

"$KSTD_ROOT/scripts/run-guest.sh" --kernel "$kernel" --smp 2 --timeout "$limit" --out "$out" \
	--netns "$ns" --tap "$tap" -- \
	env GUEST_ADDR="$guest/24" HOST_WAIT="$guest_wait" KHTTPD_ARGS="${KHTTPD_ARGS:-}" \
	"$KSTD_ROOT/scripts/guest-tests/bench-host-guest.sh" "$mods" "$tools" &
guest_pid=$!

# The guest boots and starts its servers: wait for its ready file.
start=$SECONDS
until [ -e "$out/ready" ]; do
	if ! kill -0 "$guest_pid" 2>/dev/null; then
		rc=0
		wait "$guest_pid" || rc=$?
		guest_pid=
		die "the guest ended (status $rc) before its servers were ready"
	fi
	[ $((SECONDS - start)) -lt 300 ] || die "the guest's servers were not ready within 300 s"
	sleep 1
done
kv() { sed -n "s/^$1=//p" "$out/ready"; }
read -ra servers <<<"${HOST_SERVERS:-$(kv servers)}"
[ ${#servers[@]} -gt 0 ] || die "the guest's ready file names no HTTP server"
declare -A port
for s in "${servers[@]}"; do
	port[$s]=$(kv "${s}_port")
	[ -n "${port[$s]}" ] || die "the guest's ready file has no port for $s"
done
kecho_port=$(kv kecho_port) user_echo_port=$(kv user_echo_port)
log "host: guest ready after $((SECONDS - start)) s: ${servers[*]}"

# Every web server answers over the tap, with the right bytes (the floor
# answers every request with index.html's bytes: it has no large.bin).
for s in "${servers[@]}"; do
	p=${port[$s]}
	[ "$(nsx timeout 30 curl -sf "http://$guest:$p/index.html")" = "Hello World" ] ||
		die "$s (port $p): no answer from $guest"
	[ "$s" = floor ] && continue
	[ "$(nsx timeout 60 curl -sf "http://$guest:$p/large.bin" | sha256sum | cut -d' ' -f1)" = \
		"$(kv large_sha256)" ] || die "$s (port $p): large.bin arrives damaged"
done
# Warm-up, not measured (the guest's page cache, worker pools, khttpd's
# open-file cache, the host's and the guest's TCP state).
for s in "${servers[@]}"; do
	p=${port[$s]}
	nsx timeout 120 "$tools/htstress" -n 2000 -c 10 -t 2 "http://$guest:$p/index.html" >/dev/null 2>&1 ||
		die "warm-up against $s (port $p) failed"
	[ "$s" = floor ] ||
		nsx timeout 120 "$tools/htstress" -n 200 -c 10 -t 2 "http://$guest:$p/large.bin" >/dev/null 2>&1 ||
		die "warm-up against $s (port $p) failed"
done

no_result=()
# One load against one server, in the namespace, for at most 3 x its
# duration + 60 s: the tool's stdout in $name.txt, stderr in $name.err.
http_run() { # server port load file conns
	local server=$1 port=$2 load=$3 file=$4 c=$5 path=index.html name rc=0 ka=()
	local bound=$((3 * duration + 60))
	[ "$load" = hka ] && ka=(-k)
	[ "$file" = large ] && path=large.bin
	name=$out/$server-$load-$file-c$c
	nsx nstat -n # the client side's TCP counters (this namespace's), from here on
	case $load in
	h10 | hka)
		nsx timeout -k 5 "$bound" "$tools/htstress" -D "$duration" -T 10 -c "$c" -t 2 "${ka[@]}" \
			-o "$name.lat" "http://$guest:$port/$path" >"$name.txt" 2>"$name.err" || rc=$? ;;
	wrk)
		nsx timeout -k 5 "$bound" wrk -t2 -c"$c" -d"${duration}s" --timeout 10s --latency \
			"http://$guest:$port/$path" >"$name.txt" 2>"$name.err" || rc=$? ;;
	esac
	nsx nstat >"$name.nstat"
	grep -aqiE '^requests/sec' "$name.txt" || no_result+=("$server $load $file c=$c (exit $rc)")
	printf '%-8s %-4s %-6s c=%-5s exit %s: %s\n' "$server" "$load" "$file" "$c" "$rc" \
		"$(grep -aiE '^requests/sec' "$name.txt" | tr -s ' ')"
}

# Every run, planned first (runs.txt: the report tells a run that failed
# from one that was not asked for).  The servers take turns going first
# (khttpd nginx h2o lighttpd floor, then nginx h2o lighttpd floor khttpd,
# ...), as in the http boot, so a drift of the (shared, emulated) machine
# favours none; the floor's canned 12 bytes are no answer to large.bin.
echo "${servers[*]}" >"$out/servers.txt"
runs=() i=0
for file in ${HOST_FILES:-small large}; do
	for load in ${HOST_LOADS:-h10 hka wrk}; do
		for c in $conns_list; do
			rot=$((i++ % ${#servers[@]}))
			for s in "${servers[@]:rot}" "${servers[@]:0:rot}"; do
				[ "$s" = floor ] && [ "$file" = large ] && continue
				runs+=("$s $load $file $c")
			done
		done
	done
done
printf '%s\n' "${runs[@]}" >"$out/runs.txt"
for r in "${runs[@]}"; do
	read -r s load file c <<<"$r"
	http_run "$s" "${port[$s]}" "$load" "$file" "$c"
done

for t in $threads_list; do
	rounds=$((samples / t))
	[ $rounds -ge 1 ] || rounds=1
	echo "== bench: $t threads x $rounds rounds against $guest, kecho then user-echo-server =="
	# Exit 1 means some round trips failed: a result, which the table counts.
	nsx timeout -k 5 $((300 + 2 * rounds * 20)) "$tools/bench" -H "$guest" -p "$kecho_port" \
		-c "$user_echo_port" -l kecho,user-echo-server -t "$t" -r "$rounds" -o "$out/t$t" \
		>"$out/t$t.txt" 2>"$out/t$t.err" || true
	cat "$out/t$t.txt"
	grep -q '^kecho ' "$out/t$t.txt" || no_result+=("bench $t threads")
	rounds=$((samples / t))
	[ $rounds -ge 10 ] || rounds=10
	echo "== echo-epoll: $t connections on 2 threads x $rounds round trips, kecho then user-echo-server =="
	nsx timeout -k 5 300 "$tools/echo-epoll" -H "$guest" -p "$kecho_port" -c "$user_echo_port" \
		-l kecho,user-echo-server -n "$t" -t 2 -r "$rounds" -D 120 -o "$out/e$t" \
		>"$out/e$t.txt" 2>"$out/e$t.err" || true
	cat "$out/e$t.txt"
	grep -q '^kecho ' "$out/e$t.txt" || no_result+=("echo-epoll $t connections")
done

echo "status=0" >"$out/done"
rc=0
wait "$guest_pid" || rc=$?
guest_pid=
[ $rc -eq 0 ] || die "the guest failed (run-guest.sh status $rc)"
[ ${#no_result[@]} -eq 0 ] || die "no result from: ${no_result[*]}"
log "host: done"
