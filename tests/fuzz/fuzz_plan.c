/* SPDX-License-Identifier: MIT */
/*
 * plan_place() on cells and images decoded from the fuzz bytes, checked
 * against tests/fuzz/plan_oracle.h (safety invariants and the documented
 * preference order) on success, and against the model's expected error
 * subject on failure.
 *
 * Decoding (all little-endian, missing bytes read as 0):
 *   u8 shape:   bits 0-2 number of RAM ranges - 1, bit 3 the loader's
 *               reserved ranges (lib/policy.c), bits 4-7 more reserved
 *               ranges (at most PLAN_MAX_RESERVED in all)
 *   RAM ranges: LEN gap, LEN size each, ascending, never adjacent (the
 *               planner's input is merged)
 *   reserved:   ADDR start, LEN size each; with bit 3 the first is the
 *               comm region (its page at ADDR; none: the default 1 MiB)
 *               and the second the config copy, and cellboot's own
 *               [0, CB_LOW_END) comes first
 *   kernel:     u8 flags (bit 0 relocatable, bit 1 XLF_CAN_BE_LOADED_ABOVE_4G,
 *               bit 2 raw version/xloadflags/jump follow), u8 setup_sects
 *               (mod 64), u8 alignment (bit 7: raw u32 follows, else
 *               2 MiB << (n mod 10)), u16 pref (0xffff: raw u64 follows,
 *               else n * 2 MiB), LEN code size, LEN init_size - code size,
 *               u8 initrd_addr_max choice (0-2 usual values, else raw u32),
 *               ADDR load address, [u16 version, u16 xloadflags, u16 jump]
 *   initrd:     u8 (bit 0: present), ADDR, LEN size
 *   LEN:        u16 v; v >> 14 picks the unit of v & 0x3fff: 4 KiB, 1 MiB,
 *               64 KiB, or 3: a raw u64 follows
 *   ADDR:       u8 sel, LEN off: the address is off (wrapped to the range's
 *               size) into RAM range sel mod n; if sel is 0xff a raw u64
 *               follows and is the address
 */
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/plan_oracle.h"
#include "lib/layout.h"
#include "lib/policy.h"
#include "lib/abi/comm_region.h"

static u64 dec_len(struct fuzz_reader *r)
{
	static const u64 unit[3] = { 0x1000, 0x100000, 0x10000 };
	u16 v = fuzz_u16(r);

	if (v >> 14 == 3)
		return fuzz_u64(r);
	return (u64)(v & 0x3fff) * unit[v >> 14];
}

static u64 dec_addr(struct fuzz_reader *r, const struct range *ram, u32 n)
{
	u8 sel = fuzz_u8(r);
	const struct range *x = &ram[sel % n];
	u64 off = dec_len(r);

	if (sel == 0xff)
		return fuzz_u64(r);
	return x->start + off % (x->end - x->start);
}

