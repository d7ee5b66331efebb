#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compiles every @code example of kstd's headers, as a kernel module.

    scripts/doc-examples.py KDIR [make arguments, e.g. W=1 or ARCH=um LLVM=-14]

Each `@code` ... `@endcode` block of include/kstd/*.hpp and *.h becomes one
C++ translation unit in build/doc-examples/<kernel>/ (never in the source
tree), and all of them plus kstd.o are linked into kstd_doc_examples.ko
through kstd.mk: the kernel's own flags, -Werror-like (any warning fails),
and kstd.mk's refusals (global constructors, operator new).  A block that
does not compile is reported as

    include/kstd/list.hpp:29: example does not compile

followed by the compiler's messages, whose file:line point into the header's
comment (the unit carries #line directives, and the columns are the header's).
Exit status 1 if any block fails.  Prints the module's directory on success,
and on stderr how many examples compiled.

How a block becomes C++:
  - It is cut into top-level items (a statement, or a declaration with its
    braces).  An item whose first line declares something that belongs at
    namespace scope (struct/class/union/enum/namespace/template/using/
    typedef/static/inline/constexpr, a KSTD_MODULE* macro, a preprocessor line, a function
    definition) is pasted at namespace scope; every other item is a statement
    of one function, `kstd::result<void> doc_example()`, which ends with
    `return {};`.  Both live in an anonymous namespace, so blocks never clash.
    An explicit specialization (`template <> ... kstd::x<T> = ...`) and the
    KSTD_TEST*() macros of kstd/kunit.hpp are pasted at global scope, where
    they must be (so kunit.hpp's example suites run with this module).
  - A line that is `...` (or ends a statement head with `...`) stands for
    elided code and becomes `;`.
  - Context the example uses but should not spell out (the stream a member
    function's example works on) is given on a Doxygen `@noop` line just
    before `@code`, which Doxygen drops:
        @noop example(kstd::tcp_stream &stream, kstd::recv_buffer &rx)
        @noop example(kstd::recv_buffer &rx) -> void
    The parentheses are doc_example()'s parameters, `-> T` its return type
    (default kstd::result<void>; `return {};` is appended only for that one).
  - Unused variables, functions and empty bodies are expected in examples,
    and so are member functions declared and left to the reader (clang's
    -Wundefined-internal): those warnings are off in the generated units,
    every other one is on.  The kernel's integer names (u8 ... s64) are
    used unqualified, as in kernel C (`using kstd::u8;` ...).
  - A block with KSTD_MODULE() is a module of its own (its module_init), in
    a subdirectory.
  - An example that is a pure computation is also run: the line
        @noop example runs as a KUnit case
    before its `@code` makes it a case of the KUnit suite kstd_doc_examples
    (named <header>_<line>), which passes if doc_example() returns success
    and, as every case, if the kernel logs no WARN, KASAN or leak report.
    Such a block takes no context.  Load the module in a guest to run them:
        insmod <dir>/kstd_doc_examples.ko && rmmod kstd_doc_examples
    kstd/kunit.hpp's own examples are suites of that module too.  Against a
    kernel without a built-in KUnit (Debian's), kunit.hpp's examples and the
    suite are left out.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER_DIR = os.path.join(ROOT, "include", "kstd")

NAMESPACE_SCOPE = re.compile(
    r"^(#|(struct|class|union|enum|namespace|template|using|typedef|static|extern|inline|constexpr)\b|KSTD_MODULE)")
STATEMENT_KEYWORDS = {"return", "if", "else", "while", "for", "switch", "do", "case",
                      "delete", "goto", "co_return", "co_await", "throw"}
# `type name(` at the start of a line: a function head (or a variable
# constructed with parentheses; an item ending in `}` tells them apart).
FUNCTION_HEAD = re.compile(r"^([\w:<>,\s\*&]+?)\s+[\*&]*~?[\w:]+\s*\(")
ELLIPSIS = re.compile(r"(^\s*|\)\s*)\.\.\.(;?)(\s*(//.*)?)$")
CONTEXT = re.compile(r"^@noop\s+example\((.*)\)\s*(->\s*(.+?))?\s*$")
RUNS = "@noop example runs as a KUnit case"


class Block:
    def __init__(self, header, line, lines, context):
        self.header = header          # path relative to ROOT
        self.line = line              # line of @code (1-based)
        self.lines = lines            # [(line number, text with prefix blanked)]
        self.params, self.ret, self.runs = context
        self.name = "ex_%s_%d" % (re.sub(r"\W", "_", os.path.basename(header)), line)
        self.case = self.name[3:]   # its KUnit case, if it runs

    def is_module(self):
        return any(re.search(r"\bKSTD_MODULE\(", t) for _, t in self.lines)


def comment_text(raw):
    """A comment line without its ` * ` prefix, and the prefix blanked."""
    m = re.match(r"^(\s*\*( |$)|\s*/\*\*\s?|\s*///\s?)", raw)
    if not m:
        return raw, raw
    prefix = m.group(0)
    blank = "".join(c if c == "\t" else " " for c in prefix)
    return raw[len(prefix):], blank + raw[len(prefix):]


