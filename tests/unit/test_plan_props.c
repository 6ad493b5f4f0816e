/* SPDX-License-Identifier: MIT */
/*
 * Planner properties (issue 4): over many random valid cells and images,
 * plan_place() never puts the kernel window or the initrd outside cell RAM
 * or over cellboot, the params, the config copy or the comm region, always
 * respects kernel_alignment, pref_address and init_size, and follows the
 * preference order of lib/plan.h. The checks are tests/fuzz/plan_oracle.h,
 * shared with the planner fuzzer; this file generates the cells the way the
 * loader would see them, hands them to the planner through the loader's
 * own input (lib/policy.c) and adds hand-built cases with exact placements.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/plan.h"
#include "lib/policy.h"
#include "lib/layout.h"
#include "lib/abi/comm_region.h"
#include "tests/fuzz/plan_oracle.h"

#define MIB 0x100000ull
#define GIB 0x40000000ull
#define RANDOM_CASES 50000
#define MAX_SETUP (64 * 512)

/* --- deterministic PRNG (splitmix64) ------------------------------------- */
static u64 rng;

static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static u64 rnd_in(u64 lo, u64 hi)
{
	return hi - lo == UINT64_MAX ? rnd() : lo + rnd() % (hi - lo + 1);
}

/* Log-uniform in [lo, hi] (lo > 0), then rounded down to a multiple of g. */
static u64 rnd_log(u64 lo, u64 hi, u64 g)
{
	unsigned int lb = 63 - (unsigned int)__builtin_clzll(lo);
	unsigned int hb = 63 - (unsigned int)__builtin_clzll(hi);
	unsigned int b = (unsigned int)rnd_in(lb, hb);
	u64 v = rnd_in(b == lb ? lo : 1ull << b,
		       b == hb ? hi : (2ull << b) - 1);

	v -= v % g;
	return v < lo ? lo : v;
}

static bool chance(unsigned int percent)
{
	return rnd() % 100 < percent;
}

/* --- one case --------------------------------------------------------------- */
struct pcase {
	struct range ram[8], res[POLICY_CELL_RESERVED];
	u32 nram, nres;
	struct cell_config cfg;		/* only total_size: the config copy */
	struct policy_cell cell;	/* as the loader sees it */
	struct synth_kernel s;
	u64 load;
	bool has_initrd;
	u64 initrd_addr, initrd_size;
	u8 img[MAX_SETUP];
	struct bzimage k;
	struct policy_plan pp;		/* the planner's input: pp.in */
};

static void describe(const struct pcase *c, char *buf, size_t n)
{
	size_t o = 0;

	for (u32 i = 0; i < c->nram; i++)
		o += (size_t)snprintf(buf + o, n - o, "ram 0x%llx-0x%llx; ",
				      (unsigned long long)c->ram[i].start,
				      (unsigned long long)c->ram[i].end);
	for (u32 i = 0; i < c->nres && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s 0x%llx-0x%llx; ",
				      c->res[i].name,
				      (unsigned long long)c->res[i].start,
				      (unsigned long long)c->res[i].end);
	if (o < n)
		o += (size_t)snprintf(buf + o, n - o, "kernel file 0x%llx setup "
				      "0x%x code 0x%llx init 0x%x align 0x%x "
				      "pref 0x%llx reloc %d xlf 0x%x iam 0x%x",
				      (unsigned long long)c->load,
				      c->k.setup_size,
				      (unsigned long long)c->k.pm_size,
				      c->k.init_size, c->k.kernel_alignment,
				      (unsigned long long)c->k.pref_address,
				      c->k.relocatable, c->k.xloadflags,
				      c->k.initrd_addr_max);
	if (c->has_initrd && o < n)
		snprintf(buf + o, n - o, "; initrd 0x%llx+0x%llx",
			 (unsigned long long)c->initrd_addr,
			 (unsigned long long)c->initrd_size);
}

