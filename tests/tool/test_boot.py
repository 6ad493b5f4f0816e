"""The edit-and-reboot loop of `cellboot boot` with a fake `jailhouse` on
PATH: --replace, the half-made cell destroyed after a failed load, hints for
the options of `jailhouse cell linux`; `--digest`; `--show-boot-params`."""

import json
import os
import shlex
import stat
import sys
import zlib

import pytest

import harness
from tooltest import (LAYOUT, classic_cell, fake_loader, make_bzimage, run,
                      usage_lines)

# Records its argv; `cell list` prints the cells named in FAKE_JH_CELLS as
# jailhouse does; FAKE_JH_FAIL_<verb>=N makes that verb exit N.
FAKE_JAILHOUSE = """#!%s
import json, os, sys
with open(os.environ["FAKE_JH_LOG"], "a") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["cell", "list"]:
    print("ID      Name                    State             Assigned CPUs           Failed CPUs")
    print("0       RootCell                running           0-1")
    for i, n in enumerate(os.environ.get("FAKE_JH_CELLS", "").split()):
        print("%%-7d %%-23s %%-17s %%s" %% (i + 1, n, "running/locked", "2-3"))
sys.exit(int(os.environ.get("FAKE_JH_FAIL_" + sys.argv[2], "0")))
"""


@pytest.fixture
def jh(tmp_path):
    """A fake jailhouse first on PATH; returns (log path, env)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    path = bindir / "jailhouse"
    path.write_text(FAKE_JAILHOUSE % sys.executable)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "argv.log"
    env = dict(os.environ, PATH="%s:%s" % (bindir, os.environ["PATH"]),
               FAKE_JH_LOG=str(log))
    return log, env


def calls(log):
    return [json.loads(l) for l in log.read_text().splitlines()] if log.exists() else []


def guest_kernel(tmp_path):
    """A synthetic kernel with every piece a cell needs (no warnings)."""
    return make_bzimage(tmp_path / "bzImage")


def boot(tmp_path, env, *extra, rc=0, name="linux-classic"):
    cell = classic_cell(tmp_path)
    return run("boot", cell, guest_kernel(tmp_path), "--loader",
               fake_loader(tmp_path), *extra, env=env, check_rc=rc)


def test_replace_destroys_the_running_cell_first(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_CELLS"] = "other linux-classic"
    p = boot(tmp_path, env, "--replace")
    assert [c[:3] for c in calls(log)] == [
        ["cell", "list"], ["cell", "destroy", "linux-classic"],
        ["cell", "create", str(tmp_path / "classic.cell")],
        ["cell", "load", "linux-classic"], ["cell", "start", "linux-classic"]]
    assert p.stdout.splitlines()[0] == "jailhouse cell destroy linux-classic"
    assert p.stderr == ""


def test_replace_without_such_a_cell_only_looks(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_CELLS"] = "linux-classic-2"
    boot(tmp_path, env, "--replace")
    assert [c[1] for c in calls(log)] == ["list", "create", "load", "start"]


def test_replace_when_cell_list_fails(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_FAIL_list"] = "1"
    p = boot(tmp_path, env, "--replace", rc=1)
    assert [c[1] for c in calls(log)] == ["list"]
    assert p.stderr == ("cellboot: error: boot: 'jailhouse cell list' failed; "
                        "cannot tell whether cell 'linux-classic' exists\n")


def test_failed_load_destroys_the_half_made_cell(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_FAIL_load"] = "2"
    p = boot(tmp_path, env, rc=1)
    assert [c[1] for c in calls(log)] == ["create", "load", "destroy"]
    assert calls(log)[2] == ["cell", "destroy", "linux-classic"]
    assert p.stdout.splitlines()[-1] == "jailhouse cell destroy linux-classic"
    assert p.stderr == (
        "cellboot: error: boot: 'jailhouse cell load' failed with exit status 2; "
        "'jailhouse cell start' not run\n"
        "cellboot: the cell 'linux-classic' that 'cell create' made is destroyed "
        "again\n")


def test_numeric_name_is_destroyed_by_name(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_FAIL_load"] = "1"
    boot(tmp_path, env, "--name", "42", rc=1)
    assert calls(log)[-1] == ["cell", "destroy", "--name", "42"]


def test_failed_create_hints_at_replace(tmp_path, jh):
    log, env = jh
    env["FAKE_JH_FAIL_create"] = "1"
    p = boot(tmp_path, env, rc=1)
    assert [c[1] for c in calls(log)] == ["create"]
    assert p.stderr.splitlines()[-1] == (
        "cellboot: hint: if a cell named 'linux-classic' exists already, "
        "--replace destroys it first")


@pytest.mark.parametrize("cmd", ["plan", "boot"])
@pytest.mark.parametrize("opt,hint", [
    ("-w", "cellboot builds the boot parameters in the cell; 'cellboot plan "
     "--show-boot-params' prints what it will build"),
    ("--write-params=params.bin", "cellboot builds the boot parameters in the "
     "cell; 'cellboot plan --show-boot-params' prints what it will build"),
    ("-k", "cellboot reads the space the kernel needs (init_size) from its "
     "header; no factor to give"),
    ("--kernel-decomp-factor", "cellboot reads the space the kernel needs "
     "(init_size) from its header; no factor to give"),
])
def test_jailhouse_cell_linux_options_get_a_hint(tmp_path, cmd, opt, hint):
    p = run(cmd, "a.cell", "bzImage", opt, "x", check_rc=2)
    assert p.stderr == usage_lines(cmd, "'%s' is an option of 'jailhouse cell "
                                   "linux': %s" % (opt, hint))


# --------------------------------------------------------------------------
# --digest
# --------------------------------------------------------------------------
def params_of(p):
    load = [l for l in p.stdout.splitlines() if " cell load " in l][0]
    argv = shlex.split(load)
    return argv[argv.index("-s") + 1]


def test_digest_writes_the_crcs_of_kernel_and_initrd(tmp_path):
    k = guest_kernel(tmp_path)
    initrd = tmp_path / "initrd"
    initrd.write_bytes(os.urandom(5000))
    p = run("plan", classic_cell(tmp_path), k, "-i", initrd, "--loader",
            fake_loader(tmp_path), "--digest", "-c", "quiet", check_rc=0)
    params = params_of(p)
    want = "crc=0x%08x,0x%08x" % (zlib.crc32(open(k, "rb").read()),
                                  zlib.crc32(initrd.read_bytes()))
    assert params.split(" -- ")[0].split()[3] == want
    assert params.endswith(" -- quiet")
    # without an initrd: the kernel's only
    p = run("plan", classic_cell(tmp_path), k, "--loader", fake_loader(tmp_path),
            "--digest", check_rc=0)
    assert params_of(p).split()[-1] == "crc=0x%08x" % zlib.crc32(open(k, "rb").read())


def test_crc_param_needs_the_kernel_size(tmp_path):
    """The loader's parser (lib/params.c), as plan runs it on the params."""
    p = run("plan", classic_cell(tmp_path), guest_kernel(tmp_path), "--loader",
            fake_loader(tmp_path), "--param", "crc=0x1,0x2", check_rc=1)
    assert p.stderr == "cellboot: error: params: crc=: an initrd CRC without initrd=\n"
    p = run("plan", classic_cell(tmp_path), guest_kernel(tmp_path), "--loader",
            fake_loader(tmp_path), "--param", "crc=0x100000000", check_rc=1)
    assert p.stderr == ("cellboot: error: params: crc: '0x100000000' is not "
                        "KERNELCRC[,INITRDCRC], 32-bit CRC-32 values\n")


