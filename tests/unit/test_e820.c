/* SPDX-License-Identifier: MIT */
/*
 * lib/e820.c: adding entries (limits, empty, wrapping), sorting and
 * overlap detection, the map of a cell config (RAM regions, the comm
 * region as reserved, shared memory and I/O left out) and the merged RAM
 * ranges the planner uses.
 */
#include "tests/unit/helpers.h"
#include "lib/e820.h"

static struct boot_e820_entry ents[300];
static struct e820_table t;
static struct cb_err err;

static void table(u32 max)
{
	memset(ents, 0x5a, sizeof(ents));
	t.e = ents;
	t.count = 0;
	t.max = max;
	err_reset(&err);
}

static void expect_entry(u32 i, u64 addr, u64 size, u32 type)
{
	assert_int_equal(t.e[i].addr, addr);
	assert_int_equal(t.e[i].size, size);
	assert_int_equal(t.e[i].type, type);
}

static void test_add(void **state)
{
	(void)state;
	table(4);
	assert_ok(e820_add(&t, 0x200000, 0x3e00000, E820_TYPE_RAM, &err), err);
	assert_ok(e820_add(&t, 0, 0x100000, E820_TYPE_RAM, &err), err);
	assert_ok(e820_add(&t, 0x100000, 0x1000, E820_TYPE_RESERVED, &err), err);
	assert_int_equal(t.count, 3);
	/* in the order added */
	expect_entry(0, 0x200000, 0x3e00000, 1);
	expect_entry(1, 0, 0x100000, 1);
	expect_entry(2, 0x100000, 0x1000, 2);
	/* the entries are the packed 20-byte boot_e820_entry */
	assert_int_equal(rd64(ents, 20 + 0), 0);
	assert_int_equal(rd64(ents, 20 + 8), 0x100000);
	assert_int_equal(rd32(ents, 20 + 16), 1);
	assert_int_equal(rd64(ents, 40 + 0), 0x100000);
	assert_int_equal(rd32(ents, 40 + 16), 2);
	assert_int_equal(((u8 *)ents)[60], 0x5a);	/* nothing past it */
	/* any type number is stored as given */
	assert_ok(e820_add(&t, 0x10000000, 0x1000, 7, &err), err);
	expect_entry(3, 0x10000000, 0x1000, 7);
}

