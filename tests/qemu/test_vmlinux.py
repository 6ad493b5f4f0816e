"""Uncompressed kernels (docs/vmlinux-boot.md): the distribution kernel and
the project's guest kernel, each extracted from its bzImage by `cellboot
extract-vmlinux`, boot through the kernel proper's 64-bit entry under QEMU
to the test initramfs, with the command line, e820 map, initrd and
SETUP_JAILHOUSE the other boot tests check (test_matrix.check); once as
one file that the loader places, once as `cellboot plan --uncompressed`
lays it out, every segment where it runs and only the headers for the
loader to read."""

import json
import os
import subprocess

import pytest

import abi
import harness
from test_matrix import BASE, CMDLINE, JH_KERNEL, check

MIB = 0x100000
# the uncompressed boot's own line: the handoff goes to the ELF entry
HANDOFF = "cellboot: handoff to 0x%x "


def extract(bzimage, out):
    """The vmlinux inside bzimage, written by the tool under test."""
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(bzimage) \
            or os.path.getmtime(out) < os.path.getmtime(harness.TOOL):
        subprocess.run([harness.TOOL, "extract-vmlinux", bzimage, "-o", out],
                       check=True)
    return open(out, "rb").read()


def load_headers(elf):
    """The file offsets of the PT_LOAD program headers, read here from the
    ELF64 layout (System V ABI), not through lib/elf.c."""
    E = abi.ELF_HEADER
    phoff, phentsize = E.get(elf, "e_phoff"), E.get(elf, "e_phentsize")
    return [at for at in range(phoff, phoff + phentsize * E.get(elf, "e_phnum"), phentsize)
            if abi.ELF_PHDR.get(elf, "p_type", at) == abi.PT_LOAD]


def elf_segments(elf):
    """[(p_offset, p_paddr, p_filesz, p_memsz)] of the PT_LOADs, and e_entry."""
    P = abi.ELF_PHDR
    return abi.ELF_HEADER.get(elf, "e_entry"), [
        tuple(P.get(elf, f, at) for f in ("p_offset", "p_paddr", "p_filesz", "p_memsz"))
        for at in load_headers(elf)]


@pytest.fixture(scope="module")
def kernels():
    os.makedirs(os.path.join(harness.BUILD, "tests", "vmlinux"), exist_ok=True)
    out = {}
    for name, bz in (("debian", harness.KERNEL), ("guest", JH_KERNEL)):
        if not os.path.exists(bz):
            pytest.fail("%s missing (make kernel; scripts/build-kernel.sh)" % bz)
        out[name] = extract(bz, os.path.join(harness.BUILD, "tests", "vmlinux",
                                             name + ".vmlinux"))
    return out


class VmlinuxBoot(harness.Boot):
    """A Boot whose kernel is a vmlinux; extra images (data, addr) are
    loaded too, as `jailhouse cell load` takes several."""

    def __init__(self, name, desc, machine, elf, **kw):
        # the harness reads a bzImage header: give it one, then swap the file
        super().__init__(name, desc, machine, kernel=JH_KERNEL, **kw)
        self.kernel_bytes = elf
        self.extra_images = []

    def images(self):
        return harness.jailhouse_load(self.raw_images())

    def raw_images(self):
        imgs = super().images()
        return imgs + self.extra_images


def cell_desc(tmp_path, cpus, ram_mib):
    path = os.path.join(str(tmp_path), "vmlinux.cell.txt")
    with open(path, "w") as f:
        f.write(BASE + "cpus %s\nram 0x0 1M\nram 0x200000 %dM\n" %
                (" ".join(str(i) for i in range(cpus)), ram_mib))
    return path


def one_file(tmp_path, name, elf, machine, cpus):
    """The whole vmlinux loaded as one file right above where it runs; the
    initrd above it; the loader copies every segment."""
    entry, segs = elf_segments(elf)
    top = max(p + m for _, p, _, m in segs)
    kaddr = harness.kernelfit.align_up(top, 2 * MIB)
    iaddr = harness.kernelfit.align_up(kaddr + len(elf), 2 * MIB)
    ram = (iaddr + 4 * MIB) // MIB + 64     # and room for the kernel to run
    b = VmlinuxBoot("vmlinux-%s-%s-%d" % (name, machine, cpus),
                    cell_desc(tmp_path, cpus, ram), machine, elf,
                    kernel_addr=kaddr, initrd_addr=iaddr, cmdline=CMDLINE,
                    mem_mib=ram + 16)
    return b, entry


