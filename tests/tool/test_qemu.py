"""cellboot qemu and mkrom: the reset ROM as a kernel reads it, the comm
page against the Python description, the QEMU command, a real boot of the test kernel at the
planned addresses, the timeout; and the installed layout."""

import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

import cellrunner
import abi
import harness
from tooltest import (BUILD, INITRD, KERNEL, LAPIC_ADDR, LAYOUT, LOADER, RELEASE_TOOL, RESET_STUB,
                      RESET_VECTOR, ROM_SIZE, ROOT, TOOL, classic_cell, decode_rom,
                      expected_plan, fake_loader, kernel_header, make_bzimage, mkrom,
                      need_initrd, need_kernel, need_qemu, run)

MICROVM = ("microvm,x-option-roms=off,rtc=off,pic=on,pit=on,isa-serial=off,"
           "acpi=off,pcie=off,ioapic2=off")
CMDLINE = ('console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000 '
           'cellboot.test="a b" it\'s end')


# --------------------------------------------------------------------------
# the reset ROM: `cellboot mkrom` is its only description; what a CPU and a
# kernel find in it
# --------------------------------------------------------------------------
def test_mkrom_without_cpus_is_the_reset_jump_alone(tmp_path):
    rom = mkrom(tmp_path)
    assert decode_rom(rom) == {"reset": RESET_STUB, "mp": None}
    # erased flash everywhere else
    assert rom == b"\xff" * RESET_VECTOR + RESET_STUB + \
        b"\xff" * (ROM_SIZE - RESET_VECTOR - len(RESET_STUB))


@pytest.mark.parametrize("cpus", [1, 2, 8, 254])
def test_mkrom_mp_table(tmp_path, cpus):
    d = decode_rom(mkrom(tmp_path, cpus))
    assert d["reset"] == RESET_STUB
    mp = d["mp"]
    assert mp["lapic"] == LAPIC_ADDR
    assert mp["cpus"] == list(range(cpus)) and mp["bsp"] == [0]
    assert mp["buses"] == [(0, b"ISA   ")]
    # the IOAPIC takes the first ID above the CPUs', enabled, where QEMU has it
    assert mp["ioapics"] == [(cpus, 1, abi.JAILHOUSE_IOAPIC_STANDARD_ADDR)]
    # QEMU's ISA wiring: IRQ0 on pin 2, IRQ n on pin n, no IRQ2 (the cascade)
    assert mp["irqs"] == {irq: (cpus, 2 if irq == 0 else irq) for irq in range(16) if irq != 2}
    assert mp["lints"] == [(3, 0xFF, 0), (1, 0xFF, 1)]     # ExtINT on LINT0, NMI on LINT1


def test_python_runner_uses_the_tools_rom(tmp_path, monkeypatch):
    monkeypatch.setattr(cellrunner, "ROM_TOOL", TOOL)
    for mp_table, want in ((True, mkrom(tmp_path, 3)), (False, mkrom(tmp_path))):
        cell = cellrunner.Cell("microvm", cpus=3, images=[(b"\xf4", 0)], mp_table=mp_table)
        try:
            cmd = cell.build_command()
            rom = cmd[cmd.index("-bios") + 1]
            assert open(rom, "rb").read() == want
        finally:
            cell.stop()


# --------------------------------------------------------------------------
# the QEMU command and its files
# --------------------------------------------------------------------------
def dry_run(tmp_path, *args):
    wd = tmp_path / "wd"
    p = run("qemu", "--dry-run", "--workdir", wd, *args, check_rc=0)
    return wd, shlex.split(p.stdout), p


