#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# /init of the test guest that scripts/run-guest.sh boots.
#
# The root file system is the host's, read-only over virtio-9p.  This mounts
# the kernel's file systems and a few tmpfs over it, runs the command that
# run-guest.sh left in /out/.kstd-cmd (NUL-separated: the directory to run
# in, then the argv), and ends with marker lines the host looks for:
#
#   KSTD-GUEST-START: <command>        the command starts
#   KSTD-GUEST-KMEMLEAK: <n>           leaks kmemleak found (debug kernels)
#   KSTD-GUEST-EXIT: <status>          the command's exit status
#
# then reboots, which ends QEMU (-no-reboot).  If this script dies, the
# kernel panics, and the host sees no exit marker.  Under TCG every exec
# costs (about 0.2 s for static busybox, 0.5 s or more for a dynamic binary
# on a debug kernel), so this uses bash builtins and busybox where it can.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb KSTD_GUEST=1 KSTD_OUT=/out

mnt() {
	[ -d "$3" ] || busybox mkdir -p "$3"
	busybox mount -t "$1" ${4:+-o "$4"} "$2" "$3" || echo "kstd-guest: cannot mount $1 on $3"
}

mnt proc proc /proc
# CONFIG_DEVTMPFS_MOUNT has the kernel mount /dev before starting /init.
[[ $(</proc/mounts) == *" /dev devtmpfs "* ]] || mnt devtmpfs devtmpfs /dev
exec </dev/null >/dev/console 2>&1
mnt sysfs sysfs /sys
mnt devpts devpts /dev/pts
mnt tmpfs tmpfs /dev/shm
# Host directories under /tmp or /run that the command needs (listed by
# run-guest.sh) survive the tmpfs mounts through bind mounts.
mnt 9p kstdout /out trans=virtio,version=9p2000.L,msize=512000
keep=()
[ -s /out/.kstd-keep ] && mapfile -d '' -t keep </out/.kstd-keep
[ ${#keep[@]} -eq 0 ] || mnt tmpfs tmpfs /mnt
for i in "${!keep[@]}"; do
	busybox mkdir -p "/mnt/keep$i" && busybox mount --bind "${keep[$i]}" "/mnt/keep$i"
done
mnt tmpfs tmpfs /tmp
mnt tmpfs tmpfs /run
for i in "${!keep[@]}"; do
	busybox mkdir -p "${keep[$i]}" && busybox mount --bind "/mnt/keep$i" "${keep[$i]}"
done
mnt debugfs debugfs /sys/kernel/debug
echo kstd-guest >/proc/sys/kernel/hostname
ip link set lo up 2>/dev/null || busybox ip link set lo up

mapfile -d '' -t cmd </out/.kstd-cmd
cwd=${cmd[0]}
cmd=("${cmd[@]:1}")

echo "KSTD-GUEST-START: ${cmd[*]}"
(cd "$cwd" && exec "${cmd[@]}")
status=$?

# kmemleak reports only objects that were 5 s old when a scan started, and
# lists those the last scan still found unreferenced: two scans after a
# pause catch the command's last allocations and drop objects that were
# merely in flight.  (The boot leaks nothing, so there is nothing to clear
# beforehand.)  Writes fail once kmemleak is off, by kmemleak=off or after
# an internal error; "stack=on" is a harmless probe for that.
leaks=/sys/kernel/debug/kmemleak
if [ -e $leaks ] && ! echo stack=on 2>/dev/null >$leaks; then
	echo "kstd-guest: kmemleak is off, no leak check"
elif [ -e $leaks ]; then
	busybox sleep 5
	echo scan >$leaks
	echo scan >$leaks
	report=$(<$leaks)
	printf '%s' "$report" >/out/kmemleak.txt
	n=$(busybox grep -c 'unreferenced object' /out/kmemleak.txt)
	[ "$n" -eq 0 ] || printf '%s\n' "$report"
	echo "KSTD-GUEST-KMEMLEAK: $n"
fi

echo
echo "KSTD-GUEST-EXIT: $status"
sync
busybox reboot -f
