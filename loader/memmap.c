/* SPDX-License-Identifier: MIT */
/*
 * The memory map step: the e820 table the kernel gets and the cell's RAM
 * ranges, by lib/policy.c's rules (from the cell config, else from mem=),
 * then printed.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "lib/layout.h"

void memory_map(struct loader_state *s)
{
	enum { SHOWN_BY_DEFAULT = 8 };	/* the rest with log=verbose */
	struct e820_table *t = &s->e820;

	t->e = (struct boot_e820_entry *)(uintptr_t)CB_E820_ADDR;
	t->max = CB_E820_MAX_ENTRIES;
	must(policy_memory_map(&s->cell, t, &s->params, &step_err));
	for (u32 i = 0; i < t->count; i++) {
		const struct boot_e820_entry *e = &t->e[i];

		say(i < SHOWN_BY_DEFAULT ? LOG_DEFAULT : LOG_VERBOSE,
		    "e820 %#lx-%#lx %s", (u64)e->addr,
		    (u64)(e->addr + e->size - 1), e820_type_name(e->type));
	}
}
