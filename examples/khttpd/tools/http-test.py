#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Protocol, safety and robustness checks for an HTTP server serving the
document root that scripts/guest-tests/khttpd.sh builds (khttpd, or any
server for comparison).  Raw sockets, so every malformed request class can
be sent as is.  Prints "ok - NAME" / "not ok - NAME" lines.

    http-test.py PORT DOCROOT IDLE_TIMEOUT
    http-test.py PORT DOCROOT --hold N BIG_PATH   (unload-under-load helper)
    http-test.py PORT DOCROOT --limit N           (max_connections check)
    http-test.py PORT DOCROOT --owner             (loaded with user=1000
                                                   group=1000 dotfiles=1)
"""
import email.utils
import fcntl
import os
import signal
import socket
import sys
import threading
import time

PORT = int(sys.argv[1])
ROOT = sys.argv[2]
failures = 0
lock = threading.Lock()


def check(name, ok, detail=""):
    global failures
    with lock:
        print(("ok - " if ok else "not ok - ") + name +
              (f" ({detail})" if detail and not ok else ""), flush=True)
        failures += 0 if ok else 1


def connect(family=socket.AF_INET, host="127.0.0.1", timeout=30):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, PORT))
    return s


def read_all(s, limit=1 << 30):
    """Everything until EOF (or a reset, or the socket timeout)."""
    data = bytearray()
    try:
        while len(data) < limit:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return bytes(data)


def raw(req, **kw):
    """Send @req on a new connection and read until the server closes."""
    s = connect(**kw)
    s.sendall(req)
    data = read_all(s)
    s.close()
    return data


class Response:
    def __init__(self, status, reason, headers, body, raw_head):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body
        self.raw_head = raw_head

    def h(self, name):
        return self.headers.get(name.lower())


def parse_one(data, head_request=False):
    """One response at the start of @data: (Response, rest) or (None, data)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None, data
    head = data[:end].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
        return None, data
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    rest = data[end + 4:]
    status = int(parts[1])
    if head_request or status in (204, 304):
        return Response(status, parts[2] if len(parts) > 2 else "", headers, b"", head), rest
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while True:
            eol = rest.find(b"\r\n")
            if eol < 0:
                return None, data
            size = int(rest[:eol].split(b";")[0], 16)
            chunk = rest[eol + 2:eol + 2 + size]
            if len(chunk) < size or rest[eol + 2 + size:eol + 4 + size] != b"\r\n":
                return None, data
            rest = rest[eol + 4 + size:]
            if size == 0:
                break
            body += chunk
        body = bytes(body)
    elif "content-length" in headers:
        n = int(headers["content-length"])
        if len(rest) < n:
            return None, data
        body, rest = rest[:n], rest[n:]
    else:
        body, rest = rest, b""
    return Response(status, parts[2] if len(parts) > 2 else "", headers, body, head), rest


def get(path, method="GET", headers=None, version="1.1", **kw):
    """One request with Connection: close; the parsed response (or None)."""
    hs = {"Host": "localhost", "Connection": "close"}
    hs.update(headers or {})
    req = f"{method} {path} HTTP/{version}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in hs.items() if v is not None) + "\r\n"
    data = raw(req.encode("latin-1"), **kw)
    r, _ = parse_one(data, head_request=(method == "HEAD"))
    return r


def file_bytes(name):
    with open(os.path.join(ROOT, name), "rb") as f:
        return f.read()


def http_date(t):
    return email.utils.formatdate(t, usegmt=True)


# ---- checks ------------------------------------------------------------------

