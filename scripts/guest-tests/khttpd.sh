#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of khttpd: real clients (curl, wget, htstress, raw sockets)
# against a document root built in the guest's /tmp.  Protocol and
# malformed-request classes, traversal attempts, a 100 MiB file byte for
# byte, listings, 301/304/206/416, keep-alive with wget, htstress at 1000
# connections with zero socket errors, idle timeouts, the connection limit,
# unloading with 1000 connections open, some mid-transfer, and file access as
# an unprivileged user (user/group), dot files and leases.
#   khttpd.sh MODULE_DIR TOOLS_DIR
set -u
mod=$1/examples/khttpd/khttpd.ko
tools=$2
port=8081
idle=2
www=/tmp/khttpd-www
url=http://127.0.0.1:$port
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - khttpd: $name"; else echo "not ok - khttpd: $name"; fails=$((fails + 1)); fi
}
counter() { awk -v k="$1:" '$1 == k { print $2 }' /proc/khttpd; }
has() { grep -q -- "$1" <<<"$2"; } # pattern text
ulimit -n 65536

# The document root.
rm -rf $www && mkdir -p $www/dir/sub $www/withindex $www/many $www/tree/a/b
printf 'Hello from khttpd!\n' >$www/small.txt
: >$www/empty.txt
for f in page.html style.css app.js data.json img.png pic.JPG icon.svg mod.wasm doc.pdf noext \
	arch.tar.gz; do
	echo "content of $f" >$www/$f
done
echo '<h1>index</h1>' >$www/withindex/index.html
echo 'odd name' >"$www/dir/a&b <c>\"'.txt"
echo x >$www/dir/plain.txt
echo hidden >$www/dir/.hidden
mkdir $www/.git && printf '[core]\n' >$www/.git/config
echo 'admin:$apr1$x$y' >$www/.htpasswd
(cd $www/many && touch f{0001..2000}.txt)
printf -v long '%*s' 200 '' && mkdir "$www/${long// /d}"
echo leaf >$www/tree/a/b/leaf.txt
echo top >$www/tree/top.txt
echo secret >$www/private.txt && chmod 600 $www/private.txt
mkfifo $www/fifo && chmod 644 $www/fifo
ln -s /etc/passwd $www/out-abs
ln -s ../../../../../etc/passwd $www/out-rel
ln -s /etc $www/out-dir
ln -s small.txt $www/link-in
# 100 MiB of distinct, unpredictable blocks (urandom alone is slow under TCG).
python3 -c '
import os, sys
block = os.urandom((1 << 20) - 8)
with open(sys.argv[1], "wb") as f:
    for i in range(100):
        f.write(b"%08d" % i + block)
' $www/big.bin
big_sum=$(sha256sum <$www/big.bin | cut -d' ' -f1)
chmod -R o+rX $www && chmod 600 $www/private.txt
# Another user's 0700 directory with world-readable contents.
mkdir -p $www/private/pub && echo notes >$www/private/notes.txt && echo x >$www/private/pub/x.txt
chmod 644 $www/private/notes.txt $www/private/pub/x.txt && chmod 755 $www/private/pub
chown -R 1000:1000 $www/private && chmod 700 $www/private

check "loads" insmod "$mod" port=$port docroot=$www timeout=$idle
check "/proc/khttpd present" grep -q '^connections_open: 0$' /proc/khttpd

# Raw-socket checks: protocol, malformed requests, traversal, timeouts.
python3 "$tools/http-test.py" $port $www $idle | sed 's/^\(not \)\{0,1\}ok - /&khttpd: /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
timeouts=$(counter timeouts)
check "a 503 for a leased file is counted" bash -c "[ $(counter files_busy) -eq 1 ]"
check "unloads" rmmod khttpd

echo "# protocol checks done at $SECONDS s"

# Real clients.  A long idle timeout: under a debug kernel and TCG, 1000
# connections wait seconds for their turn (a test of errors, not of speed).
check "loads with the default port" insmod "$mod" docroot=$www timeout=120

# curl and wget.
check "curl: small file" bash -c "curl -sf $url/small.txt | cmp -s - $www/small.txt"
check "curl: IPv6" bash -c "curl -sf 'http://[::1]:$port/small.txt' | cmp -s - $www/small.txt"
check "curl: 100 MiB file byte-identical" \
	bash -c "[ \"\$(curl -sf $url/big.bin | sha256sum | cut -d' ' -f1)\" = $big_sum ]"
check "curl: HEAD of the large file" \
	bash -c "curl -sfI $url/big.bin | tr -d '\r' | grep -qx 'Content-Length: 104857600'"
