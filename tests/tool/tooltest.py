"""Helpers for the cellboot host-tool tests.

Expected values are computed here from the inputs (kernel header, cell
config bytes, lib/layout.h), never copied from a run of the tool. The
decoders come from the QEMU test harness (tests/qemu/harness.py), which
describes the formats independently of the C code.
"""

import gzip
import os
import shutil
import struct
import subprocess
import zlib

import pytest

import abi
import harness
import kernelfit

ROOT = harness.ROOT
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
# The tests run the ASan/UBSan build; RELEASE_TOOL is the optimised tool
# that `make` builds and `make install` installs.
TOOL = os.environ.get("CELLBOOT_TOOL", os.path.join(BUILD, "asan", "cellboot"))
RELEASE_TOOL = os.path.join(BUILD, "cellboot")
LOADER = os.path.join(BUILD, "cellboot.bin")
KERNEL = os.environ.get("CELLBOOT_KERNEL",
                        os.path.join(BUILD, "cache", "kernels", "debian-vmlinuz"))
INITRD = os.path.join(BUILD, "initramfs", "test.cpio")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")

LAYOUT = abi.LAYOUT
PAGE = 0x1000
# a cell description without its high RAM: tests add the ram lines they want
CELL_HEAD = """name test-cell
cpus 1
flags passive-commreg
ram 0x0 1M
comm 0x100000
pio 0x3f8 8
console 8250 pio 0x3f8 divider=1
"""

need_kernel = pytest.mark.skipif(not os.path.isfile(KERNEL),
                                 reason="no Debian kernel (make kernel)")


def kernel_is_guest(path=KERNEL):
    """Whether the test kernel has Jailhouse guest support (the Jailhouse
    platform code's panic message in its unpacked payload): False for
    Debian's flavours, True for the project's kernel, None when Python
    cannot unpack it (lz4, zstd). What the tool's kernel doctor says about
    it follows from that, never from which kernel the suite runs with."""
    if not os.path.isfile(path):
        return None
    data = open(path, "rb").read()
    raw = kernelfit.payload(data, harness.parse_bzimage(data))
    return None if raw is None else b"Jailhouse: No valid setup data found" in raw
need_initrd = pytest.mark.skipif(not os.path.isfile(INITRD),
                                 reason="no test initramfs (make %s)" % INITRD)
need_qemu = pytest.mark.skipif(shutil.which(QEMU) is None, reason="no QEMU")


def run(*args, check_rc=None, **kw):
    """Run the tool; returns CompletedProcess with text output."""
    p = subprocess.run([TOOL] + [str(a) for a in args], capture_output=True,
                       text=True, **kw)
    if check_rc is not None:
        assert p.returncode == check_rc, "rc %d, stderr:\n%s\nstdout:\n%s" % (
            p.returncode, p.stderr, p.stdout)
    return p


# --------------------------------------------------------------------------
# The reset ROM `cellboot mkrom` writes, decoded as a kernel reads it: the
# reset vector (QEMU maps the 64 KiB -bios image at 0xf0000) and the Intel
# MultiProcessor Specification 1.4 tables (chapter 4: the floating pointer
# structure, the configuration table and its entries).
# --------------------------------------------------------------------------
ROM_SIZE, ROM_PHYS, RESET_VECTOR = 0x10000, 0xF0000, 0xFFF0
RESET_STUB = b"\xfa\xea\x00\x00\x00\x00"      # cli; jmp 0000:0000
LAPIC_ADDR = harness.LAPIC[0]          # the local APIC, where QEMU has it


def mkrom(tmp_path, cpus=None):
    """The bytes of `cellboot mkrom [--cpus N]`."""
    out = tmp_path / ("rom%s.bin" % (cpus or ""))
    p = run("mkrom", "-o", out, *(["--cpus", cpus] if cpus else []), check_rc=0)
    assert p.stdout == "" and p.stderr == ""
    return out.read_bytes()


