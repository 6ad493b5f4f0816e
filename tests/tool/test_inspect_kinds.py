"""What inspect and plan say about files that are not a cell config of
revision 14 for x86 (docs/cell-config-rules.md, "What inspect recognises"),
about serial consoles the cell does not own, and about Jailhouse's own x86
demo layout (configs/linux-x86-demo.cell.txt)."""

import os

import abi
from tooltest import (KERNEL, ROOT, classic_cell, fake_loader, make_bzimage,
                      mkcell, need_kernel, run)

DEMO = os.path.join(ROOT, "configs", "linux-x86-demo.cell.txt")


def header(sig, arch, rev, size=0x200):
    """A config header: signature, architecture byte (revision-14 layout,
    or the 6th signature byte of older ones), revision at byte 6."""
    data = bytearray(size)
    data[0:len(sig)] = sig
    if arch is not None:
        data[5] = arch
    abi.CELL_DESC.put(data, "revision", rev)
    return bytes(data)


def inspect_error(tmp_path, data, name="x.cell"):
    p = tmp_path / name
    p.write_bytes(data)
    r = run("inspect", p)
    assert r.returncode == 1, r.stdout + r.stderr
    return str(p), r.stderr


def test_system_config(tmp_path):
    path, err = inspect_error(tmp_path, header(b"JHSYS", 0, 14))
    assert err == ("cellboot: error: %s: a Jailhouse system (root cell) config "
                   "(\"JHSYS\", revision 14, x86): 'jailhouse enable' takes it; "
                   "cellboot needs the non-root cell's config\n" % path)


def test_other_revision(tmp_path):
    path, err = inspect_error(tmp_path, header(b"JHCLL", 0, 13))
    assert err == ("cellboot: error: %s: a Jailhouse cell config of revision 13 "
                   "(Jailhouse 0.12); cellboot reads revision 14 (Jailhouse's "
                   "master branch since January 2023): rebuild it with the "
                   "Jailhouse you run\n" % path)
    path, err = inspect_error(tmp_path, header(b"JHCLL", 0, 15))
    assert "revision 15 (a Jailhouse newer than cellboot knows)" in err


def test_old_signatures(tmp_path):
    # up to revision 13 the signatures were 6 bytes: no architecture byte
    path, err = inspect_error(tmp_path, header(b"JHCELL", None, 13))
    assert err == ("cellboot: error: %s: a Jailhouse cell config of revision 13 "
                   "(6-byte signature \"JHCELL\", written by Jailhouse 0.12); "
                   "cellboot reads revision 14 (\"JHCLL\"): rebuild it against "
                   "current Jailhouse\n" % path)
    path, err = inspect_error(tmp_path, header(b"JHSYST", None, 11))
    assert ("a Jailhouse system (root cell) config of revision 11 (6-byte "
            "signature \"JHSYST\", written by a Jailhouse release before 0.12)") in err


def test_other_architecture(tmp_path):
    for arch, name in ((1, "ARM"), (2, "ARM64"), (7, "an unknown architecture")):
        path, err = inspect_error(tmp_path, header(b"JHCLL", arch, 14))
        assert err == ("cellboot: error: %s: a Jailhouse cell config for %s "
                       "(architecture %d); cellboot boots x86 cells only\n" % (
                           path, name, arch))


def test_kernel_before_cell_is_noted(tmp_path):
    kernel = make_bzimage(tmp_path / "bzImage")
    cell = classic_cell(tmp_path)
    note = ("note: the kernel came before the cell config; plan and boot take "
            "CELL.cell KERNEL in that order\n")
    swapped = run("inspect", kernel, cell)
    assert note in swapped.stdout
    assert note not in run("inspect", cell, kernel).stdout


def test_plan_names_a_swapped_kernel(tmp_path):
    kernel = make_bzimage(tmp_path / "bzImage")
    cell = classic_cell(tmp_path)
    r = run("plan", kernel, cell, "--loader", fake_loader(tmp_path))
    assert r.returncode == 1
    assert ("cellboot: hint: %s is a Linux bzImage, not a cell config: are the "
            "arguments swapped? The cell config comes first (cellboot plan "
            "CELL.cell KERNEL)\n" % kernel) in r.stderr


