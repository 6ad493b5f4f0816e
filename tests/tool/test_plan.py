"""cellboot plan and cellboot boot: the addresses, the params string, the
exact jailhouse commands, and every check with the loader's message."""

import json
import os
import shlex
import stat
import sys

import abi
import harness
import kernelfit
from tooltest import (CELL_HEAD, LAYOUT, PAGE, KERNEL, INITRD, align_down, align_up,
                      classic_cell, expected_plan, fake_loader, kernel_header,
                      kernel_is_guest,
                      make_bzimage, mkcell, need_initrd, need_kernel, run,
                      shell_line)

CMDLINE = 'console=ttyS0 panic=-1 cellboot.test="a b" it\'s $HOME end'

# CELL_HEAD (tooltest.py): the classic layout, with the high RAM made
# smaller or moved by each test.


def plan(*args, rc=0):
    return run("plan", *args, check_rc=rc)


# Debian's distribution kernel has no Jailhouse guest support: the kernel
# doctor (tools/cellboot/kdoctor.c) says so on every plan, on stderr.
def doctor_warnings(stderr):
    return [l for l in stderr.splitlines()
            if l.startswith("cellboot: warning: kernel: ")]


def without_doctor(stderr):
    return "".join(l + "\n" for l in stderr.splitlines()
                   if not l.startswith("cellboot: warning: kernel: "))


def err_line(p):
    assert p.stdout == ""
    return p.stderr.splitlines()[0]


def loader_error(p, what, *parts):
    """One error line from the loader's own code (lib/): its subject, and
    the values that matter in order. (The wording of lib/ messages is the
    loader's; this checks that the tool reports them unchanged in form.)"""
    assert p.returncode == 1 and p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    line = lines[0]
    assert line.startswith("cellboot: error: %s: " % what), line
    pos = len("cellboot: error: %s: " % what)
    for part in parts:
        alts = part if isinstance(part, tuple) else (part,)   # same value, any base
        hits = [(line.find(a, pos), a) for a in alts if line.find(a, pos) >= 0]
        assert hits, "%r not found (in order) in %r" % (part, line)
        i, a = min(hits)
        pos = i + len(a)


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
def classic_plan(tmp_path, *args):
    """`plan` of the classic cell, the test kernel and initrd and CMDLINE
    with a stand-in loader: (cell, loader, the plan expected, the run)."""
    cell = classic_cell(tmp_path)
    loader = fake_loader(tmp_path)
    want = expected_plan(cell, KERNEL, INITRD, CMDLINE, loader=loader)
    return cell, loader, want, plan(cell, KERNEL, "-i", INITRD, "-c", CMDLINE,
                                    "--loader", loader, *args)


@need_kernel
@need_initrd
def test_classic_debian_exact_commands(tmp_path):
    cell, loader, want, p = classic_plan(tmp_path)
    assert p.stdout == "".join(shell_line(c) + "\n" for c in want["commands"])
    doctor = [l.split(":")[3] for l in p.stderr.splitlines()]
    guest = kernel_is_guest()
    if guest is None:
        assert doctor in ([], [" no jailhouse guest"])
    else:
        assert doctor == ([] if guest else [" no jailhouse guest"])
    # and the shell reads back exactly the arguments
    assert [shlex.split(l) for l in p.stdout.splitlines()] == want["commands"]


