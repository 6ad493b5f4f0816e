"""docs/errors.md is complete: every error format the loader and the host
tool can print (every cb_fail, fail_msg and usage_error call in their
sources, read from the C text) matches a line of the catalogue, and every
line of the loader's table names the QEMU test that provokes it.

A format matches a catalogue line when the line, read as text, is what the
format could print: each conversion (%u, %#lx, %s, %*pE, ...) and each
macro stands for any text, so `<n> bytes > cmdline_size <max>` and
`no NUL in its 2816 bytes` both document their formats. The subject
(`what`) must match too where the source spells it out."""

import glob
import os
import re

import pytest

from tooltest import ROOT

DOC = os.path.join(ROOT, "docs", "errors.md")
FUNCS = {"cb_fail": (1, 2), "fail_msg": (0, 1), "usage_error": (0, 1)}
ANY = "\0"          # a value the source computes: any text


# --------------------------------------------------------------------------
# C sources: the calls and their format strings
# --------------------------------------------------------------------------
def _skip_string(t, i):
    q, j = t[i], i + 1
    while t[j] != q:
        j += 2 if t[j] == "\\" else 1
    return j + 1


def strip_comments(t):
    out, i = [], 0
    while i < len(t):
        if t.startswith("/*", i):
            i = t.index("*/", i + 2) + 2
            out.append(" ")
        elif t.startswith("//", i):
            i = t.find("\n", i) if t.find("\n", i) >= 0 else len(t)
        elif t[i] in "\"'":
            j = _skip_string(t, i)
            out.append(t[i:j])
            i = j
        else:
            out.append(t[i])
            i += 1
    return "".join(out)


def call_args(t, i):
    """The top-level arguments of the call whose '(' is at t[i]."""
    return [a.strip() for a in _top_level_split(t, ",", i + 1)]


def _unescape(s):
    return bytes(s, "utf-8").decode("unicode_escape")


def _top_level_split(expr, sep, start=0):
    """expr from start, split at the top-level character sep (outside
    strings and brackets): up to its end, or to the bracket that closes one
    opened before start."""
    parts, depth, cur, i = [], 0, [], start
    while i < len(expr):
        c = expr[i]
        if c in "\"'":
            k = _skip_string(expr, i)
            cur.append(expr[i:k])
            i = k
            continue
        depth += c in "([" and 1 or (c in ")]" and -1 or 0)
        if depth < 0:
            break
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def texts(expr, defines):
    """Every text an argument can be: string literals glued together,
    macros resolved (else ANY), both sides of a ?: conditional."""
    q = _top_level_split(expr, "?")
    if len(q) > 1:
        alts = _top_level_split("?".join(q[1:]), ":")
        out = []
        for a in (alts[0], ":".join(alts[1:])):
            out += texts(a, defines)
        return out
    parts = []
    for tok in re.finditer(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*)', expr):
        if tok.group(1) is not None:
            parts.append(_unescape(tok.group(1)))
        elif tok.group(2) in defines:
            parts.append(defines[tok.group(2)])
        else:
            parts.append(ANY)
    text = "".join(parts)
    if '"' in expr or re.fullmatch(r"\s*([A-Za-z_]\w*)\s*", expr) and \
            expr.strip() in defines:
        return [text]
    return [ANY]


def file_defines(t):
    out = {}
    for m in re.finditer(r'^#define\s+(\w+)\s+((?:"(?:[^"\\]|\\.)*"\s*)+)$', t, re.M):
        out[m.group(1)] = "".join(_unescape(s) for s in
                                  re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
    return out


def formats(paths):
    """[(source:line, function, what or ANY, format)] of every call."""
    out = []
    for path in paths:
        t = strip_comments(open(path).read())
        defines = file_defines(t)
        for m in re.finditer(r"\b(cb_fail|fail_msg|usage_error)\s*\(", t):
            if re.search(r"\b(int|bool|void)\s+\**$", t[max(0, m.start() - 40):m.start()]):
                continue        # its definition or declaration
            wi, fi = FUNCS[m.group(1)]
            args = call_args(t, m.end() - 1)
            if len(args) <= fi:         # a local variant without a subject
                wi, fi = None, 0
                args = args + [""]
            where = "%s:%d" % (os.path.relpath(path, ROOT), t[:m.start()].count("\n") + 1)
            for what in texts(args[wi], defines) if wi is not None else [ANY]:
                for fmt in texts(args[fi], defines):
                    if fmt != ANY:
                        out.append((where, m.group(1), what, fmt))
    return out


def loader_lib_sources():
    mk = open(os.path.join(ROOT, "Makefile")).read()
    m = re.search(r"^LOADER_LIB_SRCS\s*:=((?:.*\\\n)*.*)$", mk, re.M)
    return m.group(1).replace("\\\n", " ").split()


def loader_sources():
    return [os.path.join(ROOT, p) for p in loader_lib_sources()] + \
        sorted(glob.glob(os.path.join(ROOT, "loader", "*.c"))) + \
        sorted(glob.glob(os.path.join(ROOT, "arch", "x86", "*.c")))


def tool_sources():
    libs = set(loader_lib_sources())
    return sorted(glob.glob(os.path.join(ROOT, "tools", "cellboot", "*.c"))) + \
        [p for p in sorted(glob.glob(os.path.join(ROOT, "lib", "*.c")))
         if os.path.relpath(p, ROOT) not in libs]


CONVERSION = re.compile(r"%%|%[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|z)?"
                        r"(?:pE|[a-zA-Z])")


def format_regex(fmt):
    out, pos = [], 0
    for m in CONVERSION.finditer(fmt):
        out.append(re.escape(fmt[pos:m.start()]))
        out.append("%" if m.group(0) == "%%" else ".*?")
        pos = m.end()
    out.append(re.escape(fmt[pos:]))
    return re.compile("^" + "".join(out).replace(re.escape(ANY), ".*?") + "$", re.S)


# --------------------------------------------------------------------------
# docs/errors.md: sections, table rows, the lines in backticks
# --------------------------------------------------------------------------
def cells(row):
    """A markdown table row split at '|' outside backticks (\\| is a '|')."""
    out, cur, code, i = [], [], False, 0
    row = row.strip()[1:-1]
    while i < len(row):
        c = row[i]
        if c == "\\" and row[i + 1:i + 2] == "|":
            cur.append("|")
            i += 2
            continue
        if c == "`":
            code = not code
        if c == "|" and not code:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur).strip())
    return out


