// SPDX-License-Identifier: GPL-2.0-only
/* The code under test, compiled into kecho_test.ko. */
#include "../echo.cpp" // NOLINT(bugprone-suspicious-include)
