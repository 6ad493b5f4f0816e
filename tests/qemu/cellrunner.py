#!/usr/bin/python3
"""Run one Jailhouse-like x86 "cell" under QEMU.

A Jailhouse non-root cell starts every CPU in real mode at 0000:0000 with its
images already in RAM and the comm region page filled in.  This module
reproduces that on QEMU:

  * a 64 KiB reset ROM (-bios) whose reset vector jumps to 0000:0000, the
    one `cellboot mkrom` writes (with an MP table for a stock kernel unless
    disabled; the tool's ROM is the only description of it),
  * QEMU's generic loader device placing each image at its cell address
    (-device loader,file=...,addr=...,force-raw=on),
  * a comm region page written like the hypervisor does at cell start
    (write_comm_region / comm_region_bytes),
  * -smp / -m matching the cell, on "microvm" (no PCI, no ACPI) or "q35".

Each legacy UART the cell owns (uarts=, COM1 0x3F8 by default; a real cell
has exactly the UARTs its config grants, and QEMU gets no others) goes to a
log file that is streamed while the guest runs; the first one is the console
(serial, serial_log, on_serial). The run stops at the first "done" or "bad"
regex match on any of them, when the kernel announces a reboot, power-off or
halt (outcome "shutdown": a success, not a timeout), when QEMU exits (with
-no-reboot a guest reset or triple fault makes QEMU exit), or at the
timeout.  QEMU is left running after run() so the harness can read guest
memory (read_phys) and CPU state (cpu_halted, cpu_states) over QMP; stop()
(or leaving the `with` block) quits it.

Python 3 standard library, abi.py (the numbers of the C headers, from the
build) and the cellboot tool for the ROM.  Example:

    from cellrunner import Cell
    with Cell("microvm", cpus=2, mem_mib=256,
              images=[("build/cellboot.bin", 0), ("params.txt", 0x1000)]) as cell:
        res = cell.run(timeout=60, done=r"CBREPORT end")
        print(res.outcome, res.matched_line)
        data = cell.read_phys(0x100000, 0x4c)

CLI: python3 tests/qemu/cellrunner.py --machine q35 --cpus 2 --mem 256 \\
        --image build/cellboot.bin@0 --image params.txt@0x1000 \\
        --timeout 120 --done 'CBREPORT end'
"""

import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
import abi  # noqa: E402  (same directory)

QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
# the tool whose `mkrom` writes the reset ROM (CELLBOOT_ROM_TOOL: another build)
ROM_TOOL = os.environ.get("CELLBOOT_ROM_TOOL", os.path.join(abi.BUILD, "cellboot"))

MACHINES = {
    # No PCI, no ACPI, no option ROMs, no legacy PIC/PIT/RTC: closest to a cell.
    # COM1 (isa-serial) stays so the cell has its console at 0x3F8.
    "microvm": "microvm,x-option-roms=off,rtc=off,pic=off,pit=off,isa-serial=on,"
               "acpi=off,pcie=off,ioapic2=off",
    "q35": "q35",
}

DEFAULT_BAD = [r"cellboot: error", r"Kernel panic"]

# Outcomes of Cell.run(). SHUTDOWN: the kernel's own last line (kernel/
# reboot.c) said it restarts, powers off or halts; after a power-off or halt
# the CPUs only halt (no ACPI in a cell), so nothing else would end the run.
DONE, BAD, EXITED, TIMEOUT, SHUTDOWN = "done", "bad", "exited", "timeout", "shutdown"
ANNOUNCE = re.compile(r"reboot: (Restarting system|Power down|System halted)")

# The legacy UARTs in Linux's ttyS order (ttyS0..ttyS3) and QEMU's
# isa-serial index order.
LEGACY_UARTS = (0x3F8, 0x2F8, 0x3E8, 0x2E8)

# --------------------------------------------------------------------------
# Comm region (Jailhouse x86, ABI revision 2): the fields and flags of
# abi.COMM_REGION, lib/abi/comm_region.h
# --------------------------------------------------------------------------
_COMM_INTS = ("pci_mmconfig_base", "pm_timer_address", "num_cpus", "tsc_khz", "apic_khz")


def console_bytes(address=0, size=0, type=abi.JAILHOUSE_CON_TYPE_NONE, flags=0, divider=0,
                  gate_nr=0, clock_reg=0):
    """Pack a struct jailhouse_console."""
    buf = bytearray(abi.CONSOLE.size)
    for f, v in (("address", address), ("size", size), ("type", type), ("flags", flags),
                 ("divider", divider), ("gate_nr", gate_nr), ("clock_reg", clock_reg)):
        abi.CONSOLE.put(buf, f, v)
    return bytes(buf)


def comm_flags(cell_flags):
    """The comm region's debug-console flags as the hypervisor derives them
    from the cell config's flags (VIRTUAL_CONSOLE_ACTIVE implies permitted)."""
    flags = 0
    if cell_flags & (abi.JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED |
                     abi.JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE):
        flags |= abi.JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED
    if cell_flags & abi.JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE:
        flags |= abi.JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE
    return flags


