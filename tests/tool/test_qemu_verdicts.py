"""cellboot qemu as a CI boot test: --expect, --fail-on, the verdict line and
its exit code, the UARTs the cell owns, --serial-log, --cpus/--machine runs.

Most tests boot a stand-in loader: a few real-mode instructions at 0 that
print given lines on given UARTs (out to the port, one byte at a time) and
then halt or reset the cell. That makes every verdict reachable in well
under a second, including the ones the real loader never produces on a
plan the tool accepted (the tool runs the loader's checks before QEMU
starts, so no input it accepts makes the loader print an error). The real
boots (Debian's kernel, the Jailhouse-guest kernel, a kernel panic, gdb)
are in test_qemu_boots.py."""

import os
import re
import signal
import subprocess
import time

import pytest

import abi
from tooltest import TOOL, decode_rom, make_bzimage, mkcell, need_qemu

PASSED, FAILED, USAGE, TIMED_OUT, INTERRUPTED = 0, 1, 2, 3, 130
COM = {0: 0x3f8, 1: 0x2f8, 2: 0x3e8, 3: 0x2e8}

CELL_BODY = """name standin
cpus 1
ram 0x0 1M
comm 0x100000
ram 0x200000 30M
"""


def cell(tmp_path, ports=(0x3f8,), cpus="1", console=None):
    text = CELL_BODY.replace("cpus 1", "cpus " + cpus)
    text += "".join("pio %#x 8\n" % p for p in ports)
    if console:
        text += "console 8250 pio %#x divider=1\n" % console
    return mkcell(tmp_path, text, name="standin")


def standin(tmp_path, out, end="halt", name="standin.bin"):
    """A loader image: for (port, text) in out, write text to port; then
    end: "halt" (cli; hlt forever) or "reset" (an IDT of limit 0 and int3:
    a triple fault, which ends QEMU under -no-reboot)."""
    code = bytearray()
    for port, text in out:
        for b in text.encode():
            code += bytes([0xba, port & 0xff, port >> 8,    # mov dx, port
                           0xb0, b,                          # mov al, b
                           0xee])                            # out dx, al
    if end == "halt":
        code += b"\xfa\xf4\xeb\xfd"                  # cli; hlt; jmp hlt
    else:
        code += b"\x0f\x01\x1e\x00\x0c\xcc"          # lidt [0xc00]; int3
    assert len(code) < 0xc00, "stand-in too long"
    img = bytearray(0x2000)
    img[:len(code)] = code                           # 0xc00: 6 zero bytes
    path = tmp_path / name
    path.write_bytes(bytes(img))
    return str(path)


def kernel(tmp_path):
    """Any bzImage the plan accepts: the stand-in never jumps to it."""
    return make_bzimage(tmp_path / "k", init_size=0x100000)


def qemu(tmp_path, loader, *args, cellpath=None, timeout=60, stdin=subprocess.DEVNULL):
    argv = [TOOL, "qemu", cellpath or cell(tmp_path), kernel(tmp_path),
            "--loader", loader, "-c", "console=ttyS0"] + [str(a) for a in args]
    t = time.monotonic()
    p = subprocess.run(argv, stdin=stdin, capture_output=True, timeout=timeout)
    p.wall = time.monotonic() - t
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    return p


VERDICT = re.compile(r"^cellboot: qemu: (\S+), (\d+) CPUs?: (passed|failed|timed out|"
                     r"interrupted) (?:in|after) ([0-9.]+) s: (.*)$", re.M)


def verdicts(p):
    return VERDICT.findall(p.err)


def verdict(p, rc):
    assert p.returncode == rc, "rc %d\nstderr:\n%s\nstdout:\n%s" % (
        p.returncode, p.err, p.out)
    v = verdicts(p)
    assert len(v) == 1, p.err
    assert p.err.endswith("\n") and p.err.splitlines()[-1].startswith(
        "cellboot: qemu: "), p.err
    return v[0]


