// SPDX-License-Identifier: GPL-2.0-only
/*
 * The harness shared by the host-side tests (one program per test file):
 * non-aborting checks with a global tally, KSTD_TEST cases that register
 * themselves so a kstd/kunit.hpp test file compiles unchanged on the host, a
 * deterministic random generator, and a corpus walker.
 *
 *     #include "host_test.hpp"
 *     #include "../../kunit/string_test.cpp"   // KSTD_TEST cases
 *
 *     int main()
 *     {
 *             int n = host_test::run_cases();    // "ok - suite.name" lines
 *             printf("%d cases: %d failures\n", n, host_test::failures);
 *             return host_test::failures != 0;
 *     }
 */
#ifndef KSTD_HOST_TEST_HPP
#define KSTD_HOST_TEST_HPP

#include <cstdio>
#include <dirent.h>

namespace host_test {

inline int checks, failures;

inline void check(bool ok, const char *file, int line, const char *expr)
{
	checks++;
	if (!ok) {
		failures++;
		printf("FAIL %s:%d: %s\n", file, line, expr);
	}
}

inline void check_eq(long long a, long long b, const char *file, int line, const char *expr)
{
	checks++;
	if (a != b) {
		failures++;
		printf("FAIL %s:%d: %s (%lld != %lld)\n", file, line, expr, a, b);
	}
}

/* One KSTD_TEST case; cases run in the order they are defined. */
struct test_case {
	const char *name;
	void (*fn)();
	test_case *next = nullptr;
};
inline test_case *cases, **cases_tail = &cases;

struct registrar {
	test_case c;
	registrar(const char *name, void (*fn)()) : c{name, fn}
	{
		*cases_tail = &c;
		cases_tail = &c.next;
	}
};

/* Runs every registered case, prints a TAP-like line each; returns how many. */
inline int run_cases()
{
	int n = 0;
	for (test_case *c = cases; c; c = c->next, n++) {
		int before = failures;
		c->fn();
		printf("%s - %s\n", failures == before ? "ok" : "not ok", c->name);
	}
	return n;
}

/* xorshift64*: the same sequence on every run for the same seed. */
class xorshift {
public:
	explicit constexpr xorshift(unsigned long long seed) : s_(seed) {}

	/* A number in [0, n); n > 0. */
	unsigned below(unsigned n)
	{
		s_ ^= s_ >> 12;
		s_ ^= s_ << 25;
		s_ ^= s_ >> 27;
		return unsigned((s_ * 2685821657736338717ull) >> 33) % n;
	}

private:
	unsigned long long s_;
};

/*
 * Calls fn(name, data, size) for every regular file in @dir (the first
 * 64 KiB of each).  Returns the number of files, or -1 (counted as a
 * failure) if @dir cannot be opened.
 */
template <typename Fn>
int for_each_corpus_file(const char *dir, Fn fn)
{
	DIR *d = opendir(dir);
	if (!d) {
		failures++;
		printf("FAIL cannot open corpus %s\n", dir);
		return -1;
	}
	int files = 0;
	static unsigned char data[1 << 16];
	while (struct dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		size_t n = fread(data, 1, sizeof(data), f);
		fclose(f);
		fn(e->d_name, static_cast<const unsigned char *>(data), n);
		files++;
	}
	closedir(d);
	return files;
}

} // namespace host_test

/* What kstd/kunit.hpp gives a test file, on the host. */
#define KSTD_HOST_TEST 1
#define KSTD_TEST_SUITE(suite) static_assert(true, "")
#define KSTD_TEST_SUITE_END(suite) static_assert(true, "")
#define KSTD_TEST(suite, name)                                                                     \
	static void host_##suite##_##name();                                                       \
	static host_test::registrar reg_##suite##_##name(#suite "." #name, host_##suite##_##name); \
	static void host_##suite##_##name()
#define KSTD_EXPECT(cond) host_test::check(static_cast<bool>(cond), __FILE__, __LINE__, #cond)
#define KSTD_EXPECT_EQ(a, b)                                                                       \
	host_test::check_eq(static_cast<long long>(a), static_cast<long long>(b), __FILE__,        \
			    __LINE__, #a " == " #b)

#endif
