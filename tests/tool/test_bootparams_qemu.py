"""`plan --show-boot-params` against the bytes the kernel really received,
and `--digest` end to end: the same plan booted with `cellboot qemu`, the
test /init reporting /sys/kernel/boot_params (zero page and setup_data)."""

import os
import subprocess

import harness
from tooltest import (BUILD, INITRD, KERNEL, TOOL, classic_cell, need_initrd,
                      need_qemu, run)

JH_KERNEL = os.path.join(BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000 nokaslr"


def u32(b, off):
    return int.from_bytes(b[off:off + 4], "little")


def shown(text):
    """The lines of --show-boot-params: {field: value text}, e820 list,
    setup_data [(type, len)], SETUP_JAILHOUSE fields."""
    out = {"e820": [], "sd": [], "jh": {}}
    part = None
    for line in text.splitlines():
        if line.startswith("e820 map"):
            part = "e820"
        elif line.startswith("setup_data ("):
            part = "sd"
        elif line.startswith("command line"):
            part = "cmd"
        elif part is None and line.startswith("  ") and " " in line.strip():
            k, v = line.strip().split(None, 1)
            out[k] = v
        elif part == "e820" and line.startswith("  0x"):
            rng, typ = line.split()
            a, b = (int(x, 16) for x in rng.split("-"))
            out["e820"].append((a, b - a + 1, {"RAM": 1, "reserved": 2}[typ]))
        elif part == "cmd" and line.startswith("  "):
            out["cmdline"] = line[2:]
        elif part == "sd" and line.startswith("  0x"):
            words = line.split()
            out["sd"].append((int(words[2]), int(words[-2])))
        elif part == "sd" and line.startswith("    "):
            k, v = line.strip().split(None, 1)
            out["jh"][k] = v
    return out


@need_initrd
@need_qemu
def test_show_boot_params_is_what_the_kernel_got_and_digest_boots(tmp_path):
    kernel = JH_KERNEL if os.path.isfile(JH_KERNEL) else KERNEL
    cell = classic_cell(tmp_path)
    args = [cell, kernel, "-i", INITRD, "-c", CMDLINE, "--digest"]
    show = run("plan", *args, "--show-boot-params", "--no-kernel-check", check_rc=0)
    s = shown(show.stdout.split("\n\n", 1)[1])
    p = subprocess.run([TOOL, "qemu"] + args + ["--param", "log=verbose",
                                                "--machine", "microvm",
                                                "--timeout", "180"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=400)
    serial = p.stdout.decode("utf-8", "replace").replace("\r", "")
    (tmp_path / "serial.log").write_text(serial)
    assert p.returncode == 0, "%s\n%s" % (p.stderr.decode(), serial[-3000:])
    # the loader checked the digest plan wrote, then handed over
    log = harness.loader_lines(serial)
    assert "cellboot: CRC-32 of the kernel and the initrd as in the params" in log
    rep = harness.parse_report(serial)
    assert rep.get("complete"), serial[-2000:]
    bp = bytes(rep["bootparams"])
    # zero page fields as shown
    assert s["cmd_line_ptr"].startswith("0x%x," % u32(bp, 0x228))
    assert s["ramdisk_image"].startswith("0x%x," % u32(bp, 0x218))
    assert s["ramdisk_size"].startswith("0x%x," % u32(bp, 0x21c))
    assert s["type_of_loader"] == "0x%02x" % bp[0x210]
    assert s["e820_entries"] == "%d" % bp[0x1e8]
    got = []
    for i in range(bp[0x1e8]):
        off = 0x2d0 + 20 * i
        got.append((int.from_bytes(bp[off:off + 8], "little"),
                    int.from_bytes(bp[off + 8:off + 16], "little"), u32(bp, off + 16)))
    assert s["e820"] == got
    assert rep["cmdline"] == s["cmdline"].encode() == CMDLINE.encode()
    # setup_data: the chain as shown, SETUP_JAILHOUSE's cell-given fields
    nodes = [rep["setup_data"][n] for n in sorted(rep["setup_data"])]
    assert [(n["type"], n["len"]) for n in nodes] == s["sd"]
    jh = [n for n in nodes if n["type"] == 6][0]["data"]
    num_cpus = int.from_bytes(jh[6:8], "little")
    assert s["jh"]["num_cpus"].startswith("%d, cpu_ids %s " % (
        num_cpus, ",".join(str(c) for c in jh[0x19:0x19 + num_cpus])))
    assert s["jh"]["standard_ioapic"] == "%d" % jh[0x18]
    assert s["jh"]["flags"].startswith("0x%x " % u32(jh, 0x118))
    assert s["jh"]["version"].startswith("%d (compatible %d)" % (
        int.from_bytes(jh[0:2], "little"), int.from_bytes(jh[2:4], "little")))
