/* SPDX-License-Identifier: MIT */
/*
 * lib/plan.c: hand-built placements, one per preference level
 * (everything in place; initrd moved; kernel moved; both moved), the
 * non-relocatable rules, the initrd limit, and every error message. Each
 * case states the addresses it expects and why.
 *
 * The standard kernel below: 0x5000 bytes of setup, 8 MiB of code,
 * init_size 48 MiB, kernel_alignment 2 MiB, pref_address 16 MiB.
 */
#include "tests/unit/helpers.h"
#include "lib/plan.h"

#define SETUP 0x5000ull
#define PM_SIZE 0x800000ull
#define INIT 0x3000000u
#define PREF 0x1000000ull
#define ALIGN 0x200000u
#define XLF_64_ABOVE4G (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G)

static struct bzimage k;
static struct range ram[4];
static u32 num_ram;
static struct range res[20];
static u32 num_res;
static struct plan_input in;
static struct plan out;
static struct cb_err err;

/* The protected-mode code at pm: the file starts SETUP bytes earlier. */
static void kernel_at(u64 pm, bool relocatable, u16 xlf)
{
	memset(&k, 0, sizeof(k));
	k.load_addr = pm - SETUP;
	k.setup_size = (u32)SETUP;
	k.pm_addr = pm;
	k.pm_size = PM_SIZE;
	k.header_end = 0x26c;
	k.version = 0x020f;
	k.init_size = INIT;
	k.kernel_alignment = ALIGN;
	k.pref_address = PREF;
	k.relocatable = relocatable;
	k.xloadflags = xlf;
	k.cmdline_size = 0x7ff;
	k.initrd_addr_max = 0x7fffffff;
}

/* 256 MiB of RAM from 0; cellboot, comm region and config reserved. */
static void cell_256m(void)
{
	num_ram = 1;
	ram[0] = (struct range){ 0, 0x10000000, "RAM" };
	num_res = 3;
	res[0] = (struct range){ 0, 0x23000, "cellboot" };
	res[1] = (struct range){ 0x100000, 0x101000, "comm region" };
	res[2] = (struct range){ 0x30000, 0x30454, "cell config" };
}

static void set_ram_end(u64 end)
{
	ram[0].end = end;
}

static int place(bool has_initrd, u64 iaddr, u64 isize)
{
	memset(&in, 0, sizeof(in));
	in.ram = ram;
	in.num_ram = num_ram;
	in.reserved = res;
	in.num_reserved = num_res;
	in.k = &k;
	in.has_initrd = has_initrd;
	in.initrd_addr = iaddr;
	in.initrd_size = isize;
	err_reset(&err);
	memset(&out, 0xa5, sizeof(out));
	return plan_place(&in, &out, &err);
}

static void expect_plan(u64 kernel_pm, u64 runtime, bool kmoved, u64 initrd,
			bool imoved)
{
	assert_int_equal(out.kernel_pm, kernel_pm);
	assert_int_equal(out.runtime, runtime);
	assert_int_equal(out.window_start, kernel_pm);
	assert_int_equal(out.window_end, runtime + INIT);
	assert_int_equal(out.kernel_moved, kmoved);
	assert_int_equal(out.initrd_addr, initrd);
	assert_int_equal(out.initrd_moved, imoved);
}

/* ---- preference 0: everything in place ---------------------------------- */

