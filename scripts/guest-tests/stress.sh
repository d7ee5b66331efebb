#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The stress gauntlet (`make stress`, and a short form in `make check`) in
# the x86_64 debug guest.  For kecho, then khttpd: CONNS concurrent
# connections of mixed clients (tools/stress.cpp: well-formed with every
# byte checked, malformed, one byte per second, reset mid-request or
# mid-response) for DURATION seconds, while drop_tcp_sock takes its own load
# from the same tool (TIME-WAIT sockets of finished clients dropped, the
# server's end of live ones aborted); then the module is unloaded under that
# load (each rmmod within UNLOAD_BOUND seconds, every client then sees a
# reset or EOF, none hangs), then a kmemleak scan and a look at the kernel
# log.  For khttpd, drop_tcp_sock itself is unloaded first, still under
# load.  scripts/run-guest.sh also fails the whole run on any kernel report
# or leak.
#   stress.sh MODULE_DIR TOOLS_DIR
#   environment: DURATION (30 s per server), CONNS (1000), TIMEOUT (60 s
#   without progress is a hang), UNLOAD_BOUND (120 s), SEED (from the clock)
set -u
mods=$1
tools=$2
duration=${DURATION:-30}
conns=${CONNS:-1000}
timeout=${TIMEOUT:-60}
bound=${UNLOAD_BOUND:-120}
seed=${SEED:-}
www=/tmp/stress-www
drop=/proc/net/drop_tcp_sock
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - stress: $name"; else echo "not ok - stress: $name"; fails=$((fails + 1)); fi
}
ulimit -n 65536
# Short connections by the thousand: the whole port range, and room for
# their TIME-WAIT sockets (the default limit scales with memory; 2 GiB
# allows a few thousand, and an overflow would skip TIME-WAIT silently).
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range
echo 1000000 >/proc/sys/net/ipv4/tcp_max_tw_buckets
# No reuse of a TIME-WAIT socket's ports by a new connection (the default
# allows it on loopback after 1 s): a tw-drop client writes its line when it
# gets to its EOF, which among a thousand connections can be seconds after
# the socket entered TIME-WAIT, and the line must then still name that
# socket, not a new connection that took its ports over (which it would
# abort: seen as ECONNABORTED on connect, and counters off by one).
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse
# TCP memory.  2000 sockets with megabyte responses outgrow the default
# limits of a 2 GiB guest, and under that pressure the kernel drops
# segments and kills orphaned connections without a word (its defence
# against orphans eating memory): clients would wait forever for reasons
# that are not the server's.  Smaller buffers (1 MiB at most), and room for
# them.
echo "# tcp_mem was $(</proc/sys/net/ipv4/tcp_mem) pages"
echo "4096 131072 1048576" >/proc/sys/net/ipv4/tcp_rmem
echo "4096 16384 1048576" >/proc/sys/net/ipv4/tcp_wmem
echo "131072 196608 262144" >/proc/sys/net/ipv4/tcp_mem

# Kernel log lines that report a problem, since the last call (the full
# list of patterns is run-guest.sh's, which fails the run on them anyway).
log_seen=0
kernel_clean() {
	local new
	dmesg >/tmp/stress-dmesg
	new=$(tail -n +$((log_seen + 1)) /tmp/stress-dmesg |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|lockdep|ODEBUG|Call Trace|hung_task|blocked for more than|unreferenced object|list_(add|del) corruption' |
		head -20)
	log_seen=$(wc -l </tmp/stress-dmesg)
	[ -z "$new" ] || { printf '%s\n' "$new" | sed 's/^/# /'; return 1; }
}

# kmemleak reports objects that have been unreferenced for 5 s; two scans,
# as scripts/guest-init.sh does, so that objects in flight are not counted.
no_leaks() {
	local f=/sys/kernel/debug/kmemleak n
	[ -e $f ] || { echo "# kmemleak not available"; return 0; }
	sleep 5
	echo scan >$f && echo scan >$f || return 1
	n=$(grep -c 'unreferenced object' $f)
	[ "$n" -eq 0 ] || { head -40 $f | sed 's/^/# /'; return 1; }
}

# What the sockets of the first hung client look like (both ends), for
# whoever reads the log.
hang_report='echo "# the first hung client, port $STRESS_PORT:";
	ss -tnoiem "( sport = :$STRESS_PORT or dport = :$STRESS_PORT )" | sed "s/^/#   /";
	sed "s/^/#   /" /proc/net/sockstat'

