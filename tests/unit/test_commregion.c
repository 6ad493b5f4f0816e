/* SPDX-License-Identifier: MIT */
/*
 * lib/commregion.c: the comm region check (signature "JHCOMM", ABI
 * revision 2), and the region's layout at raw offsets (docs/jailhouse-abi.md 4.2).
 */
#include "tests/unit/helpers.h"
#include "lib/commregion.h"

/* A page as the hypervisor fills it at cell start. */
static u8 page[4096] __attribute__((aligned(4096)));
static struct cb_err err;

static struct jailhouse_comm_region *fill_good(void)
{
	memset(page, 0, sizeof(page));
	memcpy(page, "JHCOMM", 6);
	wr16(page, 0x06, 2);			/* revision */
	wr32(page, 0x14, 0x1);			/* DBG_PUTC_PERMITTED */
	wr64(page, 0x18, 0x3f8);		/* console.address */
	wr16(page, 0x18 + 0x0c, 2);		/* console.type 8250 */
	wr64(page, 0x38, 0xb0000000);		/* pci_mmconfig_base */
	wr16(page, 0x40, 0x408);		/* pm_timer_address */
	wr16(page, 0x42, 3);			/* num_cpus */
	wr32(page, 0x44, 2400000);		/* tsc_khz */
	wr32(page, 0x48, 100000);		/* apic_khz */
	return (struct jailhouse_comm_region *)page;
}

/* The detail names the region's address: "%#lx" of the pointer. */
static void expect_bad(const struct jailhouse_comm_region *c, const char *sig,
		       unsigned int rev)
{
	char want[CB_ERR_DETAIL_MAX];

	snprintf(want, sizeof(want), "\"%s\" revision %u at 0x%lx, want JHCOMM 2",
		 sig, rev, (unsigned long)(uintptr_t)c);
	err_reset(&err);
	assert_fail(comm_region_check(c, &err), err, "comm region", want);
}

static void test_good(void **state)
{
	struct jailhouse_comm_region *c = fill_good();

	(void)state;
	err_reset(&err);
	assert_int_equal(comm_region_check(c, &err), 0);
	assert_null(err.what);				/* untouched */
	assert_string_equal(err.detail, "(untouched)");
	/* the struct reads the raw offsets */
	assert_int_equal(c->revision, 2);
	assert_int_equal(c->cell_state, JAILHOUSE_CELL_RUNNING);
	assert_int_equal(c->flags, JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED);
	assert_int_equal(c->console.address, 0x3f8);
	assert_int_equal(c->console.type, JAILHOUSE_CON_TYPE_8250);
	assert_int_equal(c->pci_mmconfig_base, 0xb0000000);
	assert_int_equal(c->pm_timer_address, 0x408);
	assert_int_equal(c->num_cpus, 3);
	assert_int_equal(c->tsc_khz, 2400000);
	assert_int_equal(c->apic_khz, 100000);
	/* writes land where the hypervisor reads them */
	c->cell_state = JAILHOUSE_CELL_FAILED;
	assert_int_equal(rd32(page, 0x08), 3);
	c->reply_from_cell = 4;
	assert_int_equal(rd32(page, 0x10), 4);
	/* NULL err is fine on success and failure */
	assert_int_equal(comm_region_check(c, NULL), 0);
	page[0] = 'X';
	assert_int_equal(comm_region_check(c, NULL), -1);
}

static void test_bad_signature(void **state)
{
	struct jailhouse_comm_region *c;

	(void)state;
	c = fill_good();
	page[5] = 'X';
	expect_bad(c, "JHCOMX", 2);

	c = fill_good();
	memcpy(page, "JHCLL\0", 6);		/* a cell config, not the page */
	expect_bad(c, "JHCLL", 2);

	/* only six bytes are quoted: the revision bytes follow directly */
	c = fill_good();
	memcpy(page, "jhcomm", 6);
	expect_bad(c, "jhcomm", 2);

	/*
	 * Issue 8, item 7: an unmapped or zeroed page, or any unprintable
	 * byte: \xNN, never the raw byte (a NUL ends the signature)
	 */
	memset(page, 0, sizeof(page));
	c = (struct jailhouse_comm_region *)page;
	expect_bad(c, "", 0);
	memset(page, 0xff, sizeof(page));
	expect_bad(c, "\\xff\\xff\\xff\\xff\\xff\\xff", 0xffff);
	c = fill_good();
	page[0] = 0x1f;
	expect_bad(c, "\\x1fHCOMM", 2);
	c = fill_good();
	memcpy(page, "J\r\nXY\x1b", 6);
	expect_bad(c, "J\\x0d\\x0aXY\\x1b", 2);
}

static void test_bad_revision(void **state)
{
	struct jailhouse_comm_region *c;

	(void)state;
	c = fill_good();
	wr16(page, 0x06, 1);
	expect_bad(c, "JHCOMM", 1);
	wr16(page, 0x06, 3);
	expect_bad(c, "JHCOMM", 3);
	wr16(page, 0x06, 0x0200);		/* byte-swapped 2 */
	expect_bad(c, "JHCOMM", 512);
}

static void test_at_fixed_address_text(void **state)
{
	char want[CB_ERR_DETAIL_MAX];
	struct jailhouse_comm_region *c = fill_good();

	(void)state;
	/* the address part is the pointer in hex with 0x, e.g. 0x100000 */
	wr16(page, 0x06, 1);
	err_reset(&err);
	assert_int_equal(comm_region_check(c, &err), -1);
	snprintf(want, sizeof(want), "%#lx", (unsigned long)(uintptr_t)c);
	assert_non_null(strstr(err.detail, want));
	assert_int_equal(strncmp(err.detail, "\"JHCOMM\" revision 1 at 0x", 25), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_bad_revision),
		cmocka_unit_test(test_at_fixed_address_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
