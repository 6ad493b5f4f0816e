#!/usr/bin/python3
"""cellboot benchmarks (issue 5): `make bench` runs this.

One run measures, on one kernel and one initramfs:

  insns   guest instructions from reset to the kernel's startup_64, counted
          by the insncount TCG plugin under -icount shift=0,sleep=off with
          one CPU (deterministic): cellboot in place (log=default, quiet,
          verbose), cellboot with the kernel moved, QEMU -kernel through
          qboot (microvm; pc) and through SeaBIOS (pc);
  init    guest instructions from reset to /init's first instruction (the
          same plugin), cellboot in place and qboot -kernel on microvm: the
          boot-to-/init comparison without wall-time noise;
  wall    seconds from QEMU start to the kernel's first console line and to
          /init's first report line, median and min-max over --runs runs, for
          cellboot (in place, moved) and qboot -kernel on microvm, under TCG;
  size    cellboot.bin and the firmware images QEMU uses instead;
  plan    wall time of `cellboot plan` (and of jailhouse-cell-linux -w when
          it is installed), median over --plan-runs runs;
  serial  bytes the loader writes before the kernel's first line, per log
          mode, and what they cost at 115200 baud.

It prints one table on stdout and writes the same numbers as JSON (--json).
Python 3 standard library only; the QEMU plumbing is tests/qemu/harness.py
and tests/qemu/cellrunner.py.
"""

import argparse
import bisect
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))

import abi         # noqa: E402
import cellrunner  # noqa: E402
import harness     # noqa: E402

# The kernel command line of the QEMU boot tests (tests/qemu/test_boot.py),
# without the test's quoting probe: the same text for every case.
CMDLINE = "console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"

# -icount: one instruction = 1 ns of virtual time; sleep=off makes idle time
# (a firmware waiting in hlt) advance virtual time at once instead of with
# the host clock, which is what keeps SeaBIOS's count identical between runs.
ICOUNT = "0,sleep=off"

BAUD_US_PER_BYTE = 10 * 1e6 / 115200          # start + 8 data + stop bits

TARGETS = {
    "insns_default": 50000,
    "insns_quiet": 25000,
    "image_bytes": abi.LAYOUT["CB_IMAGE_MAX"],          # lib/layout.h
    "ratio_init": 1.0,
    "plan_ms": 5,                             # "a few milliseconds"
}
REFERENCES = {                                # issue 5, Debian 6.1 kernel
    "qboot-microvm": 53322,
    "qboot-pc": 112279,
    "seabios-pc": 9100000,
}

MICROVM = harness.MACHINE_OPTS["microvm"]
QBOOT_WALL_MIB = 128

# the initrd right above the kernel's window, from the kernel's own header
CLASSIC = ("configs/classic.cell.txt", None, harness.ABOVE_WINDOW)
MOVED = ("configs/moved.cell.txt", 0xc000000, 0x8000000)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------
# QEMU plumbing: a Cell that remembers when QEMU was spawned, a Boot that
# passes -icount / extra arguments through, a Cell for QEMU's own -kernel.
# --------------------------------------------------------------------------
class TimedCell(cellrunner.Cell):
    """A Cell that notes the moment before QEMU is spawned (build_command
    is the last step of start() before Popen)."""

    t_spawn = None

    def build_command(self):
        cmd = super().build_command()
        self.t_spawn = time.monotonic()
        return cmd

    def spawn_to(self, res):
        """Seconds from spawning QEMU to the moment res was detected."""
        return self._t_start + res.elapsed - self.t_spawn

    def cont_to(self, res):
        return res.elapsed


class FirmwareCell(TimedCell):
    """QEMU's own -kernel/-initrd/-append boot: no reset ROM, no images;
    bios None = the machine's default firmware (microvm: qboot, pc:
    SeaBIOS); defaults=True keeps QEMU's default devices (no -nodefaults)."""

    def __init__(self, machine_opts, kernel, initrd, append, bios=None,
                 defaults=False, **kw):
        super().__init__("microvm", machine_opts=machine_opts, images=(), **kw)
        self.fw_bios, self.fw_defaults = bios, defaults
        self.fw_args = ["-kernel", kernel, "-initrd", initrd, "-append", append]

    def build_command(self):
        cmd = super().build_command()
        i = cmd.index("-bios")
        del cmd[i:i + 2]
        if self.fw_defaults:
            cmd.remove("-nodefaults")
        if self.fw_bios:
            cmd += ["-bios", self.fw_bios]
        return cmd + self.fw_args


class BenchBoot(harness.Boot):
    """harness.Boot, booted in a TimedCell with -icount and extra QEMU
    arguments (Boot.run does not take them)."""

    def make_cell(self, icount=None, extra_args=(), serial_log=None):
        return TimedCell(self.machine, cpus=self.qemu_cpus,
                         mem_mib=self.mem_mib, images=self.images(),
                         serial_log=serial_log or os.path.join(self.workdir, "serial.log"),
                         accel="tcg", machine_opts=harness.MACHINE_OPTS.get(self.machine),
                         icount=icount, extra_args=extra_args,
                         verify_images=False)


