#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Exactness and robustness checks for an echo server (kecho or
user-echo-server).  Prints "ok - NAME" / "not ok - NAME" lines.

    echo-test.py PORT [--idle N]

--idle N only opens N connections, holds them until stdin closes or
SIGTERM, and reports how many the server kept open (used to unload kecho
under load)."""
import array
import os
import select
import signal
import socket
import struct
import sys
import threading
import time

PORT = int(sys.argv[1])
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok - " if ok else "not ok - ") + name + (f" ({detail})" if detail and not ok else ""),
          flush=True)
    failures += 0 if ok else 1


def connect(family=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect((host, PORT))
    return s


def echo_exact(data, family=socket.AF_INET, host="127.0.0.1"):
    """Send data while reading concurrently; return what came back."""
    s = connect(family, host)
    s.setblocking(False)
    out, back, sent = memoryview(data), bytearray(), 0
    deadline = time.time() + 60
    while len(back) < len(data) and time.time() < deadline:
        want_write = sent < len(data)
        r, w, _ = select.select([s], [s] if want_write else [], [], 1)
        if w:
            try:
                sent += s.send(out[sent:sent + 65536])
            except BlockingIOError:
                pass
        if r:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            back += chunk
    s.close()
    return bytes(back)


def clogged():
    """A peer that sends without reading until the server stops taking its
    bytes (back-pressure: the server's buffer and both sockets are full),
    then half-closes and reads everything back.  Returns (bytes sent before
    the server stopped taking them, whether all came back in order)."""
    data = array.array("Q", range(8 << 20)).tobytes()  # 64 MiB, each word its index
    s = connect()
    s.setblocking(False)
    sent, stalls = 0, 0
    while sent < len(data) and stalls < 10:
        try:
            sent += s.send(data[sent:sent + 65536])
            stalls = 0
        except BlockingIOError:
            stalls += 1
            time.sleep(0.1)
    s.shutdown(socket.SHUT_WR)
    s.setblocking(True)
    s.settimeout(30)
    back = bytearray()
    try:
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            back += chunk
    except OSError:
        pass
    s.close()
    return sent, len(data), bytes(back) == data[:sent], len(back)


def idle(n):
    socks = []
    for _ in range(n):
        socks.append(connect())
    # One round trip on each proves the server really serves them.
    for s in socks:
        s.sendall(b"x")
    served = sum(1 for s in socks if s.recv(1) == b"x")
    print(f"idle: {served} of {n} connections open and served", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stdin.read()


def main():
    if len(sys.argv) > 3 and sys.argv[2] == "--idle":
        return idle(int(sys.argv[3]))

    check("small message (IPv4)", echo_exact(b"hello, kecho\n") == b"hello, kecho\n")
    check("small message (IPv6)", echo_exact(b"hello6", socket.AF_INET6, "::1") == b"hello6")
    binary = bytes(range(256)) * 4 + b"\0\0\0end"
    check("binary with NUL bytes", echo_exact(binary) == binary)
    big = os.urandom(1 << 20)
    back = echo_exact(big)
    check("1 MiB echoed exactly", back == big, f"{len(back)} bytes back")
    big6 = os.urandom(3 << 20)
    check("3 MiB echoed exactly (IPv6)", echo_exact(big6, socket.AF_INET6, "::1") == big6)

    # A client that does not read: the server must stop reading it (not
    # drop, not reorder), then echo everything once it reads, and close
    # after echoing the rest when the client half-closes.
    sent, total, exact, got = clogged()
    check("back-pressure: the server stops taking bytes from a peer that does not read",
          0 < sent < total, f"{sent} of {total} bytes taken")
    check("back-pressure: all of them echoed in order, then EOF", exact,
          f"{got} of {sent} bytes back")

    # Many messages on one connection, including one-byte writes.
    s = connect()
    ok = True
    for i in range(200):
        msg = struct.pack("!I", i) * (1 + i % 7)
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            c = s.recv(len(msg) - len(got))
            if not c:
                break
            got += c
        ok &= got == msg
    s.close()
    check("200 sequential messages on one connection", ok)

    # A peer that resets (RST via SO_LINGER 0) mid-stream must not bother
    # the server: it keeps serving others.
    for _ in range(20):
        s = connect()
        s.sendall(os.urandom(100000))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    check("serves after 20 peer resets", echo_exact(b"still here") == b"still here")

    # Concurrent clients, each checking its own bytes.
    results = []

    def worker(i):
        data = os.urandom(1000 + i)
        results.append(echo_exact(data) == data)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check("100 concurrent clients exact", len(results) == 100 and all(results))
    return 0


main()
sys.exit(1 if failures else 0)
