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

/*
 * One placement: the standard cell (cell_256m) with the row's changes, the
 * standard kernel with its code at .code, then plan_place. The row expects
 * either an error (.what, .detail: the exact line) or a plan: the kernel's
 * code at .kernel_pm, running from .runtime, its window
 * [.kernel_pm, .runtime + init_size), and where the initrd ends up.
 */
struct place_row {
	const char *name;
	/* the cell and the kernel */
	u64 ram_end;			/* 0: 256 MiB */
	u64 code;			/* where the root loaded the pm code */
	bool fixed;			/* not relocatable */
	u16 xlf;
	u32 init_size;			/* 0: INIT */
	u32 initrd_addr_max;		/* 0: 0x7fffffff */
	struct range reserve;		/* one more reserved range, if .end */
	void (*setup)(void);		/* anything else, or NULL */
	/* the initrd */
	bool has_initrd;
	u64 iaddr, isize;
	/* expected: an error ... */
	const char *what, *detail;
	/* ... or the plan */
	u64 kernel_pm, runtime;
	bool kmoved;
	u64 initrd;
	bool imoved;
};

#define INITRD(addr, size)	.has_initrd = true, .iaddr = (addr), .isize = (size)
#define PLAN(kpm, rt, km, ird, im) \
	.kernel_pm = (kpm), .runtime = (rt), .kmoved = (km), \
	.initrd = (ird), .imoved = (im)
#define FAILS(what_, detail_)	.what = (what_), .detail = (detail_)

static void run_place_rows(const struct place_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct place_row *r = &rows[i];
		int rc;

		cell_256m();
		if (r->ram_end)
			set_ram_end(r->ram_end);
		kernel_at(r->code, !r->fixed, r->xlf);
		if (r->init_size)
			k.init_size = r->init_size;
		if (r->initrd_addr_max)
			k.initrd_addr_max = r->initrd_addr_max;
		if (r->reserve.end)
			res[num_res++] = r->reserve;
		if (r->setup)
			r->setup();
		rc = place(r->has_initrd, r->iaddr, r->isize);
		if (r->what) {
			assert_row_fail(r->name, rc, err, r->what, r->detail);
			continue;
		}
		assert_row_ok(r->name, rc, err);
		assert_row_equal(r->name, "kernel_pm", out.kernel_pm, r->kernel_pm);
		assert_row_equal(r->name, "runtime", out.runtime, r->runtime);
		assert_row_equal(r->name, "window_start", out.window_start,
				 r->kernel_pm);
		assert_row_equal(r->name, "window_end", out.window_end,
				 r->runtime + k.init_size);
		assert_row_equal(r->name, "kernel_moved", out.kernel_moved,
				 r->kmoved);
		assert_row_equal(r->name, "initrd_addr", out.initrd_addr,
				 r->initrd);
		assert_row_equal(r->name, "initrd_moved", out.initrd_moved,
				 r->imoved);
	}
}

#define RUN(rows) run_place_rows((rows), ARRAY_SIZE(rows))

/* ---- preference 0: everything in place ---------------------------------- */

static void test_all_in_place(void **state)
{
	static const struct place_row rows[] = {
		/*
		 * File at 0xffb000 puts the code at pref_address 16 MiB; the
		 * window [16 MiB, 64 MiB) is free RAM and the initrd at 96 MiB
		 * is clear of it: zero copy.
		 */
		{ "initrd at 96 MiB clear of the window",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x6000000, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x6000000, false) },
		{ "initrd touching the window's end",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x4000000, 0x1000),
		  PLAN(0x1000000, 0x1000000, false, 0x4000000, false) },
		{ "initrd right below the file",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0xffb000 - 0x1000, 0x1000),
		  PLAN(0x1000000, 0x1000000, false, 0xffa000, false) },
		/* initrd fields are ignored without has_initrd */
		{ "no initrd: its fields ignored",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .iaddr = 0x2000000, .isize = 0x100000,
		  PLAN(0x1000000, 0x1000000, false, 0, false) },
		/*
		 * Code at 17 MiB (not 2 MiB aligned): Linux realigns itself up
		 * to 18 MiB in place, so the window runs from the code (17 MiB)
		 * to 18 MiB + init_size = 0x4200000.
		 */
		{ "code at 17 MiB realigns to 18 MiB in place",
		  .code = 0x1100000, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x6000000, 0x1000000),
		  PLAN(0x1100000, 0x1200000, false, 0x6000000, false) },
		/*
		 * An initrd in [0x4000000, 0x4200000) is inside that window:
		 * moved to the highest page below the end of RAM.
		 */
		{ "initrd inside the realigned window's tail moved",
		  .code = 0x1100000, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x4100000, 0x1000),
		  PLAN(0x1100000, 0x1200000, false, 0x10000000 - 0x1000, true) },
		/*
		 * Code at 4 MiB, below pref_address: Linux runs from 16 MiB,
		 * so the window is [4 MiB, 16 MiB + init_size) and it all
		 * stays.
		 */
		{ "code below pref_address stays",
		  .code = 0x400000, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x6000000, 0x1000),
		  PLAN(0x400000, 0x1000000, false, 0x6000000, false) },
	};

	(void)state;
	RUN(rows);
}

