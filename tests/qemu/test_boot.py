"""Boot the test kernel (Debian's distribution kernel unless CELLBOOT_KERNEL
names another, docs/kernel.md) through cellboot in the QEMU cell runner
and check what the kernel actually received against what the cell config and
the params asked for."""

import pytest

import abi
import cellrunner
import harness
import kernelfit

MACHINES = ["microvm", "q35"]
MIB = kernelfit.MIB


def load_near_the_top(b):
    """The whole bzImage in the last MiBs of the cell's RAM, where its
    init_size window cannot fit: the loader must move it (to the lowest
    aligned address >= pref_address, kernelfit.moved_to). The initrd goes
    right above that destination window, below the loaded file."""
    ram = kernelfit.cell_ram(b.cell)
    b.kernel_addr = kernelfit.align_down(ram[-1][1] - len(b.kernel_bytes), MIB)
    dest = kernelfit.moved_to(b.kh, ram, kernelfit.reserved(b) +
                              [(b.kernel_addr, ram[-1][1])])
    assert dest is not None, "the moved cell has no room for %s" % harness.KERNEL
    b.initrd_addr = kernelfit.align_up(dest + b.kh["init_size"], MIB)
    assert b.initrd_addr + len(b.initrd_bytes) <= b.kernel_addr, \
        "the moved cell is too small for this kernel and initrd"


# name: (cell description, setup(boot) choosing where the root loads the
#        files (None: kernel in place, initrd right above its window; both
#        from the kernel's header, kernelfit.py), what the loader must do)
SCENARIOS = {
    # (a) the classic Jailhouse layout, everything already in place
    "classic": ("configs/classic.cell.txt", None, "in-place"),
    # (b) bzImage loaded near the top of RAM where its init_size window does
    #     not fit: the loader moves it
    "moved": ("configs/moved.cell.txt", load_near_the_top, "moved"),
    # (c) two CPUs: the second is woken with INIT-SIPI-SIPI and checks in
    "2cpu": ("configs/classic-2cpu.cell.txt", None, "in-place"),
}

# tsc_early_khz: Debian's kernel lacks Jailhouse guest support, so it does not
# take the TSC rate from SETUP_JAILHOUSE and cannot calibrate it on microvm
# (no PIT, no HPET). reboot=t: reboot by triple fault, which ends QEMU.
CMDLINE = ("console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000 "
           "cellboot.test=\"a b\" end")


@pytest.fixture(scope="module", params=[(m, s) for m in MACHINES for s in SCENARIOS],
                ids=lambda p: "%s-%s" % p)
def booted(request):
    machine, scenario = request.param
    desc, setup, _ = SCENARIOS[scenario]
    boot = harness.Boot("%s-%s" % (machine, scenario), desc, machine,
                        initrd_addr=harness.ABOVE_WINDOW, cmdline=CMDLINE)
    if setup:
        setup(boot)
    res = boot.run()
    assert res.outcome == cellrunner.DONE, \
        "boot did not reach the report (%s: %r); serial log: %s\n%s" % (
            res.outcome, res.matched_line, boot.workdir + "/serial.log",
            res.serial[-3000:])
    return scenario, boot, res


def test_command_line_byte_for_byte(booted):
    _, boot, res = booted
    assert res.report["cmdline"] == boot.cmdline.encode()


def test_e820_equals_cell_config(booted):
    _, boot, res = booted
    assert res.report["memmap"] == harness.expected_memmap(boot.cell)


def test_initrd_payload_checksum(booted):
    _, _, res = booted
    assert res.report["payload"]["crc32"] == harness.payload_crc()


