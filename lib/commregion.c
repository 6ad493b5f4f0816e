/* SPDX-License-Identifier: MIT */
#include "lib/commregion.h"
#include "lib/string.h"

int comm_region_check(const struct jailhouse_comm_region *c,
		      struct cb_err *err)
{
	if (cb_memcmp(c->signature, COMM_REGION_SIGNATURE,
		      COMM_REGION_SIGNATURE_SIZE) ||
	    c->revision != COMM_REGION_ABI_REVISION)
		return cb_fail(err, "comm region", "\"%*pE\" revision %u at %#lx, "
			       "want JHCOMM %u", COMM_REGION_SIGNATURE_SIZE,
			       c->signature, c->revision,
			       (u64)(uintptr_t)c,
			       COMM_REGION_ABI_REVISION);
	return 0;
}
