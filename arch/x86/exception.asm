; SPDX-License-Identifier: MIT
;
; CPU exceptions in long mode: an IDT of 32 interrupt gates, one 4-byte
; stub per vector, and a common path right behind them (in reach of every
; stub's short jump) that calls
;
;   void exception_report(u64 vector, u64 error_code, u64 rip, u64 cr2)
;
; (loader/exception.c: one `cellboot: error: cpu: exception ...` line, cell
; state FAILED, CPU parked). entry.asm calls idt_init as the first thing in
; long mode, so no input can make the loader triple-fault and reset the cell
; silently.
;
; The IDT lives at CB_IDT_ADDR (lib/layout.h), just below the APIC-ID table
; and outside .bss, so it stays valid while .bss is cleared; idt_init writes
; every byte of it. The stubs lie below 64 KiB (the linker script keeps
; .asm below 0x1000): a gate's offset bits 16-63 are zero.

%include "layout.inc"

%define NUM_VECTORS	32
%define STUB_SIZE	4		; push byte (2 bytes), jmp short (2 bytes)
%define GATE_INTR64	0x8e00		; present, DPL 0, 64-bit interrupt gate
; vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF
; #AC #CP #VC #SX (8, 10-14, 17, 21, 29, 30)
%define ERROR_CODE_VECTORS 0x60227d00

extern exception_report
global idt_init
global exception_stubs

section .asm progbits alloc exec nowrite align=16

bits 64
; void idt_init(void): fill the gates and load the IDT. Clobbers rax, rcx, rdi.
idt_init:
	mov	edi, CB_IDT_ADDR
	mov	eax, exception_stubs
	mov	ecx, NUM_VECTORS
.gate:
	mov	[rdi], ax
	mov	word [rdi + 2], CB_SEL_CODE64
	mov	word [rdi + 4], GATE_INTR64
	mov	word [rdi + 6], 0
	mov	qword [rdi + 8], 0
	add	eax, STUB_SIZE
	add	edi, 16
	loop	.gate
	lidt	[idt_ptr]
	ret

align STUB_SIZE
exception_stubs:
%assign vec 0
%rep NUM_VECTORS
	push	byte vec
	jmp	short exception_common
%assign vec vec + 1
%endrep

; stack: vector, [error code], rip, cs, rflags, rsp, ss
exception_common:
	pop	rdi			; vector
	xor	esi, esi
	mov	eax, ERROR_CODE_VECTORS
	bt	eax, edi
	jnc	.no_error_code
	pop	rsi			; error code
.no_error_code:
	mov	rdx, [rsp]		; rip of the faulting instruction
	mov	rcx, cr2
	and	rsp, -16		; the C ABI's stack alignment
	call	exception_report	; does not return
.park:
	cli
	hlt
	jmp	.park

align 8
idt_ptr:
	dw	NUM_VECTORS * 16 - 1
	dq	CB_IDT_ADDR
