// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness of drop-tcp-socket's line parser
 * (examples/drop-tcp-socket/conn_line.hpp): every input is parsed as one
 * line and checked against drop_invariants.hpp (bounds, documented
 * outcomes, print-and-reparse, agreement with kstd::socket_address::parse).
 * Built by `make -C tests/host fuzz-drop` with clang++
 * -fsanitize=fuzzer,address,undefined; a violated invariant aborts with its
 * description.
 */
#include "drop_invariants.hpp"

#include <cstdio>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (const char *bad = drop_inv::check_drop_line(data, size)) {
		fprintf(stderr, "drop line invariant violated: %s\n", bad);
		abort();
	}
	return 0;
}
