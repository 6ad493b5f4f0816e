"""cellboot inspect: bzImage and cell dumps, the warnings for known traps,
and mkcell output read back."""

import lzma
import os
import zlib

import harness
from tooltest import (KERNEL, align_down, classic_cell, kernel_header, make_bzimage,
                      mkcell, need_kernel, run)

# What `cellboot inspect` prints for a setting: "  <key, 19 columns><value>".
KEY_WIDTH = 19


def fields(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("    ") and \
                len(line) > 2 + KEY_WIDTH and line[2 + KEY_WIDTH - 1] == " ":
            out[line[2:2 + KEY_WIDTH].strip()] = line[2 + KEY_WIDTH:]
    return out


def warnings(text):
    return [l[len("warning: "):] for l in text.splitlines() if l.startswith("warning: ")]


XLF = ["KERNEL_64", "CAN_BE_LOADED_ABOVE_4G", "EFI_HANDOVER_32", "EFI_HANDOVER_64",
       "EFI_KEXEC", "5LEVEL", "5LEVEL_ENABLED", "MEM_ENCRYPTION"]
MAGIC = [(b"\x1f\x8b", "gzip"), (b"\x1f\x9e", "gzip"), (b"BZ", "bzip2"),
         (b"\x5d\x00", "lzma"), (b"\xfd\x37", "xz"), (b"\x89\x4c", "lzo"),
         (b"\x02\x21", "lz4"), (b"\x28\xb5", "zstd"), (b"\x7fE", "elf")]


NO_GUEST = ("no jailhouse guest: set CONFIG_HYPERVISOR_GUEST=y and "
            "CONFIG_JAILHOUSE_GUEST=y (needs CONFIG_PCI): without it the kernel "
            "cannot read SETUP_JAILHOUSE and hangs or faults in a cell")


def jailhouse_guest(data, k):
    """Whether the kernel has Jailhouse guest support, read independently of
    the tool: the Jailhouse platform code's panic message in the unpacked
    payload. None when Python cannot unpack it (lz4, zstd, ...)."""
    payload = data[k["setup_size"] + k["payload_offset"]:][:k["payload_length"]]
    try:
        if payload[:2] in (b"\x1f\x8b", b"\x1f\x9e"):
            raw = zlib.decompressobj(31).decompress(payload)
        elif payload[:2] == b"\xfd\x37":
            raw = lzma.LZMADecompressor().decompress(payload)
        else:
            return None
    except (zlib.error, lzma.LZMAError):
        return None
    return b"Jailhouse: No valid setup data found" in raw


# --------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------
@need_kernel
def test_debian_kernel(tmp_path):
    k = kernel_header()
    data = open(KERNEL, "rb").read()
    banner = data[k["version_offset"]:].split(b"\0")[0].decode()
    magic = data[k["setup_size"] + k["payload_offset"]:][:2]
    comp = dict(MAGIC)[magic]
    p = run("inspect", KERNEL, check_rc=0)
    lines = p.stdout.splitlines()
    assert lines[0] == "%s: Linux bzImage, boot protocol %d.%02d" % (
        KERNEL, k["version"] >> 8, k["version"] & 0xff)
    f = fields(p.stdout)
    assert f["kernel version"] == banner
    assert f["setup_sects"].startswith("%d: setup 0x%x bytes" % (
        k["setup_sects"], k["setup_size"]))
    assert f["code size"].startswith("0x%x " % (k["syssize"] * 16))
    assert f["xloadflags"] == "0x%02x (%s)" % (k["xloadflags"], " ".join(
        n for i, n in enumerate(XLF) if k["xloadflags"] & (1 << i)))
    assert f["loadflags"] == "0x%02x (LOADED_HIGH)" % k["loadflags"]
    assert f["relocatable"] == ("yes" if k["relocatable"] else "no")
    assert f["kernel_alignment"].startswith("0x%x " % k["kernel_alignment"])
    assert f["pref_address"] == "0x%x" % k["pref_address"]
    assert f["init_size"].startswith("0x%x " % k["init_size"])
    assert f["cmdline_size"] == "%d" % k["cmdline_size"]
    assert f["initrd_addr_max"].startswith("0x%x" % k["initrd_addr_max"])
    assert f["payload"] == "%s, 0x%x bytes at code offset 0x%x" % (
        comp, k["payload_length"], k["payload_offset"])
    assert f["in a cell"] == ("file at 0x%x (pref_address - setup) runs in place in "
                              "0x%x-0x%x" % (k["pref_address"] - k["setup_size"],
                                             k["pref_address"],
                                             k["pref_address"] + k["init_size"] - 1))
    # guest support is the kernel's own: a distribution kernel lacks it
    # (kdoctor warns), the project's Jailhouse-guest kernel has it
    guest = jailhouse_guest(data, k)
    if guest is None:                   # a payload Python cannot unpack
        assert warnings(p.stdout) in ([], [NO_GUEST])
    else:
        assert warnings(p.stdout) == ([] if guest else [NO_GUEST])
        assert ("    jailhouse guest: %s" % ("yes" if guest else "no (")) in p.stdout


def test_old_and_fixed_kernel_warnings(tmp_path):
    k = make_bzimage(tmp_path / "old", version=0x020a, relocatable=0)
    p = run("inspect", k, check_rc=1)
    w = warnings(p.stdout)
    assert w[0].startswith("boot protocol 2.10 is older than 2.12")
    assert w[1].startswith("not relocatable: the root must load the file at "
                           "pref_address - setup size (0x%x)" % (0x1000000 - 5 * 512))
    assert p.stdout.splitlines()[-1] == "2 warnings"
    # and the loader's own verdict on stderr
    assert p.stderr.startswith("cellboot: error: kernel: ") and "0x20a" in p.stderr


def test_non_relocatable_kernel_is_only_a_warning(tmp_path):
    k = make_bzimage(tmp_path / "fixed", relocatable=0)
    p = run("inspect", k, check_rc=0)
    f = fields(p.stdout)
    assert f["relocatable"] == "no"
    assert f["kernel version"] == "6.99.0-test (tests@cellboot) #1"
    assert f["payload"] == "gzip, 0x%x bytes at code offset 0x300" % \
        kernel_header(k)["payload_length"]
    assert [w.split(":")[0] for w in warnings(p.stdout)] == ["not relocatable"]


def test_kernel_without_64bit_entry(tmp_path):
    k = make_bzimage(tmp_path / "k32", xloadflags=0)
    p = run("inspect", k, check_rc=1)
    assert warnings(p.stdout) == ["xloadflags lack KERNEL_64: the kernel has no "
                                  "64-bit entry"]


# --------------------------------------------------------------------------
# cells
# --------------------------------------------------------------------------
DEMO = """# the example of docs/cell-description.md
name linux-demo
cpus 2 3
flags passive-commreg virtual-console-permitted
ram  0x0 1M
comm 0x100000
ram  0x200000 74M phys=0x3a600000
shmem 0x80000000 1M ro phys=0x3f000000
mmio 0xfed00000 0x1000
mem  0x90000000 0x1000 flags=r,w,io,io32
pio 0x3f8 8
pio 0x2f8 8
console 8250 pio 0x3f8 divider=1
irqchip 0xfec00000 id=0xff00 pin_base=0 pins=3,4
msg_reply_timeout 0
"""

# What the description says, region by region: virt, phys, size, flags, e820.
DEMO_REGIONS = [
    ("0x0", "0x0", "0x100000", "r,w,x,dma,loadable", "RAM"),
    ("0x100000", "0x0", "0x1000", "r,w,comm", "reserved (comm region)"),
    ("0x200000", "0x3a600000", "0x4a00000", "r,w,x,dma,loadable", "RAM"),
    ("0x80000000", "0x3f000000", "0x100000", "r,rootshared",
     "not in e820: shared with the root cell"),
    ("0xfed00000", "0xfed00000", "0x1000", "r,w,io", "not in e820: I/O"),
    ("0x90000000", "0x90000000", "0x1000", "r,w,io,io32", "not in e820: I/O"),
]


def regions(text):
    rows, on = [], False
    for line in text.splitlines():
        if line.startswith("    #   virt"):
            on = True
            continue
        if on and line.startswith("    ") and line.split()[0].isdigit():
            parts = line.split(None, 5)
            rows.append(tuple(parts[1:5]) + (parts[5].strip(),))
        elif on:
            on = False
    return rows


def test_mkcell_output_read_back(tmp_path):
    cell = mkcell(tmp_path, DEMO, "demo")
    p = run("inspect", cell, check_rc=0)
    size = os.path.getsize(cell)
    assert p.stdout.splitlines()[0] == (
        "%s: Jailhouse cell config, revision 14, x86, %d bytes" % (cell, size))
    f = fields(p.stdout)
    assert f["name"] == "linux-demo"
    assert f["flags"] == "0x40000001 (passive-commreg virtual-console-permitted)"
    assert f["cpus"] == "2: 2 3"
    assert f["cpu_reset_address"] == "0x0"
    assert f["msg_reply_timeout"] == "0"
    assert f["console"] == "8250, pio 0x3f8, divider 1 (115200 baud)"
    assert f["comm region"] == "0x100000 (0x1000 bytes)"
    assert f["memory regions"] == "6"
    assert regions(p.stdout) == DEMO_REGIONS
    assert f["pio regions"] == "2"
    assert "    0x3f8-0x3ff (8 ports)  COM1\n" in p.stdout
    assert "    0x2f8-0x2ff (8 ports)  COM2\n" in p.stdout
    assert f["irqchips"] == "1"
    assert ("    0xfec00000 id 0xff00 pin_base 0 pins 3,4 (the standard IOAPIC)\n"
            in p.stdout)
    assert warnings(p.stdout) == []


def test_description_is_inspected_as_mkcell_would_write_it(tmp_path):
    desc = tmp_path / "demo.cell.txt"
    desc.write_text(DEMO)
    cell = mkcell(tmp_path, DEMO, "demo")
    from_text = run("inspect", desc, check_rc=0).stdout
    from_bin = run("inspect", cell, check_rc=0).stdout
    assert from_text.splitlines()[0] == (
        "%s: cell description (the config mkcell writes), revision 14, x86, %d bytes"
        % (desc, os.path.getsize(cell)))
    assert from_text.splitlines()[1:] == from_bin.splitlines()[1:]


def test_classic_cell_matches_the_binary(tmp_path):
    cell = classic_cell(tmp_path)
    c = harness.parse_cell(open(cell, "rb").read())
    p = run("inspect", cell, check_rc=0)
    rows = regions(p.stdout)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("0x%x" % m["virt"], "0x%x" % m["phys"], "0x%x" % m["size"]) for m in c["mem"]]
    assert [r[4] for r in rows] == [
        "RAM" if harness.is_ram(m["flags"]) else
        "reserved (comm region)" for m in c["mem"]]


