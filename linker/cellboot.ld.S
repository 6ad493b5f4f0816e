/* SPDX-License-Identifier: MIT */
/*
 * cellboot.bin layout (preprocessed with cpp; addresses from lib/layout.h,
 * explained in docs/layout.md). The image is split by kind of section,
 * never by object:
 *
 *   CB_IMAGE_BASE   .entry   the 16-bit entry at 0 and the mode switch
 *                            (assembly, section .entry), then C functions
 *                            that fit below CB_BDA_ADDR (build/gen/entrypage.ld)
 *   CB_BDA_ADDR     .bda     the BIOS data area: zeros, so what Linux reads
 *                            there (EBDA pointer, base memory size) is defined
 *   after it        .arch    the rest of the assembly (section .asm), the C
 *                            of arch/x86 (thin hardware access), then as many
 *                            C functions as fit before the params buffer:
 *                            chosen by tools/pack-first-page.py from a first
 *                            link (build/gen/firstpage.ld), never by hand
 *   CB_PARAMS_ADDR  .params  the params buffer (CB_PARAMS_SIZE, not code)
 *   after it        .text .rodata .data   all C code and data, up to
 *                            CB_IMAGE_MAX (the one image budget)
 *
 * The link fails if a part outgrows its place, if .bss runs into the
 * APIC-ID table or boot_params, or if anything needs relocation or lands
 * in an unnamed section.
 */
#include "lib/layout.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

SECTIONS
{
	. = CB_IMAGE_BASE;
	.entry : {
		KEEP(*(.entry))
		entry_asm_end = .;
#ifndef CB_FIRST_LINK
		INCLUDE entrypage.ld
#endif
	}
	entry_end = .;

	. = CB_BDA_ADDR;
	.bda : {
		BYTE(0)
		. += CB_BDA_SIZE - 1;
	}

	.arch : {
		*(.asm)
		*arch/x86/[a-z]*.o(.text .text.* .rodata .rodata.* .data .data.*)
		arch_c_end = .;
#ifndef CB_FIRST_LINK
		INCLUDE firstpage.ld
#endif
	}
	arch_end = .;

	. = CB_PARAMS_ADDR;
	.params : {
		params_buffer = .;
		BYTE(0)
		. += CB_PARAMS_SIZE - 1;
	}

	.text : { *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	.data : { *(.data .data.*) }
	.got : { *(.got .got.* .igot.* .iplt .plt .plt.*) }
	.rela : { *(.rela.*) }
	image_end = .;

	. = MAX(image_end, CB_IMAGE_MAX);
	.bss (NOLOAD) : ALIGN(16) {
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		stack_bottom = .;
		. += CB_STACK_SIZE;
		stack_top = .;
		__bss_end = .;
	}

	/DISCARD/ : {
		*(.eh_frame*) *(.note*) *(.comment) *(.debug_*) *(.llvm_addrsig)
	}
}

ASSERT(_start == CB_IMAGE_BASE, "cellboot: the entry must be at the cell reset address 0")
ASSERT(entry_end <= CB_BDA_ADDR, "cellboot: the entry code runs into the BIOS data area at 0x400")
ASSERT(arch_end <= CB_PARAMS_ADDR, "cellboot: arch/x86 runs into the params buffer at 0x1000")
/*
 * The first link only measures: it lays all C out after the params buffer
 * (the gaps are filled by the second), so its image end, and the .bss
 * behind it, may pass limits the final image keeps.
 */
#ifndef CB_FIRST_LINK
ASSERT(image_end <= CB_IMAGE_MAX, "cellboot: the image outgrows its budget (CB_IMAGE_MAX)")
ASSERT(__bss_end <= CB_IDT_ADDR, "cellboot: .bss runs into the IDT below the APIC-ID table")
#endif
ASSERT(SIZEOF(.got) == 0, "cellboot: the image must not need a GOT")
ASSERT(SIZEOF(.rela) == 0, "cellboot: the image must not carry relocations")
