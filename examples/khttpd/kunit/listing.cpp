// SPDX-License-Identifier: GPL-2.0-only
/* The code under test, compiled into khttpd_test.ko. */
#include "../listing.cpp" // NOLINT(bugprone-suspicious-include)