range_ok() {
	curl -sf -r 104857500- -o /tmp/khttpd-range $url/big.bin && tail -c 100 $www/big.bin |
		cmp - /tmp/khttpd-range || { curl -s -r 104857500- -D - -o /dev/null $url/big.bin; false; }
}
check "curl: range of the large file" range_ok
resets=$(counter peer_resets)
rm -rf /tmp/khttpd-wget && mkdir -p /tmp/khttpd-wget
check "wget: several files over one keep-alive connection" \
	bash -c "cd /tmp/khttpd-wget && wget -q $url/small.txt $url/page.html $url/dir/plain.txt \
		$url/withindex/ 2>&1 && cmp -s small.txt $www/small.txt &&
		cmp -s page.html $www/page.html && cmp -s plain.txt $www/dir/plain.txt &&
		cmp -s index.html $www/withindex/index.html"
check "wget: recursive download through listings" \
	bash -c "cd /tmp/khttpd-wget && wget -q -r -np -nH $url/tree/ &&
		cmp -s tree/top.txt $www/tree/top.txt && cmp -s tree/a/b/leaf.txt $www/tree/a/b/leaf.txt"
check "no errors or resets on the server side" \
	bash -c "[ $(counter errors) -eq 0 ] && [ \$(awk '/^peer_resets:/ {print \$2}' /proc/khttpd) -eq $resets ]"
rm -rf /tmp/khttpd-wget

echo "# clients done at $SECONDS s"

# Load: HTTP/1.0 at 1000 connections, and keep-alive.
out=$("$tools/htstress" -n 2000 -c 1000 -t 2 $url/small.txt)
echo "$out" | sed 's/^/# /'
check "htstress: 2000 requests at 1000 connections, all good" has "good requests: 2000 " "$out"
check "htstress: 0 socket errors at 1000 connections" has '^socket errors: 0 ' "$out"
out=$("$tools/htstress" -k -n 5000 -c 100 -t 2 $url/small.txt)
echo "$out" | sed 's/^/# /'
check "htstress -k: 5000 keep-alive requests, all good" has 'good requests: 5000 ' "$out"
check "htstress -k: 0 socket errors" has '^socket errors: 0 ' "$out"
echo "# load done at $SECONDS s"
check "every connection closed and freed" \
	bash -c 'for i in $(seq 100); do grep -q "^connections_open: 0$" /proc/khttpd && exit 0; sleep 0.2; done; exit 1'
cat /proc/khttpd | sed 's/^/# /'
check "counters: 2xx, bytes; timeouts in the first part" \
	bash -c "[ $(counter responses_2xx) -ge 7000 ] && [ $(counter bytes_sent) -gt 100000000 ] &&
		[ $timeouts -ge 3 ]"

check "unloads" rmmod khttpd

# Unload while 1000 connections are open, 100 of them in the middle of the
# large file (a long idle timeout, so that none closes by itself).
check "reloads at once on the same port" insmod "$mod" port=$port docroot=$www timeout=600
coproc holder { python3 "$tools/http-test.py" $port $www --hold 1000 /big.bin; }
holder_pid=$holder_PID
read -r -t 300 line <&"${holder[0]}"
echo "# $line"
check "1000 connections held, 100 mid-transfer" grep -q "held 1000 of 1000, 100 of 100" <<<"$line"
# The 900 that sent no request are accepted once defer_accept (1 s) is over.
check "open count is 1000" \
	bash -c 'for i in $(seq 50); do grep -q "^connections_open: 1000$" /proc/khttpd && exit 0; sleep 0.2; done; exit 1'
start=$(date +%s%N)
check "unloads with 1000 open connections, some mid-transfer" rmmod khttpd
echo "# rmmod took $((($(date +%s%N) - start) / 1000000)) ms"
kill "$holder_pid" 2>/dev/null
wait "$holder_pid" 2>/dev/null

# The connection limit.
check "reloads with max_connections=20" insmod "$mod" port=$port docroot=$www max_connections=20
python3 "$tools/http-test.py" $port $www --limit 20 | sed 's/^\(not \)\{0,1\}ok - /&khttpd: /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
check "unloads again" rmmod khttpd

# Whose credentials files are opened with; dot files; leases without a cache.
check "reloads with user=1000 group=1000 dotfiles=1 cache_ms=0" \
	insmod "$mod" port=$port docroot=$www user=1000 group=1000 dotfiles=1 cache_ms=0
python3 "$tools/http-test.py" $port $www --owner | sed 's/^\(not \)\{0,1\}ok - /&khttpd: /'
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
check "the 503 for a leased file is counted (no cache)" bash -c "[ $(counter files_busy) -eq 1 ]"
check "unloads as user 1000" rmmod khttpd
check "refuses user=4294967295 with a message" bash -c "! insmod $mod docroot=$www user=4294967295 \
	2>/dev/null && dmesg | tail -3 | grep -q 'user=4294967295 group=65534: not a valid'"
check "refuses a document root that user nobody cannot reach" \
	bash -c "! insmod $mod docroot=$www/private/pub 2>/dev/null &&
		dmesg | tail -3 | grep -q 'cannot open the document root .* as user 65534 group 65534: -13'"
check "refuses a missing document root" bash -c "! insmod $mod docroot=/nonexistent 2>/dev/null"
rm -rf $www
echo "# done at $SECONDS s"
echo "khttpd: $fails failed"
exit $((fails > 0))