/* ---- preference 1: initrd moved, kernel in place ------------------------ */

static void test_initrd_moved(void **state)
{
	static const struct place_row rows[] = {
		/*
		 * The initrd at 32 MiB is inside the window [16, 64 MiB) but
		 * clear of the file [0xffb000, 0x1800000): the kernel stays
		 * (preferred over moving it), the initrd goes to the highest
		 * page-aligned address in RAM: 256 MiB - 1 MiB = 0xff00000.
		 */
		{ "initrd in the window to the top of RAM",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x2000000, 0x100000),
		  PLAN(0x1000000, 0x1000000, false, 0xff00000, true) },
		/* an odd size: 0x10000000 - 0x123456 = 0xfedcbaa, page down */
		{ "odd-sized initrd rounded down to a page",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x2000000, 0x123456),
		  PLAN(0x1000000, 0x1000000, false, 0xfedc000, true) },
		/* a reserved range at the top of RAM pushes it below */
		{ "reserved range at the top of RAM pushes it below",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .reserve = { 0xff80000, 0x10000000, "top" },
		  INITRD(0x2000000, 0x100000),
		  PLAN(0x1000000, 0x1000000, false, 0xfe80000, true) },
		/*
		 * RAM [0, 0x4800000). Kernel at pref; window [16, 64 MiB). The
		 * initrd (2 MiB) overlaps the window. Free space: [0x4000000,
		 * 0x4800000) above the window (8 MiB): it goes to 0x4800000 -
		 * 2 MiB = 0x4600000.
		 */
		{ "initrd above the window",
		  .ram_end = 0x4800000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x3000000, 0x200000),
		  PLAN(0x1000000, 0x1000000, false, 0x4600000, true) },
		/*
		 * RAM ends at 64 MiB + 1 MiB: a 2 MiB initrd does not fit above
		 * the window, so it goes below, ending right under the kernel
		 * file [0xffb000, 0x1800000), which it must spare (the kernel
		 * runs from it): align_down(0xffb000 - 0x200000, 4K) = 0xdfb000.
		 */
		{ "initrd below the window spares the kernel file",
		  .ram_end = 0x4100000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x3000000, 0x200000),
		  PLAN(0x1000000, 0x1000000, false, 0xdfb000, true) },
		/* 1 MiB fits exactly above the window: [0x4000000, 0x4100000) */
		{ "initrd fitting exactly above the window",
		  .ram_end = 0x4100000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x3000000, 0x100000),
		  PLAN(0x1000000, 0x1000000, false, 0x4000000, true) },
	};

	(void)state;
	RUN(rows);
}

/* ---- preference 2: kernel moved, initrd in place ------------------------ */

