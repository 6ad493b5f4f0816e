/* SPDX-License-Identifier: MIT */
#ifndef CELLBOOT_LIB_COMMREGION_H
#define CELLBOOT_LIB_COMMREGION_H

#include "lib/error.h"
#include "lib/abi/comm_region.h"

/* Checks signature and ABI revision. Returns 0 or -1 with err. */
int comm_region_check(const struct jailhouse_comm_region *c,
		      struct cb_err *err);

#endif
