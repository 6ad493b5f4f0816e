/* SPDX-License-Identifier: MIT */
/*
 * lib/pagetable.c: identity maps with 2 MiB pages, built in a host buffer
 * pool (the tables hold host pointers, and pt_lookup walks them the same
 * way): entries and flags, existing entries kept, rounding, addresses above
 * 4 GiB and 512 GiB, pool exhaustion and the address limit.
 */
#include "tests/unit/helpers.h"
#include "lib/pagetable.h"

#define PAGES 32
#define LEAF (PT_PRESENT | PT_RW | PT_PS)	/* 0x83 */

static u8 *mem;
static struct pt_pool p;
static struct cb_err err;

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(4096, PAGES * 4096);
	if (!mem)
		return -1;
	memset(mem, 0x77, PAGES * 4096);	/* pool pages must be cleared */
	memset(mem, 0, 4096);			/* the PML4 */
	p.pml4 = (u64 *)mem;
	p.next = mem + 4096;
	p.end = mem + PAGES * 4096;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static size_t pages_used(void)
{
	return (size_t)(p.next - mem) / 4096 - 1;
}

static int map(u64 s, u64 e, u64 flags)
{
	err_reset(&err);
	return pt_map(&p, s, e, flags, &err);
}

static u64 table_of(u64 entry)
{
	return entry & PT_ADDR_MASK;
}

static void test_first_gib(void **state)
{
	u64 *pdpt, *pd;

	(void)state;
	assert_ok(map(0, GIB, 0), err);
	assert_int_equal(pages_used(), 2);		/* one PDPT, one PD */
	/* PML4[0] -> PDPT, PDPT[0] -> PD, both present and writable */
	assert_int_equal(p.pml4[0] & 0xfff, PT_PRESENT | PT_RW);
	pdpt = (u64 *)(uintptr_t)table_of(p.pml4[0]);
	assert_ptr_equal(pdpt, mem + 4096);
	assert_int_equal(pdpt[0] & 0xfff, PT_PRESENT | PT_RW);
	pd = (u64 *)(uintptr_t)table_of(pdpt[0]);
	assert_ptr_equal(pd, mem + 2 * 4096);
	for (u64 i = 0; i < 512; i++)
		assert_int_equal(pd[i], i * 0x200000 | LEAF);
	/* the rest of the new tables is zero */
	for (int i = 1; i < 512; i++) {
		assert_int_equal(p.pml4[i], 0);
		assert_int_equal(pdpt[i], 0);
	}
	/* lookups */
	assert_int_equal(pt_lookup(p.pml4, 0), LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x1234567), 0x1200000 | LEAF);
	assert_int_equal(pt_lookup(p.pml4, GIB - 1), (GIB - 0x200000) | LEAF);
	assert_int_equal(pt_lookup(p.pml4, GIB), 0);		/* PD not there */
	assert_int_equal(pt_lookup(p.pml4, 512 * GIB), 0);	/* PDPT not there */
}

static void test_rounding(void **state)
{
	(void)state;
	/* [0x1ff000, 0x201000) touches two 2 MiB pages */
	assert_ok(map(0x1ff000, 0x201000, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0), LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x200000), 0x200000 | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x400000), 0);
	/* one byte maps its whole 2 MiB page */
	assert_ok(map(0x7654321, 0x7654322, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0x7600000), 0x7600000 | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x77fffff), 0x7600000 | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x7800000), 0);
	assert_int_equal(pt_lookup(p.pml4, 0x7400000), 0);
	/* an end on a 2 MiB boundary does not map the next page */
	assert_ok(map(0x8000000, 0x8200000, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0x8200000), 0);
	assert_int_equal(pages_used(), 2);
}

static void test_empty_ranges(void **state)
{
	(void)state;
	assert_ok(map(0x200000, 0x200000, 0), err);
	assert_ok(map(0x400000, 0x200000, 0), err);
	assert_ok(map(UINT64_MAX, 0, 0), err);		/* not even checked */
	assert_int_equal(pages_used(), 0);
	assert_int_equal(p.pml4[0], 0);
	assert_null(err.what);
}

static void test_flags(void **state)
{
	(void)state;
	assert_ok(map(0xfec00000, 0xfec01000, PT_UNCACHED), err);
	/* 0x80 | 0x10 | 0x08 | 0x02 | 0x01 */
	assert_int_equal(pt_lookup(p.pml4, 0xfec00000), 0xfec00000 | 0x9b);
	assert_int_equal(PT_UNCACHED, 0x18);
	assert_int_equal(pages_used(), 2);		/* PDPT + PD of GiB 3 */
	/* PDPT[3] is the one for 3..4 GiB */
	assert_int_not_equal(((u64 *)(uintptr_t)table_of(p.pml4[0]))[3], 0);
	assert_int_equal(((u64 *)(uintptr_t)table_of(p.pml4[0]))[0], 0);
}

static void test_existing_entries_kept(void **state)
{
	(void)state;
	assert_ok(map(0, 0x400000, PT_UNCACHED), err);
	assert_ok(map(0, 0x800000, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0), 0x9b);
	assert_int_equal(pt_lookup(p.pml4, 0x200000), 0x200000 | 0x9b);
	assert_int_equal(pt_lookup(p.pml4, 0x400000), 0x400000 | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x600000), 0x600000 | LEAF);
	/* and the other way round */
	assert_ok(map(0x400000, 0x600000, PT_UNCACHED), err);
	assert_int_equal(pt_lookup(p.pml4, 0x400000), 0x400000 | LEAF);
	assert_int_equal(pages_used(), 2);		/* tables reused */
}