def basics():
    small = file_bytes("small.txt")
    r = get("/small.txt")
    check("GET a small file", r is not None and r.status == 200 and r.body == small)
    if r is None:
        return
    check("Server: khttpd", r.h("server") == "khttpd")
    check("Date is a current IMF-fixdate",
          r.h("date") is not None and
          abs(email.utils.parsedate_to_datetime(r.h("date")).timestamp() - time.time()) < 120
          and r.h("date").endswith(" GMT"))
    check("exact Content-Length", r.h("content-length") == str(len(small)))
    mtime = int(os.stat(os.path.join(ROOT, "small.txt")).st_mtime)
    check("Last-Modified is the file's mtime", r.h("last-modified") == http_date(mtime),
          f"{r.h('last-modified')} vs {http_date(mtime)}")
    check("Accept-Ranges: bytes", r.h("accept-ranges") == "bytes")
    check("Connection: close is honoured", r.h("connection") == "close")
    h = get("/small.txt", method="HEAD")
    check("HEAD: same length, no body",
          h is not None and h.status == 200 and h.h("content-length") == str(len(small))
          and h.body == b"")
    e = get("/empty.txt")
    check("empty file: Content-Length 0",
          e is not None and e.status == 200 and e.h("content-length") == "0" and e.body == b"")
    types = {"page.html": "text/html; charset=utf-8", "style.css": "text/css; charset=utf-8",
             "app.js": "text/javascript; charset=utf-8", "data.json": "application/json",
             "small.txt": "text/plain; charset=utf-8", "img.png": "image/png",
             "pic.JPG": "image/jpeg", "icon.svg": "image/svg+xml", "mod.wasm": "application/wasm",
             "doc.pdf": "application/pdf", "noext": "application/octet-stream",
             "arch.tar.gz": "application/octet-stream"}
    bad = [n for n, t in types.items() if (get("/" + n) or Response(0, "", {}, b"", "")).h(
        "content-type") != t]
    check("Content-Type from the last extension", not bad, f"wrong for {bad}")
    r6 = get("/small.txt", family=socket.AF_INET6, host="::1")
    check("IPv6", r6 is not None and r6.status == 200 and r6.body == small)
    a = get("http://localhost/small.txt")
    check("absolute-form request-target", a is not None and a.status == 200 and a.body == small)
    q = get("/small.txt?x=1&y=%2e%2e")
    check("query string ignored for files", q is not None and q.status == 200)
    enc = get("/dir/a%26b%20%3Cc%3E%22%27.txt")
    check("percent-encoded name", enc is not None and enc.status == 200 and
          enc.body == file_bytes("dir/a&b <c>\"'.txt"))


def cache_is_current():
    """Open files are cached by name: what is served must still be current."""
    path = os.path.join(ROOT, "changing.txt")
    with open(path, "w") as f:
        f.write("one")
    os.chmod(path, 0o644)
    a = get("/changing.txt")
    with open(path, "r+") as f:  # same inode, new length and content
        f.truncate(0)
        f.write("two, longer")
    b = get("/changing.txt")
    check("a file changed in place is served as it is now",
          a is not None and a.body == b"one" and b is not None and b.body == b"two, longer"
          and b.h("content-length") == "11")
    os.chmod(path, 0o600)
    c = get("/changing.txt")
    check("a permission change applies at once", c is not None and c.status == 403)
    os.unlink(path)
    time.sleep(1.5)
    d = get("/changing.txt")
    check("a deleted file is gone after the cache time", d is not None and d.status == 404)


def directories():
    r = get("/dir")
    check("301 for a directory without '/'",
          r is not None and r.status == 301 and r.h("location") == "/dir/")
    r = get("/dir?x=1")
    check("301 keeps the query", r is not None and r.status == 301 and r.h("location") == "/dir/?x=1")
    long = "d" * 200
    r = get("/" + long + "?q=1")
    check("301 for a long directory name, query kept",
          r is not None and r.status == 301 and r.h("location") == f"/{long}/?q=1")
    r = get("/dir/")
    ok = r is not None and r.status == 200 and r.h("transfer-encoding") == "chunked"
    check("directory listing (chunked in HTTP/1.1)", ok, r and r.raw_head)
    if ok:
        html = r.body.decode("utf-8", "replace")
        check("listing escapes names for HTML",
              "a&amp;b &lt;c&gt;&quot;&#39;.txt" in html and "<c>" not in html)
        check("listing percent-encodes links", 'href="a%26b%20%3Cc%3E%22%27.txt"' in html)
        check("listing marks directories and hides dot files",
              'href="sub/"' in html and ".hidden" not in html and 'href="../"' in html)
        names = sorted(n for n in os.listdir(os.path.join(ROOT, "dir")) if not n.startswith("."))
        check("listing has every entry", all(f">{n}" in html.replace("&amp;", "&").replace(
            "&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#39;", "'")
            for n in names))
    r10 = raw(b"GET /dir/ HTTP/1.0\r\n\r\n")
    resp, _ = parse_one(r10)
    check("listing in HTTP/1.0: ends with the connection",
          resp is not None and resp.status == 200 and resp.body.endswith(b"</html>\n")
          and resp.h("transfer-encoding") is None)
    big = get("/many/")
    check("long listing (2000 entries) complete",
          big is not None and big.status == 200 and big.body.count(b"<li>") == 2001
          and big.body.endswith(b"</html>\n"), big and f"{big.body.count(b'<li>')} items")
    i = get("/withindex/")
    check("index.html for a directory",
          i is not None and i.status == 200 and i.body == file_bytes("withindex/index.html")
          and i.h("content-type") == "text/html; charset=utf-8")
    root = get("/")
    check("the root directory", root is not None and root.status == 200)


