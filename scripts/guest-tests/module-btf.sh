#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test, for distribution kernels: each kstd module of MODULE_DIR loads
# with the taints of an out-of-tree, unsigned module (O and E only), and its
# BTF registered in /sys/kernel/btf/<module> when the .ko carries a .BTF
# section (kernels with CONFIG_DEBUG_INFO_BTF_MODULES: lib/kstd-pahole
# leaves the C++ units out of it); then unloads.
#   module-btf.sh MODULE_DIR   (the build/modules/<kernel> directory)
set -u
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

for ko in examples/hello/hello.ko examples/kecho/kecho.ko examples/khttpd/khttpd.ko \
	examples/drop-tcp-socket/drop_tcp_sock.ko kunit/stack-trace/kstd_stack_trace.ko; do
	ko=$1/$ko
	name=$(basename "$ko" .ko)
	args=()
	[ "$name" = khttpd ] && args=(docroot=/tmp) # no /var/www/html in the guest
	if ! insmod "$ko" "${args[@]}"; then
		check "$name loads" false
		continue
	fi
	check "$name: module taint is OE (out of tree, unsigned) only" \
		test "$(cat "/sys/module/$name/taint")" = OE
	if readelf -S "$ko" | grep -q ' \.BTF '; then
		check "$name: BTF registered (/sys/kernel/btf/$name)" test -s "/sys/kernel/btf/$name"
	else
		echo "# $name.ko has no .BTF section (this kernel encodes no module BTF)"
	fi
	check "$name unloads" rmmod "$name"
done
echo "module-btf: $fails failed"
exit $((fails > 0))
