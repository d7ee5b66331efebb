#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the initramfs that scripts/run-guest.sh --modules builds, for a
# kernel that has virtio-pci and 9p as modules (Debian's).  The initramfs
# holds static busybox, the modules in load order (/modules/*.ko, listed in
# /modules.load) and /modules.dir, the host path of the kernel's module tree.
#
# Loads the modules, mounts the root that the kernel command line names
# (root=, rootfstype=, rootflags=, ro: the host's root over 9p), puts the
# module tree at /lib/modules/<release> so modprobe and the kernel's module
# autoloading work, and switches to the root's init= (scripts/guest-init.sh),
# which goes on exactly as after a kernel that mounts the root itself.
# The kernel's built-in initramfs provides /dev/console.
export PATH=/bin

fail() {
	echo "kstd-initrd: $*"
	busybox sleep 1
	busybox reboot -f # no exit marker: run-guest.sh reports the failure
}

busybox mkdir -p /proc /sys /dev /newroot
busybox mount -t proc proc /proc
busybox mount -t devtmpfs devtmpfs /dev

while read -r m; do
	busybox insmod "/modules/$m" || fail "cannot load $m"
done </modules.load

root='' fstype='' flags='' init=/sbin/init
for arg in $(busybox cat /proc/cmdline); do
	case $arg in
	root=*) root=${arg#root=} ;;
	rootfstype=*) fstype=${arg#rootfstype=} ;;
	rootflags=*) flags=${arg#rootflags=} ;;
	init=*) init=${arg#init=} ;;
	esac
done
[ -n "$root" ] && [ -n "$fstype" ] || fail "no root= and rootfstype= on the command line"
busybox mount -t "$fstype" -o "ro${flags:+,$flags}" "$root" /newroot ||
	fail "cannot mount $root ($fstype, $flags)"

# The module tree: /lib/modules of the host root is read-only, so a tmpfs
# over it holds the mount point (other releases' trees are not needed).
release=$(busybox uname -r)
dir=$(busybox cat /modules.dir)
busybox mount -t tmpfs -o mode=0755 tmpfs /newroot/lib/modules &&
	busybox mkdir "/newroot/lib/modules/$release" &&
	busybox mount --bind "/newroot$dir" "/newroot/lib/modules/$release" ||
	fail "cannot bind $dir to /lib/modules/$release"

busybox umount /proc
busybox mount --move /dev /newroot/dev || fail "cannot move /dev"
exec busybox switch_root /newroot "$init"
