#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Where a bench round's time goes, per round, from bench's .dat files
(round thread connect_us rtt_us ok start_us; all times in ms below, from
the round's release): the round's length, when the threads began (start),
when their connect returned, when their echo was back, and the round trip
(send to last echoed byte).  Usage: timeline.py FILE.dat..."""
import sys


def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] if v else 0


def ms(x):
    return f"{x / 1e3:5.0f}"


for f in sys.argv[1:]:
    rows = [list(map(float, line.split())) for line in open(f) if not line.startswith("#")]
    if rows and len(rows[0]) < 6:
        sys.exit(f"{f}: no start_us column (an older bench)")
    print(f)
    print("round  length | start p50   max | connected p10  p50  p90 | echoed p10  p50  p90"
          " | rtt p50  p99")
    for r in sorted({int(x[0]) for x in rows}):
        v = [x for x in rows if int(x[0]) == r]
        start = [x[5] for x in v]
        conn = [x[5] + x[2] for x in v]
        end = [x[5] + x[2] + x[3] for x in v]
        rtt = [x[3] for x in v]
        print(f"{r:5d}  {ms(max(end))} | {ms(q(start, .5))} {ms(max(start))} |"
              f"         {ms(q(conn, .1))} {ms(q(conn, .5))} {ms(q(conn, .9))} |"
              f"      {ms(q(end, .1))} {ms(q(end, .5))} {ms(q(end, .9))} |"
              f"   {ms(q(rtt, .5))} {ms(q(rtt, .99))}")
