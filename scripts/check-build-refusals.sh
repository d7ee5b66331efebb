#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The build's refusals name the source line and the symbol, not the object:
#
#   scripts/check-build-refusals.sh KDIR [make arguments, e.g. ARCH=um LLVM=-14]
#
# Builds a deliberately bad module, bad.cpp, against KDIR twice: once with a
# namespace-scope object that has a constructor and a destructor, once with
# plain new/delete.  Each build must fail, with kstd.mk's refusal naming
# bad.cpp:LINE (the line of the global, of the new, of the delete) and the
# demangled symbol, and must leave no bad.o behind.  kstd is used the way
# DKMS or a module outside the tree uses it: a copy of kstd.mk, include/ and
# lib/ only (no scripts/).  Prints "ok - ..." / "not ok - ..." per check;
# exits 1 if any failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

kdir=${1:?usage: check-build-refusals.sh KDIR [make args]}
shift
[ -f "$kdir/Makefile" ] || die "$kdir is not a kernel build directory (no Makefile)"
kdir=$(realpath "$kdir")
base=${KSTD_BUILD:-$KSTD_ROOT/build}/refusals/$(basename "$kdir")
rm -rf "$base" && mkdir -p "$base/kstd" "$base/bad"
(cd "$KSTD_ROOT" && cp -r kstd.mk include lib "$base/kstd/")
printf 'include %s/kstd/kstd.mk\nobj-m += badmod.o\nbadmod-y := bad.o kstd.o\n' "$base" >"$base/bad/Kbuild"

fails=0
check() { # name, then a command that must succeed
	local what=$1
	shift
	if "$@"; then echo "ok - refusals: $what"; else echo "not ok - refusals: $what"; fails=$((fails + 1)); fi
}

# The module; KSTD_BAD selects the offence.
cat >"$base/bad/bad.cpp" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/module.hpp>

struct tally {
	int n;
	tally() : n(1) {}
	~tally() { n = 0; }
};

struct point {
	int x;
};

#ifdef KSTD_BAD_CTOR
tally global_tally; // LINE:ctor
#endif

struct badmod {
	int x = 0;
	static kstd::result<kstd::unique_ptr<badmod>> create()
	{
#ifdef KSTD_BAD_NEW
		point *p = new point{2}; // LINE:new
		int x = p->x;
		delete p; // LINE:delete
#else
		int x = 2;
#endif
		auto self = KSTD_TRY(kstd::make_unique<badmod>(kstd::gfp::kernel));
		self->x = x;
		return self;
	}
};

KSTD_MODULE(badmod);
KSTD_MODULE_LICENSE("GPL");
EOF
line() { grep -n "// LINE:$1\$" "$base/bad/bad.cpp" | cut -d: -f1; }

# A build that must fail; its log is $base/<name>.log.
refused() { # name define [make args]
	local name=$1 define=$2
	shift 2
	if make -C "$kdir" M="$base/bad" PAHOLE="$base/kstd/lib/kstd-pahole" CXXFLAGS_bad.o="-D$define" "$@" \
		>"$base/$name.log" 2>&1; then
		echo "the build with $define succeeded" >&2
		return 1
	fi
	grep -E 'error' "$base/$name.log" >&2
	[ ! -e "$base/bad/bad.o" ] || { echo "bad.o left behind" >&2; return 1; }
}
says() { # log, extended regex
	grep -qE "$2" "$1" || { echo "$1 lacks: $2" >&2; return 1; }
}

ctor=$(line ctor) new=$(line new) del=$(line delete)
check "global object refused (KSTD_BAD_CTOR)" refused ctor KSTD_BAD_CTOR "$@"
check "global object: names bad.cpp:$ctor, its object and constructor" \
	says "$base/ctor.log" "bad\.cpp:$ctor: error: global constructor or destructor .*'global_tally'.*'tally::tally\(\)'"
check "global object: names its destructor" \
	says "$base/ctor.log" "bad\.cpp:$ctor: error: .*'tally::~tally\(\)'"
make -C "$kdir" M="$base/bad" "$@" clean >/dev/null 2>&1
check "plain new/delete refused (KSTD_BAD_NEW)" refused new KSTD_BAD_NEW "$@"
check "plain new: names bad.cpp:$new and operator new" \
	says "$base/new.log" "bad\.cpp:$new: error: plain new/delete .*'operator new\(unsigned long\)' \(_Znwm\)"
check "plain delete: names bad.cpp:$del and operator delete" \
	says "$base/new.log" "bad\.cpp:$del: error: plain new/delete .*'operator delete\(void\*[^']*\)' \(_ZdlPv"
make -C "$kdir" M="$base/bad" "$@" clean >/dev/null 2>&1
builds() { make -C "$kdir" M="$base/bad" PAHOLE="$base/kstd/lib/kstd-pahole" "$@" >"$base/good.log" 2>&1; }
check "the same module without either builds" builds "$@"
[ "$fails" -eq 0 ]
