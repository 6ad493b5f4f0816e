/* SPDX-License-Identifier: MIT */
/*
 * cellboot.bin layout (preprocessed with cpp; addresses from lib/layout.h).
 *
 *   CB_IMAGE_BASE   .entry   16-bit entry at 0, then whole objects that fit
 *                            in front of the params buffer
 *   CB_PARAMS_ADDR  .params  the params buffer (CB_PARAMS_SIZE, not code)
 *   after it        .text .rodata .data   everything else, up to CB_IMAGE_MAX
 *
 * The image is split around the params buffer, so the first page holds
 * as much as fits: the arch code and a hand-picked set of small objects
 * (text, rodata and data alike). If the link fails with "the entry page
 * overlaps the params buffer", move an object from the list below to the
 * rest; if it fails with "the image outgrows", move one in (or shrink).
 *
 * The link fails if the entry page runs into the params buffer, if the
 * image outgrows CB_IMAGE_MAX, if .bss runs into the APIC-ID table or
 * boot_params, or if anything needs relocation or lands in an unnamed
 * section.
 */
#include "lib/layout.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

#define ALL(obj) *obj(.text .text.* .rodata .rodata.* .data .data.*)

SECTIONS
{
	. = CB_IMAGE_BASE;
	.entry : {
		KEEP(*(.entry))
		ALL(arch/x86/[a-z]*.o)
		ALL(loader/console.o)
		ALL(loader/cpus.o)
		ALL(loader/map.o)
		ALL(lib/commregion.o)
		ALL(lib/e820.o)
		ALL(lib/error.o)
		ALL(lib/fmt.o)
		ALL(lib/pagetable.o)
		ALL(lib/string.o)
		*(.text.cellcfg_pio_granted .text.cellcfg_mem_granted)
		*lib/plan.o(.text.avoid_add)
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
ASSERT(__bss_end <= CB_CPU_IDS_ADDR, "cellboot: .bss runs into the APIC-ID table below boot_params")
ASSERT(SIZEOF(.got) == 0, "cellboot: the image must not need a GOT")
ASSERT(SIZEOF(.rela) == 0, "cellboot: the image must not carry relocations")