@need_kernel
@need_initrd
def test_classic_addresses_follow_the_header(tmp_path):
    """The kernel's protected-mode part at pref_address (or, where that is
    not cell RAM, the lowest aligned slot where it runs in place), the
    initrd on the first page above the kernel's window, the config right
    above cellboot's low area."""
    cell = classic_cell(tmp_path)
    k = kernel_header()
    want = expected_plan(cell, KERNEL, INITRD)
    fit = want["fit"]
    pm = want["kernel_addr"] + k["setup_size"]
    assert pm == k["pref_address"] or pm % k["kernel_alignment"] == 0
    assert want["initrd_addr"] >= pm + k["init_size"]
    assert want["initrd_addr"] % PAGE == 0
    assert LAYOUT["CB_LOW_END"] <= want["config_addr"] < LAYOUT["CB_LOW_RAM_END"]
    p = plan(cell, KERNEL, "-i", INITRD, "--loader", fake_loader(tmp_path),
             "--format", "json")
    j = json.loads(p.stdout)
    assert j["kernel"]["addr"] == want["kernel_addr"]
    assert j["initrd"]["addr"] == want["initrd_addr"]
    assert j["config"]["addr"] == want["config_addr"]
    assert j["kernel_entry"] == pm + abi.BP_ENTRY64_OFFSET
    assert j["kernel_window"] == [fit.window_start, fit.window_end]
    assert j["kernel_window"] == [pm, pm + k["init_size"]]


@need_kernel
@need_initrd
def test_json_has_the_same_facts(tmp_path):
    cell, loader, want, p = classic_plan(tmp_path, "--format", "json")
    j = json.loads(p.stdout)
    assert j["commands"] == want["commands"]
    assert j["name"] == "linux-classic"
    assert j["params"] == {"addr": LAYOUT["CB_PARAMS_ADDR"],
                           "size": len(want["params"]) + 1,
                           "buffer_size": LAYOUT["CB_PARAMS_SIZE"],
                           "string": want["params"]}
    assert j["cmdline"] == CMDLINE
    assert j["loader"] == {"path": loader, "addr": 0, "size": 0x2000}
    assert j["config"] == {"path": cell, "addr": want["config_addr"],
                           "size": os.path.getsize(cell)}
    assert j["kernel"] == {"path": KERNEL, "addr": want["kernel_addr"],
                           "size": os.path.getsize(KERNEL)}
    assert j["initrd"] == {"path": INITRD, "addr": want["initrd_addr"],
                           "size": os.path.getsize(INITRD)}
    assert j["comm_region"] == 0x100000
    assert j["kernel_version"] == kernel_header()["version_str"]


@need_kernel
def test_no_initrd_no_cmdline(tmp_path):
    cell = classic_cell(tmp_path)
    loader = fake_loader(tmp_path)
    want = expected_plan(cell, KERNEL, loader=loader)
    p = plan(cell, KERNEL, "--loader", loader)
    assert p.stdout == "".join(shell_line(c) + "\n" for c in want["commands"])
    assert " -- " not in want["params"] and "initrd=" not in want["params"]
    j = json.loads(plan(cell, KERNEL, "--loader", loader, "--format=json").stdout)
    assert j["initrd"] is None and j["cmdline"] == ""


@need_kernel
def test_name_params_and_jailhouse_options(tmp_path):
    cell = classic_cell(tmp_path)
    loader = fake_loader(tmp_path)
    extra = ["log=verbose", "console=io,0x3f8,115200"]
    want = expected_plan(cell, KERNEL, cmdline="quiet", loader=loader,
                         name="other", extra=extra, jailhouse="/opt/jh")
    args = [cell, KERNEL, "-c", "quiet", "--loader", loader, "--name", "other",
            "--jailhouse", "/opt/jh"]
    for e in extra:
        args += ["--param", e]
    p = plan(*args)
    assert p.stdout == "".join(shell_line(c) + "\n" for c in want["commands"])


@need_kernel
def test_numeric_cell_name_is_passed_with_name_flag(tmp_path):
    """`jailhouse cell load 42` would mean the cell with ID 42."""
    cell = classic_cell(tmp_path)
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path), "--name", "42",
             "--format", "json")
    cmds = json.loads(p.stdout)["commands"]
    assert cmds[1][3:5] == ["--name", "42"]
    assert cmds[2][3:] == ["--name", "42"]


@need_kernel
@need_initrd
def test_kernel_at_lowest_aligned_slot_when_pref_address_is_not_ram(tmp_path):
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x10000000 128M\n")
    k = kernel_header()
    pm = align_up(0x10000000 + k["setup_size"], k["kernel_alignment"])
    initrd = align_up(pm + k["init_size"], PAGE)
    j = json.loads(plan(cell, KERNEL, "-i", INITRD, "--loader",
                        fake_loader(tmp_path), "--format", "json").stdout)
    assert j["kernel"]["addr"] == pm - k["setup_size"]
    assert j["initrd"]["addr"] == initrd
    assert j["kernel_window"] == [pm, pm + k["init_size"]]