def test_setup_data_jailhouse_node(booted):
    _, boot, res = booted
    jh = harness.jailhouse_setup(res.report)
    assert jh["len"] == abi.JAILHOUSE_SETUP_V2_LEN
    assert (jh["version"], jh["compatible_version"]) == \
        (abi.JAILHOUSE_SETUP_VERSION, abi.JAILHOUSE_SETUP_COMPATIBLE) == (2, 1)
    assert jh["pm_timer_address"] == boot.comm["pm_timer_address"]
    assert jh["num_cpus"] == boot.cell["cpus"]
    assert jh["pci_mmconfig_base"] == boot.comm["pci_mmconfig_base"]
    assert jh["tsc_khz"] == boot.comm["tsc_khz"]
    assert jh["apic_khz"] == boot.comm["apic_khz"]
    assert jh["standard_ioapic"] == int(any(i["address"] == abi.JAILHOUSE_IOAPIC_STANDARD_ADDR
                                            for i in boot.cell["irqchips"]))
    # QEMU numbers APIC IDs 0..n-1; the order is arrival order, BSP first
    cpu_ids, num_cpus = jh["cpu_ids"], jh["num_cpus"]
    assert cpu_ids[0] == 0
    assert sorted(cpu_ids[:num_cpus]) == list(range(boot.cell["cpus"]))
    assert cpu_ids[num_cpus:] == bytes(len(cpu_ids) - num_cpus)
    assert jh["flags"] == harness.uart_flags(boot.cell)


def test_boot_params_fields(booted):
    _, boot, res = booted
    bp = bytes(res.report["bootparams"])
    BP = abi.BOOT_PARAMS
    assert len(bp) == BP.size
    assert BP.get(bp, "type_of_loader") == abi.BP_LOADER_TYPE_UNDEFINED
    assert BP.get(bp, "cmd_line_ptr") == boot.layout["CB_CMDLINE_ADDR"]
    assert BP.get(bp, "ramdisk_size") == len(boot.initrd_bytes)
    # header bytes the loader only copies (setup_sects up to type_of_loader)
    # are the kernel's own
    own = slice(BP.off("setup_sects"), BP.off("type_of_loader"))
    assert bp[own] == boot.kernel_bytes[own]
    assert BP.get(bp, "sentinel") == 0


def test_cpus_checked_in_and_online(booted):
    _, boot, res = booted
    n = boot.cell["cpus"]
    line = [l for l in res.loader if "checked in" in l]
    assert len(line) == 1
    assert "cpus: %d of %d checked in" % (n, n) in line[0]
    assert res.report["cpus"]["online"] == n


def test_loader_log(booted):
    scenario, boot, res = booted
    kh = boot.kh
    log = res.loader
    assert log[0].startswith('cellboot: version ')
    assert '"%s"' % boot.cell["name"] in log[0]
    e820 = [l for l in log if l.startswith("cellboot: e820 ")]
    want = ["cellboot: e820 %#x-%#x %s" % (s, e, "RAM" if t == 1 else "reserved")
            for s, e, t in harness.cell_e820(boot.cell)]
    assert e820 == want
    kline = [l for l in log if l.startswith("cellboot: kernel ")]
    assert len(kline) == 1
    assert kh["version_str"] in kline[0]
    expect = SCENARIOS[scenario][2]
    if expect == "in-place":
        start = kernelfit.Fit(kh, len(boot.kernel_bytes), boot.kernel_addr).pm
        assert start == boot.fit.window_start
    else:
        start = kernelfit.moved_to(kh, kernelfit.cell_ram(boot.cell),
                                   kernelfit.reserved(boot) +
                                   [(boot.initrd_addr,
                                     boot.initrd_addr + len(boot.initrd_bytes))])
    end = kernelfit.runtime(kh, start) + kh["init_size"]
    window = "window 0x%x-0x%x" % (start, end - 1)
    assert ", file 0x%x, %s (%s)" % (
        boot.kernel_addr, window,
        "in place" if expect == "in-place" else "moved") in kline[0]
    hand = [l for l in log if l.startswith("cellboot: handoff to ")]
    assert len(hand) == 1
    assert hand[0].startswith("cellboot: handoff to 0x%x " % (start + 0x200))
    assert not [l for l in log if "error" in l]