def extract(path):
    rel = os.path.relpath(path, ROOT)
    none = (None, None, False)
    blocks, cur, context, pending = [], None, none, none
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            text, blanked = comment_text(raw)
            stripped = text.strip()
            if cur is None:
                m = CONTEXT.match(stripped)
                if m:
                    pending = (m.group(1).strip(), m.group(3), False)
                    continue
                if stripped == RUNS:
                    pending = (None, None, True)
                    continue
                if re.match(r"^[@\\]code(\{[^}]*\})?$", stripped):
                    cur, context, pending = (n, []), pending, none
                elif stripped:
                    pending = none
                continue
            if re.match(r"^[@\\]endcode$", stripped):
                blocks.append(Block(rel, cur[0], cur[1], context))
                cur = None
                continue
            cur[1].append((n, blanked))
    if cur is not None:
        sys.exit("%s:%d: @code without @endcode" % (rel, cur[0]))
    return blocks


def code_of(line):
    """The line without comments and string/char literals, for scanning."""
    out, i, q = [], 0, None
    while i < len(line):
        c = line[i]
        if q:
            if c == "\\":
                i += 2
                continue
            if c == q:
                q = None
            i += 1
            continue
        if c in "\"'":
            q = c
        elif line.startswith("//", i):
            break
        else:
            out.append(c)
        i += 1
    return "".join(out)


def items(lines):
    """Top-level items: [(kind, [(n, text)])], kind 'ns', 'global' or 'stmt'."""
    result, cur, depth = [], [], 0
    for n, text in lines:
        text = ELLIPSIS.sub(lambda m: m.group(1) + ";" + m.group(3), text)
        cur.append((n, text))
        code = code_of(text).strip()
        if code.startswith("#") and depth == 0 and len(cur) == 1:
            result.append(cur)
            cur = []
            continue
        depth += code.count("{") - code.count("}")
        if depth == 0 and code and (code.endswith(";") or code.endswith("}")):
            result.append(cur)
            cur = []
    if cur:
        result.append(cur)
    typed = []
    for it in result:
        first = next((code_of(t).strip() for _, t in it if code_of(t).strip()), "")
        last = code_of(it[-1][1]).strip()
        head = FUNCTION_HEAD.match(first)
        if re.match(r"^(template\s*<>|KSTD_TEST)", first):
            kind = "global"
        elif NAMESPACE_SCOPE.match(first):
            kind = "ns"
        elif head and head.group(1).split()[0] not in STATEMENT_KEYWORDS and last.endswith("}"):
            kind = "ns"
        else:
            kind = "stmt"
        typed.append((kind, it))
    return typed


