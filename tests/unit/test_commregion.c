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

/*
 * A page the check refuses: the good page with another signature or
 * revision, or the whole page one byte value. The detail quotes the
 * signature, the revision and the region's address ("%#lx" of the pointer).
 */
struct bad_row {
	const char *name;
	bool blank;			/* the whole page blank_byte instead */
	u8 blank_byte;
	char sig[7];			/* 6 bytes */
	u16 revision;
	const char *want_sig;
	unsigned int want_rev;
};

static void run_bad_rows(const struct bad_row *rows, size_t n)
{
	struct jailhouse_comm_region *c = (struct jailhouse_comm_region *)page;
	char want[CB_ERR_DETAIL_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct bad_row *r = &rows[i];

		if (r->blank) {
			memset(page, r->blank_byte, sizeof(page));
		} else {
			fill_good();
			memcpy(page, r->sig, 6);
			wr16(page, 0x06, r->revision);
		}
		snprintf(want, sizeof(want),
			 "\"%s\" revision %u at 0x%lx, want JHCOMM 2",
			 r->want_sig, r->want_rev, (unsigned long)(uintptr_t)c);
		err_reset(&err);
		assert_row_fail(r->name, comm_region_check(c, &err), err,
				"comm region", want);
	}
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
	static const struct bad_row rows[] = {
		{ "last letter X", .sig = "JHCOMX", .revision = 2,
		  .want_sig = "JHCOMX", .want_rev = 2 },
		/* a cell config, not the page */
		{ "cell config signature", .sig = "JHCLL\0", .revision = 2,
		  .want_sig = "JHCLL", .want_rev = 2 },
		/* only six bytes are quoted: the revision bytes follow directly */
		{ "lower case", .sig = "jhcomm", .revision = 2,
		  .want_sig = "jhcomm", .want_rev = 2 },
		/*
		 * Issue 8, item 7: an unmapped or zeroed page, or any
		 * unprintable byte: \xNN, never the raw byte (a NUL ends the
		 * signature)
		 */
		{ "zeroed page", .blank = true, .blank_byte = 0,
		  .want_sig = "", .want_rev = 0 },
		{ "page of 0xff", .blank = true, .blank_byte = 0xff,
		  .want_sig = "\\xff\\xff\\xff\\xff\\xff\\xff",
		  .want_rev = 0xffff },
		{ "control byte first", .sig = "\x1fHCOMM", .revision = 2,
		  .want_sig = "\\x1fHCOMM", .want_rev = 2 },
		{ "CR, LF and ESC", .sig = "J\r\nXY\x1b", .revision = 2,
		  .want_sig = "J\\x0d\\x0aXY\\x1b", .want_rev = 2 },
	};

	(void)state;
	run_bad_rows(rows, ARRAY_SIZE(rows));
}

static void test_bad_revision(void **state)
{
	static const struct bad_row rows[] = {
		{ "revision 1", .sig = "JHCOMM", .revision = 1,
		  .want_sig = "JHCOMM", .want_rev = 1 },
		{ "revision 3", .sig = "JHCOMM", .revision = 3,
		  .want_sig = "JHCOMM", .want_rev = 3 },
		/* byte-swapped 2 */
		{ "revision 2 byte-swapped", .sig = "JHCOMM", .revision = 0x0200,
		  .want_sig = "JHCOMM", .want_rev = 512 },
	};

	(void)state;
	run_bad_rows(rows, ARRAY_SIZE(rows));
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
