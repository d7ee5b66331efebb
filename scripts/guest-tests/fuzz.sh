#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fuzzes the reference modules in the running (debug) kernel, not only
# their parsers on the host: tools/guest-fuzz.py sends mutated requests of
# examples/khttpd/tests/corpus to khttpd and writes mutated lines of
# tests/host/corpus/drop to /proc/net/drop_tcp_sock, FUZZ_SECONDS each,
# then checks that both modules still serve (a GET of a file gets 200 and
# its bytes; a valid line drops a TIME-WAIT socket) and unload.  Kernel
# reports (KASAN, lockdep, WARN, leaks) fail the guest run itself
# (scripts/run-guest.sh); the fuzzer also watches /dev/kmsg to save the
# inputs just before one.  Findings go to $KSTD_OUT/fuzz (the host's
# run-guest.sh --out directory).
#   fuzz.sh MODULE_DIR
# FUZZ_SECONDS: seconds per target (60); FUZZ_SEED: the seed (random,
# printed; the same seed makes the same inputs).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
mods=$1
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-$(((RANDOM << 15) | RANDOM))}
fuzz=$root/tools/guest-fuzz.py
findings=${KSTD_OUT:-/tmp}/fuzz
port=8082
idle=2
www=/tmp/fuzz-www
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - fuzz: $name"; else echo "not ok - fuzz: $name"; fails=$((fails + 1)); fi
}
# fuzz TARGET ARGS...: runs the fuzzer, prints its summary, one check line.
run_fuzzer() {
	local target=$1 log summary rc
	shift
	log=$(mktemp)
	python3 "$fuzz" "$target" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	summary=$(grep -a "^# fuzz $target:" "$log" | sed 's/^# fuzz [a-z]*: //')
	check "$target: ${summary:-no summary}" test "$rc" = 0 -a -n "$summary"
	rm -f "$log"
}

echo "# fuzz: seed $seed, $secs s per target (repeat with FUZZ_SEED=$seed FUZZ_SECONDS=$secs)"
mkdir -p "$findings"

# khttpd, with a short idle timeout: a connection left waiting must be
# closed by the server within it (plus slack).
rm -rf $www && mkdir -p $www/dir/sub
printf 'Hello from khttpd!\n' >$www/small.txt
echo '<h1>index</h1>' >$www/index.html
echo x >$www/dir/a.txt
echo y >$www/dir/sub/b.txt
head -c 100000 /dev/zero | tr '\0' 'z' >$www/big.txt
chmod -R o+rX $www
check "khttpd loads" insmod "$mods/examples/khttpd/khttpd.ko" port=$port docroot=$www timeout=$idle
run_fuzzer http $port "$secs" "$seed" "$root/examples/khttpd/tests/corpus" "$root/examples/khttpd/tests/http.dict" \
	"$findings" $idle
code=$(curl -s -m 20 -o /tmp/fuzz-get.txt -w '%{http_code}' http://127.0.0.1:$port/small.txt)
check "khttpd still serves: GET /small.txt gets $code and the file" \
	test "$code" = 200 -a "$(cat /tmp/fuzz-get.txt)" = "Hello from khttpd!"
check "khttpd unloads" rmmod khttpd

# drop_tcp_sock.
tool=$root/examples/drop-tcp-socket/tools/drop-test.py
check "drop_tcp_sock loads" insmod "$mods/examples/drop-tcp-socket/drop_tcp_sock.ko"
run_fuzzer drop "$secs" "$seed" "$root/tests/host/corpus/drop" "$root/tests/host/drop.dict" \
	"$findings"
python3 "$tool" tw 1 >/tmp/fuzz-tw.txt
check "drop_tcp_sock still works: a TIME-WAIT socket's line" \
	sh -c "cat /tmp/fuzz-tw.txt > /proc/net/drop_tcp_sock"
check "drops it" test "$(python3 "$tool" count-tw /tmp/fuzz-tw.txt)" = 0
check "drop_tcp_sock unloads" rmmod drop_tcp_sock

rm -rf $www /tmp/fuzz-tw.txt /tmp/fuzz-get.txt
[ -n "$(ls -A "$findings")" ] && echo "# fuzz: findings in $findings (on the host: the --out directory)"
echo "fuzz: $fails failed (${SECONDS} s)"
exit $((fails > 0))