static void test_kernel_moved(void **state)
{
	static const struct place_row rows[] = {
		/*
		 * RAM ends at 160 MiB. Code at 128 MiB: the file [0x7ffb000,
		 * 0x8800000) is in RAM but the window [128, 176 MiB) is not.
		 * The initrd at 2 MiB stays; the kernel goes to the lowest
		 * aligned address >= pref_address whose window fits: 16 MiB
		 * itself.
		 */
		{ "window past RAM: kernel to pref_address",
		  .ram_end = 0xa000000, .code = 0x8000000,
		  .xlf = XLF_64_ABOVE4G, INITRD(0x200000, 0x100000),
		  PLAN(0x1000000, 0x1000000, true, 0x200000, false) },
		/*
		 * The initrd at [0x1800000, 0x1900000) blocks 16 MiB: the next
		 * aligned address after it is align_up(0x1900000, 2 MiB) =
		 * 0x1a00000.
		 */
		{ "initrd at 24 MiB: kernel to the next aligned address",
		  .ram_end = 0xa000000, .code = 0x8000000,
		  .xlf = XLF_64_ABOVE4G, INITRD(0x1800000, 0x100000),
		  PLAN(0x1a00000, 0x1a00000, true, 0x1800000, false) },
		/* without an initrd: the same as the first case */
		{ "window past RAM, no initrd",
		  .ram_end = 0xa000000, .code = 0x8000000,
		  .xlf = XLF_64_ABOVE4G,
		  PLAN(0x1000000, 0x1000000, true, 0, false) },
		/* a reserved page at 16 MiB: next aligned is 0x1200000 */
		{ "reserved page at 16 MiB: kernel to 18 MiB",
		  .ram_end = 0xa000000, .code = 0x8000000,
		  .xlf = XLF_64_ABOVE4G,
		  .reserve = { 0x1000000, 0x1001000, "blocker" },
		  PLAN(0x1200000, 0x1200000, true, 0, false) },
		/*
		 * RAM ends at 0x4100000. Code at 0x1100000: in place the window
		 * would be [0x1100000, 0x4200000) (realigned to 18 MiB): too
		 * big. Moved, [0x1000000, 0x4000000) fits.
		 */
		{ "realigned window too big: moved",
		  .ram_end = 0x4100000, .code = 0x1100000,
		  .xlf = XLF_64_ABOVE4G,
		  PLAN(0x1000000, 0x1000000, true, 0, false) },
	};

	(void)state;
	RUN(rows);
}

/* ---- preference 3: both moved ------------------------------------------- */

static void test_both_moved(void **state)
{
	static const struct place_row rows[] = {
		/*
		 * RAM [0, 96 MiB), init_size 64 MiB. Code at 80 MiB (file
		 * [0x4ffb000, 0x5800000)): its window [80, 144 MiB) does not
		 * fit. With the initrd in place at 48 MiB no 64 MiB window
		 * >= 16 MiB fits either ([16, 80) hits the initrd, the next
		 * candidate 0x3200000 ends past RAM). So both move: the kernel
		 * to 16 MiB, [0x1000000, 0x5000000), and the initrd (1 MiB) to
		 * the highest page clear of that window and of the kernel file
		 * (the source of the kernel move): 96 MiB - 1 MiB = 0x5f00000.
		 */
		{ "both moved: initrd above the kernel file",
		  .ram_end = 0x6000000, .code = 0x5000000,
		  .xlf = XLF_64_ABOVE4G, .init_size = 0x4000000,
		  INITRD(0x3000000, 0x100000),
		  PLAN(0x1000000, 0x1000000, true, 0x5f00000, true) },
		/*
		 * A 9 MiB initrd does not fit above the file (0x5800000..96 MiB
		 * is 8 MiB): it goes below the window instead, 16 MiB - 9 MiB.
		 */
		{ "both moved: initrd below the window",
		  .ram_end = 0x6000000, .code = 0x5000000,
		  .xlf = XLF_64_ABOVE4G, .init_size = 0x4000000,
		  INITRD(0x3000000, 0x900000),
		  PLAN(0x1000000, 0x1000000, true, 0x700000, true) },
		/*
		 * A 16 MiB one fits neither there (the comm region at 1 MiB and
		 * cellboot leave less than 16 MiB below the window) nor above:
		 * no room; the message names the moved kernel's window.
		 */
		{ "both moved: no room for a 16 MiB initrd",
		  .ram_end = 0x6000000, .code = 0x5000000,
		  .xlf = XLF_64_ABOVE4G, .init_size = 0x4000000,
		  INITRD(0x3000000, 0x1000000),
		  FAILS("initrd",
			"no room: cell RAM ends at 0x6000000, the initrd needs up to "
			"0x6800000: 8.0 MiB short (0x1000000 bytes below "
			"0x800000000000, off window 0x1000000-0x4ffffff)") },
	};

	(void)state;
	RUN(rows);
}

