#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of kstd/genetlink.hpp from user space, with the test module
# kstd_genl.ko (kunit/genl-module/) and tools/genl-test.py (raw netlink, no
# libnl): `genl ctrl list` shows the family (if iproute2's genl is there);
# as root a command, a bad request's errno and extack, a 5000-entry dump
# and a notification work; root without CAP_NET_ADMIN gets EPERM from both
# admin commands; root of its own user and network namespace gets EPERM
# from the GENL_ADMIN_PERM one and runs the GENL_UNS_ADMIN_PERM one (needs
# CONFIG_USER_NS, skipped without); after rmmod the family is gone.
# Needs root, python3, setpriv, unshare.
#   genetlink.sh MODULE_DIR   (the build/modules/<kernel> directory)
set -u
ko=$1/kunit/genl-module/kstd_genl.ko
tool=$(cd "$(dirname "$0")/../../tools" && pwd)/genl-test.py
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - genetlink: $name"; else echo "not ok - genetlink: $name"; fails=$((fails + 1)); fi
}
run() { # a genl-test.py run: its TAP lines pass through, a failure counts
	"$@" || fails=$((fails + 1))
}

check "loads" insmod "$ko"
if command -v genl >/dev/null; then
	check "genl ctrl list shows kstd_genl" bash -c 'genl ctrl list | grep -q "Name: kstd_genl\b"'
else
	echo "# skip - no genl (iproute2) in the guest"
fi
run python3 "$tool" root

nocap=(setpriv --inh-caps=-net_admin --bounding-set=-net_admin --)
eff=$("${nocap[@]}" awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
check "setpriv leaves root without CAP_NET_ADMIN (CapEff $eff)" test $((0x$eff & 1 << 12)) = 0
run "${nocap[@]}" python3 "$tool" nocap
if unshare -Urn true 2>/dev/null; then
	run unshare -Urn python3 "$tool" userns
else
	echo "# skip - no user namespaces in this kernel: userns checks not run"
fi

check "unloads" rmmod kstd_genl
run python3 "$tool" absent
[ "$fails" -eq 0 ]
