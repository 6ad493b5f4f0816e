"""`make install` with DESTDIR and the GNU directory variables, and which
flags reach which build: a packager's CC/CFLAGS/CPPFLAGS/LDFLAGS the host
tool and never the loader; -Werror only with WERROR=1 (the check builds).
The builds go to scratch BUILD directories, not the tree's build/."""

import glob
import json
import os
import shutil

import pytest

from pkgtest import KERNEL, OUT, ROOT, clean_env, elf_facts, run

DOCS = ["README.md"] + sorted(os.path.basename(d) for d in
                              glob.glob(os.path.join(ROOT, "docs", "*.md")))
EXAMPLES = sorted(os.path.basename(e) for e in
                  glob.glob(os.path.join(ROOT, "configs", "*.cell.txt")))
# the scratch build, shared by the tests here (the loader is built once)
SCRATCH = os.path.join(OUT, "install-build")


def make(*args, **kw):
    p = run(["make", "-C", ROOT, "BUILD=" + SCRATCH] + list(args),
            env=clean_env(), **kw)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-4000:]
    return p


def listing(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, fs in os.walk(root) for f in fs)


def expected(bindir, libexecdir, mandir, docdir, bashcomp):
    files = ["%s/cellboot" % bindir, "%s/cellboot/cellboot.bin" % libexecdir,
             "%s/man1/cellboot.1" % mandir, "%s/cellboot" % bashcomp]
    files += ["%s/%s" % (docdir, d) for d in DOCS]
    files += ["%s/examples/%s" % (docdir, e) for e in EXAMPLES]
    return sorted(f.lstrip("/") for f in files)


def classic_cell(tool, tmp_path):
    out = tmp_path / "classic.cell"
    p = run([tool, "mkcell", os.path.join(ROOT, "configs", "classic.cell.txt"),
             "-o", out])
    assert p.returncode == 0, p.stderr
    return str(out)


@pytest.mark.skipif(not os.path.isfile(KERNEL), reason="no Debian kernel (make kernel)")
def test_install_prefix_as_before(tmp_path):
    """`make install DESTDIR=... PREFIX=...` as the README has always said:
    the tool finds its loader in ../libexec/cellboot/ of the tree it is in."""
    dest = tmp_path / "dest"
    make("install", "DESTDIR=%s" % dest, "PREFIX=/usr/local")
    assert listing(dest) == expected("/usr/local/bin", "/usr/local/libexec",
                                     "/usr/local/share/man",
                                     "/usr/local/share/doc/cellboot",
                                     "/usr/local/share/bash-completion/completions")
    tool = dest / "usr/local/bin/cellboot"
    assert os.access(tool, os.X_OK)
    assert (dest / "usr/local/libexec/cellboot/cellboot.bin").read_bytes() == \
        open(os.path.join(SCRATCH, "cellboot.bin"), "rb").read()
    p = run([tool, "plan", classic_cell(tool, tmp_path), KERNEL, "--format", "json"])
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["loader"]["path"] == str(
        dest / "usr/local/libexec/cellboot/cellboot.bin")


def test_install_gnu_directories(tmp_path):
    """Every directory variable moves its files; the tool looks for the
    loader in the configured libexecdir and says so when it is not there."""
    dest = tmp_path / "dest"
    dirs = {"prefix": "/opt/cb", "bindir": "/opt/cb/sbin",
            "libexecdir": "/opt/cb/lib/x", "mandir": "/opt/cb/man",
            "docdir": "/opt/cb/doc", "bashcompdir": "/opt/cb/bash"}
    make("install", "DESTDIR=%s" % dest, *("%s=%s" % kv for kv in dirs.items()))
    assert listing(dest) == expected(dirs["bindir"], dirs["libexecdir"],
                                     dirs["mandir"], dirs["docdir"],
                                     dirs["bashcompdir"])
    # /opt/cb/sbin/../libexec does not exist: the compiled-in path is next
    tool = tmp_path / "cellboot"
    shutil.copy(dest / "opt/cb/sbin/cellboot", tool)
    p = run([tool, "plan", classic_cell(tool, tmp_path), "no-kernel"])
    assert p.returncode == 1
    assert p.stderr.startswith("cellboot: error: loader: no cellboot.bin ")
    assert " or in /opt/cb/lib/x/cellboot/; give --loader PATH" in p.stderr
    # install-strip: the same files, the tool stripped; uninstall: all gone
    make("install-strip", "DESTDIR=%s" % dest, *("%s=%s" % kv for kv in dirs.items()))
    syms = run(["readelf", "-S", "-W", dest / "opt/cb/sbin/cellboot"]).stdout
    assert ".symtab" not in syms
    make("uninstall", "DESTDIR=%s" % dest, *("%s=%s" % kv for kv in dirs.items()))
    assert listing(dest) == []


def commands(*args):
    """The commands `make -n` would run for a fresh scratch build."""
    scratch = os.path.join(OUT, "dry-build")
    shutil.rmtree(scratch, ignore_errors=True)
    p = run(["make", "-C", ROOT, "-n", "BUILD=" + scratch] + list(args) + ["all"],
            env=clean_env())
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    tool = [l for l in lines if "/tool/" in l and " -c " in l]
    link = [l for l in lines if " -o %s/cellboot " % scratch in l]
    loader = [l for l in lines if "/target/" in l or "/gen/" in l or "cellboot.elf" in l]
    assert tool and link and loader, p.stdout
    return tool, link, loader


def test_packager_flags_reach_the_tool_only():
    flags = ["CC=gcc", "CFLAGS=-O1 -fstack-protector-strong -fcf-protection",
             "CPPFLAGS=-D_FORTIFY_SOURCE=2 -DPKG_TEST", "LDFLAGS=-Wl,-z,relro -Wl,-z,now"]
    tool, link, loader = commands(*flags)
    for l in tool:
        assert l.startswith("gcc ")
        assert "-O1 -fstack-protector-strong -fcf-protection" in l
        assert "-D_FORTIFY_SOURCE=2 -DPKG_TEST" in l
        assert "-Werror" not in l.replace("-Werror=", "")
    assert all("-Wl,-z,relro -Wl,-z,now" in l for l in link)
    for l in loader:
        for f in ("-fstack-protector-strong", "-DPKG_TEST", "-z,relro", "-O1 ",
                  "-fcf-protection "):
            assert f not in l, l


def test_werror_only_in_check_builds():
    tool, _, _ = commands()
    assert not any("-Werror" in l for l in tool)
    tool, _, _ = commands("WERROR=1")
    assert all("-Werror" in l for l in tool)


def test_static_on_request(tmp_path):
    """STATIC=1: a tool that runs on a root cell with nothing installed."""
    make("STATIC=1", os.path.join(SCRATCH, "cellboot"))
    e_type, interp = elf_facts(os.path.join(SCRATCH, "cellboot"))
    assert not interp
    make(os.path.join(SCRATCH, "cellboot"))
    e_type, interp = elf_facts(os.path.join(SCRATCH, "cellboot"))
    assert interp