def sections():
    """{section title: [row cells]} of every table in docs/errors.md."""
    out, title = {}, ""
    for line in open(DOC):
        if line.startswith("#"):
            title = line.strip("# \n")
        elif line.startswith("| ") and not line.startswith("|---"):
            out.setdefault(title, []).append(cells(line))
    for rows in out.values():
        del rows[0]                     # the header row
    return out


def lines_of(cell):
    return [s.replace("\\|", "|") for s in re.findall(r"`([^`]+)`", cell)]


LOADER_SECTION = "Loader errors"
TOOL_SECTION = "Host tool errors"
USAGE_SECTION = "Usage errors (exit 2)"


def undocumented(found, rows):
    missing = []
    for where, func, what, fmt in found:
        rx = format_regex(fmt)
        ok = False
        for row in rows:
            whats = [w.strip().strip("`") for w in row[0].split(" / ")]
            if what != ANY and ANY not in what and what not in whats and "*" not in whats:
                continue
            if any(rx.match(line) for line in lines_of(row[1])):
                ok = True
                break
        if not ok:
            missing.append("%s %s(%r, %r)" % (where, func, what.replace(ANY, "<?>"),
                                             fmt.replace(ANY, "<?>")))
    return missing


def test_the_extractor_sees_the_calls():
    """The extraction itself: formats the tests know exist are found, with
    both sides of a conditional and the file's WHAT macro."""
    found = [(w, f) for _, _, w, f in formats(loader_sources())]
    assert ("params", "no NUL in its %zu bytes") in found
    assert ("kernel", "kernel_alignment %#lx not 2^n >= 2 MiB") in found
    assert ("kernel", "pref_address %#lx not 2 MiB aligned") in found
    assert ("cell config", '"%*pE" revision %u arch %u, want JHCLL %u x86 (0)') in found
    assert len(found) >= 35
    tool = [(f, w) for _, f, w, _ in formats(tool_sources())]
    assert ("usage_error", "inspect") in tool and ("fail_msg", "loader") in tool
    assert format_regex("%s %#lx is not granted").match("<kind> <addr> is not granted")
    assert not format_regex("%s %#lx is not granted").match("<kind> is granted")


def test_every_loader_error_is_in_the_catalogue():
    missing = undocumented(formats(loader_sources()), sections()[LOADER_SECTION])
    assert missing == [], "not in docs/errors.md (%s):\n  %s" % (
        LOADER_SECTION, "\n  ".join(missing))


def test_every_tool_error_is_in_the_catalogue():
    s = sections()
    found = formats(tool_sources())
    usage = [f for f in found if f[1] == "usage_error"]
    other = [f for f in found if f[1] != "usage_error"]
    missing = undocumented(other, s[TOOL_SECTION] + s[LOADER_SECTION]) + \
        undocumented([(w, f, ANY, fmt) for w, f, _, fmt in usage], s[USAGE_SECTION])
    assert missing == [], "not in docs/errors.md (%s, %s):\n  %s" % (
        TOOL_SECTION, USAGE_SECTION, "\n  ".join(missing))


def error_cases():
    """The case names of tests/qemu/test_errors.py: its CASES table, as
    the test itself runs them (tests/qemu is on the path, conftest.py)."""
    import test_errors
    return set(test_errors.CASES)


def qemu_tests():
    """test_errors.py's case names and every test_*.py::test_name in tests/qemu."""
    names = error_cases()
    for path in glob.glob(os.path.join(ROOT, "tests", "qemu", "test_*.py")):
        for fn in re.findall(r"^def (test_\w+)", open(path).read(), re.M):
            names.add("%s::%s" % (os.path.basename(path), fn))
    return names


def test_every_loader_line_names_its_qemu_test():
    known = qemu_tests()
    bad = []
    for row in sections()[LOADER_SECTION]:
        test = row[-1]
        if test.startswith("unreachable"):
            # an internal limit no input of a cell reaches: say why, name
            # the unit test that reaches it
            assert "(" in test and "test_" in test, row
            continue
        # names, comma-separated; text in parentheses is a remark
        names = [n.strip().strip("`") for n in re.sub(r"\([^)]*\)", "", test).split(",")]
        if not names or any(n not in known for n in names):
            bad.append("%s: %s" % (row[1][:60], test))
    assert bad == [], "rows whose test column names no QEMU test:\n  " + "\n  ".join(bad)


def test_every_error_case_is_in_the_catalogue():
    listed = " ".join(row[-1] for row in sections()[LOADER_SECTION])
    cases = error_cases()
    assert len(cases) >= 50
    missing = sorted(c for c in cases if not re.search(r"(^|[ ,`])%s($|[ ,`])" %
                                                        re.escape(c), listed))
    assert missing == []


@pytest.mark.parametrize("text", ["2^48"])
def test_no_stale_limit(text):
    """The loader maps below 2^47 (lib/pagetable.c): the catalogue says so."""
    assert text not in open(DOC).read()