def qemu_opt(value):
    return str(value).replace(",", ",,")


def qemu_datadirs(qemu):
    out = subprocess.run([qemu, "-L", "help"], capture_output=True, text=True).stdout
    return [os.path.normpath(l.strip()) for l in out.splitlines() if l.strip()]


def qemu_file(qemu, name):
    """Where QEMU finds a firmware file by name (its -L search path)."""
    for d in qemu_datadirs(qemu):
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    return None


# --------------------------------------------------------------------------
# 1. instructions from reset to startup_64
# --------------------------------------------------------------------------
def read_count(path):
    res = {}
    if not os.path.exists(path):
        return res
    for line in open(path):
        parts = line.split()
        if len(parts) == 3:
            res.setdefault(parts[0], {})[int(parts[1], 16)] = int(parts[2])
    return res


def loader_bytes(raw):
    """Serial bytes up to the end of the last loader line (the plugin stops
    QEMU at startup_64, but the guest may run on for a moment)."""
    end, pos = 0, 0
    for line in raw.splitlines(keepends=True):
        pos += len(line)
        if line.startswith(b"cellboot: ") and line.endswith(b"\n"):
            end = pos
    return end


def count_run(name, make_cell, stop, marks, out_dir, timeout, profile=None):
    out = os.path.join(out_dir, name + ".count")
    plugin = "%s,stop=0x%x,out=%s" % (qemu_opt(ARGS.plugin), stop, qemu_opt(out))
    plugin += "".join(",mark=0x%x" % m for m in marks)
    if profile:
        plugin += ",profile=%s" % qemu_opt(profile)
    cell = make_cell(["-plugin", plugin])
    try:
        res = cell.run(timeout=timeout, done=None)
    finally:
        cell.stop()
    counts = read_count(out)
    if "stop" not in counts:
        raise BenchError("%s: 0x%x never ran (%s%s); serial: %s; qemu: %s" % (
            name, stop, res.outcome,
            ", %d insns" % counts["notreached"][stop] if "notreached" in counts else "",
            res.serial.strip()[-300:], res.qemu_stderr.strip()[-300:]))
    r = {"insns": counts["stop"][stop], "stop": "0x%x" % stop,
         "marks": {"0x%x" % a: n for a, n in counts.get("mark", {}).items()},
         "serial_bytes_total": len(res.serial_raw), "command": res.command}
    return r, res


def symbols(elf):
    """(address, name) of the loader's code symbols, sorted."""
    p = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWw":
            out.append((int(parts[0], 16), parts[2]))
    return out


def profile_by_symbol(profile, elf, text_path):
    """Instructions per loader function from the plugin's per-block profile
    (a block is charged to the function holding its first instruction)."""
    syms = symbols(elf) if os.path.isfile(elf) else []
    addrs = [a for a, _ in syms]
    per = {}
    for line in open(profile):
        va, n, execs = line.split()
        va, insns = int(va, 16), int(n) * int(execs)
        if 0xf0000 <= va < 0x100000 or va >= 0xfffff000:
            name = "(reset ROM)"
        elif syms and va < 0x100000:
            i = bisect.bisect_right(addrs, va) - 1
            name = syms[i][1] if i >= 0 else "0x%x" % va
        else:
            name = "(0x%x)" % va
        per[name] = per.get(name, 0) + insns
    top = sorted(per.items(), key=lambda kv: -kv[1])
    total = sum(per.values()) or 1
    with open(text_path, "w") as f:
        f.write("# instructions per function, reset to startup_64 (blocks charged to\n"
                "# the function of their first instruction; %s)\n" % os.path.basename(elf))
        for name, n in top:
            f.write("%10d %5.1f%%  %s\n" % (n, 100.0 * n / total, name))
    return top


def crc_param():
    """crc=KCRC,ICRC for the kernel and initramfs (what plan --digest writes):
    the loader checks both before it reads them (loader/digest.c)."""
    import zlib
    with open(harness.KERNEL, "rb") as k, open(harness.INITRAMFS, "rb") as i:
        return "crc=0x%08x,0x%08x" % (zlib.crc32(k.read()), zlib.crc32(i.read()))


