#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Mutation fuzzer of the reference modules, run in a guest against the real
modules (scripts/guest-tests/fuzz.sh drives it).

    guest-fuzz.py http PORT SECONDS SEED CORPUS_DIR DICT FINDINGS_DIR [IDLE]
    guest-fuzz.py drop SECONDS SEED CORPUS_DIR DICT FINDINGS_DIR

http: requests made from examples/khttpd/tests/corpus (its entries' first byte is
the host harness's limits selector and is dropped) sent to khttpd on
127.0.0.1:PORT or [::1]:PORT.  drop: lines made from tests/host/corpus/drop (plus lines
naming live connections made here) written to /proc/net/drop_tcp_sock.

Mutations (1 to 4 stacked): bit flip, byte set to an interesting value,
dictionary token inserted or overwritten, range deleted or duplicated,
truncation, splice with another corpus entry.  Delivery, for http: one
send, or split at random points over several sends with 0-20 ms pauses;
several requests pipelined on one connection; a kept-alive connection of an
earlier execution reused; the write side shut down; or an abortive close
(SO_LINGER 0: RST) right after sending.  For drop: one write or several,
sometimes several lines at once, and the file sometimes closed with a
partial line pending (handled at close) or kept open between executions.

Everything random comes from one random.Random(SEED): the same seed makes
the same inputs and plans (the kernel's timing still varies).  The judge is
narrow, because a closed connection or an error is a fine answer to
garbage: a finding is a connection the server neither answers nor closes
within IDLE + 15 s (its idle timeout plus slack; the module must close idle
connections), a connect() refused or timing out (the server died), a
write() to the file taking over 10 s or failing with an errno the module
does not document, or a kernel report (BUG, WARNING, KASAN, Oops, lockdep,
refcount, ...) appearing in /dev/kmsg; for a report, the inputs of the last
executions are saved.  Each finding is saved under FINDINGS_DIR as
<target>-<n>.bin (the bytes) and .txt (what happened and how it was sent).
Prints one summary line with executions and executions per second, and
exits 1 if anything was found."""
import errno
import os
import random
import re
import select
import socket
import struct
import sys
import time

# The first line of a kernel report (anchored: a module's own log line that
# quotes fuzzed bytes must not count).
REPORT = re.compile(rb"\s*(BUG:|WARNING:|Oops|UBSAN:|kmemleak: [0-9]+ new suspected|"
                    rb"INFO: task .* blocked|refcount_t:|general protection|"
                    rb"list_(add|del) corruption|Kernel panic)")
INTERESTING = [0, 0x7f, 0x80, 0xff, ord("\r"), ord("\n"), ord(" "), ord("\t"), ord("%"),
               ord("/"), ord("."), ord(":"), ord("["), ord("]"), ord("0"), ord("9")]
# What writing a line to /proc/net/drop_tcp_sock may fail with
# (examples/drop-tcp-socket/main.cpp).
DROP_ERRNOS = {errno.EINVAL, errno.ERANGE, errno.EAFNOSUPPORT, errno.E2BIG, errno.ENODEV,
               errno.ENOENT, errno.EBUSY}


def load_dict(path):
    """Tokens of a libFuzzer dictionary: name="value" or "value", \\xNN escapes."""
    toks = []
    with open(path, "rb") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith(b"#"):
                continue
            m = re.search(rb'"(.*)"\s*$', line)
            if not m:
                continue
            raw, out, i = m.group(1), bytearray(), 0
            while i < len(raw):
                if raw[i:i + 2] == b"\\x" and i + 4 <= len(raw):
                    out.append(int(raw[i + 2:i + 4], 16))
                    i += 4
                elif raw[i] == 0x5c and i + 1 < len(raw):  # backslash escape
                    out.append(raw[i + 1])
                    i += 2
                else:
                    out.append(raw[i])
                    i += 1
            if out:
                toks.append(bytes(out))
    return toks


def load_corpus(path, skip_first):
    entries = []
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as f:
            data = f.read()
        if skip_first:
            data = data[1:]
        if data:
            entries.append(data)
    return entries


class Mutator:
    def __init__(self, rng, corpus, tokens, max_len):
        self.rng, self.corpus, self.tokens, self.max_len = rng, corpus, tokens, max_len

    def pick(self):
        return self.rng.choice(self.corpus)

    def mutate(self, data):
        r = self.rng
        b = bytearray(data)
        for _ in range(r.randint(1, 4)):
            op = r.randrange(9)
            pos = r.randint(0, len(b))
            if op == 0 and b:  # bit flip
                i = r.randrange(len(b))
                b[i] ^= 1 << r.randrange(8)
            elif op == 1 and b:  # interesting byte
                b[r.randrange(len(b))] = r.choice(INTERESTING)
            elif op == 2:  # insert a token
                b[pos:pos] = r.choice(self.tokens)
            elif op == 3 and b:  # overwrite with a token
                t = r.choice(self.tokens)
                b[pos:pos + len(t)] = t
            elif op == 4 and b:  # delete a range
                b[pos:pos + r.randint(1, 16)] = b""
            elif op == 5 and b:  # duplicate a range
                n = r.randint(1, 64)
                b[pos:pos] = b[pos:pos + n] * r.randint(1, 8)
            elif op == 6 and b:  # truncate
                del b[r.randrange(len(b)):]
            elif op == 7:  # splice with another entry
                o = self.pick()
                b = b[:pos] + o[r.randrange(len(o) + 1):]
            elif op == 8:  # a long run of one byte
                b[pos:pos] = bytes([r.choice(INTERESTING + [ord("A")])]) * r.choice([64, 300, 5000])
        return bytes(b[:self.max_len])


class Kmsg:
    """New kernel log records since the last look (non-blocking /dev/kmsg)."""

    def __init__(self):
        try:
            self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError:
            self.fd = None

    def reports(self):
        found = []
        while self.fd is not None:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:  # overwritten records: go on
                    continue
                break
            if not rec:
                break
            msg = rec.split(b";", 1)[-1]
            if REPORT.match(msg):
                found.append(msg.decode(errors="replace").strip())
        return found


class Fuzzer:
    def __init__(self, target, seconds, seed, findings):
        self.target, self.seconds, self.seed, self.findings = target, seconds, seed, findings
        self.rng = random.Random(seed)
        self.kmsg = Kmsg()
        self.recent = []  # (input, plan) of the last executions
        self.found = 0
        self.execs = 0
        os.makedirs(findings, exist_ok=True)

    def note(self, data, plan):
        self.recent.append((data, plan))
        del self.recent[:-16]

    def save(self, what, data, plan):
        self.found += 1
        base = os.path.join(self.findings, "%s-%d" % (self.target, self.found))
        with open(base + ".bin", "wb") as f:
            f.write(data)
        with open(base + ".txt", "w") as f:
            f.write("%s\nseed %d, execution %d\nplan: %s\ninput: %r\n"
                    % (what, self.seed, self.execs, plan, data))
        print("# finding %s: %s (%s)" % (base, what, plan), flush=True)

    def check_kernel(self):
        reports = self.kmsg.reports()
        if reports:
            for data, plan in self.recent:
                self.save("kernel report after: " + " | ".join(reports)[:400], data, plan)
            self.recent.clear()

    def summary(self, extra=""):
        el = max(time.time() - self.start, 1e-9)
        print("# fuzz %s: seed %d, %d executions in %.0f s, %.1f exec/s, %d findings%s"
              % (self.target, self.seed, self.execs, el, self.execs / el, self.found, extra),
              flush=True)


# ---- khttpd ---------------------------------------------------------------------

class HttpFuzzer(Fuzzer):
    def __init__(self, port, idle, *a):
        super().__init__("http", *a)
        self.port, self.idle = port, idle
        self.open = []  # [sock, deadline, input, plan] waiting for the server to close
        self.keep = None  # a connection that may be reused
        self.responses = 0

    def connect(self, data, plan):
        v6 = self.rng.random() < 0.2
        s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(("::1" if v6 else "127.0.0.1", self.port))
        except OSError as e:
            s.close()
            self.save("connect() failed: %s" % e, data, plan)
            return None
        return s

    def send(self, s, data, plan):
        r = self.rng
        try:
            if plan["split"]:
                cuts = sorted(r.sample(range(1, len(data)), min(plan["split"], len(data) - 1))) \
                    if len(data) > 1 else []
                prev = 0
                for c in cuts + [len(data)]:
                    s.sendall(data[prev:c])
                    prev = c
                    time.sleep(r.choice([0, 0, 0.001, 0.005, 0.02]))
            else:
                s.sendall(data)
            return True
        except OSError:
            return False  # the server closed or reset: a legitimate answer

    def drain(self, entry):
        """True when the connection is done: closed, reset or answered (the
        first bytes of an answer are enough; the rest is not judged)."""
        try:
            chunk = entry[0].recv(65536, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return False
        except OSError:
            return True
        if chunk.startswith(b"HTTP/1."):
            self.responses += 1
        return True

    def reap(self, block=False):
        now = time.time()
        still = []
        for entry in self.open:
            if self.drain(entry):
                entry[0].close()
            elif now > entry[1]:
                self.save("connection neither answered nor closed in %d s" % (self.idle + 15),
                          entry[2], entry[3])
                entry[0].close()
            else:
                still.append(entry)
        self.open = still
        if block and self.open:
            select.select([e[0] for e in self.open], [], [], 0.05)

    def one(self):
        r = self.rng
        m = self.mut
        n = 1 if r.random() < 0.8 else r.randint(2, 4)
        data = b"".join(m.mutate(m.pick()) if r.random() < 0.9 else m.pick() for _ in range(n))
        plan = {
            "split": 0 if r.random() < 0.6 else r.randint(1, 6),
            "reuse": r.random() < 0.15,
            "end": r.choices(["wait", "shut_wr", "rst", "keep"], [5, 2, 2, 1])[0],
            "pipelined": n,
        }
        self.note(data, plan)
        s = None
        if plan["reuse"] and self.keep is not None:
            s, self.keep = self.keep, None
        else:
            s = self.connect(data, plan)
            if s is None:
                return
        sent = self.send(s, data, plan)
        if plan["end"] == "rst" or not sent:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
            return
        if plan["end"] == "shut_wr":
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        if plan["end"] == "keep" and self.keep is None:
            self.keep = s
            return
        s.setblocking(False)
        self.open.append([s, time.time() + self.idle + 15, data, plan])
        # Bound the connections waiting on the server (an incomplete request
        # waits for its idle timeout).
        while len(self.open) > 64:
            self.reap(block=True)

    def run(self, corpus, tokens):
        self.mut = Mutator(self.rng, corpus, tokens, 8192)
        self.start = time.time()
        end = self.start + self.seconds
        while time.time() < end:
            self.one()
            self.execs += 1
            self.reap()
            if self.execs % 8 == 0:
                self.check_kernel()
        if self.keep is not None:
            self.keep.close()
        # Every connection left must be answered or closed by the server.
        while self.open:
            self.reap(block=True)
        self.check_kernel()
        self.summary(", %d HTTP responses" % self.responses)


# ---- /proc/net/drop_tcp_sock ------------------------------------------------------

class DropFuzzer(Fuzzer):
    PROC = "/proc/net/drop_tcp_sock"

    def __init__(self, *a):
        super().__init__("drop", *a)
        self.fd = None
        self.live = []
        self.lst = None
        self.errnos = {}

    def live_lines(self):
        """Established connections (IPv4 and IPv6) whose lines join the corpus."""
        for s in self.live:
            s.close()
        self.live = []
        lines = []
        for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            lst = socket.socket(fam, socket.SOCK_STREAM)
            lst.bind((host, 0))
            lst.listen(16)
            for _ in range(4):
                c = socket.create_connection((host, lst.getsockname()[1]))
                a, _ = lst.accept()
                self.live += [c, a]
                fmt = "%s:%d" if fam == socket.AF_INET else "[%s]:%d"
                lines.append((fmt % c.getsockname()[:2] + " " + fmt % c.getpeername()[:2]).encode())
                lines.append((fmt % a.getsockname()[:2] + " " + fmt % a.getpeername()[:2]).encode())
            lst.close()
        return lines

    def one(self):
        r = self.rng
        m = self.mut
        n = 1 if r.random() < 0.7 else r.randint(2, 6)
        parts = []
        for _ in range(n):
            line = m.mutate(m.pick()) if r.random() < 0.9 else m.pick()
            parts.append(line + (b"\n" if r.random() < 0.9 else b"\r\n"))
        data = b"".join(parts)
        if r.random() < 0.1:
            data = data[:r.randint(0, len(data))]  # ends in a partial line
        plan = {"writes": 1 if r.random() < 0.7 else r.randint(2, 5),
                "close": r.random() < 0.3}
        self.note(data, plan)
        if self.fd is None:
            self.fd = os.open(self.PROC, os.O_WRONLY)
        cuts = sorted(r.sample(range(1, len(data)), min(plan["writes"] - 1, len(data) - 1))) \
            if len(data) > 1 else []
        prev = 0
        for c in cuts + [len(data)]:
            t0 = time.time()
            try:
                os.write(self.fd, data[prev:c])
            except OSError as e:
                self.errnos[e.errno] = self.errnos.get(e.errno, 0) + 1
                if e.errno not in DROP_ERRNOS:
                    self.save("write() failed with undocumented %s"
                              % errno.errorcode.get(e.errno, e.errno), data, plan)
            if time.time() - t0 > 10:
                self.save("write() took %.0f s" % (time.time() - t0), data, plan)
            prev = c
        if plan["close"]:
            os.close(self.fd)  # a pending partial line is handled at close
            self.fd = None

    def run(self, corpus, tokens):
        live = self.live_lines()
        self.mut = Mutator(self.rng, corpus + live, tokens, 600)
        self.start = time.time()
        end = self.start + self.seconds
        while time.time() < end:
            self.one()
            self.execs += 1
            if self.execs % 16 == 0:
                self.check_kernel()
            if self.execs % 500 == 0:  # fresh live connections to hit
                self.mut.corpus = corpus + self.live_lines()
        if self.fd is not None:
            os.close(self.fd)
        for s in self.live:
            s.close()
        self.check_kernel()
        self.summary(", errnos %s" % ", ".join(
            "%s %d" % (errno.errorcode.get(k, k), v) for k, v in sorted(self.errnos.items())))


def main(argv):
    if len(argv) >= 8 and argv[1] == "http":
        port, seconds, seed = int(argv[2]), float(argv[3]), int(argv[4])
        idle = int(argv[8]) if len(argv) > 8 else 10
        f = HttpFuzzer(port, idle, seconds, seed, argv[7])
        f.run(load_corpus(argv[5], True), load_dict(argv[6]))
    elif len(argv) >= 7 and argv[1] == "drop":
        f = DropFuzzer(float(argv[2]), int(argv[3]), argv[6])
        f.run(load_corpus(argv[4], False), load_dict(argv[5]))
    else:
        sys.exit(__doc__)
    return 1 if f.found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
