// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side run of kstd's string toolkit tests (kunit/string_test.cpp, the
 * same cases KUnit runs in the kernel), plus a differential fuzz of the
 * integer parser against the C library (strtoull).  The address parsers'
 * are in net_address_host_test.cpp.
 * Built with AddressSanitizer and UBSan by tests/host/Makefile.
 */
#include "host_test.hpp"

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
		/* u64 vs strtoull on digit strings. */
		char *s = random_text("0123456789", 22, &n);
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
