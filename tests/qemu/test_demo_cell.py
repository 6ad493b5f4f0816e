"""Jailhouse's own x86 Linux demo cell layout (configs/linux-x86-demo.cell.txt:
20 memory regions with five zero-sized placeholders, ivshmem devices, PCI
capabilities, a cache region) booted with 2 CPUs: the Jailhouse-guest
kernel in the demo layout itself, the distribution kernel in the variant
with more high RAM (it needs init_size above 16 MiB and lacks
CONFIG_JAILHOUSE_GUEST, so only QEMU runs it in a cell of this shape).

Expected values are the layout's facts, written here from the upstream
config, not read back from the binary mkcell writes: the e820 map is low
RAM, the comm region and high RAM (no placeholder, no ivshmem region);
SETUP_JAILHOUSE lists 2 CPUs, the standard IOAPIC and COM1 + COM2 (the
0xe010 port of the PCIe serial card is no legacy UART)."""

import os

import pytest

import cellrunner
import harness

JH_KERNEL = os.path.join(harness.BUILD, "cache", "kernels", "jailhouse-guest-bzImage")
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"

LOW_RAM = (0x0, 0xfffff, "System_RAM")
COMM = (0x100000, 0x100fff, "Reserved")
DEMO_HIGH_END = 0x200000 + 0x4700000           # linux-x86-demo.c: 71 MiB
BIG_HIGH_END = 0x200000 + (238 << 20)          # the variant: 238 MiB
UART_COM1_COM2 = 0x3                           # SETUP_JAILHOUSE flags bits 0, 1


def boot(name, desc, kernel):
    b = harness.Boot(name, desc, "microvm", kernel=kernel,
                     initrd_addr=harness.ABOVE_WINDOW, cmdline=CMDLINE)
    assert b.cell["cpus"] == 2 and len(b.cell["mem"]) == 20
    # the placeholders reach the loader as they are: all-zero regions
    assert [i for i, m in enumerate(b.cell["mem"]) if m["size"] == 0] == [2, 3, 6, 7, 14]
    assert all(m == {"phys": 0, "virt": 0, "size": 0, "flags": 0}
               for m in b.cell["mem"] if m["size"] == 0)
    res = b.run()
    assert res.outcome == cellrunner.DONE, \
        "%s: %s; serial log %s/serial.log\n%s" % (name, res.outcome, b.workdir,
                                                 res.serial[-3000:])
    return b, res


def check(b, res, high_end):
    rep = res.report
    assert rep["cmdline"] == CMDLINE.encode()
    assert rep["memmap"] == [LOW_RAM, COMM, (0x200000, high_end - 1, "System_RAM")]
    assert rep["payload"]["crc32"] == harness.payload_crc()
    jh = harness.jailhouse_setup(rep)
    assert (jh["version"], jh["compatible_version"]) == (2, 1)
    assert jh["num_cpus"] == 2
    cpu_ids = jh["cpu_ids"]
    assert sorted(cpu_ids[:2]) == [0, 1] and cpu_ids[2:] == bytes(len(cpu_ids) - 2)
    assert jh["standard_ioapic"] == 1
    assert jh["flags"] == UART_COM1_COM2
    assert rep["cpus"]["online"] == 2
    # the loader printed the three e820 entries and nothing of the rest
    e820 = [l for l in res.loader if l.startswith("cellboot: e820 ")]
    assert e820 == ["cellboot: e820 0x0-0xfffff RAM",
                    "cellboot: e820 0x100000-0x100fff reserved",
                    "cellboot: e820 0x200000-0x%x RAM" % (high_end - 1)]


def test_guest_kernel_in_the_demo_layout():
    if not os.path.exists(JH_KERNEL):
        pytest.fail("%s missing: make jh-kernel (scripts/build-kernel.sh)" % JH_KERNEL)
    b, res = boot("demo-cell-guest", "configs/linux-x86-demo.cell.txt", JH_KERNEL)
    check(b, res, DEMO_HIGH_END)


def test_distribution_kernel_in_the_big_variant():
    b, res = boot("demo-cell-big", "configs/linux-x86-demo-big.cell.txt", harness.KERNEL)
    check(b, res, BIG_HIGH_END)