def in_place_images(elf, headers_at):
    """The layout of `cellboot plan --uncompressed`, made here: the headers
    (ELF header and program headers, p_offset pointing at each segment in
    place) and [(segment bytes, p_paddr)]."""
    _, segs = elf_segments(elf)
    E, P = abi.ELF_HEADER, abi.ELF_PHDR
    hdr = bytearray(elf[:E.get(elf, "e_phoff") + E.get(elf, "e_phentsize") *
                        E.get(elf, "e_phnum")])
    for at in load_headers(elf):
        P.put(hdr, "p_offset", P.get(hdr, "p_paddr", at) - headers_at, at)
    return bytes(hdr), [(elf[off:off + fsz], paddr) for off, paddr, fsz, _ in segs]


def in_place(tmp_path, name, elf, machine, cpus, headers_at=0x40000):
    """Every segment loaded where it runs, the loader given only the
    headers (in_place_images)."""
    entry, segs = elf_segments(elf)
    hdr, images = in_place_images(elf, headers_at)
    top = max(p + m for _, p, _, m in segs)
    iaddr = harness.kernelfit.align_up(top, 2 * MIB)
    ram = (iaddr + 4 * MIB) // MIB + 64     # and room for the kernel to run
    b = VmlinuxBoot("vmlinux-inplace-%s-%s-%d" % (name, machine, cpus),
                    cell_desc(tmp_path, cpus, ram), machine, hdr,
                    kernel_addr=headers_at, initrd_addr=iaddr, cmdline=CMDLINE,
                    mem_mib=ram + 16)
    b.extra_images = images
    return b, entry


def booted(b, entry, moved):
    res = b.run()
    check(b, res)
    assert any(l.startswith(HANDOFF % entry) for l in res.loader), res.loader
    assert not any(l.startswith("cellboot: kernel ") for l in res.loader)
    return res


@pytest.mark.parametrize("machine,cpus", [("microvm", 1), ("q35", 2)])
def test_distribution_kernel_as_vmlinux(tmp_path, kernels, machine, cpus):
    """Debian's kernel as one ELF file: the loader copies its segments to
    16 MiB and up and enters startup_64 there."""
    b, entry = one_file(tmp_path, "debian", kernels["debian"], machine, cpus)
    booted(b, entry, True)


@pytest.mark.parametrize("machine,cpus", [("microvm", 2), ("q35", 1)])
def test_guest_kernel_as_vmlinux(tmp_path, kernels, machine, cpus):
    """The Jailhouse-guest kernel as one ELF file, bss past its file bytes
    cleared by the loader."""
    b, entry = one_file(tmp_path, "guest", kernels["guest"], machine, cpus)
    _, segs = elf_segments(kernels["guest"])
    assert any(m > f for _, _, f, m in segs)      # a bss to clear
    booted(b, entry, True)


@pytest.mark.parametrize("name,machine,cpus", [("debian", "q35", 1),
                                               ("guest", "microvm", 2)])
def test_vmlinux_in_place(tmp_path, kernels, name, machine, cpus):
    """Every segment loaded where it runs: nothing moves."""
    b, entry = in_place(tmp_path, name, kernels[name], machine, cpus)
    b.extra_params = "log=verbose"
    res = booted(b, entry, False)
    assert not any(l.startswith("cellboot: move ") for l in res.loader), res.loader


def test_plan_uncompressed_boots(tmp_path):
    """What `cellboot plan --uncompressed` prints, booted as it says: the
    guest kernel's headers after the config, each segment where it runs."""
    b = VmlinuxBoot("vmlinux-plan", cell_desc(tmp_path, 2, 62), "microvm", b"",
                    kernel_addr=0, initrd_addr=0, cmdline=CMDLINE)
    out = subprocess.run([harness.TOOL, "plan", b.cell_path, JH_KERNEL, "-i",
                          harness.INITRAMFS, "-c", CMDLINE, "--uncompressed",
                          str(tmp_path / "vm"), "--digest", "--format", "json",
                          "--loader", b.loader], check=True, capture_output=True,
                         text=True).stdout
    plan = json.loads(out)
    b.kernel_bytes = open(plan["kernel"]["path"], "rb").read()
    b.kernel_addr = plan["kernel"]["addr"]
    b.config_addr = plan["config"]["addr"]
    b.initrd_addr = plan["initrd"]["addr"]
    b.params = plan["params"]["string"].encode() + b"\0"
    b.extra_images = [(open(s["path"], "rb").read(), s["addr"])
                      for k, s in sorted(plan.items()) if k.startswith("kernel_segment_")]
    assert len(b.extra_images) == 4
    b.params = b.params.replace(b" -- ", b" log=verbose -- ")
    res = booted(b, plan["kernel_entry"], False)
    assert not any(l.startswith("cellboot: move ") for l in res.loader), res.loader
    assert "cellboot: CRC-32 of the kernel and the initrd as in the params" in res.loader
