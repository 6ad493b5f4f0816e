"""The kernel doctor (tools/cellboot/kdoctor.c, kdecomp.c, kfile.c): every
compression Linux uses on x86, the evidence for each feature, the build's
CRC-32, Secure Boot signatures, and corrupt or truncated kernels refused.

Synthetic kernels are made here the way Linux's build makes them: the
payload is the compressed vmlinux followed by its size (4 bytes, little
endian; gzip's own trailer for gzip), compressed with Python's modules or
the same command-line tools Linux's Makefiles call (lzop, lz4 -l, zstd).
Real kernels: Debian's (no guest support) and the ones
scripts/build-kernel.sh builds (tests/tool/test_kernels.py).
"""

import bz2
import gzip
import lzma
import os
import shutil
import struct
import subprocess

import pytest

from tooltest import (DOCTOR_STRINGS, KERNEL, build_crc, classic_cell,
                      fake_loader, fake_vmlinux, kernel_header, kernel_is_guest,
                      make_bzimage, need_kernel, run)

FEATURES = list(DOCTOR_STRINGS)
CONFIGS = {"jailhouse guest": "CONFIG_JAILHOUSE_GUEST", "x2APIC": "CONFIG_X86_X2APIC",
           "8250 serial console": "CONFIG_SERIAL_8250_CONSOLE", "PCI": "CONFIG_PCI",
           "initrd support": "CONFIG_BLK_DEV_INITRD"}


def size_append(raw):
    return struct.pack("<I", len(raw) & 0xffffffff)


def tool_compress(argv, raw):
    return subprocess.run(argv, input=raw, capture_output=True, check=True).stdout


