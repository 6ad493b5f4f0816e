"""Self-test of the QEMU cell runner support (comm page, the reset ROM's jump,
loader placement, QMP memory reads, halt and triple-fault detection).

Run: python3 -m pytest -q tests/qemu/test_cellrunner.py
The guest test programs are assembled with nasm into pytest's tmp_path.
"""

import os
import shutil
import struct
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import abi  # noqa: E402
import cellrunner as cr  # noqa: E402

HAVE_NASM = shutil.which("nasm") is not None
HAVE_QEMU = shutil.which(cr.QEMU) is not None
needs_qemu = pytest.mark.skipif(not (HAVE_NASM and HAVE_QEMU),
                                reason="nasm or qemu-system-x86_64 not installed")
MACHINES = ["microvm", "q35"]

PUTS = r"""
%macro PUTS 0                   ; DS:SI zero-terminated string -> COM1
%%next: lodsb
        test al,al
        jz %%done
        mov bl,al
        mov dx,0x3FD
%%wait: in al,dx
        test al,0x20
        jz %%wait
        mov dx,0x3F8
        mov al,bl
        out dx,al
        jmp %%next
%%done:
%endmacro
"""

# Real mode at 0000:0000 as a cell CPU starts: every CPU that runs it
# increments the counter at 0x5E0; all but the first go to park.
FIRST_CPU_ONLY = r"""
bits 16
org 0
        cli
        xor ax,ax
        mov ds,ax
        mov ax,1
        lock xadd [0x5E0],ax
        test ax,ax
        jnz park
"""

# The first CPU prints, stores a marker at 0x500 and halts, the others park.
HELLO = PUTS + FIRST_CPU_ONLY + r"""
        mov si,msg
        PUTS
        mov dword [0x500],0xC0FFEE42
park:   cli
        hlt
        jmp park
msg:    db "HELLO from cell",13,10,0
"""

# The first CPU wakes the others with INIT-SIPI-SIPI (vector 0 -> 0000:0000),
# waits until the counter reaches the expected count (u16 at 0x5F0, loaded
# as a separate image) and prints it.
SIPI = PUTS + FIRST_CPU_ONLY + r"""
        lgdt [gdtr]
        mov eax,cr0
        or al,1
        mov cr0,eax
        jmp dword 0x08:pm32
park:   cli
        hlt
        jmp park
bits 32
pm32:   mov ax,0x10
        mov ds,ax
        mov es,ax
        mov ss,ax
        mov dword [0xFEE00310],0
        mov dword [0xFEE00300],0x000C4500     ; INIT, all excluding self
        mov ecx,200000
.d1:    pause
        loop .d1
        mov dword [0xFEE00300],0x000C4600     ; SIPI, vector 0
        mov ecx,20000
.d2:    pause
        loop .d2
        mov dword [0xFEE00300],0x000C4600
        mov ecx,50000000
.w:     mov ax,[0x5E0]
        cmp ax,[0x5F0]
        jae .ok
        pause
        loop .w
.ok:    mov al,[0x5E0]
        add al,'0'
        mov [cnt],al
        mov esi,msg
        PUTS
.h:     hlt
        jmp .h
align 8
gdt:    dq 0
        dq 0x00CF9A000000FFFF
        dq 0x00CF92000000FFFF
gdtr:   dw 23
        dd gdt
msg:    db "CPUS="
cnt:    db "?",13,10,0
"""

# Print, then fault with an empty IDT in protected mode: #UD -> #GP -> #DF ->
# shutdown.  (A real-mode INT with IDT limit 0 does not fault on AMD.)
TRIPLE = PUTS + r"""
bits 16
org 0
        cli
        xor ax,ax
        mov ds,ax
        mov si,msg
        PUTS
        lidt [idtr]
        mov eax,cr0
        or al,1
        mov cr0,eax
        ud2
        hlt
idtr:   dw 0
        dd 0
msg:    db "about to triple fault",13,10,0
"""


def assemble(tmp_path, name, source):
    src = tmp_path / (name + ".asm")
    out = tmp_path / (name + ".bin")
    src.write_text(source)
    subprocess.run(["nasm", "-f", "bin", "-o", str(out), str(src)], check=True)
    return str(out)


