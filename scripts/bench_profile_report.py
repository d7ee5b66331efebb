#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make bench's "Where the CPU goes" section, from the profile boot.

    scripts/bench_profile_report.py BENCH_DIR/profile    (prints the section)

bench-report.py calls section().  The profile boot
(scripts/guest-tests/bench-profile.sh) left one `perf script` file per
server and load: every clock sample of every vCPU (perf record -a -g -e
cpu-clock) with its task and call chain.  Each sample goes to exactly one
bucket, by the code it was in (its leaf frame), first match wins:

  module         the server module's own code (khttpd's, or the floor's):
                 a frame in a kernel module that is not kstd
  kstd           kstd inside the module: the C helpers (kstd_*) and C++
                 functions in namespace kstd (demangled with c++filt -p,
                 templates such as kstd::tcp_server<khttpd::...> included)
  TCP/IP         the network stack: tcp_*, inet_*, ip_*, skb, sock, sk_*,
                 net_*/netif_*/napi_*, loopback, netfilter, the socket
                 system calls
  scheduler      schedule, context switches, wake-ups, wait queues,
                 workqueues
  idle           the idle loop (halt): CPU time nobody wanted
  other kernel   system call entry, VFS, epoll, memory, timers, random, ...
  nginx (user)   user space of the server (nginx and its libraries)
  client (user)  user space of the load generator (htstress, wrk)
  other (user)   other user space (perf itself, shells)

Kernel samples are bucketed by code whatever task they ran in: on
loopback the client's send runs the receiving side's TCP input too, so a
task-based split would hide the network stack.  The column "in client"
says how much of each bucket ran in the client's tasks; the line below the
table gives the client's total (its user space plus its system calls).

Without a PMU the clock sample is an ordinary timer interrupt, taken only
where interrupts are enabled: time spent with interrupts off is charged to
the point that turns them back on (_raw_spin_unlock_irqrestore and the
like).  Such samples are charged to the first caller that is not an
interrupt-enable point, so they land in the code that disabled them.

