"""The loader's lines for an uncompressed kernel it refuses (docs/errors.md,
docs/vmlinux-boot.md), provoked in the QEMU cell as tests/qemu/test_errors.py
does for a bzImage: the exact line, the cell state FAILED read back, the CPU
halted, no reset, no device touched but the console. The kernel is the
project's guest kernel extracted by `cellboot extract-vmlinux`, changed one
field at a time."""

import os

import pytest

import abi
import cellrunner
import harness
from test_vmlinux import MIB, VmlinuxBoot, cell_desc, elf_segments, extract, load_headers
from test_matrix import CMDLINE, JH_KERNEL

FAILED = abi.JAILHOUSE_CELL_FAILED
E, P = abi.ELF_HEADER, abi.ELF_PHDR
KADDR = 0x2000000        # the file at 32 MiB, above where the kernel runs
IADDR = 0x3000000        # the initrd at 48 MiB


@pytest.fixture(scope="module")
def guest():
    if not os.path.exists(JH_KERNEL):
        pytest.fail("%s missing: scripts/build-kernel.sh builds it" % JH_KERNEL)
    os.makedirs(os.path.join(harness.BUILD, "tests", "vmlinux"), exist_ok=True)
    return extract(JH_KERNEL, os.path.join(harness.BUILD, "tests", "vmlinux",
                                           "guest.vmlinux"))


def refused(tmp_path, elf, expected, what="kernel", **kw):
    b = VmlinuxBoot("vmlinux-err-" + os.path.basename(str(tmp_path)),
                    cell_desc(tmp_path, 1, 62), "microvm", elf,
                    kernel_addr=kw.pop("kernel_addr", KADDR),
                    initrd_addr=kw.pop("initrd_addr", IADDR), cmdline=CMDLINE)
    for k, v in kw.items():
        setattr(b, k, v)
    res = b.run(done=r"cellboot: error: ", bad=[r"Kernel panic", r"cellboot: handoff"],
                timeout=60, access_trace=True)
    assert res.outcome == cellrunner.DONE, (res.outcome, res.serial[-2000:])
    errors = [l for l in res.loader if l.startswith("cellboot: error: ")]
    assert errors == ["cellboot: error: %s: %s" % (what, expected)]
    assert res.alive, "QEMU exited (reset or triple fault) after the error"
    assert res.cell_state == FAILED
    assert res.halted
    assert harness.foreign_accesses(res.accesses, harness.granted_devices(b.cell)) == []
    return b


def headers_end(elf):
    """Where the program headers end (they follow the file header)."""
    return E.size + P.size * E.get(elf, "e_phnum")


def header_line(c, m, phend, read):
    return ("ELF class %d machine %d phentsize 56, headers end %#x: want 2 62 56, "
            "in %#x bytes" % (c, m, phend, read))


def test_not_x86_64(tmp_path, guest):
    """A 32-bit or other-architecture ELF file: class and machine shown."""
    elf = E.patched(guest, "e_machine", 3)                     # EM_386
    refused(tmp_path, elf, header_line(abi.ELFCLASS64, 3, headers_end(elf), 0x10000))


def test_program_headers_outside(tmp_path, guest):
    """Program headers past the bytes loaded (kernel=ADDR,SIZE too short)."""
    b_elf = guest[:0x100]
    refused(tmp_path, b_elf, header_line(abi.ELFCLASS64, abi.EM_X86_64, headers_end(b_elf),
                                         0x100))


def test_segment_past_the_file(tmp_path, guest):
    """A file cut short: the last segment's bytes are not all there."""
    _, segs = elf_segments(guest)
    off, _, filesz, memsz = segs[-1]
    elf = guest[:off + filesz - 0x1000]
    refused(tmp_path, elf, "ELF segment %d: %#x+%#x of %#x bytes, %#x in memory; "
            "max 8" % (len(segs) - 1, off, filesz, len(elf), memsz))


def test_entry_outside(tmp_path, guest):
    """An entry point in no loadable segment."""
    elf = E.patched(guest, "e_entry", 0x100)
    refused(tmp_path, elf, "ELF entry 0x100 in no segment")


def test_segment_outside_ram(tmp_path, guest):
    """A segment whose physical address the cell has no RAM at."""
    elf = P.patched(guest, "p_paddr", 0x40000000, load_headers(guest)[1])
    _, segs = elf_segments(elf)
    refused(tmp_path, elf, "%#x-%#x is not inside cell RAM" %
            (0x40000000, 0x40000000 + segs[1][3] - 1))


def test_segment_over_the_initrd(tmp_path, guest):
    """The initrd where a segment runs: the initrd stays, the loader refuses."""
    _, segs = elf_segments(guest)
    _, paddr, _, memsz = segs[0]
    init = open(harness.INITRAMFS, "rb").read()
    refused(tmp_path, guest, "%#x-%#x overlaps initrd %#x-%#x" %
            (paddr, paddr + memsz - 1, paddr + MIB, paddr + MIB + len(init) - 1),
            initrd_addr=paddr + MIB)


def test_segment_over_the_file(tmp_path, guest):
    """The file loaded where its own segments run (not in place): a copy
    would overwrite bytes still to be copied."""
    _, segs = elf_segments(guest)
    _, paddr, _, memsz = segs[0]
    kaddr = paddr + 2 * MIB
    refused(tmp_path, guest, "%#x-%#x overlaps kernel file %#x-%#x" %
            (paddr, paddr + memsz - 1, kaddr, kaddr + len(guest) - 1),
            kernel_addr=kaddr)


def test_initrd_outside_ram(tmp_path, guest):
    """The initrd stays where the root put it: it must be cell RAM."""
    init = open(harness.INITRAMFS, "rb").read()
    refused(tmp_path, guest, "%#x-%#x is not inside cell RAM" %
            (0x3f00000, 0x3f00000 + len(init) - 1), initrd_addr=0x3f00000,
            what="initrd")
