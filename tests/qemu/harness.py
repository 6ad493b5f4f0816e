"""Boot-test harness: build a cell's inputs, boot it in the QEMU cell runner,
and parse what the loader printed and what the kernel reported.

Everything the tests compare against is derived here independently of the C
code's logic: the cell config is decoded from its binary bytes (Jailhouse
revision 14 layout), the kernel header from the bzImage. The numbers (the
fixed addresses of lib/layout.h, struct offsets, flags) come from abi.py,
which reads what the C compiler made of the project's headers.
"""

import os
import re
import subprocess
import time
import zlib

import abi
import cellrunner
import kernelfit

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
TOOL = os.path.join(BUILD, "cellboot")
# CELLBOOT_LOADER: another build of the loader (make check-toolchains
# boots the image of each compiler)
LOADER = os.environ.get("CELLBOOT_LOADER", os.path.join(BUILD, "cellboot.bin"))
KERNEL = os.environ.get("CELLBOOT_KERNEL",
                        os.path.join(BUILD, "cache", "kernels", "debian-vmlinuz"))
# Boot(initrd_addr=ABOVE_WINDOW): the initrd right above the kernel's window
ABOVE_WINDOW = "above-window"
INITRAMFS = os.path.join(BUILD, "initramfs", "test.cpio")
PAYLOAD = os.path.join(BUILD, "initramfs", "payload.bin")
ACCEL = os.environ.get("CELLBOOT_ACCEL", "tcg")
BOOT_TIMEOUT = float(os.environ.get("CELLBOOT_BOOT_TIMEOUT", "120"))

# Debian's kernel is built without CONFIG_JAILHOUSE_GUEST, so it cannot take
# its timer rates from SETUP_JAILHOUSE as a cell kernel does; on microvm it
# needs the legacy PIT (and the PIC for its interrupt) to calibrate and to
# tick, or secondary-CPU bring-up waits forever on a frozen clock.
MACHINE_OPTS = {
    "microvm": "microvm,x-option-roms=off,rtc=off,pic=on,pit=on,isa-serial=on,"
               "acpi=off,pcie=off,ioapic2=off",
}


# --------------------------------------------------------------------------
# Binary cell config (JHCLL revision 14), decoded independently of lib/
# --------------------------------------------------------------------------
def is_ram(flags):
    """pyjailhouse's is_ram(): exactly these among the classifying flags."""
    return flags & abi.JAILHOUSE_MEM_RAM_CLASS_MASK == abi.JAILHOUSE_MEM_RAM_CLASS


def _records(data, off, struct, count, names):
    """count records of struct from off, as {name: field value} (names maps
    one to the other), and the offset after them."""
    end = off + struct.size * count
    return [{k: struct.get(data, f, base) for k, f in names.items()}
            for base in range(off, end, struct.size)], end


def parse_cell(data):
    D = abi.CELL_DESC
    assert data[D.span("signature")] == abi.CELL_SIGNATURE, "not a cell config"
    n = {f: D.get(data, f) for f in D.fields if f == "cpu_set_size" or f.startswith("num_")}
    # the arrays in cell-config.h's order, after the descriptor
    off = D.size
    cpu_set = data[off:off + n["cpu_set_size"]]
    mem, off = _records(data, off + n["cpu_set_size"], abi.MEMORY, n["num_memory_regions"],
                        {"phys": "phys_start", "virt": "virt_start", "size": "size",
                         "flags": "flags"})
    off += abi.CACHE.size * n["num_cache_regions"]
    irqchips, off = _records(data, off, abi.IRQCHIP, n["num_irqchips"],
                             {"address": "address", "id": "id"})
    pio, off = _records(data, off, abi.PIO, n["num_pio_regions"],
                        {"base": "base", "length": "length"})
    off += abi.PCI_DEVICE.size * n["num_pci_devices"] + abi.PCI_CAP.size * n["num_pci_caps"] + \
        4 * n["num_stream_ids"]                                     # u32 stream ids
    con = D.off("console")
    return {
        "arch": D.get(data, "architecture"), "revision": D.get(data, "revision"),
        "name": D.get(data, "name").split(b"\0")[0].decode(), "flags": D.get(data, "flags"),
        "cpus": sum(bin(b).count("1") for b in cpu_set),
        "mem": mem, "irqchips": irqchips, "pio": pio,
        "console": {f: abi.CONSOLE.get(data, f, con) for f in ("address", "type", "flags")},
        "console_bytes": bytes(data[D.span("console")]),
        "size": off,
    }


