/* SPDX-License-Identifier: MIT */
/*
 * lib/policy.c, one table per decision the loader and `cellboot plan`
 * share: where config= may lie and how much of it is read, the memory map
 * (from a cell config, or from mem= and the comm region) with the low-area
 * and config checks, the console grant, the reserved ranges and their
 * names, and the planner's input for a bzImage and for a vmlinux (its
 * initrd slot). Every refusal is asserted as the exact line.
 */
#include "tests/unit/helpers.h"
#include "lib/policy.h"
#include "lib/layout.h"

#define COMM 0x100000ull	/* the comm region's page in these cells */
#define CFG_SIZE 0x453ull	/* a config's total_size */
#define NO_ERR NULL

static struct cb_err err;

/* ---- config window ------------------------------------------------------ */

static void test_config_window(void **state)
{
	static const struct {
		const char *row;
		u64 addr, size;		/* config=ADDR[,SIZE]; size 0: none */
		u64 len;		/* read; with an error: its range's */
		const char *detail;	/* NO_ERR: accepted */
	} rows[] = {
		{ "where cellboot plan puts it", CB_LOW_END, CFG_SIZE, CFG_SIZE,
		  NO_ERR },
		{ "no SIZE: Jailhouse's bound", CB_LOW_END, 0, CELLCFG_MAX_SIZE,
		  NO_ERR },
		{ "no SIZE: up to the window's end", 0x98000, 0, 0x7000, NO_ERR },
		{ "ends exactly at the window's end", 0x9e000, 0x1000, 0x1000,
		  NO_ERR },
		{ "below cellboot's end", 0x1000, 0x100, 0x100,
		  "0x1000-0x10ff is outside 0x23000-0x9efff, the low RAM "
		  "cellboot reads it from" },
		{ "one byte below the window", CB_LOW_END - 1, 0x10, 0x10,
		  "0x22fff-0x2300e is outside 0x23000-0x9efff, the low RAM "
		  "cellboot reads it from" },
		{ "a device, no SIZE", 0xfec00000, 0, CELLCFG_MAX_SIZE,
		  "0xfec00000-0xfec0ffff is outside 0x23000-0x9efff, the low "
		  "RAM cellboot reads it from" },
		{ "SIZE runs past the window", 0x9e000, 0x2000, 0x2000,
		  "0x9e000-0x9ffff is outside 0x23000-0x9efff, the low RAM "
		  "cellboot reads it from" },
		{ "at the window's end, no SIZE", CB_LOW_RAM_END, 0,
		  CELLCFG_MAX_SIZE,
		  "0x9f000-0xaefff is outside 0x23000-0x9efff, the low RAM "
		  "cellboot reads it from" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		u64 len = 0;
		int rc;

		err_reset(&err);
		rc = policy_config_window(rows[i].addr, rows[i].size, &len, &err);
		if (rows[i].detail)
			assert_row_fail(rows[i].row, rc, err, "config",
					rows[i].detail);
		else
			assert_row_ok(rows[i].row, rc, err);
		assert_row_equal(rows[i].row, "len", len, rows[i].len);
	}
}

/* ---- memory map --------------------------------------------------------- */

static struct jailhouse_memory mem[4];
static struct jailhouse_pio pio[1];
static struct cell_config cfg;
static struct boot_e820_entry ents[16];
static struct e820_table t;
static struct range ram[POLICY_MAX_RAM];

/* A cell: RAM [0, low_end) and [2 MiB, 66 MiB), the comm region at 1 MiB,
 * port 0x3f8 and an MMIO UART page at 0xfe000000. */
static void make_cell(u64 low_start, u64 low_end)
{
	memset(&cfg, 0, sizeof(cfg));
	mem[0] = (struct jailhouse_memory){ 0x3a000000 + low_start, low_start,
					    low_end - low_start, RAM_FLAGS };
	mem[1] = (struct jailhouse_memory){ 0, COMM, 0x1000, COMM_FLAGS };
	mem[2] = (struct jailhouse_memory){ 0x3a200000, 2 * MIB, 64 * MIB,
					    RAM_FLAGS };
	mem[3] = (struct jailhouse_memory){ 0xfe000000, 0xfe000000, 0x1000,
					    MMIO_FLAGS };
	pio[0] = (struct jailhouse_pio){ 0x3f8, 8 };
	cfg.mem = mem;
	cfg.num_mem = 4;
	cfg.pio = pio;
	cfg.num_pio = 1;
	cfg.total_size = CFG_SIZE;
}

static void map_table(void)
{
	memset(ents, 0x5a, sizeof(ents));
	t = (struct e820_table){ .e = ents, .max = ARRAY_SIZE(ents) };
	err_reset(&err);
}

static void test_memory_map_from_config(void **state)
{
	static const struct {
		const char *row;
		u64 low_start, low_end, config_addr;
		const char *what, *detail;	/* NULL: accepted */
	} rows[] = {
		{ "a usual cell", 0, MIB, 0x23000, NULL, NULL },
		{ "low RAM ends right at the config's end", 0, 0x23453,
		  0x23000, NULL, NULL },
		{ "no RAM at 0", 0x1000, MIB, 0x23000, "memory",
		  "0x0-0x22fff is not inside cell RAM" },
		{ "low RAM ends inside cellboot's area", 0, 0x22000, 0x23000,
		  "memory", "0x0-0x22fff is not inside cell RAM" },
		{ "the config past low RAM", 0, 0x30000, 0x30000, "config",
		  "0x30000-0x30452 is not inside cell RAM" },
		{ "the config's tail past low RAM", 0, 0x23400, 0x23000,
		  "config", "0x23000-0x23452 is not inside cell RAM" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_cell c = { .cfg = &cfg,
					 .config_addr = rows[i].config_addr,
					 .comm_addr = COMM, .ram = ram };
		int rc;

		make_cell(rows[i].low_start, rows[i].low_end);
		map_table();
		/* with a config, the params' mem= plays no part: NULL */
		rc = policy_memory_map(&c, &t, NULL, &err);
		if (rows[i].what) {
			assert_row_fail(rows[i].row, rc, err, rows[i].what,
					rows[i].detail);
			continue;
		}
		assert_row_ok(rows[i].row, rc, err);
		/* RAM, the comm region reserved, RAM; the MMIO page not */
		assert_row_equal(rows[i].row, "e820 count", t.count, 3);
		assert_row_equal(rows[i].row, "e820[1]", ents[1].addr, COMM);
		assert_row_equal(rows[i].row, "e820[1] type", ents[1].type,
				 E820_TYPE_RESERVED);
		assert_row_equal(rows[i].row, "RAM ranges", c.num_ram, 2);
		assert_row_equal(rows[i].row, "RAM 0 end", ram[0].end,
				 rows[i].low_end);
		assert_row_equal(rows[i].row, "RAM 1 start", ram[1].start,
				 2 * MIB);
	}
}

static void test_memory_map_from_params(void **state)
{
	static const struct {
		const char *row;
		u32 num_mem;
		u64 mem[2][2];		/* mem=ADDR,SIZE */
		u64 config_addr;	/* no config: never checked */
		u32 count, num_ram;
		const char *what, *detail;	/* NULL: accepted */
	} rows[] = {
		{ "two ranges around the comm region", 2,
		  { { 0, MIB }, { 2 * MIB, 62 * MIB } }, 0x30000000, 3, 2,
		  NULL, NULL },
		{ "one range below the comm region", 1, { { 0, MIB } }, 0, 2, 1,
		  NULL, NULL },
		{ "no config= or mem=", 0, { { 0 } }, 0, 0, 0, "params",
		  "no config= or mem=: cell RAM unknown" },
		{ "mem= over the comm region", 1, { { 0, 64 * MIB } }, 0, 0, 0,
		  "e820", "0x0+0x4000000 overlaps 0x100000+0x1000" },
		{ "no RAM at 0", 1, { { 0x10000, 0x40000 } }, 0, 0, 0,
		  "memory", "0x0-0x22fff is not inside cell RAM" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_cell c = { .cfg = NULL,
					 .config_addr = rows[i].config_addr,
					 .comm_addr = COMM, .ram = ram };
		struct params p;
		int rc;

		memset(&p, 0, sizeof(p));
		p.num_mem = rows[i].num_mem;
		for (u32 j = 0; j < rows[i].num_mem; j++) {
			p.mem[j].addr = rows[i].mem[j][0];
			p.mem[j].size = rows[i].mem[j][1];
		}
		map_table();
		rc = policy_memory_map(&c, &t, &p, &err);
		if (rows[i].what) {
			assert_row_fail(rows[i].row, rc, err, rows[i].what,
					rows[i].detail);
			continue;
		}
		assert_row_ok(rows[i].row, rc, err);
		assert_row_equal(rows[i].row, "e820 count", t.count,
				 rows[i].count);
		assert_row_equal(rows[i].row, "RAM ranges", c.num_ram,
				 rows[i].num_ram);
		/* the comm region: reserved, sorted in after the low RAM */
		assert_row_equal(rows[i].row, "e820[1]", ents[1].addr, COMM);
		assert_row_equal(rows[i].row, "e820[1] type", ents[1].type,
				 E820_TYPE_RESERVED);
	}
}

/* ---- console grant ------------------------------------------------------ */

static void test_console_grant(void **state)
{
	static const struct {
		const char *row;
		bool with_cfg;
		enum console_kind kind;
		u64 addr;
		const char *detail;	/* NO_ERR: allowed */
	} rows[] = {
		{ "not given", true, CONSOLE_UNSET, 0, NO_ERR },
		{ "none", true, CONSOLE_NONE, 0x2f8, NO_ERR },
		{ "a granted port", true, CONSOLE_IO, 0x3f8, NO_ERR },
		{ "a port not granted", true, CONSOLE_IO, 0x2f8,
		  "io 0x2f8 is not granted" },
		{ "a granted MMIO page", true, CONSOLE_MMIO8, 0xfe000000,
		  NO_ERR },
		{ "MMIO32 past the page's end", true, CONSOLE_MMIO32,
		  0xfe000fe8, "mmio32 0xfe000fe8 is not granted" },
		{ "MMIO in RAM", true, CONSOLE_MMIO8, 0x200000,
		  "mmio 0x200000 is not granted" },
		{ "MMIO over cellboot", true, CONSOLE_MMIO8, 0,
		  "mmio 0x0 is not granted" },
		{ "MMIO32 on the comm region", true, CONSOLE_MMIO32, COMM,
		  "mmio32 0x100000 is not granted" },
		/* no config: the integrator said so explicitly */
		{ "no config: any port", false, CONSOLE_IO, 0x2f8, NO_ERR },
		{ "no config: any MMIO", false, CONSOLE_MMIO32, 0xfe000000,
		  NO_ERR },
	};

	(void)state;
	make_cell(0, MIB);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct cell_config *c = rows[i].with_cfg ? &cfg : NULL;
		struct console_spec want = { .kind = rows[i].kind,
					     .addr = rows[i].addr };
		int rc;

		err_reset(&err);
		rc = policy_console_request(c, &want, &err);
		if (rows[i].detail) {
			assert_row_fail(rows[i].row, rc, err, "console",
					rows[i].detail);
			assert_false(policy_console_granted(c, want.kind,
							    want.addr));
		} else {
			assert_row_ok(rows[i].row, rc, err);
			if (want.kind > CONSOLE_NONE)
				assert_true(policy_console_granted(
					c, want.kind, want.addr));
		}
	}
}

/* ---- reserved ranges and the planner's input ---------------------------- */

static void expect_range(const struct range *r, u64 start, u64 end,
			 const char *name)
{
	assert_int_equal(r->start, start);
	assert_int_equal(r->end, end);
	assert_string_equal(r->name, name);
}

static void test_reserved(void **state)
{
	struct policy_cell c = { .cfg = &cfg, .config_addr = 0x23000,
				 .comm_addr = COMM, .ram = ram };
	struct range r[POLICY_CELL_RESERVED];

	(void)state;
	make_cell(0, MIB);
	assert_int_equal(policy_reserved(&c, r), 3);
	/* one set of names: the planner's lines print them */
	expect_range(&r[0], 0, CB_LOW_END, "cellboot");
	expect_range(&r[1], COMM, COMM + 0x1000, "comm region");
	expect_range(&r[2], 0x23000, 0x23000 + CFG_SIZE, "cell config");
	/* no config: nothing reserved for it, whatever config= said */
	c.cfg = NULL;
	memset(r, 0, sizeof(r));
	assert_int_equal(policy_reserved(&c, r), 2);
	expect_range(&r[1], COMM, COMM + 0x1000, "comm region");
	assert_int_equal(r[2].end, 0);
}

static void test_plan_input_bzimage(void **state)
{
	struct policy_cell c = { .cfg = &cfg, .config_addr = 0x23000,
				 .comm_addr = COMM, .ram = ram, .num_ram = 2 };
	struct bzimage k = { 0 };
	struct policy_plan pp;

	(void)state;
	make_cell(0, MIB);
	memset(&pp, 0xa5, sizeof(pp));
	policy_plan_input(&pp, &c, &k, true, 0x3000000, 0x200000);
	assert_ptr_equal(pp.in.ram, ram);
	assert_int_equal(pp.in.num_ram, 2);
	assert_ptr_equal(pp.in.reserved, pp.reserved);
	assert_int_equal(pp.in.num_reserved, 3);
	expect_range(&pp.reserved[2], 0x23000, 0x23000 + CFG_SIZE,
		     "cell config");
	assert_ptr_equal(pp.in.k, &k);
	assert_true(pp.in.has_initrd);
	assert_int_equal(pp.in.initrd_addr, 0x3000000);
	assert_int_equal(pp.in.initrd_size, 0x200000);
	/* without a config: cellboot and the comm region only */
	c.cfg = NULL;
	policy_plan_input(&pp, &c, &k, false, 0, 0);
	assert_int_equal(pp.in.num_reserved, 2);
	assert_false(pp.in.has_initrd);
}

static void test_plan_input_vmlinux(void **state)
{
	static const struct {
		const char *row;
		bool has_cfg, has_initrd;
		u64 initrd_addr, initrd_size;
		const char *detail;	/* NO_ERR: accepted */
		u32 num_reserved;
	} rows[] = {
		{ "initrd in RAM, clear", true, true, 0x3000000, 0x200000,
		  NO_ERR, 5 },
		{ "no initrd: the file only", true, false, 0, 0, NO_ERR, 4 },
		{ "no config, no initrd", false, false, 0, 0, NO_ERR, 3 },
		{ "initrd over the comm region", true, true, 0xff000, 0x2000,
		  "0xff000-0x100fff overlaps comm region 0x100000-0x100fff", 0 },
		{ "initrd over the config", true, true, 0x23000, 0x1000,
		  "0x23000-0x23fff overlaps cell config 0x23000-0x23452", 0 },
		{ "initrd over cellboot", false, true, 0x22000, 0x2000,
		  "0x22000-0x23fff overlaps cellboot 0x0-0x22fff", 0 },
		{ "initrd outside RAM", true, true, 0x4200000, 0x1000,
		  "0x4200000-0x4200fff is not inside cell RAM", 0 },
	};

	(void)state;
	make_cell(0, MIB);
	/* one range, the comm page inside: the planner sees what it gets */
	ram[0] = (struct range){ 0, 66 * MIB, "RAM" };
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct policy_cell c = { .cfg = rows[i].has_cfg ? &cfg : NULL,
					 .config_addr = 0x23000,
					 .comm_addr = COMM, .ram = ram,
					 .num_ram = 1 };
		struct policy_plan pp;
		const struct range *file;
		int rc;

		err_reset(&err);
		policy_plan_input(&pp, &c, NULL, rows[i].has_initrd,
				  rows[i].initrd_addr, rows[i].initrd_size);
		rc = policy_plan_vmlinux(&pp, 0x1000000, 0x1800000, &err);
		if (rows[i].detail) {
			assert_row_fail(rows[i].row, rc, err, "initrd",
					rows[i].detail);
			continue;
		}
		assert_row_ok(rows[i].row, rc, err);
		assert_row_equal(rows[i].row, "reserved", pp.in.num_reserved,
				 rows[i].num_reserved);
		/* the segments stay clear of the file they come from ... */
		file = &pp.reserved[pp.in.num_reserved - 1];
		assert_row_equal(rows[i].row, "file start", file->start,
				 0x1000000);
		assert_row_equal(rows[i].row, "file end", file->end, 0x1800000);
		assert_string_equal(file->name, "kernel file");
		/* ... and of the initrd, which stays where it is */
		if (rows[i].has_initrd) {
			assert_row_equal(rows[i].row, "initrd start",
					 file[-1].start, rows[i].initrd_addr);
			assert_string_equal(file[-1].name, "initrd");
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_window),
		cmocka_unit_test(test_memory_map_from_config),
		cmocka_unit_test(test_memory_map_from_params),
		cmocka_unit_test(test_console_grant),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_plan_input_bzimage),
		cmocka_unit_test(test_plan_input_vmlinux),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
