// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side run of kstd's address tests (kunit/net_address_test.cpp, the
 * same cases KUnit runs in the kernel), plus a differential fuzz of
 * ip_address::parse() against inet_pton() and of to_text() against
 * inet_ntop(), and a parse/print round trip of socket_address.
 * Built with AddressSanitizer and UBSan by tests/host/Makefile.
 */
#include "host_test.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>

/* The KUnit suite's cases, run on the host. */
#include "../../kunit/net_address_test.cpp" // NOLINT(bugprone-suspicious-include)

namespace {
using host_test::checks;
using host_test::failures;

host_test::xorshift rng{0x9e3779b97f4a7c15ull};
unsigned rnd(unsigned n)
{
	return rng.below(n);
}

/* A random string over @alphabet, 0..maxlen bytes, in a heap buffer of exactly that size. */
char *random_text(const char *alphabet, size_t maxlen, size_t *len)
{
	size_t n = rnd(unsigned(maxlen + 1)), k = strlen(alphabet);
	char *s = static_cast<char *>(malloc(n ? n : 1));
	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rnd(unsigned(k))];
	*len = n;
	return s;
}

/*
 * Where glibc's inet_ntop() and the kernel's %pI6c (which to_text()
 * follows) print differently: glibc prints a dotted tail for the
 * deprecated IPv4-compatible \::a.b.c.d (six zero groups first, not \::
 * or \::1), the kernel for ISATAP (x:x:x:x:0[02]00:5efe:a.b.c.d).  Both
 * print IPv4-mapped addresses dotted.
 */
bool ntop_differs(const unsigned char *b)
{
	bool isatap = (b[8] | 2) == 2 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe;
	bool zero6 = true;
	for (int i = 0; i < 12; i++)
		zero6 = zero6 && !b[i];
	unsigned w6 = unsigned(b[12] << 8 | b[13]), w7 = unsigned(b[14] << 8 | b[15]);
	bool compat = zero6 && (w6 || w7 > 1);
	return isatap || compat;
}

void fuzz(int rounds)
{
	char z[64];
	for (int r = 0; r < rounds; r++) {
		size_t n;
		/* IPv4 vs inet_pton(AF_INET). */
		char *s = random_text("0123456789.", 18, &n);
		memcpy(z, s, n);
		z[n] = 0;
		unsigned char ref[16];
		bool want = inet_pton(AF_INET, z, ref) == 1;
		/* exact-size buffer: ASan sees overreads */
		auto v4 = ip_address::parse(string_view(s, n), address_family::ipv4);
		if (bool(v4) != want || (want && memcmp(ref, v4->bytes().data(), 4) != 0)) {
			failures++;
			printf("FAIL ipv4 differs from inet_pton on \"%s\" (%d vs %d)\n", z,
			       bool(v4), want);
		}
		free(s);

		/* IPv6 vs inet_pton(AF_INET6). */
		/* Short strings over a small alphabet hit "::" and dotted tails often. */
		s = r % 3 ? random_text("01f:.", r % 3 == 1 ? 20 : 46, &n)
			  : random_text("0123456789abcdefABCDEF:.", 46, &n);
		memcpy(z, s, n);
		z[n] = 0;
		want = inet_pton(AF_INET6, z, ref) == 1;
		auto v6 = ip_address::parse(string_view(s, n), address_family::ipv6);
		if (bool(v6) != want || (want && memcmp(ref, v6->bytes().data(), 16) != 0)) {
			failures++;
			printf("FAIL ipv6 differs from inet_pton on \"%s\" (%d vs %d)\n", z,
			       bool(v6), want);
		}
		free(s);

		/* to_text() vs inet_ntop(), and back through parse(). */
		u8 b[16];
		for (int g = 0; g < 8; g++) {
			unsigned w = rnd(3) ? 0 : rnd(2) ? rnd(16) : rnd(65536);
			b[2 * g] = static_cast<unsigned char>(w >> 8);
			b[2 * g + 1] = static_cast<unsigned char>(w);
		}
		switch (rnd(8)) {
		case 0: /* IPv4-mapped */
			memset(b, 0, 10);
			b[10] = b[11] = 0xff;
			break;
		case 1: /* ISATAP: only parsed back, inet_ntop() prints it in hex */
			b[8] = rnd(2) ? 2 : 0;
			b[9] = 0;
			b[10] = 0x5e;
			b[11] = 0xfe;
			break;
		default:
			break;
		}
		ip_address a = ip_address::ipv6(b);
		auto text = a.to_text();
		char ntop[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, b, ntop, sizeof(ntop));
		checks++;
		if (!ntop_differs(b) && text.view() != string_view(ntop)) {
			failures++;
			printf("FAIL to_text \"%s\", inet_ntop \"%s\"\n", text.c_str(), ntop);
		}
		auto back = ip_address::parse(text.view());
		checks++;
		if (!back || !(back.value() == a)) {
			failures++;
			printf("FAIL \"%s\" does not parse back\n", text.c_str());
		}
		const u8 four[4] = {b[12], b[13], b[14], b[15]};
		inet_ntop(AF_INET, b + 12, ntop, sizeof(ntop));
		checks++;
		if (ip_address::ipv4(four).to_text().view() != string_view(ntop)) {
			failures++;
			printf("FAIL to_text differs from inet_ntop \"%s\"\n", ntop);
		}

		/* Endpoints: must not crash; a success prints and parses back to itself. */
		s = random_text("0123456789abcdef:.[]%- ", 50, &n);
		auto ep = socket_address::parse(string_view(s, n));
		if (ep) {
			auto hp = kstd::split_host_port(string_view(s, n));
			auto again = socket_address::parse(ep->to_text().view());
			checks++;
			if (!hp || kstd::parse_port(hp->port).value() != ep->port() || !again ||
			    !(again.value() == ep.value()))
				failures++;
		}
		free(s);
	}
}
} // namespace

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200000;
	int n = host_test::run_cases();
	fuzz(rounds);
	printf("%d cases, %d checks, %d fuzz rounds: %d failures\n", n, checks, rounds, failures);
	return failures != 0;
}
