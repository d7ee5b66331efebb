#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test: KSTD_MODULE() reports create()'s errno to insmod and leaves
# nothing behind; a module loads, unloads and reloads cleanly.
#   module-entry.sh MODULE_DIR   (the build/modules/<kernel> directory)
set -u
ko=$1/kunit/fail-init/kstd_fail_init.ko
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}
loaded() { grep -q '^kstd_fail_init ' /proc/modules; }

out=$(insmod "$ko" err=19 2>&1)
check "init error ENODEV reaches insmod" grep -q 'No such device' <<<"$out"
check "failed module is not left loaded" bash -c '! grep -q "^kstd_fail_init " /proc/modules'
out=$(insmod "$ko" err=12 2>&1)
check "init error ENOMEM reaches insmod" grep -qi 'out of memory\|cannot allocate memory' <<<"$out"
out=$(insmod "$ko" err=9999 2>&1)
check "out-of-range errno becomes EINVAL" grep -qi 'invalid' <<<"$out" || echo "# insmod said: $out"
check "loads with err=0" insmod "$ko" err=0
check "is listed once loaded" loaded
check "unloads" rmmod kstd_fail_init
check "reloads at once" insmod "$ko"
check "unloads again" rmmod kstd_fail_init

# The README's example module (examples/hello).
hello=$1/examples/hello/hello.ko
if [ -e "$hello" ]; then
	check "README example loads" insmod "$hello"
	check "README example logs its job count" bash -c 'dmesg | grep -q "hello: 1 job(s) queued"'
	check "README example unloads" rmmod hello
fi
echo "module-entry: $fails failed"
exit $((fails > 0))
