/* SPDX-License-Identifier: MIT */
/*
 * Params, cell config and comm region. Errors here are only recorded: the
 * console is not chosen yet, and which console to use depends on what this
 * step finds. Where config= may lie is lib/policy.c's rule; its place is
 * checked before a byte of it is read, so a wrong config= never reads a
 * device.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/map.h"
#include "lib/commregion.h"
#include "lib/layout.h"
#include "lib/string.h"

/* noinline: called from four places, one copy is shorter */
__attribute__((noinline)) void defer(struct loader_state *s, u32 state)
{
	if (!s->deferred_state) {
		s->deferred = step_err;
		s->deferred_state = state;
	}
}

void discover(struct loader_state *s)
{
	struct params *p = &s->params;
	struct policy_cell *c = &s->cell;
	const struct jailhouse_memory *m;
	u64 len;
	u32 state = JAILHOUSE_CELL_FAILED;

	map_init();
	c->ram = s->ram;
	/* a failed parse leaves the defaults: no console= half-applied */
	if (params_parse((const char *)(uintptr_t)CB_PARAMS_ADDR, CB_PARAMS_SIZE,
			 p, &step_err))
		defer(s, JAILHOUSE_CELL_FAILED);
	if (p->has_config) {
		c->config_addr = p->config_addr;
		if (!policy_config_window(p->config_addr, p->config_size, &len,
					  &step_err) &&
		    !map_ram(p->config_addr, len, &step_err) &&
		    !cellcfg_parse((const void *)(uintptr_t)p->config_addr, len,
				   &s->cfg, &step_err))
			c->cfg = &s->cfg;
		else
			defer(s, JAILHOUSE_CELL_FAILED);
	}

	/* the comm region: from the config, else comm=, else the default */
	m = c->cfg ? cellcfg_comm_region(c->cfg) : NULL;
	c->comm_addr = m ? m->virt_start : p->has_comm ? p->comm_addr :
		       COMM_REGION_DEFAULT_BASE;
	if (map_ram(c->comm_addr, COMM_REGION_PAGE_SIZE, &step_err))
		goto failed;
	s->comm = (struct jailhouse_comm_region *)(uintptr_t)c->comm_addr;
	if (comm_region_check(s->comm, &step_err)) {
		if (!cb_memcmp(s->comm->signature, COMM_REGION_SIGNATURE,
			       COMM_REGION_SIGNATURE_SIZE))
			state = JAILHOUSE_CELL_FAILED_COMM_REV;
		goto failed;
	}
	s->comm_ok = true;
	return;
failed:
	defer(s, state);
}