static void test_all_in_place(void **state)
{
	(void)state;
	cell_256m();
	/*
	 * File at 0xffb000 puts the code at pref_address 16 MiB; the window
	 * [16 MiB, 64 MiB) is free RAM and the initrd at 96 MiB is clear of
	 * it: zero copy.
	 */
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x6000000, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x6000000, false);

	/* the initrd may touch the window's end */
	assert_ok(place(true, 0x4000000, 0x1000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x4000000, false);

	/* and sit right below the file */
	assert_ok(place(true, 0xffb000 - 0x1000, 0x1000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xffa000, false);
}

static void test_no_initrd(void **state)
{
	(void)state;
	cell_256m();
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	/* initrd fields are ignored without has_initrd */
	assert_ok(place(false, 0x2000000, 0x100000), err);
	expect_plan(0x1000000, 0x1000000, false, 0, false);
}

static void test_in_place_unaligned(void **state)
{
	(void)state;
	cell_256m();
	/*
	 * Code at 17 MiB (not 2 MiB aligned): Linux realigns itself up to
	 * 18 MiB in place, so the window runs from the code (17 MiB) to
	 * 18 MiB + init_size = 0x4200000.
	 */
	kernel_at(0x1100000, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x6000000, 0x1000000), err);
	expect_plan(0x1100000, 0x1200000, false, 0x6000000, false);
	assert_int_equal(out.window_end, 0x4200000);

	/* an initrd in [0x4000000, 0x4200000) is inside that window: moved */
	assert_ok(place(true, 0x4100000, 0x1000), err);
	assert_false(out.kernel_moved);
	assert_true(out.initrd_moved);
	/* highest page below the end of RAM */
	assert_int_equal(out.initrd_addr, 0x10000000 - 0x1000);
}

static void test_in_place_below_pref(void **state)
{
	(void)state;
	cell_256m();
	/*
	 * Code at 4 MiB, below pref_address: Linux runs from 16 MiB, so the
	 * window is [4 MiB, 16 MiB + init_size) and it all stays.
	 */
	kernel_at(0x400000, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x6000000, 0x1000), err);
	expect_plan(0x400000, 0x1000000, false, 0x6000000, false);
	assert_int_equal(out.window_start, 0x400000);
	assert_int_equal(out.window_end, 0x4000000);
}

/* ---- preference 1: initrd moved, kernel in place ------------------------ */