/* Parses the synthetic image and fills in; fails the test if it does not parse. */
static void finish_case(struct pcase *c)
{
	struct cb_err err;
	u64 code = (u64)c->s.syssize * 16;

	assert_true(synth_setup_size(&c->s) <= sizeof(c->img));
	synth_build(c->img, &c->s);
	memset(&err, 0, sizeof(err));
	if (bzimage_parse(c->img, synth_setup_size(&c->s) + code, c->load,
			  &c->k, &err))
		fail_msg("synthetic kernel rejected: %s: %s", err.what,
			 err.detail);
	c->cell.ram = c->ram;
	c->cell.num_ram = c->nram;
	policy_plan_input(&c->pp, &c->cell, &c->k, c->has_initrd,
			  c->initrd_addr, c->has_initrd ? c->initrd_size : 0);
}

/* The loader's reserved ranges (lib/policy.c). */
static void loader_reserved(struct pcase *c, u64 comm, bool have_cfg,
			    u64 cfg_addr, u64 cfg_size)
{
	c->cfg.total_size = cfg_size;
	c->cell = (struct policy_cell){ .cfg = have_cfg ? &c->cfg : NULL,
					.config_addr = cfg_addr,
					.comm_addr = comm };
	c->nres = policy_reserved(&c->cell, c->res);
}

static bool hits_reserved(const struct pcase *c, u64 s, u64 e)
{
	for (u32 i = 0; i < c->nres; i++)
		if (s < c->res[i].end && c->res[i].start < e)
			return true;
	return false;
}

/* A page-aligned place for len bytes in a random RAM range big enough; 0 if none. */
static u64 rnd_place(const struct pcase *c, u64 len, u64 min_addr)
{
	for (int tries = 0; tries < 16; tries++) {
		const struct range *r = &c->ram[rnd() % c->nram];
		u64 lo = r->start < min_addr ? min_addr : r->start;

		lo = align_up(lo, 0x1000);
		if (lo >= r->end || r->end - lo < len)
			continue;
		return lo + (rnd_in(0, r->end - lo - len) & ~0xfffull);
	}
	return 0;
}