/* ---- non-relocatable kernels -------------------------------------------- */

static void test_non_relocatable(void **state)
{
	static const struct place_row rows[] = {
		{ "fixed kernel at pref_address: in place",
		  .code = PREF, .fixed = true, .xlf = XLF_KERNEL_64,
		  INITRD(0x6000000, 0x1000),
		  PLAN(0x1000000, 0x1000000, false, 0x6000000, false) },
		/*
		 * Anywhere else it runs from pref_address only: code at 48 MiB
		 * is moved to 16 MiB (the window [16, 64 MiB) may overlap its
		 * own file [0x2ffb000, 0x3800000): the move is overlap-safe).
		 */
		{ "fixed kernel at 48 MiB moved to pref_address",
		  .code = 0x3000000, .fixed = true, .xlf = XLF_KERNEL_64,
		  PLAN(0x1000000, 0x1000000, true, 0, false) },
		/* even 2 MiB above pref: never realigned, always moved */
		{ "fixed kernel 2 MiB above pref_address moved",
		  .code = 0x1200000, .fixed = true, .xlf = XLF_KERNEL_64,
		  PLAN(0x1000000, 0x1000000, true, 0, false) },
		/*
		 * Pref window blocked: no other address will do. RAM is long
		 * enough (0.0 MiB short): something is in the way.
		 */
		{ "fixed kernel, pref window blocked: no room",
		  .code = 0x5000000, .fixed = true, .xlf = XLF_KERNEL_64,
		  .reserve = { 0x2000000, 0x2001000, NULL },
		  FAILS("kernel",
			"no room: cell RAM ends at 0x10000000, the kernel needs up to "
			"0x5200000: 0.0 MiB short (init_size 0x3000000 at >= "
			"0x1000000, align 0x200000)") },
		/* an initrd in the pref window moves instead of the kernel */
		{ "fixed kernel: initrd in its window moves instead",
		  .code = PREF, .fixed = true, .xlf = XLF_KERNEL_64,
		  INITRD(0x2000000, 0x1000),
		  PLAN(0x1000000, 0x1000000, false, 0xffff000, true) },
	};

	(void)state;
	RUN(rows);
}

/* ---- initrd limit --------------------------------------------------------- */

/* RAM [0, 1 GiB) and [4 GiB, 5 GiB); only cellboot reserved. */
static void ram_1g_and_4g_to_5g(void)
{
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x40000000, "RAM" };
	ram[1] = (struct range){ 0x100000000ull, 0x140000000ull, "RAM" };
	num_res = 1;
	res[0] = (struct range){ 0, 0x23000, "cellboot" };
}

static void test_initrd_limit(void **state)
{
	static const struct place_row rows[] = {
		/*
		 * Without XLF_CAN_BE_LOADED_ABOVE_4G the initrd must end at or
		 * below initrd_addr_max + 1 = 2 GiB: the one at 4 GiB moves to
		 * the top of the low GiB, 1 GiB - 16 MiB.
		 */
		{ "initrd at 4 GiB, no above-4G flag: moved below 2 GiB",
		  .code = PREF, .xlf = XLF_KERNEL_64,
		  .setup = ram_1g_and_4g_to_5g,
		  INITRD(0x100000000ull, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x3f000000, true) },
		/* with the flag it stays above 4 GiB */
		{ "initrd at 4 GiB with the above-4G flag stays",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .setup = ram_1g_and_4g_to_5g,
		  INITRD(0x100000000ull, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x100000000ull, false) },
		/* and a moved one goes to the top of all RAM: 5 GiB - 16 MiB */
		{ "moved initrd with the above-4G flag to the top of all RAM",
		  .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .setup = ram_1g_and_4g_to_5g,
		  INITRD(0x2000000, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x13f000000ull, true) },
		/* ending exactly at initrd_addr_max + 1: stays */
		{ "initrd ending at initrd_addr_max + 1 stays",
		  .code = PREF, .xlf = XLF_KERNEL_64,
		  .initrd_addr_max = 0x37ffffff,
		  .setup = ram_1g_and_4g_to_5g,
		  INITRD(0x37000000, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x37000000, false) },
		/*
		 * One page further it ends past the limit: moved to the highest
		 * page-aligned start whose 16 MiB end at or below 0x38000000,
		 * i.e. 0x37000000 (overlapping its old place: the move is
		 * overlap-safe).
		 */
		{ "initrd one page past initrd_addr_max moved",
		  .code = PREF, .xlf = XLF_KERNEL_64,
		  .initrd_addr_max = 0x37ffffff,
		  .setup = ram_1g_and_4g_to_5g,
		  INITRD(0x37001000, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0x37000000, true) },
	};

	(void)state;
	RUN(rows);

	/* plan_initrd_limit itself */
	kernel_at(PREF, true, XLF_KERNEL_64);
	k.initrd_addr_max = 0x7fffffff;
	assert_true(plan_initrd_limit(&k) == 0x80000000ull);
	k.initrd_addr_max = 0xffffffff;
	assert_true(plan_initrd_limit(&k) == 0x100000000ull);
	k.xloadflags = XLF_64_ABOVE4G;
	assert_true(plan_initrd_limit(&k) == UINT64_MAX);
}

