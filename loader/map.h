/* SPDX-License-Identifier: MIT */
/* On-demand identity mapping beyond the first GiB the entry code maps. */
#ifndef CELLBOOT_LOADER_MAP_H
#define CELLBOOT_LOADER_MAP_H

#include "lib/error.h"

void map_init(void);
int map_ram(u64 addr, u64 len, struct cb_err *err);
int map_mmio(u64 addr, u64 len, struct cb_err *err);

#endif
