"""The error catalogue (docs/errors.md): every error and warning the loader
can print, provoked in the QEMU cell. Each error case asserts the exact line,
that the comm region's cell state reads FAILED (or FAILED_COMM_REV) after it,
that the CPU is parked and that the machine neither resets nor faults."""

import zlib

import pytest

import abi
import cellrunner
import harness
import kernelfit

CELL = "configs/classic.cell.txt"
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
MACHINE = "microvm"
FAILED, FAILED_COMM_REV = abi.JAILHOUSE_CELL_FAILED, abi.JAILHOUSE_CELL_FAILED_COMM_REV
BP, CELL_DESC, MEMORY = abi.BOOT_PARAMS, abi.CELL_DESC, abi.MEMORY


def boot(name, **kw):
    kw.setdefault("initrd_addr", harness.ABOVE_WINDOW)   # from the kernel's header
    kw.setdefault("cmdline", CMDLINE)
    return harness.Boot("err-" + name, CELL, MACHINE, **kw)


def patch_region(b, i, field, value):
    """The cell config with one field of memory region i replaced."""
    return MEMORY.patched(b.cell_bytes, field, value, abi.memory_offset(b.cell_bytes, i))


def hx(v):
    return "0x%x" % v


def bad_header(addr, flag, magic, version, xlf):
    """One line for every way a file is not a usable kernel: all four
    fields it checks, whichever is wrong, and what it wants."""
    return ("kernel: %s: boot_flag %s header %s protocol %s xloadflags %s, "
            "want a 64-bit bzImage >= 2.12" % tuple(hx(v) for v in
                                                    (addr, flag, magic, version, xlf)))


# Each case: name -> (setup(b) mutating the Boot, expected error line, state)
CASES = {}


def case(name, expected, state=FAILED):
    def deco(fn):
        CASES[name] = (fn, expected, state)
        return fn
    return deco


def _extra(text):
    def setup(b):
        b.extra_params = text
    return setup


F_CONSOLE = ("none|io,PORT|mmio,ADDR|mmio32,ADDR [,BAUD], PORT <= 0xfff8, "
             "BAUD = 115200/N")

# The cases that add one params word to a good boot, and their line. Issue
# 8: a malformed console= never silences the loader (item 1), an MMIO
# console only in a granted device region (item 3); each line is printed on
# the console the cell config grants.
for _name, _word, _line in (
        ("params-unknown-key", "bogus=1", "params: unknown key 'bogus' (kernel initrd "
         "config comm mem cpu_wait_ms console log crc; command line after --)"),
        ("params-bad-number", "cpu_wait_ms=12x", "params: cpu_wait_ms: '12x' is not N <= 60000"),
        ("params-given-twice", "cpu_wait_ms=5 cpu_wait_ms=6", "params: cpu_wait_ms: given twice"),
        ("params-not-key-value", "quiet", "params: 'quiet' is not key=value"),
        ("console-not-granted", "console=io,0x2f8", "console: io 0x2f8 is not granted"),
        ("console-mmio32-comm-region", "console=mmio32,0x100000",
         "console: mmio32 0x100000 is not granted"),
        ("console-mmio-own-image", "console=mmio,0x0",          # cellboot's code
         "console: mmio 0x0 is not granted")) + tuple(
        (_name, "console=" + _spec, "params: console: '%s' is not %s" % (_spec, F_CONSOLE))
        for _name, _spec in (("console-typo-ttyS0", "ttyS0,115200"),
                             ("console-word", "serial"),
                             ("console-mmio-bad-baud", "mmio,0x9000000,7"),
                             ("console-mmio32-bad-baud", "mmio32,0x9000000,BAD"),
                             ("console-io-bad-baud", "io,0x3f8,BAD"))):
    case(_name, lambda b, _line=_line: _line)(_extra(_word))


@case("params-missing", lambda b: 'params: no kernel=ADDR (-s "..." -a 0x1000?)')
def _(b):
    b.params = b"\0"


@case("params-unterminated", lambda b: "params: no NUL in its %d bytes" % b.layout["CB_PARAMS_SIZE"])
def _(b):
    b.params = b"x" * b.layout["CB_PARAMS_SIZE"]


