#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Proves that fixdep tracks kstd's headers: after touching a header, a
# rebuild recompiles exactly the objects whose dependency list names it.
#   check-header-deps.sh KDIR [HEADER]   (default include/kstd/lock.hpp)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kdir=${1:?usage: check-header-deps.sh KDIR [HEADER]}
header=$(realpath "${2:-$KSTD_ROOT/include/kstd/lock.hpp}")
out=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir")

mapfile -t objs < <(find "$out" -name '*.o' ! -name '*.mod.o' ! -name '.module-common.o' | sort)
expected=()
for o in "${objs[@]}"; do
	cmd=$(dirname "$o")/.$(basename "$o").cmd
	grep -qF "$header" "$cmd" 2>/dev/null && expected+=("$o")
done
[ ${#expected[@]} -gt 0 ] || die "no object depends on $header"

stamp=$(mktemp)
sleep 1
touch "$header"
"$KSTD_ROOT/scripts/build-modules.sh" "$kdir" >/dev/null
rebuilt=()
for o in "${objs[@]}"; do
	[ -e "${o%.o}.mod" ] && continue # a module's composite object is relinked
	# kstd.o, a partial link of the helper areas the module's objects use
	# (kstd.mk), is relinked whenever one of those objects changes.
	[ "$(basename "$o")" = kstd.o ] && continue
	[ "$o" -nt "$stamp" ] && rebuilt+=("$o")
done
rm -f "$stamp"

printf 'expected: %s\n' "${expected[@]##*/}"
printf 'rebuilt:  %s\n' "${rebuilt[@]##*/}"
[ "${expected[*]}" = "${rebuilt[*]}" ] || die "rebuilt set differs from the dependency set"
log "touching $(basename "$header") rebuilt exactly ${#rebuilt[@]} of ${#objs[@]} objects"