static void test_add_errors(void **state)
{
	/*
	 * e820_add on a table of max entries holding full entries (0 or 2:
	 * [0xffffffffffffe000, +0x1000) and [0, 1)): the exact error, and
	 * nothing added.
	 */
	static const struct {
		const char *name;
		u32 max;
		bool full;
		u64 addr, size;
		const char *detail;
	} rows[] = {
		{ "empty entry", 2, false, 0x1000, 0,
		  "0x1000+0x0 is empty or wraps" },
		{ "entry past 2^64", 2, false, 0xfffffffffffff000ull, 0x2000,
		  "0xfffffffffffff000+0x2000 is empty or wraps" },
		/* ending exactly at 2^64 wraps to 0 */
		{ "entry ending at 2^64", 2, false, 0xfffffffffffff000ull,
		  0x1000, "0xfffffffffffff000+0x1000 is empty or wraps" },
		/* full: the limit comes first, whatever the entry */
		{ "full table", 2, true, 0x1000, 0x1000, "more than 2 entries" },
		{ "full table, empty entry", 2, true, 0x1000, 0,
		  "more than 2 entries" },
		{ "table of 0 entries", 0, false, 0x1000, 0x1000,
		  "more than 0 entries" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		table(rows[i].max);
		if (rows[i].full) {
			assert_ok(e820_add(&t, 0xffffffffffffe000ull, 0x1000, 1,
					   &err), err);
			assert_ok(e820_add(&t, 0, 1, 1, &err), err);
		}
		assert_row_fail(rows[i].name,
				e820_add(&t, rows[i].addr, rows[i].size, 1, &err),
				err, "e820", rows[i].detail);
		assert_row_equal(rows[i].name, "count", t.count,
				 rows[i].full ? 2 : 0);
	}
}

static void test_finish_sorts(void **state)
{
	(void)state;
	table(8);
	assert_ok(e820_add(&t, 0x40000000, 0x1000, 1, &err), err);
	assert_ok(e820_add(&t, 0x200000, 0x100000, 1, &err), err);
	assert_ok(e820_add(&t, 0, 0x100000, 1, &err), err);
	assert_ok(e820_add(&t, 0x100000, 0x1000, 2, &err), err);
	assert_ok(e820_add(&t, 0x300000, 0x1000, 2, &err), err);
	assert_ok(e820_finish(&t, &err), err);
	assert_int_equal(t.count, 5);
	expect_entry(0, 0, 0x100000, 1);
	expect_entry(1, 0x100000, 0x1000, 2);
	expect_entry(2, 0x200000, 0x100000, 1);
	expect_entry(3, 0x300000, 0x1000, 2);	/* adjacent: fine */
	expect_entry(4, 0x40000000, 0x1000, 1);
	/* empty and one-entry tables are fine */
	table(8);
	assert_ok(e820_finish(&t, &err), err);
	assert_ok(e820_add(&t, 5, 5, 1, &err), err);
	assert_ok(e820_finish(&t, &err), err);
	/* a reverse-sorted long table */
	table(300);
	for (u32 i = 0; i < 300; i++)
		assert_ok(e820_add(&t, (u64)(299 - i) * 0x2000, 0x1000,
				   i & 1 ? 1 : 2, &err), err);
	assert_ok(e820_finish(&t, &err), err);
	for (u32 i = 0; i < 300; i++) {
		assert_int_equal(t.e[i].addr, (u64)i * 0x2000);
		assert_int_equal(t.e[i].type, (299 - i) & 1 ? 1 : 2);
	}
}

static void test_finish_overlap(void **state)
{
	/* two entries added in this order; e820_finish names the overlap */
	static const struct {
		const char *name;
		struct boot_e820_entry e[2];
		const char *detail;
	} rows[] = {
		/* named in sorted order: the lower entry first */
		{ "lower entry added second",
		  { { 0x100000, 0x1000, 2 }, { 0, 0x200000, 1 } },
		  "0x0+0x200000 overlaps 0x100000+0x1000" },
		{ "one byte",
		  { { 0x1000, 0x1000, 1 }, { 0x1fff, 0x10, 1 } },
		  "0x1000+0x1000 overlaps 0x1fff+0x10" },
		{ "same start",
		  { { 0x5000, 0x1000, 1 }, { 0x5000, 0x1000, 2 } },
		  "0x5000+0x1000 overlaps 0x5000+0x1000" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		table(8);
		for (int j = 0; j < 2; j++)
			assert_ok(e820_add(&t, rows[i].e[j].addr,
					   rows[i].e[j].size, rows[i].e[j].type,
					   &err), err);
		assert_row_fail(rows[i].name, e820_finish(&t, &err), err, "e820",
				rows[i].detail);
	}
}

/* ---- from a cell config ------------------------------------------------- */

static struct jailhouse_memory mem[8];
static struct cell_config cfg;

static void cell(u32 n)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.mem = mem;
	cfg.num_mem = n;
}

static void test_from_cell(void **state)
{
	(void)state;
	/* a linux-x86-demo-like cell, not in address order */
	mem[0] = (struct jailhouse_memory){ 0x3a700000, 0x200000, 0x4000000, RAM_FLAGS };
	mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0x1000, COMM_FLAGS };
	mem[2] = (struct jailhouse_memory){ 0x3a600000, 0, 0x100000,
					    RAM_FLAGS & ~JAILHOUSE_MEM_LOADABLE };
	/* ivshmem shared memory: ROOTSHARED, never RAM */
	mem[3] = (struct jailhouse_memory){ 0x3f100000, 0x3f100000, 0x100000,
					    JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
					    JAILHOUSE_MEM_ROOTSHARED };
	/* an MMIO window */
	mem[4] = (struct jailhouse_memory){ 0xfed00000, 0xfed00000, 0x1000,
					    JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
					    JAILHOUSE_MEM_IO | JAILHOUSE_MEM_IO_32 };
	/* R|W|X without DMA: not RAM by pyjailhouse's rule either */
	mem[5] = (struct jailhouse_memory){ 0, 0x50000000, 0x1000,
					    JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE |
					    JAILHOUSE_MEM_EXECUTE };
	/* RAM above 4 GiB */
	mem[6] = (struct jailhouse_memory){ 0x100000000ull, 0x100000000ull,
					    0x40000000, RAM_FLAGS };
	cell(7);
	table(16);
	assert_ok(e820_from_cell(&t, &cfg, &err), err);
	assert_int_equal(t.count, 4);
	/* sorted by virt_start; phys_start plays no part */
	expect_entry(0, 0, 0x100000, E820_TYPE_RAM);
	expect_entry(1, 0x100000, 0x1000, E820_TYPE_RESERVED);
	expect_entry(2, 0x200000, 0x4000000, E820_TYPE_RAM);
	expect_entry(3, 0x100000000ull, 0x40000000, E820_TYPE_RAM);

	/* the same cell into a table too small for it */
	table(3);
	assert_fail(e820_from_cell(&t, &cfg, &err), err, "e820",
		    "more than 3 entries");
	/* skipped regions do not count against the limit */
	table(4);
	assert_ok(e820_from_cell(&t, &cfg, &err), err);
}

