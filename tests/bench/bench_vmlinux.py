#!/usr/bin/python3
"""cellboot benchmarks, part 2 (issue 14): the same kernel as bzImage and
as vmlinux (docs/vmlinux-boot.md). `make bench` runs it after bench.py.

For each kernel (the test kernel, Debian's xz by default, and the
project's Jailhouse-guest kernel when built), with the insncount TCG
plugin under -icount shift=0,sleep=off and one CPU (deterministic):

  entry   guest instructions from reset to the kernel proper's first
          instruction (its ELF entry, startup_64): through the bzImage's
          decompressor, and as a vmlinux loaded in place (`plan
          --uncompressed`'s layout);
  init    the same to /init's first instruction, for both, and through
          QEMU -kernel with qboot (microvm) for the bzImage;
  RAM     the cell RAM each needs: init_size from where the bzImage runs,
          the span of the vmlinux's segments;
  wall    seconds from QEMU start to the kernel's first console line and to
          /init's first report line, median over --runs runs, both ways
          (TCG without -icount: noisy on a shared machine).

The command line has `nokaslr`: the decompressor would otherwise put the
kernel proper at a random address. Prints one table, writes JSON (--json).
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench       # noqa: E402  (puts tests/qemu on sys.path)
import harness     # noqa: E402
from test_vmlinux import elf_segments, in_place_images   # noqa: E402

CMDLINE = bench.CMDLINE + " nokaslr"
MIB = 0x100000
HEADERS_AT = 0x40000
TARGETS = {"entry_insns": 10_000_000, "init_less": 0.40}


class Boot(bench.BenchBoot):
    """A BenchBoot with more images (`jailhouse cell load` takes several)."""

    extra_images = ()

    def images(self):
        return harness.jailhouse_load(super().images() + list(self.extra_images))


def cell_desc(out_dir, ram_mib):
    path = os.path.join(out_dir, "vmlinux-bench.cell.txt")
    with open(path, "w") as f:
        f.write("name vmlinux-bench\nflags passive-commreg virtual-console-permitted\n"
                "comm 0x100000\npio 0x3f8 8\nconsole 8250 pio 0x3f8 divider=1\n"
                "irqchip 0xfec00000 id=0xff00 pin_base=0 pins=4\n"
                "cpus 0\nram 0x0 1M\nram 0x101000 %dM\n" % ram_mib)
    return path


def count(name, boot, stop, marks, out_dir):
    boot.comm["tsc_khz"] = 1000000     # under icount the TSC ticks once per insn
    r, _ = bench.count_run(name, lambda extra: boot.make_cell(icount=bench.ICOUNT,
                                                              extra_args=extra),
                           stop, marks, out_dir, ARGS.timeout)
    return r


def one_kernel(label, bz, out_dir):
    elf_path = os.path.join(out_dir, label + ".vmlinux")
    subprocess.run([ARGS.tool, "extract-vmlinux", bz, "-o", elf_path], check=True)
    elf = open(elf_path, "rb").read()
    entry, segs = elf_segments(elf)
    kh = harness.parse_bzimage(open(bz, "rb").read())
    lo = min(p for _, p, _, _ in segs)
    hi = max(p + m for _, p, _, m in segs)
    # the bzImage in place where it runs (its protected-mode part at
    # pref_address), its window init_size; the initrd above both
    window_end = kh["pref_address"] + kh["init_size"]
    iaddr = harness.kernelfit.align_up(max(window_end, hi) + MIB, 2 * MIB)
    ram = (iaddr + 8 * MIB) // MIB + 64
    desc = cell_desc(out_dir, ram)
    init = bench.init_entry()
    out = {"kernel": os.path.realpath(bz), "version": kh["version_str"],
           "entry": "0x%x" % entry,
           "ram_bzimage": kh["init_size"], "ram_vmlinux": hi - lo,
           "vmlinux_bytes": len(elf), "bzimage_bytes": os.path.getsize(bz)}

    def bz_boot(name):
        return Boot("bench-" + name, desc, "microvm", kernel=bz,
                    kernel_addr=kh["pref_address"] - kh["setup_size"], initrd_addr=iaddr,
                    cmdline=CMDLINE, mem_mib=ram + 16,
                    workdir=os.path.join(out_dir, name))

    def vm_boot(name):
        b = Boot("bench-" + name, desc, "microvm", kernel=bz, kernel_addr=HEADERS_AT,
                 initrd_addr=iaddr, cmdline=CMDLINE, mem_mib=ram + 16,
                 workdir=os.path.join(out_dir, name))
        b.kernel_bytes, b.extra_images = in_place_images(elf, HEADERS_AT)
        return b

    cases = [("entry-bzimage", bz_boot, entry, []),
             ("entry-vmlinux", vm_boot, entry, []),
             ("init-bzimage", bz_boot, init, [entry]),
             ("init-vmlinux", vm_boot, init, [entry])]
    for case, make, stop, marks in cases:
        if "insns" in ARGS.skip:
            break
        name = "%s-%s" % (label, case)
        log("%s: counting reset to 0x%x" % (name, stop))
        try:
            out[case] = count(name, make(name), stop, marks, out_dir)["insns"]
        except Exception as e:     # noqa: BLE001
            out[case] = None
            out[case + "-error"] = str(e)
    for case, make in (("wall-bzimage", bz_boot), ("wall-vmlinux", vm_boot)):
        if "wall" in ARGS.skip:
            break
        name = "%s-%s" % (label, case)
        log("%s: %d runs" % (name, ARGS.runs))
        runs = []
        try:
            for _ in range(ARGS.runs):
                b = make(name)
                b.comm["tsc_khz"] = bench.cellrunner.host_tsc_khz() or 2000000
                runs.append(bench.wall_run(b.make_cell(), ARGS.timeout))
            out[case] = {k: bench.summarize([r[k] for r in runs])["median"]
                         for k in ("linux", "init")}
        except Exception as e:     # noqa: BLE001
            out[case] = None
            out[case + "-error"] = str(e)
    if "init-qboot" not in ARGS.skip and \
            os.path.realpath(bz) == os.path.realpath(harness.KERNEL):
        try:
            r = bench.firmware_count(label + "-init-qboot", bench.MICROVM, None, False,
                                     out_dir, ARGS.timeout, stop=init,
                                     mem_mib=bench.QBOOT_WALL_MIB)
            out["init-qboot"] = r["insns"]
        except Exception as e:     # noqa: BLE001
            out["init-qboot"] = None
            out["init-qboot-error"] = str(e)
    return out


def log(msg):
    sys.stderr.write("bench-vmlinux: %s\n" % msg)
    sys.stderr.flush()


def fmt(n):
    if isinstance(n, float):
        return "%.2f" % n
    return "-" if n is None else "{:,}".format(n)


def wall(k, kind, key):
    w = k.get("wall-" + kind)
    return w[key] if w else None


def table(R):
    lines = ["| kernel | what | bzImage | vmlinux | vmlinux / bzImage | target |",
             "|---|---|---:|---:|---:|---|"]
    for k in R["kernels"]:
        name = "%s (%s)" % (k["version"], k.get("compression", ""))
        for what, a, b, target in (
                ("reset -> kernel proper (insns)", k.get("entry-bzimage"),
                 k.get("entry-vmlinux"), "vmlinux <= 10,000,000"),
                ("reset -> /init (insns)", k.get("init-bzimage"), k.get("init-vmlinux"),
                 "vmlinux >= 40 % fewer than qboot -kernel (%s)" % fmt(k.get("init-qboot"))
                 if k.get("init-qboot") else ""),
                ("cell RAM (bytes)", k["ram_bzimage"], k["ram_vmlinux"],
                 "vmlinux < init_size"),
                ("wall to first kernel line (s)", wall(k, "bzimage", "linux"),
                 wall(k, "vmlinux", "linux"), ""),
                ("wall to /init (s)", wall(k, "bzimage", "init"),
                 wall(k, "vmlinux", "init"), "")):
            ratio = "%.3f" % (b / a) if a and b else "-"
            lines.append("| %s | %s | %s | %s | %s | %s |" % (name, what, fmt(a), fmt(b),
                                                               ratio, target))
    return "\n".join(lines)


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--loader", default=harness.LOADER)
    ap.add_argument("--tool", default=harness.TOOL)
    ap.add_argument("--plugin", default=os.path.join(harness.BUILD, "bench", "insncount.so"))
    ap.add_argument("--out", default=os.path.join(harness.BUILD, "bench", "vmlinux"))
    ap.add_argument("--json", default=None)
    ap.add_argument("--timeout", type=float, default=1200.0)
    ap.add_argument("--kernel", action="append", default=None,
                    help="bzImage to measure (default: the test kernel and the "
                         "guest kernel if built)")
    ap.add_argument("--runs", type=int, default=3, help="wall-time runs per case")
    ap.add_argument("--skip", action="append", default=[],
                    choices=["init-qboot", "wall", "insns"])
    ARGS = ap.parse_args()
    ARGS.loader, ARGS.tool = os.path.abspath(ARGS.loader), os.path.abspath(ARGS.tool)
    ARGS.plugin = os.path.abspath(ARGS.plugin)
    harness.LOADER, harness.TOOL = ARGS.loader, ARGS.tool
    bench.ARGS = argparse.Namespace(plugin=ARGS.plugin, loader=ARGS.loader)
    os.makedirs(ARGS.out, exist_ok=True)
    kernels = ARGS.kernel or [harness.KERNEL] + [
        p for p in [os.path.join(harness.BUILD, "cache", "kernels",
                                 "jailhouse-guest-bzImage")] if os.path.exists(p)]
    R = {"cmdline": CMDLINE, "icount": "shift=" + bench.ICOUNT, "kernels": []}
    for i, bz in enumerate(kernels):
        data = open(bz, "rb").read()
        kh = harness.parse_bzimage(data)
        off = bench.abi.BOOT_PARAMS.get(data, "payload_offset")
        magic = data[kh["setup_size"] + off:][:2]
        k = one_kernel("k%d" % i, bz, ARGS.out)
        k["compression"] = {b"\xfd\x37": "xz", b"\x1f\x8b": "gzip", b"\x02\x21": "lz4",
                            b"\x28\xb5": "zstd"}.get(magic, magic.hex())
        R["kernels"].append(k)
    with open(ARGS.json or os.path.join(ARGS.out, "results.json"), "w") as f:
        json.dump(R, f, indent=1)
    print(table(R))
    return 0


ARGS = None

if __name__ == "__main__":
    sys.exit(main())
