; resetrom.asm - 64 KiB reset ROM for running a cellboot "cell" under QEMU.
;
; Build:  nasm -f bin -o build/resetrom.bin tests/qemu/resetrom.asm
; Use:    qemu-system-x86_64 -bios build/resetrom.bin ...
;
; A Jailhouse x86 cell starts every CPU in real mode at CS:IP = 0000:0000
; (cpu_reset_address 0).  QEMU starts the boot CPU at the architectural reset
; vector F000:FFF0 (physical 0xFFFFFFF0, aliased at 0xFFFF0), so the only job
; of this ROM is to get the boot CPU from there to 0000:0000 without touching
; any other state: interrupts off, one far jump.  CR0 is already 0x60000010
; (CD|NW|ET), like Jailhouse's reset state.
;
; QEMU maps a 64 KiB -bios image at 4 GiB - 64 KiB and aliases it at
; 0xF0000-0xFFFFF; pc/q35 insist on a size that is a multiple of 64 KiB.
;
; The image is fully padded with 0xFF (erased flash).  tests/qemu/mkresetrom.py
; produces the same bytes (and, with --cpus N, adds an Intel MP table) and can
; start from this file with --base.

        bits    16
        org     0                       ; offsets are ROM offsets (phys 0xF0000 + x)

ROM_SIZE        equ     0x10000
RESET_OFFSET    equ     0xFFF0

        times   RESET_OFFSET - ($ - $$) db 0xFF

reset_vector:                           ; F000:FFF0
        cli
        jmp     0x0000:0x0000           ; EA 00 00 00 00: CS = 0, IP = 0

        times   ROM_SIZE - ($ - $$) db 0xFF
