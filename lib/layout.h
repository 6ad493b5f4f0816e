/* SPDX-License-Identifier: MIT */
/*
 * Every fixed cell address cellboot uses. The linker script, the entry
 * assembly (through the generated build/gen/layout.inc), the loader, the
 * host tool and the tests all read these. docs/layout.md explains each.
 *
 *   0x00000  cellboot image (CB_IMAGE_MAX = 24 KiB in all):
 *            0x00000  16-bit entry, mode switch (section .entry, < 0x400)
 *            0x00400  BIOS data area: 256 zero bytes, what Linux reads
 *                     for the EBDA pointer (0x40e) and base memory (0x413)
 *            0x00500  the rest of the assembly (section .asm)
 *            0x01000  params buffer (2816 bytes), `jailhouse cell load -s`
 *            0x01b00  C code, rodata, data
 *   0x06000  bss: loader state and stack
 *   0x09d00  IDT (32 gates; written first in long mode, before .bss is
 *            cleared, so not part of .bss)
 *   0x09f00  APIC IDs of the CPUs that checked in (255 bytes; written at
 *            reset, before .bss is cleared, so not part of .bss)
 *   0x0a000  boot_params (zero page)
 *   0x0b000  kernel command line (4 KiB; Linux copies 2 KiB from here)
 *   0x0c000  setup_data chain (SETUP_JAILHOUSE, SETUP_E820_EXT)
 *   0x10000  e820 work table
 *   0x15000  page tables
 *   0x23000  end: cellboot touches nothing else below 1 MiB
 *
 * All of it lies below 0x9f000, which QEMU and Linux both treat as plain
 * low RAM (0xa0000-0xfffff is VGA/ROM space on a PC). The APIC-ID table
 * must stay below 64 KiB: the entry code writes it in real mode.
 */
#ifndef CELLBOOT_LIB_LAYOUT_H
#define CELLBOOT_LIB_LAYOUT_H

#define CB_IMAGE_BASE		0x00000
#define CB_ENTRY_MAX		0x00400	/* .entry ends before the BDA */
#define CB_BDA_ADDR		0x00400	/* BIOS data area, zero in the image */
#define CB_BDA_SIZE		0x00100
#define CB_PARAMS_ADDR		0x01000	/* jailhouse cell load -s ... -a 0x1000 */
#define CB_PARAMS_SIZE		0x00b00	/* a 2047-byte command line + options, NUL inside */
#define CB_IMAGE_MAX		0x06000	/* the image budget: 24 KiB */
#define CB_BSS_END		(CB_IMAGE_MAX + 0x4000)
#define CB_CPU_IDS_ADDR		(CB_BSS_END - 0x100)
#define CB_IDT_ADDR		(CB_CPU_IDS_ADDR - 0x200)	/* 32 gates of 16 bytes */
#define CB_BOOT_PARAMS_ADDR	CB_BSS_END
#define CB_CMDLINE_ADDR		(CB_BOOT_PARAMS_ADDR + 0x1000)
#define CB_CMDLINE_SIZE		0x01000
#define CB_SETUP_DATA_ADDR	(CB_CMDLINE_ADDR + CB_CMDLINE_SIZE)
#define CB_SETUP_DATA_SIZE	0x04000
#define CB_E820_ADDR		(CB_SETUP_DATA_ADDR + CB_SETUP_DATA_SIZE)
#define CB_E820_MAX_ENTRIES	1024	/* 20 bytes each */
#define CB_PT_ADDR		(CB_E820_ADDR + 0x5000)	/* PML4, PDPT, PD, then the pool */
#define CB_PT_EARLY_PAGES	3	/* the entry code builds PML4, PDPT, PD */
#define CB_PT_SIZE		0x0e000	/* 14 pages: the early 3 and a pool of 11 */
#define CB_LOW_END		(CB_PT_ADDR + CB_PT_SIZE)
#define CB_STACK_SIZE		0x02000

/*
 * End of the plain low RAM on a PC (0xa0000-0xfffff is VGA/ROM space,
 * the EBDA may sit just below): the cell config copy lies in
 * [CB_LOW_END, CB_LOW_RAM_END), where `cellboot plan` puts it and the
 * loader reads it from (lib/policy.c).
 */
#define CB_LOW_RAM_END		0x9f000

#define CB_EARLY_MAP_END	0x200000	/* the entry maps 0-2 MiB */
#define CB_MAX_CPUS		255

/* GDT selectors: 0x10/0x18 are what Linux's 64-bit boot protocol asks for */
#define CB_SEL_CODE32		0x08
#define CB_SEL_CODE64		0x10
#define CB_SEL_DATA		0x18

#endif