def renamed(cell_bytes, name):
    """The cell config with another name (bytes, NUL-padded to the field),
    the rest unchanged: for names the tool would not write."""
    size = abi.CELL_DESC.fields["name"][1]
    return abi.CELL_DESC.patched(cell_bytes, "name", name + bytes(size - len(name)))


def cell_e820(cell):
    """(start, end_inclusive, type) as the loader should pass them: RAM
    regions type 1, the comm region type 2, sorted."""
    out = []
    for m in cell["mem"]:
        if is_ram(m["flags"]):
            out.append((m["virt"], m["virt"] + m["size"] - 1, abi.E820_TYPE_RAM))
        elif m["flags"] & abi.JAILHOUSE_MEM_COMM_REGION:
            out.append((m["virt"], m["virt"] + m["size"] - 1, abi.E820_TYPE_RESERVED))
    return sorted(out)


def merged(entries):
    """What Linux makes of a map: adjacent entries of one type merged."""
    out = []
    for s, e, t in sorted(entries):
        if out and out[-1][2] == t and out[-1][1] + 1 == s:
            out[-1] = (out[-1][0], e, t)
        else:
            out.append((s, e, t))
    return out


# /sys/firmware/memmap's type names, as the test initramfs reports them
MEMMAP_NAMES = {abi.E820_TYPE_RAM: "System_RAM", abi.E820_TYPE_RESERVED: "Reserved"}


def expected_memmap(cell):
    """The memory map Linux should report for the cell: its e820 entries,
    merged, by /sys/firmware/memmap name."""
    return [(s, e, MEMMAP_NAMES[t]) for s, e, t in merged(cell_e820(cell))]


def owned_uarts(cell):
    """The legacy UARTs the cell config grants, the loader's console first
    (the config's 8250 PIO console if owned, else the first owned port):
    what a real cell has, and all the QEMU cell gets."""
    owned = [p for p in cellrunner.LEGACY_UARTS
             if any(r["base"] <= p and p + 8 <= r["base"] + r["length"]
                    for r in cell["pio"])]
    con = cell["console"]
    if con["type"] == abi.JAILHOUSE_CON_TYPE_8250 and \
            not con["flags"] & abi.JAILHOUSE_CON_ACCESS_MMIO and con["address"] in owned:
        owned.remove(con["address"])
        owned.insert(0, con["address"])
    return owned


def uart_flags(cell):
    """SETUP_JAILHOUSE's flags: bit n for legacy UART n the cell owns."""
    flags = 0
    for n, port in enumerate(cellrunner.LEGACY_UARTS):
        if any(p["base"] <= port and port + 8 <= p["base"] + p["length"]
               for p in cell["pio"]):
            flags |= 1 << n
    return flags


# --------------------------------------------------------------------------
# bzImage header
# --------------------------------------------------------------------------
def parse_bzimage(data):
    H = abi.BOOT_PARAMS
    h = {f: H.get(data, f) for f in ("syssize", "version", "kernel_alignment", "xloadflags",
                                     "cmdline_size", "pref_address", "init_size")}
    h["setup_sects"] = H.get(data, "setup_sects") or abi.BP_DEFAULT_SETUP_SECTS
    h["setup_size"] = (h["setup_sects"] + 1) * abi.BP_SECTOR_SIZE
    # the jump at 0x200 is a short jmp past the header: its displacement
    # byte says where the header ends
    h["header_end"] = H.end("jump") + data[H.off("jump") + 1]
    h["relocatable"] = H.get(data, "relocatable_kernel")
    # kernel_version: the string's offset from the setup code (0x200)
    h["version_offset"] = H.get(data, "kernel_version") + H.off("jump")
    h["version_str"] = data[h["version_offset"]:].split(b"\0")[0].split(b" ")[0].decode()
    return h


