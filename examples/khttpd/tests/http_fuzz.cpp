// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness of khttpd's http.hpp: every input is parsed at once, byte
 * by byte and in three parts (same outcome required), its pipelined
 * requests too, and its path, dates and ranges are checked (see
 * http_invariants.hpp).  Built by `make -C tests/host fuzz-http` with
 * clang++ -fsanitize=fuzzer,address,undefined; a violated invariant aborts
 * with its description.
 */
#include "http_invariants.hpp"

#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (const char *bad = http_inv::check_http_input(data, size)) {
		fprintf(stderr, "http invariant violated: %s\n", bad);
		abort();
	}
	return 0;
}
