// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side run of kstd's string toolkit tests (kunit/string_test.cpp, the
 * same cases KUnit runs in the kernel), plus a differential fuzz of the
 * address and integer parsers against the C library (inet_pton, strtoull).
 * Built with AddressSanitizer and UBSan by tests/host/Makefile.
 */
#include "host_test.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

/* The KUnit suite's cases, run on the host. */
#include "../../kunit/string_test.cpp" // NOLINT(bugprone-suspicious-include)

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
		auto v4 = kstd::parse_ipv4(
			string_view(s, n)); /* exact-size buffer: ASan sees overreads */
		if (bool(v4) != want || (want && memcmp(ref, v4->bytes, 4) != 0)) {
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
		auto v6 = kstd::parse_ipv6(string_view(s, n));
		if (bool(v6) != want || (want && memcmp(ref, v6->bytes, 16) != 0)) {
			failures++;
			printf("FAIL ipv6 differs from inet_pton on \"%s\" (%d vs %d)\n", z,
			       bool(v6), want);
		}
		free(s);

		/* Endpoints and ports: must not crash; a success must round-trip its parts. */
		s = random_text("0123456789abcdef:.[]%- ", 50, &n);
		auto ep = kstd::parse_endpoint(string_view(s, n));
		if (ep) {
			auto hp = kstd::split_host_port(string_view(s, n));
			checks++;
			if (!hp || kstd::parse_port(hp->port).value() != ep->port)
				failures++;
		}
		free(s);

		/* u64 vs strtoull on digit strings. */
		s = random_text("0123456789", 22, &n);
		memcpy(z, s, n);
		z[n] = 0;
		errno = 0;
		unsigned long long ull = strtoull(z, nullptr, 10);
		bool ref_ok = n > 0 && errno == 0;
		auto u = kstd::parse_u64(string_view(s, n));
		if (bool(u) != ref_ok || (ref_ok && u.value() != ull) ||
		    (!u && n > 0 && u.error() != parse_errc::range)) {
			failures++;
			printf("FAIL u64 differs from strtoull on \"%s\"\n", z);
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
