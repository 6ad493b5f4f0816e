"""The cell runner is honest about UARTs and about the guest's end: QEMU
gets exactly the legacy UARTs the cell owns, the console is the loader's,
and a kernel that reboots, powers off or halts ends the run as "shutdown"
(a success), not as a timeout.

The guest programs are a few real-mode instructions (out to a port, one
byte at a time), built here without an assembler."""

import os
import subprocess
import sys

import pytest

import cellrunner as cr
import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def program(out, end="halt"):
    """Writes each (port, text) of out, then halts ("halt") or triple
    faults ("reset": IDT limit 0, int3)."""
    code = bytearray()
    for port, text in out:
        for b in text.encode():
            code += bytes([0xba, port & 0xff, port >> 8, 0xb0, b, 0xee])
    code += b"\xfa\xf4\xeb\xfd" if end == "halt" else b"\x0f\x01\x1e\x00\x0c\xcc"
    img = bytearray(0x1000)
    img[:len(code)] = code
    return bytes(img)


@pytest.mark.parametrize("machine", ["microvm", "q35"])
def test_only_the_given_uarts_exist_console_first(machine):
    img = program([(0x3f8, "com1\n"), (0x2f8, "com2\n"), (0x3e8, "com3\n"),
                   (0x2e8, "com4 done\n")])
    with cr.Cell(machine, 1, 64, [(img, 0)], uarts=(0x2f8, 0x2e8)) as cell:
        res = cell.run(timeout=20, done="done")
        assert res.outcome == cr.DONE and res.matched_line == "com4 done"
        assert res.serial == "com2\n"                  # the console: 0x2f8
        assert res.serials == {0x2f8: "com2\n", 0x2e8: "com4 done\n"}
        assert cell.uart_text(0x2e8) == "com4 done\n"
        assert open(cell.serial_log).read() == "com2\n"
        assert os.path.basename(cell.uart_logs[0x2e8]) == "ttyS3.log"
        cmd = " ".join(cell.command)
        assert "-serial" not in cell.command
        assert "isa-serial,index=1,chardev=ttyS1" in cmd
        assert "isa-serial,index=3,chardev=ttyS3" in cmd
        assert "index=0" not in cmd and "index=2" not in cmd


def test_uarts_must_be_legacy_ports():
    for bad in [(0x3f8, 0x3f8), (0x400,)]:
        with pytest.raises(ValueError, match="legacy UART"):
            cr.Cell("microvm", 1, 64, [], uarts=bad)


@pytest.mark.parametrize("line,end", [("reboot: Power down", "halt"),
                                      ("reboot: System halted", "halt"),
                                      ("reboot: Restarting system", "reset")])
def test_kernel_shutdown_is_a_success_not_a_timeout(line, end):
    img = program([(0x3f8, "[ 1.0] %s\n" % line)], end=end)
    res = cr.run_cell("microvm", 1, 64, [(img, 0)], timeout=30)
    assert res.outcome == cr.SHUTDOWN and res.matched_line == "[ 1.0] " + line
    assert res.elapsed < 20
    # the CLI: exit 0, and 2 (ended early) when a --done line was wanted
    path = os.path.join(os.path.dirname(os.path.abspath(cr.__file__)), "cellrunner.py")
    imgfile = os.path.join(os.environ.get("TMPDIR", "/tmp"), "shutdown-%d.bin" % os.getpid())
    with open(imgfile, "wb") as f:
        f.write(img)
    try:
        for extra, rc in [([], 0), (["--done", "login:"], 2)]:
            p = subprocess.run([sys.executable, path, "--image", imgfile + "@0",
                                "--timeout", "30", "--quiet"] + extra,
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == rc, p.stderr
            assert p.stderr.startswith("cellrunner: shutdown after ")
    finally:
        os.unlink(imgfile)


def test_an_unannounced_reset_is_still_exited():
    res = cr.run_cell("microvm", 1, 64, [(program([(0x3f8, "x\n")], end="reset"), 0)],
                      timeout=30)
    assert res.outcome == cr.EXITED and res.shutdown_reason == "guest-reset"


def test_harness_gives_the_cell_its_own_uarts(tmp_path):
    desc = tmp_path / "two.cell.txt"
    desc.write_text("name two\ncpus 0\nram 0x0 1M\ncomm 0x100000\nram 0x200000 30M\n"
                    "pio 0x3f8 8\npio 0x2e8 8\nconsole 8250 pio 0x2e8 divider=1\n")
    out = tmp_path / "two.cell"
    subprocess.run([harness.TOOL, "mkcell", str(desc), "-o", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    cell = harness.parse_cell(out.read_bytes())
    assert harness.owned_uarts(cell) == [0x2e8, 0x3f8]
    cell["console"]["type"] = 0
    assert harness.owned_uarts(cell) == [0x3f8, 0x2e8]
    cell["pio"] = [{"base": 0x2f0, "length": 0x10}]            # covers 0x2f8
    assert harness.owned_uarts(cell) == [0x2f8]
