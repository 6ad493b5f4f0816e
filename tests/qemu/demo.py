#!/usr/bin/python3
"""make demo: boot Debian's kernel through cellboot in an emulated Jailhouse
cell and show the serial console live.

    tests/qemu/demo.py [--machine microvm|q35] [--cell configs/X.cell.txt]
                       [--cmdline "..."]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cellrunner  # noqa: E402
import harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machine", default="microvm", choices=sorted(cellrunner.MACHINES))
    ap.add_argument("--cell", default="configs/classic.cell.txt")
    ap.add_argument("--initrd-addr", type=lambda v: int(v, 0), default=0x5000000)
    ap.add_argument("--cmdline", default="console=ttyS0 panic=-1 reboot=t "
                    "tsc_early_khz=2000000")
    args = ap.parse_args()

    boot = harness.Boot("demo-" + args.machine, args.cell, args.machine,
                        initrd_addr=args.initrd_addr, cmdline=args.cmdline)
    print("demo: cell %s (%d CPU), kernel %s, initrd %s" % (
        args.cell, boot.cell["cpus"], harness.KERNEL, harness.INITRAMFS))
    print("demo: params \"%s\"" % boot.params_string())
    print("demo: serial console follows (the test /init reports and reboots)\n")
    sys.stdout.flush()
    res = boot.run(on_serial=lambda text: (sys.stdout.write(text), sys.stdout.flush()))
    print("\ndemo: %s after %.1f s" % (res.outcome, res.elapsed))
    return 0 if res.outcome == cellrunner.DONE else 1


if __name__ == "__main__":
    sys.exit(main())