def cellboot_count(name, desc, kaddr, iaddr, extra_params, out_dir, timeout):
    boot = BenchBoot("bench-" + name, desc, "microvm", kernel_addr=kaddr,
                     initrd_addr=iaddr, cmdline=CMDLINE, extra_params=extra_params,
                     workdir=os.path.join(out_dir, name))
    boot.comm["tsc_khz"] = 1000000     # under icount the TSC ticks once per insn
    # startup_64: in place, the protected-mode part + 0x200 where the root
    # put it (harness/kernelfit, from the kernel's header; pref_address for
    # Debian's kernels, not for a kernel whose pref_address is not cell RAM)
    stop = (boot.fit.entry if kaddr is None else boot.kh["pref_address"] + abi.BP_ENTRY64_OFFSET)
    prof = os.path.join(out_dir, name + ".blocks")
    r, res = count_run(name, lambda extra: boot.make_cell(icount=ICOUNT, extra_args=extra),
                       stop, [0x0], out_dir, timeout, profile=prof)
    if os.path.isfile(prof):
        elf = os.path.splitext(ARGS.loader)[0] + ".elf"
        top = profile_by_symbol(prof, elf, os.path.join(out_dir, name + ".profile.txt"))
        r["profile_top"] = top[:12]
    n = loader_bytes(res.serial_raw)
    text = res.serial_raw[:n].decode("utf-8", "replace")
    r["loader_bytes"] = n
    r["loader_lines"] = text.count("\n")
    r["reset_rom_insns"] = r["marks"].get("0x0")
    m = re.search(r"handoff to (0x[0-9a-f]+) after (\d+) TSC cycles", text)
    if m:
        r["handoff_entry"] = m.group(1)
        r["loader_tsc_cycles"] = int(m.group(2))
        if int(m.group(1), 16) != stop:
            raise BenchError("%s: loader jumped to %s, expected 0x%x" % (name, m.group(1), stop))
    errors = [l for l in text.splitlines() if "error" in l]
    if errors:
        raise BenchError("%s: %s" % (name, errors[0]))
    return r


# startup_64 of a kernel a firmware loads at 1 MiB (the boot protocol's
# default protected-mode address)
STARTUP_64_AT_1M = 0x100000 + abi.BP_ENTRY64_OFFSET


def firmware_count(name, machine_opts, bios, defaults, out_dir, timeout, stop=STARTUP_64_AT_1M,
                   mem_mib=256, marks=()):
    def make(extra):
        return FirmwareCell(machine_opts, harness.KERNEL, harness.INITRAMFS, CMDLINE,
                            bios=bios, defaults=defaults, icount=ICOUNT, extra_args=extra,
                            serial_log=os.path.join(out_dir, name + ".serial.log"),
                            mem_mib=mem_mib)
    r, _ = count_run(name, make, stop, list(marks), out_dir, timeout)
    return r


# --------------------------------------------------------------------------
# 1b. instructions from reset to /init's first instruction: the boot-to-/init
# comparison without the noise of wall time (deterministic too: with
# sleep=off the kernel's timed waits cost the same virtual time every run)
# --------------------------------------------------------------------------
def init_entry():
    """e_entry of the initramfs's /init (a static, non-PIE ELF: the address
    its first user-mode instruction runs at)."""
    path = os.path.join(os.path.dirname(harness.INITRAMFS), "init")
    with open(path, "rb") as f:
        h = f.read(64)
    E = abi.ELF_HEADER
    if E.get(h, "e_magic") != abi.ELF_MAGIC or E.get(h, "e_class") != abi.ELFCLASS64:
        raise BenchError("%s is not a 64-bit ELF" % path)
    e_type = E.get(h, "e_type")
    if e_type != 2:                 # ET_EXEC
        raise BenchError("%s is not a fixed-address executable (e_type %d)" % (path, e_type))
    return E.get(h, "e_entry")


def init_counts(out_dir, timeout):
    entry = init_entry()

    def cellboot():
        desc, kaddr, iaddr = CLASSIC
        boot = BenchBoot("bench-init-cellboot", desc, "microvm", kernel_addr=kaddr,
                         initrd_addr=iaddr, cmdline=CMDLINE,
                         workdir=os.path.join(out_dir, "init-cellboot-inplace"))
        boot.comm["tsc_khz"] = 1000000
        s64 = boot.fit.entry if kaddr is None else boot.kh["pref_address"] + abi.BP_ENTRY64_OFFSET
        r, _ = count_run("init-cellboot-inplace",
                         lambda extra: boot.make_cell(icount=ICOUNT, extra_args=extra),
                         entry, [s64], out_dir, timeout)
        r["startup_64"] = r["marks"].get("0x%x" % s64)
        return r

    def qboot():
        r = firmware_count("init-qboot-microvm", MICROVM, None, False, out_dir, timeout,
                           stop=entry, mem_mib=QBOOT_WALL_MIB, marks=[STARTUP_64_AT_1M])
        r["startup_64"] = r["marks"].get("0x%x" % STARTUP_64_AT_1M)
        return r

    # two QEMU processes side by side: the counts do not depend on load
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        futs = {"cellboot-inplace": ex.submit(cellboot), "qboot-microvm": ex.submit(qboot)}
        out = {}
        for k, f in futs.items():
            try:
                out[k] = f.result()
            except Exception as e:     # noqa: BLE001
                out[k] = {"error": str(e)}
    out["entry"] = "0x%x" % entry
    return out


