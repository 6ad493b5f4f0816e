"""make demo must keep working: run it as the README says, with no
terminal on stdin (nothing may wait for a key)."""

import os
import re
import subprocess

import harness


def test_make_demo_boots_and_ends_readably():
    env = dict(os.environ, BUILD=harness.BUILD)
    p = subprocess.run(["make", "-s", "--no-print-directory", "demo"], cwd=harness.ROOT,
                       env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, errors="replace", timeout=900)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "cellboot: handoff to " in p.stdout
    # the tool's verdict, then the report in words (not hex) at the end
    assert re.search(r"^cellboot: qemu: microvm, 1 CPU: passed in [0-9.]+ s: the last "
                     r"--expect matched: \"CBREPORT end\"$", p.stderr, re.M), p.stderr
    # after the report; the kernel may still print a line or two (its
    # reboot) before QEMU is stopped
    head = "demo: what Linux received in the cell (reported by the test initramfs's /init):"
    assert p.stdout.index("CBREPORT end") < p.stdout.index(head), p.stdout[-3000:]
    tail = p.stdout[p.stdout.index(head):].splitlines()
    assert tail[0] == head
    assert tail[1] == "  command line   console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
    assert tail[2].endswith("(the cell's regions)")
    assert tail[3] == "  CPUs online    1 of the cell's 1"
    assert tail[4].endswith("crc32 %s (intact)" % harness.payload_crc())
    assert tail[5].startswith("  SETUP_JAILHOUSE version 2: 1 CPU, ")
    assert not [l for l in tail if l.startswith("CBREPORT")]
