"""The Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the tree,
lintian, the contents, the loader untouched by the packager's flags, the
tool built with them; then `dpkg -i` and the installed tool with the
installed loader (`plan`, `qemu --dry-run`, completion, man page)."""

import glob
import gzip
import json
import os
import shlex
import shutil
import subprocess

import pytest

import abi
from pkgtest import (KERNEL, OUT, ROOT, changelog_version, clean_env,
                     copy_tree, elf_facts, help_commands, run, version)

BIN = "/usr/bin/cellboot"
LOADER = "/usr/libexec/cellboot/cellboot.bin"
DOC = "/usr/share/doc/cellboot"
MAN = "/usr/share/man/man1/cellboot.1.gz"
COMPLETION = "/usr/share/bash-completion/completions/cellboot"
CB_PARAMS_ADDR = abi.LAYOUT["CB_PARAMS_ADDR"]


def tail(path, n=40):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-n:])


@pytest.fixture(scope="module")
def package():
    for tool in ("dpkg-buildpackage", "dh", "lintian"):
        if shutil.which(tool) is None:
            pytest.fail("%s missing: scripts/install-deps.sh installs it" % tool)
    ver = changelog_version()
    top = os.path.join(OUT, "src")
    src = os.path.join(top, "cellboot-" + ver)
    shutil.rmtree(top, ignore_errors=True)
    copy_tree(src)
    log = os.path.join(OUT, "dpkg-buildpackage.log")
    with open(log, "w") as f:
        p = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src,
                           env=clean_env(), stdout=f, stderr=subprocess.STDOUT)
    assert p.returncode == 0, "dpkg-buildpackage failed (%s):\n%s" % (log, tail(log))
    deb = os.path.join(top, "cellboot_%s_amd64.deb" % ver)
    assert os.path.isfile(deb), os.listdir(top)
    return {"src": src, "deb": deb, "log": log, "version": ver}


@pytest.fixture(scope="module")
def unpacked(package):
    """The package's files, unpacked with dpkg-deb -x."""
    d = os.path.join(OUT, "unpacked")
    shutil.rmtree(d, ignore_errors=True)
    assert run(["dpkg-deb", "-x", package["deb"], d]).returncode == 0
    return d


def status(pkg):
    return run(["dpkg-query", "-W", "-f=${Status}", pkg]).stdout


@pytest.fixture(scope="module")
def installed(package):
    """dpkg -i on this machine; purged afterwards unless it was installed
    before the test."""
    if os.geteuid() != 0:
        pytest.skip("dpkg -i needs root")
    before = status("cellboot").endswith(" installed")
    p = run(["dpkg", "-i", package["deb"]])
    assert p.returncode == 0, p.stdout + p.stderr
    yield package
    if not before:
        p = run(["dpkg", "--purge", "cellboot"])
        assert p.returncode == 0, p.stdout + p.stderr


def read_doc(path):
    """A file as installed, compressed by dh_compress or not."""
    if os.path.exists(path):
        return open(path, "rb").read()
    return gzip.open(path + ".gz").read()


# --------------------------------------------------------------------------
# the package as built
# --------------------------------------------------------------------------
def test_version_is_the_tools(package):
    assert package["version"] == version()


def test_lintian_finds_no_error(package):
    p = run(["lintian", "--fail-on", "error", "--no-tag-display-limit",
             package["deb"]])
    print(p.stdout + p.stderr)
    assert p.returncode == 0, p.stdout + p.stderr
    assert not [l for l in p.stdout.splitlines() if l.startswith("E:")]


