// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side run of the HTTP parser tests (../kunit/http_test.cpp, the same
 * cases KUnit runs in the kernel), then the invariants of
 * http_invariants.hpp over the seed corpus (examples/khttpd/tests/corpus) and
 * over generated requests: well-formed ones with random variations and
 * corruptions, each also parsed byte by byte and at random splits.
 * Built with AddressSanitizer and UBSan by tests/host/Makefile, which
 * runs every host test of the repository.
 *
 *   http_host_test [ROUNDS] [CORPUS_DIR]
 */
#include "host_test.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

/* The KUnit suite's cases, run on the host. */
#include "../kunit/http_test.cpp" // NOLINT(bugprone-suspicious-include)
#include "http_invariants.hpp"

namespace {
using host_test::checks;
using host_test::failures;

host_test::xorshift rng{0x2545f4914f6cdd1dull};
unsigned rnd(unsigned n)
{
	return rng.below(n);
}

/* Mostly one of the first @good entries (valid pieces), sometimes any. */
template <size_t N>
const char *pick(const char *const (&a)[N], size_t good)
{
	return a[rnd(8) ? rnd(unsigned(good)) : rnd(N)];
}

int run_one(const unsigned char *data, size_t size, const char *what)
{
	checks++;
	if (const char *bad = http_inv::check_http_input(data, size)) {
		failures++;
		printf("FAIL %s: %s on %zu bytes: \"", what, bad, size);
		for (size_t i = 0; i < size && i < 200; i++)
			printf(data[i] >= 0x20 && data[i] < 0x7f ? "%c" : "\\x%02x", data[i]);
		printf("\"\n");
		return 1;
	}
	return 0;
}

/* A request made of plausible pieces, then maybe corrupted. */
size_t generate(unsigned char *out, size_t cap)
{
	static const char *const methods[] = {"GET",	 "HEAD", "POST", "PUT",	   "OPTIONS",
					      "CONNECT", "get",	 "BREW", "G\x01T", ""};
	static const char *const targets[] = {
		"/",	       "/index.html", "/a/b/../c", "/%2e%2e/etc/passwd",
		"/dir/",       "/x?y=1",      "*",	   "http://h/p?q",
		"https://h:1", "h:443",	      "/%zz",	   "/a%2fb",
		"/\xc3\xa9",   "/sp ace",     ""};
	static const char *const versions[] = {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.10",
					       "HTTP/1",   "http/1.1", "HTTP/0.9", ""};
	static const char *const headers[] = {
		"Host: h",
		"Host: a b",
		"Connection: close",
		"Connection: keep-alive",
		"Connection: Upgrade, close",
		"Content-Length: 3",
		"Content-Length: 0",
		"Content-Length: 3, 3",
		"Content-Length: 99999999999999999999",
		"Transfer-Encoding: chunked",
		"Transfer-Encoding: gzip",
		"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT",
		"If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT",
		"If-Modified-Since: Sun Nov  6 08:49:37 1994",
		"If-Modified-Since: garbage",
		"Range: bytes=0-9",
		"Range: bytes=-5",
		"Range: bytes=5-",
		"Range: bytes=0-1,4-5",
		"If-Range: x",
		"Expect: 100-continue",
		" folded",
		"X : y",
		"Bad\x01: y",
		/* One field, its value cut to fit the line. */
		"X-Long: " // NOLINT(bugprone-suspicious-missing-comma)
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"",
	};
	static const char *const eols[] = {"\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n"};
	size_t n = 0;
	auto put = [&](const char *s) {
		size_t l = strlen(s);
		if (n + l > cap)
			l = cap - n;
		std::copy_n(s, l, out + n); /* bytes, no terminator */
		n += l;
	};
	out[n++] = static_cast<unsigned char>(rnd(4) ? 0 : rnd(256)); /* the limits selector */
	unsigned requests = 1 + rnd(3);
	for (unsigned q = 0; q < requests; q++) {
		if (rnd(8) == 0)
			put("\r\n");
		put(pick(methods, 4));
		put(" ");
		put(pick(targets, 6));
		put(" ");
		put(pick(versions, 2));
		put(pick(eols, 4));
		if (rnd(4))
			put("Host: h\r\n");
		unsigned nh = rnd(6);
		for (unsigned h = 0; h < nh; h++) {
			put(pick(headers, 21));
			put(pick(eols, 4));
		}
		put(rnd(10) ? "\r\n" : pick(eols, 4));
		if (rnd(4) == 0)
			put("abc");
	}
	/* Corruptions: flip, insert or drop bytes. */
	unsigned edits = rnd(4) == 0 ? 1 + rnd(3) : 0;
	for (unsigned e = 0; e < edits && n > 1; e++) {
		size_t at = 1 + rnd(unsigned(n - 1));
		switch (rnd(3)) {
		case 0:
			out[at] = static_cast<unsigned char>(rnd(256));
			break;
		case 1:
			if (n < cap) {
				memmove(out + at + 1, out + at, n - at);
				out[at] = "\r\n\0 :%/."[rnd(8)];
				n++;
			}
			break;
		default:
			memmove(out + at, out + at + 1, n - at - 1);
			n--;
		}
	}
	return n;
}

} // namespace

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100000;
	int n = host_test::run_cases();
	int files = argc > 2 ? host_test::for_each_corpus_file(
				       argv[2], [](const char *name, const unsigned char *data,
						   size_t size) { run_one(data, size, name); })
			     : 0;
	static unsigned char buf[2048];
	int bad = 0;
	for (int r = 0; r < rounds && bad < 10; r++) {
		size_t len = generate(buf, sizeof(buf));
		/* An exact-size copy is made inside the check. */
		bad += run_one(buf, len, "generated");
	}
	printf("%d cases, %d corpus files, %d generated requests, %d checks: %d failures\n", n,
	       files, rounds, checks, failures);
	return failures != 0;
}