static void test_from_cell_overlap_and_empty(void **state)
{
	(void)state;
	mem[0] = (struct jailhouse_memory){ 0, 0, 0x200000, RAM_FLAGS };
	mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0x1000, COMM_FLAGS };
	cell(2);
	table(16);
	assert_fail(e820_from_cell(&t, &cfg, &err), err, "e820",
		    "0x0+0x200000 overlaps 0x100000+0x1000");

	/* a cell without RAM or comm region gives an empty (valid) table */
	mem[0].flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO;
	cell(1);
	table(16);
	assert_ok(e820_from_cell(&t, &cfg, &err), err);
	assert_int_equal(t.count, 0);
	cell(0);
	assert_ok(e820_from_cell(&t, &cfg, &err), err);
	assert_int_equal(t.count, 0);

	/*
	 * A zero-sized region is a placeholder (docs/cell-config-rules.md),
	 * whatever its flags: never an e820 entry, never an error.
	 */
	mem[0] = (struct jailhouse_memory){ 0, 0x1000, 0, RAM_FLAGS };
	mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0, COMM_FLAGS };
	mem[2] = (struct jailhouse_memory){ 0, 0x200000, 0x1000, RAM_FLAGS };
	cell(3);
	table(16);
	assert_ok(e820_from_cell(&t, &cfg, &err), err);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.e[0].addr, 0x200000);

	/* e820_add itself still refuses an empty entry */
	table(16);
	assert_fail(e820_add(&t, 0x1000, 0, 1, &err), err, "e820",
		    "0x1000+0x0 is empty or wraps");
}

/* ---- RAM ranges ----------------------------------------------------------- */

static void test_ram_ranges(void **state)
{
	struct range out[8];

	(void)state;
	table(16);
	assert_ok(e820_add(&t, 0, 0x100000, 1, &err), err);
	assert_ok(e820_add(&t, 0x100000, 0x100000, 1, &err), err);	/* adjacent */
	assert_ok(e820_add(&t, 0x200000, 0x1000, 2, &err), err);
	assert_ok(e820_add(&t, 0x201000, 0xdff000, 1, &err), err);
	assert_ok(e820_add(&t, 0x1000000, 0x1000000, 1, &err), err);	/* adjacent */
	assert_ok(e820_add(&t, 0x3000000, 0x1000, 3, &err), err);	/* other */
	assert_ok(e820_add(&t, 0x100000000ull, 0x1000, 1, &err), err);
	assert_ok(e820_finish(&t, &err), err);

	memset(out, 0, sizeof(out));
	assert_int_equal(e820_ram_ranges(&t, out, 8), 3);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].end, 0x200000);
	assert_string_equal(out[0].name, "RAM");
	/* the reserved entry separates; RAM after it merges again */
	assert_int_equal(out[1].start, 0x201000);
	assert_int_equal(out[1].end, 0x2000000);
	assert_int_equal(out[2].start, 0x100000000ull);
	assert_int_equal(out[2].end, 0x100001000ull);
	assert_string_equal(out[2].name, "RAM");

	/*
	 * Only the first max are written, but all are counted (a result
	 * above max means out was too small); merging into the last written
	 * one still happens.
	 */
	memset(out, 0, sizeof(out));
	assert_int_equal(e820_ram_ranges(&t, out, 1), 3);
	assert_int_equal(out[0].start, 0);
	assert_int_equal(out[0].end, 0x200000);
	assert_int_equal(out[1].start, 0);		/* untouched */
	assert_int_equal(out[1].end, 0);
	assert_int_equal(e820_ram_ranges(&t, out, 2), 3);
	assert_int_equal(out[1].start, 0x201000);
	assert_int_equal(out[1].end, 0x2000000);
	assert_int_equal(out[2].end, 0);
	memset(out, 0, sizeof(out));
	assert_int_equal(e820_ram_ranges(&t, out, 0), 3);
	assert_int_equal(out[0].end, 0);
	{
		/* the writes stay inside max entries (ASan on a heap array) */
		struct range *two = malloc(2 * sizeof(*two));

		assert_non_null(two);
		assert_int_equal(e820_ram_ranges(&t, two, 2), 3);
		assert_int_equal(two[1].end, 0x2000000);
		free(two);
	}

	/* e820_ram: the same, failing when they do not all fit */
	{
		u32 n = 99;

		memset(out, 0, sizeof(out));
		err_reset(&err);
		assert_fail(e820_ram(&t, out, 2, &n, &err), err, "memory",
			    "3 RAM ranges, max 2");
		assert_int_equal(n, 3);
		err_reset(&err);
		assert_fail(e820_ram(&t, out, 0, &n, &err), err, "memory",
			    "3 RAM ranges, max 0");
		n = 99;
		err_reset(&err);
		assert_ok(e820_ram(&t, out, 3, &n, &err), err);
		assert_int_equal(n, 3);
		assert_int_equal(out[2].start, 0x100000000ull);
		assert_null(err.what);
	}

	/* no RAM at all */
	table(4);
	assert_ok(e820_add(&t, 0x100000, 0x1000, 2, &err), err);
	assert_int_equal(e820_ram_ranges(&t, out, 8), 0);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(e820_type_name(E820_TYPE_RAM), "RAM");
	assert_string_equal(e820_type_name(E820_TYPE_RESERVED), "reserved");
	assert_string_equal(e820_type_name(0), "other");
	assert_string_equal(e820_type_name(3), "other");
	assert_string_equal(e820_type_name(0xffffffff), "other");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_finish_sorts),
		cmocka_unit_test(test_finish_overlap),
		cmocka_unit_test(test_from_cell),
		cmocka_unit_test(test_from_cell_overlap_and_empty),
		cmocka_unit_test(test_ram_ranges),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
