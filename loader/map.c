/* SPDX-License-Identifier: MIT */
#include "loader/map.h"
#include "lib/layout.h"
#include "lib/pagetable.h"

/* The entry code built the PML4, one PDPT and one PD (CB_PT_EARLY_PAGES). */
static struct pt_pool pool;

void map_init(void)
{
	pool.pml4 = (u64 *)(uintptr_t)CB_PT_ADDR;
	pool.next = (u8 *)(uintptr_t)(CB_PT_ADDR + CB_PT_EARLY_PAGES * 0x1000);
	pool.end = (u8 *)(uintptr_t)(CB_PT_ADDR + CB_PT_SIZE);
}

static int map(u64 addr, u64 len, u64 flags, struct cb_err *err)
{
	/* a range that wraps past 2^64 fails pt_map's 48-bit check */
	return pt_map(&pool, addr, addr + len < addr ? ~0ull : addr + len,
		      flags, err);
}

int map_ram(u64 addr, u64 len, struct cb_err *err)
{
	return map(addr, len, 0, err);
}

int map_mmio(u64 addr, u64 len, struct cb_err *err)
{
	return map(addr, len, PT_UNCACHED, err);
}
