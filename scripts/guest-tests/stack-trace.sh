#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test: the stack of a kernel thread asleep in a C++ function
# (kunit/stack-trace), read from /proc/PID/stack into $KSTD_OUT/stack.txt,
# where the host decodes it with scripts/decode_stacktrace.sh.
#   stack-trace.sh MODULE_DIR   (the build/modules/<kernel> directory)
set -u
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fails=$((fails + 1)); fi
}

if check "stack-trace module loads" insmod "$1/kunit/stack-trace/kstd_stack_trace.ko"; then
	pid=
	for _ in $(seq 50); do
		pid=$(pgrep -x kstd_stack_trace) && break
		sleep 0.1
	done
	# The thread may not have reached its wait yet: read until it has.
	for _ in $(seq 50); do
		cat "/proc/$pid/stack" >"$KSTD_OUT/stack.txt" 2>/dev/null
		grep -q 'sleep_until_stopped' "$KSTD_OUT/stack.txt" && break
		sleep 0.1
	done
	sed 's/^/# /' "$KSTD_OUT/stack.txt"
	check "its thread's stack shows the C++ function" \
		grep -q 'sleep_until_stopped.*\[kstd_stack_trace\]' "$KSTD_OUT/stack.txt"
	check "stack-trace module unloads" rmmod kstd_stack_trace
fi
echo "stack-trace: $fails failed"
exit $((fails > 0))
