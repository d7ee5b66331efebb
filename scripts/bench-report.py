#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make bench's report: parses what the tools printed in the guest.

    scripts/bench-report.py BENCH_DIR

BENCH_DIR is what scripts/bench.sh wrote (build/bench): host.txt, and one
directory per boot (echo, http, overhead, http-1cpu; cache, cache-1cpu when
asked for) holding meta.txt and the tools' output (see
scripts/guest-tests/bench-guest.sh).  The http boots and the cache boots
also hold khttpd's RCU vs locked open-file cache comparison (cache-*).  Writes
BENCH_DIR/report.md, the plots' data (*.dat, *.gp) and the plots
(echo-latency.png, http-rps.png, http-latency.png; gnuplot).

Every number in the report is parsed from bench's, htstress's, wrk's or
kstd_overhead's own output.  A result that is missing or cannot be parsed
shows as "missing" in its table and is listed at the end; the exit status
is then 1.
"""
import os
import re
import subprocess
import sys

import bench_host_report  # the host boot's section (scripts/bench_host_report.py)
import bench_profile_report  # "Where the CPU goes", the profile boot

FILES = {"small": "12-byte file", "large": "1 MiB file"}
LOADS = {
    "h10": "htstress, HTTP/1.0 (a connection per request)",
    "hka": "htstress -k, HTTP/1.1 keep-alive",
    "wrk": "wrk, HTTP/1.1 keep-alive",
}
LOAD_SHORT = {"h10": "htstress HTTP/1.0", "hka": "htstress keep-alive", "wrk": "wrk keep-alive"}
# The HTTP servers an http boot may have run (servers.txt says which), in
# the order of the tables: khttpd, its user-space peers, the floor (the
# bench-only in-kernel responder: accept, read the head, send a canned
# response).
SERVERS = ("khttpd", "nginx", "h2o", "lighttpd", "floor")
PEERS = ("nginx", "h2o", "lighttpd")
FLOOR = "floor"
COLORS = {"khttpd": "#d62728", "nginx": "#1f77b4", "h2o": "#2ca02c", "lighttpd": "#ff7f0e",
          "floor": "#555555"}

missing = []


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def read_kv(path):
    """key=value lines; {} when the file does not exist."""
    if not os.path.exists(path):
        return {}
    kv = {}
    for line in read(path).splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            kv[k.strip()] = v.strip()
    return kv


def number(pattern, text, what):
    m = re.search(pattern, text, re.M)
    if not m:
        raise ValueError(f"no {what}")
    return float(m.group(1))


def parse_htstress(text):
    """htstress's result block: counts, rates, latency percentiles (ms)."""
    r = {
        "requests": number(r"^requests:\s+(\d+)", text, "request count"),
        "good": number(r"^good requests:\s+(\d+)", text, "good requests"),
        "bad": number(r"^bad requests:\s+(\d+)", text, "bad requests"),
        "errors": number(r"^socket errors:\s+(\d+)", text, "socket errors"),
        "seconds": number(r"^seconds:\s+([\d.]+)", text, "seconds"),
        "rps": number(r"^requests/sec:\s+([\d.]+)", text, "requests/sec"),
        "mibs": number(r"^transfer/sec:\s+([\d.]+) MiB", text, "transfer/sec"),
    }
    for p in ("50", "90", "99"):
        r["p" + p] = number(rf"^latency p{p}:\s+([\d.]+) ms", text, f"latency p{p}")
    r["max"] = number(r"^latency max:\s+([\d.]+) ms", text, "latency max")
    m = re.search(r"^timeouts:\s+(\d+)", text, re.M)
    r["timeouts"] = int(m.group(1)) if m else 0
    if r["requests"] == 0:
        raise ValueError("no request completed")
    return r


WRK_TIME = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
WRK_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def wrk_time(text, label):
    m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
    if not m:
        raise ValueError(f"no {label}% latency")
    return float(m.group(1)) * WRK_TIME[m.group(2)]


