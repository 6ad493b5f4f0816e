/* SPDX-License-Identifier: MIT */
#include "lib/policy.h"
#include "lib/commregion.h"
#include "lib/layout.h"

int policy_config_window(u64 addr, u64 size, u64 *len, struct cb_err *err)
{
	u64 room = addr < CB_LOW_RAM_END ? CB_LOW_RAM_END - addr : 0;
	/* size not given: the counts decide, within Jailhouse's bound */
	u64 n = size ? size : CELLCFG_MAX_SIZE;

	if (!size && room && n > room)
		n = room;
	*len = n;
	if (addr < CB_LOW_END || n > room)
		return cb_fail(err, "config", "%#lx-%#lx is outside %#x-%#x, the "
			       "low RAM cellboot reads it from", (u64)addr,
			       (u64)(addr + n - 1), CB_LOW_END, CB_LOW_RAM_END - 1);
	return 0;
}

static int e820_from_params(struct e820_table *t, const struct params *p,
			    u64 comm_addr, struct cb_err *err)
{
	if (!p->num_mem)
		return cb_fail(err, "params", "no config= or mem=: cell RAM "
			       "unknown");
	for (u32 i = 0; i < p->num_mem; i++)
		if (e820_add(t, p->mem[i].addr, p->mem[i].size, E820_TYPE_RAM,
			     err))
			return -1;
	if (e820_add(t, comm_addr, COMM_REGION_PAGE_SIZE, E820_TYPE_RESERVED,
		     err))
		return -1;
	return e820_finish(t, err);
}

static int in_ram(const struct policy_cell *c, const char *what, u64 a,
		  u64 e, struct cb_err *err)
{
	if (ranges_contain(c->ram, c->num_ram, a, e))
		return 0;
	return cb_fail(err, what, "%#lx-%#lx is not inside cell RAM", a, e - 1);
}

int policy_memory_map(struct policy_cell *c, struct e820_table *t,
		      const struct params *p, struct cb_err *err)
{
	if (c->cfg ? e820_from_cell(t, c->cfg, err) :
		     e820_from_params(t, p, c->comm_addr, err))
		return -1;
	/* cellboot's own area, then the config, must be cell RAM */
	if (e820_ram(t, c->ram, POLICY_MAX_RAM, &c->num_ram, err) ||
	    in_ram(c, "memory", 0, CB_LOW_END, err) ||
	    (c->cfg && in_ram(c, "config", c->config_addr,
			      c->config_addr + c->cfg->total_size, err)))
		return -1;
	return 0;
}

bool policy_console_granted(const struct cell_config *cfg,
			    enum console_kind kind, u64 addr)
{
	if (!cfg)
		return true;	/* no config: the integrator said so explicitly */
	return cellcfg_uart_granted(cfg, kind, addr);
}

int policy_console_request(const struct cell_config *cfg,
			   const struct console_spec *want, struct cb_err *err)
{
	if (want->kind <= CONSOLE_NONE ||
	    policy_console_granted(cfg, want->kind, want->addr))
		return 0;
	return cb_fail(err, "console", "%s %#lx is not granted",
		       console_kind_name(want->kind), (u64)want->addr);
}

static void put(struct range *r, u64 start, u64 end, const char *name)
{
	r->start = start;
	r->end = end;
	r->name = name;
}

/* cellboot, the comm region, the config if any: how many */
static inline u32 fill_reserved(const struct policy_cell *c, struct range *r)
{
	put(&r[0], 0, CB_LOW_END, POLICY_NAME_CELLBOOT);
	put(&r[1], c->comm_addr, c->comm_addr + COMM_REGION_PAGE_SIZE,
	    POLICY_NAME_COMM);
	if (!c->cfg)
		return 2;
	put(&r[2], c->config_addr, c->config_addr + c->cfg->total_size,
	    POLICY_NAME_CONFIG);
	return 3;
}

u32 policy_reserved(const struct policy_cell *c, struct range *r)
{
	return fill_reserved(c, r);
}

void policy_plan_input(struct policy_plan *pp, const struct policy_cell *c,
		       const struct bzimage *k, bool has_initrd,
		       u64 initrd_addr, u64 initrd_size)
{
	struct plan_input *in = &pp->in;

	in->k = k;
	in->has_initrd = has_initrd;
	in->initrd_addr = initrd_addr;
	in->initrd_size = initrd_size;
	in->ram = c->ram;
	in->num_ram = c->num_ram;
	in->reserved = pp->reserved;
	in->num_reserved = fill_reserved(c, pp->reserved);
}

int policy_plan_vmlinux(struct policy_plan *pp, u64 file_addr, u64 file_end,
			struct cb_err *err)
{
	struct plan_input *in = &pp->in;
	u64 is = in->initrd_addr, ie = is + in->initrd_size;

	if (in->has_initrd) {
		if (plan_check_placed(in, POLICY_NAME_INITRD, is, ie, err))
			return -1;
		put(&pp->reserved[in->num_reserved++], is, ie,
		    POLICY_NAME_INITRD);
	}
	put(&pp->reserved[in->num_reserved++], file_addr, file_end,
	    POLICY_NAME_FILE);
	return 0;
}
