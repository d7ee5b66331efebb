// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side test of drop-tcp-socket's filter lines
 * (examples/drop-tcp-socket/filter_line.hpp), built with AddressSanitizer
 * and UBSan by tests/host/Makefile:
 *
 *     drop_filter_host_test [ROUNDS]
 *
 * 1. the tables the module's KUnit suite runs too (kunit/filter_cases.hpp):
 *    every field, every refusal, what a filter matches; also checked at
 *    compile time (the parser is constexpr);
 * 2. ROUNDS (default 100000) table lines mutated byte-wise: nothing read
 *    out of bounds, and every accepted filter is well formed (ranges in
 *    order, prefix lengths within the family, no bits after the length).
 */
#include "../../examples/drop-tcp-socket/kunit/filter_cases.hpp"
#include "host_test.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using namespace drop_tcp_cases;

template <class T, kstd::size_t N>
constexpr bool all_hold(const T (&cases)[N], bool (*holds)(const T &)) noexcept
{
	for (const T &c : cases)
		if (!holds(c))
			return false;
	return true;
}

static_assert(all_hold(filter_cases, filter_case_holds));
static_assert(all_hold(match_cases, match_case_holds));
static_assert(all_hold(prefix_cases, prefix_case_holds));

host_test::xorshift rng{0x9e3779b97f4a7c15ull};

bool well_formed(const drop_tcp::tcp_filter &f)
{
	auto prefix_ok = [](const drop_tcp::addr_prefix &p) {
		if (!p.set)
			return p.len == 0;
		if (p.len > p.addr.size() * 8)
			return false;
		auto b = p.addr.bytes();
		for (unsigned bit = p.len; bit < b.size() * 8; bit++)
			if (b[bit / 8] & (0x80u >> (bit % 8)))
				return false;
		return !p.addr.is_ipv4_mapped();
	};
	return f.states && prefix_ok(f.src) && prefix_ok(f.dst) && f.sport.lo <= f.sport.hi &&
	       f.dport.lo <= f.dport.hi &&
	       (!f.src.set || !f.dst.set || f.src.addr.family() == f.dst.addr.family());
}

void random_rounds(long rounds)
{
	static const char alphabet[] = "0123456789abcdef:./-, \tfilterstdpowaxyn";
	char buf[300];
	long accepted = 0;
	for (long i = 0; i < rounds; i++) {
		const char *seed =
			filter_cases[rng.below(sizeof(filter_cases) / sizeof(filter_cases[0]))]
				.line;
		size_t n = strlen(seed);
		memcpy(buf, seed, n + 1); /* with its NUL; only n bytes are used */
		for (unsigned k = 0, edits = 1 + rng.below(4); k < edits; k++) {
			unsigned op = rng.below(3), at = n ? rng.below(unsigned(n)) : 0;
			if (op == 0 && n)
				buf[at] = alphabet[rng.below(sizeof(alphabet) - 1)];
			else if (op == 1 && n + 1 < sizeof(buf)) {
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = alphabet[rng.below(sizeof(alphabet) - 1)];
				n++;
			} else if (n) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
		}
		/* Exactly n bytes, so ASan catches a read past the end. */
		char *line = static_cast<char *>(malloc(n ? n : 1));
		memcpy(line, buf, n);
		drop_tcp::parsed_filter f = drop_tcp::parse_filter_line(kstd::string_view(line, n));
		if (f) {
			accepted++;
			if (!well_formed(f.value)) {
				host_test::failures++;
				printf("FAIL: accepted a malformed filter: \"%.*s\"\n", int(n),
				       line);
			}
		} else if (!*f.what) {
			host_test::failures++;
			printf("FAIL: refused without a reason: \"%.*s\"\n", int(n), line);
		}
		host_test::checks++;
		free(line);
	}
	printf("%ld random lines, %ld accepted\n", rounds, accepted);
}

} // namespace

int main(int argc, char **argv)
{
	for (const filter_case &c : filter_cases) {
		host_test::check(filter_case_holds(c), __FILE__, __LINE__, c.name);
	}
	for (const match_case &c : match_cases)
		host_test::check(match_case_holds(c), __FILE__, __LINE__, c.name);
	for (const prefix_case &c : prefix_cases)
		host_test::check(prefix_case_holds(c), __FILE__, __LINE__, c.name);
	random_rounds(argc > 1 ? atol(argv[1]) : 100000);
	printf("drop_filter_host_test: %d checks, %d failures\n", host_test::checks,
	       host_test::failures);
	return host_test::failures != 0;
}
