"""The loader's console paths under QEMU, each with the access trace (issue
8): an MMIO UART (8-bit and 32-bit registers) granted by a device region; an
MMIO console asked for in a region that is not a device, refused; a cell
config whose console descriptor points at such a region, skipped for the
legacy UART; untrusted bytes (cell name, kernel version) printed escaped.

QEMU has no MMIO 8250 on x86: the device region of mmio-console.cell.txt is
QEMU RAM outside the cell's RAM, preloaded with "transmitter empty" in the
line status register and read back after the run. RAM accesses are not in
the access trace, so a run that uses only the MMIO UART traces nothing."""

import os

import pytest

import cellrunner
import harness

CELL = "tests/qemu/mmio-console.cell.txt"
CLASSIC = "configs/classic.cell.txt"
MACHINE = "microvm"
FAILED = 3
UART = 0x9000000              # the cell's mmio region (r,w,io)
NOT_IO = 0x9001000            # mem flags=r,w
SHARED = 0x9002000            # shmem (root-shared)
LSR_THRE = 0x20


class UartBoot(harness.Boot):
    """The UART page preloaded: LSR (register 5) says 'transmitter empty'."""
    stride = 1

    def images(self):
        page = bytearray(0x1000)
        page[5 * self.stride] = LSR_THRE
        return super().images() + [(bytes(page), UART)]


def no_kernel_params(b, extra):
    """A params string that fails on the kernel (nothing at 0x6000000)."""
    return ("kernel=0x6000000 config=0x%x,0x%x %s -- x" % (
        b.config_addr, len(b.cell_bytes), extra)).encode() + b"\0"


def bad_header_line():
    return ("cellboot: error: kernel: 0x6000000: boot_flag 0x0 header 0x0 protocol "
            "0x0 xloadflags 0x0, want a 64-bit bzImage >= 2.12")


def assert_parked(res):
    assert res.alive, "QEMU exited (reset or triple fault)"
    assert res.cell_state == FAILED
    assert res.halted


@pytest.mark.parametrize("kind,stride", [("mmio", 1), ("mmio32", 4)])
def test_mmio_console_drives_the_granted_registers(kind, stride):
    b = UartBoot("console-" + kind, CELL, MACHINE, kernel_addr=0x1000000 - 0x4000)
    b.stride = stride
    b.params = no_kernel_params(b, "console=%s,0x%x,115200" % (kind, UART))
    b.read_back = [(UART, 0x20), (NOT_IO, 0x1000)]
    res = b.run(done=r"^never$", bad=[r"cellboot: handoff"], timeout=15,
                access_trace=True)
    assert res.outcome == cellrunner.TIMEOUT, (res.outcome, res.serial[-2000:])
    assert_parked(res)
    regs, other = res.read_back
    # 8N1 after the divisor latch, interrupts off, the error line's last byte
    assert regs[3 * stride] == 0x03
    assert regs[1 * stride] == 0x00
    assert regs[0] == 0x0a
    assert regs[5 * stride] == LSR_THRE
    if stride == 4:     # 32-bit accesses: the upper bytes written as zero
        assert regs[1:4] == bytes(3) and regs[13:16] == bytes(3)
    assert other == bytes(0x1000)
    # nothing on COM1, no device touched (the UART here is RAM to QEMU)
    assert res.serial == ""
    assert res.accesses == []


@pytest.mark.parametrize("kind,addr", [("mmio", NOT_IO), ("mmio32", SHARED)])
def test_mmio_console_outside_a_device_region_is_refused(kind, addr):
    """Read/write, but not a device (no io flag; root-shared): refused on the
    cell's own console, and the region is left untouched."""
    b = UartBoot("console-refused-" + kind, CELL, MACHINE,
                 kernel_addr=0x1000000 - 0x4000)
    b.params = no_kernel_params(b, "console=%s,0x%x" % (kind, addr))
    b.read_back = [(addr, 0x1000)]
    res = b.run(done=r"cellboot: error: ", bad=[r"cellboot: handoff"], timeout=60,
                access_trace=True)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    assert [l for l in res.loader if l.startswith("cellboot: error: ")] == [
        "cellboot: error: console: %s 0x%x is not granted" % (kind, addr)]
    assert_parked(res)
    assert res.read_back[0] == bytes(0x1000)
    assert harness.foreign_accesses(res.accesses, harness.granted_devices(b.cell)) == []


def test_descriptor_console_outside_a_device_region_falls_back(tmp_path_factory):
    """The cell config's console descriptor names a read/write region that is
    not a device: the loader skips it for the legacy UART the cell owns."""
    text = open(os.path.join(harness.ROOT, CELL)).read().replace(
        "console 8250 pio 0x3f8 divider=1", "console 8250 mmio 0x%x" % NOT_IO)
    assert "console 8250 mmio" in text
    desc = tmp_path_factory.mktemp("cell") / "descriptor-in-ram.cell.txt"
    desc.write_text(text)
    b = UartBoot("console-descriptor", str(desc), MACHINE,
                 kernel_addr=0x1000000 - 0x4000)
    b.params = no_kernel_params(b, "")
    b.read_back = [(NOT_IO, 0x1000)]
    res = b.run(done=r"cellboot: error: ", bad=[r"cellboot: handoff"], timeout=60,
                access_trace=True)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    assert res.loader[0].endswith(", console io 0x3f8"), res.loader
    assert [l for l in res.loader if l.startswith("cellboot: error: ")] == [bad_header_line()]
    assert_parked(res)
    assert res.read_back[0] == bytes(0x1000)
    assert harness.foreign_accesses(res.accesses, harness.granted_devices(b.cell)) == []


def test_cell_name_cannot_forge_a_line():
    """A cell name with CR/LF and an escape sequence: printed as \\xNN, so the
    only error line is the loader's own."""
    b = harness.Boot("console-forged-name", CLASSIC, MACHINE,
                     kernel_addr=0x1000000 - 0x4000)
    b.cell_bytes = harness.renamed(b.cell_bytes, b"x\r\ncellboot: error: forged\x1b[2J")
    b.params = no_kernel_params(b, "")
    res = b.run(done=r"cellboot: error: kernel", bad=[r"cellboot: handoff"],
                timeout=60, access_trace=True)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    assert [l for l in res.loader if l.startswith("cellboot: error: ")] == [
        bad_header_line()]
    assert '"x\\x0d\\x0acellboot: error: forged\\x1b[2J"' in res.loader[0]
    assert "\x1b" not in res.serial
    assert_parked(res)
    assert harness.foreign_accesses(res.accesses, harness.granted_devices(b.cell)) == []


def test_kernel_version_printed_escaped():
    """The kernel's version string with a terminal escape and a line break:
    the loader's kernel line shows them as \\xNN."""
    b = harness.Boot("console-kernel-version", CLASSIC, MACHINE, initrd_addr=None)
    data = bytearray(b.kernel_bytes)
    off = b.kh["version_offset"]
    data[off:off + 6] = b"\x1b[2J\r\n"
    b.kernel_bytes = bytes(data)
    res = b.run(done=r"cellboot: handoff", bad=[r"cellboot: error"], timeout=60)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    kernel = [l for l in res.loader if l.startswith("cellboot: kernel ")]
    assert len(kernel) == 1
    assert kernel[0].startswith("cellboot: kernel \\x1b[2J\\x0d\\x0a"), kernel
    assert "\x1b" not in res.serial.split("cellboot: handoff")[0]
