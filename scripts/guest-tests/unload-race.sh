#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# khttpd unloaded while other tasks abort its connections.  Each of ROUNDS
# rounds loads khttpd, puts keep-alive and HTTP/1.0 load on it, and runs two
# abort loops against its established connections: `ss -K` (sock_diag's
# destroy: tcp_abort() under lock_sock() in the ss process) and
# /proc/net/drop_tcp_sock (tcp_abort() from drop_tcp_sock's write).  Both
# run khttpd's socket hooks from their own context, in their release_sock()
# backlog processing as well, so this is the race of docs/design.md "Socket
# hooks and unloading": a hook entered by another task while khttpd is
# being removed.  Then rmmod runs under all of that and must succeed within
# BOUND seconds; the load must end by itself (every client sees a reset, an
# EOF or a response).  scripts/run-guest.sh fails the run on any kernel
# report (KASAN would name a call into freed module text).
#   unload-race.sh MODULE_DIR TOOLS_DIR
#   environment: ROUNDS (4), BOUND (60 s per rmmod)
set -u
mods=$1
tools=$2
rounds=${ROUNDS:-4}
bound=${BOUND:-60}
khttpd=$mods/examples/khttpd/khttpd.ko
drop=$mods/examples/drop-tcp-socket/drop_tcp_sock.ko
www=/tmp/unload-race-www
port=8081
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - unload-race: $name"; else echo "not ok - unload-race: $name"; fails=$((fails + 1)); fi
}
ulimit -n 65536
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range
mkdir -p $www && printf 'hello\n' >$www/small.txt && head -c 262144 /dev/zero >$www/big.bin

if ! command -v ss >/dev/null || ! ss -K -tn state established '( sport = :1 )' >/dev/null 2>&1; then
	echo "not ok - unload-race: ss -K works (CONFIG_INET_DIAG_DESTROY)"
	exit 1
fi
check "drop_tcp_sock loads" insmod "$drop"

# Counters, read with builtins.
drop_aborted() {
	local k v
	while read -r k v; do [ "$k" = aborted: ] && echo "$v" && return; done </proc/net/drop_tcp_sock
	echo 0
}
ss_aborted() {
	local n=0
	[ -s /tmp/unload-race.ss ] && read -r n </tmp/unload-race.ss
	echo "${n:-0}"
}

# Abort loops; each ends when its stop file appears.
ss_killer() { # writes how many connections it aborted to /tmp/unload-race.ss
	local n=0 runs=0 k
	until [ -e /tmp/unload-race.stop ]; do
		k=$(ss -K -tnH state established "( sport = :$port )" 2>/dev/null | wc -l)
		n=$((n + k)) runs=$((runs + 1))
		echo $n >/tmp/unload-race.ss
	done
	echo "# ss -K ran $runs times, aborted $n connection(s)"
}
drop_killer() {
	local n=0
	until [ -e /tmp/unload-race.stop ]; do
		# "local peer" per line, as the README's ss pipeline writes them.
		ss -tnH state established "( sport = :$port )" 2>/dev/null |
			awk '{ print $3, $4 }' >/proc/net/drop_tcp_sock 2>/dev/null
		n=$((n + 1))
	done
	echo "# drop_tcp_sock writes: $n"
}

for round in $(seq 1 "$rounds"); do
	round_start=$SECONDS
	rm -f /tmp/unload-race.stop
	if ! insmod "$khttpd" port=$port docroot=$www timeout=5; then
		check "round $round: khttpd loads" false
		break
	fi
	pids=()
	"$tools/htstress" -n 0 -D 12 -T 10 -c 40 -t 2 -k "http://127.0.0.1:$port/small.txt" \
		>/tmp/unload-race.ka.$round 2>&1 &
	pids+=($!)
	"$tools/htstress" -n 0 -D 12 -T 10 -c 20 -t 1 "http://127.0.0.1:$port/big.bin" \
		>/tmp/unload-race.h10.$round 2>&1 &
	pids+=($!)
	sleep 2 # the load is up
	: >/tmp/unload-race.ss
	ss_killer &
	killers=($!)
	drop_killer &
	killers+=($!)
	# rmmod once the loops have aborted something (bounded wait; builtins
	# only, as every exec costs under TCG).  ss -K may get every connection
	# before drop_tcp_sock does, so the check is on both together.
	aborted0=$(drop_aborted)
	until [ $((SECONDS - round_start)) -ge 60 ] || [ $(($(ss_aborted) + $(drop_aborted) - aborted0)) -gt 0 ]; do
		sleep 0.2
	done
	echo "# round $round: aborted by ss -K $(ss_aborted), by drop_tcp_sock $(($(drop_aborted) - aborted0))"
	check "round $round: ss -K and drop_tcp_sock abort khttpd's connections" \
		test $(($(ss_aborted) + $(drop_aborted) - aborted0)) -gt 0
	start=$SECONDS
	timeout "$bound" rmmod khttpd
	rc=$?
	check "round $round: rmmod khttpd under aborts and load (rc $rc, $((SECONDS - start)) s)" \
		test $rc -eq 0
	touch /tmp/unload-race.stop
	wait "${killers[@]}"
	# The clients find the server gone (reset or refused) and end by -D/-T.
	ended=true
	for p in "${pids[@]}"; do
		timeout 60 tail --pid="$p" -f /dev/null || { ended=false; kill -9 "$p"; }
	done
	check "round $round: every client ended by itself" $ended
	for f in /tmp/unload-race.ka.$round /tmp/unload-race.h10.$round; do
		grep -h "^requests:\|^good requests:\|^socket errors:" $f | tr -s " \n" " " | sed "s|^|# ${f#/tmp/unload-race.}: |"
		echo
	done
	[ $rc -eq 0 ] || break
done
check "drop_tcp_sock unloads" rmmod drop_tcp_sock
check "no module left" bash -c '! grep -qE "^(khttpd|drop_tcp_sock) " /proc/modules'
echo "# unload-race: $fails failure(s)"
[ $fails -eq 0 ]
