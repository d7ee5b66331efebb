// SPDX-License-Identifier: GPL-2.0-only
/*
 * Invariants of drop-tcp-socket's line parser (examples/drop-tcp-socket/
 * conn_line.hpp) on arbitrary input, shared by the host test (table,
 * random and corpus inputs) and the libFuzzer harness.
 * check_drop_line() returns the first violated invariant's description, or
 * nullptr.
 *
 * The input is copied into a heap buffer of exactly its size, so
 * AddressSanitizer reports any read past it.  Checked on every input:
 *  - the outcome is one of the documented ones, with a message on failure;
 *  - a parsed connection has ports 1..65535, one family for both ends, no
 *    IPv4-mapped address left, zones of 1..15 allowed bytes that point
 *    into the input, and equal zones if both ends have one;
 *  - printing it back (bracketed or netstat-style IPv6, IPv4-mapped,
 *    kstd::socket_address::to_text(), other blanks) and parsing that gives
 *    the same;
 *  - an endpoint kstd::socket_address::parse() accepts is accepted the same way
 *    (port 0 aside), and each field of a two-field line parses on its own
 *    to the same end.
 */
#ifndef KSTD_TESTS_DROP_INVARIANTS_HPP
#define KSTD_TESTS_DROP_INVARIANTS_HPP

#include "conn_line.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace drop_inv {

using drop_tcp::endpoint;
using drop_tcp::line_errc;
using drop_tcp::parsed_line;
using kstd::size_t;
using kstd::string_view;

inline bool within(string_view part, const char *buf, size_t len)
{
	return part.empty() || (part.data() >= buf && part.data() + part.size() <= buf + len);
}

inline bool same_end(const endpoint &a, const endpoint &b)
{
	return a.addr == b.addr && a.zone == b.zone;
}

/*
 * Text of @ep: @style 0 bracketed IPv6, 1 netstat-style, 2 IPv4-mapped for
 * IPv4, 3 kstd's own formatter (socket_address::to_text()) if no zone.
 */
inline void print_end(char *out, size_t room, const endpoint &ep, int style)
{
	if (style == 3 && ep.zone.empty()) {
		snprintf(out, room, "%s", ep.addr.to_text().c_str());
		return;
	}
	char zone[32] = "";
	if (!ep.zone.empty())
		snprintf(zone, sizeof(zone), "%%%.*s", int(ep.zone.size()), ep.zone.data());
	const kstd::u8 *b = ep.addr.address_bytes();
	unsigned port = ep.addr.port();
	if (ep.addr.is_ipv4()) {
		if (style == 2)
			snprintf(out, room, "[::ffff:%u.%u.%u.%u%s]:%u", b[0], b[1], b[2], b[3],
				 zone, port);
		else
			snprintf(out, room, "%u.%u.%u.%u%s:%u", b[0], b[1], b[2], b[3], zone, port);
		return;
	}
	char a[64];
	snprintf(a, sizeof(a), "%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1], b[2] << 8 | b[3],
		 b[4] << 8 | b[5], b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
		 b[12] << 8 | b[13], b[14] << 8 | b[15]);
	if (style == 1)
		snprintf(out, room, "%s%s:%u", a, zone, port);
	else
		snprintf(out, room, "[%s%s]:%u", a, zone, port);
}

/* Parse @text from an exactly-sized heap copy (so ASan sees overreads). */
inline parsed_line parse_copy(const char *text, size_t len, char **keep)
{
	char *buf = static_cast<char *>(malloc(len ? len : 1));
	memcpy(buf, text, len);
	*keep = buf;
	return drop_tcp::parse_conn_line(string_view(buf, len));
}

