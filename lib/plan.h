/* SPDX-License-Identifier: MIT */
/*
 * Placement: where the kernel runs and where the initrd stays.
 *
 *   cell RAM  |----------------------------------------------------------|
 *   reserved  [cellboot+tables]  [comm]  [config copy]
 *   kernel file          [setup|protected-mode code]
 *                                ^pm_addr
 *   window                       [runtime .............. runtime+init_size)
 *   initrd                                                   [initrd]  (must not
 *                                                             overlap the window)
 *
 * Preference order: everything in place (zero-copy); initrd moved, kernel in
 * place; kernel moved, initrd in place; both moved. A moved kernel goes to
 * the lowest aligned address >= pref_address whose window fits; a moved
 * initrd to the highest page-aligned address below its limit. Moves happen
 * initrd first, kernel second; the plan guarantees neither destination
 * overwrites a source that is still needed.
 */
#ifndef CELLBOOT_LIB_PLAN_H
#define CELLBOOT_LIB_PLAN_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/range.h"
#include "lib/bzimage.h"

#define PLAN_MAX_RESERVED 16
#define PLAN_INITRD_ALIGN 0x1000u
/*
 * The loader maps (lib/pagetable.c) and so reaches only addresses below
 * 2^47: the planner treats everything from there up as one more reserved
 * range, so that RAM above is never chosen and a file there is refused.
 */
#define PLAN_MAP_LIMIT (1ull << 47)
#define PLAN_MAP_LIMIT_NAME "unmapped space from 2^47"

struct plan_input {
	const struct range *ram;	/* RAM the cell owns, sorted, merged */
	u32 num_ram;
	const struct range *reserved;	/* nothing may be placed over these */
	u32 num_reserved;
	const struct bzimage *k;
	bool has_initrd;
	u64 initrd_addr, initrd_size;
};

struct plan {
	u64 kernel_pm;		/* protected-mode code at handoff; entry +0x200 */
	u64 runtime;		/* where the kernel decompresses itself */
	u64 window_start, window_end;	/* memory the kernel owns at entry */
	bool kernel_moved;
	u64 initrd_addr;	/* final address (0 without initrd) */
	bool initrd_moved;
};

int plan_place(const struct plan_input *in, struct plan *out,
	       struct cb_err *err);

/* Highest address + 1 the initrd may end at, from the kernel header. */
u64 plan_initrd_limit(const struct bzimage *k);

/*
 * [s, e) inside in->ram and clear of in->reserved and of the unmapped
 * space from 2^47, else -1 with the planner's line for `what` (the
 * placement of an uncompressed kernel's segments, lib/elf.c).
 */
int plan_check_placed(const struct plan_input *in, const char *what, u64 s,
		      u64 e, struct cb_err *err);

#endif
