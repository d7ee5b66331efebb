#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks of /proc/net/drop_tcp_sock (module drop_tcp_sock) over loopback.
Prints "ok - NAME" / "not ok - NAME" lines; exits non-zero on a failure.

    drop-test.py main              all checks in the current namespace
    drop-test.py tw N [LPORT:PPORT]
                                   make N TIME-WAIT sockets on 127.0.0.1
                                   (fixed ports: exactly one, same tuple in
                                   every namespace) and print their lines
    drop-test.py count-tw FILE     how many lines of FILE are in TIME-WAIT
    drop-test.py filter N MAKER    filter lines against `ss -tan`: N IPv4
                                   TIME-WAIT sockets towards one port among
                                   other states, ports and families; MAKER
                                   is tw-maker (tw-maker.c, compiled)
    drop-test.py genl N MAKER      the generic netlink command DROP_MATCHING:
                                   N IPv4 TIME-WAIT sockets dropped, the
                                   reply's count checked against `ss`, bad
                                   attributes' errnos
    drop-test.py genl-nocap        the command fails with EPERM (run it
                                   without CAP_NET_ADMIN)
    drop-test.py hold [NETNS]      open NETNS's file (default: this
                                   namespace's), print "ready", wait for a
                                   line on stdin, then report what reading
                                   and writing the open file give"""
import ctypes
import errno
import os
import socket
import struct
import subprocess
import sys
import time

PROC = "/proc/net/drop_tcp_sock"
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok - " if ok else "not ok - ") + name + (f" ({detail})" if detail and not ok else ""),
          flush=True)
    failures += 0 if ok else 1


# ---- /proc/net/tcp{,6} -------------------------------------------------------

def hex_v4(addr, port):
    return "%08X:%04X" % (int.from_bytes(socket.inet_aton(addr), "little"), port)


def hex_v6(addr, port):
    raw = socket.inet_pton(socket.AF_INET6, addr)
    words = "".join("%08X" % int.from_bytes(raw[i:i + 4], "little") for i in range(0, 16, 4))
    return "%s:%04X" % (words, port)


def tcp_table():
    """{(local_hex, remote_hex): state} for every socket in /proc/net/tcp and tcp6."""
    table = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    table[(fields[1], fields[2])] = int(fields[3], 16)
        except FileNotFoundError:
            pass
    return table


class Conn:
    """One connection as the file takes it: local end first."""

    def __init__(self, family, local, peer):
        self.family, self.local, self.peer = family, local, peer

    def key(self):
        h = hex_v6 if self.family == socket.AF_INET6 else hex_v4
        return (h(*self.local), h(*self.peer))

    def text(self, style="ss"):
        def end(a):
            if self.family == socket.AF_INET:
                return "%s:%d" % a
            return ("%s:%d" if style == "netstat" else "[%s]:%d") % a
        return "%s %s" % (end(self.local), end(self.peer))


def count_state(conns, state=6):
    table = tcp_table()
    return sum(1 for c in conns if table.get(c.key()) == state)


def gone(conns):
    table = tcp_table()
    return sum(1 for c in conns if c.key() not in table) == len(conns)


def wait_for(pred, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


# ---- making connections ------------------------------------------------------

def listener(family, port=0):
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(128)
    s.settimeout(10)
    return s


def pair(lst, family=None, bind_port=0, host=None):
    """A connected (client, server) through listener lst."""
    family = family or lst.family
    host = host or ("::1" if family == socket.AF_INET6 else "127.0.0.1")
    c = socket.socket(family, socket.SOCK_STREAM)
    c.settimeout(10)
    if bind_port:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((host, bind_port))
    c.connect((host, lst.getsockname()[1]))
    s, _ = lst.accept()
    s.settimeout(10)
    return c, s


def make_time_wait(family, n, lport=0, pport=0):
    """n client sockets in TIME-WAIT (the client closes first).

    On loopback, connect() may reuse the 4-tuple of a TIME-WAIT socket
    (net.ipv4.tcp_tw_reuse = 2, the default): the new connection replaces
    it, so connections are collected by tuple until there are n distinct."""
    lst = listener(family, pport)
    conns = {}
    while len(conns) < n:
        c, s = pair(lst, bind_port=lport)
        conn = Conn(family, c.getsockname()[:2], c.getpeername()[:2])
        conns[conn.key()] = conn
        c.close()
        s.recv(1)  # the client's FIN
        s.close()
    lst.close()
    conns = list(conns.values())
    wait_for(lambda: count_state(conns) == len(conns))
    return conns


# ---- the file ------------------------------------------------------------------

def write(data, fd=None):
    """write() of data in one call: the byte count or -errno."""
    own = fd is None
    if own:
        fd = os.open(PROC, os.O_WRONLY)
    try:
        return os.write(fd, data if isinstance(data, bytes) else data.encode())
    except OSError as e:
        return -e.errno
    finally:
        if own:
            os.close(fd)


def counters():
    with open(PROC) as f:
        return {k: int(v) for k, v in (line.split(":") for line in f)}


def lines(conns, style="ss"):
    return "".join(c.text(style) + "\n" for c in conns)


# ---- the checks ----------------------------------------------------------------

def test_time_wait(before):
    v4 = make_time_wait(socket.AF_INET, 200)
    v6 = make_time_wait(socket.AF_INET6, 100)
    check("200 IPv4 TIME-WAIT sockets in /proc/net/tcp", count_state(v4) == 200,
          "%d" % count_state(v4))
    check("100 IPv6 TIME-WAIT sockets in /proc/net/tcp6", count_state(v6) == 100,
          "%d" % count_state(v6))
    # One write of 300 lines, IPv6 half as ss prints it, half as netstat does.
    data = lines(v4) + lines(v6[:50]) + lines(v6[50:], "netstat")
    n = write(data)
    check("one write of 300 lines succeeds", n == len(data), "write gave %d" % n)
    check("all 300 TIME-WAIT sockets are gone", gone(v4 + v6),
          "%d left" % (300 - sum(1 for c in v4 + v6 if c.key() not in tcp_table())))
    now = counters()
    check("dropped_timewait counts 300",
          now["dropped_timewait"] - before["dropped_timewait"] == 300, str(now))
    # The ports are free again: bind() without SO_REUSEADDR works.  Only
    # for a port no other socket uses: connect() shares an ephemeral port
    # between different 4-tuples, so an earlier test's TIME-WAIT socket
    # (not dropped here) may hold the same local port and refuse the bind.
    in_use = {int(local.rsplit(":", 1)[1], 16) for local, _ in tcp_table()}
    free = [c for c in v4 if c.local[1] not in in_use]
    ok, detail = False, "every dropped socket's port is still used by another socket"
    if free:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(free[0].local)
            ok = True
        except OSError as e:
            detail = str(e)
        s.close()
    check("a dropped TIME-WAIT socket's port can be bound again", ok, "" if ok else detail)


def test_abort(family, mapped=False):
    name = "IPv4 on a dual-stack socket" if mapped else \
        ("IPv6" if family == socket.AF_INET6 else "IPv4")
    if mapped:
        lst = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        lst.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        lst.bind(("::", 0))
        lst.listen(8)
        lst.settimeout(10)
        c, s = pair(lst, socket.AF_INET, host="127.0.0.1")
        # Drop the server's end, named as ss shows a dual-stack socket.
        victim, other = s, c
        line = "[%s]:%d [%s]:%d" % (s.getsockname()[:2] + s.getpeername()[:2])
    else:
        lst = listener(family)
        c, s = pair(lst)
        victim, other = c, s
        line = Conn(family, c.getsockname()[:2], c.getpeername()[:2]).text()
    c.sendall(b"x")
    s.recv(1)
    n = write(line + "\n")
    check("abort an established %s connection (%s)" % (name, line), n == len(line) + 1,
          "write gave %d" % n)
    try:
        other.recv(10)
        got = "no error"
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
    check("the peer of an aborted %s connection sees a reset" % name, got == "ECONNRESET", got)
    try:
        victim.recv(10)
        got = "no error"
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
    check("the owner of an aborted %s connection gets ECONNABORTED" % name,
          got == "ECONNABORTED", got)
    for x in (c, s, lst):
        x.close()


ERRNO_TABLE = [
    # (what, line, errno)
    ("malformed line", "garbage", errno.EINVAL),
    ("one field", "127.0.0.1:5000", errno.EINVAL),
    ("three fields", "127.0.0.1:1 127.0.0.1:2 127.0.0.1:3", errno.EINVAL),
    ("a raw ss line", "0 0 127.0.0.1:1 127.0.0.1:2", errno.EINVAL),
    ("bad IPv4 address", "256.1.1.1:1 127.0.0.1:2", errno.EINVAL),
    ("bad IPv6 address", "[::1::2]:1 [::1]:2", errno.EINVAL),
    ("missing bracket", "[::1:1 [::1]:2", errno.EINVAL),
    ("port with a sign", "127.0.0.1:-1 127.0.0.1:2", errno.EINVAL),
    ("netstat's listener", "0.0.0.0:* 0.0.0.0:*", errno.EINVAL),
    ("binary bytes", "\x01\x7f\xff 127.0.0.1:2", errno.EINVAL),
    ("two different interfaces", "[fe80::1%lo]:1 [fe80::2%eth9]:2", errno.EINVAL),
    ("port above 65535", "127.0.0.1:70000 127.0.0.1:80", errno.ERANGE),
    ("port 0", "127.0.0.1:0 127.0.0.1:80", errno.ERANGE),
    ("huge port", "[::1]:99999999999999999999 [::1]:80", errno.ERANGE),
    ("IPv4 then IPv6", "127.0.0.1:1 [::1]:2", errno.EAFNOSUPPORT),
    ("IPv6 then IPv4", "[::1]:1 127.0.0.1:2", errno.EAFNOSUPPORT),
    ("IPv4-mapped then IPv6", "[::ffff:127.0.0.1]:1 [::1]:2", errno.EAFNOSUPPORT),
    ("line of 300 bytes", "1" * 300, errno.E2BIG),
    ("line of 5000 bytes", "1" * 5000, errno.E2BIG),
    ("unknown socket", "127.0.0.1:1 127.0.0.1:2", errno.ENOENT),
    ("unknown IPv6 socket", "[::1]:1 [::1]:2", errno.ENOENT),
    ("unknown socket on lo", "127.0.0.1%lo:1 127.0.0.1:2", errno.ENOENT),
    ("unknown interface", "[fe80::1%nosuch0]:1 [fe80::2]:2", errno.ENODEV),
]


def test_errnos():
    before = counters()
    for what, line, want in ERRNO_TABLE:
        n = write(line + "\n")
        check("%s gives %s" % (what, errno.errorcode[want]), n == -want,
              "write gave %s" % (errno.errorcode.get(-n, n) if n < 0 else n))
    after = counters()
    bad = sum(1 for _, _, e in ERRNO_TABLE if e in (errno.EINVAL, errno.ERANGE, errno.EAFNOSUPPORT,
                                                     errno.E2BIG))
    # A line over the proc layer's 4096-byte buffer never reaches the module.
    bad -= 1
    missing = sum(1 for _, _, e in ERRNO_TABLE if e in (errno.ENOENT, errno.ENODEV))
    check("malformed counts the refused lines",
          after["malformed"] - before["malformed"] == bad, "%s -> %s" % (before, after))
    check("not_found counts the unknown sockets",
          after["not_found"] - before["not_found"] == missing, "%s -> %s" % (before, after))
    # Blank and comment lines are fine; so is CRLF.
    n = write("\n   \n# a comment\n\t\n")
    check("blank and comment lines are accepted", n > 0, "write gave %d" % n)


def test_mixed_write():
    tw = make_time_wait(socket.AF_INET, 3)
    data = "garbage\n" + tw[0].text() + "\n127.0.0.1:70000 127.0.0.1:1\n" + \
        tw[1].text() + "\r\n" + "[::1]:1 127.0.0.1:2\n" + tw[2].text() + "\n"
    n = write(data)
    check("a write with bad lines fails with the first one's errno (EINVAL)",
          n == -errno.EINVAL, "write gave %d" % n)
    check("the valid lines of that write are still handled", gone(tw),
          "%d left" % count_state(tw))


def test_split_lines():
    tw = make_time_wait(socket.AF_INET6, 2)
    text, last = tw[0].text(), tw[1].text()
    fd = os.open(PROC, os.O_WRONLY)
    parts = [text[:5], text[5:17], text[17:] + "\n" + last[:9], last[9:]]
    results = [write(p, fd) for p in parts]
    check("a line split over three writes: each write succeeds",
          results == [len(p) for p in parts], str(results))
    check("the split line is handled when its newline arrives",
          wait_for(lambda: tw[0].key() not in tcp_table(), 2))
    check("the unterminated line is not handled before close", tw[1].key() in tcp_table())
    os.close(fd)
    check("an unterminated last line is handled at close", gone(tw[1:]))


def main():
    check("file is root's, mode 0600",
          (os.stat(PROC).st_mode & 0o777, os.stat(PROC).st_uid) == (0o600, 0),
          oct(os.stat(PROC).st_mode))
    before = counters()
    check("reading shows the counters",
          set(before) == {"dropped_timewait", "aborted", "not_found", "malformed", "failed",
                          "filter_dropped", "last_filter"},
          str(before))
    start = time.time()
    test_time_wait(before)
    print("# TIME-WAIT checks took %.1f s" % (time.time() - start), flush=True)
    aborted = counters()["aborted"]
    test_abort(socket.AF_INET)
    test_abort(socket.AF_INET6)
    test_abort(socket.AF_INET6, mapped=True)
    check("aborted counts 3", counters()["aborted"] - aborted == 3, str(counters()))
    test_errnos()
    test_mixed_write()
    test_split_lines()
    print("# all checks took %.1f s" % (time.time() - start), flush=True)
    check("nothing failed", counters()["failed"] == 0, str(counters()))
    return failures


# ---- filter lines ----------------------------------------------------------------

SS_STATES = {"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
             "CLOSE-WAIT", "LAST-ACK", "CLOSING"}


def ss_sockets():
    """Every connected TCP socket `ss -tan` shows: (state, local, peer) strings."""
    out = subprocess.run(["ss", "-tanH"], check=True, capture_output=True, text=True).stdout
    socks = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] in SS_STATES:
            socks.append((f[0], f[3], f[4]))
    return socks


def ss_count(socks, state=None, local_port=None, peer_port=None, v6=None):
    def port(ep):
        return int(ep.rsplit(":", 1)[1])
    return sum(1 for st, lo, pe in socks
               if (state is None or st == state)
               and (local_port is None or port(lo) == local_port)
               and (peer_port is None or port(pe) == peer_port)
               and (v6 is None or lo.startswith("[") == v6))


def filter_write(line):
    """Write one filter line: (write result, last_filter, seconds taken)."""
    start = time.time()
    r = write(line + "\n")
    return r, counters()["last_filter"], time.time() - start


def test_filter(n_tw, maker):
    """Filter lines against ss: exactly the matching sockets go, counted."""
    # Outside the ephemeral range: no client takes them.  Four makers at
    # once: connecting is the slow part (~30 ms a connection under
    # emulation) and runs before TIME-WAIT's 60 s start; the makers then
    # close theirs together on "go", which takes seconds.
    T, T2, A, B, C = 30004, 30005, 30001, 30010, 30011
    makers = [subprocess.Popen([maker, fam, str(k), str(p), "wait"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
              for fam, k, p in (("4", n_tw // 2, T), ("4", n_tw - n_tw // 2, T2),
                                ("4", 100, B), ("6", 100, A))]
    # Towards A over IPv4 too: 5 established pairs, 3 closed by the client
    # (client FIN-WAIT-2, server CLOSE-WAIT), and 3 more such on C (an
    # aborted FIN-WAIT-2 client that is still a full socket resets its
    # server, so the two states are tested on different ports); all held.
    lst = listener(socket.AF_INET, A)
    lst_c = listener(socket.AF_INET, C)
    est = [pair(lst) for _ in range(5)]
    half = [pair(lst) for _ in range(3)]
    half_c = [pair(lst_c) for _ in range(3)]
    for c, s in half + half_c:
        c.close()
        s.recv(1)
    wait_for(lambda: ss_count(ss_sockets(), "FIN-WAIT-2", peer_port=A) == 3)
    wait_for(lambda: ss_count(ss_sockets(), "FIN-WAIT-2", peer_port=C) == 3)
    start = time.time()
    ready = [m.stdout.readline().strip() for m in makers]
    print("# %d connections made in %.1f s more" % (n_tw + 200, time.time() - start), flush=True)
    start = time.time()
    for m in makers:
        m.stdin.write("go\n")
        m.stdin.flush()
    check("tw-maker made them", all(m.wait() == 0 for m in makers) and
          ready == ["ready"] * len(makers), str(ready))
    print("# closed them into TIME-WAIT in %.1f s" % (time.time() - start), flush=True)
    before = ss_sockets()
    tw_a4 = (ss_count(before, "TIME-WAIT", peer_port=T) +
             ss_count(before, "TIME-WAIT", peer_port=T2))
    check("ss shows the %d IPv4 TIME-WAIT sockets towards :%d-%d" % (n_tw, T, T2),
          tw_a4 == n_tw, str(tw_a4))
    others = (ss_count(before, "TIME-WAIT", peer_port=B), ss_count(before, "TIME-WAIT", v6=True),
              ss_count(before, "ESTAB", peer_port=A) + ss_count(before, "ESTAB", local_port=A),
              ss_count(before, "FIN-WAIT-2", peer_port=A),
              ss_count(before, "CLOSE-WAIT", local_port=C))
    check("and the others: 100 towards :%d, 100 IPv6, 10 ESTAB, 3 FIN-WAIT-2, 3 CLOSE-WAIT" % B,
          others == (100, 100, 10, 3, 3), str(others))

    total = counters()["filter_dropped"]
    r, n, took = filter_write("filter state time-wait dst 127.0.0.0/8 dport %d-%d" % (T, T2))
    print("# dropped %d TIME-WAIT sockets in %.3f s" % (n, took), flush=True)
    after = ss_sockets()
    print("# %.1f s after the first TIME-WAIT" % (time.time() - start), flush=True)
    check("the filter line is accepted", r > 0, str(r))
    check("it reports %d dropped (last_filter)" % n_tw, n == n_tw, str(n))
    check("the count equals ss's difference", len(before) - len(after) == n,
          "%d - %d != %d" % (len(before), len(after), n))
    check("the count is at most ss's difference", len(before) - len(after) >= n)
    check("no IPv4 TIME-WAIT socket towards :%d-%d is left" % (T, T2),
          ss_count(after, "TIME-WAIT", peer_port=T) + ss_count(after, "TIME-WAIT", peer_port=T2) == 0)
    check("everything else is intact", sorted(set(before) - set(after)) ==
          sorted(x for x in before if x[0] == "TIME-WAIT" and not x[2].startswith("[")
                 and (x[2].endswith(":%d" % T) or x[2].endswith(":%d" % T2))))
    check("filter_dropped counts them", counters()["filter_dropped"] - total == n)

    r, n, _ = filter_write("filter state fin-wait-2 dport %d" % A)
    check("fin-wait-2: the 3 closed clients", r > 0 and n == 3, "%d %d" % (r, n))
    check("the servers on :%d stay in CLOSE-WAIT" % C,
          ss_count(ss_sockets(), "CLOSE-WAIT", local_port=C) == 3)
    r, n, _ = filter_write("filter state close-wait sport %d-%d" % (C, C))
    check("close-wait: the 3 servers of :%d" % C, r > 0 and n == 3, "%d %d" % (r, n))
    # They had read the FIN, so recv() gives b"" first; the error is pending.
    check("their owner sees ECONNABORTED",
          all(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == errno.ECONNABORTED
              for _, s in half_c))
    r, n, _ = filter_write("filter state time-wait dst ::1 dport %d" % A)
    check("IPv6: the 100 towards [::1]:%d" % A, r > 0 and n == 100,
          "%d %d" % (r, n))
    r, n, _ = filter_write("filter state established src 127.0.0.1/32 sport %d" % A)
    check("established: the 5 servers of :%d" % A, r > 0 and n == 5, "%d %d" % (r, n))
    check("their clients see a reset", all(recv_errno(c) == errno.ECONNRESET for c, _ in est))
    left = ss_sockets()
    check("100 TIME-WAIT towards :%d still there" % B,
          ss_count(left, "TIME-WAIT", peer_port=B) == 100)
    r, n, _ = filter_write("filter")
    check("a bare 'filter' drops the rest of the TIME-WAIT sockets",
          r > 0 and n == ss_count(left, "TIME-WAIT") and n >= 100, "%d %d" % (r, n))
    check("none left", ss_count(ss_sockets(), "TIME-WAIT") == 0)
    for msg, line, err in (("EINVAL", "filter state listen", errno.EINVAL),
                           ("ERANGE", "filter dport 1-65536", errno.ERANGE),
                           ("EAFNOSUPPORT", "filter src ::1 dst 127.0.0.1", errno.EAFNOSUPPORT)):
        check("'%s' fails with %s" % (line, msg), write(line + "\n") == -err)
    for c, s in est + half + half_c:
        c.close()
        s.close()
    lst.close()
    lst_c.close()


# ---- generic netlink ---------------------------------------------------------------

# dropper.hpp's family "drop_tcp_sock"
DT_A_STATES, DT_A_SRC, DT_A_SRC_LEN, DT_A_SPORT_LO, DT_A_SPORT_HI = 1, 2, 3, 4, 5
DT_A_DST, DT_A_DST_LEN, DT_A_DPORT_LO, DT_A_DPORT_HI, DT_A_DROPPED = 6, 7, 8, 9, 10
DT_CMD_DROP_MATCHING = 1
TCP_TIME_WAIT, TCP_FIN_WAIT2 = 6, 5


def genl_lib():
    """The raw generic netlink code of tools/genl-test.py (kstd's own test)."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../tools/genl-test.py")
    spec = importlib.util.spec_from_file_location("genl_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def genl_drop(g, fam, **kw):
    """DROP_MATCHING with attributes by name: (errno or 0, dropped count or extack)."""
    lib = genl_lib.lib
    a = b""
    for name, (ty, fmt) in (("states", (DT_A_STATES, "I")), ("src", (DT_A_SRC, None)),
                            ("src_len", (DT_A_SRC_LEN, "B")), ("sport_lo", (DT_A_SPORT_LO, "H")),
                            ("sport_hi", (DT_A_SPORT_HI, "H")), ("dst", (DT_A_DST, None)),
                            ("dst_len", (DT_A_DST_LEN, "B")), ("dport_lo", (DT_A_DPORT_LO, "H")),
                            ("dport_hi", (DT_A_DPORT_HI, "H"))):
        if name in kw:
            a += lib.attr(ty, kw[name] if fmt is None else struct.pack(fmt, kw[name]))
    err, r = g.call(fam, DT_CMD_DROP_MATCHING, a)
    if err:
        return err, r
    return 0, lib.u32(r, DT_A_DROPPED)


def test_genl(n_tw, maker):
    """DROP_MATCHING: exactly the matching TIME-WAIT sockets go, the reply counts them."""
    genl_lib.lib = genl_lib()
    g = genl_lib.lib.Genl()
    fam, _ = g.resolve("drop_tcp_sock")
    check("the family drop_tcp_sock is registered", fam > 0, str(fam))
    if fam <= 0:
        return
    P, Q = 30020, 30021
    makers = [subprocess.Popen([maker, "4", str(k), str(p), "wait"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True) for k, p in ((n_tw, P), (50, Q))]
    ready = [m.stdout.readline().strip() for m in makers]
    for m in makers:
        m.stdin.write("go\n")
        m.stdin.flush()
    check("tw-maker made them", all(m.wait() == 0 for m in makers) and ready == ["ready"] * 2)
    before = ss_sockets()
    check("ss shows %d + 50 IPv4 TIME-WAIT sockets towards :%d and :%d" % (n_tw, P, Q),
          (ss_count(before, "TIME-WAIT", peer_port=P), ss_count(before, "TIME-WAIT", peer_port=Q))
          == (n_tw, 50))
    lo = socket.inet_aton("127.0.0.0")
    for what, kw, err in (
            ("a 5-byte address: EINVAL", dict(dst=b"\x7f\0\0\0\0"), errno.EINVAL),
            ("a prefix length without its address: EINVAL", dict(dst_len=8), errno.EINVAL),
            ("address bits after the prefix length: EINVAL",
             dict(dst=socket.inet_aton("127.0.0.1"), dst_len=8), errno.EINVAL),
            ("prefix length 33 for IPv4: ERANGE", dict(dst=lo, dst_len=33), errno.ERANGE),
            ("dport LO above HI: ERANGE", dict(dport_lo=P, dport_hi=P - 1), errno.ERANGE),
            ("IPv4 src, IPv6 dst: EAFNOSUPPORT",
             dict(src=lo, src_len=8, dst=socket.inet_pton(socket.AF_INET6, "::1")),
             errno.EAFNOSUPPORT),
            ("no state: EINVAL", dict(states=1 << 10 | 1), errno.EINVAL),
            ("a u16 port as 4 bytes: EINVAL (the policy)", dict(dport_lo=P), None)):
        if err is None:
            # The core's policy check: an attribute of the wrong length.
            r, _ = g.call(fam, DT_CMD_DROP_MATCHING,
                          genl_lib.lib.attr(DT_A_DPORT_LO, struct.pack("I", P)))
            check(what, r == -errno.EINVAL, str(r))
            continue
        r, msg = genl_drop(g, fam, **kw)
        check("%s (%s)" % (what, msg), r == -err, str(r))
    check("no socket dropped by them", ss_count(ss_sockets(), "TIME-WAIT", peer_port=P) == n_tw)
    total = counters()["filter_dropped"]
    r, n = genl_drop(g, fam, states=1 << TCP_TIME_WAIT, dst=lo, dst_len=8, dport_lo=P, dport_hi=P)
    after = ss_sockets()
    check("DROP_MATCHING state time-wait dst 127.0.0.0/8 dport %d replies %d dropped" % (P, n_tw),
          r == 0 and n == n_tw, "%d %s" % (r, n))
    # (Only TIME-WAIT here: closed sockets of the filter checks may still
    # be leaving ss on their own.)
    tw_diff = ss_count(before, "TIME-WAIT") - ss_count(after, "TIME-WAIT")
    check("the count equals ss's TIME-WAIT difference", tw_diff == n, "%d != %s" % (tw_diff, n))
    check("none left towards :%d, the 50 towards :%d intact" % (P, Q),
          ss_count(after, "TIME-WAIT", peer_port=P) == 0 and
          ss_count(after, "TIME-WAIT", peer_port=Q) == 50)
    check("filter_dropped and last_filter count it",
          counters()["filter_dropped"] - total == n_tw and counters()["last_filter"] == n_tw)
    # Defaults: every TIME-WAIT socket; the mapped form of 127.0.0.0/8.
    mapped = socket.inet_pton(socket.AF_INET6, "::ffff:127.0.0.0")
    r, n = genl_drop(g, fam, dst=mapped, dst_len=104, dport_lo=Q, dport_hi=Q)
    check("::ffff:127.0.0.0/104 dport %d (default state time-wait): the 50" % Q,
          r == 0 and n == 50, "%d %s" % (r, n))


def test_genl_nocap():
    lib = genl_lib()
    genl_lib.lib = lib
    g = lib.Genl()
    fam, _ = g.resolve("drop_tcp_sock")
    r, _ = genl_drop(g, fam)
    check("DROP_MATCHING without CAP_NET_ADMIN fails with EPERM", r == -errno.EPERM, str(r))


def recv_errno(s):
    try:
        s.recv(1)
        return 0
    except OSError as e:
        return e.errno


def hold(netns):
    """Open the file of NETNS (or ours), report reads and writes after stdin says go."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    if netns:
        target = os.open("/run/netns/" + netns, os.O_RDONLY)
        if libc.setns(target, 0x40000000) != 0:
            print("setns failed: %d" % ctypes.get_errno(), flush=True)
            return 1
        os.close(target)
    fd = os.open("/proc/self/net/drop_tcp_sock", os.O_RDWR)
    if netns:
        libc.setns(own, 0x40000000)
    os.close(own)
    print("ready", flush=True)
    sys.stdin.readline()
    deadline = time.time() + 20
    while True:
        try:
            os.pread(fd, 100, 0)
            r = "read ok"
        except OSError as e:
            r = "read " + errno.errorcode.get(e.errno, str(e.errno))
        if r != "read ok" or time.time() > deadline:
            break
        time.sleep(0.1)
    w = write("# x\n", fd)
    print("%s, write %s" % (r, errno.errorcode.get(-w, w) if w < 0 else "ok"), flush=True)
    os.close(fd)
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "main"
    if cmd == "main":
        sys.exit(1 if main() else 0)
    elif cmd == "tw":
        lp, pp = (int(x) for x in sys.argv[3].split(":")) if len(sys.argv) > 3 else (0, 0)
        for c in make_time_wait(socket.AF_INET, int(sys.argv[2]), lp, pp):
            print(c.text())
    elif cmd == "filter":
        test_filter(int(sys.argv[2]), sys.argv[3])
        sys.exit(1 if failures else 0)
    elif cmd == "genl":
        test_genl(int(sys.argv[2]), sys.argv[3])
        sys.exit(1 if failures else 0)
    elif cmd == "genl-nocap":
        test_genl_nocap()
        sys.exit(1 if failures else 0)
    elif cmd == "count-tw":
        conns = []
        with open(sys.argv[2]) as f:
            for line in f:
                a, b = line.split()
                la, lp = a.rsplit(":", 1)
                pa, pp = b.rsplit(":", 1)
                fam = socket.AF_INET6 if la.startswith("[") else socket.AF_INET
                conns.append(Conn(fam, (la.strip("[]"), int(lp)), (pa.strip("[]"), int(pp))))
        print(count_state(conns))
    elif cmd == "hold":
        sys.exit(hold(sys.argv[2] if len(sys.argv) > 2 else None))
    else:
        sys.exit(__doc__)