def conditional_and_ranges():
    body = file_bytes("small.txt")
    lm = get("/small.txt").h("last-modified")
    r = get("/small.txt", headers={"If-Modified-Since": lm})
    check("304 for If-Modified-Since = Last-Modified",
          r is not None and r.status == 304 and r.body == b"" and r.h("content-length") is None)
    r = get("/small.txt", headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    check("200 for an older If-Modified-Since", r is not None and r.status == 200)
    r = get("/small.txt", headers={"If-Modified-Since": "Sunday, 06-Nov-94 08:49:37 GMT"})
    check("RFC 850 date understood", r is not None and r.status == 200)
    r = get("/small.txt", headers={"If-Modified-Since": "tomorrow"})
    check("invalid If-Modified-Since ignored", r is not None and r.status == 200)
    r = get("/small.txt", headers={"Range": "bytes=2-5"})
    check("206 for bytes=2-5",
          r is not None and r.status == 206 and r.body == body[2:6] and
          r.h("content-range") == f"bytes 2-5/{len(body)}" and r.h("content-length") == "4")
    r = get("/small.txt", headers={"Range": "bytes=-3"})
    check("206 for a suffix range", r is not None and r.status == 206 and r.body == body[-3:])
    r = get("/small.txt", headers={"Range": "bytes=4-"})
    check("206 for an open range", r is not None and r.status == 206 and r.body == body[4:])
    r = get("/small.txt", headers={"Range": f"bytes={len(body)}-"})
    check("416 past the end, with Content-Range */size",
          r is not None and r.status == 416 and r.h("content-range") == f"bytes */{len(body)}")
    r = get("/small.txt", headers={"Range": "bytes=0-1,3-4"})
    check("several ranges: the whole file", r is not None and r.status == 200 and r.body == body)
    big = os.path.getsize(os.path.join(ROOT, "big.bin"))
    r = get("/big.bin", headers={"Range": "bytes=50000000-50000099"})
    with open(os.path.join(ROOT, "big.bin"), "rb") as f:
        f.seek(50000000)
        want = f.read(100)
    check("206 inside the large file", r is not None and r.status == 206 and r.body == want
          and r.h("content-range") == f"bytes 50000000-50000099/{big}")


def malformed():
    cases = [
        ("400 HTTP/0.9-style line", b"GET /\r\n\r\n", 400),
        ("400 double space", b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("400 missing Host in HTTP/1.1", b"GET / HTTP/1.1\r\n\r\n", 400),
        ("400 two Host fields", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("400 obsolete line folding", b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n", 400),
        ("400 space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("400 bare CR", b"GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400),
        ("400 NUL in a field", b"GET / HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n", 400),
        ("400 control character in the target", b"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("400 Transfer-Encoding with Content-Length",
         b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         400),
        ("400 Transfer-Encoding not ending in chunked",
         b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("400 bad Content-Length", b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 400),
        ("400 lower-case version", b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        ("501 unknown method", b"BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", 501),
        ("505 HTTP/2.0", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("505 HTTP/1.10", b"GET / HTTP/1.10\r\nHost: a\r\n\r\n", 505),
        ("414 request line over 4 KiB",
         b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        ("431 more than 64 fields",
         b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(70))
         + b"\r\n", 431),
        ("431 head over 8 KiB",
         b"GET / HTTP/1.1\r\nHost: a\r\n" + b"".join(b"X-%d: %s\r\n" % (i, b"y" * 1000)
                                                      for i in range(9)) + b"\r\n", 431),
        ("413 body over 1 MiB",
         b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n", 413),
    ]
    for name, req, want in cases:
        data = raw(req)
        r, rest = parse_one(data)
        check(name + ", then close",
              r is not None and r.status == want and r.h("connection") == "close" and rest == b"",
              f"got {data[:60]!r}")
    # The limits are crossed before the end of the head: the answer comes
    # while the client is still sending.
    s = connect()
    s.sendall(b"GET /" + b"a" * 5000)
    r, _ = parse_one(read_all(s))
    s.close()
    check("414 before the request line ends", r is not None and r.status == 414)
    r = get("/small.txt", method="POST")
    check("405 for POST, with Allow", r is not None and r.status == 405 and
          r.h("allow") == "GET, HEAD")
    # A body is read and dropped: the next request on the connection works.
    data = raw(b"POST /small.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
               b"GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    r1, rest = parse_one(data)
    r2, _ = parse_one(rest)
    check("405 keeps the connection; the body is skipped",
          r1 is not None and r1.status == 405 and r2 is not None and r2.status == 200
          and r2.body == file_bytes("small.txt"))


def traversal():
    secret = b"root:x:0:0"
    cases = [
        ("/../etc/passwd", 400), ("/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/..%2f..%2f..%2fetc%2fpasswd", 400), ("/dir/../../etc/passwd", 400),
        ("/%2E%2E/etc/passwd", 400), ("/%252e%252e/etc/passwd", 404),
        ("/out-abs", 403), ("/out-rel", 403), ("/out-dir/passwd", 403), ("/out-dir/", 403),
        ("/..", 400), ("/%00", 400), ("/small.txt%00.html", 400),
        ("http://x/../etc/passwd", 400),
    ]
    leaked = []
    for path, want in cases:
        data = raw(f"GET {path} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode())
        r, _ = parse_one(data)
        if secret in data:
            leaked.append(path)
        check(f"traversal {path}: {want}", r is not None and r.status == want,
              r and f"{r.status}")
    check("no traversal leaks a file from outside the root", not leaked, f"{leaked}")
    r = get("/link-in")
    check("a symbolic link inside the root is followed",
          r is not None and r.status == 200 and r.body == file_bytes("small.txt"))
    r = get("/private.txt")
    check("403 for a file others may not read", r is not None and r.status == 403)
    r = get("/fifo")
    check("403 for a FIFO (never opened)", r is not None and r.status == 403)
    r = get("/nope.txt")
    check("404 for a missing file", r is not None and r.status == 404)
    r = get("/small.txt/")
    check("404 for a file with a trailing '/'", r is not None and r.status == 404)


def access():
    """Files are looked up and opened as user/group (nobody by default), and
    dot files are not served (khttpd.sh: private/ is 0700, owned by 1000)."""
    for path, what in (("/private/notes.txt", "a 0644 file in another user's 0700 directory"),
                       ("/private/pub/", "a listing of a 0755 directory in a 0700 one"),
                       ("/private/pub/x.txt", "a file two levels below a 0700 directory"),
                       ("/private/", "a listing of another user's 0700 directory")):
        r = get(path)
        check(f"403 for {what}", r is not None and r.status == 403, r and f"{r.status}")
    r = get("/small.txt")
    check("a world-readable file is still served",
          r is not None and r.status == 200 and r.body == file_bytes("small.txt"))
    for path in ("/.htpasswd", "/.git/config", "/dir/.hidden", "/.git/", "/.git",
                 "/%2egit/config", "/dir/sub/../.hidden"):
        r = get(path)
        check(f"dot file {path}: 404", r is not None and r.status == 404, r and f"{r.status}")


def as_owner():
    """Loaded with user=1000 group=1000 dotfiles=1 cache_ms=0."""
    r = get("/private/notes.txt")
    check("user=1000: its 0700 directory is readable",
          r is not None and r.status == 200 and r.body == file_bytes("private/notes.txt"),
          r and f"{r.status}")
    r = get("/private/pub/")
    check("user=1000: listing below its 0700 directory",
          r is not None and r.status == 200 and b'href="x.txt"' in r.body, r and f"{r.status}")
    for path in ("/.htpasswd", "/.git/config", "/dir/.hidden"):
        r = get(path)
        check(f"dotfiles=1: {path} served",
              r is not None and r.status == 200 and r.body == file_bytes(path[1:]),
              r and f"{r.status}")


def lease(name):
    """A local user holds a write lease on a file: the open must not wait for
    the lease break (lease-break-time, 45 s), but answer 503 at once."""
    path = os.path.join(ROOT, name)
    with open(path, "w") as f:
        f.write("leased\n")
    os.chmod(path, 0o644)
    broken = []
    old = signal.signal(signal.SIGIO, lambda *_: broken.append(1))  # default: terminate
    fd = os.open(path, os.O_RDWR)
    try:
        # F_SETLEASE (1024) is not in Python's fcntl module; F_WRLCK needs
        # the only open of the file, for writing, by its owner.
        fcntl.fcntl(fd, getattr(fcntl, "F_SETLEASE", 1024), fcntl.F_WRLCK)
        start = time.monotonic()
        r = get("/" + name)
        took = time.monotonic() - start
        check(f"503 for {name} under a write lease, without waiting for its break",
              r is not None and r.status == 503 and r.h("retry-after") == "1" and took < 5,
              f"{r and r.status} after {took:.1f} s")
        for _ in range(50):  # the break was started: the holder is told
            if broken:
                break
            time.sleep(0.1)
        check("the lease holder was asked to give it up", bool(broken))
        fcntl.fcntl(fd, getattr(fcntl, "F_SETLEASE", 1024), fcntl.F_UNLCK)
    finally:
        os.close(fd)
        signal.signal(signal.SIGIO, old)
    r = get("/" + name)
    check(f"200 for {name} once the lease is given up",
          r is not None and r.status == 200 and r.body == b"leased\n", r and f"{r.status}")
    os.unlink(path)


def keep_alive():
    small = file_bytes("small.txt")
    s = connect()
    s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n"
              b"GET /page.html HTTP/1.1\r\nHost: a\r\n\r\n"
              b"HEAD /small.txt HTTP/1.1\r\nHost: a\r\n\r\n"
              b"GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    data = read_all(s)
    s.close()
    out = []
    for head in (False, False, True, False):
        r, data = parse_one(data, head_request=head)
        out.append(r)
    check("pipelined requests answered in order",
          all(out) and [r.status for r in out] == [200] * 4 and out[0].body == small and
          out[1].body == file_bytes("page.html") and out[2].body == b"" and out[3].body == small
          and data == b"")
    # HTTP/1.0 with and without keep-alive.
    s = connect()
    s.sendall(b"GET /small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    buf = b""
    r = None
    while r is None:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        r, buf = parse_one(buf)
    ok = r is not None and r.h("connection") == "keep-alive"
    s.sendall(b"GET /small.txt HTTP/1.0\r\n\r\n")
    r2, _ = parse_one(read_all(s))
    s.close()
    check("HTTP/1.0 keep-alive, then close without it",
          ok and r2 is not None and r2.status == 200 and r2.h("connection") == "close")
    # A request trickling in byte by byte.
    s = connect()
    for b in b"GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n":
        s.send(bytes([b]))
        time.sleep(0.002)
    r, _ = parse_one(read_all(s))
    s.close()
    check("a request sent byte by byte", r is not None and r.status == 200 and r.body == small)


def timeouts(idle):
    results = {}

    def idle_close():
        s = connect()
        t = time.time()
        data = read_all(s)
        results["idle"] = (time.time() - t, data)
        s.close()

    def partial():
        s = connect()
        s.sendall(b"GET /small.txt HTTP/1.1\r\nHo")
        t = time.time()
        data = read_all(s)
        results["partial"] = (time.time() - t, data)
        s.close()

    def after_response():
        s = connect()
        s.sendall(b"GET /small.txt HTTP/1.1\r\nHost: a\r\n\r\n")
        buf, r = b"", None
        while r is None:
            buf += s.recv(65536)
            r, buf = parse_one(buf)
        t = time.time()
        data = read_all(s)
        results["kept"] = (time.time() - t, data)
        s.close()

    def slow_reader():
        s = connect()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
        time.sleep(idle + 3)
        data = read_all(s)
        results["slow"] = len(data)
        s.close()

    threads = [threading.Thread(target=f) for f in (idle_close, partial, after_response,
                                                    slow_reader)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    # While those wait, the server answers others at once.
    t = time.time()
    r = get("/small.txt")
    check("served at once while idle and slow connections wait",
          r is not None and r.status == 200 and time.time() - t < 5)
    for t in threads:
        t.join()
    d, data = results["idle"]
    check(f"idle connection closed after about {idle} s",
          idle - 1 <= d <= idle + 4 and data == b"", f"{d:.1f} s, {data[:40]!r}")
    d, data = results["partial"]
    r, _ = parse_one(data)
    check("408 for a request left unfinished", r is not None and r.status == 408 and
          idle - 1 <= d <= idle + 4, f"{d:.1f} s, {data[:40]!r}")
    d, data = results["kept"]
    check("kept-alive connection closed silently when idle",
          idle - 1 <= d <= idle + 4 and data == b"", f"{d:.1f} s")
    size = os.path.getsize(os.path.join(ROOT, "big.bin"))
    check("a client that stops reading is cut off", results["slow"] < size,
          f"{results['slow']} of {size}")


def hold(n, big):
    """Open n connections: most idle after one response, some mid-transfer
    of @big; report, then wait for the server to go away (stdin EOF)."""
    socks, mid = [], 0
    for i in range(n):
        try:
            s = connect(timeout=60)
            if i % 10 == 0:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(f"GET {big} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
                mid += 1
            socks.append(s)
        except OSError as e:
            print(f"# connect {i}: {e}", flush=True)
            break
    # Make sure the transfers started.
    started = 0
    for s in socks[::10]:
        try:
            if s.recv(1024):
                started += 1
        except OSError:
            pass
    print(f"held {len(socks)} of {n}, {started} of {mid} mid-transfer", flush=True)
    sys.stdin.read()
    for s in socks:
        s.close()


def limit(n):
    socks = [connect() for _ in range(n)]
    time.sleep(0.5)
    extra = connect()
    data = read_all(extra)
    r, _ = parse_one(data)
    check(f"503 over max_connections={n}", r is not None and r.status == 503, f"{data[:40]!r}")
    for s in socks:
        s.close()
    time.sleep(0.5)
    r = get("/small.txt")
    check("served again below the limit", r is not None and r.status == 200)


def main():
    if len(sys.argv) > 3 and sys.argv[3] == "--hold":
        hold(int(sys.argv[4]), sys.argv[5])
        return 0
    if len(sys.argv) > 3 and sys.argv[3] == "--limit":
        limit(int(sys.argv[4]))
        return failures != 0
    if len(sys.argv) > 3 and sys.argv[3] == "--owner":
        for part in (as_owner, lambda: lease("leased-uncached.txt")):
            try:
                part()
            except Exception as e:
                check(f"{part.__name__} ran", False, repr(e))
        return failures != 0
    idle = int(sys.argv[3])
    for part in (basics, cache_is_current, directories, conditional_and_ranges, malformed,
                 traversal, access, lambda: lease("leased.txt"), keep_alive):
        try:
            part()
        except Exception as e:  # a crash of one part is a failure, not the end
            check(f"{part.__name__} ran", False, repr(e))
    try:
        timeouts(idle)
    except Exception as e:
        check("timeouts ran", False, repr(e))
    return failures != 0


sys.exit(main())
