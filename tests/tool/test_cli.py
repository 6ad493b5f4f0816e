"""Command line of the tool: help for every subcommand, usage errors (exit 2,
one message naming the problem, a pointer to --help)."""

import pytest

from tooltest import run, usage_lines

COMMANDS = ["plan", "boot", "qemu", "inspect", "mkcell", "mkrom"]


def test_top_level_help_lists_every_command():
    p = run("--help", check_rc=0)
    assert p.stdout.startswith("usage: cellboot COMMAND [ARGS...]\n")
    for c in COMMANDS:
        assert "\n  %-8s " % c in p.stdout


def test_no_command_is_a_usage_error():
    p = run(check_rc=2)
    assert p.stderr.startswith("usage: cellboot COMMAND")


def test_unknown_command():
    p = run("plna", check_rc=2)
    assert p.stderr.startswith("cellboot: error: usage: unknown command 'plna'\n")


def test_version():
    p = run("--version", check_rc=0)
    assert p.stdout.startswith("cellboot ")


@pytest.mark.parametrize("cmd", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(cmd, flag):
    p = run(cmd, flag, check_rc=0)
    assert p.stdout.startswith("usage: cellboot %s " % cmd)
    assert p.stderr == ""


@pytest.mark.parametrize("args, msg", [
    (["plan"], "missing CELL and KERNEL"),
    (["plan", "a.cell"], "missing KERNEL after CELL 'a.cell'"),
    (["plan", "a", "b", "c"], "unexpected argument 'c' (CELL and KERNEL given already)"),
    (["plan", "a", "b", "--bogus"], "unknown option '--bogus'"),
    (["plan", "a", "b", "-x"], "unknown option '-x'"),
    (["plan", "a", "b", "-c"], "-c needs a value"),
    (["plan", "a", "b", "-c", "x", "--cmdline", "y"], "--cmdline given twice"),
    (["plan", "a", "b", "--format", "xml"], "--format: 'xml' is not shell or json"),
    (["plan", "a", "b", "--format=yaml"], "--format: 'yaml' is not shell or json"),
    (["plan", "a", "b", "--param", "log"],
     "--param: 'log' is not KEY=VALUE without spaces (the kernel command line goes in -c)"),
    (["plan", "a", "b", "--param", "log=a b"],
     "--param: 'log=a b' is not KEY=VALUE without spaces (the kernel command line goes in -c)"),
    (["plan", "a", "b", "--name", "x" * 32],
     "--name: '%s' is not 1 to 31 characters without spaces" % ("x" * 32)),
    (["plan", "a", "b", "--dry-run"], "unknown option '--dry-run'"),
    (["plan", "a", "b", "--machine", "q35"], "unknown option '--machine'"),
    (["boot"], "missing CELL and KERNEL"),
    (["boot", "a", "b", "--format", "json"], "--format json needs --dry-run"),
    (["boot", "a", "b", "--dry-run=yes"], "--dry-run takes no value"),
    (["qemu", "a"], "missing KERNEL after CELL 'a'"),
    (["qemu", "--machine", "pc"], "--machine: 'pc' is not microvm or q35"),
    (["qemu", "--timeout", "0"], "--timeout: '0' is not a number from 1 to 86400"),
    (["qemu", "--timeout", "ten"], "--timeout: 'ten' is not a number from 1 to 86400"),
    (["qemu", "--accel", "hvf"], "--accel: 'hvf' is not tcg or kvm"),
    (["qemu", "--pm-timer", "0x10000"], "--pm-timer: '0x10000' is not a number from 0 to 65535"),
    (["qemu", "--format", "json"], "unknown option '--format'"),
    (["inspect"], "missing FILE"),
    (["inspect", "--all", "x"], "unknown option '--all'"),
    (["mkrom"], "missing -o FILE"),
    (["mkrom", "-o", "x", "--cpus", "255"], "--cpus: '255' is not a number from 1 to 254"),
    (["mkrom", "-o", "x", "extra"], "unexpected argument 'extra'"),
    (["mkcell", "x.txt"], "missing -o OUT.cell"),
])
def test_usage_errors(args, msg):
    p = run(*args, check_rc=2)
    assert p.stderr == usage_lines(args[0], msg)
    assert p.stdout == ""