def comm_region_bytes(num_cpus, tsc_khz, apic_khz, pm_timer_address=0,
                      pci_mmconfig_base=0, flags=0, console=None):
    """The comm page as the hypervisor leaves it at cell start: signature,
    revision, cell state RUNNING, no message, the rest from the arguments."""
    C = abi.COMM_REGION
    page = bytearray(abi.COMM_REGION_PAGE_SIZE)
    C.put(page, "signature", abi.COMM_SIGNATURE)
    C.put(page, "revision", abi.COMM_REGION_ABI_REVISION)
    C.put(page, "cell_state", abi.JAILHOUSE_CELL_RUNNING)
    C.put(page, "flags", flags)
    C.put(page, "console", bytes(abi.CONSOLE.size) if console is None else console)
    values = (pci_mmconfig_base, pm_timer_address, num_cpus, tsc_khz, apic_khz)
    for f, v in zip(_COMM_INTS, values):
        C.put(page, f, v)
    return bytes(page)


def write_comm_region(path, num_cpus, tsc_khz, apic_khz, pm_timer_address=0,
                      pci_mmconfig_base=0, flags=0, console=None):
    """Write the comm page to path (load it at the comm region's virt_start)."""
    data = comm_region_bytes(num_cpus, tsc_khz, apic_khz, pm_timer_address,
                             pci_mmconfig_base, flags, console)
    with open(path, "wb") as f:
        f.write(data)
    return path


def parse_comm_region(data):
    """Inverse of comm_region_bytes: dict of the fields (for tests/diagnostics)."""
    return {f: abi.COMM_REGION.get(data, f) for f in abi.COMM_REGION.fields}


# --------------------------------------------------------------------------
# Host helpers
# --------------------------------------------------------------------------
def kvm_usable():
    """True if /dev/kvm can be opened read-write and speaks KVM API 12."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return fcntl.ioctl(fd, 0xAE00) == 12          # KVM_GET_API_VERSION
    except OSError:
        return False
    finally:
        os.close(fd)


def host_tsc_khz():
    """Best guess of the host TSC rate in kHz (what a TCG or KVM guest sees
    without -icount), or None.  Uses "cpu MHz" only with constant_tsc."""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        return None
    flags = re.search(r"^flags\s*:(.*)$", text, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([0-9.]+)", text, re.M)
    if not flags or not mhz or "constant_tsc" not in flags.group(1).split():
        return None
    return int(round(float(mhz.group(1)) * 1000))


def tool_rom(path, cpus=None, tool=None):
    """Write the reset ROM with `cellboot mkrom` (the ROM `cellboot qemu`
    uses): the reset vector's jump to 0000:0000 and, with cpus, an MP table
    for them. tool: default ROM_TOOL."""
    cmd = [tool or ROM_TOOL, "mkrom", "-o", path]
    if cpus is not None:
        cmd += ["--cpus", str(cpus)]
    subprocess.run(cmd, check=True)
    return path


def _qemu_opt_escape(value):
    """Escape a value for QEMU's key=value,... option syntax."""
    return str(value).replace(",", ",,")


class CellRunnerError(Exception):
    pass


