#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks the KUnit results in a guest's console log with the kernel's own
# parser (tools/testing/kunit/kunit.py parse), which prints a summary.
#
#   scripts/ktap-parse.sh CONSOLE_LOG
#
# Fails if a test failed or crashed, or if the KTAP output is malformed or
# missing.  Only kernel log lines count (those with a printk timestamp,
# which is stripped).  The KTAP starts at the last top-level "KTAP version 1"
# header, which the kernel prints when it runs its built-in suites at boot.
# Suites in modules loaded later print no header of their own and number
# their results from 1 again, so the top-level results after the header are
# renumbered and the plan is raised to the number of suites that started
# (a suite that started but never ended is reported as crashed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log=${1:?usage: ktap-parse.sh CONSOLE_LOG}
[ -f "$log" ] || die "no console log $log"
kunit=$(kernel_src)/tools/testing/kunit/kunit.py

tr -d '\r' <"$log" | sed -nE 's/^.*\[ *[0-9]+\.[0-9]+\] ?//p' | awk '
	{ line[NR] = $0 }
	$0 == "KTAP version 1" { start = NR }
	END {
		if (!start)
			exit
		first = start + 1
		plan = 0
		if (line[first] ~ /^1\.\.[0-9]+$/)
			plan = substr(line[first++], 4) + 0
		n = suites = 0
		for (i = first; i <= NR; i++)
			if (line[i] == "    KTAP version 1")
				suites++
			else if (line[i] ~ /^(not )?ok [0-9]+/) {
				bad = line[i] ~ /^not /
				sub(/^(not )?ok [0-9]+/, (bad ? "not ok " : "ok ") (++n), line[i])
			}
		print "KTAP version 1"
		n = n > suites ? n : suites
		print "1.." (n > plan ? n : plan)
		for (i = first; i <= NR; i++)
			print line[i]
	}' | python3 "$kunit" parse
