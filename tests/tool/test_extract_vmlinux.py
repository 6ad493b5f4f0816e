"""Uncompressed kernels on the host (docs/vmlinux-boot.md): `cellboot
extract-vmlinux`, `inspect` of a vmlinux and `plan --uncompressed`.

The ELF images are made here (System V ABI layout), wrapped in a bzImage
the way Linux's build does (gzip'd, with a relocation table after the ELF
image), and the real kernels' payloads are unpacked with Python's own
modules, so that nothing expected comes from the tool's code."""

import gzip
import json
import os

import pytest

import abi
import harness
import kernelfit
from tooltest import (INITRD, KERNEL, align_up, classic_cell, make_bzimage, need_kernel,
                      need_qemu, run, usage_lines)

JH_KERNEL = os.path.join(harness.BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
PAGE = 0x1000
E, P = abi.ELF_HEADER, abi.ELF_PHDR
ET_EXEC, EV_CURRENT, PT_NOTE, SHDR_SIZE = 2, 1, 4, 64     # System V ABI


def make_elf(segs, entry, shdrs=2, tail=b""):
    """An ELF64 x86-64 executable: segs = [(paddr, data, memsz)], each at a
    page-aligned file offset, one PT_NOTE, `shdrs` zeroed section headers at
    the end, then `tail` (what the build appends: the relocations)."""
    def fill(struct, fields):
        buf = bytearray(struct.size)
        for f, v in fields.items():
            struct.put(buf, f, v)
        return bytes(buf)

    phnum = len(segs) + 1
    off = align_up(E.size + P.size * phnum, PAGE)
    body, ph = bytearray(), b""
    for paddr, data, memsz in segs:
        ph += fill(P, {"p_type": abi.PT_LOAD, "p_flags": 5, "p_offset": off + len(body),
                       "p_vaddr": 0xffffffff80000000 + paddr, "p_paddr": paddr,
                       "p_filesz": len(data), "p_memsz": memsz, "p_align": 0x200000})
        body += data + bytes(align_up(len(data), PAGE) - len(data))
    ph += fill(P, {"p_type": PT_NOTE, "p_flags": 4, "p_offset": off, "p_filesz": 8,
                   "p_memsz": 8, "p_align": 4})
    eh = fill(E, {"e_magic": abi.ELF_MAGIC, "e_class": abi.ELFCLASS64,
                  "e_data": abi.ELFDATA2LSB,
                  "e_ident_rest": bytes([EV_CURRENT]) + bytes(E.fields["e_ident_rest"][1] - 1),
                  "e_type": ET_EXEC, "e_machine": abi.EM_X86_64, "e_version": EV_CURRENT,
                  "e_entry": entry, "e_phoff": E.size, "e_shoff": off + len(body),
                  "e_ehsize": E.size, "e_phentsize": P.size, "e_phnum": phnum,
                  "e_shentsize": SHDR_SIZE, "e_shnum": shdrs})
    head = eh + ph
    elf = head + bytes(off - len(head)) + bytes(body) + bytes(SHDR_SIZE * shdrs)
    return elf, elf + tail


SEGS = [(0x1000000, b"\x90" * 0x1800 + b"text", 0x1804),
        (0x1200000, b"data" * 0x100, 0x3000)]      # 0x400 bytes, then bss


def synthetic(tmp_path):
    elf, with_relocs = make_elf(SEGS, 0x1000000, tail=b"RELOCS" * 100)
    bz = make_bzimage(tmp_path / "bzImage", payload=gzip.compress(with_relocs, mtime=0),
                      code_size=0x20000)
    return elf, bz


def test_extract_writes_the_elf_image_without_relocations(tmp_path):
    elf, bz = synthetic(tmp_path)
    out = tmp_path / "vmlinux"
    r = run("extract-vmlinux", bz, "-o", out, check_rc=0)
    assert r.stdout == "" and r.stderr == ""
    assert out.read_bytes() == elf


@need_kernel
def test_extract_real_kernels(tmp_path):
    """Debian's kernel (and the guest kernel when built): the output is a
    prefix of the payload Python unpacks, up to the section headers' end."""
    for path in (KERNEL, JH_KERNEL):
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        raw = kernelfit.payload(data, harness.parse_bzimage(data))
        if raw is None:
            continue            # a compression Python cannot unpack
        out = tmp_path / "vmlinux"
        run("extract-vmlinux", path, "-o", out, check_rc=0)
        got = out.read_bytes()
        assert got == raw[:E.get(raw, "e_shoff") +
                          E.get(raw, "e_shentsize") * E.get(raw, "e_shnum")]


def test_extract_refuses_what_is_not_a_bzimage(tmp_path):
    p = tmp_path / "junk"
    p.write_bytes(bytes(0x1000))
    r = run("extract-vmlinux", p, "-o", tmp_path / "out", check_rc=1)
    assert r.stderr.startswith("cellboot: error: kernel: 0x0: boot_flag 0x0 ")
    assert not (tmp_path / "out").exists()


def test_extract_refuses_a_payload_that_is_not_elf(tmp_path):
    bz = make_bzimage(tmp_path / "bzImage", payload=gzip.compress(b"not an elf" * 10,
                                                                  mtime=0))
    r = run("extract-vmlinux", bz, "-o", tmp_path / "out", check_rc=1)
    assert r.stderr == ("cellboot: error: kernel: the decompressed payload (gzip) "
                        "is not an ELF image: the file is corrupt\n")


@pytest.mark.parametrize("args,msg", [
    ((), "missing BZIMAGE or -o VMLINUX"),
    (("bz",), "missing BZIMAGE or -o VMLINUX"),
    (("bz", "-o"), "-o needs a value"),
    (("bz", "-o", "a", "-o", "b"), "-o given twice"),
    (("bz", "other", "-o", "a"), "unexpected argument 'other'"),
    (("--bogus",), "unknown option '--bogus'"),
])
def test_extract_usage(args, msg):
    r = run("extract-vmlinux", *args, check_rc=2)
    assert r.stderr == usage_lines("extract-vmlinux", msg)


def test_inspect_shows_a_vmlinux(tmp_path):
    elf, _ = make_elf(SEGS, 0x1000000)
    elf = elf.replace(b"\x90" * 64, b"Linux version 6.99.1-test (x@y) #1\0".ljust(64, b"\0"), 1)
    p = tmp_path / "vmlinux"
    p.write_bytes(elf)
    out = run("inspect", p, check_rc=0).stdout
    assert "release:   6.99.1-test\n" in out
    assert "entry:     0x1000000 " in out
    assert "segments:  2\n" in out
    assert "0: 0x01000000-0x01001803  file 0x1804 bytes, memory 0x1804" in out
    assert "1: 0x01200000-0x01202fff  file 0x400 bytes, memory 0x3000" in out
    assert "cell RAM:  0x1000000-0x1202fff" in out


def test_inspect_refuses_a_vmlinux_the_loader_would(tmp_path):
    elf, _ = make_elf(SEGS, 0x5000000)              # entry in no segment
    p = tmp_path / "vmlinux"
    p.write_bytes(elf)
    r = run("inspect", p, check_rc=1)
    assert r.stderr == "cellboot: error: kernel: ELF entry 0x5000000 in no segment\n"


def test_plan_uncompressed_loads_every_segment_in_place(tmp_path):
    """The headers after the config, p_offset rewritten to p_paddr - their
    address; each segment's file bytes an image at p_paddr."""
    elf, bz = synthetic(tmp_path)
    cell = classic_cell(tmp_path)
    d = tmp_path / "vm"
    r = run("plan", cell, bz, "--uncompressed", d, "--no-kernel-check",
            "--format", "json", "--loader", harness.LOADER, check_rc=0)
    plan = json.loads(r.stdout)
    cfg_end = plan["config"]["addr"] + plan["config"]["size"]
    h = align_up(cfg_end, PAGE)
    hdr = (d / "vmlinux.hdr").read_bytes()
    assert plan["kernel"] == {"path": str(d / "vmlinux.hdr"), "addr": h,
                              "size": len(hdr)}
    assert len(hdr) == E.size + P.size * 3
    assert plan["params"]["string"].startswith("kernel=0x%x,0x%x " % (h, len(hdr)))
    for i, (paddr, data, memsz) in enumerate(SEGS):
        seg = plan["kernel_segment_%d" % i]
        assert seg == {"path": str(d / ("vmlinux.seg%d" % i)), "addr": paddr,
                       "size": len(data)}
        assert (d / ("vmlinux.seg%d" % i)).read_bytes() == data
        assert h + P.get(hdr, "p_offset", E.size + P.size * i) == paddr
    assert hdr[:E.size] == elf[:E.size]
    assert plan["kernel_entry"] == 0x1000000
    load = plan["commands"][1]
    assert load[load.index(str(d / "vmlinux.seg1")) + 2] == "0x1200000"


def test_plan_uncompressed_refuses_a_segment_outside_the_cell(tmp_path):
    elf, with_relocs = make_elf([(0x40000000, b"x" * 0x100, 0x100)], 0x40000000)
    bz = make_bzimage(tmp_path / "bzImage", payload=gzip.compress(with_relocs, mtime=0))
    r = run("plan", classic_cell(tmp_path), bz, "--uncompressed", tmp_path / "vm",
            "--no-kernel-check", "--loader", harness.LOADER, check_rc=1)
    assert r.stderr == ("cellboot: error: kernel: 0x40000000-0x400000ff is not inside "
                        "cell RAM\n")


@need_qemu
def test_qemu_uncompressed_boots_the_guest_kernel(tmp_path):
    """cellboot qemu --uncompressed: the same images as plan's, booted."""
    if not os.path.exists(JH_KERNEL):
        pytest.skip("no guest kernel (make jh-kernel)")
    data = open(JH_KERNEL, "rb").read()
    raw = kernelfit.payload(data, harness.parse_bzimage(data))
    entry = E.get(raw, "e_entry")
    r = run("qemu", classic_cell(tmp_path), JH_KERNEL, "-i", INITRD, "-c",
            "console=ttyS0 panic=-1", "--uncompressed", tmp_path / "vm",
            "--loader", harness.LOADER, "--timeout", "120", "--expect", "Run /init",
            check_rc=0)
    out = r.stdout + r.stderr
    assert "cellboot: handoff to 0x%x " % entry in out
    assert "passed" in out