static u64 sat_add(u64 a, u64 b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/*
 * The loader's reserved ranges in front of res[0..*n): the first two of
 * them become its comm region and config copy.
 */
static void loader_reserved(struct range *res, u32 *n)
{
	struct range lr[POLICY_CELL_RESERVED], rest[PLAN_MAX_RESERVED];
	struct cell_config cfg = { .total_size = 0 };
	struct policy_cell cell = { .comm_addr = COMM_REGION_DEFAULT_BASE };
	u32 used = *n < 2 ? *n : 2, k;

	if (used >= 1)
		cell.comm_addr = res[0].start < UINT64_MAX - COMM_REGION_PAGE_SIZE ?
				 res[0].start : UINT64_MAX - COMM_REGION_PAGE_SIZE;
	if (used == 2) {
		cfg.total_size = res[1].end - res[1].start;
		cell.cfg = &cfg;
		cell.config_addr = res[1].start;
	}
	memcpy(rest, res + used, (*n - used) * sizeof(*res));
	k = policy_reserved(&cell, lr);
	memcpy(res, lr, k * sizeof(*res));
	memcpy(res + k, rest, (*n - used) * sizeof(*res));
	*n = k + *n - used;
}

/* FUZZ_PLAN_DUMP=1 in the environment prints every decoded input. */
static int dump = -1;

static void dump_input(const struct plan_input *in)
{
	const struct bzimage *k = in->k;

	for (u32 i = 0; i < in->num_ram; i++)
		fprintf(stderr, "  ram      0x%llx-0x%llx\n",
			(unsigned long long)in->ram[i].start,
			(unsigned long long)in->ram[i].end);
	for (u32 i = 0; i < in->num_reserved; i++)
		fprintf(stderr, "  reserved 0x%llx-0x%llx\n",
			(unsigned long long)in->reserved[i].start,
			(unsigned long long)in->reserved[i].end);
	fprintf(stderr, "  kernel file 0x%llx pm 0x%llx code 0x%llx init_size "
		"0x%x align 0x%x pref 0x%llx reloc %d xlf 0x%x "
		"initrd_addr_max 0x%x\n", (unsigned long long)k->load_addr,
		(unsigned long long)k->pm_addr, (unsigned long long)k->pm_size,
		k->init_size, k->kernel_alignment,
		(unsigned long long)k->pref_address, k->relocatable,
		k->xloadflags, k->initrd_addr_max);
	if (in->has_initrd)
		fprintf(stderr, "  initrd 0x%llx size 0x%llx\n",
			(unsigned long long)in->initrd_addr,
			(unsigned long long)in->initrd_size);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_reader r = { data, size, 0 };
	struct range ram[8], res[PLAN_MAX_RESERVED];
	struct synth_kernel s = { 0 };
	struct plan_input in = { 0 };
	struct bzimage k;
	struct plan pl;
	struct cb_err err;
	char why[512];
	const char *bad;
	u8 shape = fuzz_u8(&r), kf, al, ia, *img;
	u32 nram = 0, nres = 0;
	u64 cursor = 0, pm_size, extra, load;
	u16 pref;
	size_t setup;

	/* RAM */
	for (u32 i = 0; i < (shape & 7u) + 1; i++) {
		u64 gap = dec_len(&r), len = dec_len(&r), start;

		if (i && !gap)
			gap = 0x1000;
		if (!len)
			len = 0x1000;
		if (cursor + gap < cursor || cursor + gap == UINT64_MAX)
			break;
		start = cursor + gap;
		ram[nram].start = start;
		ram[nram].end = sat_add(start, len);
		ram[nram].name = "RAM";
		cursor = ram[nram++].end;
		if (cursor == UINT64_MAX)
			break;
	}
	if (!nram)
		return 0;

	/* reserved ranges: room for cellboot's with bit 3 */
	for (u32 i = 0; i < (shape >> 4u) &&
	     nres < PLAN_MAX_RESERVED - (shape & 8 ? 1u : 0u); i++) {
		u64 a = dec_addr(&r, ram, nram), len = dec_len(&r);

		res[nres++] = (struct range){ a, sat_add(a, len ? len : 0x1000),
					      "reserved" };
	}
	if (shape & 8)
		loader_reserved(res, &nres);

	/* kernel */
	kf = fuzz_u8(&r);
	s.relocatable = kf & 1;
	s.setup_sects = fuzz_u8(&r) % 64;
	al = fuzz_u8(&r);
	s.kernel_alignment = al & 0x80 ? fuzz_u32(&r) : 0x200000u << (al % 10);
	pref = fuzz_u16(&r);
	s.pref_address = pref == 0xffff ? fuzz_u64(&r) : (u64)pref << 21;
	pm_size = dec_len(&r);
	extra = dec_len(&r);
	if (!pm_size)
		pm_size = 16;
	if (pm_size > 0xffffffffull || extra > 0xffffffffull - pm_size)
		return 0;
	s.syssize = (u32)((pm_size + 15) / 16);
	pm_size = (u64)s.syssize * 16;
	s.init_size = (u32)(pm_size + extra);
	ia = fuzz_u8(&r);
	s.initrd_addr_max = ia == 0 ? 0x7fffffff : ia == 1 ? 0x37ffffff :
			    ia == 2 ? 0xffffffff : fuzz_u32(&r);
	load = dec_addr(&r, ram, nram);
	s.version = 0x020f;
	s.xloadflags = XLF_KERNEL_64 | (kf & 2 ? XLF_CAN_BE_LOADED_ABOVE_4G : 0);
	s.jump = 0x66eb;
	if (kf & 4) {
		s.version = fuzz_u16(&r);
		s.xloadflags = fuzz_u16(&r);
		s.jump = fuzz_u16(&r);
	}

	/* initrd */
	in.has_initrd = fuzz_u8(&r) & 1;
	if (in.has_initrd) {
		in.initrd_addr = dec_addr(&r, ram, nram);
		in.initrd_size = dec_len(&r);
		if (!in.initrd_size)
			in.initrd_size = 0x1000;	/* params: SIZE > 0 */
	}

	setup = synth_setup_size(&s);
	if (load + setup + pm_size < load)
		return 0;	/* the loader only sees files inside RAM */
	img = malloc(setup);
	if (!img)
		abort();
	synth_build(img, &s);
	memset(&err, 0, sizeof(err));
	if (bzimage_parse(img, setup + pm_size, load, &k, &err)) {
		fuzz_check_err(&err);
		free(img);
		return 0;
	}

	in.ram = ram;
	in.num_ram = nram;
	in.reserved = res;
	in.num_reserved = nres;
	in.k = &k;
	if (dump < 0)
		dump = getenv("FUZZ_PLAN_DUMP") != NULL;
	if (dump)
		dump_input(&in);
	memset(&err, 0, sizeof(err));
	if (plan_place(&in, &pl, &err))
		bad = plan_check_error(&in, &err, why, sizeof(why));
	else
		bad = plan_check(&in, &pl, why, sizeof(why));
	if (dump && !bad)
		fprintf(stderr, "result: %s\n", err.what ? err.detail : "placed");
	if (bad) {
		fprintf(stderr, "plan: %s\n", bad);
		dump_input(&in);
		abort();
	}
	free(img);
	return 0;
}
