#!/usr/bin/python3
"""The readable ending of `make demo`.

`make demo` is one `cellboot qemu` call (see the Makefile): it boots the
classic cell with the test initramfs, whose /init reports in hex what the
kernel received, and writes the serial output to a log. This script turns
that report into a few lines a person reads:

    tests/qemu/demo.py build/demo/ttyS0.log [CELL]
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abi  # noqa: E402
import harness  # noqa: E402

E820_NAMES = {"System_RAM": "RAM", "Reserved": "reserved"}


def summary(serial, cell):
    rep = harness.parse_report(serial)
    if not rep.get("complete"):
        return ["demo: the test initramfs did not report (see the log)"]
    lines = ["demo: what Linux received in the cell (reported by the test "
             "initramfs's /init):"]
    lines.append("  command line   %s" % rep["cmdline"].decode("utf-8", "replace"))
    mm = ", ".join("%#x-%#x %s" % (s, e, E820_NAMES.get(t, t)) for s, e, t in rep["memmap"])
    want = harness.expected_memmap(cell)
    lines.append("  memory map     %s (%s)" % (
        mm, "the cell's regions" if rep["memmap"] == want else "NOT the cell's regions"))
    lines.append("  CPUs online    %d of the cell's %d" % (rep["cpus"]["online"], cell["cpus"]))
    pay = rep.get("payload", {})
    ok = pay.get("crc32") == harness.payload_crc() if os.path.exists(harness.PAYLOAD) else None
    lines.append("  initrd         %s, %s bytes, crc32 %s%s" % (
        pay.get("path", "?"), pay.get("size", "?"), pay.get("crc32", "?"),
        {True: " (intact)", False: " (CORRUPT)", None: ""}[ok]))
    if harness.setup_nodes(rep, abi.SETUP_JAILHOUSE):
        jh = harness.jailhouse_setup(rep)
        n = jh["num_cpus"]
        lines.append("  SETUP_JAILHOUSE version %d: %d CPU%s, TSC %d kHz, APIC timer "
                     "%d kHz" % (jh["version"], n, "" if n == 1 else "s", jh["tsc_khz"],
                                 jh["apic_khz"]))
    return lines


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    desc = argv[2] if len(argv) == 3 else os.path.join(harness.ROOT, "configs",
                                                         "classic.cell.txt")
    cell_bin = os.path.join(os.path.dirname(os.path.abspath(argv[1])), "cell.cell")
    subprocess.run([harness.TOOL, "mkcell", desc, "-o", cell_bin], check=True,
                   stdout=subprocess.DEVNULL)
    cell = harness.parse_cell(open(cell_bin, "rb").read())
    serial = open(argv[1], "rb").read().decode("utf-8", "replace").replace("\r", "")
    print("\n".join(summary(serial, cell)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
