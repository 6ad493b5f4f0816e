/* SPDX-License-Identifier: MIT */
/*
 * A cell description text (docs/cell-description.md) turned into the
 * binary Jailhouse cell config, the one way `mkcell`, `inspect` and `qemu`
 * all do it (tools/lib/celldesc.c, tools/lib/cellcfg_write.c).
 */
#ifndef CELLBOOT_TOOLS_CELLTEXT_H
#define CELLBOOT_TOOLS_CELLTEXT_H

#include "tools/cellboot/util.h"
#include "tools/lib/celldesc.h"

/*
 * The binary config of the description in f: malloc'ed, *len bytes, the
 * parsed model in *d (the caller's: about 20 KiB). NULL with err filled:
 * what "cell description" for a text the parser refuses, "cell config"
 * for a model the writer refuses or no memory.
 */
void *celltext_to_config(const struct cb_file *f, struct cell_desc *d,
			 size_t *len, struct cb_err *err);

#endif
