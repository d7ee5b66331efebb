#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A module links only the areas of kstd's C helpers that it uses:
#
#   scripts/check-kstd-areas.sh KDIR [make arguments, e.g. ARCH=um LLVM=-14]
#
# Builds a small module, tiny.cpp, against KDIR, kstd used the way DKMS or a
# module outside the tree uses it (a copy of kstd.mk, include/ and lib/, from
# $KSTD_SOURCE, default this checkout).  tiny.cpp includes the socket, UDP,
# file, TCP lookup, workqueue, pernet, /proc, thread, RCU, RCU list, hash
# table, per-CPU, misc device and generic netlink headers but uses only
# memory, a lock and the log.  Checks:
#   - tiny.ko defines no helper of another area: none of the kstd_* functions
#     that include/kstd/bindings/<area>.h declares (every area but kunit),
#     and imports none of the kernel's socket, file, TCP, RCU, rhashtable,
#     per-CPU, misc device or genetlink functions behind them;
#   - rebuilt without a clean with -DTINY_SOCKET (it then binds a TCP
#     listener), tiny.ko holds the socket area and still links (modpost);
#   - rebuilt again without it, the socket area is gone again.
# Prints "ok - ..." / "not ok - ..." per check; exits 1 if any failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

kdir=${1:?usage: check-kstd-areas.sh KDIR [make args]}
shift
[ -f "$kdir/Makefile" ] || die "$kdir is not a kernel build directory (no Makefile)"
kdir=$(realpath "$kdir")
src=${KSTD_SOURCE:-$KSTD_ROOT}
base=${KSTD_BUILD:-$KSTD_ROOT/build}/areas/$(basename "$kdir")
rm -rf "$base" && mkdir -p "$base/kstd" "$base/tiny"
(cd "$src" && cp -r kstd.mk include lib "$base/kstd/")
printf 'include %s/kstd/kstd.mk\nobj-m += tinymod.o\ntinymod-y := tiny.o kstd.o\n' "$base" >"$base/tiny/Kbuild"
ko=$base/tiny/tinymod.ko

fails=0
check() { # name, then a command that must succeed
	local what=$1
	shift
	if "$@"; then echo "ok - areas: $what"; else echo "not ok - areas: $what"; fails=$((fails + 1)); fi
}

cat >"$base/tiny/tiny.cpp" <<'CPP'
// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/device.hpp>
#include <kstd/file.hpp>
#include <kstd/genetlink.hpp>
#include <kstd/hash_table.hpp>
#include <kstd/ksocket.hpp>
#include <kstd/lock.hpp>
#include <kstd/module.hpp>
#include <kstd/percpu.hpp>
#include <kstd/pernet.hpp>
#include <kstd/proc.hpp>
#include <kstd/rcu.hpp>
#include <kstd/rcu_list.hpp>
#include <kstd/tcp_lookup.hpp>
#include <kstd/thread.hpp>
#include <kstd/udp.hpp>
#include <kstd/workqueue.hpp>

struct tinymod {
	kstd::spinlock lock{"tiny.lock"};
	int n = 0;

	static kstd::result<kstd::unique_ptr<tinymod>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<tinymod>(kstd::gfp::kernel));
		{
			auto guard = self->lock.lock();
			self->n++;
		}
#ifdef TINY_SOCKET
		auto l = KSTD_TRY(kstd::tcp_listener::bind(kstd::inaddr_any(0), 1, {}));
		(void)l;
#endif
		kstd_pr_info("tiny: %d\n", self->n);
		return self;
	}
};

KSTD_MODULE(tinymod);
KSTD_MODULE_LICENSE("GPL");
CPP

build() { # [make variable assignments]
	make -C "$kdir" M="$base/tiny" PAHOLE="$base/kstd/lib/kstd-pahole" "$@" >"$base/build.log" 2>&1 ||
		{ grep -E 'error|Error' "$base/build.log" | head -20 >&2; return 1; }
}
# The kstd_* helpers that an area's bindings header declares.
area_helpers() { # area
	grep -ohE '\bkstd_[a-z0-9_]+[[:space:]]*\(' "$base/kstd/include/kstd/bindings/$1.h" |
		tr -d ' \t(' | sort -u
}
defined() { nm --defined-only "$ko" | awk '{ print $NF }' | sort -u; }
built() { [ -f "$ko" ] || { echo "no tinymod.ko" >&2; return 1; }; }
# The kernel functions that only the socket, file and TCP lookup areas call.
foreign_imports='^(sock_create_kern|kernel_sendmsg|kernel_recvmsg|kernel_bind|kernel_listen|kernel_accept|tcp_abort|__inet_lookup_established|vfs_path_lookup|dentry_open|splice_direct_to_actor|iterate_dir|register_pernet_subsys|proc_create_data|alloc_workqueue|kthread_create_on_node|call_rcu|synchronize_rcu|rcu_barrier|rhashtable_init|rhashtable_free_and_destroy|__alloc_percpu|misc_register|genl_register_family|genlmsg_put)$'
no_area() { # area...
	local a bad
	built || return 1
	for a in "$@"; do
		bad=$(comm -12 <(defined) <(area_helpers "$a") | tr '\n' ' ')
		[ -z "$bad" ] || { echo "tinymod.ko has the $a area: $bad" >&2; return 1; }
	done
}
has_area() { # area
	built || return 1
	[ -n "$(comm -12 <(defined) <(area_helpers "$1"))" ] || { echo "tinymod.ko lacks the $1 area" >&2; return 1; }
}
no_foreign_imports() {
	local bad
	built || return 1
	bad=$(nm -u "$ko" | awk '{ print $2 }' | grep -E "$foreign_imports" | tr '\n' ' ')
	[ -z "$bad" ] || { echo "tinymod.ko imports: $bad" >&2; return 1; }
}

# Every area but kunit (the test modules' own).
mapfile -t all_areas < <(cd "$base/kstd/include/kstd/bindings" && ls ./*.h | sed 's|^\./||; s|\.h$||' | grep -vx kunit)
check "a module using memory, a lock and the log builds" build "$@"
check "it links none of the areas ${all_areas[*]}" no_area "${all_areas[@]}"
check "it imports no socket, file, TCP, netns, /proc, workqueue, kthread, RCU, rhashtable, per-CPU, misc device or genetlink function" no_foreign_imports
check "it still has the core (kstd_kmalloc)" bash -c "nm --defined-only '$ko' | grep -qw kstd_kmalloc"
check "rebuilt (no clean) with a TCP listener: builds, modpost resolves it" build CXXFLAGS_tiny.o=-DTINY_SOCKET "$@"
check "it now links the socket area" has_area socket
check "and still not the file or tcp_diag area" no_area file tcp_diag
check "rebuilt (no clean) without the listener: builds" build "$@"
check "the socket area is gone again" no_area socket
[ "$fails" -eq 0 ]
