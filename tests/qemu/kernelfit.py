"""Where a kernel fits in a cell, computed from the kernel's own header.

The tests run with whatever kernel CELLBOOT_KERNEL names (make check
TEST_KERNEL=... or KERNEL_FLAVOUR=..., docs/kernel.md), so no test may
assume one kernel's numbers: where the root loads the bzImage, where the
initrd goes, what window the kernel owns, how large an initrd or init_size
must be to leave "no room". This module derives all of that from the setup
header (parse_bzimage's fields: pref_address, init_size, kernel_alignment,
setup_size, file size) and the cell's RAM, following the boot protocol's
rules (Linux Documentation/arch/x86/boot.rst: a relocatable 64-bit kernel
runs at max(align_up(load, kernel_alignment), pref_address) and needs
init_size bytes there), written here independently of lib/plan.c.

RAM is a list of (start, end) pairs, end exclusive.
"""

import abi

MIB = 0x100000
PAGE = 0x1000


def align_up(v, a):
    return (v + a - 1) // a * a


def align_down(v, a):
    return v // a * a


def runtime(kh, pm_addr):
    """Where the kernel decompresses itself when its protected-mode part
    is at pm_addr."""
    if not kh["relocatable"]:
        return kh["pref_address"]
    return max(align_up(pm_addr, kh["kernel_alignment"]), kh["pref_address"])


def inside(ram, start, end):
    return any(s <= start and end <= e for s, e in ram)


def cell_ram(cell):
    """Cell RAM of a parsed cell (harness.parse_cell), merged, as the loader
    sees it."""
    import harness
    out = []
    for s, e, t in harness.merged(harness.cell_e820(cell)):
        if t == 1:
            out.append((s, e + 1))
    return out


class Fit:
    """A kernel loaded at kernel_addr so that it runs in place: file
    [kernel_addr, file_end), window [window_start, window_end)."""

    def __init__(self, kh, file_size, kernel_addr):
        self.kh = kh
        self.file_size = file_size
        self.kernel_addr = kernel_addr
        self.file_end = kernel_addr + file_size
        self.pm = kernel_addr + kh["setup_size"]
        self.runtime = runtime(kh, self.pm)
        self.window_start = self.pm
        self.window_end = self.runtime + kh["init_size"]
        self.entry = self.pm + 0x200

    def window_text(self):
        """As the loader prints it: window 0x...-0x... (inclusive end)."""
        return "window 0x%x-0x%x" % (self.window_start, self.window_end - 1)

    def initrd_above(self, align=MIB):
        """The first align-ed address above both the window and the file."""
        return align_up(max(self.window_end, self.file_end), align)


def in_place(kh, file_size, ram, low_end=abi.LAYOUT["CB_LOW_END"]):
    """Where the root loads the bzImage so that it runs in place: the
    protected-mode part at pref_address if the window fits there, else the
    lowest kernel_alignment-ed slot (>= pref_address) whose file and window
    lie in one RAM range above low_end (cellboot's own area). None if the
    cell has no such place."""
    setup = kh["setup_size"]

    def fits(addr):
        f = Fit(kh, file_size, addr)
        if f.pm != f.runtime:
            return None
        lo, hi = min(addr, f.window_start), max(f.file_end, f.window_end)
        if lo < low_end or not inside(ram, lo, hi):
            return None
        return f

    pref = kh["pref_address"]
    if pref >= setup and fits(pref - setup):
        return fits(pref - setup)
    if not kh["relocatable"]:
        return None
    for s, e in sorted(ram):
        t = align_up(max(s + setup, pref, low_end + setup), kh["kernel_alignment"])
        while t - setup + file_size <= e:
            f = fits(t - setup)
            if f:
                return f
            t += kh["kernel_alignment"]
    return None


def free_gaps(ram, busy):
    """Parts of ram not covered by any of the busy (start, end) ranges."""
    out = []
    for s, e in ram:
        cur = s
        for bs, be in sorted(busy):
            if be <= cur or bs >= e:
                continue
            if bs > cur:
                out.append((cur, bs))
            cur = max(cur, be)
        if cur < e:
            out.append((cur, e))
    return out


def largest_gap(ram, busy):
    return max([e - s for s, e in free_gaps(ram, busy)] + [0])


def moved_to(kh, ram, avoid):
    """Where the loader moves a kernel that cannot run where it is: the
    lowest kernel_alignment-ed address >= pref_address whose init_size
    window lies in one RAM range and overlaps none of avoid; None if none."""
    size = kh["init_size"]
    for s, e in sorted(ram):
        t = align_up(max(s, kh["pref_address"], 1), kh["kernel_alignment"])
        while t + size <= e:
            hit = [b for b in avoid if b[0] < t + size and t < b[1]]
            if not hit:
                return t
            t = align_up(max(b[1] for b in hit), kh["kernel_alignment"])
    return None


def reserved(boot):
    """The ranges the loader keeps out of placement for a harness.Boot:
    its own low area, the comm region, the cell config copy."""
    import harness
    lay = boot.layout
    return [(0, lay["CB_LOW_END"]),
            (boot.comm_addr(), boot.comm_addr() + PAGE),
            (boot.config_addr, boot.config_addr + harness.parse_cell(
                boot.cell_bytes)["size"])]


def payload(data, kh):
    """The kernel's unpacked payload (vmlinux), for properties the header
    does not carry; None for a compression Python cannot unpack (lz4,
    zstd, ...)."""
    import lzma
    import zlib
    off = abi.BOOT_PARAMS.get(data, "payload_offset")
    length = abi.BOOT_PARAMS.get(data, "payload_length")
    raw = data[kh["setup_size"] + off:][:length]
    try:
        if raw[:2] in (b"\x1f\x8b", b"\x1f\x9e"):
            return zlib.decompressobj(31).decompress(raw)
        if raw[:2] == b"\xfd\x37":
            return lzma.LZMADecompressor().decompress(raw)
    except (zlib.error, lzma.LZMAError):
        pass
    return None


def has_numa(data, kh):
    """Whether the kernel was built with CONFIG_NUMA (the message of its
    NUMA setup code is in it); None when the payload cannot be unpacked.
    Without NUMA its e820 table holds E820_MAX_ENTRIES = 128 + 3 entries."""
    raw = payload(data, kh)
    return None if raw is None else b"No NUMA configuration found" in raw
