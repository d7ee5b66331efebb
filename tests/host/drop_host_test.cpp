// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of drop-tcp-socket's line parser
 * (examples/drop-tcp-socket/conn_line.hpp), built with AddressSanitizer and
 * UBSan by tests/host/Makefile:
 *
 *     drop_host_test [ROUNDS [CORPUS_DIR]]
 *
 * 1. a table of lines as ss and netstat print them, and of every kind of
 *    bad line, with the expected outcome;
 * 2. ROUNDS (default 100000) random lines: seeds from the table mutated
 *    byte-wise, plus random strings over the syntax's alphabet, each
 *    checked against the invariants in drop_invariants.hpp;
 * 3. every file in CORPUS_DIR (the fuzzer's seeds), checked the same way.
 */
#include "drop_invariants.hpp"
#include "host_test.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using drop_tcp::line_errc;
using kstd::string_view;

using host_test::checks;
using host_test::failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                     \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

/* What a row expects. */
enum kind { v4, v6, empty, bad };

struct row {
	const char *line;
	kind k;
	line_errc err;	       /* for bad */
	unsigned lport, pport; /* for v4 / v6 */
	const char *zone;      /* conn::zone(), for v4 / v6 */
};

const row table[] = {
	/* What `ss -tn state time-wait | awk '{print $3, $4}'` prints. */
	{"127.0.0.1:5000 127.0.0.1:80", v4, {}, 5000, 80, ""},
	{"[::1]:43210 [::1]:8080", v6, {}, 43210, 8080, ""},
	{"[::ffff:127.0.0.1]:80 [::ffff:127.0.0.1]:40000", v4, {}, 80, 40000, ""},
	{"10.0.0.1%eth0:22 10.0.0.2:51000", v4, {}, 22, 51000, "eth0"},
	{"[fe80::1%eth0]:22 [fe80::2]:51000", v6, {}, 22, 51000, "eth0"},
	{"[fe80::1%2]:22 [fe80::2%2]:51000", v6, {}, 22, 51000, "2"},
	{"[2001:db8:0:0:1:0:0:1]:65535 [2001:db8::2]:1", v6, {}, 65535, 1, ""},
	{"[::ffff:192.0.2.1]:443 192.0.2.7:50000", v4, {}, 443, 50000, ""},
	/* What `netstat -tnW` prints: IPv6 without brackets. */
	{"::1:43210 ::1:8080", v6, {}, 43210, 8080, ""},
	{"::ffff:127.0.0.1:80 ::ffff:127.0.0.1:40000", v4, {}, 80, 40000, ""},
	{"2001:db8::1:443 2001:db8::2:50000", v6, {}, 443, 50000, ""},
	/* Blanks around and between. */
	{"  127.0.0.1:5000\t\t127.0.0.1:80  ", v4, {}, 5000, 80, ""},
	{"\t[::1]:1   [::1]:2\r", v6, {}, 1, 2, ""},
	{"[fe80::1%abcdefghijklmno]:1 [fe80::2]:2", v6, {}, 1, 2, "abcdefghijklmno"},
	/* Nothing to do. */
	{"", empty, {}, 0, 0, ""},
	{"   \t ", empty, {}, 0, 0, ""},
	{"# dropped by hand", empty, {}, 0, 0, ""},
	{"  # 127.0.0.1:1 127.0.0.1:2", empty, {}, 0, 0, ""},
	/* Malformed. */
	{"garbage", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:5000", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:5000 127.0.0.1:80 extra", bad, line_errc::malformed, 0, 0, ""},
	{"0      0      127.0.0.1:5000     127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"TIME-WAIT 0 0 127.0.0.1:5000 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"256.0.0.1:5000 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0:5000 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.01:5000 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:080 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:-1 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:+1 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:* 0.0.0.0:*", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1: 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{":80 127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	{"[::1:5000 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[::1]5000 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[::1]: [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[]:1 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[1.2.3.4]:80 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[::1::2]:80 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[12345::1]:80 [::1]:80", bad, line_errc::malformed, 0, 0, ""},
	{"[fe80::1%]:22 [fe80::2]:1", bad, line_errc::malformed, 0, 0, ""},
	{"[fe80::1%abcdefghijklmnop]:22 [fe80::2]:1", bad, line_errc::malformed, 0, 0, ""},
	{"[fe80::1%et/h]:22 [fe80::2]:1", bad, line_errc::malformed, 0, 0, ""},
	{"[fe80::1%eth0%x]:22 [fe80::2]:1", bad, line_errc::malformed, 0, 0, ""},
	{"[fe80::1%eth0]:22 [fe80::2%eth1]:1", bad, line_errc::malformed, 0, 0, ""},
	{"localhost:22 localhost:5000", bad, line_errc::malformed, 0, 0, ""},
	{"127.0.0.1:5000,127.0.0.1:80", bad, line_errc::malformed, 0, 0, ""},
	/* Port out of range. */
	{"127.0.0.1:70000 127.0.0.1:80", bad, line_errc::port_range, 0, 0, ""},
	{"127.0.0.1:5000 127.0.0.1:65536", bad, line_errc::port_range, 0, 0, ""},
	{"127.0.0.1:0 127.0.0.1:80", bad, line_errc::port_range, 0, 0, ""},
	{"[::1]:99999999999999999999999 [::1]:80", bad, line_errc::port_range, 0, 0, ""},
	/* One IPv4 end, one IPv6 end. */
	{"127.0.0.1:5000 [::1]:80", bad, line_errc::family_mix, 0, 0, ""},
	{"[::1]:5000 127.0.0.1:80", bad, line_errc::family_mix, 0, 0, ""},
	{"[::ffff:127.0.0.1]:5000 [::1]:80", bad, line_errc::family_mix, 0, 0, ""},
};

void check_row(const row &r)
{
	string_view line(r.line);
	drop_tcp::parsed_line p = drop_tcp::parse_conn_line(line);
	const char *why = drop_inv::check_drop_line(reinterpret_cast<const unsigned char *>(r.line),
						    line.size());
	CHECK(!why, "\"%s\": %s", r.line, why);
	switch (r.k) {
	case bad:
		CHECK(!p && p.error == r.err, "\"%s\": error %d, want %d (%s)", r.line,
		      int(p.error), int(r.err), p.what);
		return;
	case empty:
		CHECK(p && p.empty, "\"%s\": not empty (%s)", r.line, p.what);
		return;
	default:
		break;
	}
	CHECK(p && !p.empty, "\"%s\": refused: %s", r.line, p.what);
	if (!p)
		return;
	auto fam = r.k == v4 ? kstd::address_family::ipv4 : kstd::address_family::ipv6;
	CHECK(p.value.local.addr.family() == fam && p.value.peer.addr.family() == fam,
	      "\"%s\": family", r.line);
	CHECK(p.value.local.addr.port() == r.lport && p.value.peer.addr.port() == r.pport,
	      "\"%s\": ports %u %u", r.line, p.value.local.addr.port(), p.value.peer.addr.port());
	CHECK(p.value.zone() == string_view(r.zone), "\"%s\": zone \"%.*s\"", r.line,
	      int(p.value.zone().size()), p.value.zone().data());
}

void check_addresses()
{
	auto p = drop_tcp::parse_conn_line("[::ffff:192.0.2.1]:443 [2001:db8::2]:1");
	CHECK(!p && p.error == line_errc::family_mix, "mapped vs IPv6");
	p = drop_tcp::parse_conn_line("[::ffff:192.0.2.1]:443 192.0.2.7:50000");
	CHECK(p && p.value.local.addr == kstd::socket_address::ipv4(192, 0, 2, 1, 443) &&
		      p.value.peer.addr == kstd::socket_address::ipv4(192, 0, 2, 7, 50000),
	      "mapped address unmapped");
	p = drop_tcp::parse_conn_line("2001:db8::1:443 [2001:db8::2]:50000");
	CHECK(p && p.value.local.addr == kstd::socket_address::parse("[2001:db8::1]:443").value() &&
		      p.value.peer.addr ==
			      kstd::socket_address::parse("[2001:db8::2]:50000").value(),
	      "netstat-style IPv6");
	/* The zone views point into the line. */
	static const char text[] = "10.0.0.1%eth0:22 10.0.0.2%eth0:51000";
	p = drop_tcp::parse_conn_line(text);
	CHECK(p && p.value.local.zone.data() == text + 9 && p.value.peer.zone.data() == text + 26,
	      "zone views");
	/* An embedded NUL is just a bad byte. */
	static const char nul[] = "127.0.0.1:5000\0 127.0.0.1:80";
	p = drop_tcp::parse_conn_line(string_view(nul, sizeof(nul) - 1));
	CHECK(!p && p.error == line_errc::malformed, "embedded NUL");
	/* constexpr: the parser runs at compile time too. */
	static_assert(drop_tcp::parse_conn_line("127.0.0.1:1 127.0.0.1:2").value.peer.addr.port() ==
		      2);
	static_assert(drop_tcp::parse_conn_line("[::1]:1 127.0.0.1:2").error ==
		      line_errc::family_mix);
}

host_test::xorshift rng{0x2545f4914f6cdd1dull};
unsigned rnd(unsigned n)
{
	return rng.below(n);
}

void random_rounds(long rounds)
{
	static const char alphabet[] = "0123456789abcdefABCDEF:.[]% \t\r#ffff::x/-+*eth";
	unsigned char buf[400];
	long bad = 0;
	for (long i = 0; i < rounds; i++) {
		size_t n;
		if (i % 4 == 0) {
			n = rnd(80);
			for (size_t j = 0; j < n; j++)
				buf[j] = static_cast<unsigned char>(
					alphabet[rnd(sizeof(alphabet) - 1)]);
		} else {
			const char *seed = table[rnd(sizeof(table) / sizeof(table[0]))].line;
			n = strlen(seed);
			memcpy(buf, seed, n);
			for (unsigned k = 0, edits = 1 + rnd(4); k < edits; k++) {
				unsigned op = rnd(4), at = n ? rnd(unsigned(n)) : 0;
				if (op == 0 && n) /* replace */
					buf[at] = static_cast<unsigned char>(
						rnd(3) ? alphabet[rnd(sizeof(alphabet) - 1)]
						       : rnd(256));
				else if (op == 1 && n + 1 < sizeof(buf)) { /* insert */
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = static_cast<unsigned char>(
						alphabet[rnd(sizeof(alphabet) - 1)]);
					n++;
				} else if (op == 2 && n) { /* delete */
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				} else if (n) { /* truncate */
					n = at;
				}
			}
		}
		if (const char *why = drop_inv::check_drop_line(buf, n)) {
			if (bad++ < 10)
				CHECK(false, "random \"%.*s\": %s", int(n),
				      reinterpret_cast<char *>(buf), why);
		}
	}
	checks++;
	printf("%ld random lines, %ld invariant violations\n", rounds, bad);
}

void corpus(const char *dir)
{
	int files = host_test::for_each_corpus_file(
		dir, [](const char *name, const unsigned char *data, size_t size) {
			const char *why = drop_inv::check_drop_line(data, size);
			CHECK(!why, "corpus %s: %s", name, why);
		});
	printf("%d corpus files\n", files);
}

} // namespace

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 100000;
	for (const row &r : table)
		check_row(r);
	check_addresses();
	random_rounds(rounds);
	if (argc > 2)
		corpus(argv[2]);
	printf("drop_host_test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