/* A random valid cell and image, as the loader would hand them to plan_place. */
static void random_case(struct pcase *c)
{
	static const u32 aligns[3] = { 2 * MIB, 4 * MIB, 16 * MIB };
	static const u32 iams[3] = { 0x7fffffff, 0x37ffffff, 0xffffffff };
	u64 cursor = 0, comm, cfg_addr = 0, cfg_size = 0, setup, code, file;
	u64 biggest;
	bool have_cfg;
	u32 gap_i;

	memset(c, 0, sizeof(*c));

	/* RAM: 1-8 ranges, 64 KiB - 1 GiB, the first at 0 covering cellboot */
	c->nram = (u32)rnd_in(1, 8);
	for (u32 i = 0; i < c->nram; i++) {
		u64 size = rnd_log(64 * 1024, GIB, 0x1000), start = 0;

		if (i == 0) {
			if (size < 0x40000)
				size = 0x40000;
		} else {
			start = cursor + rnd_log(0x2000, 256 * MIB, 0x1000);
			if (cursor < 4 * GIB && chance(20))	/* above 4 GiB */
				start = 4 * GIB + rnd_log(0x1000, 4 * GIB, 0x1000);
		}
		c->ram[i] = (struct range){ start, start + size, "RAM" };
		cursor = start + size;
	}

	/*
	 * The comm region is its own (non-RAM) region: a page in a gap
	 * between RAM ranges, or right above the last one.
	 */
	gap_i = (u32)(rnd() % c->nram);
	if (gap_i + 1 < c->nram)
		comm = c->ram[gap_i].end +
		       (rnd_in(0, c->ram[gap_i + 1].start - c->ram[gap_i].end -
			       0x1000) & ~0xfffull);
	else
		comm = c->ram[gap_i].end;

	/* the cell config copy: in RAM, at or above CB_LOW_END (loader checks) */
	have_cfg = chance(80);
	if (have_cfg) {
		cfg_size = rnd_in(132, 4096);
		cfg_addr = rnd_place(c, cfg_size, CB_LOW_END);
		have_cfg = cfg_addr != 0;
	}
	loader_reserved(c, comm, have_cfg, cfg_addr, cfg_size);

	/* the kernel */
	c->s.relocatable = chance(80);
	c->s.kernel_alignment = aligns[rnd() % 3];
	if (c->s.relocatable) {
		/* a multiple of kernel_alignment, as every Linux build has */
		static const u64 mult[4] = { 0, 1, 2, 4 };
		u64 m = mult[rnd() % 4];

		c->s.pref_address = m ? m * c->s.kernel_alignment : 16 * MIB;
		if (c->s.pref_address < 16 * MIB && chance(50))
			c->s.pref_address = 16 * MIB;
	} else {
		c->s.pref_address = rnd_in(1, 32) * 2 * MIB;
	}
	c->s.setup_sects = (u8)rnd_in(1, 63);
	c->s.version = (u16)rnd_in(0x20c, 0x20f);
	c->s.jump = 0x66eb;
	c->s.xloadflags = XLF_KERNEL_64 |
			  (chance(50) ? XLF_CAN_BE_LOADED_ABOVE_4G : 0);
	c->s.initrd_addr_max = iams[rnd() % 3];
	/* code up to 40 MiB, but small enough for the file to fit somewhere */
	biggest = 0;
	for (u32 i = 0; i < c->nram; i++)
		if (c->ram[i].end - c->ram[i].start > biggest)
			biggest = c->ram[i].end - c->ram[i].start;
	code = rnd_log(64 * 1024, biggest / 2 < 40 * MIB ?
			   (biggest / 2 > 64 * 1024 ? biggest / 2 : 64 * 1024) :
			   40 * MIB, 16);
	c->s.syssize = (u32)(code / 16);
	c->s.init_size = (u32)rnd_in(code, 128 * MIB);
	setup = synth_setup_size(&c->s);
	file = setup + code;

	/* the kernel file: often where it runs, else anywhere in RAM */
	c->load = 0;
	if (chance(30) && c->s.pref_address > setup)
		c->load = c->s.pref_address - setup;
	for (int tries = 0; tries < 8 &&
	     (!c->load || hits_reserved(c, c->load, c->load + file) ||
	      !o_in_ram(&(struct plan_input){ .ram = c->ram, .num_ram = c->nram },
			c->load, c->load + file)); tries++)
		c->load = rnd_place(c, file, 0);
	if (!c->load)
		c->load = c->ram[0].end - (file < c->ram[0].end ? file : 0);

	/* the initrd: absent, or somewhere in RAM clear of the file mostly */
	c->has_initrd = chance(75);
	if (c->has_initrd) {
		c->initrd_size = rnd_log(64 * 1024, biggest < 64 * MIB ?
					 biggest : 64 * MIB, 1);
		for (int tries = 0; tries < 8; tries++) {
			c->initrd_addr = rnd_place(c, c->initrd_size, 0);
			if (c->initrd_addr &&
			    !hits_reserved(c, c->initrd_addr,
					   c->initrd_addr + c->initrd_size) &&
			    (c->initrd_addr + c->initrd_size <= c->load ||
			     c->initrd_addr >= c->load + file))
				break;
		}
		if (!c->initrd_addr)
			c->initrd_addr = 0x100000000ull;	/* outside: an error */
	}
	finish_case(c);
}