/* ---- errors --------------------------------------------------------------- */

static void cellboot_unnamed(void)
{
	res[0].name = NULL;
}

/* RAM split in two at 20 MiB. */
static void ram_split_at_20m(void)
{
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x1400000, "RAM" };
	ram[1] = (struct range){ 0x1400000, 0x10000000, "RAM" };
}

#define NO_ROOM_KERNEL(end, need, short_, init)				\
	FAILS("kernel", "no room: cell RAM ends at " end ", the kernel "	\
	      "needs up to " need ": " short_ " MiB short (init_size " init	\
	      " at >= 0x1000000, align 0x200000)")

static void test_kernel_errors(void **state)
{
	static const struct place_row rows[] = {
		/* file [0xffff000, 0x10804000) runs past the end of RAM */
		{ "file past the end of RAM",
		  .code = 0xffff000 + SETUP, .xlf = XLF_64_ABOVE4G,
		  FAILS("kernel", "0xffff000-0x10803fff is not inside cell RAM") },
		/* file [0xff000, 0x904000) covers the comm region at 1 MiB */
		{ "file over the comm region",
		  .code = 0xff000 + SETUP, .xlf = XLF_64_ABOVE4G,
		  FAILS("kernel",
			"0xff000-0x903fff overlaps comm region 0x100000-0x100fff") },
		/* the lowest-starting reserved range is named */
		{ "file over cellboot: the lowest range named",
		  .code = 0x10000 + SETUP, .xlf = XLF_64_ABOVE4G,
		  FAILS("kernel",
			"0x10000-0x814fff overlaps cellboot 0x0-0x22fff") },
		{ "file over an unnamed reserved range",
		  .code = 0x10000 + SETUP, .xlf = XLF_64_ABOVE4G,
		  .setup = cellboot_unnamed,
		  FAILS("kernel", "0x10000-0x814fff overlaps a reserved range "
			"0x0-0x22fff") },
		{ "file wrapping past 2^64",
		  .code = 0xfffffffffff00000ull + SETUP, .xlf = XLF_64_ABOVE4G,
		  FAILS("kernel", "0xfffffffffff00000-0x704fff is not inside "
			"cell RAM") },
		/* RAM split in two: the file must lie in one range */
		{ "file across two RAM ranges",
		  .code = PREF, .xlf = XLF_64_ABOVE4G, .setup = ram_split_at_20m,
		  FAILS("kernel", "0xffb000-0x17fffff is not inside cell RAM") },
		/*
		 * Relocatable, no window anywhere: RAM ends at 48 MiB; 16 MiB
		 * + init_size = 64 MiB: 16 MiB past the end of RAM.
		 */
		{ "no window anywhere",
		  .ram_end = 0x3000000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  NO_ROOM_KERNEL("0x3000000", "0x4000000", "16.0", "0x3000000") },
		/* also with an initrd that is itself fine */
		{ "no window anywhere, with a fine initrd",
		  .ram_end = 0x3000000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  INITRD(0x200000, 0x1000),
		  NO_ROOM_KERNEL("0x3000000", "0x4000000", "16.0", "0x3000000") },
		/* the shortfall rounds up to a tenth of a MiB: 1 byte is 0.1 */
		{ "one byte short rounds up to 0.1 MiB",
		  .ram_end = 0x4000000 - 1, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  NO_ROOM_KERNEL("0x3ffffff", "0x4000000", "0.1", "0x3000000") },
		/* the example: the demo cell's RAM and Debian 6.1 */
		{ "demo cell RAM and Debian 6.1's init_size",
		  .ram_end = 0x4900000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .init_size = 0x3f98000,
		  NO_ROOM_KERNEL("0x4900000", "0x4f98000", "6.6", "0x3f98000") },
		/* a reserved range up to the top: nothing clear below 2^47 */
		{ "reserved range up to the top",
		  .ram_end = 0x4900000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .init_size = 0x3f98000,
		  .reserve = { 0x2000000, UINT64_MAX, NULL },
		  NO_ROOM_KERNEL("0x4900000", "0x800003f98000", "134217718.6",
				 "0x3f98000") },
	};

	(void)state;
	RUN(rows);
}

