#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Guest test of khttpd against slow clients, which a per-progress idle
# timeout alone cannot bound: a request head sent one byte a second (408 at
# header_timeout, also for the second request of a kept-alive connection),
# a lingering close the client keeps feeding (closed at lingering_time), a
# dropped request body sent slowly (closed at body_timeout), and 1000
# trickling connections from one address (127.0.0.2) that max_per_address
# keeps from filling max_connections: the rest get 503 and a client from
# 127.0.0.1 is still served.  Then unloading with those connections open.
#   khttpd-slow.sh MODULE_DIR TOOLS_DIR
set -u
mod=$1/examples/khttpd/khttpd.ko
port=8081
www=/tmp/khttpd-slow-www
fails=0
check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then echo "ok - khttpd-slow: $name"; else echo "not ok - khttpd-slow: $name"; fails=$((fails + 1)); fi
}
counter() { awk -v k="$1:" '$1 == k { print $2 }' /proc/khttpd; }
ulimit -n 65536

rm -rf $www && mkdir -p $www
printf 'Hello from khttpd!\n' >$www/small.txt
head -c 33554432 /dev/zero >$www/big.bin
chmod -R o+rX $www

# Deadlines, each well apart from the others and from the idle timeout,
# which the clients' bytes keep restarting.
idle=5 head=3 linger=4 body=7
check "loads with short deadlines" insmod "$mod" port=$port docroot=$www timeout=$idle \
	header_timeout=$head lingering_time=$linger body_timeout=$body
python3 - $port $idle $head $linger $body <<'EOF' | sed 's/^\(not \)\{0,1\}ok - /&khttpd-slow: /'
import socket, sys, threading, time

port, idle, head, linger, body = map(int, sys.argv[1:])
give_up = 14  # seconds: well past every deadline and the idle timeout
results, failures = {}, 0


def check(name, ok, detail=""):
    global failures
    print(f"{'ok' if ok else 'not ok'} - {name}" + (f" # {detail}" if detail else ""), flush=True)
    failures += not ok


def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.settimeout(None)
    return s


