#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest for `make bench`'s host boot (scripts/bench-host.sh):
# the servers, while the load generators run natively on the host, in the
# network namespace bench-host.sh created, over its tap device and the
# guest's virtio-net eth0.  This script serves and waits; it measures nothing.
#
#   bench-host-guest.sh MODULE_DIR TOOLS_DIR
#
# Brings up eth0 with GUEST_ADDR (10.77.0.2/24), starts the http boot's
# HTTP servers (http-servers.sh: khttpd, nginx, h2o, lighttpd and, when it is
# built, the floor) on a 12-byte index.html and a 1 MiB large.bin, kecho
# (port 12345) and user-echo-server (port 12346), all listening on every
# address, then writes /out/ready (key=value: servers, the HTTP servers in
# order; <server>_port for each; kecho_port, user_echo_port; large.bin's
# SHA-256, for the host to check what it fetches) and waits for /out/done,
# which the host writes when its loads are over, at most HOST_WAIT (600)
# seconds.  Then it saves /proc/khttpd and /proc/kecho to /out and stops
# everything.  Fails when a server cannot start or the host never says done.
set -u
mods=${1:?usage: bench-host-guest.sh MODULE_DIR TOOLS_DIR}
tools=${2:?tools directory}
out=${KSTD_OUT:-/out}
addr=${GUEST_ADDR:-10.77.0.2/24}
wait_limit=${HOST_WAIT:-600}
ulimit -n 65536

die() { echo "bench-host-guest: $*" >&2; exit 1; }

{
	echo "kernel=$(uname -r)"
	echo "vcpus=$(nproc)"
	echo "mem_mib=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "guest_addr=$addr"
} >"$out/meta.txt"

[ -e /sys/class/net/eth0 ] || die "no eth0 (was the guest booted with --netns/--tap?)"
ip link set eth0 up || die "cannot bring up eth0"
ip addr add "$addr" dev eth0 || die "cannot give eth0 $addr"
echo "driver=$(basename "$(readlink /sys/class/net/eth0/device/driver)")" >>"$out/meta.txt"

www=/tmp/bench-www
# shellcheck source=scripts/guest-tests/http-servers.sh
source "$(dirname "$0")/http-servers.sh"
http_die() { die "$*"; }
rm -rf $www && mkdir -p $www
printf 'Hello World\n' >$www/index.html # 12 bytes
head -c 1048576 /dev/urandom >$www/large.bin
read -ra servers <<<"$(http_servers_list "$mods")"
http_servers_start "$mods" $www "${servers[@]}"
# kecho's default unbound queue (bench=0): the NIC's packets all arrive on
# one vCPU, and the per-CPU queue of the loopback boots (bench=1) would keep
# every connection's work there.
insmod "$mods/examples/kecho/kecho.ko" port=12345 backlog=4096 bench=0 ||
	die "cannot load kecho"
"$tools/user-echo-server" -p 12346 -b 4096 &
user_pid=$!
sleep 1
kill -0 $user_pid 2>/dev/null || die "user-echo-server did not start"

{
	echo "servers=${servers[*]}"
	for s in "${servers[@]}"; do
		echo "${s}_port=$(http_server_port "$s")"
	done
	echo "kecho_port=12345"
	echo "user_echo_port=12346"
	echo "large_sha256=$(sha256sum <$www/large.bin | cut -d' ' -f1)"
} >"$out/ready.tmp" || die "cannot write $out/ready.tmp"
nstat -n # the guest's TCP counters, from here on
mv "$out/ready.tmp" "$out/ready" || die "cannot write $out/ready"
echo "bench-host-guest: servers up on $addr; waiting up to $wait_limit s for the host"

SECONDS=0
while [ ! -e "$out/done" ]; do
	[ $SECONDS -lt "$wait_limit" ] || die "the host did not finish within $wait_limit s"
	sleep 1
done
echo "bench-host-guest: the host is done ($(cat "$out/done")) after $SECONDS s"

# What the whole run did to the guest's TCP and to its NIC's queue
# (retransmissions, drops): the loads of all servers together.
nstat >"$out/guest.nstat"
tc -s qdisc show dev eth0 >"$out/guest-qdisc.txt" 2>&1
cp /proc/khttpd "$out/khttpd-proc.txt"
cp /proc/kecho "$out/kecho-proc.txt"
sed 's/^/khttpd: /' /proc/khttpd
kill $user_pid
wait $user_pid 2>/dev/null
rmmod kecho || die "cannot unload kecho"
http_servers_stop
rm -rf $www