@case("params-garbled", lambda b: "params: byte 0x1 at 7 is not text")
def _(b):
    b.params = b"kernel=\x01\x02\x03\0"


@case("params-no-kernel", lambda b: 'params: no kernel=ADDR (-s "..." -a 0x1000?)')
def _(b):
    b.params = ("config=0x%x,0x%x -- %s" % (b.config_addr, len(b.cell_bytes),
                                             b.cmdline)).encode() + b"\0"


@case("kernel-missing", lambda b: bad_header(0x6000000, 0, 0, 0, 0))
def _(b):
    b.params = ("kernel=0x6000000 config=0x%x,0x%x -- x" % (
        b.config_addr, len(b.cell_bytes))).encode() + b"\0"


NOT_HDRS = 0x53726447                   # "GdrS", one bit off "HdrS"
BOOT_FLAG, HDRS = abi.BP_BOOT_FLAG_MAGIC, abi.BP_HDRS_MAGIC


@case("kernel-bad-magic", lambda b: bad_header(b.kernel_addr, BOOT_FLAG, NOT_HDRS,
                                               b.kh["version"], b.kh["xloadflags"]))
def _(b):
    b.kernel_bytes = BP.patched(b.kernel_bytes, "header", NOT_HDRS)


@case("kernel-old-protocol", lambda b: bad_header(b.kernel_addr, BOOT_FLAG, HDRS, 0x20b,
                                                  b.kh["xloadflags"]))
def _(b):
    b.kernel_bytes = BP.patched(b.kernel_bytes, "version", 0x020b)


@case("kernel-not-64bit", lambda b: bad_header(b.kernel_addr, BOOT_FLAG, HDRS, b.kh["version"],
                                               b.kh["xloadflags"] & ~abi.XLF_KERNEL_64))
def _(b):
    b.kernel_bytes = BP.patched(b.kernel_bytes, "xloadflags",
                                b.kh["xloadflags"] & ~abi.XLF_KERNEL_64)


@case("kernel-truncated", lambda b: "kernel: setup %s + code %s > 0x100000 loaded" % (
          hx(b.kh["setup_size"]), hx(b.kh["syssize"] * 16)))
def _(b):
    b.kernel_bytes = b.kernel_bytes[:0x100000]


@case("kernel-outside-ram", lambda b: "kernel: 0x9000000: 0x0 bytes loaded or in RAM "
      "there, header needs %s" % hx(BP.end("hdr")))
def _(b):
    b.params = ("kernel=0x9000000 config=0x%x,0x%x -- x" % (
        b.config_addr, len(b.cell_bytes))).encode() + b"\0"


@case("initrd-outside-ram", lambda b: "initrd: 0x7f00000-0x%x is not inside cell RAM" % (
    0x7f00000 + len(b.initrd_bytes) - 1))
def _(b):
    b.initrd_addr = 0x7f00000