@need_kernel
@need_initrd
def test_initrd_below_the_kernel_when_nothing_is_free_above(tmp_path):
    k = kernel_header()
    size = os.path.getsize(INITRD)
    # where the kernel runs in place in high RAM from 2 MiB (its header)
    fit = kernelfit.in_place(k, k["file_size"], [(0x200000, 1 << 40)])
    above = align_up(fit.window_end, PAGE)
    ram_end = align_down(above + size - 1, 0x100000)    # the initrd misses
    assert ram_end >= fit.window_end                    # the window fits
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 0x%x\n" % (ram_end - 0x200000))
    kaddr = fit.kernel_addr
    assert align_down(kaddr - size, PAGE) >= 0x200000   # room below the file
    j = json.loads(plan(cell, KERNEL, "-i", INITRD, "--loader",
                        fake_loader(tmp_path), "--format", "json").stdout)
    assert j["kernel"]["addr"] == kaddr
    # the highest page-aligned spot below the kernel file
    assert j["initrd"]["addr"] == align_down(kaddr - size, PAGE)


# --------------------------------------------------------------------------
# bad inputs: one line, the loader's wording, exit 1
# --------------------------------------------------------------------------
def test_missing_file(tmp_path):
    p = plan(tmp_path / "nope.cell", tmp_path / "k", "--loader",
             fake_loader(tmp_path), rc=1)
    assert p.stderr == "cellboot: error: %s: cannot open: No such file or directory\n" % (
        tmp_path / "nope.cell")


@need_kernel
def test_truncated_cell_config(tmp_path):
    data = open(classic_cell(tmp_path), "rb").read()
    n_mem = abi.CELL_DESC.get(data, "num_memory_regions")
    cut = abi.memory_offset(data, 0) + abi.MEMORY.size // 2     # half a memory region
    bad = tmp_path / "short.cell"
    bad.write_bytes(data[:cut])
    p = plan(bad, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "cell config", "%d memory regions at 0x%x" %
                 (n_mem, abi.memory_offset(data, 0)), (" %d " % cut, "0x%x " % cut))
    bad.write_bytes(data[:100])
    p = plan(bad, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "cell config", ("100 bytes", "0x64 bytes"))


@need_kernel
def test_wrong_signature(tmp_path):
    data = open(classic_cell(tmp_path), "rb").read()
    bad = tmp_path / "bad.cell"
    bad.write_bytes(abi.CELL_DESC.patched(data, "signature", b"XXCLL"))
    p = plan(bad, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "cell config", '"XXCLL"', "JHCLL")


