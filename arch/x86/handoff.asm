; SPDX-License-Identifier: MIT
;
; void handoff_jump(u64 entry, u64 boot_params)  -- does not return
;
; Linux 64-bit boot protocol: long mode, identity map covering the kernel
; window, boot_params and command line; GDT with __BOOT_CS 0x10 and
; __BOOT_DS 0x18 (cellboot's own GDT); CS = 0x10, DS = ES = SS = 0x18;
; interrupts off; %rsi = boot_params. entry = protected-mode start + 0x200.

%include "layout.inc"

bits 64
section .asm progbits alloc exec nowrite align=16

global handoff_jump
handoff_jump:
	cli
	mov	ax, CB_SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	xor	ebp, ebp
	xor	ebx, ebx
	jmp	rdi			; %rsi already holds boot_params
