"""`plan --show-boot-params` against the bytes the kernel really received,
and `--digest` end to end: the same plan booted with `cellboot qemu`, the
test /init reporting /sys/kernel/boot_params (zero page and setup_data)."""

import os
import subprocess

import abi
import harness
from tooltest import (BUILD, INITRD, KERNEL, TOOL, classic_cell, need_initrd,
                      need_qemu, run)

JH_KERNEL = os.path.join(BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000 nokaslr"


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
    BP = abi.BOOT_PARAMS
    for f in ("cmd_line_ptr", "ramdisk_image", "ramdisk_size"):
        assert s[f].startswith("0x%x," % BP.get(bp, f))
    assert s["type_of_loader"] == "0x%02x" % BP.get(bp, "type_of_loader")
    assert s["e820_entries"] == "%d" % BP.get(bp, "e820_entries")
    assert s["e820"] == abi.e820_entries(bp)
    assert rep["cmdline"] == s["cmdline"].encode() == CMDLINE.encode()
    # setup_data: the chain as shown, SETUP_JAILHOUSE's cell-given fields
    nodes = [rep["setup_data"][n] for n in sorted(rep["setup_data"])]
    assert [(n["type"], n["len"]) for n in nodes] == s["sd"]
    jh = harness.jailhouse_setup(rep)
    num_cpus = jh["num_cpus"]
    assert s["jh"]["num_cpus"].startswith("%d, cpu_ids %s " % (
        num_cpus, ",".join(str(c) for c in jh["cpu_ids"][:num_cpus])))
    assert s["jh"]["standard_ioapic"] == "%d" % jh["standard_ioapic"]
    assert s["jh"]["flags"].startswith("0x%x " % jh["flags"])
    assert s["jh"]["version"].startswith("%d (compatible %d)" % (
        jh["version"], jh["compatible_version"]))