# --------------------------------------------------------------------------
# QMP client
# --------------------------------------------------------------------------
class QMP:
    """Minimal synchronous QMP client with a reader thread that keeps events."""

    def __init__(self, path, timeout=10.0, alive=None):
        deadline = time.monotonic() + timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if alive is not None and not alive():
                    raise CellRunnerError("QEMU exited before its QMP socket came up")
                if time.monotonic() > deadline:
                    raise CellRunnerError("no QMP socket at %s after %.0fs" % (path, timeout))
                time.sleep(0.01)
        self.events = []
        self._cond = threading.Condition()
        self._responses = {}
        self._next_id = 0
        self._closed = False
        self._greeting = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._reader, daemon=True)
        self._thread.start()
        with self._cond:
            if not self._cond.wait_for(lambda: self._greeting is not None or self._closed,
                                       timeout):
                raise CellRunnerError("no QMP greeting")
        if self._closed:
            raise CellRunnerError("QMP connection closed before greeting")
        self.command("qmp_capabilities")

    def _reader(self):
        buf = b""
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if not line.strip():
                        continue
                    msg = json.loads(line)
                    with self._cond:
                        if "QMP" in msg:
                            self._greeting = msg
                        elif "event" in msg:
                            self.events.append(msg)
                        elif "id" in msg:
                            self._responses[msg["id"]] = msg
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self):
        return self._closed

    def command(self, name, timeout=30.0, **arguments):
        """Execute a QMP command, return its "return" value or raise."""
        with self._lock:
            self._next_id += 1
            cid = self._next_id
        msg = {"execute": name, "id": cid}
        if arguments:
            msg["arguments"] = arguments
        with self._cond:
            if self._closed:
                raise CellRunnerError("QMP connection is closed (QEMU gone?)")
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise CellRunnerError("QMP send failed: %s" % e)
        with self._cond:
            ok = self._cond.wait_for(lambda: cid in self._responses or self._closed, timeout)
            if not ok:
                raise CellRunnerError("QMP command %s timed out" % name)
            if cid not in self._responses:
                raise CellRunnerError("QMP connection closed during %s" % name)
            resp = self._responses.pop(cid)
        if "error" in resp:
            raise CellRunnerError("QMP %s: %s" % (name, resp["error"].get("desc", resp["error"])))
        return resp.get("return")

    def hmp(self, command_line):
        """Run a human monitor command, return its text output."""
        return self.command("human-monitor-command", **{"command-line": command_line})

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------
class RunResult:
    """Outcome of Cell.run().

    outcome:       "done" | "bad" | "exited" | "timeout"
    matched_line:  the serial line that matched (done/bad), else None
    matched_regex: the regex that matched, else None
    serial:        whole serial text so far ("\\r\\n" folded to "\\n")
    serial_raw:    the raw serial bytes
    serials:       {port: text} of every UART (the console's is `serial`)
    exit_code:     QEMU's exit status if it has exited, else None (still running)
    shutdown_reason: reason of QMP SHUTDOWN event if any ("guest-reset" after a
                   guest reset/triple fault with -no-reboot, "guest-shutdown"...)
    elapsed:       seconds from starting the guest CPUs to the outcome
    qemu_stderr:   what QEMU printed on stderr so far
    """

    def __init__(self, **kw):
        self.outcome = kw.get("outcome")
        self.matched_line = kw.get("matched_line")
        self.matched_regex = kw.get("matched_regex")
        self.serial = kw.get("serial", "")
        self.serial_raw = kw.get("serial_raw", b"")
        self.serials = kw.get("serials", {})
        self.exit_code = kw.get("exit_code")
        self.shutdown_reason = kw.get("shutdown_reason")
        self.elapsed = kw.get("elapsed", 0.0)
        self.qemu_stderr = kw.get("qemu_stderr", "")
        self.command = kw.get("command", [])

    @property
    def ok(self):
        return self.outcome == DONE

    def __repr__(self):
        return ("RunResult(outcome=%r, matched_line=%r, exit_code=%r, shutdown_reason=%r, "
                "elapsed=%.3f)" % (self.outcome, self.matched_line, self.exit_code,
                                   self.shutdown_reason, self.elapsed))


# --------------------------------------------------------------------------
# The cell
# --------------------------------------------------------------------------
MIB = 1 << 20
PAGE = 4096
ROM_WINDOW = (0xF0000, 0x100000)      # the reset ROM (and the MP table) live here


def _as_int(v):
    return v if isinstance(v, int) else int(str(v), 0)


class _Channel:
    """One UART's log file, followed as QEMU appends to it."""

    def __init__(self, path, port, on_serial=None):
        self.path = path
        self.port = port
        self.on_serial = on_serial
        self.fh = None
        self.raw = bytearray()
        self.pending = b""      # undecoded tail (partial UTF-8 sequence)
        self.text = ""          # decoded serial text, \r removed
        self.scan_pos = 0       # offset in text of the first unscanned line

    def open(self):
        self.fh = open(self.path, "rb")

    def close(self):
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    def pump(self):
        if self.fh is None:
            return False
        data = self.fh.read()
        if not data:
            return False
        self.raw += data
        data = self.pending + data
        # keep an incomplete UTF-8 sequence for the next round
        cut = len(data)
        for back in range(1, min(4, len(data)) + 1):
            b = data[-back]
            if b & 0xC0 == 0x80:
                continue
            if b >= 0xC0:
                need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                if back < need:
                    cut = len(data) - back
            break
        self.pending = data[cut:]
        text = data[:cut].decode("utf-8", errors="replace").replace("\r", "")
        self.text += text
        if self.on_serial and text:
            self.on_serial(text)
        return True

    def lines(self, final=False):
        """The complete lines not scanned yet (and the rest if final)."""
        while True:
            nl = self.text.find("\n", self.scan_pos)
            if nl < 0:
                if final and self.scan_pos < len(self.text):
                    line = self.text[self.scan_pos:]
                    self.scan_pos = len(self.text)
                    yield line
                return
            line = self.text[self.scan_pos:nl]
            self.scan_pos = nl + 1
            yield line


