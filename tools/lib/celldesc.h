/* SPDX-License-Identifier: MIT */
/*
 * Cell description: a small line-oriented text format for a non-root Linux
 * cell (docs/cell-description.md), parsed into a plain C model that
 * cellcfg_write() turns into a binary Jailhouse cell configuration.
 *
 * The model has fixed maximum counts and holds no pointers, so it can be
 * copied, compared and built by hand in tests. It is large (about 20 KiB):
 * the caller owns it.
 */
#ifndef CELLBOOT_TOOLS_LIB_CELLDESC_H
#define CELLBOOT_TOOLS_LIB_CELLDESC_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/abi/cell_config.h"

#define CELLDESC_MAX_CPUS	1024	/* CPU ids 0 .. 1023 */
#define CELLDESC_CPU_WORDS	(CELLDESC_MAX_CPUS / 64)
#define CELLDESC_MAX_MEM	512
#define CELLDESC_MAX_IRQCHIPS	16
#define CELLDESC_MAX_PIO	64
#define CELLDESC_MAX_CACHE	8
#define CELLDESC_MAX_PCI	32
#define CELLDESC_MAX_CAPS	64
#define CELLDESC_MAX_MSIX	16	/* ivshmem vectors the demo uses at most */
#define CELLDESC_PAGE_SIZE	0x1000ull
#define CELLDESC_COMM_SIZE	0x1000ull	/* default comm region size */

/* Default flags of the region keywords. */
#define CELLDESC_RAM_FLAGS \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_EXECUTE | \
	 JAILHOUSE_MEM_DMA | JAILHOUSE_MEM_LOADABLE)
#define CELLDESC_COMM_FLAGS \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_COMM_REGION)
#define CELLDESC_SHMEM_FLAGS \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_ROOTSHARED)
#define CELLDESC_IVSHMEM_BAR0	0xfffff000u	/* 4 KiB register BAR */
#define CELLDESC_IVSHMEM_BAR1	0xfffffe00u	/* MSI-X table BAR */
#define CELLDESC_MMIO_FLAGS \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_IO)

struct celldesc_mem {
	u64 phys;
	u64 virt;
	u64 size;		/* 0: a placeholder, all fields 0 */
	u64 flags;		/* JAILHOUSE_MEM_* */
};

struct celldesc_irqchip {
	u64 address;
	u32 id;
	u32 pin_base;
	u32 pin_bitmap[4];	/* bit n of the map = pin pin_base + n */
};

struct celldesc_pio {
	u16 base;
	u16 length;
};

struct cell_desc {
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];	/* NUL-terminated */
	u32 flags;					/* JAILHOUSE_CELL_* */
	u64 cpus[CELLDESC_CPU_WORDS];	/* bit n of word n/64 = CPU id n */
	u64 cpu_reset_address;		/* always 0 from the parser */
	u64 msg_reply_timeout;
	struct jailhouse_console console;	/* type NONE if absent */
	u32 num_mem;
	u32 num_irqchips;
	u32 num_pio;
	u32 num_cache;
	u32 num_pci;
	u32 num_caps;
	struct celldesc_mem mem[CELLDESC_MAX_MEM];
	struct celldesc_irqchip irqchips[CELLDESC_MAX_IRQCHIPS];
	struct celldesc_pio pio[CELLDESC_MAX_PIO];
	/* these three are written as they are (packed ABI structs) */
	struct jailhouse_cache cache[CELLDESC_MAX_CACHE];
	struct jailhouse_pci_device pci[CELLDESC_MAX_PCI];
	struct jailhouse_pci_capability caps[CELLDESC_MAX_CAPS];
};

/*
 * Parses len bytes of text into *out (fully overwritten). Returns 0, or -1
 * with err filled: what = "cell description", detail = "line N: ...".
 */
int celldesc_parse(const char *text, size_t len, struct cell_desc *out,
		   struct cb_err *err);

/* Number of CPUs in the set, and the highest CPU id (-1 if none). */
unsigned int celldesc_num_cpus(const struct cell_desc *d);
int celldesc_highest_cpu(const struct cell_desc *d);

#endif