# --------------------------------------------------------------------------
# `jailhouse cell load` semantics on QEMU: later images overwrite earlier
# ones. QEMU refuses overlapping loader images, so overlapping ones are
# merged into one blob first.
# --------------------------------------------------------------------------
def jailhouse_load(images):
    segs = []  # [start, bytearray]
    for data, addr in images:
        data = bytes(data)
        start, blob = addr, bytearray(data)
        keep = []
        for s, b in segs:
            if s < start + len(blob) and start < s + len(b):
                lo = min(s, start)
                hi = max(s + len(b), start + len(blob))
                nb = bytearray(hi - lo)
                nb[s - lo:s - lo + len(b)] = b                   # older first
                nb[start - lo:start - lo + len(blob)] = blob     # newer wins
                start, blob = lo, nb
            else:
                keep.append((s, b))
        segs = keep + [(start, blob)]
    return [(bytes(b), s) for s, b in sorted(segs)]


# --------------------------------------------------------------------------
# Serial output
# --------------------------------------------------------------------------
def loader_lines(serial):
    return [l.strip() for l in serial.splitlines() if l.startswith("cellboot: ")]


def parse_report(serial):
    rep = {"memmap": [], "setup_data": {}, "bootparams": bytearray(),
           "dmesg_e820": [], "lines": []}
    cmd_hex = None
    for line in serial.splitlines():
        line = line.rstrip("\r")
        if not line.startswith("CBREPORT "):
            continue
        rep["lines"].append(line)
        parts = line.split(" ")
        kw = parts[1]
        if kw == "cmdline":
            cmd_hex = parts[2] if len(parts) > 2 else ""
        elif kw == "cmdline+":
            cmd_hex += parts[2]
        elif kw == "memmap":
            rep["memmap"].append((int(parts[2], 16), int(parts[3], 16), parts[4]))
        elif kw == "bootparams":
            off = int(parts[2], 16)
            chunk = bytes.fromhex(parts[3])
            bp = rep["bootparams"]
            if len(bp) < off + len(chunk):
                bp.extend(bytes(off + len(chunk) - len(bp)))
            bp[off:off + len(chunk)] = chunk
        elif kw == "setup_data":
            n = int(parts[2])
            kv = dict(p.split("=", 1) for p in parts[3:])
            rep["setup_data"][n] = {"type": int(kv["type"]), "len": int(kv["len"]),
                                    "data": bytearray()}
        elif kw == "setup_data_bytes" and parts[3] != "error":
            node = rep["setup_data"][int(parts[2])]
            node["data"] += bytes.fromhex(parts[4])
        elif kw == "cpus":
            rep["cpus"] = {k: int(v) for k, v in (p.split("=") for p in parts[2:])}
        elif kw == "payload":
            rep["payload"] = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
        elif kw == "dmesg-e820":
            rep["dmesg_e820"].append(" ".join(parts[2:]))
        elif kw == "end":
            rep["complete"] = True
    rep["cmdline"] = bytes.fromhex(cmd_hex) if cmd_hex is not None else None
    return rep


def setup_nodes(report, type):
    """The setup_data nodes of one type the kernel received."""
    return [n for n in report["setup_data"].values() if n["type"] == type]


def jailhouse_setup(report):
    """The one SETUP_JAILHOUSE node the kernel received: its fields by name
    (abi.JH_SETUP) and its length as "len"."""
    nodes = setup_nodes(report, abi.SETUP_JAILHOUSE)
    assert len(nodes) == 1, nodes
    data = bytes(nodes[0]["data"])
    fields = {f: abi.JH_SETUP.get(data, f) for f in abi.JH_SETUP.fields}
    fields["len"] = len(data)
    return fields


