#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the user-space tools (bench, user-echo-server, echo-epoll, ...) into
# build/tools/ and prints that directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_pkgs g++ make
out=${KSTD_BUILD:-$KSTD_ROOT/build}/tools
mkdir -p "$out"
cxx=(g++ -std=gnu++20 -O2 -g -Wall -Wextra -Werror)
build() { # output source...
	local o=$out/$1
	shift
	if [ ! -x "$o" ] || [ -n "$(find "$@" -newer "$o" 2>/dev/null)" ]; then
		"${cxx[@]}" -o "$o" "$@" -pthread
	fi
}
build user-echo-server "$KSTD_ROOT/examples/kecho/tools/user-echo-server.cpp"
build bench "$KSTD_ROOT/examples/kecho/tools/bench.cpp"
build htstress "$KSTD_ROOT/examples/khttpd/tools/htstress.cpp"
build stress "$KSTD_ROOT/tools/stress.cpp"
o=$out/kboard-tool c=$KSTD_ROOT/examples/kboard/tools/kboard-tool.c
[ -x "$o" ] && [ -z "$(find "$c" "$KSTD_ROOT/examples/kboard/kboard_uapi.h" -newer "$o")" ] ||
	gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -o "$o" "$c"
o=$out/echo-epoll c=$KSTD_ROOT/tools/echo-epoll.c
[ -x "$o" ] && [ -z "$(find "$c" -newer "$o")" ] ||
	gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -o "$o" "$c" -pthread
for t in "$KSTD_ROOT"/examples/*/tools/*.py; do
	[ -e "$t" ] && ln -sfn "$t" "$out/$(basename "$t")"
done
echo "$out"
