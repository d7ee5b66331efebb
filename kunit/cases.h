/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The list of kstd's KUnit cases, shared by C and C++.
 *
 * suites.c expands it into struct kunit_case arrays and suites (KUnit is
 * macros over kernel structs, so registration stays in C); the C++ test
 * files include it to declare each case's body with C linkage.  To add a
 * case: one KSTD_CASE() line in cases/<suite>.h, one KSTD_TEST() body in
 * <suite>_test.cpp.  To add a suite: a cases/<suite>.h included here, and
 * the test object in Kbuild.
 */
#include "cases/result.h"
#include "cases/atomic.h"
#include "cases/bytes.h"
#include "cases/memory.h"
#include "cases/lock.h"
#include "cases/list.h"
#include "cases/log.h"
#include "cases/module.h"
#include "cases/socket.h"
#include "cases/workqueue.h"
#include "cases/sync.h"
#include "cases/string.h"
#include "cases/net_address.h"
#include "cases/param.h"
#include "cases/proc.h"
#include "cases/pernet.h"
#include "cases/tcp_diag.h"
#include "cases/http.h"
#include "cases/file.h"
#include "cases/tcp_server.h"
#include "cases/stream_buffer.h"
