#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make docs`: Doxygen HTML of kstd's public API (include/kstd/*.hpp) and the
# pages in docs/ (README.md is the main page) into build/docs/html.
#
# Every public type, function and macro must be documented: any Doxygen
# warning (undocumented member, unresolved reference, bad markup) fails the
# run, and the warnings are printed.  Installs doxygen if it is missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v doxygen >/dev/null || need_pkgs doxygen
out=${KSTD_BUILD:-$KSTD_ROOT/build}/docs
rm -rf "$out/html" && mkdir -p "$out"
log "doxygen $(doxygen --version) -> $out/html"

cd "$KSTD_ROOT"
rc=0
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $out"; echo "WARN_LOGFILE = $out/warnings.log"; } |
	doxygen - >"$out/doxygen.log" 2>&1 || rc=$?
if [ -s "$out/warnings.log" ]; then
	sed "s|$KSTD_ROOT/||" "$out/warnings.log" >&2
	die "doxygen: $(grep -cE '(warning|error):' "$out/warnings.log") warning(s) (log: $out/warnings.log)"
fi
[ $rc -eq 0 ] || { cat "$out/doxygen.log" >&2; die "doxygen failed (exit $rc)"; }
[ -f "$out/html/index.html" ] || die "doxygen wrote no $out/html/index.html"
echo "$out/html/index.html"