# --------------------------------------------------------------------------
# --show-boot-params
# --------------------------------------------------------------------------
def test_show_boot_params_matches_the_plan(tmp_path):
    cell = classic_cell(tmp_path)
    k = guest_kernel(tmp_path)
    initrd = tmp_path / "initrd"
    initrd.write_bytes(bytes(70000))
    p = run("plan", cell, k, "-i", initrd, "-c", "console=ttyS0 quiet", "--loader",
            fake_loader(tmp_path), "--show-boot-params", "--format", "json",
            check_rc=0)
    j = json.loads(p.stdout)              # json: the facts only, no dump
    p = run("plan", cell, k, "-i", initrd, "-c", "console=ttyS0 quiet", "--loader",
            fake_loader(tmp_path), "--show-boot-params", check_rc=0)
    out = p.stdout.split("\n\n", 1)
    assert out[0].count("jailhouse cell") == 3
    show = out[1].splitlines()
    assert show[0] == "boot_params at 0x%x (the zero page, built by the loader in " \
        "the cell)" % LAYOUT["CB_BOOT_PARAMS_ADDR"]
    assert "  cmd_line_ptr       0x%x, ext_cmd_line_ptr 0x0" % \
        LAYOUT["CB_CMDLINE_ADDR"] in show
    assert "  ramdisk_image      0x%x, ext 0x0" % j["initrd"]["addr"] in show
    assert "  ramdisk_size       0x%x, ext 0x0" % 70000 in show
    assert "  setup_data         0x%x" % LAYOUT["CB_SETUP_DATA_ADDR"] in show
    # the e820 map: the cell's RAM as harness.cell_e820 derives it
    cellinfo = harness.parse_cell(open(cell, "rb").read())
    want = harness.cell_e820(cellinfo)
    i = show.index([l for l in show if l.startswith("e820 map (")][0])
    got = []
    for l in show[i + 1:i + 1 + len(want)]:
        rng, typ = l.split()
        a, b = (int(x, 16) for x in rng.split("-"))
        got.append((a, b, {"RAM": 1, "reserved": 2}[typ]))
    assert got == want
    assert show[i + 1 + len(want)] == "command line at 0x%x (19 bytes)" % \
        LAYOUT["CB_CMDLINE_ADDR"]
    assert show[i + 2 + len(want)] == "  console=ttyS0 quiet"
    # SETUP_JAILHOUSE decoded: the cell's CPUs and UARTs
    assert "setup_data (1 nodes)" in show
    assert any(l.startswith("  0x%x: type 6 (SETUP_JAILHOUSE), " %
                            LAYOUT["CB_SETUP_DATA_ADDR"]) for l in show)
    ncpus = cellinfo["cpus"]
    line = [l for l in show if l.startswith("    num_cpus ")][0]
    assert line.startswith("    num_cpus           %d, cpu_ids %s" % (
        ncpus, ",".join(str(c) for c in range(ncpus))))
    flags = harness.uart_flags(cellinfo)
    assert "    flags              0x%x (legacy UARTs:" % flags in "\n".join(show)
