"""The loader never resets a cell silently (docs/layout.md, issue "never
silent"): a CPU exception is an error line, a valid kernel with a large
setup area boots, a second cell start without a new load boots again, the
BIOS data area Linux reads is defined, and a config that permits the
Jailhouse debug console does not fault where there is no hypervisor."""

import os
import re
import subprocess
import time

import pytest

import abi
import cellrunner
import harness
import kernelfit

CELL = "configs/classic.cell.txt"
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
FAILED = abi.JAILHOUSE_CELL_FAILED
MIB = 0x100000


def symbol(elf, name):
    """(address, size) of a symbol of a loader ELF, from nm."""
    out = subprocess.run(["nm", "-S", elf], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[0], 16), int(parts[1], 16)
        if len(parts) == 3 and parts[2] == name:      # assembly: no size
            return int(parts[0], 16), 0
    raise AssertionError("%s not in %s" % (name, elf))


def check_boot(b, res):
    """The kernel ran to the test /init with what the loader was asked."""
    assert res.outcome == cellrunner.DONE, res.serial[-3000:]
    assert res.report["cmdline"] == b.cmdline.encode()
    assert res.report["payload"]["crc32"] == harness.payload_crc()


# --------------------------------------------------------------------------
# A CPU exception is one error line, FAILED, a parked CPU: never a reset.
# The fault is injected on purpose in test builds (make fault-loaders).
# --------------------------------------------------------------------------
FAULTS = {
    # name: (vector, mnemonic, error code, cr2 or None)
    "pf": (14, "PF", 0, 0x7ff000000000),
    "ud": (6, "UD", 0, None),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_cpu_exception_is_an_error_line(fault):
    vector, name, code, cr2 = FAULTS[fault]
    build = os.path.join(harness.BUILD, "fault-" + fault)
    loader, elf = os.path.join(build, "cellboot.bin"), os.path.join(build, "cellboot.elf")
    assert os.path.exists(loader), "make fault-loaders builds " + loader
    b = harness.Boot("exception-" + fault, CELL, "microvm", cmdline=CMDLINE)
    b.loader = loader
    res = b.run(timeout=30)
    assert res.outcome == cellrunner.BAD, res.serial
    m = re.fullmatch(r"cellboot: error: cpu: exception #%s \(vector %d\) at rip "
                     r"(0x[0-9a-f]+), error code (0x[0-9a-f]+), cr2 (0x[0-9a-f]+)"
                     % (name, vector), res.loader[-1])
    assert m, res.loader
    rip = int(m.group(1), 16)
    start, size = symbol(elf, "cellboot_main")
    assert start <= rip < start + size, "rip %#x outside cellboot_main" % rip
    assert int(m.group(2), 16) == code
    if cr2 is not None:
        assert int(m.group(3), 16) == cr2
    if fault == "ud":
        image = open(loader, "rb").read()
        assert image[rip:rip + 2] == b"\x0f\x0b"      # rip names the ud2
    assert res.alive, "QEMU exited: the cell reset"
    assert res.cell_state == FAILED
    assert res.halted


# --------------------------------------------------------------------------
# A kernel whose setup area is as large as the protocol allows (setup_sects
# 255) and whose version string lies past its first 64 KiB, loaded so that
# those 64 KiB end at an unmapped 2 MiB boundary. QEMU's own -kernel boots
# such a file; so must cellboot.
# --------------------------------------------------------------------------
def large_setup_kernel(data):
    """The same kernel with a 256-sector setup area; its version string
    copied to 0x10100 (kernel_version is 16 bits: 0x200 + 0xff00)."""
    BP = abi.BOOT_PARAMS
    kh = harness.parse_bzimage(data)
    old_setup = kh["setup_size"]
    setup_code = BP.off("jump")          # kernel_version counts from here
    ver = data[kh["version_offset"]:].split(b"\0")[0] + b"\0"
    setup = bytearray(data[:old_setup]) + bytearray(256 * abi.BP_SECTOR_SIZE - old_setup)
    BP.put(setup, "setup_sects", 255)
    BP.put(setup, "kernel_version", 0xff00)
    setup[setup_code + 0xff00:setup_code + 0xff00 + len(ver)] = ver
    return bytes(setup) + data[old_setup:], ver[:-1].split(b" ")[0].decode()


def test_large_setup_area_with_version_past_64k(tmp_path):
    body = open(os.path.join(harness.ROOT, CELL)).read().replace(
        "ram  0x200000 126M", "ram  0x200000 254M")
    desc = tmp_path / "big.cell.txt"
    desc.write_text(body)
    kernel, version = large_setup_kernel(open(harness.KERNEL, "rb").read())
    path = tmp_path / "bzImage"
    path.write_bytes(kernel)
    kh = harness.parse_bzimage(kernel)
    assert kh["setup_size"] == 0x20000
    kaddr = 4 * MIB - 0x10000       # its first 64 KiB end at 4 MiB
    start = kernelfit.runtime(kh, kaddr + kh["setup_size"])
    iaddr = kernelfit.align_up(max(start + kh["init_size"], kaddr + len(kernel)), 2 * MIB)
    b = harness.Boot("large-setup", str(desc), "microvm", kernel=str(path),
                     kernel_addr=kaddr, initrd_addr=iaddr, cmdline=CMDLINE)
    res = b.run()
    check_boot(b, res)
    kline = [l for l in res.loader if l.startswith("cellboot: kernel ")]
    assert kline and kline[0].startswith("cellboot: kernel %s," % version), res.loader


# --------------------------------------------------------------------------
# A second `jailhouse cell start` without a new `cell load`: the memory is
# as the first start left it (QEMU's RAM is a file here, so a reset does
# not reload the images), the hypervisor has rewritten the comm region.
# --------------------------------------------------------------------------
def test_second_start_without_reload_boots(tmp_path):
    b = harness.Boot("restart", CELL, "microvm", initrd_addr=harness.ABOVE_WINDOW,
                     cmdline=CMDLINE)
    good_comm = cellrunner.comm_region_bytes(**b.comm)
    # a revision we do not speak
    b.comm_bytes = abi.COMM_REGION.patched(good_comm, "revision",
                                           abi.COMM_REGION_ABI_REVISION + 1)
    cell = cellrunner.Cell("microvm", cpus=1, mem_mib=b.mem_mib, images=b.images(),
                           serial_log=str(tmp_path / "serial.log"),
                           machine_opts=harness.MACHINE_OPTS.get("microvm"),
                           ram_file=str(tmp_path / "ram.bin"))
    try:
        first = cell.run(timeout=30, done=r"cellboot: error: comm region", bad=[])
        assert first.outcome == cellrunner.DONE, first.serial
        # the line comes before the park: restart only once the CPU halted,
        # as a user restarts a cell that `jailhouse cell list` shows failed
        for _ in range(100):
            if cell.cpu_halted(0):
                break
            time.sleep(0.05)
        assert cell.cpu_halted(0)
        # the hypervisor at the next start: a fresh comm page, CPUs reset
        cell.ram_write(b.comm_addr(), good_comm)
        cell.qmp.command("system_reset")
        second = cell.run(timeout=harness.BOOT_TIMEOUT, done=r"CBREPORT end",
                          bad=[r"Kernel panic"])
    finally:
        cell.stop()
    assert second.outcome == cellrunner.DONE, second.serial[-3000:]
    # two starts up to the report (the kernel's reboot after it may start
    # a third: this machine resets instead of exiting)
    before = second.serial[:second.serial.index("CBREPORT end")]
    assert before.count("cellboot: version") == 2, before
    report = harness.parse_report(second.serial)
    assert report["cmdline"] == CMDLINE.encode()


# --------------------------------------------------------------------------
# The BIOS data area (0x400-0x4ff) is part of the image and zero: Linux
# reads the EBDA pointer at 0x40e and the base memory size at 0x413 there.
# --------------------------------------------------------------------------
def test_bios_data_area_is_zero():
    lay = abi.LAYOUT
    image = open(harness.LOADER, "rb").read()
    bda = image[lay["CB_BDA_ADDR"]:lay["CB_BDA_ADDR"] + lay["CB_BDA_SIZE"]]
    assert (lay["CB_BDA_ADDR"], lay["CB_BDA_SIZE"]) == (0x400, 0x100)
    assert bda == bytes(0x100)
    # the entry code ends before it; nothing of arch/x86 is inside it
    start, _ = symbol(os.path.join(harness.BUILD, "cellboot.elf"), "idt_init")
    assert start >= 0x500


# --------------------------------------------------------------------------
# A cell that permits (and marks active) the Jailhouse debug console boots
# under QEMU, where there is no hypervisor and VMCALL would raise #UD.
# --------------------------------------------------------------------------
def test_debug_console_flags_without_hypervisor():
    b = harness.Boot("dbg-console", CELL, "microvm", initrd_addr=harness.ABOVE_WINDOW,
                     cmdline=CMDLINE)
    b.comm["flags"] = 3          # DBG_PUTC_PERMITTED | DBG_PUTC_ACTIVE
    res = b.run()
    check_boot(b, res)


# --------------------------------------------------------------------------
# log=verbose: the params as parsed, why this console, the comm region's
# values, SETUP_JAILHOUSE as the kernel received it, and each move.
# --------------------------------------------------------------------------
def test_verbose_log_says_what_the_loader_did():
    # the moved cell of test_boot.py: the file near the top of RAM, where
    # its window cannot fit, so the loader moves the kernel
    b = harness.Boot("verbose", "configs/moved.cell.txt", "microvm", cmdline=CMDLINE,
                     extra_params="log=verbose", initrd_addr=harness.ABOVE_WINDOW)
    kh = b.kh
    ram = kernelfit.cell_ram(b.cell)
    kaddr = kernelfit.align_down(ram[-1][1] - len(b.kernel_bytes), MIB)
    pm = kaddr + kh["setup_size"]
    start = kernelfit.moved_to(kh, ram, kernelfit.reserved(b) + [(kaddr, ram[-1][1])])
    b.kernel_addr = kaddr
    b.initrd_addr = kernelfit.align_up(start + kh["init_size"], MIB)
    res = b.run()
    check_boot(b, res)
    lines = res.loader
    c = b.comm
    expected = [
        "cellboot: console: the cell config's console",
        "cellboot: params: kernel 0x%x+0x%x, initrd 0x%x+0x%x, config 0x%x+0x%x, "
        "cpu_wait_ms 1000, command line %d bytes"
        % (kaddr, len(b.kernel_bytes), b.initrd_addr, len(b.initrd_bytes),
           b.config_addr, len(b.cell_bytes), len(CMDLINE)),
        "cellboot: comm region 0x%x: revision 2, cpus %d, tsc_khz %d, apic_khz %d, "
        "pm_timer 0x%x, mmconfig 0x%x, flags 0x%x"
        % (b.comm_addr(), c["num_cpus"], c["tsc_khz"], c["apic_khz"],
           c["pm_timer_address"], c["pci_mmconfig_base"], c["flags"]),
        "cellboot: move kernel 0x%x-0x%x to 0x%x"
        % (pm, pm + kh["syssize"] * 16 - 1, start),
    ]
    for line in expected:
        assert line in lines, "%r not in %r" % (line, lines)
    jh = harness.jailhouse_setup(res.report)
    assert ("cellboot: SETUP_JAILHOUSE: version %d, cpus %d, pm_timer 0x%x, mmconfig "
            "0x%x, tsc_khz %d, apic_khz %d, standard_ioapic %d, uarts 0x%x"
            % tuple(jh[f] for f in ("version", "num_cpus", "pm_timer_address",
                                    "pci_mmconfig_base", "tsc_khz", "apic_khz",
                                    "standard_ioapic", "flags"))) in lines, lines
    # the default log stays short: none of these without log=verbose
    assert not any(l.startswith(("cellboot: params:", "cellboot: move ")) for l in
                   harness.Boot("verbose-off", CELL, "microvm", cmdline=CMDLINE,
                                initrd_addr=harness.ABOVE_WINDOW).run().loader)
