#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of drop_tcp_sock (examples/drop-tcp-socket): hundreds of IPv4
# and IPv6 TIME-WAIT sockets dropped through /proc/net/drop_tcp_sock (one
# write, and `ss` piped in), established connections aborted (the peer sees
# a reset), every bad input's errno, lines split across writes, a namespace's
# own file and sockets (`ip netns`), the file of a deleted namespace closed,
# unload and reload with namespaces present; writing takes CAP_NET_ADMIN over
# the namespace (root without it, root of a user namespace over the host's
# network namespace: EPERM; root of its own user and network namespace: ok;
# the user-namespace checks need CONFIG_USER_NS and are skipped without it);
# filter lines (`filter state ... dport ...`): 2000 TIME-WAIT sockets among
# other states, ports and families dropped in one write, checked against
# `ss -tan` (exactly those gone, the count reported equal to ss's
# difference), another namespace's untouched, a writer without
# CAP_NET_ADMIN refused; the generic netlink command DROP_MATCHING (family
# drop_tcp_sock): its reply's count against `ss`, in the initial namespace
# and in another one, bad attributes' errnos, EPERM without CAP_NET_ADMIN.
# Needs root, python3, ip, ss, setpriv, unshare.
#   drop-tcp-socket.sh MODULE_DIR
set -u
mod=$1/examples/drop-tcp-socket/drop_tcp_sock.ko
tool=$(cd "$(dirname "$0")/../../examples/drop-tcp-socket/tools" && pwd)/drop-test.py
file=/proc/net/drop_tcp_sock
tmp=$(mktemp -d)
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - drop-tcp-socket: $name"; else echo "not ok - drop-tcp-socket: $name"; fails=$((fails + 1)); fi
}
prefix() { sed -u 's/^\(not \)\{0,1\}ok - /&drop-tcp-socket: /'; }
counter() { # [netns] name: a counter's value
	if [ $# -eq 2 ]; then ip netns exec "$1" awk -v k="$2:" '$1 == k { print $2 }' $file
	else awk -v k="$1:" '$1 == k { print $2 }' $file; fi
}
in_ns() { ip netns exec "$@"; }
# count_tw FILE [NETNS]: how many of FILE's IPv4 lines ("A.B.C.D:P E.F.G.H:Q",
# as `drop-test.py tw` prints them) are in TIME-WAIT (st 06) in /proc/net/tcp.
count_tw() {
	local cmd=(awk)
	[ $# -gt 1 ] && cmd=(ip netns exec "$2" awk)
	"${cmd[@]}" 'function hex(ep,  a, p) {
		split(ep, p, ":"); split(p[1], a, ".")
		return sprintf("%02X%02X%02X%02X:%04X", a[4], a[3], a[2], a[1], p[2])
	}
	FNR == NR { want[hex($1) " " hex($2)] = 1; next }
	FNR > 1 && $4 == "06" && (($2 " " $3) in want) { n++ }
	END { print n + 0 }' "$1" /proc/net/tcp
}

check "loads" insmod "$mod"
check "/proc/net/drop_tcp_sock exists" test -f $file

# Everything in the initial namespace: TIME-WAIT, aborts, errnos, split lines.
python3 "$tool" main | prefix
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))

echo "# initial namespace checks done at ${SECONDS} s"

# What the shell shows for a bad line.
msg=$(printf 'not a connection\n' 2>&1 >$file)
check "bash's printf reports the error ($msg)" grep -q "Invalid argument" <<<"$msg"
msg=$(printf '127.0.0.1:1 127.0.0.1:65536\n' 2>&1 >$file)
check "bash's printf reports ERANGE ($msg)" grep -q "Numerical result out of range" <<<"$msg"

# ss piped in, as the README shows it.
if command -v ss >/dev/null; then
	python3 "$tool" tw 100 >"$tmp/ss.txt"
	check "100 TIME-WAIT sockets for ss" test "$(count_tw "$tmp/ss.txt")" = 100
	before=$(counter dropped_timewait)
	ss -tn state time-wait | awk 'NR>1 {print $3, $4}' >$file
	check "ss -tn state time-wait | awk ... > $file drops them all" \
		test "$(count_tw "$tmp/ss.txt")" = 0
	check "ss sees no TIME-WAIT socket left" test "$(ss -tn state time-wait | wc -l)" -le 1
	check "dropped_timewait counts at least 100" test $(($(counter dropped_timewait) - before)) -ge 100
else
	echo "# ss not found: skipping the ss pipeline"
fi

echo "# ss checks done at ${SECONDS} s"

