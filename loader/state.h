/* SPDX-License-Identifier: MIT */
/*
 * What the loader learned so far; one instance, owned by main.c, handed
 * from step to step of cellboot_main().
 */
#ifndef CELLBOOT_LOADER_STATE_H
#define CELLBOOT_LOADER_STATE_H

#include "lib/bootparams.h"
#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/elf.h"
#include "lib/jhsetup.h"
#include "lib/params.h"
#include "lib/plan.h"
#include "lib/policy.h"
#include "loader/cpus.h"

/* What the place step decided, for boot_params, the moves and the handoff. */
struct placement {
	bool elf;		/* an uncompressed kernel (docs/vmlinux-boot.md) */
	u64 entry;
	u32 num_setup_data;	/* for log=verbose */
	struct bzimage k;	/* a vmlinux: the loader's own setup header */
	struct plan pl;		/* a vmlinux: only initrd_addr */
	struct vmlinux v;
	struct setup_header vh;
	struct jailhouse_setup_data jh;
};

struct loader_state {
	/* small, often used fields first: short displacements in the code */
	bool comm_ok;
	u32 deferred_state;	/* cell state to report; 0: no error */
	struct jailhouse_comm_region *comm;
	const char *console_why;	/* why console_select chose it (log=verbose) */
	struct policy_cell cell;	/* cfg NULL without a usable config */
	struct e820_table e820;
	struct cpus_result cpus;
	struct params params;
	struct cell_config cfg;
	struct range ram[POLICY_MAX_RAM];
	/*
	 * The first error found before the console was up (a refused console
	 * request included); reported once the console is chosen.
	 */
	struct cb_err deferred;
	struct placement kernel;
};

/*
 * The error a step fails with (one: the loader stops at the first). Static,
 * not on each step's stack: a smaller frame, shorter code.
 */
extern struct cb_err step_err;
/* A step's call must succeed: rc != 0 ends the boot with step_err. */
void must(int rc);

/* The steps of cellboot_main(), in order. */
/* discover.c: params, cell config, comm region; errors deferred */
void discover(struct loader_state *s);
/* Keeps step_err for later unless an earlier error is kept already. */
void defer(struct loader_state *s, u32 state);
/* console_select.c: pick and start the console */
void console_select(struct loader_state *s);
/* memmap.c: the e820 table and the cell's RAM, printed */
void memory_map(struct loader_state *s);
/* place.c: the kernel checked, where it and the initrd run */
void place(struct loader_state *s);
/* zeropage.c: boot_params, setup_data and the command line */
void build_boot_params(struct loader_state *s);
/* moves.c: the initrd, then the kernel, where they run */
void move_images(struct loader_state *s);
/* handoff.c: the jump into the kernel */
void __attribute__((noreturn)) handoff(struct loader_state *s);

#endif
