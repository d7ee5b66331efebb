#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boots a test kernel under QEMU (TCG) and runs one command in it.
#
#   scripts/run-guest.sh [options] -- COMMAND [ARGS...]
#   scripts/run-guest.sh --check-log CONSOLE_LOG
#
#   --kernel BZIMAGE  kernel to boot (default: built by scripts/build-kernel.sh)
#   --flavor F        x86 or x86-debug, for build-kernel.sh (default x86-debug)
#   --smp N           guest CPUs (default 2)
#   --tcg-single      run all guest CPUs in one host thread (TCG
#                     thread=single) instead of one thread each: slower, but
#                     code that the guest patches while another CPU runs it
#                     (text_poke_bp(), static keys) is seen coherently; with
#                     thread=multi Debian's 6.12 kernels die at boot with
#                     "Oops: int3" in patched code on the other CPU
#   --mem MIB         guest memory (default 2048)
#   --timeout S       kill the guest after S seconds (default 600)
#   --out DIR         host directory the guest sees as /out (default: a new
#                     temporary directory); console.log is written there
#   --append TEXT     extra kernel command line
#   --modules DIR     the kernel's module tree (.../lib/modules/<release>,
#                     with modules.dep), for a kernel that has virtio-pci
#                     and 9p as modules, such as Debian's: boots through an
#                     initramfs that loads them (scripts/initrd-init.sh),
#                     and DIR is the guest's /lib/modules/<release>
#   --netns NS --tap TAP  give the guest a virtio-net NIC (its eth0, left
#                     down) on the tap device TAP, which must exist in the
#                     network namespace NS; QEMU runs in NS (ip netns exec),
#                     so the guest's traffic stays inside it
#   --ktap            also check the KUnit results (scripts/ktap-parse.sh)
#   --verbose         stream the whole console, boot messages included
#   --check-log FILE  only scan an existing console log for kernel reports
#
# The guest's root is the host's root file system, read-only over virtio-9p,
# so COMMAND and its files are used in place.  scripts/guest-init.sh is the
# guest's /init: it mounts /proc, /sys, /dev, debugfs, and tmpfs on /tmp and
# /run (so the current directory must not be under those), brings up lo and
# runs COMMAND in the current directory with stdin from /dev/null, stdout and
# stderr on the serial console, HOME=/tmp, KSTD_GUEST=1 and KSTD_OUT=/out.
# The host needs an empty /out directory as the mount point; it is created
# on first use.  COMMAND and its arguments travel in OUT/.kstd-cmd, so they
# need no quoting beyond the host shell's.
#
# The whole console goes to OUT/console.log; stdout shows it from the start
# of COMMAND on (the boot only with --verbose, or when it fails).  KUnit's
# KTAP output is in the console log too.  The run fails when COMMAND exits
# non-zero, when the guest crashes, hangs or outlives the timeout, when
# kmemleak finds a leak, or when a kernel log line reports a bug, a warning,
# a lockdep or RCU splat and the like.  Kernel log lines are told from
# COMMAND's output by their printk timestamp ("[    1.234567] ",
# CONFIG_PRINTK_TIME=y): a test may print "WARNING:" freely, but a line that
# looks like kernel log (dmesg output, say) counts as kernel log.
#
# The leak check (debug kernels) adds about 15-20 s under TCG; --append
# kmemleak=off skips it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

report='BUG:|WARNING:|Oops|Kernel panic|KASAN:|UBSAN:|kernel BUG at|'
report+='possible (circular|recursive) locking|inconsistent lock state|'
report+='INFO: lockdep|suspicious RCU usage|unreferenced object|'
report+='general protection fault|Call Trace:|hung_task|blocked for more than|'
report+='detected stall|ODEBUG|list_(add|del) corruption'
kernel_report="\[ *[0-9]+\.[0-9]+\] .*($report)"

# Prints the kernel's reports in a console log (at most 40 lines).
kernel_reports() {
	tr -d '\r' <"$1" | grep -aE "$kernel_report" | head -40 || true
}

