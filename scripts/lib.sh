# SPDX-License-Identifier: GPL-2.0-only
# Shared shell helpers for kstd's scripts: where the cache lives, where the
# kernel source comes from.  Sourced, not executed.

KSTD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSTD_CACHE=${KSTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kstd}
KSTD_JOBS=${KSTD_JOBS:-$(nproc)}

log() { printf '[kstd] %s\n' "$*" >&2; }
die() { printf '[kstd] error: %s\n' "$*" >&2; exit 1; }

# Debian packages the scripts need; installed on first use when root.
need_pkgs() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null ||
		{ $sudo apt-get update -q >/dev/null &&
		  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null; } ||
		die "apt-get install ${missing[*]} failed"
}

KERNEL_BUILD_DEPS=(build-essential flex bison bc libelf-dev libssl-dev cpio kmod rsync python3 xz-utils)

# Prints the kernel source tree to use.  KSTD_KERNEL_SRC overrides the
# default, Debian's linux-source-6.12 extracted into the cache.
kernel_src() {
	if [ -n "${KSTD_KERNEL_SRC:-}" ]; then
		[ -f "$KSTD_KERNEL_SRC/Makefile" ] || die "KSTD_KERNEL_SRC=$KSTD_KERNEL_SRC is not a kernel tree"
		hook_kunit_tree "$KSTD_KERNEL_SRC"
		echo "$KSTD_KERNEL_SRC"
		return
	fi
	need_pkgs linux-source-6.12 "${KERNEL_BUILD_DEPS[@]}"
	local ver dir
	ver=$(dpkg-query -W -f '${Version}' linux-source-6.12)
	dir=$KSTD_CACHE/src/linux-${ver//\~/-}
	if [ ! -f "$dir/.kstd-extracted" ]; then
		log "extracting linux-source-6.12 ($ver) into $dir"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$dir.tmp" --strip-components=1
		rm -rf "$dir" && mv "$dir.tmp" "$dir"
		touch "$dir/.kstd-extracted"
	fi
	hook_kunit_tree "$dir"
	echo "$dir"
}

# Lets kunit.py build KUnit suites into its UML kernel.  The tree gets a
# drivers/kstd directory (a Kconfig with the suites' symbol, a Makefile) and
# one source/obj line each in drivers/Kconfig and drivers/Makefile.  Each
# checkout links its kunit/ as drivers/kstd/k-<hash of its path>, and
# scripts/kunit.sh links a module's kunit/ as drivers/kstd/m-<hash of its
# path> (hook_module_kunit); kunit.py builds exactly one of them, the one
# make KSTD_KUNIT_DIR=<name> selects (two would link kstd.o into vmlinux
# twice), so several checkouts and modules share the cached source tree.
# Idempotent, and harmless to builds that leave CONFIG_KSTD_KUNIT_TEST unset.
kunit_dir_name() { echo "k-$(echo "$KSTD_ROOT" | sha256sum | cut -c1-12)"; }

hook_kunit_tree() {
	local src=$1 link
	link=$src/drivers/kstd/$(kunit_dir_name)
	[ -L "$src/drivers/kstd" ] && rm -f "$src/drivers/kstd" # an older layout
	mkdir -p "$src/drivers/kstd"
	cmp -s "$KSTD_ROOT/kunit/Kconfig" "$src/drivers/kstd/Kconfig" ||
		cp "$KSTD_ROOT/kunit/Kconfig" "$src/drivers/kstd/Kconfig"
	local mk='obj-y += $(if $(KSTD_KUNIT_DIR),$(KSTD_KUNIT_DIR)/)'
	[ "$(cat "$src/drivers/kstd/Makefile" 2>/dev/null)" = "$mk" ] ||
		echo "$mk" >"$src/drivers/kstd/Makefile"
	grep -q 'drivers/kstd/Kconfig' "$src/drivers/Kconfig" ||
		sed -i '/^endmenu/i source "drivers/kstd/Kconfig"' "$src/drivers/Kconfig"
	grep -q 'CONFIG_KSTD_KUNIT_TEST' "$src/drivers/Makefile" ||
		echo 'obj-$(CONFIG_KSTD_KUNIT_TEST) += kstd/' >>"$src/drivers/Makefile"
	[ "$(readlink "$link" 2>/dev/null)" = "$KSTD_ROOT/kunit" ] ||
		ln -sfn "$KSTD_ROOT/kunit" "$link"
}

# Links a module's KUnit directory (the one holding its kunit/Kbuild) into
# the hooked tree SRC as drivers/kstd/m-<hash of its real path> and prints
# that name, for make KSTD_KUNIT_DIR=.  Links whose directory is gone go.
hook_module_kunit() { # src kunit-dir
	local src=$1 dir name
	dir=$(cd "$2" && pwd -P) || die "no directory $2"
	name=m-$(echo "$dir" | sha256sum | cut -c1-12)
	find "$src/drivers/kstd" -maxdepth 1 -name 'm-*' -xtype l -delete 2>/dev/null || true
	[ "$(readlink "$src/drivers/kstd/$name" 2>/dev/null)" = "$dir" ] ||
		ln -sfn "$dir" "$src/drivers/kstd/$name"
	echo "$name"
}

# The UML build directory kunit.py builds kstd's (or a module's) suites in:
# $KSTD_UML_DIR, by default $KSTD_CACHE/build/linux-<version>-uml-kunit,
# with -llvm<LLVM> appended for KSTD_LLVM=<LLVM>.  Callers hold
# "<dir>.lock" (flock) while kunit.py builds and runs there.
uml_kunit_build_dir() { # src
	local llvm=${KSTD_LLVM:-}
	echo "${KSTD_UML_DIR:-$KSTD_CACHE/build/linux-$(kernel_version "$1")-uml-kunit${llvm:+-llvm${llvm//\//_}}}"
}

kernel_version() { make -s -C "$1" kernelversion 2>/dev/null; }

# Installs one of Debian's kernel-headers meta-packages (linux-headers-amd64
# for 6.1, linux-headers-6.12-amd64, linux-headers-6.12-rt-amd64, ...) and
# prints the headers directory of the release it depends on.  Without its
# Recommends: those are the kernel image, which the host must not install.
debian_headers() { # meta-package
	local meta=$1 release sudo=
	if ! dpkg-query -W -f '${Status}\n' "$meta" 2>/dev/null | grep -q 'install ok installed'; then
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		log "installing $meta"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
			"$meta" >/dev/null ||
			{ $sudo apt-get update -q >/dev/null &&
			  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
				--no-install-recommends "$meta" >/dev/null; } ||
			die "apt-get install $meta failed"
	fi
	release=$(dpkg-query -W -f '${Depends}' "$meta" | grep -oE 'linux-headers-[0-9][^ ,]*' | head -1)
	[ -n "$release" ] && [ -f "/usr/src/$release/Makefile" ] ||
		die "$meta depends on no installed linux-headers-<release>"
	echo "/usr/src/$release"
}
