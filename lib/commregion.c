/* SPDX-License-Identifier: MIT */
#include "lib/commregion.h"
#include "lib/string.h"

int comm_region_check(const struct jailhouse_comm_region *c,
		      struct cb_err *err)
{
	if (cb_memcmp(c->signature, COMM_REGION_SIGNATURE,
		      COMM_REGION_SIGNATURE_SIZE)) {
		char sig[COMM_REGION_SIGNATURE_SIZE + 1];

		for (int i = 0; i < COMM_REGION_SIGNATURE_SIZE; i++) {
			char ch = c->signature[i];

			sig[i] = ch >= ' ' && ch < 0x7f ? ch : '?';
		}
		sig[COMM_REGION_SIGNATURE_SIZE] = '\0';
		return cb_fail(err, "comm region", "bad signature \"%s\" at 0x%llx, "
			       "expected \"JHCOMM\"", sig,
			       (unsigned long long)(uintptr_t)c);
	}
	if (c->revision != COMM_REGION_ABI_REVISION)
		return cb_fail(err, "comm region", "ABI revision %u, cellboot "
			       "speaks revision %u", c->revision,
			       COMM_REGION_ABI_REVISION);
	return 0;
}
