#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make compile_commands.json`: a compilation database of kstd's C++ sources
# for clangd and clang-tidy, with the flags Kbuild really uses.
#
#   scripts/compile-commands.sh [KDIR]
#
# Builds every module against KDIR (default: the running kernel's headers if
# installed, else the cached x86_64 debug test kernel) with
# scripts/build-modules.sh (W=1), then turns the command line Kbuild saved for each
# C++ object (the savedcmd_ line of its .<obj>.cmd file: the kstd.mk rule's
# g++ invocation) into a database entry for the real source file.  The
# kernel's scripts/clang-tools/gen_compile_commands.py only knows .c and .S.
# The user-space tools and the host tests are added with their own flags.
#
# The database is meant for clang tools (clangd, clang-tidy are clang 14),
# while the kernel's flags are gcc's: every flag clang rejects or ignores
# (-fconserve-stack, -mindirect-branch=..., --param ..., gcc-only warnings,
# ...) is dropped after asking clang++ about it, and the compiler is recorded
# as clang++.  Writes compile_commands.json in the repository root, or in
# $KSTD_CDB_DIR (`make lint` keeps its own in build/lint/).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kdir=${1:-}
if [ -z "$kdir" ]; then
	if [ -f "/lib/modules/$(uname -r)/build/Makefile" ]; then
		kdir=/lib/modules/$(uname -r)/build
	else
		kdir=$("$KSTD_ROOT/scripts/build-kernel.sh" x86-debug)
	fi
fi
[ -f "$kdir/Makefile" ] || die "$kdir is not a kernel build directory"
kdir=$(realpath "$kdir")
command -v clang++ >/dev/null || need_pkgs clang

# With W=1, as `make check` builds (so after it this is a no-op), and the
# database carries the extra warnings.  A failed build still leaves the
# .cmd files of the objects that compiled, so an editor gets a database even
# while one file has errors.
out=$("$KSTD_ROOT/scripts/build-modules.sh" "$kdir" W=1) ||
	out=${KSTD_BUILD:-$KSTD_ROOT/build}/modules/$(basename "$kdir")
[ -d "$out" ] || die "no module build output in $out"

cdb_dir=${KSTD_CDB_DIR:-$KSTD_ROOT}
mkdir -p "$cdb_dir"
python3 - "$KSTD_ROOT" "$kdir" "$out" "$cdb_dir" <<'PY'
import glob, json, os, re, shlex, subprocess, sys

root, kdir, out, cdb_dir = sys.argv[1:5]
line_re = re.compile(r'^(?:saved)?cmd_(\S+\.o) := (.*)$', re.M)
joined = {'--param', '-include', '-imacros', '-isystem', '-idirafter', '-x', '-o',
	  '-MF', '-MT', '-MQ', '-I', '-D', '-U'}
probed = {}

def clang_accepts(flag):
	"""Does clang++ take this flag without an error or an 'ignored' warning?"""
	if flag not in probed:
		r = subprocess.run(['clang++', '-std=gnu++20', '-fsyntax-only', '-x', 'c++', '-',
				    '-Werror=unknown-warning-option',
				    '-Werror=ignored-optimization-argument',
				    '-Werror=unused-command-line-argument', *shlex.split(flag)],
				   input='int kstd_probe;\n', capture_output=True, text=True)
		probed[flag] = r.returncode == 0
	return probed[flag]

def group(args):
	"""Glue a flag to its separate argument ("--param x=1", "-o file")."""
	i = 0
	while i < len(args):
		a = args[i]
		if a in joined and i + 1 < len(args):
			yield [a, args[i + 1]]
			i += 2
		else:
			yield [a]
			i += 1

entries, dropped = [], set()
for dirpath, _, files in os.walk(out):
	for name in files:
		if not (name.startswith('.') and name.endswith('.o.cmd')):
			continue
		m = line_re.search(open(os.path.join(dirpath, name), errors='replace').read())
		if not m:
			continue
		# The rule runs "CXX ... -c -o obj src ; objtool ... ; objcopy ...".
		argv = shlex.split(m.group(2).split(' ; ')[0])
		if not argv or not argv[-1].endswith('.cpp') or '++' not in os.path.basename(argv[0]):
			continue
		src = os.path.realpath(os.path.join(kdir, argv[-1]))
		if not src.startswith(root + '/'):
			continue
		args = ['clang++']
		for g in group(argv[1:-1]):
			if g[0].startswith('-Wp,-M') or g[0] == '-o':
				continue  # dependency file, output: not for an editor
			flag = ' '.join(shlex.quote(x) for x in g)
			if g[0].startswith(('-I', '-D', '-U')) or g[0] == '-c' or clang_accepts(flag):
				args += g
			else:
				dropped.add(flag)
		entries.append({'directory': kdir, 'file': src, 'arguments': args + [src],
				'output': os.path.join(dirpath, m.group(1))})

# User-space sources: the tools (scripts/build-tools.sh's flags) and the
# host tests and fuzzers (tests/host/Makefile's, khttpd's in examples/khttpd/tests), which
# include kstd's freestanding headers.
user = ['clang++', '-std=gnu++20', '-O2', '-Wall', '-Wextra', '-pthread']
for pattern in ('examples/*/tools/*.cpp', 'tools/*.cpp', 'tests/host/*.cpp',
		'examples/khttpd/tests/*.cpp'):
	for src in sorted(glob.glob(os.path.join(root, pattern))):
		args = user + ['-I' + os.path.join(root, 'include'),
			       '-I' + os.path.join(root, 'examples/drop-tcp-socket'),
			       '-I' + os.path.join(root, 'examples/khttpd'),
			       '-I' + os.path.join(root, 'tests/host')]
		if src.endswith('_fuzz.cpp'):
			args.append('-fsanitize=fuzzer')
		entries.append({'directory': root, 'file': src, 'arguments': args + ['-c', src]})

entries.sort(key=lambda e: e['file'])
with open(os.path.join(cdb_dir, 'compile_commands.json'), 'w') as f:
	json.dump(entries, f, indent=1)
	f.write('\n')
print(f'{len(entries)} C++ sources; dropped for clang: {" ".join(sorted(dropped)) or "nothing"}',
      file=sys.stderr)
PY
log "wrote $cdb_dir/compile_commands.json (flags of $kdir)"
