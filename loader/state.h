/* SPDX-License-Identifier: MIT */
/* What the loader learned so far; one instance, owned by main.c. */
#ifndef CELLBOOT_LOADER_STATE_H
#define CELLBOOT_LOADER_STATE_H

#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/params.h"
#include "lib/plan.h"
#include "loader/cpus.h"

#define LOADER_MAX_RAM_RANGES 160

struct loader_state {
	/* small, often used fields first: short displacements in the code */
	bool have_cfg, comm_ok;
	u32 num_ram;
	u32 deferred_state;	/* cell state to report; 0: no error */
	struct jailhouse_comm_region *comm;
	u64 comm_addr;
	const char *console_why;	/* why console_select chose it (log=verbose) */
	struct e820_table e820;
	struct cpus_result cpus;
	struct params params;
	struct cell_config cfg;
	struct range ram[LOADER_MAX_RAM_RANGES];
	/*
	 * The first error found before the console was up (a refused console
	 * request included); reported once the console is chosen.
	 */
	struct cb_err deferred;
};

/* discover.c: params, cell config, comm region, memory map */
void discover(struct loader_state *s);
/* Keeps err for later unless an earlier error is kept already. */
void defer(struct loader_state *s, const struct cb_err *err, u32 state);
/* console_select.c: pick and start the console */
void console_select(struct loader_state *s);
/* boot.c: kernel check, placement, boot_params, handoff */
void __attribute__((noreturn)) boot_kernel(struct loader_state *s);

#endif
