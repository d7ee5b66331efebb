#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the guest for `make demo` (see scripts/demo.sh).  Writes
# /out/summary.txt, data files and plots.
#   demo-guest.sh MODULE_DIR TOOLS_DIR
set -eu
mods=$1 tools=$2
threads=${THREADS:-1000} rounds=${ROUNDS:-10}
ulimit -n 65536
summary=/out/summary.txt
: >"$summary"

echo "== kecho vs user-echo-server: bench, $threads threads x $rounds rounds =="
insmod "$mods/examples/kecho/kecho.ko" port=12345 backlog=4096 bench=${KECHO_BENCH:-1}
"$tools/user-echo-server" -p 12346 -b 4096 &
user_pid=$!
sleep 1
"$tools/bench" -p 12345 -c 12346 -l kecho,user-echo-server -t "$threads" -r "$rounds" \
	-o /out/kecho-vs-user | tee -a "$summary"
kill $user_pid
rmmod kecho
echo "kecho: $(nproc) vCPUs, $(uname -r), one boot" >>"$summary"

if [ -e "$mods/examples/khttpd/khttpd.ko" ] && [ -x /usr/sbin/nginx ]; then
	echo "== khttpd vs nginx, h2o, lighttpd =="
	"$(dirname "$0")/khttpd-bench.sh" "$mods" "$tools" | tee -a "$summary"
fi
