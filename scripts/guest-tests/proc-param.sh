#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test: typed module parameters, a /proc file and a per-namespace
# /proc/net file, from user space, with the test module kstd_kif.ko
# (kunit/kif-module/): parameters at load time and through sysfs, write(2)
# errors as the shell sees them, lines split over writes, a file in a new
# network namespace.
#   proc-param.sh MODULE_DIR   (the build/modules/<kernel> directory)
set -u
ko=$1/kunit/kif-module/kstd_kif.ko
params=/sys/module/kstd_kif/parameters
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}
loaded() { grep -q '^kstd_kif ' /proc/modules; }
has() { [[ $1 == *"$2"* ]] || { echo "# expected '$2' in: ${1//$'\n'/ | }"; return 1; }; }
# Writes $2 to file $1 with one write(2) (bash's builtin printf); prints the shell's error.
put() { (printf '%b' "$2" >"$1") 2>&1; }

# --- parameters -------------------------------------------------------------
out=$(modinfo -p "$ko" 2>&1)
check "modinfo lists typed parameters" has "$out" "port:TCP port (read-only) (ushort)"
check "modinfo lists the string parameter" has "$out" "tag:a name of up to 31 characters (string)"

out=$(insmod "$ko" backlog=0 2>&1)
check "insmod refuses an out-of-range value (ERANGE)" has "$out" "Numerical result out of range"
check "module not left loaded" bash -c '! grep -q "^kstd_kif " /proc/modules'
out=$(insmod "$ko" port=70000 2>&1)
check "insmod refuses a value that overflows the type" has "$out" "Numerical result out of range"
out=$(insmod "$ko" port=http 2>&1)
check "insmod refuses a malformed number (EINVAL)" has "$out" "Invalid parameters" # kmod words EINVAL so
out=$(insmod "$ko" tag=abcdefghijklmnopqrstuvwxyz0123456789 2>&1)
check "insmod refuses a string longer than its buffer" has "$out" "No space left on device"
check "still not loaded" bash -c '! grep -q "^kstd_kif " /proc/modules'

check "insmod with parameters" insmod "$ko" port=8080 backlog=64 verbose=1 tag=hello max_line=32
check "module is loaded" loaded
check "u16 parameter" has "$(<$params/port)" 8080
check "ranged int parameter" has "$(<$params/backlog)" 64
check "bool parameter" has "$(<$params/verbose)" Y
check "string parameter" has "$(<$params/tag)" hello
check "default of an unset parameter" has "$(<$params/limit)" 1000000
check "read-only parameter is 0444" has "$(stat -c %a $params/port)" 444
check "writable parameter is 0644" has "$(stat -c %a $params/backlog)" 644
out=$(put $params/backlog 0)
check "sysfs: out of range is ERANGE" has "$out" "Numerical result out of range"
check "sysfs: value unchanged after a refused write" has "$(<$params/backlog)" 64
check "sysfs: in-range write" bash -c "echo 4096 >$params/backlog"
check "sysfs: new value visible" has "$(<$params/backlog)" 4096
out=$(put $params/tag abcdefghijklmnopqrstuvwxyz0123456789)
check "sysfs: string too long is ENOSPC" has "$out" "No space left on device"
check "sysfs: string write (newline dropped)" bash -c "echo world >$params/tag"
check "module sees the new values" has "$(</proc/kstd_kif)" "backlog 4096 verbose 1 limit 1000000 max_line 32 tag world"
out=$(put $params/port 1)
check "sysfs: read-only parameter cannot be written" has "$out" "Permission denied"

# --- /proc/kstd_kif -----------------------------------------------------------
proc=/proc/kstd_kif
check "proc file exists" test -f $proc
check "two lines in one write" bash -c "printf '10.0.0.1:80 10.0.0.2:90\n[::1]:1 [2001:db8::2]:443\n' >$proc"
check "counters after two lines" has "$(<$proc)" "accepted 2"
check "last line reported" has "$(<$proc)" "last [::1]:1 [2001:db8::2]:443"
# One open file, three write(2) calls: the line is assembled across them.
check "line split across writes" bash -c "{ printf '192.0.2.1:1'; printf '234 192.0.2'; printf '.2:5678\n'; } >$proc"
check "split line handled once" has "$(<$proc)" "last 192.0.2.1:1234 192.0.2.2:5678"
check "accepted 3" has "$(<$proc)" "accepted 3"
out=$(put $proc 'not an endpoint\n')
check "bad line: write fails with EINVAL" has "$out" "Invalid argument"
out=$(put $proc 'fail 16\n')
check "handler errno reaches write(2)" has "$out" "Device or resource busy"
out=$(put $proc '10.0.0.1:1 10.0.0.2:2\nbogus\n10.0.0.3:3 10.0.0.4:4\n')
check "mixed write fails with the bad line's errno" has "$out" "Invalid argument"
check "valid lines of a failed write still count" has "$(<$proc)" "accepted 5"
check "rejected lines counted" has "$(<$proc)" "rejected 3"
out=$(put $proc '10.0.0.1:1 10.0.0.2:2 and then some more text\n')
check "over-long line (max_line=32) is E2BIG" has "$out" "Argument list too long"
check "mixed families rejected" bash -c "! printf '10.0.0.1:1 [::1]:2\n' >$proc 2>/dev/null"
check "no trailing newline: handled at close" bash -c "printf '10.9.9.9:9 10.8.8.8:8' >$proc"
check "unterminated line counted" has "$(<$proc)" "last 10.9.9.9:9 10.8.8.8:8"
check "CRLF line endings" bash -c "printf '1.1.1.1:1 2.2.2.2:2\r\n' >$proc"
check "accepted 7" has "$(<$proc)" "accepted 7"

# --- /proc/net/kstd_kif in every namespace ----------------------------------
net=/proc/net/kstd_kif
check "pernet file in init_net" test -f $net
check "pernet file is 0600" has "$(stat -L -c %a $net)" 600
check "pernet write in init_net" bash -c "echo '10.0.0.1:1 10.0.0.2:2' >$net"
check "init_net counts its line" has "$(<$net)" "lines 1"
out=$(put $net 'nonsense\n')
check "pernet bad line is EINVAL" has "$out" "Invalid argument"
if ip netns add kstd_kif_ns; then
	echo "ok - ip netns add"
	check "pernet file appears in a new namespace" ip netns exec kstd_kif_ns test -f $net
	check "new namespace starts at 0" has "$(ip netns exec kstd_kif_ns cat $net)" "lines 0"
	check "pernet write in the new namespace" \
		ip netns exec kstd_kif_ns bash -c "printf '[::1]:1 [::1]:2\n[::1]:3 [::1]:4\n' >$net"
	check "new namespace counts its own lines" has "$(ip netns exec kstd_kif_ns cat $net)" "lines 2"
	check "init_net unaffected" has "$(<$net)" "lines 1"
	check "ip netns del" ip netns del kstd_kif_ns
else
	echo "not ok - ip netns add"
	fails=$((fails + 1))
fi

# --- unload ------------------------------------------------------------------
exec 3<$proc # an open file does not block unloading
check "rmmod with an open /proc file" rmmod kstd_kif
check "read after unload fails" bash -c "! cat <&3 2>/dev/null"
exec 3<&-
check "proc file gone" test ! -e $proc
check "pernet file gone" test ! -e $net
check "reloads (per-namespace slot released)" insmod "$ko"
check "defaults after reload" has "$(<$proc)" "port 12345 backlog 128 verbose 0"
check "unloads again" rmmod kstd_kif

echo "proc-param: $fails failed"
exit $((fails > 0))
