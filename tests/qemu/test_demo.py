"""make demo must keep working: run tests/qemu/demo.py as the README says."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_demo_boots_to_the_report():
    p = subprocess.run([sys.executable, os.path.join(HERE, "demo.py")],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert "cellboot: handoff to " in p.stdout
    assert "CBREPORT end" in p.stdout
