; SPDX-License-Identifier: MIT
;
; cellboot's first instructions, at cell address 0.
;
; On entry (Jailhouse cell start, or INIT-SIPI-SIPI to vector 0 on QEMU):
; every CPU of the cell, real mode, CS:IP = 0000:0000, interrupts off,
; CR0 = CD|NW|ET, no stack.
;
; Every CPU takes a ticket with `lock xadd`, records its initial APIC ID
; and counts itself in. Ticket 0 is the boot CPU; all others park in
; `cli; hlt` in real mode, where Linux later reaches them with INIT/SIPI.
;
; The boot CPU switches real -> protected -> long mode with an identity map
; of the first 2 MiB, re-enables caching the way Jailhouse
; expects (IA32_MTRR_DEF_TYPE.E, CR0.CD/NW clear), clears .bss and calls
; cellboot_main() with DS/ES/SS = 0x18 and a stack in .bss.

%include "layout.inc"

%define CR0_PE		0x00000001
%define CR0_WP		0x00010000
%define CR0_NW		0x20000000
%define CR0_CD		0x40000000
%define CR0_PG		0x80000000
%define CR4_PAE		0x00000020
%define MSR_EFER	0xc0000080
%define EFER_LME	0x00000100
%define MSR_MTRR_DEF_TYPE 0x2ff
%define MTRR_DEF_TYPE_E	0x00000800
%define PTE_P_RW	0x003
%define PDE_2M		0x083		; present, writable, 2 MiB page


extern cellboot_main
extern idt_init
extern __bss_start
extern __bss_end
extern stack_top

global _start
global cpu_arrivals
global cpu_checked_in
global boot_tsc
global gdt

section .entry progbits alloc exec write align=16

bits 16
_start:
	cli
	cld
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	mov	eax, 1
	lock xadd [cpu_arrivals], eax		; eax = this CPU's ticket
	mov	edi, eax
	mov	eax, 1
	cpuid					; EBX[31:24] = initial APIC ID
	shr	ebx, 24
	cmp	edi, CB_MAX_CPUS
	jae	.counted
	mov	[CB_CPU_IDS_ADDR + di], bl	; below 64 KiB, outside .bss
.counted:
	lock inc dword [cpu_checked_in]		; after the ID is visible
	test	edi, edi
	jnz	park

	rdtsc
	mov	[boot_tsc], eax
	mov	[boot_tsc + 4], edx

	lgdt	[gdt_ptr]
	mov	eax, cr0
	and	eax, ~(CR0_CD | CR0_NW)
	or	eax, CR0_PE
	mov	cr0, eax
	jmp	dword CB_SEL_CODE32:protected_mode

park:
	cli
	hlt
	jmp	park

bits 32
protected_mode:
	mov	ax, CB_SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax

	mov	ecx, MSR_MTRR_DEF_TYPE
	rdmsr
	or	eax, MTRR_DEF_TYPE_E
	wrmsr

	; PML4 at CB_PT_ADDR, PDPT at +4K, PD at +8K
	mov	edi, CB_PT_ADDR
	xor	eax, eax
	mov	ecx, CB_PT_EARLY_PAGES * 4096 / 4
	rep stosd
	mov	dword [CB_PT_ADDR], CB_PT_ADDR + 0x1000 + PTE_P_RW
	mov	dword [CB_PT_ADDR + 0x1000], CB_PT_ADDR + 0x2000 + PTE_P_RW
	; only the first 2 MiB: cellboot's own area. The C code maps everything
	; else it touches on demand (loader/map.c), so no time goes into
	; mapping memory nobody reads.
	mov	dword [CB_PT_ADDR + 0x2000], PDE_2M

	mov	eax, CB_PT_ADDR
	mov	cr3, eax
	mov	eax, cr4
	or	eax, CR4_PAE
	mov	cr4, eax
	mov	ecx, MSR_EFER
	rdmsr
	or	eax, EFER_LME
	wrmsr
	mov	eax, cr0
	or	eax, CR0_PG | CR0_WP
	mov	cr0, eax
	jmp	CB_SEL_CODE64:long_mode

bits 64
long_mode:
	mov	ax, CB_SEL_DATA
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	xor	eax, eax
	mov	fs, ax
	mov	gs, ax
	mov	esp, stack_top		; all below 4 GiB: 32-bit moves zero-extend
	call	idt_init		; from here on an exception is an error line

	xor	eax, eax
	mov	edi, __bss_start
	mov	ecx, __bss_end
	sub	ecx, edi
	shr	ecx, 3
	rep stosq

	call	cellboot_main
.halt:
	cli
	hlt
	jmp	.halt

; GDT: 0x10/0x18 are the selectors Linux's 64-bit boot protocol asks for.
; Each descriptor sits at the offset its CB_SEL_* (lib/layout.h) names: the
; TIMES pads up to it, and fails to assemble if the selectors are out of
; order or overlap.
%macro gdt_entry 2
	times	%1 - ($ - gdt) db 0
	dq	%2
%endmacro
align 8
gdt:
	dq	0
	gdt_entry CB_SEL_CODE32, 0x00cf9a000000ffff	; 32-bit code, flat
	gdt_entry CB_SEL_CODE64, 0x00af9a000000ffff	; 64-bit code
	gdt_entry CB_SEL_DATA, 0x00cf92000000ffff	; data, flat, read/write
gdt_end:
gdt_ptr:
	dw	gdt_end - gdt - 1
	dd	gdt

; CPU check-in state. Lives in the image (not .bss) because CPUs write it
; before the boot CPU clears .bss. `jailhouse cell load` sets it to zero, and
; so does the boot CPU when it leaves (handoff or park, loader/cpus.c), so a
; second `jailhouse cell start` without a new load elects a boot CPU again.
; The APIC IDs go to CB_CPU_IDS_ADDR (lib/layout.h): only entries below
; cpu_checked_in are read, so they need no reset.
align 4
cpu_arrivals:	dd 0
cpu_checked_in:	dd 0
boot_tsc:	dq 0