def test_cell_warnings(tmp_path):
    cell = mkcell(tmp_path, """name traps
cpus 0
mem 0x0 1M flags=r,w,x,dma
comm 0x200000
mem 0x300000 16M flags=r,w,x,loadable
pio 0x3f0 16
pio 0x2f8 4
""")
    p = run("inspect", cell, check_rc=0)
    w = warnings(p.stdout)
    assert len(w) == 5, w
    assert w[0].startswith("memory region 2 (0x300000-0x12fffff) is read/write/execute "
                           "but lacks the dma flag")
    assert w[1].startswith("pio 0x3f0 length 16 grants COM1 (0x3f8) with a length "
                           "other than 8")
    assert w[2].startswith("pio 0x2f8 length 4 grants COM2 (0x2f8) with a length "
                           "other than 8: only part of the UART")
    assert w[3].startswith("the comm region is at 0x200000, not 0x100000")
    assert w[4].startswith("no memory region with the write and loadable flags "
                           "starts the cell at 0x0")
    assert p.stdout.splitlines()[-1] == "5 warnings"
    assert regions(p.stdout)[2][4] == "not in e820: lacks dma"


@need_kernel
def test_cell_and_kernel_together(tmp_path):
    k = kernel_header()
    # high RAM from 2 MiB ending 1 MiB short of the window at pref_address
    end = align_down(k["pref_address"] + k["init_size"] - 1, 0x100000)
    assert end > 0x200000
    small = mkcell(tmp_path, "name small\ncpus 1\nram 0x0 1M\ncomm 0x100000\n"
                   "ram 0x200000 0x%x\n" % (end - 0x200000), "small")
    p = run("inspect", small, KERNEL, check_rc=0)
    assert [w for w in warnings(p.stdout) if w != NO_GUEST] == [
        "the cell's RAM has no room for the kernel's init_size 0x%x at its "
        "pref_address (0x%x-0x%x); cellboot plan finds where it fits or says why "
        "it does not" % (k["init_size"], k["pref_address"],
                         k["pref_address"] + k["init_size"] - 1)]
    p = run("inspect", KERNEL, classic_cell(tmp_path), check_rc=0)
    assert ("kernel in cell: init_size 0x%x fits at pref_address (0x%x-0x%x is cell "
            "RAM)\n" % (k["init_size"], k["pref_address"],
                        k["pref_address"] + k["init_size"] - 1)) in p.stdout