static void test_initrd_moved(void **state)
{
	(void)state;
	cell_256m();
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	/*
	 * The initrd at 32 MiB is inside the window [16, 64 MiB) but clear
	 * of the file [0xffb000, 0x1800000): the kernel stays (preferred over
	 * moving it), the initrd goes to the highest page-aligned address in
	 * RAM: 256 MiB - 1 MiB = 0xff00000.
	 */
	assert_ok(place(true, 0x2000000, 0x100000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xff00000, true);

	/* an odd size: 0x10000000 - 0x123456 = 0xfedcbaa, page down */
	assert_ok(place(true, 0x2000000, 0x123456), err);
	expect_plan(0x1000000, 0x1000000, false, 0xfedc000, true);

	/* a reserved range at the top of RAM pushes it below */
	res[num_res++] = (struct range){ 0xff80000, 0x10000000, "top" };
	assert_ok(place(true, 0x2000000, 0x100000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xfe80000, true);
}

static void test_initrd_moved_spares_kernel_file(void **state)
{
	(void)state;
	/*
	 * RAM [0, 0x4800000). Kernel at pref; window [16, 64 MiB). The initrd
	 * (2 MiB) overlaps the window. Free space: [0x4000000, 0x4800000)
	 * above the window (8 MiB): it goes to 0x4800000 - 2 MiB = 0x4600000.
	 */
	cell_256m();
	set_ram_end(0x4800000);
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x3000000, 0x200000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x4600000, true);

	/*
	 * RAM ends at 64 MiB + 1 MiB: a 2 MiB initrd does not fit above the
	 * window, so it goes below, ending right under the kernel file
	 * [0xffb000, 0x1800000), which it must spare (the kernel runs from
	 * it): align_down(0xffb000 - 0x200000, 4K) = 0xdfb000.
	 */
	set_ram_end(0x4100000);
	assert_ok(place(true, 0x3000000, 0x200000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xdfb000, true);
	assert_ok(place(true, 0x3000000, 0x100000), err);
	/* 1 MiB fits exactly above the window: [0x4000000, 0x4100000) */
	expect_plan(0x1000000, 0x1000000, false, 0x4000000, true);
}

/* ---- preference 2: kernel moved, initrd in place ------------------------ */

static void test_kernel_moved(void **state)
{
	(void)state;
	cell_256m();
	set_ram_end(0xa000000);		/* 160 MiB */
	/*
	 * Code at 128 MiB: the file [0x7ffb000, 0x8800000) is in RAM but the
	 * window [128, 176 MiB) is not. The initrd at 2 MiB stays; the kernel
	 * goes to the lowest aligned address >= pref_address whose window
	 * fits: 16 MiB itself.
	 */
	kernel_at(0x8000000, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x200000, 0x100000), err);
	expect_plan(0x1000000, 0x1000000, true, 0x200000, false);

	/*
	 * The initrd at [0x1800000, 0x1900000) blocks 16 MiB: the next
	 * aligned address after it is align_up(0x1900000, 2 MiB) = 0x1a00000.
	 */
	assert_ok(place(true, 0x1800000, 0x100000), err);
	expect_plan(0x1a00000, 0x1a00000, true, 0x1800000, false);

	/* without an initrd: the same as the first case */
	assert_ok(place(false, 0, 0), err);
	expect_plan(0x1000000, 0x1000000, true, 0, false);

	/* a reserved page at 16 MiB: next aligned is 0x1200000 */
	res[num_res++] = (struct range){ 0x1000000, 0x1001000, "blocker" };
	assert_ok(place(false, 0, 0), err);
	expect_plan(0x1200000, 0x1200000, true, 0, false);
}

static void test_kernel_moved_when_unaligned_window_too_big(void **state)
{
	(void)state;
	/*
	 * RAM ends at 0x4100000. Code at 0x1100000: in place the window
	 * would be [0x1100000, 0x4200000) (realigned to 18 MiB): too big.
	 * Moved, [0x1000000, 0x4000000) fits.
	 */
	cell_256m();
	set_ram_end(0x4100000);
	kernel_at(0x1100000, true, XLF_64_ABOVE4G);
	assert_ok(place(false, 0, 0), err);
	expect_plan(0x1000000, 0x1000000, true, 0, false);
}

/* ---- preference 3: both moved ------------------------------------------- */

static void test_both_moved(void **state)
{
	(void)state;
	/*
	 * RAM [0, 96 MiB), init_size 64 MiB. Code at 80 MiB (file
	 * [0x4ffb000, 0x5800000)): its window [80, 144 MiB) does not fit.
	 * With the initrd in place at 48 MiB no 64 MiB window >= 16 MiB
	 * fits either ([16, 80) hits the initrd, the next candidate
	 * 0x3200000 ends past RAM). So both move: the kernel to 16 MiB,
	 * [0x1000000, 0x5000000), and the initrd (1 MiB) to the highest
	 * page clear of that window and of the kernel file (the source of
	 * the kernel move): 96 MiB - 1 MiB = 0x5f00000.
	 */
	cell_256m();
	set_ram_end(0x6000000);
	kernel_at(0x5000000, true, XLF_64_ABOVE4G);
	k.init_size = 0x4000000;
	assert_ok(place(true, 0x3000000, 0x100000), err);
	assert_int_equal(out.kernel_pm, 0x1000000);
	assert_int_equal(out.runtime, 0x1000000);
	assert_int_equal(out.window_start, 0x1000000);
	assert_int_equal(out.window_end, 0x5000000);
	assert_true(out.kernel_moved);
	assert_int_equal(out.initrd_addr, 0x5f00000);
	assert_true(out.initrd_moved);

	/*
	 * A 9 MiB initrd does not fit above the file (0x5800000..96 MiB is
	 * 8 MiB): it goes below the window instead, 16 MiB - 9 MiB.
	 */
	assert_ok(place(true, 0x3000000, 0x900000), err);
	assert_int_equal(out.kernel_pm, 0x1000000);
	assert_int_equal(out.initrd_addr, 0x700000);
	assert_true(out.initrd_moved);

	/*
	 * A 16 MiB one fits neither there (the comm region at 1 MiB and
	 * cellboot leave less than 16 MiB below the window) nor above:
	 * no room; the message names the moved kernel's window.
	 */
	assert_fail(place(true, 0x3000000, 0x1000000), err, "initrd",
		    "no room: cell RAM ends at 0x6000000, the initrd needs up to "
		    "0x6800000: 8.0 MiB short (0x1000000 bytes below "
		    "0x800000000000, off window 0x1000000-0x4ffffff)");
}

/* ---- non-relocatable kernels -------------------------------------------- */

static void test_non_relocatable(void **state)
{
	(void)state;
	cell_256m();
	/* at pref_address: in place */
	kernel_at(PREF, false, XLF_KERNEL_64);
	assert_ok(place(true, 0x6000000, 0x1000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x6000000, false);

	/*
	 * Anywhere else it runs from pref_address only: code at 48 MiB is
	 * moved to 16 MiB (the window [16, 64 MiB) may overlap its own file
	 * [0x2ffb000, 0x3800000): the move is overlap-safe).
	 */
	kernel_at(0x3000000, false, XLF_KERNEL_64);
	assert_ok(place(false, 0, 0), err);
	expect_plan(0x1000000, 0x1000000, true, 0, false);

	/* even 2 MiB above pref: never realigned, always moved */
	kernel_at(0x1200000, false, XLF_KERNEL_64);
	assert_ok(place(false, 0, 0), err);
	expect_plan(0x1000000, 0x1000000, true, 0, false);

	/* pref window blocked: no other address will do */
	kernel_at(0x5000000, false, XLF_KERNEL_64);
	res[num_res++] = (struct range){ 0x2000000, 0x2001000, NULL };
	/* RAM is long enough (0.0 MiB short): something is in the way */
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x10000000, the kernel needs up to "
		    "0x5200000: 0.0 MiB short (init_size 0x3000000 at >= "
		    "0x1000000, align 0x200000)");

	/* an initrd in the pref window moves instead of the kernel */
	num_res--;
	kernel_at(PREF, false, XLF_KERNEL_64);
	assert_ok(place(true, 0x2000000, 0x1000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xffff000, true);
}

/* ---- initrd limit --------------------------------------------------------- */

static void test_initrd_limit(void **state)
{
	(void)state;
	/* RAM [0, 1 GiB) and [4 GiB, 5 GiB) */
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x40000000, "RAM" };
	ram[1] = (struct range){ 0x100000000ull, 0x140000000ull, "RAM" };
	num_res = 1;
	res[0] = (struct range){ 0, 0x23000, "cellboot" };

	/*
	 * Without XLF_CAN_BE_LOADED_ABOVE_4G the initrd must end at or below
	 * initrd_addr_max + 1 = 2 GiB: the one at 4 GiB moves to the top of
	 * the low GiB, 1 GiB - 16 MiB.
	 */
	kernel_at(PREF, true, XLF_KERNEL_64);
	assert_ok(place(true, 0x100000000ull, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x3f000000, true);

	/* with the flag it stays above 4 GiB */
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_ok(place(true, 0x100000000ull, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x100000000ull, false);
	/* and a moved one goes to the top of all RAM: 5 GiB - 16 MiB */
	assert_ok(place(true, 0x2000000, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x13f000000ull, true);

	/* ending exactly at initrd_addr_max + 1: stays */
	kernel_at(PREF, true, XLF_KERNEL_64);
	k.initrd_addr_max = 0x37ffffff;
	assert_ok(place(true, 0x37000000, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x37000000, false);
	/*
	 * One page further it ends past the limit: moved to the highest
	 * page-aligned start whose 16 MiB end at or below 0x38000000, i.e.
	 * 0x37000000 (overlapping its old place: the move is overlap-safe).
	 */
	assert_ok(place(true, 0x37001000, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0x37000000, true);

	/* plan_initrd_limit itself */
	k.initrd_addr_max = 0x7fffffff;
	assert_true(plan_initrd_limit(&k) == 0x80000000ull);
	k.initrd_addr_max = 0xffffffff;
	assert_true(plan_initrd_limit(&k) == 0x100000000ull);
	k.xloadflags = XLF_64_ABOVE4G;
	assert_true(plan_initrd_limit(&k) == UINT64_MAX);
}

/* ---- errors --------------------------------------------------------------- */

static void test_kernel_errors(void **state)
{
	(void)state;
	cell_256m();
	/* file [0xffff000, 0x10804000) runs past the end of RAM */
	kernel_at(0xffff000 + SETUP, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0xffff000-0x10803fff is not inside cell RAM");

	/* file [0xff000, 0x904000) covers the comm region at 1 MiB */
	kernel_at(0xff000 + SETUP, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0xff000-0x903fff overlaps comm region 0x100000-0x100fff");

	/* the lowest-starting reserved range is named; NULL name */
	kernel_at(0x10000 + SETUP, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0x10000-0x814fff overlaps cellboot 0x0-0x22fff");
	res[0].name = NULL;
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0x10000-0x814fff overlaps a reserved range 0x0-0x22fff");

	/* a file that wraps past 2^64 */
	cell_256m();
	kernel_at(0xfffffffffff00000ull + SETUP, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0xfffffffffff00000-0x704fff is not inside cell RAM");

	/* RAM split in two: the file must lie in one range */
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x1400000, "RAM" };
	ram[1] = (struct range){ 0x1400000, 0x10000000, "RAM" };
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0xffb000-0x17fffff is not inside cell RAM");

	/* relocatable, no window anywhere: RAM ends at 48 MiB */
	cell_256m();
	set_ram_end(0x3000000);
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	/* 16 MiB + init_size = 64 MiB: 16 MiB past the end of RAM */
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x3000000, the kernel needs up to "
		    "0x4000000: 16.0 MiB short (init_size 0x3000000 at >= "
		    "0x1000000, align 0x200000)");
	/* also with an initrd that is itself fine */
	assert_fail(place(true, 0x200000, 0x1000), err, "kernel",
		    "no room: cell RAM ends at 0x3000000, the kernel needs up to "
		    "0x4000000: 16.0 MiB short (init_size 0x3000000 at >= "
		    "0x1000000, align 0x200000)");
	/* the shortfall rounds up to a tenth of a MiB: 1 byte is 0.1 */
	set_ram_end(0x4000000 - 1);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x3ffffff, the kernel needs up to "
		    "0x4000000: 0.1 MiB short (init_size 0x3000000 at >= "
		    "0x1000000, align 0x200000)");
	/* the example: the demo cell's RAM and Debian 6.1 */
	set_ram_end(0x4900000);
	k.init_size = 0x3f98000;
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x4900000, the kernel needs up to "
		    "0x4f98000: 6.6 MiB short (init_size 0x3f98000 at >= "
		    "0x1000000, align 0x200000)");
	/* a reserved range up to the top: nothing clear below 2^47 */
	res[num_res++] = (struct range){ 0x2000000, UINT64_MAX, NULL };
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x4900000, the kernel needs up to "
		    "0x800003f98000: 134217718.6 MiB short (init_size 0x3f98000 "
		    "at >= 0x1000000, align 0x200000)");
	num_res--;
}

static void test_initrd_errors(void **state)
{
	(void)state;
	cell_256m();
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_fail(place(true, 0xff00000, 0x200000), err, "initrd",
		    "0xff00000-0x100fffff is not inside cell RAM");
	/* over the kernel file [0xffb000, 0x1800000) */
	assert_fail(place(true, 0x1700000, 0x200000), err, "initrd",
		    "0x1700000-0x18fffff overlaps kernel file 0xffb000-0x17fffff");
	/* over the kernel's setup sectors too */
	assert_fail(place(true, 0xffa000, 0x2000), err, "initrd",
		    "0xffa000-0xffbfff overlaps kernel file 0xffb000-0x17fffff");
	assert_fail(place(true, 0xf0000, 0x20000), err, "initrd",
		    "0xf0000-0x10ffff overlaps comm region 0x100000-0x100fff");
	assert_fail(place(true, 0x30000, 0x1000), err, "initrd",
		    "0x30000-0x30fff overlaps cell config 0x30000-0x30453");
	assert_fail(place(true, 0x22000, 0x1000), err, "initrd",
		    "0x22000-0x22fff overlaps cellboot 0x0-0x22fff");
	assert_ok(place(true, 0x23000, 0x1000), err);	/* right after it */
	assert_fail(place(true, 0xfffffffffffff000ull, 0x2000), err, "initrd",
		    "0xfffffffffffff000-0xfff is not inside cell RAM");

	/*
	 * No room below the limit: RAM [0, 128 MiB) + [4 GiB, 4.25 GiB),
	 * initrd (96 MiB) at 4 GiB but the kernel allows 2 GiB at most.
	 * Below 2 GiB only [0, 128 MiB) minus the window [16, 64 MiB) is
	 * free: 64 MiB above it, less below. The kernel stays, but the
	 * error names the window of the last attempt (both moved): the
	 * kernel at 16 MiB again.
	 */
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x8000000, "RAM" };
	ram[1] = (struct range){ 0x100000000ull, 0x110000000ull, "RAM" };
	kernel_at(PREF, true, XLF_KERNEL_64);
	assert_fail(place(true, 0x100000000ull, 0x6000000), err, "initrd",
		    "no room: cell RAM ends at 0x8000000, the initrd needs up to "
		    "0xa000000: 32.0 MiB short (0x6000000 bytes below 0x80000000, "
		    "off window "
		    "0x1000000-0x3ffffff)");
}

static void test_initrd_no_room_above_4g_allowed(void **state)
{
	(void)state;
	/*
	 * RAM [0, 80 MiB). Window [16, 64 MiB). The 24 MiB initrd at 32 MiB
	 * must move: above the window 16 MiB, below the file ~15 MiB. The
	 * kernel cannot move either: with the initrd in place the only other
	 * candidate 0x3800000 ends past RAM. The limit is 2^64 - 1.
	 */
	cell_256m();
	set_ram_end(0x5000000);
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_fail(place(true, 0x2000000, 0x1800000), err, "initrd",
		    "no room: cell RAM ends at 0x5000000, the initrd needs up to "
		    "0x5800000: 8.0 MiB short (0x1800000 bytes below "
		    "0x800000000000, off window "
		    "0x1000000-0x3ffffff)");
}

/*
 * More reserved ranges than the planner keeps (PLAN_MAX_RESERVED, 16) is
 * refused with its own error, before anything is placed: none is dropped.
 */
static void test_reserved_past_16_refused(void **state)
{
	(void)state;
	cell_256m();
	num_res = 0;
	for (u32 i = 0; i < 16; i++)	/* 16 harmless pages in 128..129 MiB */
		res[num_res++] = (struct range){ 0x8000000 + i * 0x1000,
						 0x8001000 + i * 0x1000, "pad" };
	/* the 17th: inside the in-place window [16, 64 MiB) */
	res[num_res++] = (struct range){ 0x2000000, 0x2001000, "seventeenth" };
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	assert_fail(place(false, 0, 0), err, "plan", "17 reserved ranges, max 16");
	num_res = 16;
	assert_ok(place(false, 0, 0), err);
}

/*
 * Issue 8, item 8: the loader maps only below 2^47 (lib/pagetable.c), so the
 * planner plans only there: RAM above is never chosen, and a file the root
 * loaded there is refused by name instead of failing at the move.
 */
static void test_plans_below_the_mapping_limit(void **state)
{
	const u64 top = 1ull << 47;

	(void)state;
	cell_256m();
	num_ram = 3;
	ram[1] = (struct range){ top - 0x100000, top + 0x40000000, "RAM" };
	ram[2] = (struct range){ top + 0x80000000, top + 0x100000000, "RAM" };
	kernel_at(PREF, true, XLF_64_ABOVE4G);
	/* the initrd inside the window moves: to low RAM, not the top range */
	assert_ok(place(true, 0x2000000, 0x1000000), err);
	expect_plan(0x1000000, 0x1000000, false, 0xf000000, true);

	/* an initrd that fits only above 2^47: no room, not a bad move */
	assert_fail(place(true, 0x1c00000, 0xc400000), err, "initrd",
		    "no room: cell RAM ends at 0x800000000000, the initrd needs up "
		    "to 0x80000c300000: 195.0 MiB short (0xc400000 bytes below "
		    "0x800000000000, off window 0x1000000-0x3ffffff)");

	/* a window that fits only above 2^47: no room, 48 MiB short of it */
	set_ram_end(0x2000000);
	assert_fail(place(false, 0, 0), err, "kernel",
		    "no room: cell RAM ends at 0x800000000000, the kernel needs "
		    "up to 0x800003000000: 48.0 MiB short (init_size 0x3000000 "
		    "at >= 0x1000000, align 0x200000)");

	/* loaded above 2^47: refused, naming the limit */
	set_ram_end(0x10000000);
	k.load_addr = top + 0x1000000 - SETUP;
	k.pm_addr = top + 0x1000000;
	assert_fail(place(false, 0, 0), err, "kernel",
		    "0x800000ffb000-0x8000017fffff overlaps unmapped space from "
		    "2^47 0x800000000000-0xfffffffffffffffe");
}

/*
 * A fixed (non-relocatable) kernel's kernel_alignment is never checked
 * (it runs at pref_address): 0 there once hung the no-room estimate in an
 * endless loop (found by fuzz_plan, tests/fuzz/regress/plan/).
 */
static void test_no_room_fixed_kernel_any_alignment(void **state)
{
	static const u32 aligns[] = { 0, 1, 3, 0x300000, 0x80000000u };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(aligns); i++) {
		cell_256m();
		set_ram_end(0x2000000);		/* the window needs 64 MiB */
		kernel_at(PREF, false, XLF_64_ABOVE4G);
		k.kernel_alignment = aligns[i];
		assert_int_equal(place(false, 0, 0), -1);
		assert_string_equal(err.what, "kernel");
		assert_memory_equal(err.detail, "no room: ", 9);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_in_place),
		cmocka_unit_test(test_no_initrd),
		cmocka_unit_test(test_in_place_unaligned),
		cmocka_unit_test(test_in_place_below_pref),
		cmocka_unit_test(test_initrd_moved),
		cmocka_unit_test(test_initrd_moved_spares_kernel_file),
		cmocka_unit_test(test_kernel_moved),
		cmocka_unit_test(test_kernel_moved_when_unaligned_window_too_big),
		cmocka_unit_test(test_both_moved),
		cmocka_unit_test(test_non_relocatable),
		cmocka_unit_test(test_initrd_limit),
		cmocka_unit_test(test_kernel_errors),
		cmocka_unit_test(test_initrd_errors),
		cmocka_unit_test(test_initrd_no_room_above_4g_allowed),
		cmocka_unit_test(test_reserved_past_16_refused),
		cmocka_unit_test(test_plans_below_the_mapping_limit),
		cmocka_unit_test(test_no_room_fixed_kernel_any_alignment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
