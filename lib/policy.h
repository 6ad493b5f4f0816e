/* SPDX-License-Identifier: MIT */
/*
 * The loader's policy: every decision between the parsers (params, cell
 * config, comm region, e820) and the planner (lib/plan.c), written once.
 * The loader runs it on what it finds in the cell; `cellboot plan` runs it
 * on the files before anything is loaded; the unit tests and the fuzzer
 * build their planner input with it. docs/layout.md says why it is here.
 *
 *   config window   where config= may lie, how much of it is read
 *   memory map      e820 from the cell config, else from mem= and the
 *                   comm region; the RAM ranges; cellboot's low area and
 *                   the config must be cell RAM
 *   console grant   which console= the cell config allows
 *   reserved        cellboot, the comm region, the config (named once)
 *   planner input   a bzImage's, and a vmlinux's with its initrd checked
 */
#ifndef CELLBOOT_LIB_POLICY_H
#define CELLBOOT_LIB_POLICY_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/range.h"
#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/params.h"
#include "lib/plan.h"

#define POLICY_MAX_RAM		160	/* RAM ranges the loader keeps */
#define POLICY_CELL_RESERVED	3	/* cellboot, comm region, config */
#define POLICY_MAX_RESERVED	(POLICY_CELL_RESERVED + 2)	/* + initrd, kernel file */

/* The reserved ranges' names, as the planner's errors print them. */
#define POLICY_NAME_CELLBOOT	"cellboot"
#define POLICY_NAME_COMM	"comm region"
#define POLICY_NAME_CONFIG	"cell config"
#define POLICY_NAME_INITRD	"initrd"
#define POLICY_NAME_FILE	"kernel file"

/* The cell as the loader sees it. */
struct policy_cell {
	const struct cell_config *cfg;	/* NULL: no config */
	u64 config_addr;		/* where the config lies (with cfg) */
	u64 comm_addr;			/* the comm region's page */
	struct range *ram;		/* POLICY_MAX_RAM, policy_memory_map fills */
	u32 num_ram;
};

/*
 * config=ADDR[,SIZE]: *len is how many bytes to read (SIZE, or without it
 * what fits the window, at most Jailhouse's CELLCFG_MAX_SIZE). -1 with the
 * loader's line if that is not inside [CB_LOW_END, CB_LOW_RAM_END), the
 * plain low RAM: checked before a byte is read, so config= never reads a
 * device.
 */
int policy_config_window(u64 addr, u64 size, u64 *len, struct cb_err *err);

/*
 * The memory map into t (t->e and t->max set by the caller): from c->cfg,
 * else from p's mem= plus the comm region as reserved. Then c->ram and
 * c->num_ram, and the checks that cellboot's low area and the config are
 * inside cell RAM. p is read only without a config.
 */
int policy_memory_map(struct policy_cell *c, struct e820_table *t,
		      const struct params *p, struct cb_err *err);

/* May the console be a UART of kind at addr? Without a config: yes. */
bool policy_console_granted(const struct cell_config *cfg,
			    enum console_kind kind, u64 addr);

/* console= in the params: 0 if not given or granted, else -1 and the line. */
int policy_console_request(const struct cell_config *cfg,
			   const struct console_spec *want, struct cb_err *err);

/* Fills r with cellboot, the comm region and (with c->cfg) the config. */
u32 policy_reserved(const struct policy_cell *c, struct range *r);

/* The planner's input and the ranges it points to. */
struct policy_plan {
	struct plan_input in;
	struct range reserved[POLICY_MAX_RESERVED];
};

/*
 * The planner's input for the cell: its RAM, its reserved ranges, the
 * kernel k (a bzImage's header; NULL for a vmlinux) and the initrd where
 * the params put it. All of it for a bzImage.
 */
void policy_plan_input(struct policy_plan *pp, const struct policy_cell *c,
		       const struct bzimage *k, bool has_initrd,
		       u64 initrd_addr, u64 initrd_size);

/*
 * Then, for a vmlinux (docs/vmlinux-boot.md): its initrd stays, so it must
 * lie in RAM clear of the cell's reserved ranges (-1 and the planner's
 * line if not); its segments must also stay clear of the initrd and of the
 * file [file_addr, file_end) they are copied from: both are added.
 */
int policy_plan_vmlinux(struct policy_plan *pp, u64 file_addr, u64 file_end,
			struct cb_err *err);

#endif