def test_contents(unpacked):
    def path(p):
        return unpacked + p
    assert os.access(path(BIN), os.X_OK)
    assert os.path.isfile(path(LOADER))
    assert open(path(COMPLETION)).read() == open(
        os.path.join(ROOT, "tools", "cellboot", "cellboot.bash-completion")).read()
    assert gzip.open(path(MAN)).read() == open(
        os.path.join(ROOT, "docs", "cellboot.1"), "rb").read()
    docs = ["README.md"] + sorted(os.path.relpath(d, ROOT) for d in
                                  glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for d in docs:
        assert read_doc(path(DOC) + "/" + os.path.basename(d)) == open(
            os.path.join(ROOT, d), "rb").read(), d
    examples = glob.glob(os.path.join(ROOT, "configs", "*.cell.txt"))
    assert examples
    for e in examples:
        assert read_doc(path(DOC) + "/examples/" + os.path.basename(e)) == open(
            e, "rb").read(), e
    assert os.path.isfile(path(DOC) + "/copyright")
    assert os.path.isfile(path(DOC) + "/changelog.gz")


def test_loader_untouched_by_the_packagers_flags(package, unpacked, tmp_path):
    """dpkg-buildflags' CFLAGS/LDFLAGS (stack protector, CET, relro, now)
    must not reach the freestanding loader, and dh_strip must leave it
    alone: the packaged image is the one a build without any flags makes."""
    log = open(package["log"]).read()
    assert "-fstack-protector-strong" in log and "-z,now" in log  # they were set
    ref = tmp_path / "ref"
    p = run(["make", "-C", package["src"], "BUILD=%s" % ref, "%s/cellboot.bin" % ref],
            env=clean_env())
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    packaged = open(unpacked + LOADER, "rb").read()
    assert packaged == open(os.path.join(package["src"], "build", "cellboot.bin"), "rb").read()
    assert packaged == (ref / "cellboot.bin").read_bytes()
    assert packaged[:4] != b"\x7fELF"


def test_tool_built_with_the_packagers_flags(unpacked):
    """Dynamic PIE, bound now (-Wl,-z,now), stack protector and fortified
    calls (-fstack-protector-strong, -D_FORTIFY_SOURCE=2), no sanitizer."""
    tool = unpacked + BIN
    e_type, interp = elf_facts(tool)
    assert interp and e_type == 3           # ET_DYN with an interpreter: PIE
    dyn = run(["readelf", "-d", "-W", tool]).stdout
    assert "BIND_NOW" in dyn or "FLAGS_1" in dyn and "NOW" in dyn, dyn
    syms = run(["readelf", "--dyn-syms", "-W", tool]).stdout
    assert "__stack_chk_fail" in syms
    assert any(w.endswith("_chk") and w != "__stack_chk_fail"
               for w in syms.replace("@", " ").split()), "no fortified call"
    assert "__asan" not in syms and "__ubsan" not in syms


# --------------------------------------------------------------------------
# installed
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cell(installed, tmp_path_factory):
    """configs/classic.cell.txt as installed, written by the installed tool."""
    d = tmp_path_factory.mktemp("cell")
    desc = d / "classic.cell.txt"
    desc.write_bytes(read_doc(DOC + "/examples/classic.cell.txt"))
    out = d / "classic.cell"
    p = run([BIN, "mkcell", desc, "-o", out])
    assert p.returncode == 0, p.stderr
    return str(out)


need_kernel = pytest.mark.skipif(not os.path.isfile(KERNEL),
                                 reason="no Debian kernel (make kernel)")


def test_installed_files(installed):
    assert status("cellboot") == "install ok installed"
    files = set(run(["dpkg", "-L", "cellboot"]).stdout.split())
    assert {BIN, LOADER, MAN, COMPLETION} <= files
    assert os.path.realpath(shutil.which("cellboot")) == BIN
    assert run([BIN, "--version"]).stdout == "cellboot %s\n" % installed["version"]


@need_kernel
def test_installed_plan(installed, cell):
    p = run([BIN, "plan", cell, KERNEL, "--format", "json"])
    assert p.returncode == 0, p.stderr
    j = json.loads(p.stdout)
    assert j["loader"]["path"] == LOADER
    assert j["loader"]["size"] == os.path.getsize(LOADER)
    shell = run([BIN, "plan", cell, KERNEL, "-c", "console=ttyS0"])
    assert shell.returncode == 0, shell.stderr
    load = [l for l in shell.stdout.splitlines() if " cell load " in l]
    assert len(load) == 1 and shlex.split(load[0])[4] == LOADER
    # the same plan as the build tree's tool makes with that loader
    tree_tool = os.path.join(os.environ.get("BUILD", os.path.join(ROOT, "build")),
                             "cellboot")
    if os.access(tree_tool, os.X_OK):
        ref = run([tree_tool, "plan", cell, KERNEL, "-c", "console=ttyS0",
                   "--loader", LOADER])
        assert ref.returncode == 0 and ref.stdout == shell.stdout


@need_kernel
def test_installed_tool_copied_elsewhere_uses_libexecdir(installed, cell, tmp_path):
    """Away from /usr/bin (no ../libexec beside it) the tool takes the
    loader from the libexecdir it was configured with."""
    copy = tmp_path / "cellboot"
    shutil.copy(BIN, copy)
    p = run([copy, "plan", cell, KERNEL, "--format", "json"])
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["loader"]["path"] == LOADER


@need_kernel
def test_installed_qemu_dry_run(installed, cell, tmp_path):
    wd = tmp_path / "wd"
    p = run([BIN, "qemu", cell, KERNEL, "-c", "console=ttyS0", "--dry-run",
             "--workdir", wd])
    assert p.returncode == 0, p.stderr
    argv = shlex.split(p.stdout.strip().splitlines()[-1])
    devices = [argv[i + 1] for i, a in enumerate(argv) if a == "-device"]
    images = {}
    for d in devices:           # -device loader,file=F,addr=A,force-raw=on
        if d.startswith("loader,"):
            kv = dict(x.split("=", 1) for x in d.split(",")[1:])
            images[int(kv["addr"], 16)] = kv["file"]
    # the loader copy at 0: the installed loader with the params string of
    # `plan` at 0x1000, as `jailhouse cell load -s ... -a 0x1000` leaves it
    plan = json.loads(run([BIN, "plan", cell, KERNEL, "-c", "console=ttyS0",
                           "--format", "json"]).stdout)
    params = plan["params"]["string"].encode() + b"\0"
    img = open(images[0], "rb").read()
    loader = open(LOADER, "rb").read()
    assert os.path.dirname(images[0]) == str(wd)
    assert img[:CB_PARAMS_ADDR] == loader[:CB_PARAMS_ADDR]
    assert img[CB_PARAMS_ADDR:CB_PARAMS_ADDR + len(params)] == params
    end = CB_PARAMS_ADDR + len(params)
    assert img[end:len(loader)] == loader[end:]
    assert images[plan["kernel"]["addr"]] == plan["kernel"]["path"]
    assert images[plan["config"]["addr"]] == cell


def test_installed_completion(installed):
    """bash-completion's loader finds the completion by the command's name;
    it completes the installed tool's subcommands."""
    script = ('source %s; COMP_WORDS=(cellboot ""); COMP_CWORD=1; _cellboot; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' % COMPLETION)
    p = run(["bash", "-c", script])
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == help_commands(BIN)


def test_installed_man_page(installed):
    if shutil.which("man") is None:
        pytest.skip("no man")
    p = run(["man", "-P", "cat", "cellboot"], env=clean_env(MANWIDTH="80"))
    assert p.returncode == 0, p.stderr
    assert "cellboot" in p.stdout and "plan" in p.stdout
