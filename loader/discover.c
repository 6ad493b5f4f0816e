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

#define CONFIG_MAX_SIZE 0x100000	/* sanity bound without config=ADDR,SIZE */

static void defer(struct loader_state *s, const struct cb_err *err, u32 state)
{
	if (s->num_deferred < LOADER_MAX_DEFERRED) {
		s->deferred[s->num_deferred] = *err;
		s->deferred_state[s->num_deferred] = state;
		s->num_deferred++;
	}
}

static int load_config(struct loader_state *s, struct cb_err *err)
{
	const struct params *p = &s->params;
	const struct jailhouse_cell_desc *d;
	u64 len = p->config_size;

	if (p->config_addr < CB_LOW_END)
		return cb_fail(err, "config", "0x%llx lies inside cellboot's own "
			       "area 0x0-0x%x", (unsigned long long)p->config_addr,
			       CB_LOW_END - 1);
	if (map_ram(p->config_addr, sizeof(*d), err))
		return -1;
	d = (const void *)(uintptr_t)p->config_addr;
	if (!len) {
		/* size not given: trust the counts, within a sanity bound */
		len = sizeof(*d) + (u64)d->cpu_set_size +
		      (u64)d->num_memory_regions * sizeof(struct jailhouse_memory) +
		      (u64)d->num_cache_regions * sizeof(struct jailhouse_cache) +
		      (u64)d->num_irqchips * sizeof(struct jailhouse_irqchip) +
		      (u64)d->num_pio_regions * sizeof(struct jailhouse_pio) +
		      (u64)d->num_pci_devices * sizeof(struct jailhouse_pci_device) +
		      (u64)d->num_pci_caps * sizeof(struct jailhouse_pci_capability) +
		      (u64)d->num_stream_ids * sizeof(u32);
		if (len > CONFIG_MAX_SIZE)
			len = CONFIG_MAX_SIZE;
	}
	if (map_ram(p->config_addr, len, err))
		return -1;
	if (cellcfg_parse(d, len, &s->cfg, err))
		return -1;
	s->have_cfg = true;
	return 0;
}

static int build_memory_map(struct loader_state *s, struct cb_err *err)
{
	const struct params *p = &s->params;

	s->e820.e = (struct boot_e820_entry *)(uintptr_t)CB_E820_ADDR;
	s->e820.max = CB_E820_MAX_ENTRIES;
	s->e820.count = 0;
	if (s->have_cfg) {
		if (e820_from_cell(&s->e820, &s->cfg, err))
			return -1;
	} else if (p->num_mem) {
		for (u32 i = 0; i < p->num_mem; i++)
			if (e820_add(&s->e820, p->mem[i].addr, p->mem[i].size,
				     E820_TYPE_RAM, err))
				return -1;
		if (e820_add(&s->e820, s->comm_addr, COMM_REGION_PAGE_SIZE,
			     E820_TYPE_RESERVED, err) ||
		    e820_finish(&s->e820, err))
			return -1;
	} else {
		return cb_fail(err, "memory", "no config=ADDR and no mem=ADDR,SIZE "
			       "in the params: the cell's RAM is unknown");
	}
	s->num_ram = e820_ram_ranges(&s->e820, s->ram, LOADER_MAX_RAM_RANGES);
	if (!ranges_contain(s->ram, s->num_ram, 0, CB_LOW_END))
		return cb_fail(err, "memory", "cell RAM does not cover 0x0-0x%x, "
			       "where cellboot keeps its tables", CB_LOW_END - 1);
	if (s->have_cfg &&
	    !ranges_contain(s->ram, s->num_ram, p->config_addr,
			    p->config_addr + s->cfg.total_size))
		return cb_fail(err, "config", "0x%llx-0x%llx is not inside cell RAM",
			       (unsigned long long)p->config_addr,
			       (unsigned long long)(p->config_addr +
						    s->cfg.total_size - 1));
	return 0;
}

static void find_comm_region(struct loader_state *s)
{
	const struct jailhouse_memory *m = s->have_cfg ?
		cellcfg_comm_region(&s->cfg) : NULL;
	struct cb_err err;

	if (m)
		s->comm_addr = m->virt_start;
	else if (s->params.has_comm)
		s->comm_addr = s->params.comm_addr;
	else
		s->comm_addr = COMM_REGION_DEFAULT_BASE;
	if (map_ram(s->comm_addr, COMM_REGION_PAGE_SIZE, &err)) {
		defer(s, &err, JAILHOUSE_CELL_FAILED);
		return;
	}
	s->comm = (struct jailhouse_comm_region *)(uintptr_t)s->comm_addr;
	if (comm_region_check(s->comm, &err)) {
		bool rev = s->comm->revision != COMM_REGION_ABI_REVISION &&
			   !cb_memcmp(s->comm->signature, COMM_REGION_SIGNATURE,
				      COMM_REGION_SIGNATURE_SIZE);

		defer(s, &err, rev ? JAILHOUSE_CELL_FAILED_COMM_REV :
				     JAILHOUSE_CELL_FAILED);
		return;
	}
	s->comm_ok = true;
}

void discover(struct loader_state *s)
{
	struct cb_err err;

	map_init();
	if (params_parse((const char *)(uintptr_t)CB_PARAMS_ADDR, CB_PARAMS_SIZE,
			 &s->params, &err)) {
		defer(s, &err, JAILHOUSE_CELL_FAILED);
		s->params.log = LOG_DEFAULT;
	}
	if (s->params.has_config && load_config(s, &err))
		defer(s, &err, JAILHOUSE_CELL_FAILED);
	find_comm_region(s);
	if (!s->num_deferred && build_memory_map(s, &err))
		defer(s, &err, JAILHOUSE_CELL_FAILED);
}
