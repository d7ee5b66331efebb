#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of kecho: exact echo (small, binary, 1 MiB, IPv6), a client that
# sends without reading (back-pressure: all echoed in order), peer resets,
# 1000 concurrent bench clients with zero failures, /proc counters, unload
# with 1000 connections open, and an immediate reload on the same port.
# Then UDP (udp=1): datagrams of 0 to 65507 bytes echoed exactly over IPv4
# and IPv6 to a user-space client, 100 concurrent bench -u clients with zero
# failures, the counters, TCP still served, and the port closed on unload.
#   kecho.sh MODULE_DIR TOOLS_DIR
set -u
mod=$1/examples/kecho/kecho.ko
tools=$2
port=12345
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - kecho: $name"; else echo "not ok - kecho: $name"; fails=$((fails + 1)); fi
}
ulimit -n 65536

check "loads" insmod "$mod" port=$port backlog=1024
check "proc counters present" grep -q '^connections_open: 0$' /proc/kecho
python3 "$tools/echo-test.py" $port | sed 's/^\(not \)\{0,1\}ok - /&kecho: /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
check "1000 concurrent bench clients, no failure" \
	"$tools/bench" -p $port -t 1000 -r 2 -o /tmp/kecho-bench
check "every connection closed and freed" \
	bash -c 'for i in $(seq 50); do grep -q "^connections_open: 0$" /proc/kecho && exit 0; sleep 0.2; done; exit 1'
check "bytes counted" bash -c 'awk "/^bytes_sent:/ { exit !(\$2 > 4000000) }" /proc/kecho'

# Unload while 1000 connections are open, then reload at once.
coproc idle { python3 "$tools/echo-test.py" $port --idle 1000; }
idle_pid=$idle_PID
read -r -t 600 line <&"${idle[0]}"
echo "# $line"
check "1000 idle connections served" grep -q "1000 of 1000" <<<"$line"
check "open count is 1000" grep -q '^connections_open: 1000$' /proc/kecho
start=$(date +%s%N)
check "unloads with 1000 open connections" rmmod kecho
echo "# rmmod took $((($(date +%s%N) - start) / 1000000)) ms"
kill "$idle_pid" 2>/dev/null
wait "$idle_pid" 2>/dev/null
check "reloads at once on the same port" insmod "$mod" port=$port
check "serves after reload" bash -c "python3 - <<PY
import socket
s = socket.create_connection(('127.0.0.1', $port), timeout=10)
s.sendall(b'again')
assert s.recv(5) == b'again'
PY"
check "unloads again" rmmod kecho

check "loads with udp=1" insmod "$mod" port=$port udp=1
check "UDP: exact echo, IPv4 and IPv6, 0 to 65507 bytes" python3 - $port <<'PY'
import os, socket, sys
port = int(sys.argv[1])
for fam, host, top in ((socket.AF_INET, "127.0.0.1", 65507), (socket.AF_INET6, "::1", 65527)):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(5)
    for n in (0, 1, 32, 1400, 9000, top):
        data = os.urandom(n)
        s.sendto(data, (host, port))
        got, peer = s.recvfrom(70000)
        assert got == data, (host, n, len(got))
        assert peer[1] == port, peer
    # Several in flight at once: each comes back once.
    for i in range(50):
        s.sendto(b"burst %d" % i, (host, port))
    got = sorted(s.recvfrom(100)[0] for _ in range(50))
    assert got == sorted(b"burst %d" % i for i in range(50)), got
PY
check "UDP: 100 concurrent bench -u clients, no failure" \
	"$tools/bench" -u -p $port -t 100 -r 5 -o /tmp/kecho-udp-bench
check "UDP: datagrams counted, no error" \
	awk '/^udp_datagrams:/ { n = $2 } /^udp_errors:/ { e = $2 } /^udp_truncated:/ { t = $2 }
	     END { exit !(n >= 612 && e == 0 && t == 0) }' /proc/kecho
check "TCP still served with udp=1" python3 "$tools/echo-test.py" $port
check "unloads with udp=1" rmmod kecho
check "UDP port closed after unload" python3 - $port <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.send(b"anyone?")
try:
    s.recv(100)
    sys.exit(1)
except ConnectionRefusedError:
    pass
PY
echo "kecho: $fails failed"
exit $((fails > 0))