# ---------------------------------------------------------------- comm page
def test_comm_region_page():
    """The page as the hypervisor fills it at cell start: each field where
    the C description (lib/abi/comm_region.h) has it, nothing else."""
    con = cr.console_bytes(address=0x3F8, size=8, type=abi.JAILHOUSE_CON_TYPE_8250, divider=1)
    page = cr.comm_region_bytes(num_cpus=3, tsc_khz=2000000, apic_khz=1000000,
                                pm_timer_address=0x608, pci_mmconfig_base=0xB0000000,
                                flags=3, console=con)
    assert len(page) == abi.COMM_REGION_PAGE_SIZE
    assert cr.parse_comm_region(page) == {
        "signature": abi.COMM_SIGNATURE, "revision": abi.COMM_REGION_ABI_REVISION,
        "cell_state": abi.JAILHOUSE_CELL_RUNNING, "msg_to_cell": 0, "reply_from_cell": 0,
        "flags": 3, "console": con, "pci_mmconfig_base": 0xB0000000,
        "pm_timer_address": 0x608, "num_cpus": 3, "tsc_khz": 2000000, "apic_khz": 1000000}
    assert page[abi.COMM_REGION.size:] == bytes(len(page) - abi.COMM_REGION.size)
    assert abi.CONSOLE.get(con, "address") == 0x3F8 and abi.CONSOLE.get(con, "divider") == 1


@pytest.mark.parametrize("cell_flags,comm_flags", [
    (0, 0),
    (abi.JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED, abi.JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED),
    (abi.JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE, abi.JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED |
     abi.JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE),
    (abi.JAILHOUSE_CELL_PASSIVE_COMMREG, 0),
])
def test_comm_flags_from_cell_flags(cell_flags, comm_flags):
    assert cr.comm_flags(cell_flags) == comm_flags


# ---------------------------------------------------------------- QEMU runs
@needs_qemu
@pytest.mark.parametrize("machine", MACHINES)
def test_reset_jump_placement_and_bsp_only(tmp_path, machine):
    hello = assemble(tmp_path, "hello", HELLO)
    with cr.Cell(machine, cpus=2, mem_mib=64,
                 images=[(hello, 0), (b"\x5a" * 4096, 0x200000)]) as cell:
        res = cell.run(timeout=20, done=r"HELLO from cell")
        assert res.outcome == cr.DONE, res.serial
        assert cell.read_phys(0x500, 4) == struct.pack("<I", 0xC0FFEE42)
        assert cell.read_phys(0x200000, 4096) == b"\x5a" * 4096
        st = cell.cpu_states()
        assert len(st) == 2
        assert st[0]["halted"] and st[0]["cs"] == 0
        # QEMU starts only the BSP: the AP is still at F000:FFF0, waiting for SIPI
        assert st[1]["at_reset_vector"]
        assert struct.unpack("<H", cell.read_phys(0x5E0, 2))[0] == 1


@needs_qemu
@pytest.mark.parametrize("machine", MACHINES)
def test_init_sipi_wakes_aps(tmp_path, machine):
    sipi = assemble(tmp_path, "sipi", SIPI)
    with cr.Cell(machine, cpus=3, mem_mib=64,
                 images=[(sipi, 0), (struct.pack("<H", 3), 0x5F0)]) as cell:
        res = cell.run(timeout=30, done=r"CPUS=")
        assert res.outcome == cr.DONE and res.matched_line == "CPUS=3", res.serial
        assert cell.cpu_halted()


@needs_qemu
@pytest.mark.parametrize("machine", MACHINES)
def test_triple_fault_is_exited(tmp_path, machine):
    tf = assemble(tmp_path, "tf", TRIPLE)
    res = cr.run_cell(machine, 1, 64, [(tf, 0)], timeout=20, done=r"never")
    assert res.outcome == cr.EXITED
    assert res.shutdown_reason == "guest-reset"
    assert "about to triple fault" in res.serial


@needs_qemu
def test_bad_and_timeout(tmp_path):
    hello = assemble(tmp_path, "hello", HELLO)
    res = cr.run_cell("microvm", 1, 64, [(hello, 0)], timeout=20, done=r"never",
                      bad=[r"from\s+cell"])
    assert res.outcome == cr.BAD and res.matched_line == "HELLO from cell"
    res = cr.run_cell("microvm", 1, 64, [(hello, 0)], timeout=0.5, done=r"never")
    assert res.outcome == cr.TIMEOUT and "HELLO" in res.serial


@needs_qemu
def test_image_outside_ram_or_over_rom_is_refused(tmp_path):
    hello = assemble(tmp_path, "hello", HELLO)
    with pytest.raises(cr.CellRunnerError, match="did not land"):
        cr.run_cell("q35", 1, 64, [(hello, 0), (b"x" * 16, 64 << 20)], timeout=5)
    with pytest.raises(cr.CellRunnerError, match="reset ROM window"):
        cr.run_cell("q35", 1, 64, [(hello, 0), (b"x" * 16, 0xF8000)], timeout=5)