@need_kernel
@need_initrd
@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_dry_run_command_and_files(tmp_path, machine):
    desc = os.path.join(ROOT, "configs", "classic-2cpu.cell.txt")
    loader = fake_loader(tmp_path)
    wd, argv, p = dry_run(tmp_path, desc, KERNEL, "-i", INITRD, "-c", CMDLINE,
                          "--loader", loader, "--machine", machine)
    cell_bin = str(wd / "cell.cell")
    cell = harness.parse_cell(open(cell_bin, "rb").read())
    # the description became the config mkcell writes
    ref = tmp_path / "ref.cell"
    run("mkcell", desc, "-o", ref, check_rc=0)
    assert open(cell_bin, "rb").read() == ref.read_bytes()
    want = expected_plan(cell_bin, KERNEL, INITRD, CMDLINE, loader=loader)

    def dev(path, addr):
        return ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (path, addr)]

    assert argv == [
        os.environ.get("QEMU", "qemu-system-x86_64"),
        "-M", MICROVM if machine == "microvm" else "q35", "-accel", "tcg",
        "-smp", "cpus=2,sockets=1,cores=2,threads=1", "-m", "128M",
        "-bios", str(wd / "resetrom.bin"), "-nodefaults", "-nographic",
        "-no-reboot", "-chardev", "stdio,id=ttyS0,signal=off",
        "-device", "isa-serial,index=0,chardev=ttyS0"] + \
        dev(wd / "cellboot-params.bin", 0) + \
        dev(cell_bin, want["config_addr"]) + dev(KERNEL, want["kernel_addr"]) + \
        dev(INITRD, want["initrd_addr"]) + dev(wd / "comm.bin", 0x100000)

    assert decode_rom((wd / "resetrom.bin").read_bytes())["mp"]["cpus"] == [0, 1]
    assert (wd / "comm.bin").read_bytes() == cellrunner.comm_region_bytes(
        num_cpus=2, tsc_khz=2000000, apic_khz=1000000,
        pm_timer_address=0x608 if machine == "q35" else 0,
        flags=cellrunner.comm_flags(cell["flags"]), console=cell["console_bytes"])
    img = (wd / "cellboot-params.bin").read_bytes()
    params = want["params"].encode() + b"\0"
    base = LAYOUT["CB_PARAMS_ADDR"]
    assert img[:base] == open(loader, "rb").read()[:base]
    assert img[base:base + len(params)] == params
    assert img[base + len(params):] == open(loader, "rb").read()[base + len(params):]


@need_kernel
def test_dry_run_platform_options(tmp_path):
    wd, argv, _ = dry_run(tmp_path, classic_cell(tmp_path), KERNEL, "--loader",
                          fake_loader(tmp_path), "--tsc-khz", "3000000",
                          "--apic-khz", "0", "--pm-timer", "0x408",
                          "--accel", "kvm", "--qemu", "/opt/qemu")
    c = cellrunner.parse_comm_region((wd / "comm.bin").read_bytes())
    assert (c["tsc_khz"], c["apic_khz"], c["pm_timer_address"], c["num_cpus"]) == \
        (3000000, 0, 0x408, 1)
    assert c["signature"] == abi.COMM_SIGNATURE and c["revision"] == abi.COMM_REGION_ABI_REVISION
    assert argv[0] == "/opt/qemu" and argv[argv.index("-accel") + 1] == "kvm"


# what `cellboot qemu` boots without CELL and KERNEL, whatever kernel the
# other tests use (CELLBOOT_KERNEL)
DEFAULT_KERNEL = os.path.join(BUILD, "cache", "kernels", "debian-vmlinuz")


@pytest.mark.skipif(not os.path.isfile(DEFAULT_KERNEL),
                    reason="no Debian kernel (make kernel)")