/* RAM [0, 128 MiB) + [4 GiB, 4.25 GiB). */
static void ram_128m_and_4g(void)
{
	num_ram = 2;
	ram[0] = (struct range){ 0, 0x8000000, "RAM" };
	ram[1] = (struct range){ 0x100000000ull, 0x110000000ull, "RAM" };
}

#define INITRD_ERR(addr, size, detail_)					\
	.code = PREF, .xlf = XLF_64_ABOVE4G, INITRD(addr, size),		\
	FAILS("initrd", detail_)

static void test_initrd_errors(void **state)
{
	static const struct place_row rows[] = {
		{ "initrd past the end of RAM",
		  INITRD_ERR(0xff00000, 0x200000,
			     "0xff00000-0x100fffff is not inside cell RAM") },
		/* over the kernel file [0xffb000, 0x1800000) */
		{ "initrd over the kernel file",
		  INITRD_ERR(0x1700000, 0x200000, "0x1700000-0x18fffff overlaps "
			     "kernel file 0xffb000-0x17fffff") },
		/* over the kernel's setup sectors too */
		{ "initrd over the kernel's setup sectors",
		  INITRD_ERR(0xffa000, 0x2000, "0xffa000-0xffbfff overlaps "
			     "kernel file 0xffb000-0x17fffff") },
		{ "initrd over the comm region",
		  INITRD_ERR(0xf0000, 0x20000, "0xf0000-0x10ffff overlaps comm "
			     "region 0x100000-0x100fff") },
		{ "initrd over the cell config",
		  INITRD_ERR(0x30000, 0x1000, "0x30000-0x30fff overlaps cell "
			     "config 0x30000-0x30453") },
		{ "initrd over cellboot",
		  INITRD_ERR(0x22000, 0x1000,
			     "0x22000-0x22fff overlaps cellboot 0x0-0x22fff") },
		{ "initrd right after cellboot: fine",
		  .code = PREF, .xlf = XLF_64_ABOVE4G, INITRD(0x23000, 0x1000),
		  PLAN(0x1000000, 0x1000000, false, 0x23000, false) },
		{ "initrd wrapping past 2^64",
		  INITRD_ERR(0xfffffffffffff000ull, 0x2000,
			     "0xfffffffffffff000-0xfff is not inside cell RAM") },
		/*
		 * No room below the limit: RAM [0, 128 MiB) + [4 GiB, 4.25 GiB),
		 * initrd (96 MiB) at 4 GiB but the kernel allows 2 GiB at most.
		 * Below 2 GiB only [0, 128 MiB) minus the window [16, 64 MiB)
		 * is free: 64 MiB above it, less below. The kernel stays, but
		 * the error names the window of the last attempt (both moved):
		 * the kernel at 16 MiB again.
		 */
		{ "no room below initrd_addr_max",
		  .code = PREF, .xlf = XLF_KERNEL_64, .setup = ram_128m_and_4g,
		  INITRD(0x100000000ull, 0x6000000),
		  FAILS("initrd",
			"no room: cell RAM ends at 0x8000000, the initrd needs up to "
			"0xa000000: 32.0 MiB short (0x6000000 bytes below 0x80000000, "
			"off window 0x1000000-0x3ffffff)") },
		/*
		 * RAM [0, 80 MiB). Window [16, 64 MiB). The 24 MiB initrd at
		 * 32 MiB must move: above the window 16 MiB, below the file
		 * ~15 MiB. The kernel cannot move either: with the initrd in
		 * place the only other candidate 0x3800000 ends past RAM. The
		 * limit is 2^64 - 1.
		 */
		{ "no room with the above-4G flag",
		  .ram_end = 0x5000000,
		  INITRD_ERR(0x2000000, 0x1800000,
			     "no room: cell RAM ends at 0x5000000, the initrd needs "
			     "up to 0x5800000: 8.0 MiB short (0x1800000 bytes below "
			     "0x800000000000, off window 0x1000000-0x3ffffff)") },
	};

	(void)state;
	RUN(rows);
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
#define TOP_47 (1ull << 47)

/* Two more RAM ranges: one across 2^47, one above it. */
static void ram_across_2_47(void)
{
	num_ram = 3;
	ram[1] = (struct range){ TOP_47 - 0x100000, TOP_47 + 0x40000000, "RAM" };
	ram[2] = (struct range){ TOP_47 + 0x80000000, TOP_47 + 0x100000000,
				 "RAM" };
}

/* The same, and the root loaded the kernel's code at 2^47 + 16 MiB. */
static void kernel_above_2_47(void)
{
	ram_across_2_47();
	k.load_addr = TOP_47 + 0x1000000 - SETUP;
	k.pm_addr = TOP_47 + 0x1000000;
}

static void test_plans_below_the_mapping_limit(void **state)
{
	static const struct place_row rows[] = {
		/* the initrd inside the window moves: to low RAM, not the top */
		{ "moved initrd to low RAM, not above 2^47",
		  .code = PREF, .xlf = XLF_64_ABOVE4G, .setup = ram_across_2_47,
		  INITRD(0x2000000, 0x1000000),
		  PLAN(0x1000000, 0x1000000, false, 0xf000000, true) },
		/* an initrd that fits only above 2^47: no room, not a bad move */
		{ "initrd fitting only above 2^47: no room",
		  .code = PREF, .xlf = XLF_64_ABOVE4G, .setup = ram_across_2_47,
		  INITRD(0x1c00000, 0xc400000),
		  FAILS("initrd",
			"no room: cell RAM ends at 0x800000000000, the initrd needs "
			"up to 0x80000c300000: 195.0 MiB short (0xc400000 bytes "
			"below 0x800000000000, off window 0x1000000-0x3ffffff)") },
		/* a window that fits only above 2^47: no room, 48 MiB short */
		{ "window fitting only above 2^47: no room",
		  .ram_end = 0x2000000, .code = PREF, .xlf = XLF_64_ABOVE4G,
		  .setup = ram_across_2_47,
		  NO_ROOM_KERNEL("0x800000000000", "0x800003000000", "48.0",
				 "0x3000000") },
		/* loaded above 2^47: refused, naming the limit */
		{ "kernel loaded above 2^47 refused",
		  .code = PREF, .xlf = XLF_64_ABOVE4G, .setup = kernel_above_2_47,
		  FAILS("kernel",
			"0x800000ffb000-0x8000017fffff overlaps unmapped space from "
			"2^47 0x800000000000-0xfffffffffffffffe") },
	};

	(void)state;
	RUN(rows);
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
		cmocka_unit_test(test_initrd_moved),
		cmocka_unit_test(test_kernel_moved),
		cmocka_unit_test(test_both_moved),
		cmocka_unit_test(test_non_relocatable),
		cmocka_unit_test(test_initrd_limit),
		cmocka_unit_test(test_kernel_errors),
		cmocka_unit_test(test_initrd_errors),
		cmocka_unit_test(test_reserved_past_16_refused),
		cmocka_unit_test(test_plans_below_the_mapping_limit),
		cmocka_unit_test(test_no_room_fixed_kernel_any_alignment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
