"""Never silent, never out of bounds (issue 8), on the host tool's side:
the console grant rule it shares with the loader, a placement search bounded
by the obstacles and not by the size of memory, a cross-check only against
a config that parsed whole, untrusted bytes printed as printable ASCII, and
plans only where the loader can map (below 2^47)."""

import json
import time

import abi
import harness
from tooltest import CELL_HEAD, fake_loader, make_bzimage, mkcell, run

TOP = 1 << 47          # the loader maps below this (lib/pagetable.c)


def plan(*args, **kw):
    return run("plan", *args, **kw)


def one_error(p):
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    return lines[0]


# --------------------------------------------------------------------------
# item 3: an MMIO UART only in a read/write region with the IO flag that is
# not RAM, the comm region or root-shared
# --------------------------------------------------------------------------
def test_mmio_console_only_in_an_io_region(tmp_path):
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 126M\n"
                  "mmio 0x9000000 0x1000\n"                  # r,w,io
                  "mem 0x9001000 0x1000 flags=r,w\n"         # no io
                  "shmem 0x9002000 0x1000\n"                 # r,w,rootshared
                  "mem 0x9003000 0x1000 flags=r,w,io,rootshared\n"
                  "mmio 0x9004000 0x1000 ro\n")              # r,io
    k = make_bzimage(tmp_path / "bzImage")
    loader = fake_loader(tmp_path)
    for spec in ("mmio,0x9000000", "mmio32,0x9000fe0,115200", "mmio,0x9000ff8"):
        p = plan(cell, k, "--loader", loader, "--param", "console=" + spec)
        assert p.returncode == 0, (spec, p.stderr)
    for kind, addr in (("mmio", 0x5000000),       # RAM (an initrd's place)
                       ("mmio32", 0x100000),      # the comm region
                       ("mmio", 0x1000),          # cellboot's own image
                       ("mmio", 0x9001000), ("mmio", 0x9002000),
                       ("mmio32", 0x9003000), ("mmio", 0x9004000),
                       ("mmio", 0x9000ff9), ("mmio32", 0x9000fe1)):
        p = plan(cell, k, "--loader", loader, "--param",
                 "console=%s,0x%x" % (kind, addr))
        assert one_error(p) == "cellboot: error: console: %s 0x%x is not " \
            "granted" % (kind, addr)


# --------------------------------------------------------------------------
# item 4: the placement search is bounded by the obstacles
# --------------------------------------------------------------------------
def test_placement_search_does_not_walk_memory(tmp_path):
    """A 2^62-byte RAM region and a kernel whose pref_address lies beyond it:
    the tool used to try every 2 MiB slot of the region (years)."""
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 0x%x\n" % ((1 << 62) - 0x200000))
    k = make_bzimage(tmp_path / "bzImage", pref_address=(1 << 62) + 0x200000)
    t = time.monotonic()
    p = plan(cell, k, "--loader", fake_loader(tmp_path), timeout=60)
    assert time.monotonic() - t < 10
    assert one_error(p).startswith("cellboot: error: kernel: ")


def test_lowest_slot_past_obstacles_is_found(tmp_path):
    """pref_address is not RAM: the lowest aligned slot where the file and
    the window fit is found past the comm region and the config, in a RAM
    range that starts above an unaligned hole."""
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x300000 0x100000\n"
                  "ram 0x10100000 0x8000000\n")
    k = make_bzimage(tmp_path / "bzImage", pref_address=0x8000000,
                     init_size=0x800000)
    j = json.loads(plan(cell, k, "--loader", fake_loader(tmp_path), "--format",
                        "json", check_rc=0).stdout)
    setup = 5 * 512
    assert j["kernel"]["addr"] == 0x10200000 - setup
    assert j["kernel_window"] == [0x10200000, 0x10200000 + 0x800000]