def unit(block, headers):
    path = os.path.join(ROOT, block.header)
    out = ["// SPDX-License-Identifier: GPL-2.0-only",
           "// Generated by scripts/doc-examples.py from %s:%d; do not edit."
           % (block.header, block.line)]
    # Every public header (kunit.hpp only for its own examples: it needs KUnit).
    own = os.path.basename(block.header)
    out += ["#include <kstd/%s>" % h for h in headers if h != "kunit.hpp" or h == own]
    # The kernel's integer names, unqualified as in kernel C.
    out += ["using kstd::%s;" % t for t in ("u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64")]
    out += ['#pragma GCC diagnostic ignored "-W%s"' % w for w in
            ("unused-variable", "unused-but-set-variable", "unused-function",
             "unused-local-typedefs", "empty-body", "unused-value")]
    # A member function the example declares and leaves to the reader.
    out += ["#ifdef __clang__", '#pragma GCC diagnostic ignored "-Wundefined-internal"', "#endif"]
    out.append("namespace {")
    body = []

    def place(kind, item):
        if kind == "stmt":
            dest = body
        else:
            dest = out
        if kind == "global":
            out.append("} // namespace")
        dest.append('#line %d "%s"' % (item[0][0], path))
        dest.extend(t for _, t in item)
        if kind == "global":
            out.append("namespace {")

    for kind, item in items(block.lines):
        place(kind, item)
    ret = block.ret or "kstd::result<void>"
    if body or block.params is not None:
        out.append("[[maybe_unused]] %s doc_example(%s)" % (ret, block.params or ""))
        out.append("{")
        out.extend(body)
        if block.ret is None:
            out.append("return {};")
        out.append("}")
    out.append("} // namespace")
    if block.runs:
        if not body or block.params is not None:
            sys.exit("%s:%d: an example that runs needs statements and no context"
                     % (block.header, block.line))
        # The KUnit case of doc_suite.cpp calls this.
        out.append("kstd::result<void> kstd_doc_%s() noexcept;" % block.case)
        out.append("kstd::result<void> kstd_doc_%s() noexcept { return doc_example(); }"
                   % block.case)
    return "\n".join(out) + "\n"


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w") as f:
        f.write(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    kdir = os.path.realpath(sys.argv[1])
    make_args = sys.argv[2:]
    if not os.path.isfile(os.path.join(kdir, "Makefile")):
        sys.exit("%s is not a kernel build directory" % kdir)
    out = os.path.join(os.environ.get("KSTD_BUILD", os.path.join(ROOT, "build")),
                       "doc-examples", os.path.basename(kdir))
    os.makedirs(out, exist_ok=True)

    files = sorted(f for f in os.listdir(HEADER_DIR) if f.endswith((".hpp", ".h")))
    headers = [f for f in files if f.endswith(".hpp")]
    blocks = [b for f in files for b in extract(os.path.join(HEADER_DIR, f))]
    # kstd/kunit.hpp calls into a built-in KUnit (lib/kstd.c): without one
    # (Debian's kernels), its examples and the suite are left out, as the
    # repository's Kbuild leaves out kunit/.
    with open(os.path.join(kdir, "include", "config", "auto.conf")) as f:
        kunit = "CONFIG_KUNIT=y\n" in f.read()
    left_out = [] if kunit else [b for b in blocks if b.header.endswith("/kunit.hpp")]
    blocks = [b for b in blocks if b not in left_out]

    kbuild = ["# SPDX-License-Identifier: GPL-2.0-only",
              "# Generated by scripts/doc-examples.py; do not edit.",
              "include %s/kstd.mk" % ROOT,
              "obj-m += kstd_doc_examples.o",
              "kstd_doc_examples-y := kstd.o"]
    wanted = set()
    for b in blocks:
        text = unit(b, headers)
        if b.is_module():
            sub = os.path.join(out, b.name)
            os.makedirs(sub, exist_ok=True)
            write_if_changed(os.path.join(sub, "main.cpp"), text)
            write_if_changed(os.path.join(sub, "Kbuild"), "\n".join([
                "# SPDX-License-Identifier: GPL-2.0-only",
                "include %s/kstd.mk" % ROOT,
                "obj-m += %s.o" % b.name,
                "%s-y := main.o kstd.o" % b.name]) + "\n")
            kbuild.append("obj-m += %s/" % b.name)
            b.obj = os.path.join(sub, "main.o")
            wanted.add(b.name)
        else:
            write_if_changed(os.path.join(out, b.name + ".cpp"), text)
            kbuild.append("kstd_doc_examples-y += %s.o" % b.name)
            b.obj = os.path.join(out, b.name + ".o")
            wanted.add(b.name + ".cpp")
    runs = [b for b in blocks if b.runs] if kunit else []
    suite = ["// SPDX-License-Identifier: GPL-2.0-only",
             "// Generated by scripts/doc-examples.py; do not edit.",
             "#include <kstd/module.hpp>"] + (["#include <kstd/kunit.hpp>"] if runs else []) + [
             'KSTD_MODULE_LICENSE("GPL");',
             'KSTD_MODULE_DESCRIPTION("kstd\'s documentation examples (scripts/doc-examples.py)");']
    suite += ["kstd::result<void> kstd_doc_%s() noexcept;" % b.case for b in runs]
    if runs:
        # One case per example that runs: it passes if the example returns
        # success (its KSTD_TRY()s all succeeded) and WARNs nowhere.
        suite.append("KSTD_TEST_SUITE(kstd_doc_examples);")
        for b in runs:
            # A failure names the example's header and line.
            suite.append('#line %d "%s"' % (b.line, os.path.join(ROOT, b.header)))
            suite.append("KSTD_TEST(kstd_doc_examples, %s) { KSTD_EXPECT_OK(kstd_doc_%s()); }"
                         % (b.case, b.case))
        suite.append("KSTD_TEST_SUITE_END(kstd_doc_examples);")
    write_if_changed(os.path.join(out, "doc_module.cpp"), "\n".join(suite) + "\n")
    kbuild.append("kstd_doc_examples-y += doc_module.o")
    write_if_changed(os.path.join(out, "Kbuild"), "\n".join(kbuild) + "\n")
    # Blocks that moved or went away: their units would be stale.
    for f in os.listdir(out):
        if f.startswith("ex_") and f.endswith(".cpp") and f not in wanted:
            os.remove(os.path.join(out, f))

    cmd = ["make", "-C", kdir, "M=" + out, "PAHOLE=%s/lib/kstd-pahole" % ROOT, "-k",
           "-j%s" % os.environ.get("KSTD_JOBS", os.cpu_count())] + make_args
    with open(os.path.join(out, "build.log"), "w") as log:
        rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(out, "build.log")) as log:
        build_log = log.read()

    # make -k names each object it failed to make; an earlier build's copy
    # may still be there (make deletes only what the failed recipe wrote).
    broken = set(re.findall(r"\*\*\* \[[^\]]*: (\S+\.o)\] Error", build_log))
    failed = [b for b in blocks if b.obj in broken or not os.path.exists(b.obj)]
    for b in failed:
        # Again on its own, for its messages alone.
        target = os.path.relpath(b.obj, out)
        r = subprocess.run(["make", "-C", kdir, "M=" + out, "PAHOLE=%s/lib/kstd-pahole" % ROOT]
                           + make_args + [target], capture_output=True, text=True)
        msgs = [l for l in (r.stdout + r.stderr).splitlines()
                if not re.match(r"^(make(\[\d+\])?:|\s+(CC|C\+\+|CHECK|AR|LD)\s)", l)]
        print("%s:%d: example does not compile" % (b.header, b.line), file=sys.stderr)
        print("\n".join("    " + l.replace(ROOT + "/", "") for l in msgs), file=sys.stderr)
    if failed:
        sys.exit("%d of %d examples do not compile (log: %s/build.log)"
                 % (len(failed), len(blocks), out))
    warnings = [l for l in build_log.splitlines()
                if re.search(r"warning:|objtool|error", l, re.I)]
    if rc != 0 or warnings:
        print("\n".join(warnings or build_log.splitlines()[-20:]), file=sys.stderr)
        sys.exit("the examples' module did not build cleanly (log: %s/build.log)" % out)
    print("[kstd] %d examples of %d headers compile against %s; %d run as KUnit cases%s"
          % (len(blocks), len({b.header for b in blocks}), os.path.basename(kdir), len(runs),
             "; %d of kunit.hpp left out (no built-in KUnit)" % len(left_out) if left_out else ""),
          file=sys.stderr)
    print(out)


if __name__ == "__main__":
    main()
