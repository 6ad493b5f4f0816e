"""The error catalogue (docs/errors.md): every error and warning the loader
can print, provoked in the QEMU cell. Each error case asserts the exact line,
that the comm region's cell state reads FAILED (or FAILED_COMM_REV) after it,
that the CPU is parked and that the machine neither resets nor faults."""

import struct

import pytest

import cellrunner
import harness

CELL = "configs/classic.cell.txt"
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
MACHINE = "microvm"
FAILED, FAILED_COMM_REV = 3, 4


def boot(name, **kw):
    kw.setdefault("initrd_addr", 0x5000000)
    kw.setdefault("cmdline", CMDLINE)
    return harness.Boot("err-" + name, CELL, MACHINE, **kw)


def patch(data, off, fmt, *values):
    data = bytearray(data)
    struct.pack_into(fmt, data, off, *values)
    return bytes(data)


def hx(v):
    return "0x%x" % v


# Each case: name -> (setup(b) mutating the Boot, expected error line, state)
def _params(text):
    def setup(b):
        b.params = text
    return setup


def _kernel(off, fmt, value):
    def setup(b):
        b.kernel_bytes = patch(b.kernel_bytes, off, fmt, value)
    return setup


CASES = {}


def case(name, expected, state=FAILED):
    def deco(fn):
        CASES[name] = (fn, expected, state)
        return fn
    return deco


@case("params-missing", lambda b: "params: empty: load the params string at 0x1000 "
      "(jailhouse cell load ... -s \"kernel=... -- ...\" -a 0x1000)")
def _(b):
    b.params = b"\0"


@case("params-unterminated", lambda b: "params: no NUL terminator within the %d-byte "
      "buffer" % b.layout["CB_PARAMS_SIZE"])
def _(b):
    b.params = b"x" * b.layout["CB_PARAMS_SIZE"]


@case("params-garbled", lambda b: "params: byte 0x01 at offset 7 is not printable text")
def _(b):
    b.params = b"kernel=\x01\x02\x03\0"


@case("params-unknown-key", lambda b: "params: unknown key 'bogus' (known: kernel, "
      "initrd, config, console, log, mem, comm, cpu_wait_ms; the kernel command line "
      "goes after '--')")
def _(b):
    b.extra_params = "bogus=1"


@case("params-bad-number", lambda b: "params: cpu_wait_ms: malformed number '12x' "
      "(want decimal or 0x hex)")
def _(b):
    b.extra_params = "cpu_wait_ms=12x"


@case("params-no-kernel", lambda b: "params: no kernel=ADDR: say where the bzImage "
      "was loaded")
def _(b):
    b.params = ("config=0x%x,0x%x -- %s" % (b.config_addr, len(b.cell_bytes),
                                             b.cmdline)).encode() + b"\0"


@case("kernel-missing", lambda b: "kernel: no bzImage at %s: boot_flag 0x0000, expected "
      "0xaa55" % hx(0x6000000))
def _(b):
    b.params = ("kernel=0x6000000 config=0x%x,0x%x -- x" % (
        b.config_addr, len(b.cell_bytes))).encode() + b"\0"


@case("kernel-bad-magic", lambda b: "kernel: no bzImage at %s: header magic 0x53726447, "
      "expected 0x53726448 (\"HdrS\")" % hx(b.kernel_addr))
def _(b):
    b.kernel_bytes = patch(b.kernel_bytes, 0x202, "<I", 0x53726447)


@case("kernel-old-protocol", lambda b: "kernel: boot protocol 2.11 is older than 2.12 "
      "(needs xloadflags and the 64-bit entry)")
def _(b):
    b.kernel_bytes = patch(b.kernel_bytes, 0x206, "<H", 0x020b)


@case("kernel-not-64bit", lambda b: "kernel: no 64-bit entry point: XLF_KERNEL_64 clear "
      "in xloadflags 0x%04x" % (b.kh["xloadflags"] & ~1))
def _(b):
    b.kernel_bytes = patch(b.kernel_bytes, 0x236, "<H", b.kh["xloadflags"] & ~1)


@case("kernel-truncated", lambda b: "kernel: truncated: header says %d bytes (setup %d + "
      "protected mode %d), only %d loaded" % (
          b.kh["setup_size"] + b.kh["syssize"] * 16, b.kh["setup_size"],
          b.kh["syssize"] * 16, 0x100000))
def _(b):
    b.kernel_bytes = b.kernel_bytes[:0x100000]