# --------------------------------------------------------------------------
# item 6: inspect cross-checks the kernel against a config that parsed whole
# --------------------------------------------------------------------------
def test_inspect_cross_checks_only_a_whole_config(tmp_path):
    good = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 126M\n", name="good")
    small = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 1M\n", name="bad")
    data = open(small, "rb").read()
    # the last region (the 1 MiB RAM) wraps past 2^64: the parse fails late
    last = abi.memory_offset(data, abi.CELL_DESC.get(data, "num_memory_regions") - 1)
    bad = tmp_path / "bad-wraps.cell"
    bad.write_bytes(abi.MEMORY.patched(data, "virt_start", (1 << 64) - 0x1000, last))
    k = make_bzimage(tmp_path / "bzImage")
    p = run("inspect", good, bad, k)
    assert p.returncode == 1
    assert "wraps" in p.stderr
    assert "kernel in cell: init_size 0x800000 fits at pref_address " \
        "(0x1000000-0x17fffff is cell RAM)" in p.stdout
    assert "no room" not in p.stdout


# --------------------------------------------------------------------------
# item 7: untrusted bytes as printable ASCII
# --------------------------------------------------------------------------
def forged_name(tmp_path, name):
    """A good cell config whose name field says name (NUL-padded)."""
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 126M\n")
    forged = tmp_path / "forged.cell"
    forged.write_bytes(harness.renamed(open(cell, "rb").read(), name))
    return forged


def test_inspect_escapes_cell_name_and_kernel_version(tmp_path):
    forged = forged_name(tmp_path, b"a\r\ncellboot: error: x\x1b[2J\x7f")
    k = make_bzimage(tmp_path / "bzImage",
                     version_str=b"6.99\x1b]0;owned\x07\r\nfake (x) #1")
    p = run("inspect", forged, k)
    for out in (p.stdout, p.stderr):
        assert not any(c in out for c in "\r\x1b\x07\x7f"), repr(out)
    lines = p.stdout.splitlines()
    assert "  name               a\\x0d\\x0acellboot: error: x\\x1b[2J\\x7f" in lines
    assert "  kernel version     6.99\\x1b]0;owned\\x07\\x0d\\x0afake (x) #1" in lines
    assert not any(l.startswith("cellboot: error:") for l in lines)


# --------------------------------------------------------------------------
# item 8: plans only below 2^47, where the loader maps
# --------------------------------------------------------------------------
def test_plan_never_above_what_the_loader_maps(tmp_path):
    """Low RAM holds the kernel and the initrd; RAM above 2^47 is never
    chosen, although the initrd search starts from the highest RAM."""
    cell = mkcell(tmp_path, CELL_HEAD + "ram 0x200000 0xf00000\n"
                  "ram 0x%x 0x40000000\n" % TOP)
    k = make_bzimage(tmp_path / "bzImage", pref_address=0x400000,
                     init_size=0xc00000)
    initrd = tmp_path / "initrd"
    initrd.write_bytes(bytes(0x180000))
    j = json.loads(plan(cell, k, "-i", initrd, "--loader", fake_loader(tmp_path),
                        "--format", "json", check_rc=0).stdout)
    assert j["kernel"]["addr"] + j["kernel"]["size"] <= TOP
    assert j["initrd"]["addr"] + 0x180000 <= TOP
    assert j["kernel_window"][1] <= TOP


def test_plan_refuses_an_unprintable_cell_name(tmp_path):
    """The commands plan prints carry the cell's name: one with CR/LF or an
    escape sequence is refused (printed escaped), --name gives another."""
    forged = forged_name(tmp_path, b"a\r\ncellboot: error: x\x1b[2J")
    k = make_bzimage(tmp_path / "bzImage")
    loader = fake_loader(tmp_path)
    p = plan(forged, k, "--loader", loader)
    assert one_error(p) == 'cellboot: error: cell config: the cell name ' \
        '"a\\x0d\\x0acellboot: error: x\\x1b[2J" is not printable ASCII; give ' \
        '--name NAME'
    p = plan(forged, k, "--loader", loader, "--name", "linux", check_rc=0)
    assert "jailhouse cell start linux\n" in p.stdout
