// SPDX-License-Identifier: GPL-2.0-only
/*
 * drop_tcp_sock: drop TIME-WAIT (and other) TCP sockets by name, through
 * /proc/net/drop_tcp_sock, built on kstd.
 *
 * Every network namespace gets its own /proc/net/drop_tcp_sock (root only,
 * 0600) for as long as the module is loaded.  Opening it for writing also
 * takes CAP_NET_ADMIN in the user namespace that owns the network namespace,
 * as `ss -K` does (sock_diag_destroy()): EPERM otherwise, so a uid-0 process
 * without it (a container sharing the host's namespace) cannot abort the
 * host's connections, while a container's root can use its own namespace's
 * file.  Each line written to it names
 * one connection of that namespace, "LOCAL:PORT PEER:PORT" as `ss -tn`
 * prints it (syntax: conn_line.hpp), and is acted on as soon as its newline
 * arrives:
 *  - a socket in TIME-WAIT is descheduled and freed, releasing its port
 *    pair at once;
 *  - a socket in any other state is aborted as `ss -K` does it: the peer
 *    gets a reset, the local owner ECONNABORTED.
 *
 *     ss -tn state time-wait | awk 'NR>1 {print $3, $4}' > /proc/net/drop_tcp_sock
 *
 * A line "filter [state STATES] [src PREFIX] [sport PORTS] [dst PREFIX]
 * [dport PORTS]" (syntax: filter_line.hpp) drops every socket of the
 * namespace it matches (default: every TIME-WAIT socket); reading the file
 * afterwards shows how many as last_filter.  The same request exists as
 * the generic netlink command DT_CMD_DROP_MATCHING of the family
 * "drop_tcp_sock" (typed attributes, the count in the reply, same
 * CAP_NET_ADMIN rule; see dropper.hpp and README.md).
 *
 * write() reports the first failing line of the call (the others are still
 * handled) and each failure is logged, rate-limited:
 *   EINVAL        malformed line (not two ADDR:PORT fields, bad address,
 *                 bad filter keyword or state...)
 *   ERANGE        port 0 or above 65535, a prefix length too long
 *   EAFNOSUPPORT  one IPv4 and one IPv6 end (or prefix)
 *   E2BIG         line longer than 256 bytes
 *   ENODEV        unknown interface after '%'
 *   ENOENT        no such connection in this namespace
 *   EBUSY         orphaned socket on a kernel before 6.11 (see tcp_lookup.hpp)
 * Reading the file shows that namespace's counters.
 */
#include <kstd/module.hpp>

#include "dropper.hpp"

KSTD_MODULE(drop_tcp::dropper);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION(
	"Drop TIME-WAIT and other TCP sockets through /proc/net/drop_tcp_sock or generic netlink");
