/* SPDX-License-Identifier: MIT */
/*
 * Params, cell config, comm region and the memory map. Errors here are only
 * recorded: the console is not chosen yet, and which console to use depends
 * on what this step finds.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/map.h"
#include "lib/commregion.h"
#include "lib/layout.h"
#include "lib/string.h"

/*
 * Where the config may lie: the plain low RAM above cellboot's own area,
 * below the PC's legacy hole (where cellboot plan puts it). Its place is
 * checked before a byte of it is read, so a wrong config= never reads a
 * device; that the cell owns it as RAM is checked once the map is known.
 */
#define CONFIG_AREA_END 0x9f000

void defer(struct loader_state *s, const struct cb_err *err, u32 state)
{
	if (!s->deferred_state) {
		s->deferred = *err;
		s->deferred_state = state;
	}
}

void discover(struct loader_state *s)
{
	struct params *p = &s->params;
	struct e820_table *t = &s->e820;
	const struct jailhouse_memory *m;
	u64 len;
	u32 state = JAILHOUSE_CELL_FAILED;
	struct cb_err err;

	map_init();
	/* a failed parse leaves the defaults: no console= half-applied */
	if (params_parse((const char *)(uintptr_t)CB_PARAMS_ADDR, CB_PARAMS_SIZE,
			 p, &err))
		defer(s, &err, JAILHOUSE_CELL_FAILED);
	if (p->has_config) {
		/* size not given: the counts decide, within Jailhouse's bound */
		len = p->config_size ? p->config_size : CELLCFG_MAX_SIZE;
		if (!p->config_size && p->config_addr < CONFIG_AREA_END &&
		    len > CONFIG_AREA_END - p->config_addr)
			len = CONFIG_AREA_END - p->config_addr;
		if (p->config_addr < CB_LOW_END || p->config_addr >= CONFIG_AREA_END ||
		    len > CONFIG_AREA_END - p->config_addr)
			cb_fail(&err, "config", "%#lx-%#lx is outside %#x-%#x, the "
				"low RAM cellboot reads it from", (u64)p->config_addr,
				(u64)(p->config_addr + len - 1), CB_LOW_END,
				CONFIG_AREA_END - 1);
		else if (!map_ram(p->config_addr, len, &err) &&
			 !cellcfg_parse((const void *)(uintptr_t)p->config_addr,
					len, &s->cfg, &err))
			s->have_cfg = true;
		if (!s->have_cfg)
			defer(s, &err, JAILHOUSE_CELL_FAILED);
	}

	/* the comm region: from the config, else comm=, else the default */
	m = s->have_cfg ? cellcfg_comm_region(&s->cfg) : NULL;
	s->comm_addr = m ? m->virt_start : p->has_comm ? p->comm_addr :
		       COMM_REGION_DEFAULT_BASE;
	if (map_ram(s->comm_addr, COMM_REGION_PAGE_SIZE, &err))
		goto failed;
	s->comm = (struct jailhouse_comm_region *)(uintptr_t)s->comm_addr;
	if (comm_region_check(s->comm, &err)) {
		if (!cb_memcmp(s->comm->signature, COMM_REGION_SIGNATURE,
			       COMM_REGION_SIGNATURE_SIZE))
			state = JAILHOUSE_CELL_FAILED_COMM_REV;
		goto failed;
	}
	s->comm_ok = true;
	if (s->deferred_state)
		return;

	/* the memory map: from the config, else from mem= */
	t->e = (struct boot_e820_entry *)(uintptr_t)CB_E820_ADDR;
	t->max = CB_E820_MAX_ENTRIES;
	if (s->have_cfg) {
		if (e820_from_cell(t, &s->cfg, &err))
			goto failed;
	} else if (!p->num_mem) {
		cb_fail(&err, "params", "no config= or mem=: cell RAM unknown");
		goto failed;
	} else {
		for (u32 i = 0; i < p->num_mem; i++)
			if (e820_add(t, p->mem[i].addr, p->mem[i].size,
				     E820_TYPE_RAM, &err))
				goto failed;
		if (e820_add(t, s->comm_addr, COMM_REGION_PAGE_SIZE,
			     E820_TYPE_RESERVED, &err) || e820_finish(t, &err))
			goto failed;
	}
	if (e820_ram(t, s->ram, LOADER_MAX_RAM_RANGES, &s->num_ram, &err))
		goto failed;
	/* cellboot's own area, then the config, must be cell RAM */
	for (u32 i = 0; i < (s->have_cfg ? 2u : 1u); i++) {
		u64 a = i ? p->config_addr : 0;
		u64 e = i ? a + s->cfg.total_size : CB_LOW_END;

		if (!ranges_contain(s->ram, s->num_ram, a, e)) {
			cb_fail(&err, i ? "config" : "memory", "%#lx-%#lx is not "
				"inside cell RAM", a, e - 1);
			goto failed;
		}
	}
	return;
failed:
	defer(s, &err, state);
}
