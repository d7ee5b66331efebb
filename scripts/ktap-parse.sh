#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks the KUnit results in a guest's console log with the kernel's own
# parser (tools/testing/kunit/kunit.py parse), which prints a summary.
#
#   scripts/ktap-parse.sh CONSOLE_LOG
#
# Fails if a test failed or crashed, or if the KTAP output is malformed or
# missing.  Only kernel log lines count (those with a printk timestamp, which
# is stripped), from the last boot (the last "Linux version" banner) on.
#
# The kernel prints a top-level KTAP document ("KTAP version 1", "1..N", N
# suites numbered from 1) for its built-in suites at boot, and another one
# for each module with suites that is loaded later.  kunit.py reads only one
# document, so they are merged into one: the headers go, the suite results
# are renumbered, and the plan is the sum of the plans, or the number of
# suites that started if that is larger (a suite that started and never
# ended, because the kernel crashed, say, then counts as crashed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log=${1:?usage: ktap-parse.sh CONSOLE_LOG}
[ -f "$log" ] || die "no console log $log"
kunit=$(kernel_src)/tools/testing/kunit/kunit.py

tr -d '\r' <"$log" | sed -nE 's/^.*\[ *[0-9]+\.[0-9]+\] ?//p' | awk '
	/^Linux version / { n = 0 }
	{ line[++n] = $0 }
	END {
		found = plan = suites = results = m = 0
		for (i = 1; i <= n; i++) {
			if (line[i] == "KTAP version 1") {
				found = 1
				if (line[i + 1] ~ /^1\.\.[0-9]+$/)
					plan += substr(line[++i], 4)
				continue
			}
			if (!found)
				continue
			if (line[i] == "    KTAP version 1")
				suites++
			else if (line[i] ~ /^(not )?ok [0-9]+/) {
				bad = line[i] ~ /^not /
				sub(/^(not )?ok [0-9]+/, (bad ? "not ok " : "ok ") (++results), line[i])
			}
			out[++m] = line[i]
		}
		if (!found)
			exit
		if (suites > plan)
			plan = suites
		if (results > plan)
			plan = results
		print "KTAP version 1"
		print "1.." plan
		for (i = 1; i <= m; i++)
			print out[i]
	}' | python3 "$kunit" parse