/* --- the random property run ---------------------------------------------- */
static void test_random_cells(void **state)
{
	static struct pcase c;
	unsigned int levels[5] = { 0 }, fail_kernel = 0, fail_initrd = 0,
		     noroom_kernel = 0, noroom_initrd = 0, above4g = 0;
	char why[512], desc[1024];
	const char *bad;

	(void)state;
	rng = 0xce11b007;
	for (unsigned int n = 0; n < RANDOM_CASES; n++) {
		struct plan p;
		struct oracle_plan x;
		struct cb_err err;

		random_case(&c);
		memset(&err, 0, sizeof(err));
		if (plan_place(&c.pp.in, &p, &err)) {
			bad = plan_check_error(&c.pp.in, &err, why, sizeof(why));
			if (!strcmp(err.what, "kernel"))
				fail_kernel++;
			else
				fail_initrd++;
			if (strstr(err.detail, "no room"))
				*(strcmp(err.what, "kernel") ? &noroom_initrd :
							       &noroom_kernel) += 1;
		} else {
			bad = plan_check(&c.pp.in, &p, why, sizeof(why));
			oracle_expect(&c.pp.in, &x);
			levels[x.level]++;
			above4g += c.has_initrd &&
				   p.initrd_addr + c.initrd_size > 4 * GIB;
		}
		if (bad) {
			describe(&c, desc, sizeof(desc));
			fail_msg("case %u: %s\n  %s", n, bad, desc);
		}
	}
	print_message("plan properties: %u random cells: in place %u, initrd "
		      "moved %u, kernel moved %u, both moved %u; errors: kernel "
		      "%u (%u no room), initrd %u (%u no room); initrd above "
		      "4 GiB %u\n", RANDOM_CASES, levels[1], levels[2],
		      levels[3], levels[4], fail_kernel, noroom_kernel,
		      fail_initrd, noroom_initrd, above4g);
	/* the generator must reach every preference level and both errors */
	for (int l = 1; l <= 4; l++)
		assert_true(levels[l] > 0);
	assert_true(noroom_kernel > 0 && noroom_initrd > 0);
}

/* --- hand-built cases ----------------------------------------------------- */
/*
 * All of them use the classic Jailhouse layout of configs/classic.cell.txt
 * (RAM 0-1 MiB and 2-128 MiB, comm region page at 1 MiB, config copy at
 * 0x80000, 0x110 bytes) and Debian 6.1's header: 39 setup sectors (setup
 * 0x5000 bytes), code 0x7d8200, init_size 0x3f98000, kernel_alignment
 * 2 MiB, pref_address 16 MiB, relocatable, XLF_CAN_BE_LOADED_ABOVE_4G,
 * initrd_addr_max 0x7fffffff. The kernel needs [runtime, runtime +
 * 0x3f98000): from 16 MiB that ends at 0x4f98000.
 */
static void classic_case(struct pcase *c, u64 ram_end, u64 pm_addr,
			 bool has_initrd, u64 initrd_addr, u64 initrd_size)
{
	memset(c, 0, sizeof(*c));
	c->ram[0] = (struct range){ 0, MIB, "RAM" };
	c->ram[1] = (struct range){ 2 * MIB, ram_end, "RAM" };
	c->nram = 2;
	loader_reserved(c, 0x100000, true, 0x80000, 0x110);
	c->s = (struct synth_kernel){
		.setup_sects = 39, .version = 0x20f, .jump = 0x6aeb,
		.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
		.syssize = 0x7d8200 / 16, .init_size = 0x3f98000,
		.kernel_alignment = 2 * MIB, .initrd_addr_max = 0x7fffffff,
		.relocatable = 1, .pref_address = 16 * MIB,
	};
	c->load = pm_addr - 0x5000;
	c->has_initrd = has_initrd;
	c->initrd_addr = initrd_addr;
	c->initrd_size = initrd_size;
	finish_case(c);
}

