"""Helpers for the packaging tests: a copy of the source tree, an
environment without the calling make's settings, ELF facts."""

import os
import re
import shutil
import subprocess

import abi

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "package")
KERNEL = os.environ.get("CELLBOOT_KERNEL",
                        os.path.join(BUILD, "cache", "kernels", "debian-vmlinuz"))

# What a calling `make check` passes down and a packager's build must not
# see: make's own flags and variables (BUILD=..., WERROR=1), compilers and
# flags (the package build takes its flags from dpkg-buildflags).
MAKE_VARS = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "BUILD",
             "WERROR", "CC", "CC_TARGET", "HOSTCC", "CFLAGS", "CPPFLAGS",
             "LDFLAGS", "LDLIBS", "STATIC", "PREFIX", "prefix", "DESTDIR")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in MAKE_VARS}
    env.update(extra)
    return env


def version():
    """CELLBOOT_VERSION from lib/version.h."""
    text = open(os.path.join(ROOT, "lib", "version.h")).read()
    return re.search(r'#define CELLBOOT_VERSION "([^"]+)"', text).group(1)


def changelog_version():
    first = open(os.path.join(ROOT, "debian", "changelog")).readline()
    return re.match(r"cellboot \(([^)]+)\)", first).group(1)


def source_files():
    """The files of the source tree as a fresh clone has them, plus files
    not yet committed (not the ignored ones: build/, caches)."""
    if os.path.isdir(os.path.join(ROOT, ".git")) and shutil.which("git"):
        out = subprocess.run(["git", "-C", ROOT, "ls-files", "-z", "-c", "-o",
                              "--exclude-standard"], capture_output=True,
                             check=True).stdout
        return sorted(f for f in out.decode().split("\0")
                      if f and os.path.lexists(os.path.join(ROOT, f)))
    files = []
    for d, dirs, names in os.walk(ROOT):
        rel = os.path.relpath(d, ROOT)
        dirs[:] = [x for x in dirs if rel != "." or x not in ("build", ".git")]
        files += [os.path.normpath(os.path.join(rel, n)) for n in names]
    return sorted(files)


def copy_tree(dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    for f in source_files():
        os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, f), os.path.join(dest, f),
                     follow_symlinks=False)


PT_INTERP = 3           # System V ABI: the program interpreter's segment


def elf_facts(path):
    """(e_type, has PT_INTERP) of an x86-64 ELF file."""
    E, P = abi.ELF_HEADER, abi.ELF_PHDR
    with open(path, "rb") as f:
        data = f.read(0x1000)
    assert E.get(data, "e_magic") == abi.ELF_MAGIC and \
        E.get(data, "e_class") == abi.ELFCLASS64, "%s: not ELF64" % path
    phoff, phentsize = E.get(data, "e_phoff"), E.get(data, "e_phentsize")
    interp = any(P.get(data, "p_type", phoff + i * phentsize) == PT_INTERP
                 for i in range(E.get(data, "e_phnum")))
    return E.get(data, "e_type"), interp


def run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run([str(a) for a in argv], **kw)


def help_commands(tool):
    out = run([tool, "--help"]).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [l.split()[0] for l in block.splitlines()]