# --------------------------------------------------------------------------
# One boot
# --------------------------------------------------------------------------
class Boot:
    """A cell description, where the root loads each file, and the run.

    Every input is an attribute a test may change before run(): kernel_bytes,
    initrd_bytes, cell_bytes, comm (fields of the comm page), comm_bytes (a
    whole page instead), params (bytes, None: built from the other fields),
    qemu_cpus (CPUs QEMU really has; default: the cell's), read_back
    ([(addr, len)] read from guest memory after a failed boot, as
    res.read_back).
    """

    def __init__(self, name, cell_desc, machine, kernel_addr=None,
                 initrd_addr=None, config_addr=0x80000,
                 cmdline="console=ttyS0 panic=-1", extra_params="",
                 tsc_khz=2000000, apic_khz=1000000, pm_timer=0x608,
                 mmconfig=0, mem_mib=256, workdir=None, kernel=None):
        self.name = name
        self.machine = machine
        self.workdir = workdir or os.path.join(BUILD, "tests", "qemu", name)
        os.makedirs(self.workdir, exist_ok=True)
        self.cell_path = os.path.join(self.workdir, "cell.cell")
        subprocess.run([TOOL, "mkcell", os.path.join(ROOT, cell_desc), "-o",
                        self.cell_path], check=True, stdout=subprocess.DEVNULL)
        self.cell_bytes = open(self.cell_path, "rb").read()
        self.cell = parse_cell(self.cell_bytes)
        self.kernel_bytes = open(kernel or KERNEL, "rb").read()
        self.kh = parse_bzimage(self.kernel_bytes)
        self.initrd_bytes = open(INITRAMFS, "rb").read() if initrd_addr is not None \
            else None
        # default: where the kernel runs in place in this cell, from its
        # own header (kernelfit.py); initrd_addr=ABOVE_WINDOW: right above
        # that window
        self.fit = kernelfit.in_place(self.kh, len(self.kernel_bytes),
                                      kernelfit.cell_ram(self.cell))
        if kernel_addr is None:
            assert self.fit, "%s does not fit in place in %s" % (kernel or KERNEL,
                                                                 cell_desc)
            kernel_addr = self.fit.kernel_addr
        if initrd_addr == ABOVE_WINDOW:
            assert self.fit, "no in-place layout to put the initrd above"
            initrd_addr = self.fit.initrd_above()
        self.kernel_addr = kernel_addr
        self.initrd_addr = initrd_addr
        self.config_addr = config_addr
        self.cmdline = cmdline
        self.extra_params = extra_params
        # as the hypervisor fills it: the console copied from the cell
        # config, the debug-console flags from the cell flags
        self.comm = {"num_cpus": self.cell["cpus"], "tsc_khz": tsc_khz,
                     "apic_khz": apic_khz, "pm_timer_address": pm_timer,
                     "pci_mmconfig_base": mmconfig,
                     "flags": cellrunner.comm_flags(self.cell["flags"]),
                     "console": self.cell["console_bytes"]}
        self.comm_bytes = None
        self.params = None
        self.qemu_cpus = self.cell["cpus"]
        self.mem_mib = mem_mib
        self.layout = abi.LAYOUT
        self.loader = LOADER     # a test build of the loader may replace it

    def params_string(self):
        p = "kernel=0x%x,0x%x" % (self.kernel_addr, len(self.kernel_bytes))
        if self.initrd_bytes is not None:
            p += " initrd=0x%x,0x%x" % (self.initrd_addr, len(self.initrd_bytes))
        p += " config=0x%x,0x%x" % (self.config_addr, len(self.cell_bytes))
        if self.extra_params:
            p += " " + self.extra_params
        return p + " -- " + self.cmdline

    def comm_addr(self):
        comm = [m for m in self.cell["mem"] if m["flags"] & abi.JAILHOUSE_MEM_COMM_REGION]
        return comm[0]["virt"] if comm else abi.COMM_REGION_DEFAULT_BASE

    def images(self):
        params = self.params if self.params is not None else \
            self.params_string().encode() + b"\0"
        imgs = [(open(self.loader, "rb").read(), 0),
                (params, self.layout["CB_PARAMS_ADDR"]),
                (self.cell_bytes, self.config_addr),
                (self.kernel_bytes, self.kernel_addr)]
        if self.initrd_bytes is not None:
            imgs.append((self.initrd_bytes, self.initrd_addr))
        comm = self.comm_bytes if self.comm_bytes is not None else \
            cellrunner.comm_region_bytes(**self.comm)
        imgs.append((comm, self.comm_addr()))
        return jailhouse_load(imgs)

    def run(self, timeout=BOOT_TIMEOUT, done=r"CBREPORT end", on_serial=None,
            bad=cellrunner.DEFAULT_BAD, access_trace=False):
        """Boots; afterwards res.cell_state, res.halted and res.alive tell
        what a failed loader left behind (read while QEMU still runs).
        access_trace: record every device access (res.accesses, see
        read_accesses); only meaningful while the loader alone runs."""
        log = os.path.join(self.workdir, "serial.log")
        trace = os.path.join(self.workdir, "access.trace")
        extra = []
        if access_trace:
            if os.path.exists(trace):
                os.unlink(trace)
            extra = ["-trace", "enable=memory_region_ops_*,file=%s" % trace]
        cell = cellrunner.Cell(self.machine, cpus=self.qemu_cpus, on_serial=on_serial,
                               mem_mib=self.mem_mib, images=self.images(),
                               serial_log=log, accel=ACCEL, extra_args=extra,
                               machine_opts=MACHINE_OPTS.get(self.machine),
                               uarts=owned_uarts(self.cell))
        try:
            res = cell.run(timeout=timeout, done=done, bad=bad)
            res.cell_state = res.halted = res.alive = None
            if res.outcome in (cellrunner.BAD, cellrunner.TIMEOUT) or \
                    (res.outcome == cellrunner.DONE and "error" in done):
                time.sleep(0.5)   # a reset or fault after the error would show now
                res.alive = cell.proc.poll() is None
                if res.alive:
                    C = abi.COMM_REGION
                    res.cell_state = C.get(cell.read_phys(self.comm_addr(), C.size),
                                           "cell_state")
                    res.halted = cell.cpu_halted(0)
                    res.read_back = [cell.read_phys(a, n) for a, n in
                                     getattr(self, "read_back", ())]
                res.serial = cell.serial
        finally:
            cell.stop()
        res.loader = loader_lines(res.serial)
        res.report = parse_report(res.serial)
        res.accesses = read_accesses(trace) if access_trace else None
        return res


