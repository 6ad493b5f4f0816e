/* SPDX-License-Identifier: MIT */
/*
 * Writes a cell description (tools/lib/celldesc.h) as a binary Jailhouse cell
 * configuration, revision 14 (Jailhouse include/jailhouse/cell-config.h):
 * descriptor, cpu set, memory regions (placeholders included), cache
 * regions, irqchips, PIO regions, PCI devices, PCI capabilities. Stream
 * ids (ARM SMMU) are always empty.
 */
#ifndef CELLBOOT_TOOLS_LIB_CELLCFG_WRITE_H
#define CELLBOOT_TOOLS_LIB_CELLCFG_WRITE_H

#include "lib/types.h"
#include "lib/error.h"
#include "tools/lib/celldesc.h"

/*
 * cpu_set_size: whole 64-bit words (the driver reads unsigned longs),
 * enough for the highest CPU id; at least one word.
 */
u32 cellcfg_cpu_set_size(const struct cell_desc *d);

/* Bytes cellcfg_write() produces for d. */
size_t cellcfg_write_size(const struct cell_desc *d);

/*
 * Writes the config into buf. Returns 0 and sets *out_len, or -1 with err
 * filled (what = "cell config") if d is out of bounds or buf too small.
 */
int cellcfg_write(const struct cell_desc *d, void *buf, size_t bufsize,
		  size_t *out_len, struct cb_err *err);

#endif
