"""The boot matrix: cell layouts, CPU counts, machines and kernels beyond the
three basic cells of test_boot.py. Every boot is checked the same way: the
kernel's command line, e820 map, initrd checksum and SETUP_JAILHOUSE node
against what the cell config and params asked for."""

import os

import pytest

import abi
import cellrunner
import harness
import kernelfit

KERNEL = harness.KERNEL     # the test kernel: Debian's unless CELLBOOT_KERNEL says
JH_KERNEL = os.path.join(harness.BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"

BASE = """name matrix
flags passive-commreg virtual-console-permitted
comm 0x100000
pio 0x3f8 8
console 8250 pio 0x3f8 divider=1
irqchip 0xfec00000 id=0xff00 pin_base=0 pins=4
"""


def desc(tmpdir, name, body):
    path = os.path.join(tmpdir, name + ".cell.txt")
    with open(path, "w") as f:
        f.write(BASE + body)
    return path


def check(boot, res, kernel_line=None):
    assert res.outcome == cellrunner.DONE, res.serial[-3000:]
    rep = res.report
    assert rep["cmdline"] == boot.cmdline.encode()
    assert rep["memmap"] == harness.expected_memmap(boot.cell)
    assert rep["payload"]["crc32"] == harness.payload_crc()
    assert harness.jailhouse_setup(rep)["num_cpus"] == boot.cell["cpus"]
    assert rep["cpus"]["online"] == boot.cell["cpus"]
    if kernel_line:
        k = [l for l in res.loader if l.startswith("cellboot: kernel ")]
        assert kernel_line in k[0], k
    return rep


def kernel_params(path):
    return harness.parse_bzimage(open(path, "rb").read())


@pytest.mark.parametrize("machine", ["microvm", "q35"])
@pytest.mark.parametrize("cpus", [1, 2, 4])
def test_jailhouse_guest_kernel(tmp_path, machine, cpus):
    """The minimal Jailhouse-guest kernel (configs/kernel/) on both machines
    with 1, 2 and 4 CPUs; it runs at 2 MiB, in place."""
    if not os.path.exists(JH_KERNEL):
        pytest.fail("%s missing: make check builds it (scripts/build-kernel.sh)" % JH_KERNEL)
    kh = kernel_params(JH_KERNEL)
    body = "cpus %s\nram 0x0 1M\nram 0x200000 62M\n" % " ".join(str(i) for i in range(cpus))
    kaddr = 0x3000000 - kh["setup_size"]          # runs in place at 48 MiB
    b = harness.Boot("jh-%s-%d" % (machine, cpus), desc(tmp_path, "jh", body), machine,
                     kernel=JH_KERNEL, kernel_addr=kaddr, initrd_addr=0x3e00000,
                     cmdline=CMDLINE)
    check(b, b.run(), "(in place)")


def test_initrd_across_the_kernel_window(tmp_path):
    """The root put the initrd inside the kernel's window (past the end of
    the kernel file): it is moved and the move is reported; the kernel
    stays in place."""
    b = harness.Boot("initrd-in-window", "configs/classic.cell.txt", "microvm",
                     initrd_addr=harness.ABOVE_WINDOW, cmdline=CMDLINE)
    fit = b.fit
    b.initrd_addr = kernelfit.align_up(fit.file_end, kernelfit.MIB)
    assert fit.window_start < b.initrd_addr < fit.window_end
    res = b.run()
    check(b, res, "(in place)")
    line = [l for l in res.loader if l.startswith("cellboot: initrd ")][0]
    assert line.endswith("(moved)")
    start = int(line.split()[2].split("-")[0], 16)
    assert start >= fit.window_end or \
        start + len(b.initrd_bytes) <= fit.window_start


def test_many_memory_regions_use_e820_ext(tmp_path):
    """140 RAM regions: 128 go into the zero page, the rest into a
    SETUP_E820_EXT node, and the kernel sees all of them."""
    regions = "".join("ram %#x 4K\n" % (0x200000 + i * 0x2000) for i in range(136))
    body = "cpus 0\nram 0x0 1M\n" + regions + "ram 0x800000 120M\n"
    b = harness.Boot("many-regions", desc(tmp_path, "many", body), "microvm",
                     initrd_addr=harness.ABOVE_WINDOW, cmdline=CMDLINE)
    if kernelfit.has_numa(b.kernel_bytes, b.kh) is False:
        # A kernel without CONFIG_NUMA keeps at most 128 + 3 e820 entries
        # (E820_MAX_ENTRIES) and drops the rest, including the splits it
        # makes itself when it reserves the setup_data nodes in low RAM:
        # the Jailhouse-guest kernel then loses its low RAM and panics.
        pytest.skip("%s has no NUMA: its e820 table holds 131 entries, "
                    "fewer than 139 and its own splits" % b.kh["version_str"])
    rep = check(b, b.run())
    assert len(harness.cell_e820(b.cell)) == 139
    ext = harness.setup_nodes(rep, abi.SETUP_E820_EXT)
    zero_page = abi.E820_MAX_ENTRIES_ZEROPAGE
    assert len(ext) == 1 and ext[0]["len"] == (139 - zero_page) * abi.E820_ENTRY.size
    assert abi.BOOT_PARAMS.get(rep["bootparams"], "e820_entries") == zero_page


def test_shared_and_io_regions_are_not_ram(tmp_path):
    """ROOTSHARED and I/O regions never appear in the e820 map."""
    body = ("cpus 0\nram 0x0 1M\nram 0x200000 126M\n"
            "shmem 0x8000000 1M rw\nmmio 0xfed00000 0x1000 rw\n")
    b = harness.Boot("shmem-io", desc(tmp_path, "shmem", body), "microvm",
                     initrd_addr=harness.ABOVE_WINDOW, cmdline=CMDLINE)
    rep = check(b, b.run())
    assert all(e < 0x8000000 for _, e, _ in rep["memmap"])


def test_command_line_exactly_cmdline_size(tmp_path):
    """A command line of exactly cmdline_size bytes passes byte for byte."""
    kh = kernel_params(KERNEL)
    pad = kh["cmdline_size"] - len(CMDLINE) - 1
    cmdline = CMDLINE + " " + "x" * pad
    assert len(cmdline) == kh["cmdline_size"]
    b = harness.Boot("cmdline-max", "configs/classic.cell.txt", "microvm",
                     initrd_addr=harness.ABOVE_WINDOW, cmdline=cmdline)
    check(b, b.run())


def test_ram_above_4g_with_the_initrd_there(tmp_path):
    """RAM above 4 GiB holds the initrd: the loader passes it through the
    ext_ramdisk fields and the kernel finds it."""
    body = "cpus 0\nram 0x0 1M\nram 0x200000 126M\nram 0x100000000 64M\n"
    b = harness.Boot("above-4g", desc(tmp_path, "above4g", body), "q35",
                     initrd_addr=0x100000000, cmdline=CMDLINE, mem_mib=4096 + 512)
    rep = check(b, b.run())
    bp = bytes(rep["bootparams"])
    lo = abi.BOOT_PARAMS.get(bp, "ramdisk_image")
    hi = abi.BOOT_PARAMS.get(bp, "ext_ramdisk_image")
    assert (hi << 32 | lo) == 0x100000000


def test_smallest_cell_for_the_jailhouse_guest_kernel(tmp_path):
    """1 MiB low RAM plus 20 MiB: init_size (13.7 MiB from 2 MiB) and the
    initrd fit, the memmap the kernel then builds needs the rest (18 MiB
    of high RAM is too little: the kernel panics in its own setup, see
    docs/kernel.md). The root loads the kernel above the initrd; the loader
    moves it to pref_address."""
    if not os.path.exists(JH_KERNEL):
        pytest.fail("%s missing: make check builds it (scripts/build-kernel.sh)" % JH_KERNEL)
    kh = kernel_params(JH_KERNEL)
    body = "cpus 0\nram 0x0 1M\nram 0x200000 20M\n"
    window_end = kh["pref_address"] + kh["init_size"]
    initrd = (window_end + 0xfff) & ~0xfff
    b = harness.Boot("jh-smallest", desc(tmp_path, "small", body), "microvm",
                     kernel=JH_KERNEL, kernel_addr=0x1200000, initrd_addr=initrd,
                     cmdline=CMDLINE)
    assert initrd + len(b.initrd_bytes) <= 0x1200000
    check(b, b.run(), "(moved)")