# --------------------------------------------------------------------------
# Device accesses (QEMU's memory_region_ops_* trace events): every MMIO or
# port access that reached a device model, with its absolute address.
# --------------------------------------------------------------------------
LAPIC = (0xfee00000, 0xfee01000)
_ACCESS = re.compile(r"memory_region_ops_(read|write) .*?addr (0x[0-9a-f]+) "
                     r"value (0x[0-9a-f]+) size (\d+) name '([^']*)'")


def read_accesses(path, limit=200000):
    """[(op, addr, size, device name)], at most limit of them."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, errors="replace") as f:
        for line in f:
            m = _ACCESS.search(line)
            if m:
                out.append((m.group(1), int(m.group(2), 16), int(m.group(4)),
                            m.group(5)))
                if len(out) >= limit:
                    break
    return out


def granted_devices(cell):
    """Address ranges [lo, hi) the cell may touch as devices: its port
    grants, its MMIO device regions (IO flag, not RAM, comm region or
    root-shared) and the local APIC. Port and MMIO addresses share the list:
    a port number below 0x10000 is RAM as an MMIO address, never a device."""
    ranges = [(p["base"], p["base"] + p["length"]) for p in cell["pio"]]
    for m in cell["mem"]:
        f = m["flags"]
        if f & abi.JAILHOUSE_MEM_IO and not is_ram(f) and \
                not f & (abi.JAILHOUSE_MEM_COMM_REGION | abi.JAILHOUSE_MEM_ROOTSHARED):
            ranges.append((m["virt"], m["virt"] + m["size"]))
    return ranges + [LAPIC]


def foreign_accesses(accesses, allowed):
    """The accesses outside every [lo, hi) of allowed, at most 10 distinct."""
    out = []
    for op, addr, size, name in accesses:
        if not any(lo <= addr and addr + size <= hi for lo, hi in allowed):
            if (op, addr, name) not in [(o, a, n) for o, a, _, n in out]:
                out.append((op, addr, size, name))
                if len(out) == 10:
                    break
    return out


def payload_crc():
    return "%08x" % (zlib.crc32(open(PAYLOAD, "rb").read()) & 0xffffffff)