static void expect_plan(const struct pcase *c, u64 kernel_pm, u64 runtime,
			u64 window_end, bool kernel_moved, u64 initrd_addr,
			bool initrd_moved)
{
	struct plan p;
	struct cb_err err;
	char why[512];
	const char *bad;

	memset(&err, 0, sizeof(err));
	if (plan_place(&c->pp.in, &p, &err))
		fail_msg("plan failed: %s: %s", err.what, err.detail);
	assert_int_equal(p.kernel_pm, kernel_pm);
	assert_int_equal(p.window_start, kernel_pm);
	assert_int_equal(p.runtime, runtime);
	assert_int_equal(p.window_end, window_end);
	assert_int_equal(p.kernel_moved, kernel_moved);
	assert_int_equal(p.initrd_addr, initrd_addr);
	assert_int_equal(p.initrd_moved, initrd_moved);
	bad = plan_check(&c->pp.in, &p, why, sizeof(why));
	if (bad)
		fail_msg("%s", bad);
}

static void expect_error(const struct pcase *c, const char *what)
{
	struct plan p;
	struct cb_err err;
	char why[512];
	const char *bad;

	memset(&err, 0, sizeof(err));
	assert_int_equal(plan_place(&c->pp.in, &p, &err), -1);
	assert_string_equal(err.what, what);
	bad = plan_check_error(&c->pp.in, &err, why, sizeof(why));
	if (bad)
		fail_msg("%s", bad);
}

/*
 * Level 1, everything in place: the file at 0xffb000 puts the code at
 * 0x1000000 = pref_address, already 2 MiB-aligned, so runtime = 0x1000000
 * and the window 0x1000000-0x4f98000 lies in the 2-128 MiB range clear of
 * 0-0x23000, 0x80000-0x80110 and the comm page. The initrd at 0x6000000
 * (+0x1a2b3c) is above the window and below 2 GiB: nothing moves.
 */
static void test_level1_in_place(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x1000000, true, 0x6000000, 0x1a2b3c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, false, 0x6000000,
		    false);
}

/*
 * Level 2, initrd moved: same kernel, but the initrd at 0x2000000
 * (+0x200000) lies inside the window 0x1000000-0x4f98000. The kernel stays;
 * the initrd goes to the highest page-aligned slot below its limit clear
 * of the window and the file: the top of RAM, 0x8000000 - 0x200000 =
 * 0x7e00000 (already page-aligned, above the window's end).
 */
static void test_level2_initrd_moved(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x1000000, true, 0x2000000, 0x200000);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, false, 0x7e00000,
		    true);
}

/*
 * Level 3, kernel moved: the code is at 0x5000000 (file 0x4ffb000), so it
 * would run at 0x5000000 up to 0x8f98000, past the end of RAM (0x8000000).
 * The initrd at 0x7000000 (+0x1a2b3c) is fine where it is, so the kernel
 * moves to the lowest 2 MiB-aligned address >= 16 MiB whose window is
 * clear of the initrd and the reserved ranges: 0x1000000 itself (window
 * 0x1000000-0x4f98000 ends below both the file and the initrd).
 */
static void test_level3_kernel_moved(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x5000000, true, 0x7000000, 0x1a2b3c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, true, 0x7000000,
		    false);
}

/*
 * Level 4, both moved: the code at 0x6000000 would run up to 0x9f98000
 * (past RAM). The initrd at 0x4000000-0x5000000 leaves only 16-64 MiB
 * (48 MiB) and 80-128 MiB (48 MiB) for a 0x3f98000 (~63.6 MiB) window:
 * no slot around it. So the kernel takes the first slot ignoring the
 * initrd, 0x1000000 (window to 0x4f98000), and the initrd moves to the
 * highest page-aligned slot below 2 GiB clear of that window and of the
 * kernel file 0x5ffb000-0x67d8200: 0x8000000 - 0x1000000 = 0x7000000.
 * (The loader moves the initrd first: 0x7000000-0x8000000 does not touch
 * the file; then the kernel: its window does not touch the new initrd.)
 */