inline const char *check_ok(const parsed_line &p, const char *buf, size_t len)
{
	if (p.error != line_errc::ok)
		return "ok() disagrees with error";
	if (p.empty)
		return nullptr;
	const endpoint *ends[2] = {&p.value.local, &p.value.peer};
	for (const endpoint *e : ends) {
		if (e->addr.port() == 0)
			return "port 0 accepted";
		if (!e->addr.is_ipv4() && !e->addr.is_ipv6())
			return "no address family";
		if (e->addr.address().is_ipv4_mapped())
			return "IPv4-mapped address not unmapped";
		if (e->addr.scope_id() != 0)
			return "a scope id set (zones are names)";
		if (e->zone.size() > drop_tcp::max_zone)
			return "zone too long";
		if (!within(e->zone, buf, len))
			return "zone points outside the input";
		for (char c : e->zone)
			if (!drop_tcp::detail::zone_char(c))
				return "zone with a forbidden byte";
	}
	if (p.value.local.addr.family() != p.value.peer.addr.family())
		return "two families accepted";
	if (!p.value.local.zone.empty() && !p.value.peer.zone.empty() &&
	    !(p.value.local.zone == p.value.peer.zone))
		return "two different zones accepted";
	return nullptr;
}

/* Print @p back in several styles; each must parse to the same connection. */
inline const char *check_roundtrip(const parsed_line &p)
{
	static const char *const seps[] = {" ", "\t", "  \t ", " \t"};
	for (int style = 0; style < 4; style++) {
		char a[128], b[128], line[300];
		print_end(a, sizeof(a), p.value.local, style);
		print_end(b, sizeof(b), p.value.peer, style);
		const char *sep = seps[style];
		int n = snprintf(line, sizeof(line), "%s%s%s%s", style ? " " : "", a, sep, b);
		char *keep;
		parsed_line q = parse_copy(line, size_t(n), &keep);
		bool same = q && !q.empty && same_end(q.value.local, p.value.local) &&
			    same_end(q.value.peer, p.value.peer);
		free(keep);
		if (!same)
			return "printed connection does not parse back to itself";
	}
	return nullptr;
}

/* Each word alone, and against kstd::socket_address::parse(). */
inline const char *check_words(string_view line, const parsed_line &p)
{
	int n = 0;
	for (string_view w : line.words()) {
		parsed_line e = drop_tcp::parse_conn_endpoint(w);
		if (p && !p.empty && n < 2) {
			const endpoint &want = n == 0 ? p.value.local : p.value.peer;
			if (!e || !same_end(e.value.local, want))
				return "a field parses differently on its own";
		}
		kstd::parse_result<kstd::socket_address> k = kstd::socket_address::parse(w);
		if (k && !w.contains('%')) {
			if (k->port() == 0) {
				if (e.error != line_errc::port_range)
					return "port 0 not refused as out of range";
			} else if (!e) {
				return "an endpoint kstd::socket_address::parse accepts is refused";
			} else if (!(e.value.local.addr.address() == k->address().unmapped())) {
				return "an endpoint parses to another address than kstd's";
			} else if (e.value.local.addr.port() != k->port()) {
				return "an endpoint parses to another port than kstd's";
			}
		}
		n++;
	}
	if (p && !p.empty && n != 2)
		return "a connection from other than two fields";
	return nullptr;
}

inline const char *check_drop_line(const unsigned char *data, size_t size)
{
	char *buf;
	parsed_line p = parse_copy(reinterpret_cast<const char *>(data), size, &buf);
	string_view line(buf, size);
	const char *bad = nullptr;
	if (p) {
		bad = check_ok(p, buf, size);
		if (!bad && !p.empty)
			bad = check_roundtrip(p);
		if (!bad && p.empty && !line.trim().empty() && !line.trim().starts_with('#'))
			bad = "a line with content parsed as empty";
	} else if (p.error != line_errc::malformed && p.error != line_errc::port_range &&
		   p.error != line_errc::family_mix) {
		bad = "unknown error";
	} else if (!p.what || !*p.what) {
		bad = "failure without a message";
	}
	if (!bad)
		bad = check_words(line, p);
	free(buf);
	return bad;
}

} // namespace drop_inv

#endif