@need_initrd
def test_defaults(tmp_path):
    """No CELL/KERNEL: the classic layout, Debian's kernel, the test initramfs."""
    p = subprocess.run([TOOL, "qemu", "--dry-run", "--workdir", str(tmp_path / "wd")],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    argv = shlex.split(p.stdout)
    files = [a[len("loader,file="):].split(",addr=")[0] for a in argv
             if a.startswith("loader,")]
    assert os.path.samefile(files[2], DEFAULT_KERNEL)
    assert os.path.samefile(files[3], INITRD)
    assert p.stderr.startswith("cellboot: qemu: cell ")
    cell = harness.parse_cell(open(files[1], "rb").read())
    assert cell["name"] == "linux-classic"
    img = open(files[0], "rb").read()
    params = img[LAYOUT["CB_PARAMS_ADDR"]:].split(b"\0")[0].decode()
    assert params.endswith(" -- console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000")


@need_kernel
def test_qemu_checks_like_plan(tmp_path):
    p = run("qemu", "--dry-run", classic_cell(tmp_path), KERNEL, "-c", "x" * 2100,
            "--loader", fake_loader(tmp_path), check_rc=1)
    assert p.stdout == "" and p.stderr.startswith("cellboot: error: cmdline: 2100 bytes")


def test_bad_cell_description(tmp_path):
    desc = tmp_path / "bad.cell.txt"
    desc.write_text("name x\ncpus 1\nrma 0x0 1M\n")
    p = run("qemu", "--dry-run", desc, tmp_path / "k", "--loader",
            fake_loader(tmp_path), check_rc=1)
    assert p.stderr == ("cellboot: error: cell description: line 3: unknown "
                        "keyword 'rma'\n")


# --------------------------------------------------------------------------
# real boots
# --------------------------------------------------------------------------
@need_kernel
@need_initrd
@need_qemu
def test_plan_then_qemu_boots_debian_on_microvm(tmp_path):
    assert os.path.isfile(LOADER), "make %s first" % LOADER
    cell = classic_cell(tmp_path)
    args = [cell, KERNEL, "-i", INITRD, "-c", CMDLINE]
    j = json.loads(run("plan", *args, "--format", "json", check_rc=0).stdout)
    assert os.path.samefile(j["loader"]["path"], LOADER)
    p = subprocess.run([TOOL, "qemu"] + args + ["--machine", "microvm",
                                                "--timeout", "120"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=300)
    serial = p.stdout.decode("utf-8", "replace").replace("\r", "")
    (tmp_path / "serial.log").write_text(serial)
    assert p.returncode == 0, "%s\n%s" % (p.stderr.decode(), serial[-3000:])
    assert "CBREPORT end" in serial
    rep = harness.parse_report(serial)
    assert rep["cmdline"] == CMDLINE.encode()
    assert rep["payload"]["crc32"] == harness.payload_crc()
    log = harness.loader_lines(serial)
    assert not [l for l in log if "error" in l]
    kline = [l for l in log if l.startswith("cellboot: kernel ")]
    assert len(kline) == 1
    assert "file 0x%x" % j["kernel"]["addr"] in kline[0]
    assert "moved" not in kline[0]
    iline = [l for l in log if l.startswith("cellboot: initrd ")]
    assert len(iline) == 1 and "moved" not in iline[0]
    assert iline[0].startswith("cellboot: initrd 0x%x-0x%x" % (
        j["initrd"]["addr"], j["initrd"]["addr"] + j["initrd"]["size"] - 1))
    hand = [l for l in log if l.startswith("cellboot: handoff to ")]
    assert hand and hand[0].startswith("cellboot: handoff to 0x%x " % j["kernel_entry"])


@need_qemu
def test_timeout_stops_qemu(tmp_path):
    """A 'kernel' that spins at its entry: QEMU runs until the timeout."""
    assert os.path.isfile(LOADER), "make %s first" % LOADER
    k = make_bzimage(tmp_path / "spin", code=b"\xeb\xfe")
    p = subprocess.run([TOOL, "qemu", classic_cell(tmp_path), k, "-c",
                        "console=ttyS0", "--timeout", "2"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert p.returncode == 3                             # timed out
    err = p.stderr.decode("utf-8", "replace")
    assert re.search(r"\ncellboot: qemu: microvm, 1 CPU: timed out after [0-9.]+ s: "
                     r"no verdict within the --timeout of 2 s\n$", err), err
    entry = kernel_header(k)["pref_address"] + 0x200     # the fixture's header
    assert ("cellboot: handoff to 0x%x " % entry).encode() in p.stdout


# --------------------------------------------------------------------------
# installed layout
# --------------------------------------------------------------------------
@pytest.mark.skipif(not os.path.isfile(RELEASE_TOOL),
                    reason="no release build (make %s)" % RELEASE_TOOL)
@need_kernel
def test_installed_tool_finds_its_loader(tmp_path):
    assert os.path.isfile(LOADER), "make %s first" % LOADER
    data = open(RELEASE_TOOL, "rb").read()
    assert b"__asan_init" not in data and b"__ubsan" not in data
    prefix = tmp_path / "usr"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "libexec" / "cellboot").mkdir(parents=True)
    shutil.copy(RELEASE_TOOL, prefix / "bin" / "cellboot")
    shutil.copy(LOADER, prefix / "libexec" / "cellboot" / "cellboot.bin")
    p = subprocess.run([str(prefix / "bin" / "cellboot"), "plan",
                        classic_cell(tmp_path), KERNEL, "--format", "json"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["loader"]["path"] == str(
        (prefix / "libexec" / "cellboot" / "cellboot.bin").resolve())


def test_build_tree_tool_finds_the_build_loader(tmp_path):
    if not os.path.isfile(LOADER):
        p = run("plan", classic_cell(tmp_path), "k", check_rc=1)
        assert p.stderr.startswith("cellboot: error: loader: no cellboot.bin")
        return
    k = make_bzimage(tmp_path / "k")
    j = json.loads(run("plan", classic_cell(tmp_path), k, "--format", "json",
                       check_rc=0).stdout)
    assert os.path.samefile(j["loader"]["path"], os.path.join(BUILD, "cellboot.bin"))