A second table counts, for khttpd and the floor, the samples with a module frame anywhere
on the kernel stack (inclusive: the function and all it calls, TCP
included), per module function: the paths worth optimising.
"""
import collections
import os
import re
import subprocess
import sys

SERVERS = ("khttpd", "floor", "nginx")
LOADS = {
    "h10": "htstress HTTP/1.0 (a connection per request)",
    "hka": "htstress -k (keep-alive)",
    "lka": "htstress -k (keep-alive), 1 MiB file",
}
CLIENTS = ("htstress", "wrk")
BUCKETS = (
    "module", "kstd", "TCP/IP", "scheduler", "idle", "other kernel",
    "nginx (user)", "client (user)", "other (user)",
)

HEAD = re.compile(r"^(\S.*?)\s+(\d+)\s+\[(\d+)\]\s+cpu-clock:")
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+(.*)\s+\((.*)\)$")

# Points where interrupts (or bottom halves) come back on.
IRQ_ON = re.compile(
    r"^(_?_raw_(spin|read|write)_unlock_(irqrestore|irq|bh)|__local_bh_enable_ip|"
    r"local_bh_enable|_?_?local_irq_restore|arch_local_irq_restore|"
    r"__do_softirq_exit)$"
)
IDLE = re.compile(
    r"^(pv_native_safe_halt|native_safe_halt|default_idle(_call)?|arch_cpu_idle|"
    r"cpu_idle_poll|do_idle|cpu_startup_entry|cpuidle_.*|__cpuidle_text_start|"
    r"acpi_idle.*|mwait_idle.*|poll_idle|intel_idle.*)$"
)
SCHED = re.compile(
    r"^(__?schedule.*|schedule.*|preempt_schedule.*|pick_next.*|__pick_next.*|"
    r"finish_task_switch.*|__switch_to.*|switch_mm.*|context_switch|"
    r"try_to_wake_up|ttwu_.*|wake_up.*|__wake_up.*|(en|de)queue_(task|entity|entities).*|"
    r"update_curr.*|update_load.*|update_cfs.*|update_rq.*|load_balance|"
    r"sched_.*|__sched_.*|select_task_rq.*|set_next_entity|put_prev.*|"
    r"check_preempt.*|resched_.*|psi_.*|prepare_to_wait.*|finish_wait|"
    r"autoremove_wake_function|default_wake_function|.*newidle_balance.*|"
    r"kick_process|wq_worker_.*|process_one_work|worker_thread|queue_work_on|"
    r"__queue_work|insert_work|kick_pool|wake_up_process|raw_spin_rq_.*|"
    r"_raw_spin_rq_.*|task_tick.*|reweight_.*|place_entity|pick_eevdf|"
    r"avg_vruntime|__calc_delta.*|update_min_vruntime|kthread)$"
)
TCP = re.compile(
    r"^(tcp.*|__tcp.*|inet.*|__inet.*|ip_.*|__ip_.*|ipv4.*|ipv6.*|ip6.*|__ip6.*|"
    r"skb.*|__skb.*|kfree_skb.*|__kfree_skb.*|consume_skb.*|alloc_skb.*|"
    r"__alloc_skb.*|napi_.*|__napi_.*|build_skb.*|pskb_.*|__pskb_.*|"
    r"sock.*|__sock.*|sk_.*|__sk_.*|lock_sock.*|release_sock|__release_sock|"
    r"net_.*|__net_.*|netif_.*|__netif_.*|dev_.*|__dev_.*|loopback.*|"
    r"nf_.*|__nf_.*|ipt_.*|neigh_.*|__neigh_.*|dst_.*|rt_.*|fib_.*|__fib_.*|"
    r"reqsk_.*|csum_.*|__csum.*|raw_v4.*|udp.*|__udp.*|process_backlog|"
    r"enqueue_to_backlog|eth_.*|validate_xmit.*|qdisc.*|__qdisc.*|"
    r"__sys_(accept4?|connect|sendto|recvfrom|sendmsg|recvmsg|shutdown|"
    r"setsockopt|getsockopt|socket|bind|listen|getsockname|getpeername)|"
    r"__x64_sys_(accept4?|connect|sendto|recvfrom|sendmsg|recvmsg|shutdown|"
    r"setsockopt|getsockopt|socket|bind|listen|getsockname|getpeername)|"
    r"move_addr_to_.*|sockfd_lookup.*|security_socket.*|security_sk.*|"
    r"selinux_socket.*|bpf_sk.*|secure_tcp.*|secure_ipv4.*|__sys_.*msg)$"
)


def is_kernel(addr):
    return int(addr, 16) >= 0xFFFF800000000000


def parse(path):
    """[(comm, [(symbol, dso, kernel?)...]), ...], leaf first."""
    samples, cur = [], None
    with open(path, errors="replace") as f:
        for line in f:
            m = HEAD.match(line)
            if m:
                cur = (m.group(1).strip(), [])
                samples.append(cur)
                continue
            m = FRAME.match(line)
            if m and cur is not None:
                cur[1].append((m.group(2).strip(), m.group(3), is_kernel(m.group(1))))
    return [s for s in samples if s[1]]


def demangler(names):
    """Mangled module symbol -> demangled without parameters (c++filt -p)."""
    names = sorted(n for n in names if n.startswith("_Z"))
    out = {}
    if names:
        try:
            r = subprocess.run(["c++filt", "-p"], input="\n".join(names) + "\n",
                               capture_output=True, text=True, check=True)
            out = dict(zip(names, r.stdout.splitlines()))
        except (OSError, subprocess.CalledProcessError):
            pass  # the mangled names still tell kstd (_ZN4kstd) apart
    return lambda n: out.get(n, n)


def is_module(dso):
    return dso.startswith("[") and dso not in ("[kernel.kallsyms]", "[unknown]", "[vdso]",
                                                "[vsyscall]", "[heap]", "[stack]")


def is_kstd(sym, pretty):
    return (sym.startswith(("kstd_", "_ZN4kstd", "_ZNK4kstd")) or pretty.startswith("kstd::"))


def classify(comm, frames, pretty):
    """(bucket, the symbol the sample is charged to)."""
    i = 0
    while i + 1 < len(frames) and frames[i][2] and IRQ_ON.match(frames[i][0]):
        i += 1  # charge an interrupt-enable point to its caller
    sym, dso, kernel = frames[i]
    name = pretty(sym)
    base = re.sub(r"\.(isra|constprop|part|cold)\.\d+.*$", "", sym)
    if not kernel:
        if comm.startswith(CLIENTS):
            return "client (user)", f"{comm}: {name}"
        if comm.startswith("nginx"):
            return "nginx (user)", f"{name} ({os.path.basename(dso)})"
        return "other (user)", f"{comm}: {name}"
    if is_module(dso):
        return ("kstd" if is_kstd(sym, name) else "module"), name
    if IDLE.match(base) or (comm == "swapper" and base.startswith("[unknown]")):
        return "idle", name
    if SCHED.match(base):
        return "scheduler", name
    if TCP.match(base):
        return "TCP/IP", name
    return "other kernel", name


def via(frames, pretty):
    """The nearest caller that says what a generic kernel helper worked for:
    a TCP/IP function, a module function or a system call."""
    for sym, dso, kernel in frames[1:]:
        if not kernel:
            break
        base = re.sub(r"\.(isra|constprop|part|cold)\.\d+.*$", "", sym)
        if is_module(dso) or TCP.match(base) or base.startswith(("__x64_sys_", "__do_sys_")):
            return pretty(sym)
    return None


def profile(path):
    samples = parse(path)
    pretty = demangler({sym for _, fr in samples for sym, dso, _ in fr if is_module(dso)})
    count = collections.Counter()
    client = collections.Counter()
    syms = collections.defaultdict(collections.Counter)
    inclusive = collections.Counter()
    callers = collections.defaultdict(collections.Counter)
    client_total = 0
    for comm, frames in samples:
        bucket, sym = classify(comm, frames, pretty)
        count[bucket] += 1
        syms[bucket][sym] += 1
        if bucket in ("other kernel", "scheduler"):
            callers[sym][via(frames, pretty)] += 1
        if comm.startswith(CLIENTS):
            client[bucket] += 1
            client_total += 1
        on_stack = {pretty(s) for s, dso, _ in frames if is_module(dso)}
        for s in on_stack:
            inclusive[s] += 1
    return {
        "total": len(samples), "count": count, "client": client, "syms": syms,
        "inclusive": inclusive, "client_total": client_total, "callers": callers,
        "module": sum(1 for _, fr in samples if any(is_module(d) for _, d, _ in fr)),
    }


def pct(n, total):
    return f"{100.0 * n / total:.1f}"


def short(sym, width=60):
    sym = sym.replace("|", "\\|")
    return sym if len(sym) <= width else sym[: width - 3] + "..."


def read_kv(path):
    try:
        with open(path) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    except OSError:
        return {}


def rps(path):
    try:
        with open(path, errors="replace") as f:
            m = re.search(r"^requests/sec:\s*([0-9.]+)", f.read(), re.M | re.I)
            return m.group(1) if m else None
    except OSError:
        return None


def called(p, sym, n):
    """ " (via F n%)" when F is above at least 30 % of a helper's samples."""
    if sym not in p["callers"]:
        return ""
    caller, c = p["callers"][sym].most_common(1)[0]
    return f" (via {short(caller, 40)} {100 * c // n}%)" if caller and 10 * c >= 3 * n else ""


