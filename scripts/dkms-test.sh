#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the reference modules through DKMS with dkms.conf, the way a user
# installs them, against Debian's 6.1 headers:
#
#   scripts/dkms-test.sh [KERNEL_RELEASE]   (default: the newest installed
#                                            6.1 headers, linux-headers-amd64)
#
# Everything happens in a private DKMS tree under build/dkms (--dkmstree,
# --sourcetree, --installtree, and a private signing key), never in
# /var/lib/dkms, /usr/src or /lib/modules, and nothing is loaded: the
# target kernel is not the one running.  Steps: copy the source set that
# README.md's "Install with DKMS" copies; dkms add; dkms build (DKMS signs
# the modules with a key it generates, here in the private tree); check
# every module's vermagic and signature; dkms install into the private
# install tree and resolve every module's symbols against the kernel's
# exports with depmod.  Prints "ok - ..." / "not ok - ..." per step.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

# What README.md's "Install with DKMS" section copies to /usr/src/kstd-<v>.
DKMS_SOURCES=(dkms.conf kstd.mk LICENSE include lib examples)

need_pkgs dkms openssl kmod
kver=${1:-$(debian_headers linux-headers-amd64)}
kver=${kver##*/linux-headers-}
[ -n "$kver" ] || die "no linux-headers-6.1.*-amd64 installed"
kdir=/lib/modules/$kver/build
[ -f "$kdir/Makefile" ] || die "no kernel headers at $kdir (linux-headers-$kver)"

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$KSTD_ROOT/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$KSTD_ROOT/dkms.conf")
mapfile -t modules < <(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' "$KSTD_ROOT/dkms.conf")
[ -n "$name" ] && [ -n "$version" ] && [ ${#modules[@]} -gt 0 ] ||
	die "cannot read PACKAGE_NAME, PACKAGE_VERSION and BUILT_MODULE_NAME from dkms.conf"

base=${KSTD_BUILD:-$KSTD_ROOT/build}/dkms
rm -rf "$base"
mkdir -p "$base/src/$name-$version" "$base/tree" "$base/install/lib/modules/$kver"
(cd "$KSTD_ROOT" && cp -r "${DKMS_SOURCES[@]}" "$base/src/$name-$version/")

# dkms reads the signing key's location from the environment (unless
# /etc/dkms/framework.conf sets it) and creates the key when it is missing.
export mok_signing_key=$base/mok.key mok_certificate=$base/mok.der
dkms_opts=(-m "$name" -v "$version" --sourcetree "$base/src" --dkmstree "$base/tree"
	--installtree "$base/install/lib/modules")

fails=0
check() { # name, then a command that must succeed
	local what=$1
	shift
	if "$@"; then echo "ok - dkms: $what"; else echo "not ok - dkms: $what"; fails=$((fails + 1)); fi
}

system_state() { ls -A /var/lib/dkms /usr/src "/lib/modules/$kver" 2>/dev/null; }
before=$(system_state)
check "add $name/$version" dkms add "${dkms_opts[@]}"
t0=$(date +%s)
if ! check "build against $kver" dkms build "${dkms_opts[@]}" -k "$kver"; then
	tail -40 "$base/tree/$name/$version/build/make.log" 2>/dev/null
fi
echo "# dkms build took $(($(date +%s) - t0)) s"
dkms status "${dkms_opts[@]}"
check "status says built" bash -c "dkms status ${dkms_opts[*]@Q} -k $kver | grep -q ': built\$'"

# The saved modules: the right kernel, and signed with the private key.
built=$base/tree/$name/$version/$kver/x86_64/module
for m in "${modules[@]}"; do
	ko=$(ls "$built/$m".ko* 2>/dev/null | head -1)
	check "$m.ko built" test -n "$ko"
	[ -n "$ko" ] || continue
	check "$m.ko is for $kver" bash -c "modinfo -F vermagic '$ko' | grep -q '^$kver '"
	check "$m.ko signed by the DKMS key" bash -c \
		"modinfo -F signer '$ko' | grep -qx 'DKMS module signing key'"
done

# Install into the private tree (dkms install wants root; it only copies
# files there, --no-depmod), then let depmod resolve every symbol against
# the kernel's exports (Module.symvers of the headers).
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n -E)
if grep -qsE '^[[:space:]]*modprobe_on_install=..' /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; then
	echo "not ok - dkms: install (framework.conf sets modprobe_on_install; not installing)"
	fails=$((fails + 1))
else
	check "install into a private tree" "${as_root[@]}" dkms install "${dkms_opts[@]}" -k "$kver" --no-depmod
	for m in "${modules[@]}"; do
		check "$m installed in /updates/dkms" \
			bash -c "ls '$base/install/lib/modules/$kver/updates/dkms/$m'.ko* >/dev/null"
	done
	# The image package's lists, absent here; depmod only warns without them.
	touch "$base/install/lib/modules/$kver/"modules.{order,builtin,builtin.modinfo}
	depmod_out=$(depmod -b "$base/install" -e -E "$kdir/Module.symvers" "$kver" 2>&1)
	[ -z "$depmod_out" ] || echo "$depmod_out"
	check "depmod resolves every symbol against $kver's exports" \
		bash -c "[ -z ${depmod_out@Q} ] && grep -q 'updates/dkms/kecho.ko' '$base/install/lib/modules/$kver/modules.dep'"
	"${as_root[@]}" chown -R "$(id -u):$(id -g)" "$base" 2>/dev/null || true
fi
check "nothing written to /var/lib/dkms, /usr/src or /lib/modules/$kver" \
	test "$before" = "$(system_state)"
echo "dkms: $fails failed"
exit $((fails > 0))
