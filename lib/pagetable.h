/* SPDX-License-Identifier: MIT */
/*
 * Identity page tables with 2 MiB pages, built into caller-supplied pages.
 * Entries hold the tables' own addresses, so this only works where the
 * tables are identity-mapped (the loader) or when tests walk them with the
 * same pointers.
 */
#ifndef CELLBOOT_LIB_PAGETABLE_H
#define CELLBOOT_LIB_PAGETABLE_H

#include "lib/types.h"
#include "lib/error.h"

#define PT_PRESENT	(1ull << 0)
#define PT_RW		(1ull << 1)
#define PT_PWT		(1ull << 3)
#define PT_PCD		(1ull << 4)
#define PT_PS		(1ull << 7)
#define PT_ADDR_MASK	0x000ffffffffff000ull
#define PT_PAGE_2M	0x200000ull
#define PT_UNCACHED	(PT_PCD | PT_PWT)

struct pt_pool {
	u64 *pml4;		/* the root table (already zeroed or filled) */
	u8 *next, *end;		/* free 4 KiB pages for further tables */
};

/* Maps [start, end) rounded out to 2 MiB; present entries are kept. */
int pt_map(struct pt_pool *p, u64 start, u64 end, u64 flags,
	   struct cb_err *err);

/* Looks up the 2 MiB entry for addr; 0 if not mapped. */
u64 pt_lookup(const u64 *pml4, u64 addr);

#endif