def decode_rom(rom):
    """{"reset": the bytes at the reset vector, "mp": None without an MP
    table, else its local APIC address, the enabled CPUs' APIC IDs, the
    boot CPU's, the buses, the IOAPICs (id, flags, address), the ISA IRQ
    routing {irq: (ioapic id, pin)} and the local interrupts (type, lapic,
    lint)}; every checksum and length checked on the way."""
    assert len(rom) == ROM_SIZE
    fps = [o for o in range(0, ROM_SIZE, 16) if rom[o:o + 4] == b"_MP_"]
    out = {"reset": rom[RESET_VECTOR:RESET_VECTOR + len(RESET_STUB)], "mp": None}
    if not fps:
        return out
    assert len(fps) == 1
    fp = rom[fps[0]:fps[0] + 16]
    # 16 bytes long, spec revision 1.4, a configuration table (no default one)
    assert sum(fp) & 0xFF == 0 and (fp[8], fp[9], fp[11]) == (1, 4, 0)
    table_phys, = struct.unpack_from("<I", fp, 4)
    assert ROM_PHYS <= table_phys < ROM_PHYS + RESET_VECTOR and table_phys % 16 == 0
    t = table_phys - ROM_PHYS
    assert rom[t:t + 4] == b"PCMP"
    length, rev = struct.unpack_from("<HB", rom, t + 4)
    assert rev == 4 and sum(rom[t:t + length]) & 0xFF == 0 and t + length <= RESET_VECTOR
    count, lapic = struct.unpack_from("<HI", rom, t + 34)
    mp = {"lapic": lapic, "cpus": [], "bsp": [], "buses": [], "ioapics": [], "irqs": {},
          "lints": []}
    p = t + 44
    for _ in range(count):
        kind = rom[p]
        if kind == 0:                               # processor, 20 bytes
            if rom[p + 3] & 1:
                mp["cpus"].append(rom[p + 1])
            if rom[p + 3] & 2:
                mp["bsp"].append(rom[p + 1])
            p += 20
            continue
        if kind == 1:                               # bus
            mp["buses"].append((rom[p + 1], bytes(rom[p + 2:p + 8])))
        elif kind == 2:                             # I/O APIC
            mp["ioapics"].append((rom[p + 1], rom[p + 3],
                                  struct.unpack_from("<I", rom, p + 4)[0]))
        elif kind == 3:                             # I/O interrupt, type INT
            assert rom[p + 1] == 0 and rom[p + 4] == 0
            assert rom[p + 5] not in mp["irqs"]
            mp["irqs"][rom[p + 5]] = (rom[p + 6], rom[p + 7])
        elif kind == 4:                             # local interrupt
            mp["lints"].append((rom[p + 1], rom[p + 6], rom[p + 7]))
        else:
            raise AssertionError("MP entry type %d at ROM offset 0x%x" % (kind, p))
        p += 8
    assert p == t + length
    out["mp"] = mp
    return out


def usage_lines(cmd, msg):
    return "cellboot: error: %s: %s\nTry 'cellboot %s --help'.\n" % (cmd, msg, cmd)


def align_up(v, a):
    return (v + a - 1) & ~(a - 1)


def align_down(v, a):
    return v & ~(a - 1)


def mkcell(tmp_path, text, name="cell"):
    """Write a cell description and its binary config; return the path."""
    desc = tmp_path / (name + ".cell.txt")
    desc.write_text(text)
    out = tmp_path / (name + ".cell")
    run("mkcell", desc, "-o", out, check_rc=0)
    return str(out)


def classic_cell(tmp_path):
    out = tmp_path / "classic.cell"
    run("mkcell", os.path.join(ROOT, "configs", "classic.cell.txt"), "-o", out,
        check_rc=0)
    return str(out)


def fake_loader(tmp_path, size=0x2000):
    p = tmp_path / "fake-cellboot.bin"
    p.write_bytes(bytes([0xf4]) * size)         # hlt
    return str(p)


def kernel_header(path=KERNEL):
    with open(path, "rb") as f:
        data = f.read(0x10000)
    h = harness.parse_bzimage(data)
    h["file_size"] = os.path.getsize(path)
    for f in ("initrd_addr_max", "payload_offset", "payload_length", "loadflags"):
        h[f] = abi.BOOT_PARAMS.get(data, f)
    return h


# The strings the code of each option leaves in a real vmlinux, which the
# kernel doctor looks for when there is no embedded config (docs/kernel.md).
DOCTOR_STRINGS = {
    "jailhouse guest": b"Jailhouse: No valid setup data found",
    "x2APIC": b"physical x2apic",
    "8250 serial console": b"uart8250",
    "PCI": b"PCI host bridge to bus %s\n",
    "initrd support": b"incorrect cpio method used: use -H newc option",
}


def fake_vmlinux(features=tuple(DOCTOR_STRINGS), extra=b""):
    """An ELF magic, then the doctor's strings for `features`."""
    return (b"\x7fELF\x02\x01\x01" + bytes(57) + extra +
            b"".join(b"\0" + DOCTOR_STRINGS[f] + b"\0" for f in features))


def build_crc(data):
    """The raw CRC-32 register Linux's build tool stores in the last 4 bytes
    of a bzImage, over the bytes before them."""
    return zlib.crc32(data) ^ 0xffffffff