def response(s):
    """One response (head and Content-Length body) from s, or None."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            return None
        buf += d
    headp, rest = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in headp.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v)
    while len(rest) < length:
        d = s.recv(4096)
        if not d:
            break
        rest += d
    return int(headp.split()[1])


def trickle_head(s, key, interval=1.0):
    """Send a head that never ends, a byte per interval; note when the
    server answers (and what) or closes."""
    data = b"GET /small.txt HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"a" * 100
    s.settimeout(interval)
    start, answered, got = time.time(), None, b""
    for b in data:
        if time.time() - start > give_up:
            break
        try:
            s.send(bytes([b]))
            d = s.recv(4096)
            if not d:
                break
            got += d
            answered = answered or time.time()
        except socket.timeout:
            continue
        except OSError:
            break
    results[key] = ((answered or time.time()) - start, got)
    s.close()


def head_first():
    trickle_head(connect(), "head")


def head_kept_alive():
    s = connect()
    s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n")
    results["first"] = response(s)
    time.sleep(1)  # longer than that, with the first request's deadline
    trickle_head(s, "head2")


def lingering():
    """Connection: close with a large body: the server answers, then drops
    what still comes.  The client never stops sending."""
    s = connect()
    s.sendall(b"POST /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
              b"Content-Length: 1000000\r\n\r\n" + b"x" * 100000)
    status = response(s)
    start = time.time()
    s.settimeout(0.1)
    while time.time() - start < give_up:
        try:  # once the server has closed, a send draws a reset, the next one fails
            s.send(b"x")
            s.recv(4096)
        except socket.timeout:
            pass
        except OSError:
            break
    results["linger"] = (time.time() - start, status)
    s.close()


def slow_body():
    """A kept-alive request whose body (dropped by the server) trickles."""
    s = connect()
    s.sendall(b"POST /small.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\nxxxx")
    start = time.time()
    status = response(s)
    s.settimeout(0.5)
    while time.time() - start < give_up:
        try:
            s.send(b"x")
            if not s.recv(4096):
                break  # closed (after a 408)
        except socket.timeout:
            pass
        except OSError:
            break
    results["body"] = (time.time() - start, status)
    s.close()


def body_after_long_response():
    """A body the server drops after a response the client reads for
    longer than body_timeout: its time starts when the response is out."""
    size = 32 << 20
    s = connect()
    s.settimeout(30)
    head, n = b"", 0
    try:
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: a\r\nContent-Length: 30000\r\n\r\n" +
                  b"x" * 20000)
        # Read at 2 MiB/s (never stalling the server for timeout) for longer than
        # body_timeout; the 10 KB left of the body wait in the client meanwhile.
        start = time.time()
        while time.time() - start < body + 2 and n < size:
            d = s.recv(65536)
            if not d:
                break
            if not head:
                head, _, d = d.partition(b"\r\n\r\n")
            n += len(d)
            ahead = n / (2 << 20) - (time.time() - start)
            if ahead > 0:
                time.sleep(ahead)
        s.sendall(b"x" * 10000)  # the rest of the body, late
        while n < size:
            d = s.recv(1 << 20)
            if not d:
                break
            n += len(d)
        s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n")
        results["long"] = (head[:15], n, response(s))
    except OSError as e:
        results["long"] = (head[:15], n, repr(e))
    s.close()


threads = [threading.Thread(target=f) for f in (head_first, head_kept_alive, lingering,
                                                slow_body, body_after_long_response)]
for t in threads:
    t.start()
for t in threads:
    t.join()

d, got = results["head"]
check(f"a head sent a byte a second gets 408 after header_timeout={head} s",
      got.startswith(b"HTTP/1.1 408 ") and head - 1 <= d <= head + 1, f"{d:.1f} s, {got[:30]!r}")
d, got = results["head2"]
check("the same for a kept-alive connection's second request",
      results["first"] == 200 and got.startswith(b"HTTP/1.1 408 ") and head - 1 <= d <= head + 1,
      f"first {results['first']}, {d:.1f} s, {got[:30]!r}")
d, status = results["linger"]
check(f"a lingering close ends after lingering_time={linger} s though the client sends",
      status == 405 and linger - 1 <= d <= linger + 1, f"{status}, {d:.1f} s")
d, status = results["body"]
check(f"a dropped body sent slowly is cut off after body_timeout={body} s",
      status == 405 and body - 1 <= d <= body + 1, f"{status}, {d:.1f} s")
check("... counted from the end of a response the client read for longer",
      results["long"] == (b"HTTP/1.1 200 OK", 32 << 20, 200), repr(results["long"]))
sys.exit(failures != 0)
EOF
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
check "each deadline counted as a timeout" bash -c "[ $(counter timeouts) -ge 4 ]"
check "every connection closed" \
	bash -c 'for i in $(seq 50); do grep -q "^connections_open: 0$" /proc/khttpd && exit 0; sleep 0.2; done; exit 1'
check "unloads" rmmod khttpd

echo "# deadlines done at $SECONDS s"

# 1000 trickling connections from 127.0.0.2 against max_connections=1000:
# max_per_address=100 keeps 100 of them, answers the rest 503, and leaves
# room for everyone else.  Long deadlines: the 100 must stay open.
n=1000 per=100
check "loads with max_per_address=$per" insmod "$mod" port=$port docroot=$www timeout=600 \
	header_timeout=600 max_connections=$n max_per_address=$per
python3 - $port $n $per <<'EOF' | sed 's/^\(not \)\{0,1\}ok - /&khttpd-slow: /'
import selectors, socket, subprocess, sys, time

port, n, per = map(int, sys.argv[1:])
failures = 0


def check(name, ok, detail=""):
    global failures
    print(f"{'ok' if ok else 'not ok'} - {name}" + (f" # {detail}" if detail else ""), flush=True)
    failures += not ok


def counter(name):
    with open("/proc/khttpd") as f:
        for line in f:
            k, v = line.split()
            if k == name + ":":
                return int(v)


data = b"GET /small.txt HTTP/1.1\r\nHost: a\r\nX-Slow: " + b"a" * 10000
sel = selectors.DefaultSelector()
live = {}  # socket -> [bytes sent, bytes received]
for i in range(n):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    live[s] = [0, b""]
    sel.register(s, selectors.EVENT_WRITE)
got503, closed, start, tick, last_close = 0, 0, time.time(), 0, time.time()
all_accepted = None
# Trickle a byte a second to each, and read what comes back, until the
# server has taken all n and answered those over the limit.
while time.time() - start < 240:
    for key, _ in sel.select(timeout=0.2):
        s = key.fileobj
        st = live[s]
        if st[0] == 0:  # connected: the first byte at once
            try:
                s.send(data[:1])
                st[0] = 1
            except OSError:
                pass
            sel.modify(s, selectors.EVENT_READ)
            continue
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if d:
            st[1] += d
            continue
        got503 += st[1].startswith(b"HTTP/1.1 503 ")
        closed += 1
        last_close = time.time()
        sel.unregister(s)
        s.close()
        del live[s]
    if time.time() - tick >= 1:
        tick = time.time()
        for s, st in live.items():
            if 0 < st[0] < len(data):
                try:
                    s.send(data[st[0]:st[0] + 1])
                    st[0] += 1
                except OSError:
                    pass
    # Done when the server has taken all n and answered those over the
    # limit, or nothing closed for 10 s since both it took the last one and
    # the last close (taking 1000 can itself last over 10 s under TCG).
    if all_accepted is None and counter("connections_accepted") >= n:
        all_accepted = time.time()
    if all_accepted is not None and (closed >= n - per or
                                     time.time() - max(last_close, all_accepted) > 10):
        break
print(f"# {n} connections in {time.time() - start:.1f} s: {got503} got 503, "
      f"{closed} closed, {len(live)} open", flush=True)
check(f"{n - per} trickling connections from one address over max_per_address get 503",
      got503 == n - per and closed == n - per, f"{got503} 503, {closed} closed")
check(f"the other {per} stay open",
      len(live) == per and counter("connections_open") == per,
      f"{len(live)}, server {counter('connections_open')}")
check("counted in connections_rejected_per_address",
      counter("connections_rejected_per_address") == n - per)
c = socket.create_connection(("127.0.0.1", port), timeout=60, source_address=("127.0.0.1", 0))
c.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
r = b""
while True:
    d = c.recv(4096)
    if not d:
        break
    r += d
c.close()
check("a client from 127.0.0.1 gets 200 meanwhile", r.startswith(b"HTTP/1.1 200 "), repr(r[:30]))
# Unload with those open: every one is closed, and its count goes.
t = time.time()
rc = subprocess.run(["rmmod", "khttpd"]).returncode
print(f"# rmmod took {time.time() - t:.1f} s", flush=True)
check(f"unloads with {len(live)} of them open", rc == 0)
ends = 0
for s in live:
    s.settimeout(30)
    try:
        while s.recv(4096):
            pass
        ends += 1
    except socket.timeout:
        pass
    except OSError:  # reset
        ends += 1
    s.close()
check("they are all closed", ends == len(live))
sys.exit(failures != 0)
EOF
[ "${PIPESTATUS[0]}" -eq 0 ] || fails=$((fails + 1))
check "unloaded" bash -c '! grep -q "^khttpd " /proc/modules'
rm -rf $www
echo "# done at $SECONDS s"
echo "khttpd-slow: $fails failed"
exit $((fails > 0))