static void test_level4_both_moved(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x6000000, true, 0x4000000, 0x1000000);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, true, 0x7000000,
		    true);
}

/*
 * No initrd, kernel already in place: level 1 without the initrd part;
 * initrd_addr reads 0.
 */
static void test_no_initrd(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x1000000, false, 0, 0);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, false, 0, false);
}

/*
 * No room for the kernel: with RAM only up to 64 MiB, every window from
 * 16 MiB (the lowest allowed) needs up to 0x4f98000 > 0x4000000. The error
 * is about the kernel and names init_size.
 */
static void test_no_room_kernel(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 64 * MIB, 0x1000000, true, 0x3000000, 0x100000);
	expect_error(&c, "kernel");
}

/*
 * No room for the initrd: RAM up to 80 MiB, kernel in place (window
 * 0x1000000-0x4f98000), a 16 MiB initrd at 0x3000000 inside the window.
 * Around the kernel in place there is no 16 MiB gap below 16 MiB (2 MiB to
 * the file at 0xffb000 is < 14 MiB) nor above (0x4f98000-0x5000000); the
 * kernel cannot move around the initrd either (from 0x4000000 the window
 * would end at 0x7f98000 > 80 MiB). Moving both gives the same window at
 * 16 MiB and the same missing gap: the error is about the initrd.
 */
static void test_no_room_initrd(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 80 * MIB, 0x1000000, true, 0x3000000, 0x1000000);
	expect_error(&c, "initrd");
}

/*
 * The initrd limit: a third RAM range at 4 GiB (256 MiB) holds the initrd
 * (16 MiB at 0x100000000); the kernel is in place as in level 1. With
 * XLF_CAN_BE_LOADED_ABOVE_4G nothing moves. Without it the initrd must end
 * at or below initrd_addr_max + 1 = 0x80000000: the highest page-aligned
 * slot there clear of the window is the top of the 2-128 MiB range,
 * 0x8000000 - 0x1000000 = 0x7000000.
 */
static void test_initrd_limit(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x1000000, true, 0x100000000ull, 16 * MIB);
	c.ram[2] = (struct range){ 4 * GIB, 4 * GIB + 256 * MIB, "RAM" };
	c.nram = 3;
	finish_case(&c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, false,
		    0x100000000ull, false);
	c.s.xloadflags = XLF_KERNEL_64;
	finish_case(&c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, false, 0x7000000,
		    true);
}

/*
 * A kernel that is not relocatable runs only at pref_address (16 MiB).
 * Code at 0x5000000: it must move there (window 0x1000000-0x4f98000), the
 * initrd at 0x7000000 stays. With the initrd at 0x1800000, inside that
 * only possible window, both move: the kernel to 0x1000000 all the same,
 * the initrd (0x1a2b3c bytes) to the highest page-aligned slot below the
 * end of RAM: align_down(0x8000000 - 0x1a2b3c, 4 KiB) = 0x7e5d000.
 */
static void test_not_relocatable(void **state)
{
	static struct pcase c;

	(void)state;
	classic_case(&c, 128 * MIB, 0x5000000, true, 0x7000000, 0x1a2b3c);
	c.s.relocatable = 0;
	finish_case(&c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, true, 0x7000000,
		    false);
	c.initrd_addr = 0x1800000;
	finish_case(&c);
	expect_plan(&c, 0x1000000, 0x1000000, 0x4f98000, true, 0x7e5d000,
		    true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level1_in_place),
		cmocka_unit_test(test_level2_initrd_moved),
		cmocka_unit_test(test_level3_kernel_moved),
		cmocka_unit_test(test_level4_both_moved),
		cmocka_unit_test(test_no_initrd),
		cmocka_unit_test(test_no_room_kernel),
		cmocka_unit_test(test_no_room_initrd),
		cmocka_unit_test(test_initrd_limit),
		cmocka_unit_test(test_not_relocatable),
		cmocka_unit_test(test_random_cells),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