static void test_prebuilt_tables_reused(void **state)
{
	u64 *pdpt = (u64 *)(mem + 4096), *pd = (u64 *)(mem + 2 * 4096);

	(void)state;
	/* what the entry code does: PML4, PDPT and PD already there */
	memset(pdpt, 0, 4096);
	memset(pd, 0, 4096);
	pd[0] = LEAF;
	pdpt[0] = (u64)(uintptr_t)pd | PT_PRESENT | PT_RW;
	p.pml4[0] = (u64)(uintptr_t)pdpt | PT_PRESENT | PT_RW;
	p.next = mem + 3 * 4096;
	assert_ok(map(0, 0x40000000, 0), err);
	assert_int_equal(pages_used(), 2);		/* nothing new */
	assert_int_equal(pd[1], 0x200000 | LEAF);
	assert_int_equal(pd[511], 0x3fe00000 | LEAF);
}

static void test_above_4g_and_512g(void **state)
{
	u64 *pdpt;

	(void)state;
	assert_ok(map(0x100000000ull, 0x100400000ull, 0), err);
	assert_int_equal(pages_used(), 2);
	assert_int_equal(pt_lookup(p.pml4, 0x100000000ull), 0x100000000ull | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x1003fffffull), 0x100200000ull | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x100400000ull), 0);
	assert_int_equal(pt_lookup(p.pml4, 0), 0);	/* PDPT[0] absent */
	pdpt = (u64 *)(uintptr_t)table_of(p.pml4[0]);
	assert_int_not_equal(pdpt[4], 0);		/* 4 GiB = PDPT[4] */

	/* 512 GiB: PML4[1], its own PDPT and PD */
	assert_ok(map(0x8000000000ull, 0x8000200000ull, 0), err);
	assert_int_equal(pages_used(), 4);
	assert_int_not_equal(p.pml4[1], 0);
	assert_int_equal(pt_lookup(p.pml4, 0x8000000000ull), 0x8000000000ull | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x7fffe00000ull), 0);

	/* a range across a 1 GiB boundary needs two PDs */
	assert_ok(map(0x13fe00000ull, 0x140200000ull, 0), err);
	assert_int_equal(pages_used(), 5);
	assert_int_equal(pt_lookup(p.pml4, 0x13fe00000ull), 0x13fe00000ull | LEAF);
	assert_int_equal(pt_lookup(p.pml4, 0x140000000ull), 0x140000000ull | LEAF);

	/* the last page below 2^47 (PML4[255]) */
	assert_ok(map(0x7fffffe00000ull, 0x800000000000ull, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0x7fffffffffffull), 0x7fffffe00000ull | LEAF);
	assert_int_not_equal(p.pml4[255], 0);
}

static void test_pool_exhaustion(void **state)
{
	(void)state;
	/* one free page: the PDPT fits, the PD does not */
	p.end = p.next + 4096;
	assert_fail(map(0, 0x200000, 0), err, "page tables", "out of table pages");
	assert_int_equal(pages_used(), 1);
	assert_int_not_equal(p.pml4[0], 0);		/* the PDPT stays */
	assert_int_equal(pt_lookup(p.pml4, 0), 0);

	/* a second call can use what was allocated, but not more */
	p.end = p.next + 4096;
	assert_ok(map(0, 0x200000, 0), err);
	assert_int_equal(pages_used(), 2);
	assert_fail(map(0x40000000, 0x40200000, 0), err, "page tables",
		    "out of table pages");

	/* less than a whole page left counts as none */
	p.end = p.next + 4095;
	assert_fail(map(0x80000000, 0x80200000, 0), err, "page tables",
		    "out of table pages");
	/* within existing tables no page is needed */
	p.end = p.next;
	assert_ok(map(0x200000, 0x40000000, 0), err);
	assert_int_equal(pt_lookup(p.pml4, 0x3fe00000), 0x3fe00000 | LEAF);
}

static void test_address_limit(void **state)
{
	(void)state;
	/* the detail prints start and (exclusive) end */
	assert_fail(map(0x1000000000000ull, 0x1000000200000ull, 0), err,
		    "page tables", "0x1000000000000-0x1000000200000 is above 2^47");
	/* what map_ram passes for a range that wraps past 2^64 */
	assert_fail(map(0xfffffffffff00000ull, UINT64_MAX, 0), err, "page tables",
		    "0xfffffffffff00000-0xffffffffffffffff is above 2^47");
	assert_fail(map(0, UINT64_MAX, 0), err, "page tables",
		    "0x0-0xffffffffffffffff is above 2^47");
	/* nothing was allocated on the way */
	assert_int_equal(pages_used(), 0);
}

/*
 * Regression (was a bug in pt_map): with 4-level paging an
 * identity map only works below 2^47: virtual addresses from 2^47 up are
 * non-canonical (#GP), and PML4 entries 256-511 map 0xffff8000_00000000
 * and up, not the identity addresses. pt_map accepts ends up to
 * 2^48 - 2 MiB and fills PML4[256..511], so the loader "maps" RAM it then
 * faults on (a triple fault instead of a cellboot error line). Linux's
 * decompressor cannot run above 2^46 anyway. Fix: refuse end > 1ull << 47
 * ("is above 2^47").
 */
static void test_identity_map_stops_at_2_47(void **state)
{
	(void)state;
	assert_int_equal(map(0x800000000000ull, 0x800000200000ull, 0), -1);
	assert_non_null(err.what);
	assert_string_equal(err.what, "page tables");
	assert_int_equal(p.pml4[256], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_gib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_entries_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prebuilt_tables_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_above_4g_and_512g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_address_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_map_stops_at_2_47,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