# Copies the console to stdout: from the start marker on, and before it
# only kernel reports (or everything when verbose).
show_console() {
	local line on=$verbose
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		[[ $line == *KSTD-GUEST-START:* ]] && on=1
		if [ "$on" = 1 ] || [[ $line =~ $kernel_report ]]; then
			printf '%s\n' "$line"
		fi
	done
}

usage() { sed -n '3,33s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# Writes an initramfs (uncompressed newc cpio) for --modules: static
# busybox, scripts/initrd-init.sh as /init, and the modules that mounting
# the root over virtio-9p needs, with their dependencies in load order
# (modprobe --show-depends reads DIR's modules.dep), decompressed.
make_initrd() { # module-tree cpio-file
	local dir=$1 cpio=$2 rel base stage kind path m deps
	rel=${dir##*/}
	[ -f "$dir/modules.dep" ] || die "--modules $dir: no modules.dep there (run depmod)"
	case $dir in
	*/lib/modules/"$rel") base=${dir%/lib/modules/"$rel"} ;;
	*) die "--modules $dir: not a .../lib/modules/<release> directory" ;;
	esac
	deps=$(PATH=$PATH:/sbin:/usr/sbin modprobe -a -d "$base" -S "$rel" --show-depends \
		virtio_pci 9pnet_virtio 9p) || die "modprobe --show-depends failed on $dir"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/kstd-initrd.XXXXXX")
	mkdir -p "$stage/bin" "$stage/modules"
	cp /bin/busybox "$stage/bin/busybox"
	install -m 0755 "$KSTD_ROOT/scripts/initrd-init.sh" "$stage/init"
	printf '%s\n' "$dir" >"$stage/modules.dir"
	: >"$stage/modules.load"
	while read -r kind path; do
		[ "$kind" = insmod ] || continue # "builtin NAME": nothing to load
		m=$(basename "$path")
		m=${m%%.ko*}.ko
		grep -qx "$m" "$stage/modules.load" && continue
		case $path in
		*.ko) cp "$path" "$stage/modules/$m" ;;
		*.ko.xz) xz -dc "$path" >"$stage/modules/$m" ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/modules/$m" ;;
		*.ko.gz) gzip -dc "$path" >"$stage/modules/$m" ;;
		*) die "cannot load $path (unknown compression)" ;;
		esac || die "cannot read $path"
		echo "$m" >>"$stage/modules.load"
	done <<<"$deps"
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) >"$cpio" ||
		die "cannot write $cpio"
	rm -rf "$stage"
}

kernel='' flavor=x86-debug smp=2 tcg_threads=multi mem=2048 timeout=600 out='' extra='' ktap=0 verbose=0 modules='' netns='' tap=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift ;;
	--flavor) flavor=$2; shift ;;
	--smp) smp=$2; shift ;;
	--tcg-single) tcg_threads=single ;;
	--mem) mem=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--out) out=$2; shift ;;
	--append) extra=$2; shift ;;
	--modules) modules=$2; shift ;;
	--netns) netns=$2; shift ;;
	--tap) tap=$2; shift ;;
	--ktap) ktap=1 ;;
	--verbose) verbose=1 ;;
	--check-log)
		reports=$(kernel_reports "$2")
		[ -z "$reports" ] || { printf '%s\n' "$reports"; die "kernel reports in $2"; }
		exit 0 ;;
	--) shift; break ;;
	*) usage ;;
	esac
	shift