def parse_wrk(text):
    """wrk --latency: requests, rates, socket errors, percentiles (ms)."""
    m = re.search(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m|h),", text, re.M)
    if not m:
        raise ValueError("no request count")
    r = {"requests": float(m.group(1)), "seconds": float(m.group(2)) * WRK_TIME[m.group(3)] / 1e3}
    r["rps"] = number(r"^Requests/sec:\s+([\d.]+)", text, "Requests/sec")
    m = re.search(r"^Transfer/sec:\s+([\d.]+)(B|KB|MB|GB|TB)\s*$", text, re.M)
    if not m:
        raise ValueError("no Transfer/sec")
    r["mibs"] = float(m.group(1)) * WRK_SIZE[m.group(2)] / 1024**2
    # wrk prints these lines only when there were errors.
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    r["errors"] = sum(int(g) for g in m.groups()) if m else 0
    r["timeouts"] = int(m.group(4)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    r["bad"] = int(m.group(1)) if m else 0
    for p in ("50", "90", "99"):
        # No request done in the time (1 MiB each at 1000 connections in a
        # short run): a result, but without latencies.
        r["p" + p] = wrk_time(text, p) if r["requests"] else NAN
    return r


def parse_bench(text, tool="bench"):
    """bench's table (or echo-epoll's, the same format with @tool as the
    header's name): per server mean, median, p90, p99, max (us), failures."""
    res = {}
    for m in re.finditer(
        r"^(\S+) \(\d+\)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)/(\d+)\s*$",
        text,
        re.M,
    ):
        keys = ("mean", "median", "p90", "p99", "max", "failures", "total")
        res[m.group(1)] = dict(zip(keys, (float(g) for g in m.groups()[1:])))
    # bench: "N threads x R rounds, S-byte"; echo-epoll: "N connections x
    # R rounds, T threads, S-byte".
    m = re.search(
        rf"^{re.escape(tool)}: (\d+) (?:threads|connections) x (\d+) rounds, (?:\d+ threads, )?(\d+)-byte",
        text,
        re.M,
    )
    if not m:
        raise ValueError(f"no {tool} header")
    return res, int(m.group(1)), int(m.group(2)), int(m.group(3))


def parse_overhead(text):
    ops = []
    for m in re.finditer(
        r"^overhead: (.+?)\s+c\s+(\d+) ps/op\s+kstd\s+(\d+) ps/op\s+ratio (\d+\.\d+)\s*$", text, re.M
    ):
        ops.append((m.group(1), int(m.group(2)) / 1000, int(m.group(3)) / 1000, float(m.group(4))))
    m = re.search(r"^overhead: (\d+) iterations, best of (\d+)", text, re.M)
    if not ops or not m or not re.search(r"^overhead: done", text, re.M):
        raise ValueError("incomplete overhead output")
    return ops, int(m.group(1)), int(m.group(2))


def load_result(path, parser, what):
    """Parsed result of one tool run, or None (recorded as missing)."""
    try:
        return parser(read(path))
    except FileNotFoundError:
        missing.append(f"{what}: no output ({path})")
    except ValueError as e:
        missing.append(f"{what}: {e} in {path}")
    return None


NAN = float("nan")


def fmt(v, digits=None):
    if v is None:
        return "missing"
    if v != v:
        return "-"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3
    return f"{v:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0 or a != a or b != b:
        return "missing" if a is None or b is None else "-"
    return f"{a / b:.2f}"


def pair(a, b, digits=None):
    return f"{fmt(a, digits)} / {fmt(b, digits)}"


def get(r, key):
    return None if r is None else r.get(key)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


# ---- sections -------------------------------------------------------------


def echo_rows(d, threads_list, results, udp):
    """The table rows of bench's results, TCP (t<N>.txt) or UDP (udp-t<N>.txt)."""
    rows, size = [], None
    for t in threads_list:
        what = f"bench -u {t} threads" if udp else f"bench {t} threads"
        path = os.path.join(d, f"udp-t{t}.txt" if udp else f"t{t}.txt")
        parsed = load_result(path, parse_bench, what)
        res, _, rounds, size = parsed if parsed else ({}, None, None, size)
        k, u = res.get("kecho"), res.get("user-echo-server")
        if parsed and (k is None or u is None):
            missing.append(f"{what}: a server's line is missing")
        results[("udp", t) if udp else t] = (k, u)

        def fail(s):
            return "missing" if s is None else f"{s['failures']:.0f}/{s['total']:.0f}"

        rows.append(
            [
                f"{t} x {rounds if rounds else '?'}",
                pair(get(k, "median"), get(u, "median")),
                ratio(get(k, "median"), get(u, "median")),
                pair(get(k, "p99"), get(u, "p99")),
                ratio(get(k, "p99"), get(u, "p99")),
                f"{fail(k)} / {fail(u)}",
            ]
        )
    return rows, size


ECHO_HEADER = [
    "threads x rounds",
    "median µs kecho / user",
    "ratio",
    "p99 µs kecho / user",
    "ratio",
    "failures kecho / user",
]


def echo_section(d, threads_list, udp_threads_list):
    lines = ["## kecho vs user-echo-server (bench)", ""]
    meta = read_kv(os.path.join(d, "meta.txt"))
    if not meta:
        missing.append(f"echo: the boot wrote nothing ({d})")
        return lines + ["Not measured: the boot failed.", ""], {}
    results = {}
    rows, size = echo_rows(d, threads_list, results, False)
    lines += [
        f"`bench`: N threads connect at once, each sends a {size or 32}-byte message, "
        "reads the whole echo back, compares it and closes, for R rounds (a barrier "
        "between rounds); kecho's run first (`bench=1`: a per-CPU workqueue, as in make "
        "demo), then user-echo-server's (epoll, one thread), same boot "
        "(after an unmeasured warm-up of both at 1000 threads x 2 rounds) "
        f"({meta.get('vcpus', '?')} vCPUs). Round trip (send to last echoed byte) in "
        "microseconds; ratio = kecho / user-echo-server, below 1 means kecho is faster.",
        "",
    ]
    lines += table(ECHO_HEADER, rows)
    if udp_threads_list:
        rows, size = echo_rows(d, udp_threads_list, results, True)
        lines += [
            "",
            "### The same over UDP (bench -u)",
            "",
            f"`bench -u`: each thread sends one {size or 32}-byte datagram on a connected UDP "
            "socket and reads the one echoed back (it must be the same bytes; a datagram lost "
            "counts as a failure after 2 s), kecho loaded with `udp=1` (its UDP socket's "
            "readable hook queues one work item that echoes everything queued) against "
            "user-echo-server `-u` (the same epoll loop), 4 MiB socket buffers on both, "
            "same boot as above.",
            "",
        ]
        lines += table(ECHO_HEADER, rows)
    return lines + [""], results


class Http:
    """One http boot's results: servers (in order), the connection counts,
    and res: {(server, load, file, conns): parsed result, or None when the
    run failed}; a run that was not planned has no key."""

    def __init__(self, servers, conns, res):
        self.servers, self.conns, self.res = servers, conns, res

    def peers(self):
        return [s for s in self.servers if s in PEERS]

    def has_floor(self):
        return FLOOR in self.servers

    def rps(self, s, load, f, c):
        return get(self.res.get((s, load, f, c)), "rps")

    def cell(self, s, load, f, c, key, digits=None):
        """A value for a table: "-" for a run not planned, "missing" for one that failed."""
        if (s, load, f, c) not in self.res:
            return "-"
        return fmt(get(self.res[(s, load, f, c)], key), digits)

    def best_peer(self, load, f, c):
        """(name, requests/s) of the peer with the most requests/s, or (None, None)."""
        got = [(self.rps(p, load, f, c), p) for p in self.peers()]
        got = [(v, p) for v, p in got if v is not None]
        if not got:
            return None, None
        v, p = max(got)
        return p, v


def http_results(d, conns_list):
    """The Http results of one http boot, or None if the boot wrote nothing."""
    if not read_kv(os.path.join(d, "meta.txt")):
        missing.append(f"{os.path.basename(d)}: the boot wrote nothing ({d})")
        return None
    path = os.path.join(d, "servers.txt")
    # Reports of boots from before servers.txt: khttpd and nginx.
    servers = read(path).split() if os.path.exists(path) else ["khttpd", "nginx"]
    servers = [s for s in SERVERS if s in servers] + [s for s in servers if s not in SERVERS]
    path = os.path.join(d, "runs.txt")
    if os.path.exists(path):
        runs = []
        for line in read(path).splitlines():
            f = line.split()
            if len(f) == 4 and f[3].isdigit():
                runs.append((f[0], f[1], f[2], int(f[3])))
    else:
        runs = [(s, load, f, c) for f in FILES for load in LOADS for c in conns_list for s in servers]
    conns = sorted({r[3] for r in runs})
    res = {}
    for s, load, f, c in runs:
        path = os.path.join(d, f"{s}-{load}-{f}-c{c}.txt")
        parser = parse_wrk if load == "wrk" else parse_htstress
        what = f"{os.path.basename(d)}: {s} {LOAD_SHORT.get(load, load)} {FILES.get(f, f)} c={c}"
        err = path[:-4] + ".err"
        m = re.search(r"still running after (\d+) s", read(err)) if os.path.exists(err) else None
        if m:
            missing.append(f"{what}: hung, stopped after {m.group(1)} s (sockets in {err})")
            res[(s, load, f, c)] = None
            continue
        res[(s, load, f, c)] = load_result(path, parser, what)
    return Http(servers, conns, res)


def errs(r):
    if r is None:
        return "missing"
    e = f"{r['errors']:.0f}"
    if r["timeouts"]:
        e += f" ({r['timeouts']} timeouts)"
    return e + (f" (+{r['bad']:.0f} bad)" if r["bad"] else "")


def http_section(d, H, duration):
    meta = read_kv(os.path.join(d, "meta.txt"))
    lines = ["## khttpd and its peers: nginx, h2o, lighttpd", ""]
    if H is None:
        return lines + ["Not measured: the boot failed.", ""]
    floor = H.has_floor()
    lines += [
        f"All servers in the same boot ({meta.get('vcpus', '?')} vCPUs) serve the same "
        "document root: khttpd (module defaults) and its user-space peers from Debian, "
        "configured alike: nginx 1.22, h2o 2.2.5 and lighttpd 1.4.69, each with as many "
        "workers (processes or threads) as vCPUs, no access log, sendfile where the server "
        "has it (nginx, lighttpd; h2o 2.2.5 reads files into its buffers), keep-alive as "
        "long as the server allows, listen backlog 1024"
        + (
            "; and the **floor**, a bench-only kernel module that accepts, reads up to the "
            "end of the request head and sends one canned response, no parsing and no files: "
            "what an in-kernel server cannot beat on this guest"
            if floor
            else ""
        )
        + f". Each load runs for {duration} s per server, the servers one right after the "
        "other, which goes first rotating from one load to the next. Loads: "
        + "; ".join(f"**{LOAD_SHORT[k]}**: {v}" for k, v in LOADS.items())
        + ". htstress and wrk use 2 threads; wrk's timeout is 10 s. "
        "**Best peer**: the peer (nginx, h2o or lighttpd) with the most requests/s in that "
        "row; khttpd / best peer above 1 means khttpd is faster than every peer there."
        + (
            " khttpd / floor and best peer / floor: the share of the floor's requests/s each "
            "reaches (1.00 would be as fast as the canned responder)."
            if floor
            else ""
        )
        + " Socket errors: failed connects, resets, timeouts; 4xx/5xx answers would be "
        "added as \"bad\". \"-\": not run.",
        "",
    ]
    for f, fname in FILES.items():
        rows, lat = [], []
        # The floor answers the small file only (no files: a canned body).
        floor_f = floor and any((FLOOR, load, f, c) in H.res for load in LOADS for c in H.conns)
        for load in LOADS:
            for c in H.conns:
                best, bv = H.best_peer(load, f, c)
                k = H.rps("khttpd", load, f, c)
                row = [LOAD_SHORT[load], c] + [H.cell(s, load, f, c, "rps") for s in H.servers]
                row += [best or "missing", ratio(k, bv)]
                if floor_f:
                    fl = H.rps(FLOOR, load, f, c)
                    row += [ratio(k, fl), ratio(bv, fl)]
                rows.append(row)
                lat.append(
                    [LOAD_SHORT[load], c]
                    + [f"{H.cell(s, load, f, c, 'p50')} / {H.cell(s, load, f, c, 'p99')}" for s in H.servers]
                    + [" / ".join("-" if (s, load, f, c) not in H.res else errs(H.res[(s, load, f, c)])
                                  for s in H.servers)]
                )
        header = ["load", "conns"] + [f"{s} req/s" for s in H.servers] + ["best peer", "khttpd / best peer"]
        if floor_f:
            header += ["khttpd / floor", "best peer / floor"]
        lines += [f"### {fname}: requests/s", ""] + table(header, rows) + [""]
        lines += [f"### {fname}: latency (p50 / p99 ms) and socket errors", ""]
        lines += table(
            ["load", "conns"] + H.servers + ["socket errors " + " / ".join(H.servers)], lat
        )
        lines.append("")
    lines += tcp_pressure(d, H)
    return lines


NSTAT = {
    "TcpExtTCPMemoryPressures": "times under TCP memory pressure",
    "TcpExtTCPAbortOnMemory": "connections aborted for memory",
    "TcpExtTCPRcvQDrop": "received segments dropped for memory",
}


def tcp_pressure(d, H):
    """The runs in which the guest kernel's TCP ran short of memory."""
    rows = []
    for f in FILES:
        for load in LOADS:
            for c in H.conns:
                for s in H.servers:
                    path = os.path.join(d, f"{s}-{load}-{f}-c{c}.nstat")
                    if not os.path.exists(path):
                        continue
                    counts = {}
                    for line in read(path).splitlines():
                        fields = line.split()
                        if len(fields) >= 2 and fields[0] in NSTAT and fields[1].isdigit():
                            counts[fields[0]] = int(fields[1])
                    if any(counts.values()):
                        rows.append([s, LOAD_SHORT[load], FILES[f], c] + [counts.get(k, 0) for k in NSTAT])
    if not rows:
        return []
    return (
        [
            "Runs in which the guest's TCP stack ran short of memory (the kernel's "
            "counters, `nstat`, over the run; the default `tcp_mem` of a guest this size "
            "is small for a thousand 1 MiB responses in flight): drops and aborts there "
            "come from the kernel, under any server.",
            "",
        ]
        + table(["server", "load", "file", "conns"] + list(NSTAT.values()), rows)
        + [""]
    )


def scaling_section(H1, H2):
    lines = ["## Scaling: 1 and 2 vCPUs", ""]
    if H1 is None or H2 is None:
        return lines + ["Not measured: a boot failed or was not run.", ""]
    servers = [s for s in H2.servers if s in H1.servers]
    lines += [
        "The run above, repeated in a second boot with one vCPU (`--smp 1`, the servers' "
        "workers = 1), at "
        + ", ".join(str(c) for c in H1.conns)
        + " connections; requests/s at 1 / 2 vCPUs, and in parentheses 2/1, the speed-up "
        "from the second vCPU (the load generators run in the guest too, so they share the "
        "CPUs with the server). The two boots ran minutes apart on a possibly shared host: "
        "compare the ratios.",
        "",
    ]
    rows = []
    for f in FILES:
        for load in LOADS:
            for c in H1.conns:
                if c not in H2.conns:
                    continue
                row = [LOAD_SHORT[load], "12 B" if f == "small" else "1 MiB", c]
                for s in servers:
                    a, b = H1.rps(s, load, f, c), H2.rps(s, load, f, c)
                    row.append(f"{pair(a, b)} ({ratio(b, a)})")
                for H in (H1, H2):
                    best, bv = H.best_peer(load, f, c)
                    row.append(f"{ratio(H.rps('khttpd', load, f, c), bv)} ({best or '?'})")
                rows.append(row)
    lines += table(
        ["load", "file", "conns"] + [f"{s} 1 / 2 vCPUs (2/1)" for s in servers]
        + ["khttpd / best peer, 1 vCPU", "khttpd / best peer, 2 vCPUs"],
        rows,
    )
    return lines + [""]


CACHE_VARIANTS = ("rcu", "locked")


def cache_results(d, conns):
    """{(variant, load): parsed} of the cache comparison in boot dir d, or None."""
    meta = read_kv(os.path.join(d, "meta.txt"))
    if not meta:
        missing.append(f"{os.path.basename(d)}: the boot wrote nothing ({d})")
        return None
    res = {}
    for v in CACHE_VARIANTS:
        for load in LOADS:
            path = os.path.join(d, f"cache-{v}-{load}-small-c{conns}.txt")
            what = f"{os.path.basename(d)}: {v} cache {LOAD_SHORT[load]} c={conns}"
            err = path[:-4] + ".err"
            m = re.search(r"still running after (\d+) s", read(err)) if os.path.exists(err) else None
            if m:
                missing.append(f"{what}: hung, stopped after {m.group(1)} s (sockets in {err})")
                res[(v, load)] = None
                continue
            res[(v, load)] = load_result(path, parse_wrk if load == "wrk" else parse_htstress, what)
        proc = os.path.join(d, f"cache-{v}-proc.txt")
        m = re.search(r"^cache_hits:\s+(\d+)", read(proc), re.M) if os.path.exists(proc) else None
        if not m:
            missing.append(f"{os.path.basename(d)}: no cache_hits in {proc}")
        res[(v, "hits")] = float(m.group(1)) if m else None
    return res, meta


def cache_section(out, boots, conns, duration):
    """khttpd RCU cache vs locked cache, 2 and 1 vCPUs."""
    lines = ["## khttpd open-file cache: RCU vs locked", ""]
    rows = []
    for pair_boots in (("http", "cache"), ("http-1cpu", "cache-1cpu")):
        b = next((x for x in pair_boots if x in boots), None)
        if b is None:
            continue
        got = cache_results(os.path.join(out, b), conns)
        if got is None:
            rows.append([b, "?", "boot failed", "missing", "missing", "missing", "", ""])
            continue
        res, meta = got
        for load in LOADS:
            r, lk = res[("rcu", load)], res[("locked", load)]
            rows.append(
                [
                    b,
                    meta.get("vcpus", "?"),
                    LOAD_SHORT[load],
                    fmt(get(r, "rps")),
                    fmt(get(lk, "rps")),
                    ratio(get(r, "rps"), get(lk, "rps")),
                    f"{fmt(get(r, 'errors'), 0)} / {fmt(get(lk, 'errors'), 0)}",
                    pair(res[("rcu", "hits")], res[("locked", "hits")], 0) if load == "h10" else "",
                ]
            )
    if not rows:
        return []
    lines += [
        "khttpd.ko (open-file cache under RCU: kstd::rcu, kstd::hash_table) against "
        "khttpd_locked.ko (the same server with the spinlocked cache it replaced, "
        "bench/khttpd-locked-cache), one module after the other in the same boot, "
        f"same default parameters (cache_ms=1000), the 12-byte file, {conns} connections, "
        f"{duration} s per load, after an unmeasured warm-up. Requests/s; ratio = RCU / "
        "locked, above 1 means the RCU cache is faster. Cache hits: lookups the cache "
        "answered over the whole boot's run of that module (/proc/khttpd).",
        "",
    ]
    lines += table(
        ["boot", "vCPUs", "load", "RCU req/s", "locked req/s", "RCU / locked",
         "socket errors RCU / locked", "cache hits RCU / locked"],
        rows,
    )
    return lines + [""]


def overhead_section(d):
    lines = ["## Wrapper overhead (kstd_overhead.ko)", ""]
    parsed = load_result(os.path.join(d, "overhead.txt"), parse_overhead, "overhead")
    if parsed is None:
        return lines + ["Not measured.", ""], None
    ops, n, reps = parsed
    lines += [
        "Each operation in a loop through the kstd wrapper and through the plain C "
        "kernel API (bench/overhead/baseline.c), alternating, best of "
        f"{reps} runs of {n} iterations (fewer for the slow operations); time per "
        "operation in the guest. Ratio = kstd / C, 1.00 means no overhead; "
        "differences of a few percent are within the noise of an emulated guest.",
        "",
    ]
    lines += table(
        ["operation", "plain C ns/op", "kstd ns/op", "kstd / C"],
        [[name, fmt(c, 1), fmt(k, 1), f"{r:.2f}"] for name, c, k, r in ops],
    )
    return lines + [""], ops


def geomean(values):
    values = [v for v in values if v is not None and v == v and v > 0]
    if not values:
        return None
    product = 1.0
    for v in values:
        product *= v
    return product ** (1 / len(values))


def http_summary_rows(H, where):
    """khttpd / best peer and khttpd / floor per file and load, at 100
    connections (else the middle count), from the Http results H."""
    rows = []
    mid = 100 if 100 in H.conns else H.conns[len(H.conns) // 2]
    for f, fname in FILES.items():
        for load in LOADS:
            best, bv = H.best_peer(load, f, mid)
            k = H.rps("khttpd", load, f, mid)
            rows.append(
                [f"khttpd / best peer ({best or 'missing'}), {fname}, {LOAD_SHORT[load]}, {mid} conns{where}",
                 "requests/s (higher is better)", ratio(k, bv)]
            )
            if (FLOOR, load, f, mid) in H.res:
                fl = H.rps(FLOOR, load, f, mid)
                rows.append(
                    [f"khttpd / floor, {fname}, {LOAD_SHORT[load]}, {mid} conns{where}",
                     "requests/s (1.00: as fast as the floor)", ratio(k, fl)]
                )
                rows.append(
                    [f"floor / best peer, {fname}, {LOAD_SHORT[load]}, {mid} conns{where}",
                     "requests/s (the floor does no HTTP work: near the most a kstd server reaches)", ratio(fl, bv)]
                )
    return rows


def summary_section(echo, H2, H1, overhead_ops, HH=None, host_echo=None):
    """One table of the headline ratios, each a row of a table below.  HH:
    the host boot's Http results; host_echo: {client: (kecho, user)} of
    its echo runs."""
    rows = []
    for t, (k, u) in echo.items():
        what = f"bench -u {t[1]} threads (UDP)" if isinstance(t, tuple) else f"bench {t} threads"
        rows.append(
            [f"kecho / user-echo-server, {what}", "median round trip (lower is better)",
             ratio(get(k, "median"), get(u, "median"))]
        )
    if H2:
        rows += http_summary_rows(H2, "")
    if HH:
        rows += http_summary_rows(HH, ", client on the host")
    for client, (k, u) in (host_echo or {}).items():
        rows.append(
            [f"kecho / user-echo-server, {client}, client on the host", "p99 round trip (lower is better)",
             ratio(get(k, "p99"), get(u, "p99"))]
        )
    if H1 and H2:
        for s in H2.servers:
            g = geomean(
                [
                    get(H2.res[key], "rps") / get(H1.res[key], "rps")
                    for key in H2.res
                    if key[0] == s and key in H1.res and get(H1.res[key], "rps")
                    and get(H2.res[key], "rps") is not None
                ]
            )
            rows.append(
                [f"{s}, 2 vCPUs / 1 vCPU", "requests/s, geometric mean over the loads of both boots",
                 "missing" if g is None else f"{g:.2f}"]
            )
    if overhead_ops:
        lo = min(r for *_, r in overhead_ops)
        hi = max(r for *_, r in overhead_ops)
        rows.append(["kstd wrapper / plain C", f"time per operation, {len(overhead_ops)} operations",
                     f"{lo:.2f} to {hi:.2f}"])
    if not rows:
        return []
    return ["## Summary", ""] + table(["comparison", "measure", "ratio"], rows) + [""]


# ---- plots ----------------------------------------------------------------


def cdf_file(path, values, scale=1.0):
    """Writes "value fraction" pairs (at most ~1000) of the sorted values."""
    values = sorted(v * scale for v in values)
    n = len(values)
    step = max(1, n // 1000)
    with open(path, "w") as f:
        for i in list(range(0, n, step)) + ([n - 1] if n else []):
            f.write(f"{values[i]} {(i + 1) / n}\n")
    return n > 0


def gnuplot(outdir, name, script):
    gp = os.path.join(outdir, name + ".gp")
    with open(gp, "w") as f:
        f.write(script)
    try:
        subprocess.run(["gnuplot", name + ".gp"], cwd=outdir, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        missing.append(f"plot {name}.png: gnuplot failed ({e})")


def plot_echo(outdir, d, threads_list):
    panels = []
    for t in threads_list:
        curves = []
        for s, color in (("kecho", "#d62728"), ("user-echo-server", "#1f77b4")):
            path = os.path.join(d, f"t{t}-{s}.dat")
            if not os.path.exists(path):
                continue
            rtts = []
            for line in read(path).splitlines():
                f = line.split()
                if len(f) >= 5 and not line.startswith("#") and f[4] == "1":
                    rtts.append(float(f[3]))
            dat = f"echo-cdf-t{t}-{s}.dat"
            if cdf_file(os.path.join(outdir, dat), rtts, 1e-3):
                curves.append(f"'{dat}' using 1:2 with lines lw 2 lc rgb '{color}' title '{s}'")
        if curves:
            panels.append(f"set title '{t} threads'\nplot " + ", ".join(curves) + "\n")
    if not panels:
        return None
    gnuplot(
        outdir,
        "echo-latency",
        f"set terminal pngcairo size {500 * len(panels)},500 noenhanced\n"
        "set output 'echo-latency.png'\n"
        f"set multiplot layout 1,{len(panels)} title 'echo round trip, distribution "
        "(kecho vs user-echo-server, bench)'\n"
        "set logscale x\nset xlabel 'round trip (ms)'\nset ylabel 'fraction of round trips'\n"
        "set yrange [0:1]\nset key below\nset grid\n" + "".join(panels) + "unset multiplot\n",
    )
    return "echo-latency.png"


def plot_http_rps(outdir, H2, H1):
    panels = []
    conns = sorted(set(H2.conns) | set(H1.conns if H1 else []))
    for f, fname in FILES.items():
        for load in LOADS:
            dat = f"rps-{f}-{load}.dat"
            cols = [(H2, s) for s in H2.servers] + ([(H1, s) for s in H1.servers] if H1 else [])
            with open(os.path.join(outdir, dat), "w") as out:
                out.write("# conns " + " ".join(s if H is H2 else s + "_1cpu" for H, s in cols)
                          + " (requests/s)\n")
                for c in conns:
                    vals = [H.rps(s, load, f, c) for H, s in cols]
                    out.write(f"{c} " + " ".join("NaN" if v is None else str(v) for v in vals) + "\n")
            curves = []
            for i, (H, s) in enumerate(cols):
                color = COLORS.get(s, "#000000")
                if H is H2:
                    style, title = "lw 2 pt 7", s
                else:
                    style, title = "dt 2 pt 6", f"{s}, 1 vCPU"
                curves.append(
                    f"'{dat}' using 1:{i + 2} with linespoints {style} lc rgb '{color}' title '{title}'"
                )
            panels.append(f"set title '{fname}, {LOAD_SHORT[load]}'\nplot " + ", ".join(curves) + "\n")
    gnuplot(
        outdir,
        "http-rps",
        "set terminal pngcairo size 1500,1000 noenhanced\nset output 'http-rps.png'\n"
        "set multiplot layout 2,3 title 'khttpd and its peers: requests/s by concurrent connections "
        "(2 vCPUs; dashed: 1 vCPU)'\n"
        "set logscale x\nset xlabel 'connections'\nset ylabel 'requests/s'\n"
        f"set xtics ({', '.join(str(c) for c in conns)})\n"
        f"set xrange [{min(conns) * 0.7}:{max(conns) * 1.4}]\n"
        "set yrange [0:*]\nset key below font ',9'\nset grid\n" + "".join(panels) + "unset multiplot\n",
    )
    return "http-rps.png"


def plot_http_latency(outdir, d, H):
    """One panel per file, htstress load and connection count; a line per server."""
    panels = []
    for f, fname in FILES.items():
        for load in ("h10", "hka"):
            for c in H.conns:
                curves = []
                for s in H.servers:
                    path = os.path.join(d, f"{s}-{load}-{f}-c{c}.lat")
                    if not os.path.exists(path):
                        continue
                    vals = [float(x) for x in read(path).split()]
                    dat = f"lat-cdf-{s}-{load}-{f}-c{c}.dat"
                    if cdf_file(os.path.join(outdir, dat), vals, 1e-3):
                        color = COLORS.get(s, "#000000")
                        curves.append(f"'{dat}' using 1:2 with lines lw 2 lc rgb '{color}' title '{s}'")
                if curves:
                    title = f"{fname}, {LOAD_SHORT[load]}, {c} conns"
                    panels.append(f"set title '{title}'\nplot " + ", ".join(curves) + "\n")
    if not panels:
        return None
    cols = len(H.conns)
    rows = (len(panels) + cols - 1) // cols
    gnuplot(
        outdir,
        "http-latency",
        f"set terminal pngcairo size {450 * cols},{400 * rows} noenhanced\nset output 'http-latency.png'\n"
        f"set multiplot layout {rows},{cols} title 'khttpd and its peers: request latency distribution "
        "(htstress, 2 vCPUs)'\n"
        "set logscale x\nset xlabel 'latency (ms)'\nset ylabel 'fraction of requests'\n"
        "set yrange [0:1]\nset key below font ',9'\nset grid\n" + "".join(panels) + "unset multiplot\n",
    )
    return "http-latency.png"


# ---- main -----------------------------------------------------------------


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py BENCH_DIR")
    out = sys.argv[1]
    host = read_kv(os.path.join(out, "host.txt"))
    if not host:
        sys.exit(f"bench-report: no {out}/host.txt (run scripts/bench.sh)")
    conns_list = [int(c) for c in host.get("http_conns", "10 100 1000").split()]
    threads_list = [int(t) for t in host.get("echo_threads", "1000 100 10").split()]
    udp_threads_list = [int(t) for t in host.get("echo_udp_threads", "").split()]
    boots = [
        b
        for b in ("echo", "http", "overhead", "http-1cpu", "cache", "cache-1cpu", "host", "profile")
        if os.path.isdir(os.path.join(out, b))
    ]
    metas = {b: read_kv(os.path.join(out, b, "meta.txt")) for b in boots}
    loads = {b: read_kv(os.path.join(out, b + ".host")) for b in boots}
    first = next((m for m in metas.values() if m), {})

    lines = [
        "# kstd benchmark report",
        "",
        f"`make bench`, {first.get('date', 'date unknown')}. Guest: Linux "
        f"{first.get('kernel', '?')} (non-debug), {host.get('qemu', 'QEMU')} with TCG "
        "(`-accel tcg,thread=multi`, `-cpu qemu64`), 2 vCPUs unless said otherwise, "
        f"{first.get('mem_mib', '?')} MiB. Host: {host.get('host_cpu', '?')}, "
        f"{host.get('host_cpus', '?')} cores.",
        "",
        "**The guest is emulated** (QEMU TCG, no KVM): every instruction runs many times "
        "slower than on hardware, and the host may be shared with other work (its load "
        "average is listed below), so absolute numbers mean little. What matters is the "
        "ratio of the kstd module to its user-space counterpart, both measured in the same "
        "boot, one right after the other.",
        "",
    ]
    if host.get("quick") == "1":
        lines += ["*Quick run (BENCH_QUICK=1): short loads, noisy numbers.*", ""]
    boots_table = ["## Boots", "", "One guest boot per comparison; the host's load average "
                   "(1, 5, 15 min) before and after each shows how much else ran.", ""]
    boots_table += table(
        ["boot", "vCPUs", "host load before", "host load after", "seconds"],
        [
            [b, metas[b].get("vcpus", "failed"), loads[b].get("load_before", "?"),
             loads[b].get("load_after", "?"), loads[b].get("seconds", "?")]
            for b in boots
        ],
    )
    boots_table.append("")

    conns1 = [int(c) for c in host.get("http_1cpu_conns", host.get("http_conns", "10 100 1000")).split()]
    res2 = http_results(os.path.join(out, "http"), conns_list) if "http" in boots else None
    res1 = http_results(os.path.join(out, "http-1cpu"), conns1) if "http-1cpu" in boots else None
    body, echo, ops = [], {}, None
    if "echo" in boots:
        sec, echo = echo_section(os.path.join(out, "echo"), threads_list, udp_threads_list)
        body += sec
    if "http" in boots:
        body += http_section(os.path.join(out, "http"), res2, host.get("http_duration", "?"))
    if "http" in boots and "http-1cpu" in boots:
        body += scaling_section(res1, res2)
    body += cache_section(out, boots, int(host.get("cache_conns", "100")), host.get("http_duration", "?"))
    body += bench_host_report.section(out, host, sys.modules[__name__], res2)
    if "overhead" in boots:
        sec, ops = overhead_section(os.path.join(out, "overhead"))
        body += sec
    body += bench_profile_report.section(os.path.join(out, "profile"), missing)
    resh, host_echo = None, {}
    hd = os.path.join(out, "host")
    if "host" in boots and os.path.exists(os.path.join(hd, "servers.txt")):
        resh = http_results(hd, [int(c) for c in host.get("host_http_conns", "100").split()])
        for t in host.get("host_echo_threads", "1000").split():
            for client, prefix, what in (("bench", "t", "threads"), ("echo-epoll", "e", "connections")):
                try:
                    r = parse_bench(read(os.path.join(hd, f"{prefix}{t}.txt")), client)[0]
                except (OSError, ValueError):
                    continue  # the host section lists it as missing
                host_echo[f"{client} {t} {what}"] = (r.get("kecho"), r.get("user-echo-server"))
    lines += summary_section(echo, res2, res1, ops, resh, host_echo) + body + boots_table

    plots = []
    if "echo" in boots:
        plots.append(plot_echo(out, os.path.join(out, "echo"), threads_list))
    if res2:
        plots.append(plot_http_rps(out, res2, res1))
        plots.append(plot_http_latency(out, os.path.join(out, "http"), res2))
    plots = [p for p in plots if p and os.path.exists(os.path.join(out, p))]
    if plots:
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    if missing:
        lines += ["## Missing results", ""] + [f"- {m}" for m in missing] + [""]

    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    if missing:
        print("bench-report: " + "\nbench-report: ".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