def section(d, missing):
    """The markdown lines; problems go to missing (the report then fails)."""
    if not os.path.isdir(d):
        return []
    meta = read_kv(os.path.join(d, "profile-meta.txt"))
    lines = [
        "## Where the CPU goes",
        "",
        f"The profile boot (2 vCPUs): `perf record -a -g -e cpu-clock -F {meta.get('freq', '?')}` "
        f"samples the whole guest while htstress loads one server with "
        f"{meta.get('conns', '?')} connections for {meta.get('duration', '?')} s, "
        "12-byte file (1 MiB where said); "
        f"{meta.get('perf', 'perf')}. Each sample is charged to the code it was in "
        "(see scripts/bench_profile_report.py for the buckets); kernel code counts where it "
        "ran, whatever the task (on loopback the client's send runs the server's TCP input). "
        "\"in client\" is the part of a bucket that ran in htstress's own tasks. Without a "
        "PMU a sample lands only where interrupts are on, so time with interrupts off is "
        "charged to the caller of the point that re-enables them. \"via F n%\" after a "
        "helper (scheduler, other kernel) names the nearest TCP/IP, module or system-call "
        "frame above n % (at least 30) of its samples. The share of the client "
        "and of idle matter: the server can only use what the client leaves.",
        "",
    ]
    for load, label in LOADS.items():
        for server in SERVERS:
            if server == "floor" and load == "lka":
                continue  # the floor serves no files
            name = f"profile-{server}-{load}"
            path = os.path.join(d, name + ".script")
            if not os.path.exists(path):
                missing.append(f"profile {server} {load}: no {path}")
                continue
            p = profile(path)
            total = p["total"]
            if total < 100:
                missing.append(f"profile {server} {load}: only {total} samples in {path}")
                continue
            if sum(p["count"].values()) != total:
                missing.append(f"profile {server} {load}: buckets do not add up to the samples")
                continue
            if server != "nginx" and p["module"] == 0:
                # Inclusive: the floor's own code is a few instructions.
                missing.append(f"profile {server} {load}: no sample with its module on the stack ({path})")
            lines += [
                f"### {server}, {label}",
                "",
                f"{total} samples; {server} answered {rps(os.path.join(d, name + '.txt')) or '?'} "
                "requests/s while sampled.",
                "",
                "| bucket | % of samples | in client | top symbols (% of samples) |",
                "|---|---:|---:|---|",
            ]
            for b in BUCKETS:
                n = p["count"][b]
                if n == 0 and b in ("nginx (user)",) and server != "nginx":
                    continue
                top = ", ".join(f"{short(s)} {pct(c, total)}{called(p, s, c)}"
                                for s, c in p["syms"][b].most_common(5))
                lines.append(f"| {b} | {pct(n, total)} | {pct(p['client'][b], total)} | {top} |")
            lines += [
                f"| **all** | {pct(sum(p['count'].values()), total)} | "
                f"{pct(p['client_total'], total)} | |",
                "",
                f"The client (htstress: user space and its system calls) took "
                f"{pct(p['client_total'], total)} % of the samples.",
                "",
            ]
            if server != "nginx":
                lines += [
                    f"{server} inclusive: {pct(p['module'], total)} % of the samples have a "
                    f"{server} frame on their kernel stack ({server}'s work and everything it "
                    "calls); by function:",
                    "",
                    f"| function ({server} or kstd) | % of samples on its stack |",
                    "|---|---:|",
                ] + [f"| {short(s, 90)} | {pct(c, total)} |"
                     for s, c in p["inclusive"].most_common(10)] + [""]
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_profile_report.py BENCH_DIR/profile")
    missing = []
    print("\n".join(section(sys.argv[1], missing)))
    if missing:
        sys.exit("bench_profile_report: " + "\nbench_profile_report: ".join(missing))


if __name__ == "__main__":
    main()
