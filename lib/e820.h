/* SPDX-License-Identifier: MIT */
/*
 * The e820 map a cell's kernel sees: one RAM (type 1) entry per cell RAM
 * region and one reserved (type 2) entry for the comm region, sorted by
 * address. Shared-memory (ROOTSHARED) and I/O regions never appear.
 */
#ifndef CELLBOOT_LIB_E820_H
#define CELLBOOT_LIB_E820_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/range.h"
#include "lib/cellcfg.h"
#include "lib/abi/bootparam.h"

struct e820_table {
	struct boot_e820_entry *e;
	u32 count, max;
};

int e820_add(struct e820_table *t, u64 addr, u64 size, u32 type,
	     struct cb_err *err);
/* Sorts by address and fails if two entries overlap. */
int e820_finish(struct e820_table *t, struct cb_err *err);
int e820_from_cell(struct e820_table *t, const struct cell_config *cfg,
		   struct cb_err *err);
/*
 * Merged, sorted RAM ranges of the table. Returns how many there are; only
 * the first max are written, so a result above max means out is too small.
 */
u32 e820_ram_ranges(const struct e820_table *t, struct range *out, u32 max);
/* The same, failing when there are more than max ranges. */
int e820_ram(const struct e820_table *t, struct range *out, u32 max, u32 *n,
	     struct cb_err *err);
const char *e820_type_name(u32 type);

#endif