# --------------------------------------------------------------------------
# bad files
# --------------------------------------------------------------------------
def test_unknown_binary_file(tmp_path):
    f = tmp_path / "blob"
    f.write_bytes(b"\0\1\2\3" * 300)
    p = run("inspect", f, check_rc=1)
    assert p.stderr == ("cellboot: error: %s: neither a bzImage (no 0xaa55 boot flag "
                        "and HdrS header) nor a Jailhouse cell config (no JHCLL "
                        "signature)\n" % f)


def test_text_that_is_no_cell_description(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello world\n")
    p = run("inspect", f, check_rc=1)
    assert p.stderr.startswith("cellboot: error: %s: not a bzImage or a binary cell "
                               "config; read as a cell description: line 1: " % f)


def test_truncated_cell(tmp_path):
    data = open(classic_cell(tmp_path), "rb").read()
    f = tmp_path / "short.cell"
    f.write_bytes(data[:150])
    p = run("inspect", f, check_rc=1)
    assert p.stdout == "" and p.stderr.startswith("cellboot: error: cell config: ")


def test_missing_file_does_not_stop_the_others(tmp_path):
    cell = classic_cell(tmp_path)
    p = run("inspect", tmp_path / "nope", cell, check_rc=1)
    assert p.stderr == ("cellboot: error: %s: cannot open: No such file or "
                        "directory\n" % (tmp_path / "nope"))
    assert "name               linux-classic" in p.stdout
