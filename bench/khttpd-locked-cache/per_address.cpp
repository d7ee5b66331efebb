// SPDX-License-Identifier: GPL-2.0-only
/* khttpd's per_address.cpp, built with the locked cache (see file_cache.hpp). */
#include "file_cache.hpp" /* first: khttpd's own (same guard) is then skipped */

#include "../../examples/khttpd/per_address.cpp" // NOLINT(bugprone-suspicious-include)