@case("kernel-outside-ram", lambda b: "kernel: 0x9000000 is not inside cell RAM")
def _(b):
    b.params = ("kernel=0x9000000 config=0x%x,0x%x -- x" % (
        b.config_addr, len(b.cell_bytes))).encode() + b"\0"


@case("initrd-outside-ram", lambda b: "initrd: 0x7f00000-0x%x is not inside cell RAM" % (
    0x7f00000 + len(b.initrd_bytes) - 1))
def _(b):
    b.initrd_addr = 0x7f00000


@case("kernel-no-room", lambda b: "kernel: no room for init_size 0x7f00000 at or above "
      "pref_address 0x1000000 (alignment 0x200000) in cell RAM clear of cellboot's "
      "ranges; largest RAM range 0x200000-0x7ffffff")
def _(b):
    b.kernel_bytes = patch(b.kernel_bytes, 0x260, "<I", 0x7f00000)


@case("initrd-no-room", lambda b: "initrd: no room for 0x%x bytes below 0x80000000 clear "
      "of the kernel window 0x1000000-0x4f97fff and cellboot's ranges" % (
          len(b.initrd_bytes)))
def _(b):
    # 50 MiB initrd loaded across the kernel window: no free RAM can take it
    b.initrd_bytes = b.initrd_bytes + bytes(50 * 1024 * 1024)
    b.initrd_addr = 0x2000000


@case("cmdline-too-long", lambda b: "cmdline: %d bytes, the kernel accepts at most 16 "
      "(cmdline_size)" % len(b.cmdline))
def _(b):
    b.kernel_bytes = patch(b.kernel_bytes, 0x238, "<I", 16)


@case("config-bad-signature", lambda b: "cell config: bad signature \"JHCLX\", expected "
      "\"JHCLL\"")
def _(b):
    b.cell_bytes = b"JHCLX" + b.cell_bytes[5:]


@case("config-bad-revision", lambda b: "cell config: revision 13, cellboot reads "
      "revision 14")
def _(b):
    b.cell_bytes = patch(b.cell_bytes, 6, "<H", 13)


@case("config-truncated", lambda b: "cell config: truncated: 1 irqchips (32 bytes) at "
      "offset 0x%x end past the %d-byte file" % (132 + 8 + 3 * 32, 132 + 8 + 3 * 32 + 16))
def _(b):
    b.cell_bytes = b.cell_bytes[:132 + 8 + 3 * 32 + 16]


@case("comm-bad-signature", lambda b: "comm region: bad signature \"XXCOMM\" at "
      "0x100000, expected \"JHCOMM\"")
def _(b):
    page = bytearray(cellrunner.comm_region_bytes(**b.comm))
    page[0:2] = b"XX"
    b.comm_bytes = bytes(page)


@case("comm-bad-revision", lambda b: "comm region: ABI revision 3, cellboot speaks "
      "revision 2", state=FAILED_COMM_REV)
def _(b):
    b.comm_bytes = patch(cellrunner.comm_region_bytes(**b.comm), 6, "<H", 3)


@case("console-not-granted", lambda b: "console: io 0x2f8 is not granted to the cell "
      "(no pio region covers it)")
def _(b):
    b.extra_params = "console=io,0x2f8"


@pytest.mark.parametrize("name", sorted(CASES))
def test_error(name):
    setup, expected, state = CASES[name]
    b = boot(name)
    setup(b)
    res = b.run(done=r"cellboot: error: ", bad=[r"Kernel panic", r"cellboot: handoff"],
                timeout=60)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    errors = [l for l in res.loader if l.startswith("cellboot: error: ")]
    assert errors == ["cellboot: error: " + expected(b)]
    assert res.alive, "QEMU exited (reset or triple fault) after the error"
    assert res.cell_state == state
    assert res.halted
    assert res.serial.count("cellboot: version ") == 1   # no second start


def test_missing_cpu_is_a_warning():
    """comm region says 2 CPUs, QEMU has 1: one warning naming the missing
    one, then the boot goes on."""
    b = boot("missing-cpu")
    b.comm["num_cpus"] = 2
    b.extra_params = "cpu_wait_ms=50"
    res = b.run()
    assert res.outcome == cellrunner.DONE, res.serial[-2000:]
    warn = [l for l in res.loader if "warning" in l]
    assert len(warn) == 1
    assert warn[0].startswith("cellboot: warning: cpus: 1 of 2 checked in after ")
    assert warn[0].endswith("(APIC IDs 0); 1 missing, booting without them")
    node = [n for n in res.report["setup_data"].values() if n["type"] == 6][0]
    num_cpus, = struct.unpack_from("<H", node["data"], 6)
    assert num_cpus == 1
