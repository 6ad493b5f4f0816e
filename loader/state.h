/* SPDX-License-Identifier: MIT */
/* What the loader learned so far; one instance, owned by main.c. */
#ifndef CELLBOOT_LOADER_STATE_H
#define CELLBOOT_LOADER_STATE_H

#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/params.h"
#include "lib/plan.h"
#include "loader/cpus.h"

#define LOADER_MAX_RAM_RANGES 64
#define LOADER_MAX_DEFERRED 4

struct loader_state {
	struct params params;
	struct cell_config cfg;
	bool have_cfg;
	struct jailhouse_comm_region *comm;
	u64 comm_addr;
	bool comm_ok;
	struct e820_table e820;
	struct range ram[LOADER_MAX_RAM_RANGES];
	u32 num_ram;
	struct cpus_result cpus;
	/* errors found before the console was up, reported in order */
	struct cb_err deferred[LOADER_MAX_DEFERRED];
	u32 deferred_state[LOADER_MAX_DEFERRED];
	u32 num_deferred;
	struct cb_err console_warning;	/* a console request that was refused */
	bool has_console_warning;
};

/* discover.c: params, cell config, comm region, memory map */
void discover(struct loader_state *s);
/* console_select.c: pick and start the console */
void console_select(struct loader_state *s);
/* boot.c: kernel check, placement, boot_params, handoff */
void __attribute__((noreturn)) boot_kernel(struct loader_state *s);

#endif