@need_kernel
def test_cell_description_instead_of_config_gets_a_hint(tmp_path):
    desc = os.path.join(harness.ROOT, "configs", "classic.cell.txt")
    p = plan(desc, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    lines = p.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith('cellboot: error: cell config: ')
    assert lines[1] == ("cellboot: hint: %s looks like a cell description; write "
                        "the binary config first: cellboot mkcell %s -o NAME.cell"
                        % (desc, desc))


def test_not_a_bzimage(tmp_path):
    cell = classic_cell(tmp_path)
    text = tmp_path / "vmlinuz"
    text.write_bytes(b"this is not a kernel\n" * 100)
    raw = text.read_bytes()
    flag = abi.BOOT_PARAMS.get(raw, "boot_flag")
    magic = abi.BOOT_PARAMS.get(raw, "header")
    p = plan(cell, text, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "kernel", "boot_flag 0x%x" % flag, "header 0x%x" % magic)
    text.write_bytes(b"tiny")
    p = plan(cell, text, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "kernel", ("0x4 bytes", "4 bytes"), "0x%x" % abi.BOOT_PARAMS.end("hdr"))


@need_kernel
def test_initrd_too_big_for_the_cell(tmp_path):
    cell = classic_cell(tmp_path)
    big = tmp_path / "big.cpio"
    fit = expected_plan(cell, KERNEL)["fit"]
    at = align_up(fit.window_end, PAGE)
    # larger than the RAM above the window: 64 MiB or more
    size = max(64 << 20, align_up(0x8000000 - at + 1, 0x100000))
    with open(big, "wb") as f:
        f.truncate(size)                      # sparse: zeros
    p = plan(cell, KERNEL, "-i", big, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "initrd", "0x%x-0x%x is not inside cell RAM" %
                 (at, at + size - 1))


@need_kernel
def test_empty_initrd(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    p = plan(classic_cell(tmp_path), KERNEL, "-i", empty, "--loader",
             fake_loader(tmp_path), rc=1)
    assert p.stderr == "cellboot: error: initrd: %s is empty\n" % empty


@need_kernel
def test_command_line_too_long(tmp_path):
    k = kernel_header()
    cmdline = "x" * (k["cmdline_size"] + 1)
    p = plan(classic_cell(tmp_path), KERNEL, "-c", cmdline, "--loader",
             fake_loader(tmp_path), rc=1)
    n = len(cmdline)
    loader_error(p, "cmdline", ("%d bytes" % n, "%#x bytes" % n), "cmdline_size",
                 ("%d" % k["cmdline_size"], "%#x" % k["cmdline_size"]))


@need_kernel
def test_params_too_long(tmp_path):
    cell = classic_cell(tmp_path)
    cmdline = "y" * LAYOUT["CB_PARAMS_SIZE"]
    want = expected_plan(cell, KERNEL, cmdline=cmdline)
    p = plan(cell, KERNEL, "-c", cmdline, "--loader", fake_loader(tmp_path), rc=1)
    assert p.stderr == ("cellboot: error: params: %d bytes with the NUL, the buffer "
                        "at 0x%x holds %d (shorten the command line)\n"
                        % (len(want["params"]) + 1, LAYOUT["CB_PARAMS_ADDR"],
                           LAYOUT["CB_PARAMS_SIZE"]))


@need_kernel
def test_non_ascii_command_line_is_refused_like_the_loader_does(tmp_path):
    cell = classic_cell(tmp_path)
    want = expected_plan(cell, KERNEL, cmdline="caf\u00e9")
    off = want["params"].encode().index(b"\xc3")
    p = plan(cell, KERNEL, "-c", "caf\u00e9", "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "params", "0xc3", (" %d " % off, " %#x " % off))


@need_kernel
def test_bad_param_reported_by_the_loaders_parser(tmp_path):
    p = plan(classic_cell(tmp_path), KERNEL, "--param", "frobnicate=1",
             "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "params", "unknown key 'frobnicate'")
    p = plan(classic_cell(tmp_path), KERNEL, "--param", "kernel=0x0",
             "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "params", "kernel: given twice")


@need_kernel
def test_console_not_granted(tmp_path):
    p = plan(classic_cell(tmp_path), KERNEL, "--param", "console=io,0x2f8",
             "--loader", fake_loader(tmp_path), rc=1)
    assert p.stderr == "cellboot: error: console: io 0x2f8 is not granted\n"


@need_kernel
def test_cell_without_comm_region(tmp_path):
    cell = mkcell(tmp_path, CELL_HEAD.replace("comm 0x100000\n", "") +
                  "ram 0x200000 126M\n")
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    assert err_line(p).startswith("cellboot: error: cell config: no comm region")


def pref_ram_start(k):
    """Where high RAM starts so that the file at pref_address - setup is
    in it: 2 MiB, or lower for a kernel that prefers 2 MiB (its setup
    sectors go below), above the comm region at 1 MiB."""
    start = min(0x200000, align_down(k["pref_address"] - k["setup_size"], PAGE))
    assert start >= 0x101000, "pref_address - setup in the comm region"
    return start


@need_kernel
def test_ram_without_loadable_flag(tmp_path):
    """The driver refuses the image with a bare EINVAL; plan says why."""
    k = kernel_header()
    kaddr = k["pref_address"] - k["setup_size"]
    start = pref_ram_start(k)
    cell = mkcell(tmp_path, CELL_HEAD + "mem 0x%x 0x%x flags=r,w,x,dma\n" % (
        start, 0x8000000 - start))
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    assert p.stderr == ("cellboot: error: kernel: 0x%x-0x%x is not inside one cell "
                        "memory region with the write and loadable flags (jailhouse "
                        "cell load would fail with EINVAL)\n"
                        % (kaddr, kaddr + k["file_size"] - 1))


@need_kernel
def test_low_ram_not_loadable(tmp_path):
    cell = mkcell(tmp_path, CELL_HEAD.replace("ram 0x0 1M", "mem 0x0 1M flags=r,w,x,dma")
                  + "ram 0x200000 126M\n")
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path, 0x2000), rc=1)
    assert p.stderr == ("cellboot: error: loader: 0x0-0x1fff is not inside one cell "
                        "memory region with the write and loadable flags (jailhouse "
                        "cell load would fail with EINVAL)\n")


@need_kernel
def test_cell_too_small_for_init_size(tmp_path):
    """The file fits at pref_address - setup, the window does not."""
    k = kernel_header()
    start = pref_ram_start(k)
    end = align_up(k["pref_address"] - k["setup_size"] + k["file_size"], 0x100000)
    assert end < k["pref_address"] + k["init_size"]
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x%x 0x%x\n" % (start, end - start))
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    # the line says by how much the cell is short (lib/plan.c need_end):
    # RAM ends at end, the window at pref_address ends init_size later
    top = end
    need = align_up(k["pref_address"], k["kernel_alignment"]) + k["init_size"]
    tenths = -(-(need - top) * 10 // (1 << 20))
    assert p.stderr == (
        "cellboot: error: kernel: no room: cell RAM ends at 0x%x, the kernel "
        "needs up to 0x%x: %d.%d MiB short (init_size 0x%x at >= 0x%x, align "
        "0x%x)\n" % (top, need, tenths // 10, tenths % 10, k["init_size"],
                     k["pref_address"], k["kernel_alignment"]))


@need_kernel
def test_no_low_ram(tmp_path):
    cell = mkcell(tmp_path, "name x\ncpus 1\nram 0x0 64K\ncomm 0x100000\n"
                  "ram 0x200000 126M\n")
    p = plan(cell, KERNEL, "--loader", fake_loader(tmp_path), rc=1)
    assert p.stderr == ("cellboot: error: memory: 0x0-0x%x is not inside cell RAM\n"
                        % (LAYOUT["CB_LOW_END"] - 1))


@need_kernel
def test_loader_too_big(tmp_path):
    big = fake_loader(tmp_path, LAYOUT["CB_IMAGE_MAX"] + 1)
    p = plan(classic_cell(tmp_path), KERNEL, "--loader", big, rc=1)
    assert p.stderr == ("cellboot: error: loader: %s is 0x%x bytes, cellboot.bin is "
                        "1 to 0x%x bytes (is it the loader this tool was built "
                        "with?)\n" % (big, LAYOUT["CB_IMAGE_MAX"] + 1,
                                      LAYOUT["CB_IMAGE_MAX"]))


def test_old_kernel_protocol(tmp_path):
    k = make_bzimage(tmp_path / "old", version=0x020a)
    p = plan(classic_cell(tmp_path), k, "--loader", fake_loader(tmp_path), rc=1)
    loader_error(p, "kernel", "0x20a")


def test_synthetic_kernel_plans_in_place(tmp_path):
    k = make_bzimage(tmp_path / "k")
    cell = classic_cell(tmp_path)
    loader = fake_loader(tmp_path)
    want = expected_plan(cell, k, loader=loader)
    p = plan(cell, k, "--loader", loader)
    assert p.stdout == "".join(shell_line(c) + "\n" for c in want["commands"])


# --------------------------------------------------------------------------
# boot
# --------------------------------------------------------------------------
FAKE_JAILHOUSE = """#!%s
import json, os, sys
with open(os.environ["FAKE_JH_LOG"], "a") as f:
    f.write(json.dumps(sys.argv) + "\\n")
sys.exit(int(os.environ.get("FAKE_JH_FAIL_" + sys.argv[2], "0")))
"""


def fake_jailhouse(tmp_path):
    path = tmp_path / "jailhouse"
    path.write_text(FAKE_JAILHOUSE % sys.executable)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@need_kernel
@need_initrd
def test_boot_dry_run_prints_the_plan(tmp_path):
    cell = classic_cell(tmp_path)
    args = [cell, KERNEL, "-i", INITRD, "-c", CMDLINE, "--loader",
            fake_loader(tmp_path)]
    want, want_err = plan(*args).stdout, plan(*args).stderr
    p = run("boot", "--dry-run", *args, check_rc=0)
    assert p.stdout == want and without_doctor(p.stderr) == ""
    assert len(doctor_warnings(p.stderr)) == (1 if kernel_is_guest() is False else
                                              len(doctor_warnings(want_err)))
    j = run("boot", "--dry-run", "--format", "json", *args, check_rc=0)
    assert json.loads(j.stdout) == json.loads(plan(*args, "--format", "json").stdout)


@need_kernel
@need_initrd
def test_boot_runs_the_three_commands(tmp_path):
    cell = classic_cell(tmp_path)
    jh = fake_jailhouse(tmp_path)
    log = tmp_path / "argv.log"
    loader = fake_loader(tmp_path)
    want = expected_plan(cell, KERNEL, INITRD, CMDLINE, loader=loader, jailhouse=jh)
    p = run("boot", cell, KERNEL, "-i", INITRD, "-c", CMDLINE, "--loader", loader,
            "--jailhouse", jh, env=dict(os.environ, FAKE_JH_LOG=str(log)),
            check_rc=0)
    got = [json.loads(l) for l in log.read_text().splitlines()]
    assert got == want["commands"]
    # each command is echoed before it runs, as plan prints it
    assert p.stdout == "".join(shell_line(c) + "\n" for c in want["commands"])


@need_kernel
def test_boot_stops_at_the_first_failure(tmp_path):
    cell = classic_cell(tmp_path)
    jh = fake_jailhouse(tmp_path)
    log = tmp_path / "argv.log"
    p = run("boot", cell, KERNEL, "--loader", fake_loader(tmp_path),
            "--jailhouse", jh,
            env=dict(os.environ, FAKE_JH_LOG=str(log), FAKE_JH_FAIL_load="3"),
            check_rc=1)
    got = [json.loads(l)[2] for l in log.read_text().splitlines()]
    # the half-made cell is destroyed again (tests/tool/test_boot.py)
    assert got == ["create", "load", "destroy"]
    assert without_doctor(p.stderr) == (
        "cellboot: error: boot: '%s cell load' failed with exit status 3; '%s "
        "cell start' not run\ncellboot: the cell 'linux-classic' that 'cell "
        "create' made is destroyed again\n" % (jh, jh))


@need_kernel
def test_boot_without_jailhouse_binary(tmp_path):
    p = run("boot", classic_cell(tmp_path), KERNEL, "--loader",
            fake_loader(tmp_path), "--jailhouse", tmp_path / "nope", check_rc=1)
    assert without_doctor(p.stderr) == (
        "cellboot: error: boot: cannot run %s: No such file or directory\n"
        % (tmp_path / "nope"))


@need_kernel
def test_boot_checks_before_running_anything(tmp_path):
    jh = fake_jailhouse(tmp_path)
    log = tmp_path / "argv.log"
    run("boot", classic_cell(tmp_path), KERNEL, "-c", "x" * 4000, "--loader",
        fake_loader(tmp_path), "--jailhouse", jh,
        env=dict(os.environ, FAKE_JH_LOG=str(log)), check_rc=1)
    assert not log.exists()