# --------------------------------------------------------------------------
# 2. wall time to the first kernel line and to /init
# --------------------------------------------------------------------------
LINUX_LINE = r"Linux version"
INIT_LINE = r"CBREPORT begin"


def wall_run(cell, timeout):
    try:
        r1 = cell.run(timeout=timeout, done=LINUX_LINE, poll=0.002)
        if r1.outcome != cellrunner.DONE:
            raise BenchError("no kernel line (%s): %s" % (r1.outcome, r1.serial.strip()[-300:]))
        r2 = cell.run(timeout=timeout, done=INIT_LINE, poll=0.002)
        if r2.outcome != cellrunner.DONE:
            raise BenchError("/init did not report (%s): %s" % (r2.outcome,
                                                               r2.serial.strip()[-300:]))
        m = re.search(r"handoff to 0x[0-9a-f]+ after (\d+) TSC cycles \((\d+) us\)", r2.serial)
        return {"linux": cell.spawn_to(r1), "init": cell.spawn_to(r2),
                "linux_from_cont": cell.cont_to(r1), "init_from_cont": cell.cont_to(r2),
                "loader_us": int(m.group(2)) if m else None}
    finally:
        cell.stop()


def wall_cases(out_dir, tsc_khz):
    boots = {}
    for name, (desc, kaddr, iaddr) in (("cellboot-inplace", CLASSIC),
                                       ("cellboot-moved", MOVED)):
        b = BenchBoot("bench-wall-" + name, desc, "microvm", kernel_addr=kaddr,
                      initrd_addr=iaddr, cmdline=CMDLINE,
                      workdir=os.path.join(out_dir, "wall-" + name))
        b.comm["tsc_khz"] = tsc_khz    # TCG's guest TSC is the host's
        boots[name] = b
    cases = [(n, (lambda b: lambda: b.make_cell())(b)) for n, b in boots.items()]
    # -m 128M: the kernel then sees as much RAM as in the classic cell
    # (0-1 MiB and 2-128 MiB), which matters: early memory setup scales with it
    cases.append(("qboot-microvm", lambda: FirmwareCell(
        MICROVM, harness.KERNEL, harness.INITRAMFS, CMDLINE, mem_mib=QBOOT_WALL_MIB,
        serial_log=os.path.join(out_dir, "wall-qboot-microvm.serial.log"))))
    return cases


def summarize(values):
    v = sorted(values)
    return {"median": statistics.median(v), "min": v[0], "max": v[-1], "runs": v}