# name -> (compress(raw) -> payload, tool needed or None)
COMPRESS = {
    "gzip": (lambda r: gzip.compress(r, 9, mtime=0), None),
    "bzip2": (lambda r: bz2.compress(r, 9) + size_append(r), None),
    "lzma": (lambda r: lzma.compress(r, lzma.FORMAT_ALONE) + size_append(r), None),
    "xz": (lambda r: lzma.compress(r, lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
           + size_append(r), None),
    "lzo": (lambda r: tool_compress(["lzop", "-9", "-c"], r) + size_append(r), "lzop"),
    "lz4": (lambda r: tool_compress(["lz4", "-l", "-9", "-c"], r) + size_append(r),
            "lz4"),
    "zstd": (lambda r: tool_compress(["zstd", "-19", "-c", "-q"], r) + size_append(r),
             "zstd"),
}


def need_tool(name):
    tool = COMPRESS[name][1]
    if tool and shutil.which(tool) is None:
        pytest.skip("no %s (scripts/install-deps.sh installs it)" % tool)


def vmlinux(features=FEATURES, extra=b""):
    # bigger than one lz4 legacy block (8 MiB) would be slow; several lzop
    # blocks (256 KiB each) are cheap: 600 KiB of varied text
    filler = b"".join(b"line %d of a fake kernel image\n" % i for i in range(20000))
    return fake_vmlinux(features, extra + filler)


def kernel_with(tmp_path, comp="gzip", raw=None, name="k", **kw):
    raw = vmlinux() if raw is None else raw
    payload = COMPRESS[comp][0](raw)
    return make_bzimage(tmp_path / name, payload=payload,
                        code_size=(0x300 + len(payload) + 0x100) & ~0xf, **kw)


def doctor_lines(stdout):
    """{feature: (yes/no, evidence)} from inspect's doctor section."""
    out = {}
    for line in stdout.splitlines():
        for f in FEATURES + ["release"]:
            head = "    %s: " % f
            if line.startswith(head):
                out[f] = line[len(head):]
    return out


def reflip(path, offset, fix_crc=True):
    """Flip one byte at offset; with fix_crc, store a matching build CRC so
    that only the payload's own checks can notice."""
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0x55
    if fix_crc:
        data[-4:] = struct.pack("<I", build_crc(bytes(data[:-4])))
    open(path, "wb").write(bytes(data))


def plan_args(tmp_path, k):
    return ["plan", classic_cell(tmp_path), k, "--loader", fake_loader(tmp_path)]


# --------------------------------------------------------------------------
# every compression
# --------------------------------------------------------------------------
@pytest.mark.parametrize("comp", list(COMPRESS))
def test_every_compression_decompresses_and_finds_everything(tmp_path, comp):
    need_tool(comp)
    raw = vmlinux()
    k = kernel_with(tmp_path, comp, raw)
    p = run("inspect", k, check_rc=0)
    assert "  payload: %s, decompressed %d bytes (vmlinux ELF), verified: " % (
        comp, len(raw)) in p.stdout
    d = doctor_lines(p.stdout)
    for f in FEATURES:
        assert d[f].startswith("yes (string \""), (f, d[f])
    assert d["release"] == "6.99.0-test"
    assert "  file CRC-32: 0x%08x, matches what the kernel build stored\n" % \
        build_crc(open(k, "rb").read()[:-4]) in p.stdout
    assert "verdict            can run in a Jailhouse non-root cell" in p.stdout
    # plan: the same kernel, no warning at all
    q = run(*plan_args(tmp_path, k), check_rc=0)
    assert q.stderr == ""


@pytest.mark.parametrize("comp,verified", [
    ("gzip", "gzip CRC-32 and length"),
    ("bzip2", "bzip2 block and stream CRCs"),
    ("xz", "xz CRC32 and length"),
    ("lzma", "the lzma format carries no checksum; length only"),
    ("lzo", "lzop header and block checksums and length"),
    ("lz4", "the legacy lz4 frame carries no checksum; length only"),
    ("zstd", "zstd XXH64 checksum and length"),
])
def test_what_each_format_verifies(tmp_path, comp, verified):
    need_tool(comp)
    p = run("inspect", kernel_with(tmp_path, comp), check_rc=0)
    assert p.stdout.count("verified: %s\n" % verified) == 1


# --------------------------------------------------------------------------
# evidence
# --------------------------------------------------------------------------
def test_missing_pieces_from_strings(tmp_path):
    k = kernel_with(tmp_path, raw=vmlinux(["8250 serial console", "PCI",
                                           "initrd support"]))
    p = run("inspect", k, check_rc=0)
    d = doctor_lines(p.stdout)
    assert d["jailhouse guest"] == (
        'no (no string "Jailhouse: No valid setup data found" (the panic message '
        'of the Jailhouse platform code) and no embedded config)')
    assert d["x2APIC"].startswith('no (no string "physical x2apic"')
    assert d["PCI"] == 'yes (string "PCI host bridge to bus ", a message of the PCI core)'
    w = [l for l in p.stdout.splitlines() if l.startswith("warning: ")]
    assert [l.split(":")[1] for l in w] == [" no jailhouse guest", " no x2APIC"]
    assert "CONFIG_JAILHOUSE_GUEST=y" in w[0] and "CONFIG_X86_X2APIC=y" in w[1]
    assert "cannot run in a Jailhouse non-root cell (no guest support)" in p.stdout
    # plan warns the same way, one line each, and still plans
    q = run(*plan_args(tmp_path, k), check_rc=0)
    lines = q.stderr.splitlines()
    assert [l.split(":")[3] for l in lines] == [" no jailhouse guest", " no x2APIC"]
    assert all(l.startswith("cellboot: warning: kernel: ") for l in lines)
    assert q.stdout.count("jailhouse cell") == 3
    # --no-kernel-check: no decompression, no warning
    assert run(*plan_args(tmp_path, k), "--no-kernel-check", check_rc=0).stderr == ""


def ikconfig_blob(lines):
    return b"IKCFG_ST" + gzip.compress(("\n".join(lines) + "\n").encode(),
                                       mtime=0) + b"IKCFG_ED"


def test_embedded_config_wins_over_strings(tmp_path):
    """With CONFIG_IKCONFIG the answers come from the config, even where the
    image happens to hold one of the strings."""
    cfg = ["# Linux/x86 6.99.0 Kernel Configuration", "CONFIG_64BIT=y",
           "# CONFIG_JAILHOUSE_GUEST is not set", "CONFIG_X86_X2APIC=y",
           "CONFIG_SERIAL_8250=y", "CONFIG_SERIAL_8250_CONSOLE=y", "CONFIG_PCI=y",
           "CONFIG_BLK_DEV_INITRD=y", "CONFIG_IKCONFIG=y"]
    k = kernel_with(tmp_path, "xz", raw=vmlinux(FEATURES, extra=ikconfig_blob(cfg)))
    p = run("inspect", k, check_rc=0)
    assert "  in a Jailhouse non-root cell, from the embedded config " \
        "(CONFIG_IKCONFIG):\n" in p.stdout
    d = doctor_lines(p.stdout)
    assert d["jailhouse guest"] == "no (embedded config: CONFIG_JAILHOUSE_GUEST is not set)"
    for f in FEATURES[1:]:
        assert d[f] == "yes (embedded config: %s=y)" % CONFIGS[f]


def test_embedded_config_without_an_option(tmp_path):
    """An option absent from the config (unreachable) counts as not set;
    CONFIG_PCI must not match CONFIG_PCI_MMCONFIG."""
    cfg = ["CONFIG_JAILHOUSE_GUEST=y", "CONFIG_PCI_MMCONFIG=y",
           "CONFIG_SERIAL_8250_CONSOLE=y", "CONFIG_X86_X2APIC=y",
           "CONFIG_BLK_DEV_INITRD=y"]
    k = kernel_with(tmp_path, raw=vmlinux([], extra=ikconfig_blob(cfg)))
    d = doctor_lines(run("inspect", k, check_rc=0).stdout)
    assert d["PCI"] == "no (embedded config: CONFIG_PCI is not set)"
    assert d["jailhouse guest"] == "yes (embedded config: CONFIG_JAILHOUSE_GUEST=y)"


# --------------------------------------------------------------------------
# integrity
# --------------------------------------------------------------------------
@pytest.mark.parametrize("comp,why", [
    ("gzip", "payload (gzip) does not decompress: "),
    ("xz", "payload (xz) does not decompress: "),
    ("bzip2", "payload (bzip2) does not decompress: "),
    ("zstd", "payload (zstd) does not decompress: "),
    ("lzo", "payload (lzo) does not decompress: "),
])
def test_corrupt_payload_is_refused(tmp_path, comp, why):
    """One byte changed in the middle of the payload, the build's CRC made
    to match again: the format's own checks catch it."""
    need_tool(comp)
    k = kernel_with(tmp_path, comp)
    h = kernel_header(k)
    reflip(k, h["setup_size"] + h["payload_offset"] + h["payload_length"] // 2)
    p = run(*plan_args(tmp_path, k), check_rc=1)
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cellboot: error: kernel: " + why)
    assert lines[0].endswith("(the kernel file is corrupt or truncated)") or \
        "its size trailer says" in lines[0]
    q = run("inspect", k, check_rc=1)
    assert q.stderr == p.stderr


def test_build_crc_mismatch_is_refused(tmp_path):
    """A byte changed outside the payload (the setup code): only the
    build's CRC-32 notices (Linux 6.1 writes one)."""
    k = kernel_with(tmp_path, version_str=b"6.1.0-test (tests@cellboot) #1")
    data = open(k, "rb").read()
    stored, = struct.unpack_from("<I", data, len(data) - 4)
    reflip(k, 0x100, fix_crc=False)
    actual = build_crc(open(k, "rb").read()[:-4])
    p = run(*plan_args(tmp_path, k), check_rc=1)
    assert p.stderr == (
        "cellboot: error: kernel: the file's CRC-32 is 0x%08x, the kernel build "
        "stored 0x%08x in its last 4 bytes: the file is corrupt or truncated\n"
        % (actual, stored))
    assert p.stdout == ""


def test_no_build_crc_from_linux_6_15(tmp_path):
    """Linux 6.15 dropped the CRC from its build tool: a mismatch is not
    corruption there."""
    k = kernel_with(tmp_path, crc=False)
    p = run("inspect", k, check_rc=0)
    assert "  file CRC-32: none (Linux 6.99's build no longer stores one)\n" in p.stdout
    run(*plan_args(tmp_path, k), check_rc=0)


def test_truncated_kernel_is_refused(tmp_path):
    k = kernel_with(tmp_path)
    data = open(k, "rb").read()
    open(k, "wb").write(data[:len(data) - 0x200])
    p = run(*plan_args(tmp_path, k), check_rc=1)
    lines = p.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cellboot: error: kernel: ")


def test_size_trailer_mismatch_is_refused(tmp_path):
    raw = vmlinux()
    payload = lzma.compress(raw, lzma.FORMAT_XZ) + struct.pack("<I", len(raw) + 16)
    k = make_bzimage(tmp_path / "k", payload=payload,
                     code_size=(0x300 + len(payload) + 0x100) & ~0xf)
    p = run(*plan_args(tmp_path, k), check_rc=1)
    assert p.stderr == ("cellboot: error: kernel: payload (xz) decompresses to %d "
                        "bytes, its size trailer says %d (corrupt)\n"
                        % (len(raw), len(raw) + 16))


def add_pe_signature(path, sig=b"\x30\x82" + bytes(1470)):
    """What sbsign does to a bzImage, in short: a PE header whose security
    directory (data directory 4) points at a signature appended at the end."""
    data = bytearray(open(path, "rb").read())
    pe = 0x80                                   # inside the boot sector's free bytes
    struct.pack_into("<I", data, 0x3c, pe)
    data[pe:pe + 4] = b"PE\0\0"
    opt = pe + 24
    struct.pack_into("<H", data, opt, 0x20b)    # PE32+
    struct.pack_into("<I", data, opt + 108, 6)  # NumberOfRvaAndSizes
    struct.pack_into("<II", data, opt + 112 + 4 * 8, len(data), len(sig))
    open(path, "wb").write(bytes(data) + sig)


def test_secure_boot_signed_image_is_recognised_not_refused(tmp_path):
    k = kernel_with(tmp_path)
    size = os.path.getsize(k)
    add_pe_signature(k)
    p = run("inspect", k, check_rc=0)
    assert ("  file CRC-32: does not apply: the image was signed for Secure Boot "
            "after the build (PE signature of 1472 bytes at 0x%x), which rewrote "
            "the header\n" % size) in p.stdout
    assert run(*plan_args(tmp_path, k), check_rc=0).stderr == ""


@need_kernel
def test_distribution_kernel_is_no_jailhouse_guest(tmp_path):
    """Debian's kernel: the payload verifies, and it has no guest support
    (the expectation of docs/kernel.md; its own numbers are not pinned)."""
    k = kernel_header()
    data = open(KERNEL, "rb").read()
    p = run("inspect", KERNEL, check_rc=0)
    d = doctor_lines(p.stdout)
    # Debian's flavours have none; the project's kernel (TEST_KERNEL) has it
    guest = kernel_is_guest()
    if guest is not None:
        assert d["jailhouse guest"].startswith("yes (" if guest else "no ("), d
    assert d["release"] == data[k["version_offset"]:].split(b" ")[0].decode()
    comp = [l for l in p.stdout.splitlines() if l.startswith("  payload: ")]
    assert len(comp) == 1 and "(vmlinux ELF), verified: " in comp[0]
    # its CRC: matches, or the image was re-signed for Secure Boot
    crc = [l for l in p.stdout.splitlines() if l.startswith("  file CRC-32: ")]
    stored, = struct.unpack_from("<I", data, len(data) - 4)
    if build_crc(data[:-4]) == stored:
        assert crc == ["  file CRC-32: 0x%08x, matches what the kernel build "
                       "stored" % stored]
    else:
        assert crc[0].startswith("  file CRC-32: does not apply: the image was "
                                 "signed for Secure Boot")
    assert k["setup_size"] > 0
