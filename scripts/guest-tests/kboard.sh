#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of kboard (/dev/kboard, kstd::misc_device) from user space with
# kboard-tool: the node and its mode, posts read back in order, a short
# buffer (the rest comes with the next read), EAGAIN, EMSGSIZE, bad
# pointers (EFAULT from write, read and ioctl), an unknown ioctl (ENOTTY),
# poll and a blocking read woken by a post, the clear ioctl refused without
# CAP_SYS_ADMIN (an unprivileged uid, and root without the capability), an
# open file pinning the module, and unload.
#   kboard.sh MODULE_DIR TOOLS_DIR
# Needs root, setpriv.
set -u
mod=$1/examples/kboard/kboard.ko
tool=$2/kboard-tool
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - kboard: $name"; else echo "not ok - kboard: $name"; fails=$((fails + 1)); fi
}
says() { # expected output, then the tool's arguments
	local want=$1 got
	shift
	got=$("$tool" "$@")
	[ "$got" = "$want" ] || { echo "# kboard-tool $*: got '$got', want '$want'"; return 1; }
}
user=(setpriv --reuid=1000 --regid=1000 --clear-groups --)
nocap=(setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin --)

check "loads" insmod "$mod" posts=4
check "/dev/kboard is a character device, mode 0666" \
	bash -c '[ -c /dev/kboard ] && [ "$(stat -c %a /dev/kboard)" = 666 ]'
check "sysfs knows it" bash -c 'grep -q "^10:" /sys/class/misc/kboard/dev'
check "nothing to read yet: EAGAIN" says "err EAGAIN" read 100
check "post" says "ok 5" post hello
check "post as an unprivileged user" \
	bash -c "[ \"\$(${user[*]} '$tool' post 'from uid 1000')\" = 'ok 13' ]"
check "posts read back in order" says $'hello\nfrom uid 1000' readall
check "a short buffer gets the first bytes, the next read the rest" \
	says "data hel|data lo" read 3 2
check "readers start at the oldest post" says "data hello" read 5
check "an empty post: EINVAL" says "err EINVAL" post ""
check "a 255-byte post fits" says "ok 255" post "$(printf 'x%.0s' $(seq 255))"
check "a 256-byte post: EMSGSIZE" says "err EMSGSIZE" post "$(printf 'y%.0s' $(seq 256))"
check "bad pointers: EFAULT from write, read and ioctl" \
	says "write EFAULT read EFAULT ioctl EFAULT" badptr
check "an unknown ioctl: ENOTTY" says "err ENOTTY" badioctl
check "the board keeps the last 4 posts" says "total 4 held 4 readers 1 clears 0" stats

# poll and a blocking read, woken by a post from another process.
coproc poller { "$tool" pollwait 10000; }
# The coproc's variables go when it exits: keep its pid and output now.
ppid=$poller_PID
exec {pfd}<&"${poller[0]}"
read -r -t 10 line <&$pfd
check "poller waiting" test "$line" = waiting
sleep 0.3
"$tool" post "wake up" >/dev/null
start=$(date +%s%N)
read -r -t 10 line <&$pfd
exec {pfd}<&-
check "poll woken by a post (${line:-nothing})" test "$line" = ready
check "... at once" test $((($(date +%s%N) - start) / 1000000)) -lt 5000
wait "$ppid" 2>/dev/null
check "poll times out when nothing is posted" \
	bash -c "[ \"\$('$tool' pollwait 300 | tail -1)\" = timeout ]"
"$tool" clear >/dev/null
coproc blocked { "$tool" readwait 10000; }
bpid=$blocked_PID
exec {bfd}<&"${blocked[0]}"
read -r -t 10 line <&$bfd
sleep 0.3
"$tool" post "for the blocked reader" >/dev/null
out=$(timeout 10 cat <&$bfd)
exec {bfd}<&-
wait "$bpid" 2>/dev/null
check "a blocking read on an empty board is woken by a post (got '$out')" \
	test "$out" = "data for the blocked reader"
check "a blocking read is interrupted by a signal: EINTR" \
	bash -c "'$tool' clear >/dev/null; [ \"\$('$tool' readwait 300 | tail -1)\" = 'err EINTR' ]"

# The one privileged action.
"$tool" post "keep me" >/dev/null
check "clear refused to uid 1000: EPERM" bash -c \
	"[ \"\$(${user[*]} '$tool' clear)\" = 'err EPERM' ]"
check "clear refused to root without CAP_SYS_ADMIN: EPERM" bash -c \
	"[ \"\$(${nocap[*]} '$tool' clear)\" = 'err EPERM' ]"
check "the post survived" says "data keep me" read 7
check "clear as root" says "ok" clear
check "the board is empty" says "err EAGAIN" read 100

# An open file pins the module.
exec 3</dev/kboard
check "rmmod refused while /dev/kboard is open" bash -c '! rmmod kboard 2>/dev/null'
exec 3<&-
check "unloads once closed" rmmod kboard
check "/dev/kboard is gone" bash -c '! [ -e /dev/kboard ]'
echo "kboard: $fails failed"
exit $((fails > 0))
