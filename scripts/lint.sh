#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make lint`: style and static analysis.
#
#   scripts/lint.sh [KDIR]
#
# 1. clang-format --dry-run -Werror with the repository's .clang-format on
#    every C++ file (include/kstd, examples, kunit, tests/host, bench, tools);
# 2. clang-tidy (.clang-tidy) on every C++ source of the compilation
#    database, generated for KDIR by scripts/compile-commands.sh into
#    build/lint/ (default KDIR as there);
# 3. the kernel's checkpatch.pl --no-tree on the C helpers, the bindings
#    headers and the other C files;
# 4. an SPDX license line in every tracked file (images, fuzzing corpus and
#    LICENSE excepted).
# Prints one PASS/FAIL line per step with its time; fails if any step does.
# Logs: build/lint/.  KSTD_TIDY_CHECKS is passed to clang-tidy as -checks=
# (appended to .clang-tidy's): '-clang-analyzer-*' skips the static
# analyzer, which takes most of clang-tidy's time.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

out=${KSTD_BUILD:-$KSTD_ROOT/build}/lint
mkdir -p "$out"
cd "$KSTD_ROOT"
command -v clang-format >/dev/null && command -v clang-tidy >/dev/null &&
	command -v run-clang-tidy >/dev/null || need_pkgs clang-format clang-tidy clang
failed=0

step() { # name log command...
	local name=$1 logf=$2 start rc
	shift 2
	start=$(date +%s.%N)
	"$@" >"$logf" 2>&1
	rc=$?
	printf '%-4s lint: %s (%.1f s)\n' "$([ $rc -eq 0 ] && echo PASS || echo FAIL)" "$name" \
		"$(echo "$(date +%s.%N) - $start" | bc)"
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		grep -aE 'error:|warning:|ERROR:|WARNING:|^\[kstd\] error' "$logf" | sort -u | head -40
		echo "     (log: $logf)"
	fi
	return 0
}

# --- 1. clang-format ---------------------------------------------------------
cxx_files=$(find include/kstd examples kunit tests/host bench tools -type f \
	\( -name '*.cpp' -o -name '*.hpp' \) | sort)
step "clang-format ($(wc -w <<<"$cxx_files") C++ files)" "$out/clang-format.log" \
	clang-format --dry-run -Werror --style=file $cxx_files

# --- 2. clang-tidy -----------------------------------------------------------
tidy_skip='' # files clang-tidy should not see (none now)

run_tidy() {
	KSTD_CDB_DIR=$out "$KSTD_ROOT/scripts/compile-commands.sh" "$@" || return 1
	local files
	files=$(python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
	if not any(e["file"].endswith("/" + s) for s in sys.argv[2].split()):
		print(e["file"])' "$out/compile_commands.json" "$tidy_skip") || return 1
	[ -n "$files" ] || { echo "no C++ sources in the database"; return 1; }
	echo "clang-tidy on $(wc -l <<<"$files") files"
	# run-clang-tidy exits non-zero when a file has a finding (they are all
	# errors, WarningsAsErrors: '*'); keep only the findings in the log.
	run-clang-tidy -p "$out" -quiet -j "$KSTD_JOBS" ${KSTD_TIDY_CHECKS:+-checks="$KSTD_TIDY_CHECKS"} \
		$files 2>&1 |
		sed 's/\x1b\[[0-9;]*m//g' | grep -vE '^(clang-tidy|Running|[0-9]+ (warnings?|errors?) generated|Suppressed|Use -header-filter|Error while processing)' |
		grep -v '^$'
	return "${PIPESTATUS[0]}"
}
step "clang-tidy" "$out/clang-tidy.log" run_tidy "$@"

# --- 3. checkpatch -----------------------------------------------------------
# Message types that do not apply to an out-of-tree library whose C side
# spans kernel versions and whose headers are also C++ headers:
# - LINUX_VERSION_CODE, CONSTANT_COMPARISON: drift is detected from the
#   headers (kstd.mk's KSTD_HAVE_*), except a fix that no header shows
#   (tcp_diag.c's orphan check), which stays "#if LINUX_VERSION_CODE ...";
# - PREFER_DEFINED_ATTRIBUTE_MACRO: the bindings headers are compiled as C++
#   too, which never sees the kernel's __printf() & co;
# - VOLATILE, CONST_STRUCT: declarations that must match the kernel's
#   (extern volatile jiffies; a forward-declared struct kernel_param_ops).
ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON,PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE,CONST_STRUCT
# Per file: X-macro tables that generate declarations (kernel_if.h, the
# rows of kstd/errno.h's table, whose C users ignore the
# factory name), the asm-offsets style layout generator (a prototype for
# main(), IS_ENABLED() of a macro argument, errno values emitted as data),
# kernel_if.h's KSTD_USER (__user, which checkpatch knows and this macro
# for it, empty in C++, it does not) before a '*', the wrapper of
# spin_is_locked() itself, st_mode bits checked against the
# kernel's (not permissions being set), and the KUnit bridge's yield(): a
# race test waits for a worker to start on UML's one CPU without
# preemption, where giving the CPU away is the point.
declare -A file_ignore=(
	[include/kstd/bindings/kernel_if.h]=COMPLEX_MACRO,TRAILING_SEMICOLON,SPACING
	[kunit/kunit_bridge.c]=MACRO_ARG_UNUSED,YIELD
	[lib/kstd_layout.c]=AVOID_EXTERNS,IS_ENABLED_CONFIG,ENOSYS,TRAILING_SEMICOLON,MACRO_ARG_UNUSED
	[lib/kstd.c]=USE_LOCKDEP,TRAILING_SEMICOLON,MACRO_ARG_UNUSED
	[lib/helpers/file.c]=SYMBOLIC_PERMS
)

run_checkpatch() {
	local src files plain=() f rc=0
	src=$(kernel_src) || return 1
	files=$(ls lib/*.c lib/helpers/*.c kunit/*.c include/kstd/bindings.h \
		include/kstd/bindings/*.h bench/overhead/*.c examples/*/*.c 2>/dev/null)
	echo "checkpatch.pl from $src on $(wc -w <<<"$files") files"
	checkpatch() { perl "$src/scripts/checkpatch.pl" --no-tree -f --terse --show-types --quiet "$@"; }
	for f in $files; do
		if [ -n "${file_ignore[$f]:-}" ]; then
			checkpatch --ignore "$ignore,${file_ignore[$f]}" "$f" || rc=1
		else
			plain+=("$f")
		fi
	done
	checkpatch --ignore "$ignore" "${plain[@]}" || rc=1
	return $rc
}
step "checkpatch" "$out/checkpatch.log" run_checkpatch

# --- 4. license lines -------------------------------------------------------
# Every tracked file names its license (SPDX) in its first lines, except
# what cannot carry a comment: images, fuzzing corpus entries, LICENSE.
run_spdx() {
	local f missing=0
	while IFS= read -r f; do
		case $f in *.png | tests/host/corpus/* | examples/khttpd/tests/corpus/* | LICENSE) continue ;; esac
		head -3 "$f" | grep -q 'SPDX-License-Identifier:' ||
			{ echo "error: no SPDX-License-Identifier line: $f"; missing=1; }
	done < <(git ls-files)
	return $missing
}
step "SPDX license lines" "$out/spdx.log" run_spdx

[ "$failed" -eq 0 ] || die "lint: $failed step(s) failed"