UART_TAIL = "Linux's Jailhouse-guest code switches that UART off, the console stays silent"
EARLY_TAIL = "Jailhouse stops the cell at its first write there"


def uart_warning(opt, port, early=False):
    ports = [0x3f8, 0x2f8, 0x3e8, 0x2e8]
    tty = " (ttyS%d)" % ports.index(port) if port in ports else ""
    return ("%s uses ports 0x%x-0x%x%s, which the cell does not own (no 'pio "
            "0x%x 8'): %s" % (opt, port, port + 7, tty, port,
                              EARLY_TAIL if early else UART_TAIL))


def warning_lines(text):
    return [l[len("warning: "):] for l in text.splitlines() if l.startswith("warning: ")]


def test_inspect_console_warnings(tmp_path):
    cell = classic_cell(tmp_path)          # owns COM1 (0x3f8) only
    # Linux's early console knows 0x<port>, ttyS1 and else ttyS0:
    # earlyprintk=ttyS2 and serial,ttyS3 write to 0x3f8, which is owned
    cmdline = ("console=ttyS0,115200 console=ttyS1 console=ttyS2 console=ttyS3 "
               "console=ttyS4 console=tty0 earlyprintk=serial "
               "earlyprintk=serial,ttyS1,115200 earlyprintk=ttyS2 "
               "earlyprintk=serial,ttyS3 earlyprintk=serial,0x3e8,9600 "
               "earlyprintk=serial,0x3f8 earlyprintk=ttyS1 earlyprintk=vga")
    r = run("inspect", "-c", cmdline, cell, check_rc=0)
    assert warning_lines(r.stdout) == [
        uart_warning("console=ttyS1", 0x2f8),
        uart_warning("console=ttyS2", 0x3e8),
        uart_warning("console=ttyS3", 0x2e8),
        uart_warning("earlyprintk=serial,ttyS1,115200", 0x2f8, early=True),
        uart_warning("earlyprintk=serial,0x3e8,9600", 0x3e8, early=True),
        uart_warning("earlyprintk=ttyS1", 0x2f8, early=True),
    ]
    # the demo cell owns COM1 and COM2
    demo = mkcell(tmp_path, open(DEMO).read(), "demo")
    r = run("inspect", "--cmdline", "console=ttyS1 earlyprintk=serial,ttyS1",
            demo, check_rc=0)
    assert warning_lines(r.stdout) == []
    r = run("inspect", "-c", "console=ttyS2", demo, check_rc=0)
    assert warning_lines(r.stdout) == [uart_warning("console=ttyS2", 0x3e8)]
    # an explicit port outside the legacy four is checked too
    r = run("inspect", "-c", "earlyprintk=serial,0xe018", demo, check_rc=0)
    assert warning_lines(r.stdout) == [
        uart_warning("earlyprintk=serial,0xe018", 0xe018, early=True)]
    # without a cell, nothing to check against
    assert run("inspect", "-c", "console=ttyS3", make_bzimage(
        tmp_path / "bz")).stdout.count("ttyS3") == 0
    assert run("inspect", "-c").returncode == 2


@need_kernel
def test_plan_console_warnings(tmp_path):
    cell = classic_cell(tmp_path)
    r = run("plan", cell, KERNEL, "-c", "console=ttyS1,115200 earlyprintk=ttyS0",
            "--loader", fake_loader(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "cellboot: warning: %s\n" % uart_warning("console=ttyS1,115200", 0x2f8) \
        in r.stderr
    assert "ttyS0" not in r.stderr


def test_demo_layout_inspects(tmp_path):
    demo = mkcell(tmp_path, open(DEMO).read(), "demo")
    assert os.path.getsize(demo) == 1108
    r = run("inspect", demo, check_rc=0)
    rows = [l.split() for l in r.stdout.splitlines()
            if l.startswith("    ") and l.split()[0].isdigit()]
    placeholders = [int(row[0]) for row in rows if "placeholder:" in row]
    assert placeholders == [2, 3, 6, 7, 14]
    assert "1 cache regions, 4 PCI devices, 6 PCI caps, 0 stream ids" in r.stdout
