"""Real boots through the product: `cellboot qemu` as a CI job calls it.

The tool plans, wires and judges the boot (its verdict line and exit
code); the test initramfs reports what the kernel received, and the
harness's own decoders (harness.py: cell config, report) are the oracle
that checks it, independently of the C code. The Python cell runner
(test_boot.py, test_matrix.py, test_errors.py) stays for what the product
cannot do: loading files where the tool would never put them, broken
inputs the tool refuses, reading guest memory after a failure."""

import os
import re
import socket
import subprocess
import time

import pytest

import abi
import harness

TOOL = harness.TOOL
JH_KERNEL = os.path.join(harness.BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000 cellboot.test=product"
TIMEOUT = int(harness.BOOT_TIMEOUT) + 60
VERDICT = re.compile(r"^cellboot: qemu: (\S+), (\d+) CPUs?: (passed|failed|timed out|"
                     r"interrupted) (?:in|after) ([0-9.]+) s: (.*)$", re.M)

JH_CELL = """name jh-product
flags passive-commreg virtual-console-permitted
comm 0x100000
pio 0x3f8 8
console 8250 pio 0x3f8 divider=1
irqchip 0xfec00000 id=0xff00 pin_base=0 pins=4
cpus 0
ram 0x0 1M
ram 0x200000 62M
"""


def cellboot_qemu(*args, timeout=TIMEOUT * 2):
    p = subprocess.run([TOOL, "qemu"] + [str(a) for a in args],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    p.out = p.stdout.decode("utf-8", "replace").replace("\r", "")
    p.err = p.stderr.decode("utf-8", "replace")
    p.verdicts = VERDICT.findall(p.err)
    return p


def check_report(serial, cell_path, cmdline, cpus):
    """What the kernel received, against what the cell and the call asked."""
    rep = harness.parse_report(serial)
    cell = harness.parse_cell(open(cell_path, "rb").read())
    assert rep.get("complete"), serial[-3000:]
    assert rep["cmdline"] == cmdline.encode()
    assert rep["memmap"] == harness.expected_memmap(cell)
    assert rep["payload"]["crc32"] == harness.payload_crc()
    assert rep["cpus"]["online"] == cpus
    assert harness.jailhouse_setup(rep)["num_cpus"] == cpus
    return rep


def mkcell(tmp_path, desc, name):
    out = tmp_path / (name + ".cell")
    subprocess.run([TOOL, "mkcell", desc, "-o", out], check=True,
                   stdout=subprocess.DEVNULL)
    return str(out)


def test_ci_call_boots_the_distribution_kernel_on_both_machines(tmp_path):
    """One call, two runs (microvm and q35), each to the report's last
    line: exit 0, one verdict line each, a serial log each."""
    cell = mkcell(tmp_path, os.path.join(harness.ROOT, "configs", "classic.cell.txt"),
                  "classic")
    logs = tmp_path / "logs"
    p = cellboot_qemu(cell, harness.KERNEL, "-i", harness.INITRAMFS, "-c", CMDLINE,
                      "--machine", "microvm,q35", "--expect", "^cellboot: handoff to ",
                      "--expect", "Run /init as init process", "--expect", "CBREPORT end",
                      "--timeout", TIMEOUT, "--serial-log", logs)
    assert p.returncode == 0, p.err + p.out[-3000:]
    assert [(m, c, s) for m, c, s, _, _ in p.verdicts] == [
        ("microvm", "1", "passed"), ("q35", "1", "passed")]
    assert all(r.startswith('the last --expect matched: "CBREPORT end"')
               for _, _, _, _, r in p.verdicts)
    for machine in ("microvm", "q35"):
        log = (logs / ("%s-1cpu-ttyS0.log" % machine)).read_bytes()
        serial = log.decode("utf-8", "replace").replace("\r", "")
        check_report(serial, cell, CMDLINE, 1)
        assert not [l for l in harness.loader_lines(serial) if "error" in l]


def test_ci_call_boots_the_jailhouse_guest_kernel_with_1_and_2_cpus(tmp_path):
    if not os.path.exists(JH_KERNEL):
        pytest.fail("%s missing: make check builds it (scripts/build-kernel.sh)"
                    % JH_KERNEL)
    desc = tmp_path / "jh.cell.txt"
    desc.write_text(JH_CELL)
    cell = mkcell(tmp_path, desc, "jh")
    logs = tmp_path / "logs"
    p = cellboot_qemu(cell, JH_KERNEL, "-i", harness.INITRAMFS, "-c", CMDLINE,
                      "--cpus", "1,2", "--expect", "CBREPORT end",
                      "--timeout", TIMEOUT, "--serial-log", logs)
    assert p.returncode == 0, p.err + p.out[-3000:]
    assert [(c, s) for _, c, s, _, _ in p.verdicts] == [("1", "passed"), ("2", "passed")]
    for n in (1, 2):
        serial = (logs / ("microvm-%dcpu-ttyS0.log" % n)).read_bytes().decode(
            "utf-8", "replace").replace("\r", "")
        # --cpus rewrote the cell's CPU set: the kernel got n CPUs
        check_report(serial, cell, CMDLINE, n)
        assert "cpus: %d of %d checked in" % (n, n) in serial


def test_a_kernel_panic_fails_fast_with_1(tmp_path):
    """No initrd and no root device: Linux panics in its own words."""
    cell = mkcell(tmp_path, os.path.join(harness.ROOT, "configs", "classic.cell.txt"),
                  "classic")
    t = time.monotonic()
    p = cellboot_qemu(cell, harness.KERNEL, "-c",
                      "console=ttyS0 reboot=t tsc_early_khz=2000000",
                      "--expect", "Run /init as init process", "--timeout", TIMEOUT)
    assert p.returncode == 1, p.err + p.out[-3000:]
    (_, _, state, secs, reason), = p.verdicts
    assert state == "failed"
    assert reason.startswith('the kernel panicked: "') and \
        "Kernel panic - not syncing: " in reason
    # stopped at the panic (plus a second for its trace), not at the timeout
    assert time.monotonic() - t < TIMEOUT - 30
    panic = p.out.index("Kernel panic - not syncing")
    assert p.out.index("cellboot: handoff to ") < panic


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_stops_at_the_kernels_entry_and_reads_boot_params(tmp_path):
    """The session of docs/boot-testing.md, in gdb's batch mode: break at
    the kernel's 64-bit entry that --gdb printed, dump the zero page and
    the command line, detach; the boot then runs to its --expect."""
    cell = mkcell(tmp_path, os.path.join(harness.ROOT, "configs", "classic.cell.txt"),
                  "classic")
    port = free_port()
    lay = abi.LAYOUT
    proc = subprocess.Popen([TOOL, "qemu", cell, harness.KERNEL, "-i", harness.INITRAMFS,
                             "-c", CMDLINE, "--gdb=%d" % port, "--expect", "CBREPORT end",
                             "--timeout", str(TIMEOUT)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        # the hints come before QEMU starts; read them as they arrive
        hints = b""
        deadline = time.monotonic() + 60
        while b"the zero page at the kernel's entry" not in hints:
            assert time.monotonic() < deadline, hints
            line = proc.stderr.readline()
            assert line, hints
            hints += line
        hints = hints.decode()
        m = re.search(r"^    0x([0-9a-f]+) +the kernel's 64-bit entry \(startup_64\), "
                      r"%rsi = boot_params$", hints, re.M)
        assert m, hints
        entry = int(m.group(1), 16)
        assert "gdb on tcp port %d" % port in hints
        assert re.search(r"^  this plan: boot_params 0x%x, command line 0x%x, "
                         r"setup_data 0x%x, " % (lay["CB_BOOT_PARAMS_ADDR"],
                                                 lay["CB_CMDLINE_ADDR"],
                                                 lay["CB_SETUP_DATA_ADDR"]),
                         hints, re.M), hints
        assert re.search(r"^    0x[0-9a-f]+ +cellboot_main: the loader's C entry", hints,
                         re.M), hints
        zp, cmd = tmp_path / "zeropage.bin", tmp_path / "cmdline.bin"
        g = subprocess.run(
            ["gdb", "-batch", "-nx",
             "-ex", "set architecture i386:x86-64",
             "-ex", "target remote 127.0.0.1:%d" % port,
             "-ex", "hbreak *0x%x" % entry,
             "-ex", "continue",
             "-ex", 'printf "rip=%lx rsi=%lx\\n", $rip, $rsi',
             "-ex", "dump binary memory %s $rsi $rsi+4096" % zp,
             "-ex", "dump binary memory %s 0x%x 0x%x" % (cmd, lay["CB_CMDLINE_ADDR"],
                                                       lay["CB_CMDLINE_ADDR"] + 0x800),
             "-ex", "delete",
             "-ex", "detach"],
            capture_output=True, text=True, timeout=TIMEOUT)
        assert "rip=%x rsi=%x" % (entry, lay["CB_BOOT_PARAMS_ADDR"]) in g.stdout, \
            g.stdout + g.stderr
        bp, BP = zp.read_bytes(), abi.BOOT_PARAMS
        assert BP.get(bp, "header") == abi.BP_HDRS_MAGIC
        assert BP.get(bp, "type_of_loader") == abi.BP_LOADER_TYPE_UNDEFINED
        assert BP.get(bp, "cmd_line_ptr") == lay["CB_CMDLINE_ADDR"]
        assert BP.get(bp, "setup_data") == lay["CB_SETUP_DATA_ADDR"]
        assert cmd.read_bytes().split(b"\0")[0] == CMDLINE.encode()
        out, err = proc.communicate(timeout=TIMEOUT * 2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode()
    assert re.search(r"^cellboot: qemu: microvm, 1 CPU: passed in [0-9.]+ s: the last "
                     r"--expect matched: \"CBREPORT end\"$", err.decode(), re.M)
