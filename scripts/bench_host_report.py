# SPDX-License-Identifier: GPL-2.0-only
"""make bench's "client on the host" section (the host boot).

Imported by scripts/bench-report.py, which passes itself (its parsers, table
helpers and its list of missing results) to section().  The host boot's
directory (BENCH_DIR/host, written by scripts/bench-host.sh) holds what
htstress, wrk and bench printed on the host, named like the http and echo
boots' files: <server>-<load>-<small|large>-c<conns>.txt (with servers.txt
and runs.txt, as an http boot writes them: the HTTP tables reuse
bench-report.py's http_results and best peer), t<threads>.txt and
e<conns>.txt, plus the guest's meta.txt.
"""
import os


def _http(br, d, meta, conns_list, guest):
    """The HTTP tables: the host boot's runs read as bench-report.py reads an
    http boot's (servers.txt, runs.txt), its best peer and ratios; guest is
    the http boot's Http (client in the guest), or None."""
    H = br.http_results(d, conns_list)
    floor = H.has_floor()
    lines = [
        "### khttpd and its peers: " + ", ".join(H.peers()) + (", and the floor" if floor else ""),
        "",
        "The same loads as in the http boot, but htstress and wrk (2 threads each) run on "
        "the host and reach the guest's servers over the tap device and the guest's "
        f"virtio-net NIC ({meta.get('driver', '?')}); the servers, configured as in the "
        "http boot, serve the same two files, one after the other (which goes first rotates "
        "from one load to the next)"
        + ("; the floor answers the 12-byte file only" if floor else "")
        + ". **Best peer**: the peer (nginx, h2o or lighttpd) with the most requests/s in "
        "that row; khttpd / best peer above 1 means khttpd is faster than every peer there"
        + (", khttpd / floor is the share of the floor's requests/s it reaches" if floor else "")
        + ". p99 ratio = khttpd / best peer, below 1 means khttpd's slowest requests are faster."
        + (
            " The last column is khttpd / best peer with the client inside the guest "
            "(the http boot of this run, its own boot; \"not run\": no such row there)."
            if guest
            else ""
        )
        + " Socket errors: failed connects, resets, timeouts. \"-\": not run.",
        "",
    ]
    for f, fname in br.FILES.items():
        rows = []
        floor_f = floor and any((br.FLOOR, load, f, c) in H.res for load in br.LOADS for c in H.conns)
        for load in br.LOADS:
            for c in H.conns:
                best, bv = H.best_peer(load, f, c)
                k = H.rps("khttpd", load, f, c)
                kr, pr = H.res.get(("khttpd", load, f, c)), H.res.get((best, load, f, c))
                row = [br.LOAD_SHORT[load], c] + [H.cell(s, load, f, c, "rps") for s in H.servers]
                row += [best or "missing", br.ratio(k, bv)]
                if floor_f:
                    row.append(br.ratio(k, H.rps(br.FLOOR, load, f, c)))
                row += [
                    br.pair(br.get(kr, "p99"), br.get(pr, "p99")),
                    br.ratio(br.get(kr, "p99"), br.get(pr, "p99")),
                    " / ".join(
                        "-" if (s, load, f, c) not in H.res else br.errs(H.res[(s, load, f, c)])
                        for s in H.servers
                    ),
                ]
                if guest:
                    gbest, gbv = guest.best_peer(load, f, c)
                    gk = guest.rps("khttpd", load, f, c)
                    row.append(
                        "not run" if ("khttpd", load, f, c) not in guest.res
                        else f"{br.ratio(gk, gbv)} ({gbest or '?'})"
                    )
                rows.append(row)
        header = ["load", "conns"] + [f"{s} req/s" for s in H.servers] + ["best peer", "khttpd / best peer"]
        if floor_f:
            header.append("khttpd / floor")
        header += [
            "p99 ms khttpd / best peer",
            "p99 ratio",
            "socket errors " + " / ".join(H.servers),
        ]
        if guest:
            header.append("khttpd / best peer, client in the guest")
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
        "message, reads the whole echo back and closes, for R rounds; kecho (`bench=0`, "
        "its default unbound workqueue: the NIC's packets all arrive on one vCPU) "
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


def section(out, host, br, guest=None):
    """The report's lines for BENCH_DIR/host; [] when that boot did not run.
    guest: the http boot's Http results (bench-report.py's http_results), for
    the same ratio with the client in the guest; None when it did not run."""
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
    lines += _http(br, d, meta, conns_list, guest)
    lines += _echo(br, d, threads_list)
    return lines