# run_stress NAME MODULE STRESS-ARGS...: the load, the unload, the checks.
run_stress() {
	local name=$1 module=$2 out=/tmp/stress-$1.out err=/tmp/stress-$1.err rc start
	shift 2
	echo "# $name: $conns connections for $duration s, then the unload ($SECONDS s in)"
	start=$SECONDS
	# The tool bounds itself; this is the bound if the tool itself hangs.
	timeout -k 5 $((90 + duration + 3 * bound + 3 * timeout + 120)) \
		"$tools/stress" "$@" -c "$conns" -d "$duration" -t "$timeout" -b "$bound" \
		-H "$hang_report" ${seed:+-s "$seed"} >$out 2>$err
	rc=$?
	sed 's/^/# /' $out
	head -30 $err | sed 's/^/# stderr: /'
	echo "# $name: the run took $((SECONDS - start)) s"
	local row
	row=$(awk '$1 == "all" { print $6 + $7 + $8 }' $out)
	check "$name: $conns mixed connections, none unexpected, corrupted or hung" \
		test "${row:-x}" = 0
	check "$name: every client class had successes" \
		bash -c "! grep -q 'connection succeeded' $out && grep -q '^all ' $out"
	check "$name: unloaded under load within $bound s" \
		bash -c "[ \$(grep -c '^unload: .* status 0,' $out) -eq \$(grep -c '^unload:' $out) ] &&
			grep -q '^unload:' $out && ! grep -q 'overran its bound\|did not finish' $out"
	check "$name: every client ended after the unload; the port refuses connections" \
		grep -q 'refuses connections' $out
	check "$name: the module is gone" bash -c "! grep -q '^$module ' /proc/modules"
	check "$name: the stress tool passed" test "$rc" = 0
	echo "# $name: TCP memory pressure $(nstat -az TcpExtTCPMemoryPressures 2>/dev/null |
		awk '/Pressures/ { print $2 }') times so far;$(sed -n 's/^TCP:/ sockets:/p' /proc/net/sockstat)"
	check "$name: kmemleak finds no leak after the unload" no_leaks
	check "$name: no kernel report" kernel_clean
}

kernel_clean >/dev/null # only what follows counts

# The drop file stays loaded through the kecho run.
check "drop_tcp_sock loads" insmod "$mods/examples/drop-tcp-socket/drop_tcp_sock.ko"

# kecho: binary messages echoed byte for byte.
check "kecho loads" insmod "$mods/examples/kecho/kecho.ko" port=12345 backlog=1024
run_stress kecho kecho echo -D $drop -p /proc/kecho -u "rmmod kecho" 12345
check "drop_tcp_sock: its counters match the lines it took (kecho)" \
	grep -q '^drop counters at the unload: dropped_timewait +\([0-9]*\) (lines \1), aborted +\([0-9]*\) (lines \2)$' \
	/tmp/stress-kecho.out

# khttpd: files of every size class compared byte for byte: one that fits
# the head's buffer, one just over (spliced), larger ones; an empty one.
rm -rf $www && mkdir -p $www
head -c 19 /dev/urandom >$www/a
: >$www/empty
head -c 3000 /dev/urandom >$www/small.bin
head -c 8191 /dev/urandom >$www/edge.bin
head -c 102400 /dev/urandom >$www/100k.bin
head -c 1048576 /dev/urandom >$www/1m.bin
printf '<!DOCTYPE html>\n<h1>stress</h1>\n' >$www/index.html
chmod -R o+rX $www
# The idle timeout (10 minutes) outlasts the ramp-up, during which the
# first connections wait, idle, for the last ones to open, and the time
# the client needs to read a large response among a thousand others (the
# timeout counts from when the response went into the socket).  The slow
# clients send the end of their heads a byte a second, for up to 12 s, and
# may wait their turn for longer under this load: the head deadline as long.
check "khttpd loads" insmod "$mods/examples/khttpd/khttpd.ko" port=8081 docroot=$www timeout=600 \
	header_timeout=600
run_stress khttpd khttpd http -r $www -D $drop -p /proc/khttpd \
	-u "rmmod drop_tcp_sock" -u "rmmod khttpd" 8081
check "drop_tcp_sock: its counters match the lines it took (khttpd)" \
	grep -q '^drop counters at the unload: dropped_timewait +\([0-9]*\) (lines \1), aborted +\([0-9]*\) (lines \2)$' \
	/tmp/stress-khttpd.out
check "drop_tcp_sock unloaded under load" bash -c "! grep -q '^drop_tcp_sock ' /proc/modules"
rm -rf $www
echo "stress: $fails failed ($SECONDS s)"
exit $((fails > 0))
