"""The kernel doctor on real kernels: the project's Jailhouse-guest kernel and
its variants (scripts/build-kernel.sh --variants; docs/kernel.md). Every
answer is compared with the configuration the kernel was built from (the
variant's NAME.config, or the config fragment for the kernel itself).

The variants of `make check` (JH_VARIANTS_CHECK, built by `make
jh-kernel-variants-check`, a prerequisite of `make tool-test`) must be
there; the others are skipped until `make jh-kernel-variants` built them.
"""

import os
import re

import pytest

from tooltest import BUILD, ROOT, classic_cell, fake_loader, run

KERNELS = os.path.join(BUILD, "cache", "kernels")
JH_KERNEL = os.path.join(KERNELS, "jailhouse-guest-bzImage")
FRAGMENT = os.path.join(ROOT, "configs", "kernel", "jailhouse-guest.config")
ALL = ["gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd", "ikconfig-xz",
       "noguest", "noguest-ikconfig", "bare"]
CHECK = os.environ.get("JH_VARIANTS_CHECK", "xz lz4").split()
FEATURES = {"jailhouse guest": "CONFIG_JAILHOUSE_GUEST", "x2APIC": "CONFIG_X86_X2APIC",
            "8250 serial console": "CONFIG_SERIAL_8250_CONSOLE", "PCI": "CONFIG_PCI",
            "initrd support": "CONFIG_BLK_DEV_INITRD"}
COMPRESSIONS = ["gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd"]


def config(path):
    """{CONFIG_X: value} of the set options of a .config or fragment."""
    out = {}
    for line in open(path):
        m = re.match(r"(CONFIG_[A-Za-z0-9_]+)=(.*)", line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def doctor(stdout):
    out = {}
    for line in stdout.splitlines():
        for f in list(FEATURES) + ["release"]:
            if line.startswith("    %s: " % f):
                out[f] = line[len("    %s: " % f):]
    return out


def variant(name):
    path = os.path.join(KERNELS, "variants", name + "-bzImage")
    if not os.path.isfile(path):
        if name in CHECK:
            pytest.fail("%s missing: make jh-kernel-variants-check builds it" % path)
        pytest.skip("variant %s not built (make jh-kernel-variants)" % name)
    return path, config(os.path.join(KERNELS, "variants", name + ".config"))


def check_against(path, cfg, tmp_path):
    p = run("inspect", path, check_rc=0)
    d = doctor(p.stdout)
    embedded = cfg.get("CONFIG_IKCONFIG") in ("y", "m")
    assert ("from the embedded config (CONFIG_IKCONFIG)" in p.stdout) == embedded
    for f, opt in FEATURES.items():
        want = cfg.get(opt) in ("y", "m")
        assert d[f].startswith("yes (" if want else "no ("), (f, d[f])
        if embedded:
            assert d[f] == ("yes (embedded config: %s=%s)" % (opt, cfg[opt]) if want
                            else "no (embedded config: %s is not set)" % opt)
    assert d["release"].endswith(cfg["CONFIG_LOCALVERSION"].strip('"'))
    comp = [c for c in COMPRESSIONS if cfg.get("CONFIG_KERNEL_" + c.upper()) == "y"]
    assert len(comp) == 1
    assert "  payload: %s, decompressed " % comp[0] in p.stdout
    # Linux 6.1's build stores the CRC; the project's kernels are not signed
    assert re.search(r"\n  file CRC-32: 0x[0-9a-f]{8}, matches what the kernel build "
                     r"stored\n", p.stdout)
    missing = [f for f, opt in FEATURES.items() if cfg.get(opt) not in ("y", "m")]
    warn = [l for l in p.stdout.splitlines() if l.startswith("warning: no ")]
    assert [l.split(":")[1][len(" no "):] for l in warn] == missing
    # plan warns the same, one line each (a cell the kernel fits in)
    q = run("plan", classic_cell(tmp_path), path, "--loader", fake_loader(tmp_path))
    if q.returncode == 0:
        assert [l.split(":")[3][len(" no "):] for l in q.stderr.splitlines()] == missing
    return p


def test_the_project_kernel(tmp_path):
    if not os.path.isfile(JH_KERNEL):
        pytest.fail("%s missing: make jh-kernel builds it" % JH_KERNEL)
    frag = config(FRAGMENT)
    for opt in FEATURES.values():            # the fragment turns every one on
        assert frag.get(opt) == "y", opt
    p = check_against(JH_KERNEL, frag, tmp_path)
    assert "verdict            can run in a Jailhouse non-root cell" in p.stdout


@pytest.mark.parametrize("name", ALL)
def test_variant(name, tmp_path):
    path, cfg = variant(name)
    check_against(path, cfg, tmp_path)