class Cell:
    """One QEMU cell.  Construct, start() (or run(), which starts), inspect, stop().

    machine:   "microvm" or "q35"
    cpus:      number of CPUs (-smp cpus=N,sockets=1,cores=N,threads=1: APIC IDs 0..N-1)
    mem_mib:   RAM in MiB (-m)
    images:    list of (source, guest_address); source is a file path or bytes
    rom:       reset ROM path; None builds one (with an MP table for `cpus`
               unless mp_table=False)
    serial_log: path of the console's serial log; None puts it in the temp dir
    uarts:     the legacy UART ports (of LEGACY_UARTS) QEMU gets, the console
               first; the others log to uart_logs[port] in the temp dir.
               harness.Boot passes the ones the cell config grants.
    accel:     "tcg" or "kvm" ("kvm" falls back to tcg with a warning if
               /dev/kvm does not work, unless kvm_fallback=False)
    cpu_model: -cpu value or None (QEMU default)
    icount:    -icount shift value or None
    machine_opts: replace the machine's -M string entirely (see MACHINES)
    extra_args: more QEMU arguments
    on_serial: callback(str) receiving serial output as it arrives
    pit:       microvm only: keep the i8254 PIT and i8259 PIC.  A cell has
               neither, but a stock kernel without Jailhouse guest support
               hangs in TSC/APIC-timer calibration under TCG without them.
    verify_images: read every image back before the CPUs start and fail if
               it is not there (QEMU drops data outside RAM silently)
    ram_file:  back the cell's RAM with this file (shared mapping) and write
               the images into it instead of using QEMU's loader device, whose
               images QEMU restores at every reset. A reset (QMP system_reset)
               then restarts the cell on the memory as it was, like a second
               `jailhouse cell start` without a new `cell load`; the test may
               change memory between starts through ram_write(). No
               -no-reboot in this mode.
    """

    def __init__(self, machine="microvm", cpus=1, mem_mib=256, images=(), rom=None,
                 mp_table=True, serial_log=None, accel="tcg", kvm_fallback=True,
                 cpu_model=None, icount=None, machine_opts=None, extra_args=(),
                 on_serial=None, keep_tmp=False, qemu=None, verify_images=True,
                 pit=False, ram_file=None, uarts=(0x3F8,)):
        if machine not in MACHINES and machine_opts is None:
            raise ValueError("machine must be one of %s" % ", ".join(sorted(MACHINES)))
        if accel not in ("tcg", "kvm"):
            raise ValueError("accel must be tcg or kvm")
        self.machine = machine
        self.cpus = int(cpus)
        self.mem_mib = int(mem_mib)
        self.images = [(src, _as_int(addr)) for src, addr in images]
        self.rom = rom
        self.mp_table = mp_table
        self.accel_requested = accel
        self.warnings = []
        if accel == "kvm" and not kvm_usable():
            if not kvm_fallback:
                raise CellRunnerError("accel kvm requested but /dev/kvm is not usable")
            self.warnings.append("/dev/kvm not usable, falling back to tcg")
            accel = "tcg"
        self.accel = accel
        self.cpu_model = cpu_model
        self.icount = icount
        self.machine_opts = machine_opts or MACHINES[machine]
        if pit and machine_opts is None and machine == "microvm":
            self.machine_opts = self.machine_opts.replace("pic=off,pit=off", "pic=on,pit=on")
        self.extra_args = list(extra_args)
        self.on_serial = on_serial
        self.keep_tmp = keep_tmp
        self.qemu = qemu or QEMU
        self.verify_images = verify_images
        self.ram_file = os.path.abspath(ram_file) if ram_file else None
        self.uarts = [_as_int(u) for u in uarts]
        for u in self.uarts:
            if u not in LEGACY_UARTS or self.uarts.count(u) > 1:
                raise ValueError("uarts: %r is not a list of distinct legacy UART "
                                 "ports %s" % (uarts, ", ".join("%#x" % p for p in
                                                                 LEGACY_UARTS)))
        self._stopped = False
        self._files = []

        self.tmpdir = tempfile.mkdtemp(prefix="cellrunner-")
        self.serial_log = os.path.abspath(serial_log) if serial_log else \
            os.path.join(self.tmpdir, "serial.log")
        self.qmp_path = os.path.join(self.tmpdir, "qmp.sock")
        self.proc = None
        self.qmp = None
        self._stderr_file = None
        self.uart_logs = {u: self.serial_log if i == 0 else
                          os.path.join(self.tmpdir, "ttyS%d.log" % LEGACY_UARTS.index(u))
                          for i, u in enumerate(self.uarts)}
        self._chans = [_Channel(self.uart_logs[u], u,
                                on_serial if i == 0 else None)
                       for i, u in enumerate(self.uarts)]
        self._t_start = None
        self.command = None

    # ---- setup -----------------------------------------------------------
    def _materialize(self):
        files = []
        for i, (src, addr) in enumerate(self.images):
            if isinstance(src, (bytes, bytearray, memoryview)):
                path = os.path.join(self.tmpdir, "image%d.bin" % i)
                with open(path, "wb") as f:
                    f.write(bytes(src))
            else:
                path = os.path.abspath(src)
                if not os.path.isfile(path):
                    raise CellRunnerError("image not found or not a regular file: %s" % src)
            size = os.path.getsize(path)
            if size and addr < ROM_WINDOW[1] and addr + size > ROM_WINDOW[0]:
                raise CellRunnerError(
                    "image %s at 0x%x..0x%x overlaps the reset ROM window 0x%x..0x%x "
                    "(QEMU would overwrite the ROM with it)"
                    % (src if isinstance(src, str) else "<buffer>", addr, addr + size,
                       ROM_WINDOW[0], ROM_WINDOW[1]))
            files.append((path, addr))
        rom = self.rom
        if rom is None:
            rom = os.path.join(self.tmpdir, "resetrom.bin")
            cpus = self.cpus if self.mp_table else None
            tool_rom(rom, cpus)
        elif not os.path.isfile(rom):
            raise CellRunnerError("reset ROM not found: %s" % rom)
        return files, os.path.abspath(rom)

    def build_command(self):
        """The QEMU argv (also materializes byte images and the ROM)."""
        files, rom = self._materialize()
        self._files = files
        cmd = [self.qemu,
               "-M", self.machine_opts,
               "-accel", self.accel,
               "-smp", "cpus=%d,sockets=1,cores=%d,threads=1" % (self.cpus, self.cpus),
               "-m", "%dM" % self.mem_mib,
               "-bios", rom,
               "-nographic", "-display", "none", "-nodefaults", "-no-reboot",
               "-monitor", "none"]
        for u in self.uarts:
            n = LEGACY_UARTS.index(u)
            cmd += ["-chardev", "file,id=ttyS%d,path=%s"
                    % (n, _qemu_opt_escape(self.uart_logs[u])),
                    "-device", "isa-serial,index=%d,chardev=ttyS%d" % (n, n)]
        cmd += ["-qmp", "unix:%s,server=on,wait=off" % _qemu_opt_escape(self.qmp_path),
               "-S"]
        if self.cpu_model:
            cmd += ["-cpu", self.cpu_model]
        if self.icount is not None:
            cmd += ["-icount", "shift=%s" % self.icount]
        if self.ram_file:
            self._fill_ram_file(files)
            cmd.remove("-no-reboot")
            cmd += ["-object", "memory-backend-file,id=cellram,size=%dM,mem-path=%s,"
                    "share=on" % (self.mem_mib, _qemu_opt_escape(self.ram_file)),
                    "-machine", "memory-backend=cellram"]
        else:
            for path, addr in files:
                cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on"
                        % (_qemu_opt_escape(path), addr)]
        cmd += self.extra_args
        return cmd

    def _fill_ram_file(self, files):
        """RAM below mem_mib is the file at offset = guest address (true for
        microvm and q35 with less than 2 GiB)."""
        size = self.mem_mib << 20
        with open(self.ram_file, "wb") as f:
            f.truncate(size)
        for path, addr in files:
            data = open(path, "rb").read()
            if addr + len(data) > size:
                raise CellRunnerError("image at 0x%x..0x%x is outside the RAM file"
                                      % (addr, addr + len(data)))
            self.ram_write(addr, data)

    def ram_write(self, addr, data):
        """Writes guest RAM through the RAM file (ram_file mode only)."""
        with open(self.ram_file, "r+b") as f:
            f.seek(addr)
            f.write(data)

    def start(self):
        """Launch QEMU paused, connect QMP, then let the CPUs run."""
        if self.proc is not None:
            raise CellRunnerError("cell already started")
        self.command = self.build_command()
        for c in self._chans:
            open(c.path, "wb").close()
        self._stderr_file = open(os.path.join(self.tmpdir, "qemu.stderr"), "w+b")
        self.proc = subprocess.Popen(self.command, stdin=subprocess.DEVNULL,
                                     stdout=self._stderr_file, stderr=self._stderr_file,
                                     close_fds=True)
        try:
            self.qmp = QMP(self.qmp_path, timeout=30.0,
                           alive=lambda: self.proc.poll() is None)
        except CellRunnerError as e:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            raise CellRunnerError("%s\ncommand: %s\nqemu: %s"
                                  % (e, " ".join(self.command), self.qemu_stderr().strip()))
        for c in self._chans:
            c.open()
        if self.verify_images:
            self._verify_images()
        self.qmp.command("cont")
        self._t_start = time.monotonic()
        return self

    def _verify_images(self):
        """With the CPUs still stopped, read the images back: QEMU silently
        drops loader data that falls outside RAM (above -m, into a hole).
        Images up to 4 MiB are compared whole, larger ones at the start, the
        end and around every 1 MiB boundary (RAM ends on MiB boundaries)."""
        for i, (path, addr) in enumerate(self._files):
            with open(path, "rb") as f:
                want = f.read()
            n = len(want)
            if not n:
                continue
            if n <= 4 * MIB:
                spans = [(0, n)]
            else:
                spans = [(0, PAGE), (n - PAGE, n)]
                b = (addr + MIB) & ~(MIB - 1)
                while b < addr + n:
                    off = b - addr
                    spans.append((max(0, off - PAGE), min(n, off + PAGE)))
                    b += MIB
            for lo, hi in sorted(spans):
                got = self.read_phys(addr + lo, hi - lo)
                if got != want[lo:hi]:
                    bad = lo + next(j for j in range(hi - lo) if got[j] != want[lo + j])
                    src = self.images[i][0]
                    name = src if isinstance(src, str) else "<%d-byte buffer>" % n
                    self.stop()
                    raise CellRunnerError(
                        "image %s did not land in guest RAM: first difference at 0x%x "
                        "(image 0x%x..0x%x, RAM %d MiB)" % (name, addr + bad, addr,
                                                            addr + n, self.mem_mib))

    # ---- serial ----------------------------------------------------------
    def _pump_serial(self):
        """Read new serial bytes; returns True if anything arrived."""
        got = False
        for c in self._chans:
            got = c.pump() or got
        return got

    def _scan(self, done_res, bad_res, final=False, shutdown=True):
        """Look for regex matches in complete lines (all text if final), UART
        by UART."""
        for c in self._chans:
            for line in c.lines(final):
                for rx in bad_res:
                    if rx.search(line):
                        return BAD, line, rx.pattern
                for rx in done_res:
                    if rx.search(line):
                        return DONE, line, rx.pattern
                if shutdown and ANNOUNCE.search(line):
                    return SHUTDOWN, line, ANNOUNCE.pattern
        return None

    @property
    def _text(self):
        return self._chans[0].text if self._chans else ""

    @property
    def _raw(self):
        return self._chans[0].raw if self._chans else bytearray()

    def uart_text(self, port):
        """What UART `port` printed so far (\r removed)."""
        self._pump_serial()
        return self._chans[self.uarts.index(port)].text

    @property
    def serial(self):
        self._pump_serial()
        return self._text

    def qemu_stderr(self):
        if self._stderr_file is None:
            return ""
        self._stderr_file.flush()
        with open(self._stderr_file.name, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    # ---- run -------------------------------------------------------------
    def run(self, timeout=60.0, done=None, bad=DEFAULT_BAD, poll=0.01, shutdown=True):
        """Start (if needed) and watch the serial log until an outcome.

        done:    regex (str) or list of regexes, searched in each serial line;
                 None = only bad/exit/timeout end the run.
        bad:     list of regexes; checked before done on the same line.
        shutdown: the kernel's reboot/power-off/halt line ends the run with
                 outcome SHUTDOWN (checked after done and bad).
        timeout: seconds, counted from when the CPUs were started (so a
                 second run() call continues the same budget).
        """
        if self.proc is None:
            self.start()
        done_res = [re.compile(d) for d in ([done] if isinstance(done, str) else (done or []))]
        bad_res = [re.compile(b) for b in ([bad] if isinstance(bad, str) else (bad or []))]
        deadline = self._t_start + timeout
        outcome, line, regex = None, None, None
        while True:
            self._pump_serial()
            m = self._scan(done_res, bad_res, shutdown=shutdown)
            if m:
                outcome, line, regex = m
                break
            ended = EXITED if self.proc.poll() is not None else \
                TIMEOUT if time.monotonic() >= deadline else None
            if ended:
                # drain what QEMU wrote before it exited or the time ran out:
                # a match there still decides
                self._pump_serial()
                m = self._scan(done_res, bad_res, final=True, shutdown=shutdown)
                outcome, line, regex = m or (ended, None, None)
                break
            time.sleep(poll)
        elapsed = time.monotonic() - self._t_start
        if outcome == EXITED:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        return RunResult(outcome=outcome, matched_line=line, matched_regex=regex,
                         serial=self._text, serial_raw=bytes(self._raw),
                         serials={c.port: c.text for c in self._chans},
                         exit_code=self.proc.poll(), shutdown_reason=self.shutdown_reason(),
                         elapsed=elapsed, qemu_stderr=self.qemu_stderr(),
                         command=self.command)

    def shutdown_reason(self):
        if self.qmp is None:
            return None
        for ev in self.qmp.events:
            if ev.get("event") == "SHUTDOWN":
                return ev.get("data", {}).get("reason")
        return None

    # ---- inspection (QEMU must still be running) ---------------------------
    def _need_qmp(self):
        if self.proc is None or self.qmp is None:
            raise CellRunnerError("cell not started")
        if self.proc.poll() is not None or self.qmp.closed:
            raise CellRunnerError("QEMU is no longer running (exit code %s)" % self.proc.poll())

    def hmp(self, command_line):
        """Human monitor command over QMP; returns the text."""
        self._need_qmp()
        return self.qmp.hmp(command_line)

    def read_phys(self, addr, length):
        """Guest-physical memory [addr, addr+length) as bytes (QMP pmemsave)."""
        self._need_qmp()
        if length <= 0:
            return b""
        path = os.path.join(self.tmpdir, "pmem-%x-%x.bin" % (addr, length))
        self.qmp.command("pmemsave", val=int(addr), size=int(length), filename=path)
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        if len(data) != length:
            raise CellRunnerError("pmemsave returned %d of %d bytes" % (len(data), length))
        return data

    def cpu_states(self):
        """Per CPU: dict with index, halted (HLT bit), and the main registers
        as ints (RIP/EIP, CS selector and base, CR0, EFER, ...) from
        'info registers -a'."""
        text = self.hmp("info registers -a")
        cpus = []
        for block in re.split(r"^CPU#", text.replace("\r", ""), flags=re.M)[1:]:
            idx = int(block.split("\n", 1)[0].strip().split()[0])
            st = {"index": idx, "text": "CPU#" + block}
            m = re.search(r"\bHLT=(\d)", block)
            st["halted"] = bool(m and m.group(1) == "1")
            for name in ("RIP", "EIP", "RAX", "EAX", "CR0", "CR3", "CR4", "EFER",
                         "RFL", "EFL", "RSP", "ESP"):
                m = re.search(r"\b%s=([0-9a-fA-F]+)" % name, block)
                if m:
                    st[name.lower()] = int(m.group(1), 16)
            m = re.search(r"^CS =([0-9a-fA-F]+) ([0-9a-fA-F]+)", block, re.M)
            if m:
                st["cs"] = int(m.group(1), 16)
                st["cs_base"] = int(m.group(2), 16)
            ip = st.get("rip", st.get("eip"))
            st["ip"] = ip
            # an AP that never got INIT/SIPI still sits at F000:FFF0
            st["at_reset_vector"] = (st.get("cs") == 0xF000 and ip == 0xFFF0)
            cpus.append(st)
        return cpus

    def cpu_halted(self, index=None):
        """True if CPU `index` is halted (HLT); index None = all CPUs halted.
        Note: an AP still waiting for INIT/SIPI (CS:IP F000:FFF0, see
        cpu_states()[i]["at_reset_vector"]) shows HLT=1 under TCG but HLT=0
        under KVM."""
        states = self.cpu_states()
        if index is None:
            return all(s["halted"] for s in states)
        for s in states:
            if s["index"] == index:
                return s["halted"]
        raise CellRunnerError("no CPU #%d" % index)

    # ---- teardown ----------------------------------------------------------
    def stop(self, timeout=10.0):
        """Quit QEMU (QMP quit, then SIGTERM/SIGKILL) and clean up; returns exit code."""
        if self._stopped:
            return self.proc.returncode if self.proc is not None else None
        self._stopped = True
        code = None
        if self.proc is not None:
            if self.proc.poll() is None and self.qmp is not None and not self.qmp.closed:
                try:
                    self.qmp.command("quit", timeout=timeout)
                except CellRunnerError:
                    pass
            try:
                code = self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    code = self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    code = self.proc.wait()
        if self.qmp is not None:
            self.qmp.close()
        self._pump_serial()
        for c in self._chans:
            c.close()
        if self._stderr_file is not None:
            self._stderr_file.close()
        if not self.keep_tmp and self.tmpdir and os.path.isdir(self.tmpdir):
            # keep a user-requested serial log that lives elsewhere; drop the rest
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        return code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def run_cell(machine="microvm", cpus=1, mem_mib=256, images=(), timeout=60.0,
             done=None, bad=DEFAULT_BAD, **kw):
    """One-shot: run a cell to an outcome and quit QEMU; returns the RunResult."""
    with Cell(machine, cpus, mem_mib, images, **kw) as cell:
        return cell.run(timeout=timeout, done=done, bad=bad)


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------
EXIT_CODES = {DONE: 0, BAD: 1, EXITED: 2, TIMEOUT: 3, SHUTDOWN: 0}


def _parse_image(spec):
    if "@" not in spec:
        raise argparse.ArgumentTypeError("image must be FILE@ADDR, got %r" % spec)
    path, addr = spec.rsplit("@", 1)
    try:
        return path, int(addr, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("bad address in %r" % spec)


def _parse_dump(spec):
    parts = spec.split(",")
    if len(parts) not in (2, 3):
        raise argparse.ArgumentTypeError("dump must be ADDR,LEN[,FILE], got %r" % spec)
    try:
        return int(parts[0], 0), int(parts[1], 0), (parts[2] if len(parts) == 3 else None)
    except ValueError:
        raise argparse.ArgumentTypeError("bad number in %r" % spec)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Run a Jailhouse-like x86 cell under QEMU: reset ROM jumping to "
                    "0000:0000, images placed by the loader device, serial log streamed.")
    ap.add_argument("--machine", choices=sorted(MACHINES), default="microvm")
    ap.add_argument("--cpus", type=int, default=1)
    ap.add_argument("--mem", type=int, default=256, help="RAM in MiB")
    ap.add_argument("--image", action="append", type=_parse_image, default=[],
                    metavar="FILE@ADDR", help="load FILE at guest address ADDR (repeatable)")
    ap.add_argument("--rom", help="reset ROM image (default: generated)")
    ap.add_argument("--pit", action="store_true",
                    help="microvm: keep PIT and PIC (needed by stock kernels under TCG)")
    ap.add_argument("--no-mp-table", action="store_true",
                    help="generated ROM without MP table")
    ap.add_argument("--comm", type=lambda s: int(s, 0), metavar="ADDR",
                    help="generate a comm region page and load it at ADDR (e.g. 0x100000)")
    ap.add_argument("--tsc-khz", type=int, default=None,
                    help="comm region tsc_khz (default: host TSC rate, 1000000 with --icount)")
    ap.add_argument("--apic-khz", type=int, default=1000000,
                    help="comm region apic_khz (QEMU's APIC timer runs at 1 GHz)")
    ap.add_argument("--pm-timer", type=lambda s: int(s, 0), default=0)
    ap.add_argument("--mmconfig", type=lambda s: int(s, 0), default=0)
    ap.add_argument("--comm-flags", type=lambda s: int(s, 0), default=0)
    ap.add_argument("--console-8250-pio", type=lambda s: int(s, 0), metavar="PORT",
                    help="comm region console: 8250 PIO at PORT (e.g. 0x3f8)")
    ap.add_argument("--serial-log", help="console serial log path (default: temp file)")
    ap.add_argument("--uart", action="append", type=lambda s: int(s, 0), default=None,
                    metavar="PORT", help="a legacy UART the cell owns (repeatable, the "
                    "console first; default: 0x3f8)")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--done", action="append", default=[], help="regex that ends the run OK")
    ap.add_argument("--bad", action="append", default=None,
                    help="regex that ends the run as failure (repeatable; default: %s)"
                         % ", ".join(DEFAULT_BAD))
    ap.add_argument("--accel", choices=("tcg", "kvm"), default="tcg")
    ap.add_argument("--cpu-model", help="QEMU -cpu value")
    ap.add_argument("--icount", help="QEMU -icount shift value")
    ap.add_argument("--dump", action="append", type=_parse_dump, default=[],
                    metavar="ADDR,LEN[,FILE]",
                    help="after the run, read guest memory (hex to stdout or raw to FILE)")
    ap.add_argument("--regs", action="store_true", help="after the run, print CPU states")
    ap.add_argument("--quiet", action="store_true", help="do not echo the serial log")
    ap.add_argument("--print-command", action="store_true", help="print the QEMU command")
    ap.add_argument("--extra", action="append", default=[], help="extra QEMU argument")
    args = ap.parse_args(argv)

    images = list(args.image)
    if args.comm is not None:
        tsc = args.tsc_khz
        if tsc is None:
            tsc = 1000000 if args.icount is not None else (host_tsc_khz() or 0)
        con = None
        if args.console_8250_pio is not None:
            con = console_bytes(address=args.console_8250_pio, size=8,
                                type=abi.JAILHOUSE_CON_TYPE_8250)
        images.append((comm_region_bytes(args.cpus, tsc, args.apic_khz, args.pm_timer,
                                         args.mmconfig, args.comm_flags, con), args.comm))

    def echo(text):
        sys.stdout.write(text)
        sys.stdout.flush()

    try:
        cell = Cell(args.machine, args.cpus, args.mem, images, rom=args.rom,
                    mp_table=not args.no_mp_table, serial_log=args.serial_log,
                    accel=args.accel, cpu_model=args.cpu_model, icount=args.icount,
                    extra_args=args.extra, on_serial=None if args.quiet else echo,
                    pit=args.pit, uarts=args.uart or (0x3F8,))
    except (CellRunnerError, ValueError) as e:
        print("cellrunner: error: %s" % e, file=sys.stderr)
        return 4
    for w in cell.warnings:
        print("cellrunner: warning: %s" % w, file=sys.stderr)
    try:
        if args.print_command:
            print(" ".join(cell.build_command()), file=sys.stderr)
        res = cell.run(timeout=args.timeout, done=args.done,
                       bad=DEFAULT_BAD if args.bad is None else args.bad)
        if res.serial and not res.serial.endswith("\n") and not args.quiet:
            echo("\n")
        msg = "cellrunner: %s after %.2fs" % (res.outcome, res.elapsed)
        if res.matched_line is not None:
            msg += ": %s" % res.matched_line.strip()
        if res.outcome == EXITED:
            msg += " (QEMU exit code %s%s)" % (
                res.exit_code, ", %s" % res.shutdown_reason if res.shutdown_reason else "")
            if res.qemu_stderr.strip():
                msg += "\n" + res.qemu_stderr.strip()
        print(msg, file=sys.stderr)
        if res.outcome != EXITED:
            for addr, length, path in args.dump:
                data = cell.read_phys(addr, length)
                if path:
                    with open(path, "wb") as f:
                        f.write(data)
                else:
                    for off in range(0, len(data), 16):
                        chunk = data[off:off + 16]
                        print("%08x: %s" % (addr + off, " ".join("%02x" % b for b in chunk)))
            if args.regs:
                for st in cell.cpu_states():
                    print("CPU#%d halted=%d cs=%04x ip=%x cr0=%x efer=%x" % (
                        st["index"], st["halted"], st.get("cs", 0), st.get("ip") or 0,
                        st.get("cr0", 0), st.get("efer", 0)))
        if res.outcome == SHUTDOWN and args.done:
            return EXIT_CODES[EXITED]       # ended before the --done line
        return EXIT_CODES[res.outcome]
    except CellRunnerError as e:
        print("cellrunner: error: %s" % e, file=sys.stderr)
        return 4
    finally:
        cell.stop()


if __name__ == "__main__":
    sys.exit(main())