# --------------------------------------------------------------------------
# 4. root-side preparation
# --------------------------------------------------------------------------
def time_command(cmd, runs):
    p = subprocess.run([ARGS.runtimes, str(runs)] + cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(p.stderr.strip() or "exit status %d" % p.returncode)
    return summarize([int(x) / 1e6 for x in p.stdout.split()])    # ms


def has_subcommand(tool, sub):
    if not os.access(tool, os.X_OK):
        return False
    p = subprocess.run([tool, sub, "--help"], capture_output=True, text=True)
    return p.returncode == 0 and ("usage: cellboot %s" % sub) in p.stdout


def plan_bench(cell_path, runs):
    out = {}
    tools = [("cellboot plan", ARGS.tool)]
    release = ARGS.release_tool or os.path.join(os.path.dirname(ARGS.tool), "release",
                                                "cellboot")
    if os.access(release, os.X_OK):
        tools.append(("cellboot plan (release build)", release))
    for label, tool in tools:
        key = label
        if not has_subcommand(tool, "plan"):
            out[key] = {"status": "n/a", "why": "%s has no plan subcommand" % tool}
            continue
        # the placement is timed; --no-kernel-check leaves out the kernel
        # doctor's decompression (tens to thousands of ms, by compression)
        cmd = [tool, "plan", cell_path, harness.KERNEL, "-i", harness.INITRAMFS,
               "-c", CMDLINE, "--loader", ARGS.loader, "--no-kernel-check"]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            out[key] = {"status": "failed", "why": (p.stderr.strip().splitlines() or ["?"])[-1],
                        "command": cmd}
            continue
        with open(tool, "rb") as f:
            asan = b"__asan_init" in f.read()
        out[key] = dict(time_command(cmd, runs), status="ok", command=cmd, sanitizers=asan)
    jcl = shutil.which("jailhouse-cell-linux")
    if jcl:
        params = os.path.join(ARGS.out, "jailhouse-params.bin")
        cmd = [jcl, cell_path, harness.KERNEL, "-i", harness.INITRAMFS, "-c", CMDLINE,
               "-w", params]
        try:
            out["jailhouse-cell-linux -w"] = dict(time_command(cmd, runs), status="ok",
                                                  command=cmd)
        except BenchError as e:
            out["jailhouse-cell-linux -w"] = {"status": "failed", "why": str(e)}
    else:
        out["jailhouse-cell-linux -w"] = {"status": "n/a",
                                          "why": "jailhouse-cell-linux not installed"}
    try:
        out["process start (/bin/true)"] = dict(time_command(["/bin/true"], runs), status="ok")
    except BenchError as e:
        out["process start (/bin/true)"] = {"status": "failed", "why": str(e)}
    return out


# --------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------
def fmt_int(n):
    return "{:,}".format(n)


def fmt_s(s):
    return "%.3f s" % s


def fmt_spread(st, f):
    return "%s (%s-%s)" % (f(st["median"]), f(st["min"]).split()[0], f(st["max"]))


def verdict(ok, detail=""):
    return ("met" if ok else "MISSED") + (" " + detail if detail else "")


def build_rows(R):
    rows = []

    def row(section, what, value, target="", status=""):
        rows.append((section, what, value, target, status))

    def failed(section, what, err):
        row(section, what, "failed", "", err[:60])

    ins = R["insns"]
    labels = [
        ("cellboot-inplace-default", "cellboot, kernel in place, log=default",
         "< %s" % fmt_int(TARGETS["insns_default"]), TARGETS["insns_default"]),
        ("cellboot-inplace-quiet", "cellboot, kernel in place, log=quiet",
         "< %s" % fmt_int(TARGETS["insns_quiet"]), TARGETS["insns_quiet"]),
        ("cellboot-inplace-verbose", "cellboot, kernel in place, log=verbose", "", None),
        ("cellboot-inplace-crc", "cellboot, kernel in place, crc= (kernel + initrd)",
         "", None),
        ("cellboot-moved-default", "cellboot, kernel moved, log=default", "", None),
        ("qboot-microvm", "qboot -kernel, microvm (harness opts)",
         "ref %s (acpi=off)" % fmt_int(REFERENCES["qboot-microvm"]), None),
        ("qboot-microvm-acpioff", "qboot -kernel, -M microvm,acpi=off",
         "ref %s" % fmt_int(REFERENCES["qboot-microvm"]), None),
        ("qboot-pc", "qboot -kernel, -M pc -bios qboot.rom",
         "ref %s" % fmt_int(REFERENCES["qboot-pc"]), None),
        ("seabios-pc", "SeaBIOS -kernel, -M pc",
         "ref ~9.1 M", None),
    ]
    for key, what, target, limit in labels:
        c = ins.get(key)
        if c is None:
            continue
        if "error" in c:
            failed("insns", what, c["error"])
            continue
        status = ""
        if limit is not None:
            n = c["insns"]
            status = verdict(n < limit, "" if n < limit else "by %s" % fmt_int(n - limit + 1))
        row("insns", what, fmt_int(c["insns"]), target, status)
    mv = R.get("move")
    if mv:
        ok = mv["delta_insns"] <= mv["copy_insns"] * 1.05 + 1000
        row("insns", "moved - in place (rep movsq of %s B: %s)" % (
            fmt_int(mv["pm_size"]), fmt_int(mv["copy_insns"])),
            fmt_int(mv["delta_insns"]), "~ straight copy",
            verdict(ok, "" if ok else "(%.2fx)" % (mv["delta_insns"] / mv["copy_insns"])))

    I = R.get("init_insns") or {}
    for key, what in (("cellboot-inplace", "cellboot, kernel in place: reset to /init"),
                      ("qboot-microvm", "qboot -kernel, microvm: reset to /init")):
        c = I.get(key)
        if c is None:
            continue
        if "error" in c:
            failed("init", what, c["error"])
        else:
            row("init", what, fmt_int(c["insns"]), "insns to %s" % I.get("entry", "?"))
    if "ratio" in I:
        r, diff = I["ratio"], I["diff"]

        def signed(n):
            return ("+" if n > 0 else "") + fmt_int(n)
        what = "ratio, cellboot / qboot (%s insns" % signed(diff)
        if "diff_kernel" in I:
            what += ": %s loader, %s kernel" % (signed(I["diff_before_startup_64"]),
                                                signed(I["diff_kernel"]))
        row("init", what + ")", "%.6f" % r, "<= 1",
            verdict(r <= TARGETS["ratio_init"],
                    "" if r <= TARGETS["ratio_init"] else "by %.4f%%" % ((r - 1) * 100)))

    W = R["wall"]
    for key, what in (("cellboot-inplace", "cellboot, kernel in place"),
                      ("cellboot-moved", "cellboot, kernel moved"),
                      ("qboot-microvm", "qboot -kernel, microvm")):
        w = W["cases"].get(key)
        if w is None:
            continue
        if "error" in w:
            failed("wall", what, w["error"])
            continue
        row("wall", what + ": first kernel line", fmt_spread(w["linux"], fmt_s))
        row("wall", what + ": /init", fmt_spread(w["init"], fmt_s))
    r = W["ratios"].get("cellboot-inplace")
    if r is not None:
        c, q = W["cases"]["cellboot-inplace"]["init"], W["cases"]["qboot-microvm"]["init"]
        if r <= TARGETS["ratio_init"]:
            status = verdict(True)
        elif c["min"] <= q["max"]:
            status = "unclear: spreads overlap"
        else:
            status = verdict(False, "by %.0f%%" % ((r - 1) * 100))
        row("wall", "ratio to /init, cellboot in place / qboot", "%.2f" % r, "<= 1.00",
            status)
    r = W["ratios"].get("cellboot-moved")
    if r is not None:
        row("wall", "ratio to /init, cellboot moved / qboot", "%.2f" % r,
            "(cell has 240 MiB RAM)")
    for key, what in (("cellboot-inplace", "in place"), ("cellboot-moved", "moved")):
        w = W["cases"].get(key)
        if w and "loader_us" in w:
            row("wall", "loader's own report, %s (TSC, reset to handoff)" % what,
                "%d us (%d-%d)" % (w["loader_us"]["median"], w["loader_us"]["min"],
                                   w["loader_us"]["max"]))

    for key, s in R["sizes"].items():
        if s.get("bytes") is None:
            row("size", key, "missing", "", s.get("path", ""))
            continue
        target = status = ""
        if key == "cellboot.bin":
            target = "<= %s" % fmt_int(TARGETS["image_bytes"])
            over = s["bytes"] - TARGETS["image_bytes"]
            status = verdict(over <= 0, "" if over <= 0 else "by %s B" % fmt_int(over))
        row("size", key, "%s B" % fmt_int(s["bytes"]), target, status)

    for key, p in R["plan"].items():
        if p["status"] == "ok":
            mine = key.startswith("cellboot plan")
            if not mine:
                status = ""
            elif p.get("sanitizers"):
                status = "ASan/UBSan build"
            else:
                status = verdict(p["median"] <= TARGETS["plan_ms"])
            row("plan", key, "%.2f ms (%.2f-%.2f)" % (p["median"], p["min"], p["max"]),
                "<= %d ms" % TARGETS["plan_ms"] if mine else "", status)
        else:
            why = p.get("why", "")
            if why.startswith("cellboot: error: "):
                why = why[len("cellboot: error: "):]
            row("plan", key, p["status"], "", why[:80])

    for mode in ("quiet", "default", "verbose"):
        s = R["serial"].get(mode)
        if s is None:
            continue
        if "error" in s:
            failed("serial", "log=" + mode, s["error"])
            continue
        row("serial", "log=%s: %d lines" % (mode, s["lines"]),
            "%s B = %.1f ms" % (fmt_int(s["bytes"]), s["us"] / 1000),
            "at 115200 baud")
    return rows


def print_table(R, rows, f=sys.stdout):
    m = R["meta"]
    f.write("cellboot benchmarks: kernel %s (%s), initramfs %s B, %s, TCG, 1 CPU, "
            "%d wall-time runs\n" % (m["kernel_version"], os.path.basename(m["kernel"]),
                                     fmt_int(m["initramfs_bytes"]), m["qemu_version"],
                                     m["runs"]))
    head = ("what", "case", "value (median (min-max))", "target / reference", "status")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    line = "  ".join("%-*s" % (widths[i], head[i]) for i in range(5))
    f.write(line.rstrip() + "\n")
    f.write("  ".join("-" * w for w in widths) + "\n")
    prev = None
    for r in rows:
        cells = list(r)
        if r[0] == prev:
            cells[0] = ""
        prev = r[0]
        f.write("  ".join("%-*s" % (widths[i], cells[i]) for i in range(5)).rstrip() + "\n")


# --------------------------------------------------------------------------
def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="wall-time runs per case")
    ap.add_argument("--plan-runs", type=int, default=200)
    ap.add_argument("--loader", default=harness.LOADER)
    ap.add_argument("--tool", default=harness.TOOL)
    ap.add_argument("--release-tool", default=None,
                    help="the optimised tool, timed too (default: TOOL's dir/release/cellboot)")
    ap.add_argument("--plugin", default=os.path.join(harness.BUILD, "bench", "insncount.so"))
    ap.add_argument("--runtimes", default=os.path.join(harness.BUILD, "bench", "runtimes"))
    ap.add_argument("--out", default=os.path.join(harness.BUILD, "bench"),
                    help="work directory (serial logs, counts)")
    ap.add_argument("--json", default=None, help="results file (default OUT/results.json)")
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--skip", action="append", default=[],
                    choices=["insns", "init-insns", "wall", "plan"], help="leave a part out")
    ap.add_argument("--init-timeout", type=float, default=1200.0,
                    help="seconds for each instruction count to /init")
    ap.add_argument("--loader-only", action="store_true",
                    help="count only the loader's instructions (reset to startup_64, "
                         "default and quiet log) and print them as JSON; "
                         "scripts/check-toolchains.sh uses it for each compiler")
    ap.add_argument("--table-from", metavar="JSON",
                    help="only print the table of an earlier results.json")
    ARGS = ap.parse_args()
    if ARGS.table_from:
        with open(ARGS.table_from) as f:
            R = json.load(f)
        print_table(R, build_rows(R))
        return 0
    ARGS.loader, ARGS.tool = os.path.abspath(ARGS.loader), os.path.abspath(ARGS.tool)
    ARGS.plugin, ARGS.runtimes = os.path.abspath(ARGS.plugin), os.path.abspath(ARGS.runtimes)
    harness.LOADER, harness.TOOL = ARGS.loader, ARGS.tool
    os.makedirs(ARGS.out, exist_ok=True)
    json_path = ARGS.json or os.path.join(ARGS.out, "results.json")
    qemu = cellrunner.QEMU
    failures = []

    def log(msg):
        sys.stderr.write("bench: %s\n" % msg)
        sys.stderr.flush()

    kbytes = open(harness.KERNEL, "rb").read()
    kh = harness.parse_bzimage(kbytes)
    R = {"meta": {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": platform.node(), "cpus": os.cpu_count(),
        "qemu_version": "QEMU " + re.search(r"version (\S+)", subprocess.run(
            [qemu, "--version"], capture_output=True, text=True).stdout).group(1),
        "kernel": os.path.realpath(harness.KERNEL), "kernel_version": kh["version_str"],
        "kernel_bytes": len(kbytes),
        "startup_64_cellboot": "0x%x" % (kh["pref_address"] + abi.BP_ENTRY64_OFFSET),
        "initramfs": harness.INITRAMFS, "initramfs_bytes": os.path.getsize(harness.INITRAMFS),
        "cmdline": CMDLINE, "icount": "shift=" + ICOUNT, "runs": ARGS.runs,
        "plan_runs": ARGS.plan_runs, "microvm_opts": MICROVM,
        "host_tsc_khz": cellrunner.host_tsc_khz()},
        "insns": {}, "init_insns": {}, "wall": {"cases": {}, "ratios": {}}, "sizes": {},
        "plan": {},
        "serial": {}}

    # 3. sizes (first: cheap, and independent of whether anything boots)
    def size(key, path):
        R["sizes"][key] = {"path": path and os.path.realpath(path),
                           "bytes": os.path.getsize(path) if path and os.path.isfile(path)
                           else None}
    size("cellboot.bin", ARGS.loader)
    qboot = qemu_file(qemu, "bios-microvm.bin")
    size("qboot (%s)" % os.path.basename(os.path.realpath(qboot) if qboot else "qboot.rom"),
         qboot)
    seabios = qemu_file(qemu, "bios-256k.bin")
    size("SeaBIOS (%s, -M pc)" % os.path.basename(os.path.realpath(seabios) if seabios
                                                  else "bios-256k.bin"), seabios)
    size("+ linuxboot_dma.bin (SeaBIOS -kernel)", qemu_file(qemu, "linuxboot_dma.bin"))

    if ARGS.loader_only:
        counts = {}
        for name, extra in (("default", ""), ("quiet", "log=quiet"),
                            ("crc", crc_param())):
            r = cellboot_count("loader-" + name, CLASSIC[0], CLASSIC[1], CLASSIC[2],
                               extra, ARGS.out, ARGS.timeout)
            counts[name] = r["insns"]
        print(json.dumps(counts))
        return 0

    # 1. and 5. instruction counts and loader serial bytes
    if "insns" not in ARGS.skip:
        cb_cases = [("cellboot-inplace-default", CLASSIC, ""),
                    ("cellboot-inplace-quiet", CLASSIC, "log=quiet"),
                    ("cellboot-inplace-crc", CLASSIC, crc_param()),
                    ("cellboot-inplace-verbose", CLASSIC, "log=verbose"),
                    ("cellboot-moved-default", MOVED, "")]
        for name, (desc, kaddr, iaddr), extra in cb_cases:
            log("counting %s" % name)
            try:
                R["insns"][name] = cellboot_count(name, desc, kaddr, iaddr, extra,
                                                  ARGS.out, ARGS.timeout)
            except Exception as e:     # noqa: BLE001 -- report and go on
                R["insns"][name] = {"error": str(e)}
                failures.append(name)
                log("%s failed: %s" % (name, e))
        qboot_rom = qemu_file(qemu, "qboot.rom") or qboot
        fw_cases = [("qboot-microvm", MICROVM, None, False),
                    ("qboot-microvm-acpioff", "microvm,acpi=off", None, False),
                    ("qboot-pc", "pc", qboot_rom, True),
                    ("seabios-pc", "pc", None, True)]
        for name, mopts, bios, defaults in fw_cases:
            log("counting %s" % name)
            try:
                R["insns"][name] = firmware_count(name, mopts, bios, defaults, ARGS.out,
                                                  ARGS.timeout)
            except Exception as e:     # noqa: BLE001
                R["insns"][name] = {"error": str(e)}
                failures.append(name)
                log("%s failed: %s" % (name, e))
        for mode in ("quiet", "default", "verbose"):
            c = R["insns"].get("cellboot-inplace-" + mode, {})
            if "error" in c:
                R["serial"][mode] = {"error": c["error"]}
            elif c:
                R["serial"][mode] = {"bytes": c["loader_bytes"], "lines": c["loader_lines"],
                                     "us": c["loader_bytes"] * BAUD_US_PER_BYTE}
        a, b = R["insns"].get("cellboot-inplace-default"), R["insns"].get("cellboot-moved-default")
        if a and b and "error" not in a and "error" not in b:
            pm = kh["syssize"] * 16
            R["move"] = {"delta_insns": b["insns"] - a["insns"], "pm_size": pm,
                         "copy_insns": pm // 8}

    # 1b. reset to /init, counted
    if "init-insns" not in ARGS.skip:
        log("counting instructions to /init (cellboot and qboot side by side, "
            "a few minutes)")
        R["init_insns"] = init_counts(ARGS.out, ARGS.init_timeout)
        for k, v in R["init_insns"].items():
            if isinstance(v, dict) and "error" in v:
                failures.append("init-insns " + k)
                log("init-insns %s failed: %s" % (k, v["error"]))
        c, q = R["init_insns"].get("cellboot-inplace", {}), R["init_insns"].get("qboot-microvm", {})
        if "insns" in c and "insns" in q:
            R["init_insns"]["ratio"] = c["insns"] / q["insns"]
            R["init_insns"]["diff"] = c["insns"] - q["insns"]
            if c.get("startup_64") is not None and q.get("startup_64") is not None:
                # before startup_64: loader or firmware + setup; after: the kernel
                R["init_insns"]["diff_before_startup_64"] = c["startup_64"] - q["startup_64"]
                R["init_insns"]["diff_kernel"] = (R["init_insns"]["diff"] -
                                                  R["init_insns"]["diff_before_startup_64"])

    # 2. wall time, cases interleaved so that load on the machine hits all alike
    if "wall" not in ARGS.skip:
        tsc = R["meta"]["host_tsc_khz"] or 2000000
        cases = wall_cases(ARGS.out, tsc)
        samples = {n: [] for n, _ in cases}
        for i in range(ARGS.runs):
            for name, make in cases:
                if "error" in R["wall"]["cases"].get(name, {}):
                    continue
                log("wall time %s, run %d of %d" % (name, i + 1, ARGS.runs))
                try:
                    samples[name].append(wall_run(make(), ARGS.timeout))
                except Exception as e:  # noqa: BLE001
                    R["wall"]["cases"][name] = {"error": str(e)}
                    failures.append("wall " + name)
                    log("%s failed: %s" % (name, e))
        for name, runs in samples.items():
            if not runs or "error" in R["wall"]["cases"].get(name, {}):
                continue
            w = {k: summarize([r[k] for r in runs])
                 for k in ("linux", "init", "linux_from_cont", "init_from_cont")}
            lus = [r["loader_us"] for r in runs if r["loader_us"] is not None]
            if lus:
                w["loader_us"] = summarize(lus)
            R["wall"]["cases"][name] = w
        q = R["wall"]["cases"].get("qboot-microvm", {})
        for name in ("cellboot-inplace", "cellboot-moved"):
            c = R["wall"]["cases"].get(name, {})
            if "init" in c and "init" in q:
                R["wall"]["ratios"][name] = c["init"]["median"] / q["init"]["median"]

    # 4. root-side preparation
    if "plan" not in ARGS.skip:
        log("timing cellboot plan (%d runs)" % ARGS.plan_runs)
        try:
            cell_path = os.path.join(ARGS.out, "classic.cell")
            subprocess.run([ARGS.tool, "mkcell", os.path.join(ROOT, CLASSIC[0]), "-o",
                            cell_path], check=True, stdout=subprocess.DEVNULL)
            R["plan"] = plan_bench(cell_path, ARGS.plan_runs)
            failures += ["plan: " + k for k, v in R["plan"].items() if v["status"] == "failed"]
        except Exception as e:         # noqa: BLE001
            R["plan"] = {"cellboot plan": {"status": "failed", "why": str(e)}}
            failures.append("plan")

    R["failures"] = failures
    rows = build_rows(R)
    R["table"] = ["\t".join(r) for r in rows]
    with open(json_path + ".tmp", "w") as f:
        json.dump(R, f, indent=1)
    os.replace(json_path + ".tmp", json_path)
    print_table(R, rows)
    sys.stdout.write("results: %s\n" % os.path.relpath(json_path, os.getcwd()))
    if failures:
        sys.stderr.write("bench: failed measurements: %s\n" % ", ".join(failures))
        return 1
    return 0


ARGS = None

if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:                  # noqa: BLE001
        traceback.print_exc()
        sys.exit(2)