HANDOFF = "cellboot: handoff to 0x1000200 after 1 cycles\r\n"


# --------------------------------------------------------------------------
# the four exit codes
# --------------------------------------------------------------------------
@need_qemu
def test_expect_in_order_passes_and_stops_qemu(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "one\r\nthree two\r\ntwo\r\nthree\r\n")])
    p = qemu(tmp_path, ld, "--expect", "t.o", "--expect", "^three$",
             "--timeout", "30")
    machine, cpus, state, secs, reason = verdict(p, PASSED)
    assert (machine, cpus, state) == ("microvm", "1", "passed")
    # "t.o" matched "three two" (its first match), "^three$" only the
    # last line: order counts, and the earlier "three" came before "t.o"
    assert reason == 'the last --expect matched: "three"'
    assert float(secs) < 10 and p.wall < 20     # stopped, not timed out
    assert p.out.replace("\r", "") == "one\nthree two\ntwo\nthree\n"


@need_qemu
def test_several_expects_on_one_line(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "alpha beta gamma\r\n")])
    p = qemu(tmp_path, ld, "--expect", "alpha", "--expect", "gamma",
             "--timeout", "30")
    assert verdict(p, PASSED)[4] == 'the last --expect matched: "alpha beta gamma"'
    p = qemu(tmp_path, ld, "--expect", "gamma", "--expect", "alpha",
             "--timeout", "2")
    _, _, state, _, reason = verdict(p, TIMED_OUT)
    assert reason == ("--expect 'alpha' (1 of 2 matched) did not match within "
                      "the --timeout of 2 s")


@need_qemu
def test_partial_line_prompt_matches_but_not_dollar(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "\r\nlogin: ")])
    p = qemu(tmp_path, ld, "--expect", "login: ", "--timeout", "30")
    assert verdict(p, PASSED)[4] == 'the last --expect matched: "login: "'
    # '$' does not match where more of the line may still come
    p = qemu(tmp_path, ld, "--expect", "login: $", "--timeout", "2")
    assert verdict(p, TIMED_OUT)[2] == "timed out"


@need_qemu
def test_wrong_expectation_times_out_with_3(tmp_path):
    ld = standin(tmp_path, [(0x3f8, HANDOFF + "Linux booting\r\n")])
    p = qemu(tmp_path, ld, "--expect", "handoff", "--expect", "login:",
             "--timeout", "2")
    _, _, state, secs, reason = verdict(p, TIMED_OUT)
    assert reason == ("--expect 'login:' (1 of 2 matched) did not match "
                      "within the --timeout of 2 s")
    assert 2 <= float(secs) < 4
    assert "Linux booting" in p.out


@need_qemu
def test_no_expect_and_a_timeout(tmp_path):
    p = qemu(tmp_path, standin(tmp_path, [(0x3f8, "x\r\n")]), "--timeout", "1")
    assert verdict(p, TIMED_OUT)[4] == "no verdict within the --timeout of 1 s"


@need_qemu
def test_loader_error_fails_fast_with_1(tmp_path):
    line = "cellboot: error: params: unknown key 'bogus'"
    ld = standin(tmp_path, [(0x3f8, "cellboot: version 0.1\r\n" + line + "\r\n")])
    p = qemu(tmp_path, ld, "--expect", "never", "--timeout", "60")
    _, _, _, secs, reason = verdict(p, FAILED)
    assert reason == 'the loader reported an error: "%s"' % line
    assert float(secs) < 5 and p.wall < 30


@need_qemu
def test_kernel_panic_line_fails_with_1(tmp_path):
    line = "[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs"
    ld = standin(tmp_path, [(0x3f8, HANDOFF + line + "\r\nCPU: 0 PID: 1\r\n")])
    p = qemu(tmp_path, ld, "--expect", "never", "--timeout", "60")
    _, _, _, secs, reason = verdict(p, FAILED)
    assert reason == 'the kernel panicked: "%s"' % line
    assert "CPU: 0 PID: 1" in p.out          # the trace after the line shows
    assert float(secs) < 5