done
[ $# -gt 0 ] || usage
[ -n "$netns" ] || [ -z "$tap" ] || die "--tap needs --netns"
[ -z "$netns" ] || [ -n "$tap" ] || die "--netns needs --tap"

# The guest mounts its own /tmp and /run; host directories under them that
# the command needs (the current one, this checkout) are bind-mounted back.
keep=()
for d in "$PWD" "$KSTD_ROOT"; do
	case $d/ in
	/dev/* | /proc/* | /sys/*) die "cannot run from $d: the guest mounts its own there" ;;
	/tmp/* | /run/*) keep+=("$d") ;;
	esac
done
need_pkgs qemu-system-x86 qemu-system-data busybox-static
[ -z "$modules" ] || need_pkgs kmod cpio xz-utils zstd
if [ -z "$kernel" ]; then
	kernel=$("$KSTD_ROOT/scripts/build-kernel.sh" "$flavor")/arch/x86/boot/bzImage
fi
[ -f "$kernel" ] || die "no kernel image at $kernel"
if [ ! -d /out ]; then
	log "creating /out, the guest's mount point for the out directory"
	if [ "$(id -u)" -eq 0 ]; then mkdir /out; else sudo mkdir /out; fi
fi

out=${out:-$(mktemp -d "${TMPDIR:-/tmp}/kstd-guest.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/console.log" "$out/kmemleak.txt" "$out/initrd.cpio"
initrd=()
if [ -n "$modules" ]; then
	[ -d "$modules" ] || die "--modules $modules: no such directory"
	make_initrd "$(cd "$modules" && pwd)" "$out/initrd.cpio"
	initrd=(-initrd "$out/initrd.cpio")
fi
printf '%s\0' "$PWD" "$@" >"$out/.kstd-cmd"
: >"$out/.kstd-keep"
[ ${#keep[@]} -eq 0 ] || printf '%s\0' "${keep[@]}" >"$out/.kstd-keep"

# The guest's clock: under TCG the guest reads the host's TSC, but
# calibrating it against the emulated PIT fails or drifts when the host is
# busy, and the clocksource watchdog then falls back to jiffies (4 ms
# resolution, useless for latency numbers).  So give the guest the host's
# TSC frequency and tell it to trust the TSC.
tsc_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
append="console=ttyS0 panic=-1 tsc=reliable ${tsc_khz:+tsc_early_khz=$tsc_khz}"
append+=" root=hostroot rootfstype=9p ro"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
append+=" init=$KSTD_ROOT/scripts/guest-init.sh $extra"
qemu=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
      -accel "tcg,thread=$tcg_threads" -cpu qemu64 -smp "$smp" -m "$mem"
      -bios /usr/share/qemu/qboot.rom
      -chardev "stdio,id=con,logfile=${out//,/,,}/console.log" -serial chardev:con
      -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
      -virtfs "local,path=${out//,/,,},mount_tag=kstdout,security_model=none"
      -kernel "$kernel" "${initrd[@]}" -append "$append")
if [ -n "$netns" ]; then
	ip netns exec "$netns" ip link show "$tap" >/dev/null 2>&1 ||
		die "--tap $tap: no such device in network namespace $netns"
	qemu=(ip netns exec "$netns" "${qemu[@]}"
	      -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
	      -device "virtio-net-pci,netdev=n0")
fi

log "booting $kernel; console log in $out/console.log"
start=$(date +%s%N)
set +e
timeout --foreground -k 5 "$timeout" "${qemu[@]}" </dev/null | show_console
rc=${PIPESTATUS[0]}
set -e
secs=$((($(date +%s%N) - start) / 10000000))
log "guest ran $((secs / 100)).$(printf %02d $((secs % 100))) s"

console=$out/console.log
touch "$console"
exit_line=$(tr -d '\r' <"$console" | grep -ao 'KSTD-GUEST-EXIT: [0-9]*' | tail -1 || true)
leak_line=$(tr -d '\r' <"$console" | grep -ao 'KSTD-GUEST-KMEMLEAK: [0-9]*' | tail -1 || true)
if [ -z "$exit_line" ] && [ "$verbose" = 0 ]; then
	log "last console lines:"
	tr -d '\r' <"$console" | tail -30 >&2
fi

reports=$(kernel_reports "$console")
[ -z "$reports" ] || printf '%s\n' "$reports" >&2
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	die "guest timed out after $timeout s"
elif [ -n "$reports" ]; then
	die "the kernel reported problems (lines above)"
elif [ -z "$exit_line" ]; then
	die "guest ended without an exit status (crash? qemu exit code $rc)"
elif [ -n "$leak_line" ] && [ "${leak_line##* }" != 0 ]; then
	die "kmemleak found ${leak_line##* } leaked objects (see $out/kmemleak.txt)"
elif [ "${exit_line##* }" != 0 ]; then
	die "guest command failed with status ${exit_line##* }"
fi
if [ "$ktap" = 1 ]; then
	"$KSTD_ROOT/scripts/ktap-parse.sh" "$console" || die "KUnit tests failed"
fi
log "guest command passed"
