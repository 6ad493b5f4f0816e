/* SPDX-License-Identifier: MIT */
/*
 * cellboot.bin layout (preprocessed with cpp; addresses from lib/layout.h).
 * The link fails if the entry page runs into the params buffer, if the
 * image outgrows 16 KiB, if .bss runs into boot_params, or if anything
 * needs relocation or lands in an unnamed section.
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
		/* small, early code shares the first page with the entry */
		*arch/x86/[a-z]*.o(.text .text.*)
		*loader/console.o(.text .text.*)
		*loader/cpus.o(.text .text.*)
		*loader/map.o(.text .text.*)
	}
	entry_page_end = .;

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
		*(.eh_frame*) *(.note*) *(.comment) *(.debug_*)
	}
}

ASSERT(_start == CB_IMAGE_BASE, "cellboot: the entry must be at the cell reset address 0")
ASSERT(entry_page_end <= CB_PARAMS_ADDR, "cellboot: the entry page overlaps the params buffer at 0x1000")
ASSERT(image_end <= CB_IMAGE_MAX, "cellboot: the image outgrows its 16 KiB budget")
ASSERT(__bss_end <= CB_BSS_END, "cellboot: .bss runs into boot_params at 0x8000")
ASSERT(SIZEOF(.got) == 0, "cellboot: the image must not need a GOT")
ASSERT(SIZEOF(.rela) == 0, "cellboot: the image must not carry relocations")