@need_qemu
def test_user_fail_on(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "ok\r\nWARNING: something odd\r\nend\r\n")])
    p = qemu(tmp_path, ld, "--fail-on", "WARN(ING)?:", "--expect", "end",
             "--timeout", "30")
    assert verdict(p, FAILED)[4] == ("--fail-on 'WARN(ING)?:' matched: "
                                     "\"WARNING: something odd\"")


@need_qemu
def test_an_expected_error_line_is_not_a_failure(tmp_path):
    """The error catalogue's way: expect the loader's error line."""
    line = "cellboot: error: console: io 0x2f8 is not granted"
    ld = standin(tmp_path, [(0x3f8, line + "\r\n")])
    p = qemu(tmp_path, ld, "--expect", "^cellboot: error: console: ",
             "--timeout", "30")
    assert verdict(p, PASSED)[4] == 'the last --expect matched: "%s"' % line


@need_qemu
def test_reset_before_the_handoff_fails(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "cellboot: version 0.1\r\n")], end="reset")
    p = qemu(tmp_path, ld, "--timeout", "30")
    assert verdict(p, FAILED)[4] == "the cell reset before the loader's handoff line"
    p = qemu(tmp_path, ld, "--expect", "login:", "--timeout", "30")
    assert verdict(p, FAILED)[4] == (
        "the cell reset before the loader's handoff line, waiting for "
        "--expect 'login:' (0 of 1 matched)")


@need_qemu
def test_unannounced_reset_after_the_handoff_fails(tmp_path):
    ld = standin(tmp_path, [(0x3f8, HANDOFF + "Linux version 6.1\r\n")], end="reset")
    p = qemu(tmp_path, ld, "--timeout", "30")
    assert verdict(p, FAILED)[4] == ("the cell reset after the handoff without "
                                     "the kernel's 'reboot:' line (a triple fault?)")


@need_qemu
@pytest.mark.parametrize("line,end,what", [
    ("reboot: Restarting system", "reset", "rebooted"),
    ("reboot: Power down", "halt", "powered off"),
    ("reboot: System halted", "halt", "halted"),
])
def test_guest_reboot_or_poweroff_passes(tmp_path, line, end, what):
    """Linux's last line; after a power-off or halt the CPU only halts
    (no ACPI in the cell), so the tool stops QEMU: success, not a timeout."""
    ld = standin(tmp_path, [(0x3f8, HANDOFF + "[   9.9] " + line + "\r\n")], end=end)
    p = qemu(tmp_path, ld, "--timeout", "60")
    _, _, _, secs, reason = verdict(p, PASSED)
    assert reason == 'the guest %s ("%s")' % (what, line)
    assert float(secs) < 5 and p.wall < 30
    # with an --expect still open, the same end is a failure
    p = qemu(tmp_path, ld, "--expect", "login:", "--timeout", "60")
    assert verdict(p, FAILED)[4] == ("the guest %s before --expect 'login:' "
                                     "(0 of 1 matched)" % what)


@need_qemu
def test_qemu_failure_fails(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "x\r\n")])
    p = qemu(tmp_path, ld, "--qemu", "false", "--timeout", "30")
    assert verdict(p, FAILED)[4] == "QEMU exited with status 1 (its message is above)"
    p = qemu(tmp_path, ld, "--qemu", str(tmp_path / "no-such-qemu"))
    assert p.returncode == FAILED
    assert "cellboot: error: qemu: cannot run %s: " % (tmp_path / "no-such-qemu") in p.err


