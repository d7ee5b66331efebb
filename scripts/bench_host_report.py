# SPDX-License-Identifier: GPL-2.0-only
"""make bench's "client on the host" section (the host boot).

Imported by scripts/bench-report.py, which passes itself (its parsers, table
helpers and its list of missing results) to section().  The host boot's
directory (BENCH_DIR/host, written by scripts/bench-host.sh) holds what
htstress, wrk and bench printed on the host, named like the http and echo
boots' files: <server>-<load>-<small|large>-c<conns>.txt and t<threads>.txt,
plus the guest's meta.txt.
"""
import os

SERVERS = ("khttpd", "nginx")


def _quiet(br, path, parser):
    """A parsed result or None, without recording it as missing."""
    try:
        return parser(br.read(path))
    except (OSError, ValueError):
        return None


def _parser(br, load):
    return br.parse_wrk if load == "wrk" else br.parse_htstress


def _http(br, d, meta, conns_list, out):
    guest_dir = os.path.join(out, "http")
    have_guest = os.path.isdir(guest_dir)
    lines = [
        "### khttpd vs nginx",
        "",
        "The same loads as in the http boot, but htstress and wrk (2 threads each) run on "
        "the host and reach the guest's servers over the tap device and the guest's "
        f"virtio-net NIC ({meta.get('driver', '?')}); khttpd and nginx serve the same two "
        "files, one after the other (which goes first alternates). Ratio = khttpd / nginx: "
        "above 1 for requests/s, below 1 for latency means khttpd is faster."
        + (
            " The last column is the same ratio with the client inside the guest "
            "(the http boot of this run, its own boot)."
            if have_guest
            else ""
        ),
        "",
    ]
    for f, fname in br.FILES.items():
        rows = []
        for load in br.LOADS:
            for c in conns_list:
                r = {}
                for s in SERVERS:
                    what = f"host: {s} {br.LOAD_SHORT[load]} {fname} c={c}"
                    r[s] = br.load_result(os.path.join(d, f"{s}-{load}-{f}-c{c}.txt"), _parser(br, load), what)
                k, n = r["khttpd"], r["nginx"]
                row = [
                    br.LOAD_SHORT[load],
                    c,
                    br.pair(br.get(k, "rps"), br.get(n, "rps")),
                    br.ratio(br.get(k, "rps"), br.get(n, "rps")),
                    br.pair(br.get(k, "mibs"), br.get(n, "mibs")),
                    "missing" if k is None or n is None else f"{k['errors']:.0f} / {n['errors']:.0f}",
                    br.pair(br.get(k, "p99"), br.get(n, "p99")),
                    br.ratio(br.get(k, "p99"), br.get(n, "p99")),
                ]
                if have_guest:
                    g = [
                        _quiet(br, os.path.join(guest_dir, f"{s}-{load}-{f}-c{c}.txt"), _parser(br, load))
                        for s in SERVERS
                    ]
                    row.append(br.ratio(br.get(g[0], "rps"), br.get(g[1], "rps")) if all(g) else "not run")
                rows.append(row)
        header = [
            "load",
            "conns",
            "requests/s khttpd / nginx",
            "ratio",
            "MiB/s khttpd / nginx",
            "socket errors khttpd / nginx",
            "p99 ms khttpd / nginx",
            "p99 ratio",
        ]
        if have_guest:
            header.append("ratio, client in the guest")
        lines += [f"#### {fname}", ""] + br.table(header, rows) + [""]
    return lines


def _echo(br, d, threads_list):
    rows, size = [], None
    runs = [(t, "bench", "t", br.parse_bench) for t in threads_list]
    runs += [(t, "echo-epoll", "e", lambda text: br.parse_bench(text, "echo-epoll")) for t in threads_list]
    for t, tool, prefix, parser in runs:
        what = f"host: {tool} {t} connections"
        parsed = br.load_result(os.path.join(d, f"{prefix}{t}.txt"), parser, what)
        res, n, rounds, size = parsed if parsed else ({}, t, None, size)
        k, u = res.get("kecho"), res.get("user-echo-server")
        if parsed and (k is None or u is None):
            br.missing.append(f"{what}: a server's line is missing")

        def fail(s):
            return "missing" if s is None else f"{s['failures']:.0f}/{s['total']:.0f}"

        rows.append(
            [
                f"{tool}, {n} {'threads' if tool == 'bench' else 'connections'} x {rounds if rounds else '?'}",
                br.pair(br.get(k, "median"), br.get(u, "median")),
                br.ratio(br.get(k, "median"), br.get(u, "median")),
                br.pair(br.get(k, "p90"), br.get(u, "p90")),
                br.pair(br.get(k, "p99"), br.get(u, "p99")),
                br.ratio(br.get(k, "p99"), br.get(u, "p99")),
                br.pair(br.get(k, "max"), br.get(u, "max")),
                f"{fail(k)} / {fail(u)}",
            ]
        )
    lines = [
        "### kecho vs user-echo-server",
        "",
        f"`bench` on the host: N threads connect to the guest at once, each sends a {size or 32}-byte "
        "message, reads the whole echo back and closes, for R rounds; kecho (`bench=1`) "
        "first, then user-echo-server, same boot. Round trip in microseconds; ratio = "
        "kecho / user-echo-server, below 1 means kecho is faster. `echo-epoll` "
        "(tools/echo-epoll.c) is the event-driven client: 2 threads hold N connections, "
        "opened beforehand and kept open, each doing R round trips back to back, so the "
        "round trip excludes the connect and the client needs no thread per connection.",
        "",
    ]
    lines += br.table(
        [
            "client",
            "median µs kecho / user",
            "ratio",
            "p90 µs kecho / user",
            "p99 µs kecho / user",
            "p99 ratio",
            "max µs kecho / user",
            "failures kecho / user",
        ],
        rows,
    )
    return lines + [""]


def section(out, host, br):
    """The report's lines for BENCH_DIR/host; [] when that boot did not run."""
    d = os.path.join(out, "host")
    if not os.path.isdir(d):
        return []
    lines = ["## Client on the host", ""]
    meta = br.read_kv(os.path.join(d, "meta.txt"))
    if not meta:
        br.missing.append(f"host: the boot wrote nothing ({d})")
        return lines + ["Not measured: the boot failed.", ""]
    lines += [
        "The load generators run natively on the host, not in the guest: in a network "
        "namespace the run creates, over a tap device (10.77.0.1) to the guest's eth0 "
        f"({meta.get('guest_addr', '?')}, {meta.get('vcpus', '?')} vCPUs). The client "
        "therefore costs the guest no CPU, and every packet crosses QEMU's virtio-net "
        "emulation; the host's cores run QEMU and the client at once.",
        "",
    ]
    conns_list = [int(c) for c in host.get("host_http_conns", "100").split()]
    threads_list = [int(t) for t in host.get("host_echo_threads", "1000").split()]
    lines += _http(br, d, meta, conns_list, out)
    lines += _echo(br, d, threads_list)
    return lines
