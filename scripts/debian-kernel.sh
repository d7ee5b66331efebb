#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetches Debian's kernel image package for a release whose headers are
# installed, unpacked (not installed) into the cache:
#
#   scripts/debian-kernel.sh [RELEASE]   (default: the newest installed
#                                         6.1 headers, linux-headers-amd64)
#
# Prints the directory, which holds boot/vmlinuz-RELEASE and
# lib/modules/RELEASE/ (the .ko files, and modules.dep that depmod makes
# here, as the package's postinst would on install): what
# `scripts/run-guest.sh --kernel DIR/boot/vmlinuz-RELEASE --modules
# DIR/lib/modules/RELEASE` boots.  The package must be the same Debian
# version as the headers (modules built against the headers must match the
# image's vermagic and symbol versions), and is cached by that version:
# $KSTD_CACHE/debian/linux-image-RELEASE_VERSION.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_pkgs kmod
kver=${1:-$(debian_headers linux-headers-amd64)}
kver=${kver##*/linux-headers-}
[ -n "$kver" ] || die "no linux-headers-6.1.*-amd64 installed"
hver=$(dpkg-query -W -f '${Version}' "linux-headers-$kver" 2>/dev/null) ||
	die "linux-headers-$kver is not installed"
dir=$KSTD_CACHE/debian/linux-image-${kver}_${hver//\~/-}
if [ -f "$dir/.kstd-extracted" ]; then
	echo "$dir"
	exit 0
fi

# The signed image is what Debian boots; its modules are signed too (ours
# are not, and load with a taint).  apt-get download needs no root; as
# root, apt's _apt sandbox user could not write to our private directory.
pkg=linux-image-$kver
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kstd-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
apt_opts=(-q)
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
download() { (cd "$tmp" && apt-get download "${apt_opts[@]}" "$pkg=$hver" >&2); }
log "downloading $pkg=$hver"
if ! download; then
	{ [ "$(id -u)" -eq 0 ] && apt-get update -q >&2 && download; } ||
		die "cannot download $pkg=$hver (the image must match linux-headers-$kver $hver)"
fi
deb=$(ls "$tmp"/*.deb)
got=$(dpkg-deb -f "$deb" Version)
[ "$got" = "$hver" ] || die "$deb is version $got, the headers are $hver"

log "unpacking $(basename "$deb") into $dir"
rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
dpkg-deb -x "$deb" "$dir.tmp"
depmod -b "$dir.tmp" "$kver" || die "depmod failed on $dir.tmp"
[ -f "$dir.tmp/boot/vmlinuz-$kver" ] && [ -f "$dir.tmp/lib/modules/$kver/modules.dep" ] ||
	die "$deb has no boot/vmlinuz-$kver or lib/modules/$kver/modules.dep"
rm -rf "$dir" && mv "$dir.tmp" "$dir"
touch "$dir/.kstd-extracted"
echo "$dir"
