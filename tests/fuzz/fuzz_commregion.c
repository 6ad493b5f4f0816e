/* SPDX-License-Identifier: MIT */
/*
 * comm_region_check() has no length argument: its contract is one whole
 * struct jailhouse_comm_region (the loader maps the full page). The fuzz
 * bytes fill a heap copy of exactly that struct (zero-padded when short,
 * extra bytes ignored), so a read past the struct is an ASan report. A
 * region that passes the check then feeds the SETUP_JAILHOUSE payload the
 * loader builds from it, with an APIC-ID count taken from the tail.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/commregion.h"
#include "lib/jhsetup.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	size_t n = sizeof(struct jailhouse_comm_region);
	struct jailhouse_comm_region *c = calloc(1, n);
	struct jailhouse_setup_data jh;
	struct cb_err err;
	u8 ids[JAILHOUSE_SETUP_MAX_CPUS + 1];
	u32 num;
	int rc;

	if (!c)
		abort();
	memcpy(c, data, size < n ? size : n);
	memset(&err, 0, sizeof(err));
	rc = comm_region_check(c, &err);
	if (rc) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "comm region"), "subject '%s'",
			   err.what);
	} else {
		FUZZ_CHECK(!memcmp(c->signature, "JHCOMM", 6) &&
			   c->revision == COMM_REGION_ABI_REVISION,
			   "accepted signature/revision %u", c->revision);
		for (u32 i = 0; i < sizeof(ids); i++)
			ids[i] = (u8)i;
		num = size > n ? data[n] : c->num_cpus;	/* may exceed 255 */
		if (size > n + 1)
			num += data[n + 1];
		jh_setup_fill(&jh, c, NULL, ids, num);
		FUZZ_CHECK(jh.num_cpus == (num > 255 ? 255 : num) &&
			   jh.tsc_khz == c->tsc_khz &&
			   jh.apic_khz == c->apic_khz &&
			   jh.pm_timer_address == c->pm_timer_address &&
			   jh.pci_mmconfig_base == c->pci_mmconfig_base,
			   "SETUP_JAILHOUSE does not reflect the comm region");
	}
	free(c);
	return 0;
}
