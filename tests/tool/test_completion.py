"""Bash completion (tools/cellboot/cellboot.bash-completion): what it offers
for each word, run through bash against the tool under test. Every
subcommand, option and value it offers is then given to the tool, which
must take it (no "unknown option", no "is not" for a value)."""

import os
import re
import shutil
import subprocess

import pytest

from tooltest import RELEASE_TOOL, ROOT, TOOL, classic_cell, fake_loader, make_bzimage, run

COMPLETION = os.path.join(ROOT, "tools", "cellboot", "cellboot.bash-completion")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")

# Runs the completion function as bash-completion would for the words
# given (the last one is the word being completed) and prints COMPREPLY.
DRIVER = r'''
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_cellboot
printf '%s\n' "${COMPREPLY[@]}"
'''


# The completion runs the tool once or twice per word: the optimised build
# when there is one (the ASan build takes ~0.1 s a run).
COMPLETE_TOOL = RELEASE_TOOL if os.access(RELEASE_TOOL, os.X_OK) else TOOL


def complete(*words, cwd=ROOT, tool=COMPLETE_TOOL, completion=COMPLETION, env=None):
    p = subprocess.run(["bash", "-c", DRIVER, "driver", completion, tool]
                       + list(words), capture_output=True, text=True, cwd=cwd,
                       env=env)
    assert p.returncode == 0, p.stderr
    return [l for l in p.stdout.split("\n") if l]


def complete_files(*words, cwd):
    return sorted(complete(*words, cwd=cwd))


def help_commands():
    """The subcommands as the top-level help lists them."""
    out = run("--help", check_rc=0).stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [l.split()[0] for l in block.splitlines()]


def help_options(sub):
    """{option: argument name or None} from `cellboot SUB --help`."""
    opts = {}
    for line in run(sub, "--help", check_rc=0).stdout.splitlines():
        # "-i, --initrd FILE", "--machine M[,M]", "--gdb[=PORT]" (optional)
        m = re.match(r"^ +(-[^\s,\[]+(?:, -[^\s,\[]+)*)(\[=[A-Z]+\])?"
                     r"(?: ([A-Z][A-Z0-9_=]*)\S*)?(?:\s|$)", line)
        if m:
            for o in m.group(1).split(", "):
                opts[o] = m.group(3)
    return opts


def test_subcommands():
    cmds = help_commands()
    assert {"plan", "boot", "qemu", "inspect", "mkcell", "mkrom"} <= set(cmds)
    assert complete("") == cmds
    assert complete("pl") == ["plan"]
    assert complete("m") == [c for c in cmds if c.startswith("m")]
    assert complete("-") == ["--help", "--version"]
    for c in cmds:
        run(c, "--help", check_rc=0)


@pytest.mark.parametrize("sub", ["plan", "boot", "qemu", "inspect", "mkcell", "mkrom"])
def test_options_are_the_tools(sub):
    opts = help_options(sub)
    assert "--help" in opts
    assert sorted(complete(sub, "-")) == sorted(opts)
    assert complete(sub, "--he") == ["--help"]
    # the tool parses every option before it acts on --help: each option
    # offered is one it takes (an unknown one is a usage error, exit 2)
    for opt, arg in opts.items():
        value = []
        if arg:         # a value the completion offers, else a number
            value = ["log=quiet"] if opt == "--param" else \
                (complete(sub, opt, "") or ["1"])[:1]
        args = [sub, opt] + value + ["--help"]
        p = run(*args)
        assert p.returncode == 0, (args, p.stderr)
    assert run(sub, "--no-such-option", "--help").returncode == 2


def test_option_before_subcommand_words_is_skipped():
    # the subcommand is the first word that is not an option
    assert complete("--version", "pl") == ["plan"]


