/* SPDX-License-Identifier: MIT */
/*
 * Jailhouse communication region, x86 flavour, ABI revision 2 ("JHCOMM").
 * The hypervisor zeroes the page at cell start and fills these fields.
 */
#ifndef CELLBOOT_ABI_COMM_REGION_H
#define CELLBOOT_ABI_COMM_REGION_H

#include "lib/types.h"
#include "lib/abi/offset.h"
#include "lib/abi/cell_config.h"

#define COMM_REGION_SIGNATURE		"JHCOMM"
#define COMM_REGION_SIGNATURE_SIZE	6
#define COMM_REGION_ABI_REVISION	2
#define COMM_REGION_DEFAULT_BASE	0x100000ull
#define COMM_REGION_PAGE_SIZE		0x1000

/* cell_state */
#define JAILHOUSE_CELL_RUNNING		0
#define JAILHOUSE_CELL_RUNNING_LOCKED	1
#define JAILHOUSE_CELL_SHUT_DOWN	2
#define JAILHOUSE_CELL_FAILED		3
#define JAILHOUSE_CELL_FAILED_COMM_REV	4

/* flags */
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED	0x0001u
#define JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE	0x0002u

/* debug console hypercall */
#define JAILHOUSE_HC_DEBUG_CONSOLE_PUTC	8

struct jailhouse_comm_region {
	char signature[COMM_REGION_SIGNATURE_SIZE];	/* 0x00 */
	u16 revision;				/* 0x06 */
	volatile u32 cell_state;		/* 0x08 */
	volatile u32 msg_to_cell;		/* 0x0c */
	volatile u32 reply_from_cell;		/* 0x10 */
	u32 flags;				/* 0x14 */
	struct jailhouse_console console;	/* 0x18 */
	u64 pci_mmconfig_base;			/* 0x38 */
	u16 pm_timer_address;			/* 0x40 */
	u16 num_cpus;				/* 0x42 */
	u32 tsc_khz;				/* 0x44 */
	u32 apic_khz;				/* 0x48 */
} __attribute__((packed));

ABI_OFFSET(jailhouse_comm_region, revision, 0x06);
ABI_OFFSET(jailhouse_comm_region, cell_state, 0x08);
ABI_OFFSET(jailhouse_comm_region, msg_to_cell, 0x0c);
ABI_OFFSET(jailhouse_comm_region, reply_from_cell, 0x10);
ABI_OFFSET(jailhouse_comm_region, flags, 0x14);
ABI_OFFSET(jailhouse_comm_region, console, 0x18);
ABI_OFFSET(jailhouse_comm_region, pci_mmconfig_base, 0x38);
ABI_OFFSET(jailhouse_comm_region, pm_timer_address, 0x40);
ABI_OFFSET(jailhouse_comm_region, num_cpus, 0x42);
ABI_OFFSET(jailhouse_comm_region, tsc_khz, 0x44);
ABI_OFFSET(jailhouse_comm_region, apic_khz, 0x48);
_Static_assert(sizeof(struct jailhouse_comm_region) == 76, "comm region is 76 bytes");

#endif