# Opening for writing takes CAP_NET_ADMIN in the user namespace owning the
# network namespace, as `ss -K` does; uid 0 and the mode 0600 are not enough.
nocap=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin --)
eff=$("${nocap[@]}" awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
check "setpriv leaves root without CAP_NET_ADMIN (CapEff $eff)" test $((0x$eff & 1 << 12)) = 0
python3 "$tool" tw 1 40011:40012 >"$tmp/cap.txt"
msg=$("${nocap[@]}" sh -c "cat $tmp/cap.txt > $file" 2>&1)
check "root without CAP_NET_ADMIN cannot open it for writing ($msg)" \
	grep -q "Operation not permitted" <<<"$msg"
check "and the TIME-WAIT socket survives" test "$(count_tw "$tmp/cap.txt")" = 1
check "root without CAP_NET_ADMIN still reads the counters" \
	"${nocap[@]}" grep -q '^dropped_timewait: ' $file
if unshare -Ur true 2>/dev/null; then
	msg=$(unshare -Ur sh -c "cat $tmp/cap.txt > $file" 2>&1)
	check "root of a new user namespace cannot write the host network namespace's file ($msg)" \
		grep -q "Operation not permitted" <<<"$msg"
	msg=$(unshare -Urn sh -c "cat $tmp/cap.txt > /proc/1/net/drop_tcp_sock" 2>&1)
	check "nor, from its own network namespace, the host's through /proc/1/net ($msg)" \
		grep -qE "Operation not permitted|Permission denied" <<<"$msg"
	check "and the socket survives both" test "$(count_tw "$tmp/cap.txt")" = 1
	shared=$(mktemp -d)
	chmod 0777 "$shared"
	# In a new network namespace: its file's owner and mode, then whether
	# a TIME-WAIT socket of it is left after writing its line ($1: a file
	# for the line).
	own="ip link set lo up && stat -c '%u:%g %a' $file &&
		python3 $tool tw 1 40011:40012 >\$1 && cat \$1 >$file && python3 $tool count-tw \$1"
	# Root of a new user and network namespace holds CAP_NET_ADMIN over
	# its own network namespace.
	out=$(unshare -Urn sh -c "$own" sh "$shared/root.txt" 2>&1)
	check "root of its own user and network namespace drops a TIME-WAIT socket there ($(tail -1 <<<"$out"))" \
		test "$(tail -1 <<<"$out")" = 0
	# An unprivileged user's: the user namespace made and mapped first,
	# then the network namespace (as container runtimes do), whose file
	# then belongs to that namespace's root like /proc/net itself.  (With
	# one `unshare -Urn`, the network namespace is made before the uid map
	# is written, and /proc/net and all in it stay global root's.)
	out=$(setpriv --reuid=1000 --regid=1000 --clear-groups -- \
		unshare -Ur unshare -n sh -c "$own" sh "$shared/user.txt" 2>&1)
	check "uid 1000's user namespace root owns its namespace's file ($(head -1 <<<"$out"))" \
		test "$(head -1 <<<"$out")" = "0:0 600"
	check "and drops a TIME-WAIT socket there ($(tail -1 <<<"$out"))" test "$(tail -1 <<<"$out")" = 0
	check "not the host's with the same tuple" test "$(count_tw "$tmp/cap.txt")" = 1
	rm -rf "$shared"
else
	echo "# skip - no user namespaces in this kernel: user-namespace checks not run"
fi
check "root with CAP_NET_ADMIN drops it" sh -c "cat $tmp/cap.txt > $file"
check "and it is gone" test "$(count_tw "$tmp/cap.txt")" = 0

echo "# capability checks done at ${SECONDS} s"

# A namespace has its own file, counters and sockets; the same 4-tuple in
# TIME-WAIT in both namespaces is dropped only where the line is written.
ip netns add dropns
in_ns dropns ip link set lo up
check "a new namespace gets its own file" in_ns dropns test -f $file
check "its counters start at zero" test "$(counter dropns dropped_timewait)" = 0
python3 "$tool" tw 1 40001:40002 >"$tmp/init.txt"
in_ns dropns python3 "$tool" tw 1 40001:40002 >"$tmp/ns.txt"
check "the same tuple is in TIME-WAIT in both namespaces" \
	test "$(cat "$tmp/init.txt")" = "$(cat "$tmp/ns.txt")" -a \
	"$(count_tw "$tmp/init.txt")" = 1 -a "$(count_tw "$tmp/ns.txt" dropns)" = 1
init_before=$(counter dropped_timewait)
check "a write in the namespace succeeds" in_ns dropns sh -c "cat $tmp/ns.txt > $file"
check "it drops the namespace's socket" test "$(count_tw "$tmp/ns.txt" dropns)" = 0
check "and not the initial namespace's" test "$(count_tw "$tmp/init.txt")" = 1
check "the namespace counts it" test "$(counter dropns dropped_timewait)" = 1
check "the initial namespace does not" test "$(counter dropped_timewait)" = "$init_before"
check "the initial namespace drops its own" sh -c "cat $tmp/init.txt > $file"
check "and it is gone" test "$(count_tw "$tmp/init.txt")" = 0
msg=$(in_ns dropns bash -c "printf 'bad\n' > $file" 2>&1)
check "errors in a namespace too ($msg)" grep -q "Invalid argument" <<<"$msg"
check "counted there" test "$(counter dropns malformed)" = 1

echo "# namespace checks done at ${SECONDS} s"

# Deleting the namespace removes its file: one held open fails with EIO.
coproc holder { python3 "$tool" hold dropns; }
holder_pid=$holder_PID
read -r -t 20 line <&"${holder[0]}"
check "the namespace's file is open ($line)" test "$line" = ready
ip netns del dropns
echo go >&"${holder[1]}"
read -r -t 40 line <&"${holder[0]}"
check "after ip netns del, its open file fails with EIO ($line)" \
	test "$line" = "read EIO, write EIO"
wait "$holder_pid" 2>/dev/null

echo "# namespace deletion checked at ${SECONDS} s"

# Filter lines.  Each TIME-WAIT socket takes a slot of
# net.ipv4.tcp_max_tw_buckets (half the ehash size by default, small in a
# small guest): raise it so the 2000 really stay in TIME-WAIT.
tw_max=$(sysctl -n net.ipv4.tcp_max_tw_buckets)
sysctl -qw net.ipv4.tcp_max_tw_buckets=65536
maker=$tmp/tw-maker
check "tw-maker compiles" cc -O2 -o "$maker" "$(dirname "$tool")/tw-maker.c"
python3 "$tool" filter 2000 "$maker" | prefix
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
ip netns add filterns
in_ns filterns ip link set lo up
in_ns filterns sysctl -qw net.ipv4.tcp_max_tw_buckets=65536 2>/dev/null
ns_tw() { in_ns filterns ss -tanH state time-wait | wc -l; }
in_ns filterns "$maker" 4 50 30001
"$maker" 4 20 30001
check "50 TIME-WAIT sockets in another namespace ($(ns_tw))" test "$(ns_tw)" = 50
msg=$("${nocap[@]}" sh -c "echo filter > $file" 2>&1)
check "a filter line needs CAP_NET_ADMIN too ($msg)" grep -q "Operation not permitted" <<<"$msg"
check "and the 20 TIME-WAIT sockets survive it" \
	test "$(ss -tanH state time-wait '( dport = :30001 )' | wc -l)" = 20
check "a filter line in the initial namespace" sh -c "echo 'filter dport 30001' > $file"
check "drops only its own 20 ($(counter last_filter))" test "$(counter last_filter)" = 20
check "the other namespace's 50 are intact" test "$(ns_tw)" = 50
check "the other namespace's filter line" in_ns filterns sh -c "echo 'filter state time-wait' > $file"
check "drops its 50 ($(counter filterns last_filter))" test "$(counter filterns last_filter)" = 50
check "and they are gone" test "$(ns_tw)" = 0
# Generic netlink: the reply counted against ss, here and in filterns (the
# sender's namespace), and refused without CAP_NET_ADMIN.
python3 "$tool" genl 500 "$maker" | prefix
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
in_ns filterns python3 "$tool" genl 100 "$maker" | sed -u 's/^\(not \)\{0,1\}ok - /&filterns: /' | prefix
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
"${nocap[@]}" python3 "$tool" genl-nocap | prefix
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
ip netns del filterns
sysctl -qw net.ipv4.tcp_max_tw_buckets="$tw_max"

echo "# filter checks done at ${SECONDS} s"

# Unload and reload with namespaces present (and a file held open).
ip netns add dropns2
in_ns dropns2 ip link set lo up
check "namespace created before the reload has the file" in_ns dropns2 test -f $file
coproc holder { python3 "$tool" hold; }
holder_pid=$holder_PID
read -r -t 20 line <&"${holder[0]}"
check "unloads with namespaces present and the file open" rmmod drop_tcp_sock
echo go >&"${holder[1]}"
read -r -t 40 line <&"${holder[0]}"
check "the open file fails with EIO after unload ($line)" test "$line" = "read EIO, write EIO"
wait "$holder_pid" 2>/dev/null
check "the file is gone from the initial namespace" test ! -e $file
check "and from the other one" in_ns dropns2 test ! -e $file
check "reloads" insmod "$mod"
check "the file is back in the initial namespace" test -f $file
check "and in the other one, counters at zero" test "$(counter dropns2 malformed)" = 0
in_ns dropns2 python3 "$tool" tw 3 >"$tmp/ns2.txt"
check "and it works there" in_ns dropns2 sh -c "cat $tmp/ns2.txt > $file"
check "dropping that namespace's sockets" test "$(count_tw "$tmp/ns2.txt" dropns2)" = 0
check "unloads again" rmmod drop_tcp_sock
ip netns del dropns2
rm -rf "$tmp"
echo "drop-tcp-socket: $fails failed (${SECONDS} s)"
exit $((fails > 0))
