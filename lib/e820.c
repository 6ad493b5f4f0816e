/* SPDX-License-Identifier: MIT */
#include "lib/e820.h"

int e820_add(struct e820_table *t, u64 addr, u64 size, u32 type,
	     struct cb_err *err)
{
	if (t->count == t->max)
		return cb_fail(err, "e820", "more than %u entries", t->max);
	if (size == 0 || addr + size < addr)
		return cb_fail(err, "e820", "%#lx+%#lx is empty or wraps",
			       (u64)addr, (u64)size);
	t->e[t->count].addr = addr;
	t->e[t->count].size = size;
	t->e[t->count].type = type;
	t->count++;
	return 0;
}

int e820_finish(struct e820_table *t, struct cb_err *err)
{
	struct boot_e820_entry *e = t->e;

	/* insertion sort by address, then no entry may reach into the next */
	for (u32 i = 1; i < t->count; i++) {
		struct boot_e820_entry x = e[i];
		u32 j = i;

		for (; j > 0 && e[j - 1].addr > x.addr; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
	for (struct boot_e820_entry *p = e + 1; p < e + t->count; p++)
		if (p[-1].addr + p[-1].size > p->addr)
			return cb_fail(err, "e820", "%#lx+%#lx overlaps "
				       "%#lx+%#lx",
				       (u64)p[-1].addr,
				       (u64)p[-1].size,
				       (u64)p->addr,
				       (u64)p->size);
	return 0;
}

int e820_from_cell(struct e820_table *t, const struct cell_config *cfg,
		   struct cb_err *err)
{
	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];
		u32 type;

		if (cellcfg_mem_is_ram(m))
			type = E820_TYPE_RAM;
		else if (cellcfg_mem_is_comm(m))
			type = E820_TYPE_RESERVED;
		else
			continue;
		if (e820_add(t, m->virt_start, m->size, type, err))
			return -1;
	}
	return e820_finish(t, err);
}

u32 e820_ram_ranges(const struct e820_table *t, struct range *out, u32 max)
{
	u32 n = 0;
	u64 end = 0;

	for (u32 i = 0; i < t->count; i++) {
		const struct boot_e820_entry *e = &t->e[i];

		if (e->type != E820_TYPE_RAM)
			continue;
		if (!n || end != e->addr) {
			if (n < max) {
				out[n].start = e->addr;
				out[n].name = "RAM";
			}
			n++;
		}
		end = e->addr + e->size;
		if (n <= max)
			out[n - 1].end = end;
	}
	return n;
}

const char *e820_type_name(u32 type)
{
	switch (type) {
	case E820_TYPE_RAM: return "RAM";
	case E820_TYPE_RESERVED: return "reserved";
	default: return "other";
	}
}

int e820_ram(const struct e820_table *t, struct range *out, u32 max, u32 *n,
	     struct cb_err *err)
{
	*n = e820_ram_ranges(t, out, max);
	if (*n > max)
		return cb_fail(err, "memory", "%u RAM ranges, max %u", *n, max);
	return 0;
}