def make_bzimage(path, version=0x020f, setup_sects=4, relocatable=1,
                 kernel_alignment=0x200000, pref_address=0x1000000,
                 init_size=0x800000, xloadflags=0x3, cmdline_size=2047,
                 code_size=0x10000, version_str=b"6.99.0-test (tests@cellboot) #1",
                 payload=None, code=b"\xeb\xfe", crc=True):
    """A minimal bzImage: setup sectors with a 2.15-style header, then the
    protected-mode part (`code` at offset 0 and at the 64-bit entry 0x200,
    the payload at 0x300: by default a gzip'd fake_vmlinux()), ending with
    the build's CRC-32 unless crc is False."""
    if payload is None:
        payload = gzip.compress(fake_vmlinux(), mtime=0)
    H = abi.BOOT_PARAMS
    setup = bytearray((setup_sects + 1) * abi.BP_SECTOR_SIZE)
    setup_code = H.off("jump")          # where the setup code (and kernel_version) count from
    version_at = 0x400
    setup[version_at:version_at + len(version_str) + 1] = version_str + b"\0"
    for f, v in (("setup_sects", setup_sects), ("syssize", code_size // 16),
                 ("boot_flag", abi.BP_BOOT_FLAG_MAGIC),
                 # a short jmp past the header, to the end of kernel_info_offset
                 ("jump", 0xeb | (H.end("kernel_info_offset") - H.end("jump")) << 8),
                 ("header", abi.BP_HDRS_MAGIC), ("version", version),
                 ("kernel_version", version_at - setup_code),
                 ("loadflags", abi.LOADED_HIGH), ("initrd_addr_max", 0x7fffffff),
                 ("kernel_alignment", kernel_alignment), ("relocatable_kernel", relocatable),
                 ("min_alignment", 21), ("xloadflags", xloadflags),
                 ("cmdline_size", cmdline_size), ("payload_offset", 0x300),
                 ("payload_length", len(payload)), ("pref_address", pref_address),
                 ("init_size", init_size)):
        H.put(setup, f, v)
    body = bytearray(code_size)
    body[0:len(code)] = code
    body[abi.BP_ENTRY64_OFFSET:abi.BP_ENTRY64_OFFSET + len(code)] = code
    body[0x300:0x300 + len(payload)] = payload
    data = bytes(setup) + bytes(body)
    if crc:
        data = data[:-4] + struct.pack("<I", build_crc(data[:-4]))
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def expected_plan(cell_path, kernel_path, initrd_path=None, cmdline="",
                  loader="LOADER", name=None, extra=(), jailhouse="jailhouse"):
    """The commands for a cell whose RAM fits the kernel in place, derived
    from the kernel header and lib/layout.h."""
    k = kernel_header(kernel_path)
    cell = harness.parse_cell(open(cell_path, "rb").read())
    cell_size = os.path.getsize(cell_path)
    # in place: at pref_address if the window fits, else the lowest
    # aligned slot (kernelfit.py, from the kernel's header)
    fit = kernelfit.in_place(k, k["file_size"], kernelfit.cell_ram(cell))
    assert fit, "%s does not fit in place in %s" % (kernel_path, cell_path)
    kaddr = fit.kernel_addr
    cfg_addr = align_up(LAYOUT["CB_LOW_END"], PAGE)
    params = "kernel=0x%x,0x%x" % (kaddr, k["file_size"])
    iaddr = None
    if initrd_path:
        iaddr = align_up(fit.window_end, PAGE)
        params += " initrd=0x%x,0x%x" % (iaddr, os.path.getsize(initrd_path))
    params += " config=0x%x,0x%x" % (cfg_addr, cell_size)
    for e in extra:
        params += " " + e
    if cmdline:
        params += " -- " + cmdline
    name = name or cell["name"]
    load = [jailhouse, "cell", "load", name, loader, "-a", "0x0", "-s", params,
            "-a", "0x%x" % LAYOUT["CB_PARAMS_ADDR"], cell_path, "-a",
            "0x%x" % cfg_addr, kernel_path, "-a", "0x%x" % kaddr]
    if initrd_path:
        load += [initrd_path, "-a", "0x%x" % iaddr]
    return {
        "commands": [[jailhouse, "cell", "create", cell_path], load,
                     [jailhouse, "cell", "start", name]],
        "params": params, "kernel_addr": kaddr, "initrd_addr": iaddr,
        "config_addr": cfg_addr, "header": k, "fit": fit,
    }


SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "_@%+=:,./-")


def shell_word(w):
    """POSIX shell quoting: plain if safe, else single quotes ('\\'' for ')."""
    if w and all(c in SAFE for c in w):
        return w
    return "'" + w.replace("'", "'\\''") + "'"


def shell_line(argv):
    return " ".join(shell_word(a) for a in argv)