def _short(b, what, start, size, align, limit, busy):
    """The head of a "no room" line (lib/plan.c need_end): where the cell's
    last RAM range below limit ends, where size bytes would end if it went
    on upwards, and the difference in tenths of a MiB, rounded up."""
    ram = sorted(r for r in kernelfit.cell_ram(b.cell) if r[0] < limit) or \
        sorted(kernelfit.cell_ram(b.cell))[:1]
    top = min(ram[-1][1], limit)
    t = kernelfit.align_up(max(start, ram[-1][0]), align)
    hit = True
    while hit:
        hit = [e for s, e in busy if s < limit and s < t + size and t < e]
        if hit:
            t = kernelfit.align_up(max(hit), align)
    short = -(-max(t + size - top, 0) * 10 // kernelfit.MIB)
    return "%s: no room: cell RAM ends at %s, the %s needs up to %s: %d.%d MiB short" % (
        what, hx(top), what, hx(t + size), short // 10, short % 10)


@case("kernel-no-room", lambda b: "%s (init_size %s at >= %s, align %s)" % (
      _short(b, "kernel", b.kh["pref_address"], b.no_room_init,
             b.kh["kernel_alignment"], 1 << 47, kernelfit.reserved(b)),
      hx(b.no_room_init), hx(b.kh["pref_address"]), hx(b.kh["kernel_alignment"])))
def _(b):
    # an init_size larger than any RAM range of the cell
    align = b.kh["kernel_alignment"]
    b.no_room_init = kernelfit.align_up(
        max(e - s for s, e in kernelfit.cell_ram(b.cell)) + 1, align)
    b.kernel_bytes = BP.patched(b.kernel_bytes, "init_size", b.no_room_init)


def _initrd_limit(b):
    if b.kh["xloadflags"] & abi.XLF_CAN_BE_LOADED_ABOVE_4G:
        return 1 << 64
    return BP.get(b.kernel_bytes, "initrd_addr_max") + 1


@case("initrd-no-room", lambda b: "%s (%s bytes below %s, off window %s-%s)" % (
      _short(b, "initrd", 0, len(b.initrd_bytes), kernelfit.PAGE,
             min(_initrd_limit(b), 1 << 47), kernelfit.reserved(b) + [
                 (b.last_try, b.last_try + b.kh["init_size"]),
                 (b.fit.kernel_addr, b.fit.file_end)]),
      hx(len(b.initrd_bytes)), hx(min(_initrd_limit(b), 1 << 47)), hx(b.last_try),
      hx(b.last_try + b.kh["init_size"] - 1)))
def _(b):
    # The initrd loaded inside the kernel's window (past the kernel file),
    # larger than any free RAM outside the window, wherever the kernel
    # runs: in place, or moved to the lowest slot (the loader's last try,
    # which its line names).
    fit, ram, rsv = b.fit, kernelfit.cell_ram(b.cell), kernelfit.reserved(b)
    b.last_try = kernelfit.moved_to(b.kh, ram, rsv)
    files = rsv + [(fit.kernel_addr, fit.file_end)]
    gap = max(kernelfit.largest_gap(ram, files + [(fit.window_start, fit.window_end)]),
              kernelfit.largest_gap(ram, files + [(b.last_try, b.last_try +
                                                   b.kh["init_size"])]))
    b.initrd_addr = kernelfit.align_up(fit.file_end, kernelfit.MIB)
    size = kernelfit.align_up(gap + 1, kernelfit.PAGE)
    assert fit.window_start < b.initrd_addr < fit.window_end
    assert b.initrd_addr + size <= ram[-1][1], "the classic cell is too small"
    b.initrd_bytes = b.initrd_bytes + bytes(size - len(b.initrd_bytes))


@case("cmdline-too-long", lambda b: "cmdline: %d bytes > cmdline_size 16" % len(b.cmdline))
def _(b):
    b.kernel_bytes = BP.patched(b.kernel_bytes, "cmdline_size", 16)


@case("config-bad-signature", lambda b: 'cell config: "JHCLX" revision 14 arch 0, want JHCLL '
      '14 x86 (0)')
def _(b):
    b.cell_bytes = CELL_DESC.patched(b.cell_bytes, "signature", b"JHCLX")


@case("config-bad-revision", lambda b: 'cell config: "JHCLL" revision 13 arch 0, want JHCLL '
      '14 x86 (0)')
def _(b):
    b.cell_bytes = CELL_DESC.patched(b.cell_bytes, "revision", 13)


def _irqchips_at(b):
    return abi.memory_offset(b.cell_bytes, len(b.cell["mem"])) + \
        abi.CACHE.size * CELL_DESC.get(b.cell_bytes, "num_cache_regions")


@case("config-truncated", lambda b: "cell config: 1 irqchips at %s pass its %s bytes" % (
          hx(_irqchips_at(b)), hx(_irqchips_at(b) + abi.IRQCHIP.size // 2)))
def _(b):
    assert len(b.cell["irqchips"]) == 1
    b.cell_bytes = b.cell_bytes[:_irqchips_at(b) + abi.IRQCHIP.size // 2]


@case("comm-bad-signature", lambda b: 'comm region: "XXCOMM" revision 2 at 0x100000, want '
      'JHCOMM 2')
def _(b):
    b.comm_bytes = abi.COMM_REGION.patched(cellrunner.comm_region_bytes(**b.comm),
                                           "signature", b"XXCOMM")


@case("comm-bad-revision", lambda b: 'comm region: "JHCOMM" revision 3 at 0x100000, want '
      'JHCOMM 2', state=FAILED_COMM_REV)
def _(b):
    b.comm_bytes = abi.COMM_REGION.patched(cellrunner.comm_region_bytes(**b.comm),
                                           "revision", 3)


# --------------------------------------------------------------------------
# Issue 8: a console= the loader cannot use without config, an MMIO console
# only in a granted device region (item 3), the config's place is checked
# before it is read (item 5). Each line is printed on the console the cell
# config grants, and the access trace shows nothing else touched.
# --------------------------------------------------------------------------
CONFIG_AREA_END = abi.LAYOUT["CB_LOW_RAM_END"]      # plain low RAM on a PC (docs/errors.md)


@case("console-io-bad-baud-no-config", lambda b: "params: console: 'io,0x3f8,BAD' "
      "is not " + F_CONSOLE)
def _(b):
    # no config: the console comes from the comm region, never port 0
    b.params = ("kernel=0x%x mem=0,0x100000 mem=0x200000,0x7e00000 "
                "console=io,0x3f8,BAD -- %s" % (b.kernel_addr, b.cmdline)).encode() + b"\0"


@case("console-mmio-in-ram", lambda b: "console: mmio 0x%x is not granted" % b.initrd_addr)
def _(b):
    b.extra_params = "console=mmio,0x%x" % b.initrd_addr     # the initrd's cpio


@case("config-below-cellboot", lambda b: "config: 0x1000-0x%x is outside 0x%x-0x%x, the "
      "low RAM cellboot reads it from" % (0x1000 + len(b.cell_bytes) - 1,
                                          b.layout["CB_LOW_END"], CONFIG_AREA_END - 1))
def _(b):
    b.params = ("kernel=0x%x config=0x1000,0x%x -- x" % (
        b.kernel_addr, len(b.cell_bytes))).encode() + b"\0"


@case("config-at-ioapic", lambda b: "config: 0xfec00000-0xfec0ffff is outside 0x%x-0x%x, "
      "the low RAM cellboot reads it from" % (b.layout["CB_LOW_END"], CONFIG_AREA_END - 1))
def _(b):
    # no size: the loader must not read the IOAPIC to learn it
    b.params = ("kernel=0x%x config=0xfec00000 -- x" % b.kernel_addr).encode() + b"\0"


@case("config-past-low-ram", lambda b: "config: 0x9e000-0x%x is outside 0x%x-0x%x, the "
      "low RAM cellboot reads it from" % (0x9e000 + len(b.cell_bytes) + 0x1000 - 1,
                                          b.layout["CB_LOW_END"], CONFIG_AREA_END - 1))
def _(b):
    b.params = ("kernel=0x%x config=0x9e000,0x%x -- x" % (
        b.kernel_addr, len(b.cell_bytes) + 0x1000)).encode() + b"\0"


# --------------------------------------------------------------------------
# The rest of the catalogue (docs/errors.md): every line the loader can
# print from a cell's inputs has its case here.
# --------------------------------------------------------------------------
RW = abi.JAILHOUSE_MEM_READ | abi.JAILHOUSE_MEM_WRITE
RAM_FLAGS = RW | abi.JAILHOUSE_MEM_EXECUTE | abi.JAILHOUSE_MEM_DMA | abi.JAILHOUSE_MEM_LOADABLE
COMM_FLAGS = RW | abi.JAILHOUSE_MEM_COMM_REGION
IO_FLAGS = RW | abi.JAILHOUSE_MEM_IO
NO_COMM = None          # the comm region is unreachable: no state to check


def region(phys, virt, size, flags):
    buf = bytearray(MEMORY.size)
    for f, v in zip(("phys_start", "virt_start", "size", "flags"), (phys, virt, size, flags)):
        MEMORY.put(buf, f, v)
    return bytes(buf)


def add_regions(cell_bytes, regions):
    """The config with more memory regions (phys, virt, size, flags)
    appended to its region array."""
    n_mem = CELL_DESC.get(cell_bytes, "num_memory_regions")
    end = abi.memory_offset(cell_bytes, n_mem)
    data = CELL_DESC.patched(cell_bytes, "num_memory_regions", n_mem + len(regions))
    return data[:end] + b"".join(region(*r) for r in regions) + data[end:]


def _no_config(b, mem, extra=""):
    return ("kernel=0x%x %s %s -- %s" % (b.kernel_addr, mem, extra,
                                         b.cmdline)).encode() + b"\0"


@case("params-no-ram", lambda b: "params: no config= or mem=: cell RAM unknown")
def _(b):
    b.params = _no_config(b, "")


@case("params-crc-without-size", lambda b: "params: crc= needs kernel=ADDR,SIZE: the CRC "
      "covers SIZE bytes")
def _(b):
    b.params = ("kernel=0x%x config=0x%x,0x%x crc=0x1234 -- x" % (
        b.kernel_addr, b.config_addr, len(b.cell_bytes))).encode() + b"\0"


@case("params-crc-without-initrd", lambda b: "params: crc=: an initrd CRC without initrd=")
def _(b):
    b.params = ("kernel=0x%x,0x%x config=0x%x,0x%x crc=0x1234,0x5678 -- x" % (
        b.kernel_addr, len(b.kernel_bytes), b.config_addr,
        len(b.cell_bytes))).encode() + b"\0"


@case("kernel-crc-mismatch", lambda b: "kernel: CRC-32 %s of %s bytes at %s, the params say "
      "0x1234: it changed after the root loaded it" % (
          hx(zlib.crc32(b.kernel_bytes) & 0xffffffff), hx(len(b.kernel_bytes)),
          hx(b.kernel_addr)))
def _(b):
    b.extra_params = "crc=0x1234"


def _planned_digest(b):
    """crc=KCRC,ICRC as `cellboot plan --digest` writes it for these files."""
    import shlex
    import subprocess
    kernel, initrd = b.workdir + "/planned-kernel", b.workdir + "/planned-initrd"
    open(kernel, "wb").write(b.kernel_bytes)
    open(initrd, "wb").write(b.initrd_bytes)
    p = subprocess.run([harness.TOOL, "plan", b.cell_path, kernel, "-i", initrd,
                        "--digest", "--no-kernel-check", "--loader", harness.LOADER],
                       capture_output=True, text=True, check=True)
    load = shlex.split([l for l in p.stdout.splitlines() if " cell load " in l][0])
    params = load[load.index("-s") + 1]
    return [w for w in params.split(" -- ")[0].split() if w.startswith("crc=")][0]


def _flip(data, off):
    return data[:off] + bytes([data[off] ^ 0x40]) + data[off + 1:]


@case("kernel-corrupted-after-plan", lambda b: "kernel: CRC-32 %s of %s bytes at %s, "
      "the params say %s: it changed after the root loaded it" % (
          hx(zlib.crc32(b.kernel_bytes)), hx(len(b.kernel_bytes)), hx(b.kernel_addr),
          hx(int(b.extra_params[4:].split(",")[0], 16))))
def _(b):
    # plan --digest on the intact files, then one byte of the payload changes
    b.extra_params = _planned_digest(b)
    b.kernel_bytes = _flip(b.kernel_bytes, len(b.kernel_bytes) // 2)


@case("initrd-corrupted-after-plan", lambda b: "initrd: CRC-32 %s of %s bytes at %s, "
      "the params say %s: it changed after the root loaded it" % (
          hx(zlib.crc32(b.initrd_bytes)), hx(len(b.initrd_bytes)),
          hx(b.initrd_addr), hx(int(b.extra_params.split(",")[1], 16))))
def _(b):
    b.extra_params = _planned_digest(b)
    b.initrd_bytes = _flip(b.initrd_bytes, len(b.initrd_bytes) - 1)


@case("memory-no-low-ram", lambda b: "memory: 0x0-0x%x is not inside cell RAM" % (
    b.layout["CB_LOW_END"] - 1))
def _(b):
    b.params = _no_config(b, "mem=0x200000,0x7e00000")


@case("config-not-in-ram", lambda b: "config: %s-%s is not inside cell RAM" % (
    hx(b.config_addr), hx(b.config_addr + len(b.cell_bytes) - 1)))
def _(b):
    # low RAM shrunk to 256 KiB: cellboot's area is RAM, the config is not
    b.cell_bytes = patch_region(b, 0, "size", 0x40000)


@case("config-cpu-set-too-big", lambda b: "cell config: cpu set %s, config %s bytes; "
      "Jailhouse takes up to %s and %s" % (hx(abi.CELLCFG_MAX_CPU_SET + 1), hx(len(b.cell_bytes)),
                                          hx(abi.CELLCFG_MAX_CPU_SET), hx(abi.CELLCFG_MAX_SIZE)))
def _(b):
    size = CELL_DESC.get(b.cell_bytes, "cpu_set_size")
    big = abi.CELLCFG_MAX_CPU_SET + 1
    data = CELL_DESC.patched(b.cell_bytes, "cpu_set_size", big)
    b.cell_bytes = data[:CELL_DESC.size + size] + bytes(big - size) + data[CELL_DESC.size + size:]


@case("config-region-wraps", lambda b: "cell config: region 2: 0xfffffffffff00000+0x200000 "
      "wraps")
def _(b):
    b.cell_bytes = patch_region(b, 2, "virt_start", 0xfffffffffff00000)
    b.cell_bytes = patch_region(b, 2, "size", 0x200000)


@case("config-region-unaligned", lambda b: "cell config: region 2: 0x200000+0x7e00800 is "
      "RAM/comm but not page-aligned")
def _(b):
    b.cell_bytes = patch_region(b, 2, "size", 0x7e00800)


@case("config-ivshmem-regions", lambda b: "cell config: pci device 0: ivshmem regions 3-6 "
      "id 0, want < 3 regions, id < 12")
def _(b):
    # one ivshmem device whose region run (3 + 2 + 2 peers) lies past the
    # three memory regions
    D = abi.PCI_DEVICE
    dev = bytearray(D.size)
    for f, v in (("type", abi.JAILHOUSE_PCI_TYPE_IVSHMEM), ("shmem_regions_start", 3),
                 ("shmem_dev_id", 0), ("shmem_peers", 2)):
        D.put(dev, f, v)
    b.cell_bytes = insert_pci_device(b.cell_bytes, bytes(dev))


def insert_pci_device(cell_bytes, dev):
    """The config with one more PCI device, after the ones it has."""
    n = {f: CELL_DESC.get(cell_bytes, f) for f in CELL_DESC.fields if f.startswith("num_")}
    off = abi.memory_offset(cell_bytes, n["num_memory_regions"]) + \
        abi.CACHE.size * n["num_cache_regions"] + abi.IRQCHIP.size * n["num_irqchips"] + \
        abi.PIO.size * n["num_pio_regions"] + abi.PCI_DEVICE.size * n["num_pci_devices"]
    data = CELL_DESC.patched(cell_bytes, "num_pci_devices", n["num_pci_devices"] + 1)
    return data[:off] + dev + data[off:]


@case("e820-wraps", lambda b: "e820: 0xfffffffffffff000+0x2000 is empty or wraps")
def _(b):
    b.params = _no_config(b, "mem=0,0x100000 mem=0xfffffffffffff000,0x2000")


@case("e820-overlap", lambda b: "e820: 0x0+0x100000 overlaps 0x80000+0x100000")
def _(b):
    b.params = _no_config(b, "mem=0x80000,0x100000 mem=0,0x100000")


@case("e820-too-many", lambda b: "e820: more than %d entries" % b.layout["CB_E820_MAX_ENTRIES"])
def _(b):
    n = b.layout["CB_E820_MAX_ENTRIES"] + 1
    b.cell_bytes = add_regions(b.cell_bytes, [(0, 0x9000000 + 0x2000 * i, 0x1000,
                                               COMM_FLAGS) for i in range(n)])


@case("memory-too-many-ram-ranges", lambda b: "memory: 163 RAM ranges, max 160")
def _(b):
    b.cell_bytes = add_regions(b.cell_bytes, [(0, 0x9000000 + 0x2000 * i, 0x1000,
                                               RAM_FLAGS) for i in range(161)])


@case("e820-one-entry", lambda b: "e820: 1 entries, Linux needs 2")
def _(b):
    # RAM only, no comm region in the config (the page is loaded at the
    # default 0x100000, inside that RAM): one e820 entry
    data = bytearray(b.cell_bytes)
    for i, r in enumerate([(0, 0, 0x8000000, RAM_FLAGS), (0, 0x9000000, 0x1000, IO_FLAGS),
                           (0, 0x9001000, 0x1000, IO_FLAGS)]):
        off = abi.memory_offset(data, i)
        data[off:off + MEMORY.size] = region(*r)
    b.cell_bytes = bytes(data)


@case("setup-data-over", lambda b: "setup_data: type 1, %d bytes: over %d (%d used)" % (
    abi.E820_ENTRY.size * (b.e820_count - abi.E820_MAX_ENTRIES_ZEROPAGE),
    b.layout["CB_SETUP_DATA_SIZE"], abi.SETUP_DATA.size + abi.JAILHOUSE_SETUP_V2_LEN))
def _(b):
    # e820 entries past the zero page's 128 go in a SETUP_E820_EXT node
    n = 1000
    b.e820_count = 3 + n
    b.cell_bytes = add_regions(b.cell_bytes, [(0, 0x9000000 + 0x2000 * i, 0x1000,
                                               COMM_FLAGS) for i in range(n)])


@case("kernel-init-size-small", lambda b: "kernel: init_size 0x1000 below or payload %s+%s "
      "past the code size %s" % (hx(b.kh_payload[0]), hx(b.kh_payload[1]),
                                 hx(b.kh["syssize"] * 16)))
def _(b):
    b.kh_payload = (BP.get(b.kernel_bytes, "payload_offset"),
                    BP.get(b.kernel_bytes, "payload_length"))
    b.kernel_bytes = BP.patched(b.kernel_bytes, "init_size", 0x1000)


@case("kernel-bad-alignment", lambda b: "kernel: kernel_alignment 0x300000 not 2^n >= 2 MiB")
def _(b):
    b.kernel_bytes = BP.patched(b.kernel_bytes, "kernel_alignment", 0x300000)


@case("kernel-pref-unaligned", lambda b: "kernel: pref_address %s not 2 MiB aligned" % hx(
    b.kh["pref_address"] + 0x1000))
def _(b):
    data = BP.patched(b.kernel_bytes, "relocatable_kernel", 0)
    b.kernel_bytes = BP.patched(data, "pref_address", b.kh["pref_address"] + 0x1000)


@case("page-tables-above-2-47", lambda b: "page tables: 0x900000000000-0x900000001000 is "
      "above 2^47", state=NO_COMM)
def _(b):
    # the config's comm region above what the loader maps: no comm region
    # to write the state into, the error still on the config's console
    b.cell_bytes = patch_region(b, 1, "virt_start", 0x900000000000)


@case("initrd-over-cellboot", lambda b: "initrd: 0x22000-0x23fff overlaps cellboot "
      "0x0-0x%x" % (b.layout["CB_LOW_END"] - 1))
def _(b):
    b.initrd_bytes = bytes(0x2000)
    b.initrd_addr = 0x22000


@pytest.mark.parametrize("name", sorted(CASES))
def test_error(name):
    setup, expected, state = CASES[name]
    b = boot(name)
    setup(b)
    res = b.run(done=r"cellboot: error: ", bad=[r"Kernel panic", r"cellboot: handoff"],
                timeout=60, access_trace=True)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    errors = [l for l in res.loader if l.startswith("cellboot: error: ")]
    assert errors == ["cellboot: error: " + expected(b)]
    assert res.alive, "QEMU exited (reset or triple fault) after the error"
    if state is not NO_COMM:
        assert res.cell_state == state
    assert res.halted
    assert res.serial.count("cellboot: version ") == 1   # no second start
    # the access trace: no device but the granted console and the local APIC
    assert res.accesses, "no device access traced (the console must show)"
    assert harness.foreign_accesses(res.accesses, harness.granted_devices(b.cell)) == []


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
    assert warn[0] == "cellboot: warning: cpus: 1 of 2 checked in after INIT-SIPI " \
        "(APIC IDs 0)"
    assert harness.jailhouse_setup(res.report)["num_cpus"] == 1