@pytest.mark.parametrize("sub,opt,choices", [
    ("plan", "--format", ["shell", "json"]),
    ("boot", "--format", ["shell", "json"]),
    ("qemu", "--machine", ["microvm", "q35"]),
    ("qemu", "--accel", ["tcg", "kvm"]),
])
def test_value_choices(sub, opt, choices):
    assert complete(sub, opt, "") == choices
    assert complete(sub, "-i", "initrd", opt, choices[1][:1]) == [choices[1]]
    # --opt=value, as bash splits it (COMP_WORDBREAKS holds '=')
    assert complete(sub, opt, "=") == choices
    assert complete(sub, opt, "=", choices[0][:2]) == [choices[0]]
    assert complete(sub, opt + "=") == choices
    for c in choices:
        run(sub, opt, c, "--help", check_rc=0)
    assert run(sub, opt, "no-such-choice", "--help").returncode == 2


def test_machine_list():
    """--machine M[,M]: each word of the comma list completes."""
    assert complete("qemu", "--machine", "microvm,") == ["microvm,microvm", "microvm,q35"]
    assert complete("qemu", "--machine", "microvm,q") == ["microvm,q35"]
    run("qemu", "--machine", "microvm,q35", "--help", check_rc=0)


def test_param_keys(tmp_path):
    keys = complete("plan", "--param", "")
    assert keys == ["console=", "log=", "cpu_wait_ms="]
    levels = complete("qemu", "--param", "log=")
    assert levels == ["log=quiet", "log=default", "log=verbose"]
    assert complete("qemu", "--param", "log=v") == ["log=verbose"]
    assert "console=io," in complete("boot", "--param", "console=")
    # every key and log level offered is one the params parser takes
    cell, kernel = classic_cell(tmp_path), make_bzimage(tmp_path / "k")
    loader = fake_loader(tmp_path)
    for param in levels + ["console=none", "cpu_wait_ms=5"]:
        run("plan", cell, kernel, "--loader", loader, "--param", param,
            check_rc=0)
    p = run("plan", cell, kernel, "--loader", loader, "--param", "log=loud")
    assert p.returncode == 1 and "log: 'loud'" in p.stderr


def test_files_and_directories(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "cell.cell").write_bytes(b"")
    (tmp_path / "cell.cell.txt").write_text("")
    (tmp_path / "bzImage").write_bytes(b"")
    # positional words (CELL, KERNEL, DESCRIPTION, FILE) and FILE/PATH
    # arguments complete file names, DIR arguments directories only
    assert complete_files("plan", "ce", cwd=tmp_path) == ["cell.cell", "cell.cell.txt"]
    assert complete_files("plan", "cell.cell", "bz", cwd=tmp_path) == ["bzImage"]
    assert complete_files("mkcell", "cell.cell.", cwd=tmp_path) == ["cell.cell.txt"]
    assert complete_files("qemu", "-i", "b", cwd=tmp_path) == ["bzImage"]
    assert complete_files("plan", "--loader", "s", cwd=tmp_path) == ["sub"]
    assert complete_files("qemu", "--workdir", "", cwd=tmp_path) == ["sub"]
    assert complete_files("mkrom", "-o", "c", cwd=tmp_path) == ["cell.cell", "cell.cell.txt"]


def test_no_guess_for_numbers_and_text():
    assert complete("qemu", "--timeout", "") == []
    assert complete("mkrom", "--cpus", "") == []
    assert complete("plan", "-c", "") == []
    assert complete("plan", "--name", "") == []


def test_missing_tool_completes_nothing(tmp_path):
    assert complete("", tool=str(tmp_path / "no-such-cellboot")) == []


def test_tool_typed_with_tilde(tmp_path):
    """`~/bin/cellboot <TAB>`: the word is as typed, the tilde unexpanded."""
    (tmp_path / "bin").mkdir()
    shutil.copy(COMPLETE_TOOL, tmp_path / "bin" / "cellboot")
    env = dict(os.environ, HOME=str(tmp_path))
    assert complete("pl", tool="~/bin/cellboot", env=env) == ["plan"]