@need_qemu
def test_sigterm_stops_qemu_with_130(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "up\r\n")])
    argv = [TOOL, "qemu", cell(tmp_path), kernel(tmp_path), "--loader", ld,
            "-c", "console=ttyS0"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == INTERRUPTED, err
    assert re.search(r"^cellboot: qemu: microvm, 1 CPU: interrupted after [0-9.]+ s: "
                     r"stopped by signal 15 \(SIGTERM\)$", err.decode(), re.M)


def test_usage_errors_exit_2(tmp_path):
    for args, msg in [
        (["--expect", "("], "--expect: '(' is not a regular expression: "),
        (["--fail-on", "a{1"], "--fail-on: 'a{1' is not a regular expression: "),
        (["--machine", "pc"], "--machine: 'pc' is not microvm or q35"),
        (["--machine", "q35,q35"], "--machine: q35 given twice"),
        (["--cpus", "0"], "--cpus: '0' is not a list of numbers from 1 to 254"),
        (["--cpus", "1,,2"], "--cpus: '1,,2' is not a list of numbers from 1 to 254"),
        (["--gdb=0"], "--gdb: '0' is not a TCP port"),
        (["--gdb", "--cpus", "1,2"], "--gdb debugs one run: give one --machine "
                                     "and one --cpus value"),
        (["--timeout", "0"], "--timeout: '0' is not a number from 1 to 86400"),
    ]:
        p = subprocess.run([TOOL, "qemu"] + args, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == USAGE, (args, p.stderr)
        assert p.stderr.startswith("cellboot: error: qemu: " + msg), p.stderr
        assert p.stderr.endswith("Try 'cellboot qemu --help'.\n")


# --------------------------------------------------------------------------
# the UARTs the cell owns
# --------------------------------------------------------------------------
def dry_argv(tmp_path, cellpath, *args):
    p = subprocess.run([TOOL, "qemu", "--dry-run", "--workdir", str(tmp_path / "wd"),
                        cellpath, kernel(tmp_path), "--loader",
                        standin(tmp_path, [])] + list(args),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


def serial_args(argv):
    out = []
    for i, a in enumerate(argv):
        if a in ("-chardev", "-serial") or (a == "-device" and
                                            argv[i + 1].startswith("isa-serial")):
            out.append(argv[i + 1])
    return out


def test_only_owned_uarts_are_wired(tmp_path):
    wd = tmp_path / "wd"
    c = cell(tmp_path, ports=(0x2f8, 0x2e8))
    assert serial_args(dry_argv(tmp_path, c)) == [
        "stdio,id=ttyS1,signal=off", "isa-serial,index=1,chardev=ttyS1",
        "file,id=ttyS3,path=%s/ttyS3.log" % wd, "isa-serial,index=3,chardev=ttyS3"]
    # the loader's console (the config's descriptor) is the terminal
    c = cell(tmp_path, ports=(0x3f8, 0x2f8), console=0x2f8)
    assert serial_args(dry_argv(tmp_path, c))[:2] == [
        "file,id=ttyS0,path=%s/ttyS0.log" % wd, "isa-serial,index=0,chardev=ttyS0"]
    # console= in the params wins
    assert serial_args(dry_argv(tmp_path, c, "--param", "console=io,0x3f8"))[0] == \
        "stdio,id=ttyS0,signal=off"


def test_a_cell_without_uarts_gets_none(tmp_path):
    c = cell(tmp_path, ports=())
    p = subprocess.run([TOOL, "qemu", "--dry-run", "--workdir", str(tmp_path / "wd"),
                        c, kernel(tmp_path), "--loader", standin(tmp_path, [])],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 0
    assert serial_args(p.stdout.split()) == []
    assert ("cellboot: warning: the cell owns no legacy UART (0x3f8, 0x2f8, "
            "0x3e8, 0x2e8): QEMU gets none, no serial output will show\n") in p.stderr


@need_qemu
def test_every_owned_uart_shows_and_is_logged(tmp_path):
    logs = tmp_path / "logs"
    ld = standin(tmp_path, [(0x3f8, "loader on com1\r\n"),
                            (0x2f8, "kernel on com2\r\nsecond"),
                            (0x3e8, "not owned\r\n"),
                            (0x2f8, " line\r\n"),
                            (0x3f8, "done\r\n")])
    c = cell(tmp_path, ports=(0x3f8, 0x2f8))
    p = qemu(tmp_path, ld, "--expect", "on com2", "--expect", "done",
             "--serial-log", logs, "--timeout", "30", cellpath=c)
    verdict(p, PASSED)
    assert (logs / "ttyS0.log").read_bytes() == b"loader on com1\r\ndone\r\n"
    assert (logs / "ttyS1.log").read_bytes() == b"kernel on com2\r\nsecond line\r\n"
    assert sorted(os.listdir(logs)) == ["ttyS0.log", "ttyS1.log"]
    out = p.out.replace("\r", "")
    assert "ttyS1| kernel on com2\n" in out and "ttyS1| second line\n" in out
    assert "loader on com1\n" in out and "not owned" not in out
    assert "UARTs ttyS0 (0x3f8) on the terminal, ttyS1 (0x2f8)" in p.err


# --------------------------------------------------------------------------
# several runs in one call
# --------------------------------------------------------------------------
@need_qemu
def test_machines_and_cpus_each_run_one_line(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "ready\r\n")])
    logs = tmp_path / "logs"
    p = qemu(tmp_path, ld, "--machine", "microvm,q35", "--cpus", "1,3",
             "--expect", "ready", "--timeout", "30", "--serial-log", logs)
    assert p.returncode == PASSED, p.err
    assert [(m, c, s) for m, c, s, _, _ in verdicts(p)] == [
        ("microvm", "1", "passed"), ("microvm", "3", "passed"),
        ("q35", "1", "passed"), ("q35", "3", "passed")]
    assert sorted(os.listdir(logs)) == [
        "microvm-1cpu-ttyS0.log", "microvm-3cpu-ttyS0.log",
        "q35-1cpu-ttyS0.log", "q35-3cpu-ttyS0.log"]


@need_qemu
def test_several_runs_exit_with_the_first_that_did_not_pass(tmp_path):
    ld = standin(tmp_path, [(0x3f8, "ready\r\n")])
    p = qemu(tmp_path, ld, "--cpus", "1,2", "--expect", "ready", "--expect", "x",
             "--timeout", "1")
    assert p.returncode == TIMED_OUT
    assert [s for _, _, s, _, _ in verdicts(p)] == ["timed out", "timed out"]


def test_cpus_rewrites_the_cells_cpu_set(tmp_path):
    """--cpus N boots the same cell with N CPUs: its own CPUs first, then
    the numbers above; the comm region, the MP table and -smp follow."""
    import harness
    c = cell(tmp_path, cpus="2 3")
    wd = tmp_path / "wd"
    argv = dry_argv(tmp_path, c, "--cpus", "3")
    assert argv[argv.index("-smp") + 1] == "cpus=3,sockets=1,cores=3,threads=1"
    data = (wd / "cell-3cpu.cell").read_bytes()
    cpu_set = abi.CELL_DESC.size
    assert data[cpu_set] == 0b11100                 # CPUs 2, 3 and 4
    assert harness.parse_cell(data)["cpus"] == 3
    assert decode_rom((wd / "resetrom.bin").read_bytes())["mp"]["cpus"] == [0, 1, 2]
    argv = dry_argv(tmp_path, c, "--cpus", "1")
    assert (wd / "cell-1cpu.cell").read_bytes()[cpu_set] == 0b100
    set_size = abi.CELL_DESC.get(data, "cpu_set_size")
    n = set_size * 8 + 1
    p = subprocess.run([TOOL, "qemu", "--dry-run", c, kernel(tmp_path), "--loader",
                        standin(tmp_path, []), "--cpus", str(n)],
                       capture_output=True, text=True)
    assert p.returncode == FAILED
    assert p.stderr == ("cellboot: error: --cpus: %d CPUs, the cell's CPU set "
                        "holds %d (%d bytes)\n" % (n, n - 1, set_size))
