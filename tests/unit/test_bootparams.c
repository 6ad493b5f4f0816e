/* SPDX-License-Identifier: MIT */
/*
 * lib/bootparams.c: the zero page byte for byte against a model written
 * from docs/boot-protocol.md 2-5 (raw offsets, not the structs): the
 * header copy is exactly [0x1f1, header_end) and nothing else (the sentinel
 * stays 0), the loader's fields, e820 in the page and past 128 entries in
 * a SETUP_E820_EXT node, the setup_data chain, and every error.
 */
#include "tests/unit/helpers.h"
#include "tests/unit/bzfixture.h"
#include "lib/bootparams.h"

#define SD_ADDR 0xa000ull
#define SD_SIZE 0x4000u

static u8 img[0x2000];			/* the kernel file's first bytes */
static struct bzimage k;
static struct boot_params bp;
static u8 want[4096];
static u8 sd[SD_SIZE + 64];
static struct boot_e820_entry ents[400];
static struct e820_table t;
static struct jailhouse_setup_data jh;
static struct bootparams_input in;
static struct bootparams_result res;
static struct cb_err err;

/* Every byte different and nonzero-ish, so a misplaced copy shows. */
static void pattern_image(void)
{
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (u8)(i * 7 + 3) | 1;
	/* ramdisk_image/size: zero in every real bzImage (see the BUG test) */
	memset(img + 0x218, 0, 8);
	memset(&k, 0, sizeof(k));
	k.image = img;
	k.hdr = (const void *)(img + 0x1f1);
	k.header_end = 0x26c;
	k.cmdline_size = 0x7ff;
}

/* n e820 entries: RAM and reserved alternating, 2 MiB apart. */
static void e820_entries(u32 n)
{
	for (u32 i = 0; i < n; i++) {
		ents[i].addr = (u64)i * 0x200000;
		ents[i].size = 0x100000 + i;
		ents[i].type = i % 3 == 1 ? E820_TYPE_RESERVED : E820_TYPE_RAM;
	}
	t.e = ents;
	t.count = n;
	t.max = ARRAY_SIZE(ents);
}

static void jh_values(void)
{
	memset(&jh, 0, sizeof(jh));
	jh.version = 2;
	jh.compatible_version = 1;
	jh.pm_timer_address = 0x408;
	jh.num_cpus = 3;
	jh.pci_mmconfig_base = 0xb0000000;
	jh.tsc_khz = 2400000;
	jh.apic_khz = 100000;
	jh.standard_ioapic = 1;
	jh.cpu_ids[0] = 0;
	jh.cpu_ids[1] = 2;
	jh.cpu_ids[2] = 4;
	jh.flags = 0x3;
}

static void input(u64 cmdline, size_t clen, u64 iaddr, u64 isize, bool with_jh)
{
	memset(&in, 0, sizeof(in));
	in.k = &k;
	in.cmdline_addr = cmdline;
	in.cmdline_len = clen;
	in.initrd_addr = iaddr;
	in.initrd_size = isize;
	in.e820 = &t;
	in.jh = with_jh ? &jh : NULL;
	in.sd_buf = sd;
	in.sd_addr = SD_ADDR;
	in.sd_size = SD_SIZE;
	memset(sd, 0xcc, sizeof(sd));
}

static int build(void)
{
	err_reset(&err);
	memset(&bp, 0xee, sizeof(bp));	/* built from scratch: all replaced */
	memset(&res, 0xee, sizeof(res));
	return bootparams_build(&bp, &in, &res, &err);
}

/*
 * The zero page the protocol asks for, from raw offsets: zero, the image's
 * header bytes [0x1f1, header_end), then the loader's fields.
 */
static void model(u64 first_node)
{
	u32 zp = t.count < 128 ? t.count : 128;

	memset(want, 0, sizeof(want));
	memcpy(want + 0x1f1, img + 0x1f1, k.header_end - 0x1f1);
	want[0x210] = 0xff;					/* type_of_loader */
	want[0x211] = img[0x211] & (u8)~(0x80 | 0x40 | 0x20);	/* loadflags */
	wr32(want, 0x228, (u32)in.cmdline_addr);		/* cmd_line_ptr */
	wr32(want, 0x0c8, (u32)(in.cmdline_addr >> 32));	/* ext_cmd_line_ptr */
	/* no initrd: the protocol says zero */
	wr32(want, 0x218, 0);
	wr32(want, 0x21c, 0);
	if (in.initrd_size) {
		wr32(want, 0x218, (u32)in.initrd_addr);
		wr32(want, 0x21c, (u32)in.initrd_size);
		wr32(want, 0x0c0, (u32)(in.initrd_addr >> 32));
		wr32(want, 0x0c4, (u32)(in.initrd_size >> 32));
	}
	wr64(want, 0x250, first_node);				/* setup_data */
	want[0x1e8] = (u8)zp;					/* e820_entries */
	for (u32 i = 0; i < zp; i++) {
		wr64(want, 0x2d0 + 20 * i, ents[i].addr);
		wr64(want, 0x2d0 + 20 * i + 8, ents[i].size);
		wr32(want, 0x2d0 + 20 * i + 16, ents[i].type);
	}
}

static void expect_page(void)
{
	const u8 *got = (const u8 *)&bp;

	for (size_t i = 0; i < sizeof(want); i++)
		if (got[i] != want[i])
			fail_msg("zero page byte %#zx: %#x, want %#x", i, got[i],
				 want[i]);
}

/* A node header at byte off of sd: next, type, len. */
static void expect_node(size_t off, u64 next, u32 type, u32 len)
{
	assert_int_equal(rd64(sd, off), next);
	assert_int_equal(rd32(sd, off + 8), type);
	assert_int_equal(rd32(sd, off + 12), len);
}

/* ---- the zero page --------------------------------------------------------- */

static void test_minimal_page(void **state)
{
	(void)state;
	pattern_image();
	e820_entries(2);
	input(0x9000, 0, 0, 0, false);
	assert_ok(build(), err);
	model(0);
	expect_page();
	assert_int_equal(res.num_setup_data, 0);
	assert_int_equal(res.sd_used, 0);
	assert_int_equal(res.e820_ext_entries, 0);
	/* the sentinel stays 0 though the image has a byte there */
	assert_int_not_equal(img[0x1ef], 0);
	assert_int_equal(bp.sentinel, 0);
	assert_int_equal(((u8 *)&bp)[0x1f0], 0);
	/* nothing written to the setup_data area */
	for (size_t i = 0; i < SD_SIZE; i++)
		assert_int_equal(sd[i], 0xcc);
}

static void test_header_copy_span(void **state)
{
	static const u32 ends[] = { 0x264, 0x265, 0x268, 0x26c, 0x280, 0x290 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ends); i++) {
		pattern_image();
		k.header_end = ends[i];
		e820_entries(3);
		input(0x9000, 10, 0x6000000, 0x1a2b3c, true);
		jh_values();
		assert_ok(build(), err);
		model(SD_ADDR);
		expect_page();
		/* the byte before 0x1f1 and the one at header_end are 0 */
		assert_int_equal(((u8 *)&bp)[0x1f0], 0);
		if (ends[i] < 0x290)
			assert_int_equal(((u8 *)&bp)[ends[i]], 0);
	}
}

static void test_loader_fields(void **state)
{
	(void)state;
	pattern_image();
	img[0x211] = 0xff;			/* every loadflags bit */
	e820_entries(2);
	input(0x9000, 2047, 0x6000000, 0x1a2b3c, false);
	assert_ok(build(), err);
	assert_int_equal(bp.hdr.type_of_loader, 0xff);
	/* CAN_USE_HEAP, KEEP_SEGMENTS and QUIET cleared, the rest kept */
	assert_int_equal(bp.hdr.loadflags, 0x1f);
	assert_int_equal(rd32(&bp, 0x228), 0x9000);
	assert_int_equal(rd32(&bp, 0x0c8), 0);
	assert_int_equal(rd32(&bp, 0x218), 0x6000000);
	assert_int_equal(rd32(&bp, 0x21c), 0x1a2b3c);
	assert_int_equal(rd32(&bp, 0x0c0), 0);
	assert_int_equal(rd32(&bp, 0x0c4), 0);
	assert_int_equal(rd64(&bp, 0x250), 0);
	model(0);
	expect_page();

	img[0x211] = 0x01;			/* LOADED_HIGH only */
	assert_ok(build(), err);
	assert_int_equal(bp.hdr.loadflags, 0x01);
	img[0x211] = 0xa3;			/* heap + quiet + kaslr + high */
	assert_ok(build(), err);
	assert_int_equal(bp.hdr.loadflags, 0x03);
}

static void test_above_4g(void **state)
{
	(void)state;
	pattern_image();
	e820_entries(2);
	/* command line and initrd above 4 GiB; initrd bigger than 4 GiB */
	input(0x123456789ull, 100, 0x240000000ull, 0x100001000ull, false);
	assert_ok(build(), err);
	assert_int_equal(rd32(&bp, 0x228), 0x23456789);	/* cmd_line_ptr */
	assert_int_equal(rd32(&bp, 0x0c8), 0x1);		/* ext_cmd_line_ptr */
	assert_int_equal(rd32(&bp, 0x218), 0x40000000);	/* ramdisk_image */
	assert_int_equal(rd32(&bp, 0x0c0), 0x2);		/* ext_ramdisk_image */
	assert_int_equal(rd32(&bp, 0x21c), 0x1000);		/* ramdisk_size */
	assert_int_equal(rd32(&bp, 0x0c4), 0x1);		/* ext_ramdisk_size */
	assert_int_equal(bp.ext_cmd_line_ptr, 1);
	assert_int_equal(bp.ext_ramdisk_image, 2);
	assert_int_equal(bp.ext_ramdisk_size, 1);
	model(0);
	expect_page();
}

static void test_e820_in_page(void **state)
{
	(void)state;
	pattern_image();
	e820_entries(128);
	input(0x9000, 0, 0, 0, false);
	assert_ok(build(), err);
	assert_int_equal(bp.e820_entries, 128);
	assert_int_equal(rd64(&bp, 0x2d0 + 20 * 127), 127 * 0x200000ull);
	assert_int_equal(rd64(&bp, 0x2d0 + 20 * 127 + 8), 0x100000 + 127);
	assert_int_equal(rd32(&bp, 0x2d0 + 20 * 127 + 16), E820_TYPE_RESERVED);
	assert_int_equal(res.e820_ext_entries, 0);
	assert_int_equal(res.num_setup_data, 0);
	assert_int_equal(rd64(&bp, 0x250), 0);
	model(0);
	expect_page();
	/* the table ends at 0xcd0: what follows is zero */
	for (size_t i = 0xcd0; i < 4096; i++)
		assert_int_equal(((u8 *)&bp)[i], 0);
}

static void test_e820_ext_node(void **state)
{
	const u32 n = 300, ext = 300 - 128;

	(void)state;
	pattern_image();
	e820_entries(n);
	input(0x9000, 0, 0, 0, false);
	assert_ok(build(), err);
	assert_int_equal(bp.e820_entries, 128);
	assert_int_equal(res.e820_ext_entries, ext);
	assert_int_equal(res.num_setup_data, 1);
	assert_int_equal(res.sd_used, 16 + ext * 20);
	/* the only node, at the start of the area */
	assert_int_equal(rd64(&bp, 0x250), SD_ADDR);
	expect_node(0, 0, SETUP_E820_EXT, ext * 20);
	for (u32 i = 0; i < ext; i++) {
		assert_int_equal(rd64(sd, 16 + 20 * i), ents[128 + i].addr);
		assert_int_equal(rd64(sd, 16 + 20 * i + 8), ents[128 + i].size);
		assert_int_equal(rd32(sd, 16 + 20 * i + 16), ents[128 + i].type);
	}
	assert_int_equal(sd[16 + ext * 20], 0xcc);	/* nothing past it */
	model(SD_ADDR);
	expect_page();

	/* 129: one entry in the node */
	e820_entries(129);
	input(0x9000, 0, 0, 0, false);
	assert_ok(build(), err);
	assert_int_equal(res.e820_ext_entries, 1);
	expect_node(0, 0, SETUP_E820_EXT, 20);
	assert_int_equal(rd64(sd, 16), 128 * 0x200000ull);
	assert_int_equal(res.sd_used, 36);
}

static void test_setup_data_chain(void **state)
{
	const u32 ext = 200 - 128;

	(void)state;
	pattern_image();
	jh_values();
	e820_entries(200);
	input(0x9000, 0, 0, 0, true);
	assert_ok(build(), err);
	assert_int_equal(res.num_setup_data, 2);
	assert_int_equal(res.e820_ext_entries, ext);
	/*
	 * SETUP_JAILHOUSE first at sd_addr (16 + 284 = 300 bytes), then the
	 * e820 node at the next 8-byte boundary, 304 = 0x130: guest address
	 * 0xa130. Each next pointer is a guest address.
	 */
	assert_int_equal(rd64(&bp, 0x250), SD_ADDR);
	expect_node(0, SD_ADDR + 0x130, SETUP_JAILHOUSE, 284);
	expect_node(0x130, 0, SETUP_E820_EXT, ext * 20);
	assert_int_equal((SD_ADDR + 0x130) % 8, 0);
	assert_int_equal(res.sd_used, 0x130 + 16 + ext * 20);
	assert_int_equal(sd[res.sd_used], 0xcc);
	/* the Jailhouse payload at raw offsets (docs/boot-protocol.md 6.1) */
	assert_int_equal(rd16(sd, 16 + 0x000), 2);		/* version */
	assert_int_equal(rd16(sd, 16 + 0x002), 1);		/* compatible */
	assert_int_equal(rd16(sd, 16 + 0x004), 0x408);		/* pm timer */
	assert_int_equal(rd16(sd, 16 + 0x006), 3);		/* num_cpus */
	assert_int_equal(rd64(sd, 16 + 0x008), 0xb0000000);	/* mmconfig */
	assert_int_equal(rd32(sd, 16 + 0x010), 2400000);	/* tsc_khz */
	assert_int_equal(rd32(sd, 16 + 0x014), 100000);		/* apic_khz */
	assert_int_equal(sd[16 + 0x018], 1);			/* std ioapic */
	assert_int_equal(sd[16 + 0x019], 0);			/* cpu_ids */
	assert_int_equal(sd[16 + 0x01a], 2);
	assert_int_equal(sd[16 + 0x01b], 4);
	assert_int_equal(sd[16 + 0x01c], 0);
	assert_int_equal(rd32(sd, 16 + 0x118), 3);		/* flags */
	assert_memory_equal(sd + 16, &jh, 284);
	/* first e820 entry of the node */
	assert_int_equal(rd64(sd, 0x130 + 16), 128 * 0x200000ull);
	model(SD_ADDR);
	expect_page();

	/* only the Jailhouse node */
	e820_entries(5);
	input(0x9000, 0, 0, 0, true);
	assert_ok(build(), err);
	assert_int_equal(res.num_setup_data, 1);
	assert_int_equal(res.sd_used, 300);
	expect_node(0, 0, SETUP_JAILHOUSE, 284);
	assert_int_equal(sd[300], 0xcc);
	model(SD_ADDR);
	expect_page();
}

static void test_setup_data_guest_address_above_4g(void **state)
{
	(void)state;
	pattern_image();
	jh_values();
	e820_entries(130);
	input(0x9000, 0, 0, 0, true);
	in.sd_addr = 0x100000000ull + 0x7000;
	assert_ok(build(), err);
	assert_int_equal(rd64(&bp, 0x250), 0x100007000ull);
	expect_node(0, 0x100007130ull, SETUP_JAILHOUSE, 284);
	expect_node(0x130, 0, SETUP_E820_EXT, 40);
}

/* ---- errors ------------------------------------------------------------------ */

/*
 * One build with no initrd: e820 entries, with or without the Jailhouse
 * node, a command line of cmdline_len bytes against the kernel's
 * cmdline_size, and a setup_data area of sd_size bytes. Expected: the exact
 * error (what, detail) with no node reported, or success using sd_used bytes.
 */
static void test_build_errors(void **state)
{
	static const struct {
		const char *name;
		u32 e820;
		bool jh;
		size_t cmdline_len;
		u32 cmdline_size;
		u32 sd_size;
		const char *what, *detail;	/* NULL: must build */
		size_t sd_used;
		bool sd_untouched;		/* nothing written to sd */
	} rows[] = {
		/* the Jailhouse node needs 16 + 284 = 300 bytes */
		{ "Jailhouse node one byte over the area",
		  10, true, 0, 0x7ff, 299, .what = "setup_data",
		  .detail = "type 6, 284 bytes: over 299 (0 used)" },
		{ "Jailhouse node filling the area",
		  10, true, 0, 0x7ff, 300, .sd_used = 300 },
		/* the e820 node starts at 304 and needs 16 + 20 = 36 more */
		{ "e820 node one byte over the area",
		  129, true, 0, 0x7ff, 339, .what = "setup_data",
		  .detail = "type 1, 20 bytes: over 339 (300 used)" },
		{ "e820 node filling the area",
		  129, true, 0, 0x7ff, 340, .sd_used = 340 },
		/* no Jailhouse node: the e820 one starts at 0; 16 + 3 * 20 */
		{ "e820 node alone one byte over the area",
		  131, false, 0, 0x7ff, 75, .what = "setup_data",
		  .detail = "type 1, 60 bytes: over 75 (0 used)" },
		{ "no setup_data area",
		  131, false, 0, 0x7ff, 0, .what = "setup_data",
		  .detail = "type 1, 60 bytes: over 0 (0 used)" },
		{ "command line one byte over cmdline_size",
		  2, false, 2048, 0x7ff, SD_SIZE, .what = "cmdline",
		  .detail = "2048 bytes > cmdline_size 2047" },
		{ "command line of exactly cmdline_size",
		  2, false, 2047, 0x7ff, SD_SIZE, .sd_used = 0 },
		/* pre-2.06 limit */
		{ "command line over a cmdline_size of 255",
		  2, false, 256, 255, SD_SIZE, .what = "cmdline",
		  .detail = "256 bytes > cmdline_size 255" },
		/* the command line is checked before the e820 map */
		{ "command line checked before the e820 map",
		  0, false, 256, 255, SD_SIZE, .what = "cmdline",
		  .detail = "256 bytes > cmdline_size 255" },
		{ "one e820 entry",
		  1, true, 0, 0x7ff, SD_SIZE, .what = "e820",
		  .detail = "1 entries, Linux needs 2", .sd_untouched = true },
		{ "no e820 entries",
		  0, true, 0, 0x7ff, SD_SIZE, .what = "e820",
		  .detail = "0 entries, Linux needs 2", .sd_untouched = true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const char *name = rows[i].name;

		pattern_image();
		k.cmdline_size = rows[i].cmdline_size;
		e820_entries(rows[i].e820);
		input(0x9000, rows[i].cmdline_len, 0, 0, rows[i].jh);
		jh_values();
		in.sd_size = rows[i].sd_size;
		if (!rows[i].what) {
			assert_row_ok(name, build(), err);
			assert_row_equal(name, "sd_used", res.sd_used,
					 rows[i].sd_used);
			continue;
		}
		assert_row_fail(name, build(), err, rows[i].what,
				rows[i].detail);
		assert_row_equal(name, "num_setup_data", res.num_setup_data, 0);
		for (size_t b = 0; rows[i].sd_untouched && b < SD_SIZE; b++)
			assert_row_equal(name, "setup_data byte", sd[b], 0xcc);
	}
}

/*
 * BUG (lib/bootparams.c, low severity): without an initrd the ramdisk
 * fields keep whatever the kernel image has at 0x218/0x21c, while the boot
 * protocol says ramdisk_image is loader-written and "left at zero if there
 * is no initial ramdisk". Real bzImages carry zeros there, a crafted or
 * corrupt one makes Linux reserve and unpack a bogus initrd. Fix: zero
 * hdr.ramdisk_image/ramdisk_size (and the ext fields) when initrd_size is
 * 0, e.g. by writing them unconditionally with 0 for "no initrd".
 */
static void test_no_initrd_zeroes_ramdisk_fields(void **state)
{
	(void)state;
	pattern_image();
	wr32(img, 0x218, 0x3000000);		/* garbage in the image */
	wr32(img, 0x21c, 0x100000);
	e820_entries(2);
	input(0x9000, 0, 0, 0, false);
	assert_ok(build(), err);
	assert_int_equal(rd32(&bp, 0x218), 0);	/* ramdisk_image */
	assert_int_equal(rd32(&bp, 0x21c), 0);	/* ramdisk_size */
}

/* ---- real-shaped headers ------------------------------------------------- */

/* The zero page for a whole kernel file loaded at load (header from it). */
static void build_from_file(const u8 *file, size_t len, u64 load)
{
	err_reset(&err);
	assert_ok(bzimage_parse(file, len, load, &k, &err), err);
	memcpy(img, file, sizeof(img));		/* what model() reads */
	e820_entries(3);
	input(0x9000, 20, 0x6000000, 0x1a2b3c, true);
	jh_values();
	assert_ok(build(), err);
	model(SD_ADDR);
	expect_page();
	/* header.S puts 0xff at 0x1ef/0x1f0; neither is copied */
	assert_int_equal(file[0x1ef], 0xff);
	assert_int_equal(file[0x1f0], 0xff);
	assert_int_equal(bp.sentinel, 0);
}

/* Debian 6.1's header (tests/unit/bzfixture.h): the exact numbers. */
static void test_debian_shaped_header(void **state)
{
	size_t len = 0;
	u8 *file = bzfixture_debian61(&len);

	(void)state;
	build_from_file(file, len, 0xffb000);
	/* 0x1f1 .. 0x26b: 123 bytes of header */
	assert_int_equal(k.header_end, 0x26c);
	assert_int_equal(bp.hdr.setup_sects, 39);
	assert_int_equal(bp.hdr.kernel_alignment, 0x200000);
	assert_int_equal(bp.hdr.init_size, 0x3f98000);
	assert_int_equal(bp.hdr.pref_address, 0x1000000);
	assert_int_equal(bp.hdr.kernel_info_offset, 0x7d56fc);
	assert_int_equal(bp.hdr.loadflags, 0x01);
	free(file);
}

/* The test kernel (CELLBOOT_KERNEL): expectations from its own bytes. */
static void test_real_kernel_header(void **state)
{
	size_t len = 0;
	u8 *file;
	u32 setup;

	(void)state;
	file = test_kernel_or_skip(&len);
	if (!file)
		return;
	setup = ((file[0x1f1] ? file[0x1f1] : 4) + 1) * 512;
	build_from_file(file, len, rd64(file, 0x258) - setup);
	assert_int_equal(k.header_end, 0x202 + file[0x201]);
	assert_int_equal(bp.hdr.setup_sects, file[0x1f1]);
	assert_int_equal(bp.hdr.kernel_alignment, rd32(file, 0x230));
	assert_int_equal(bp.hdr.init_size, rd32(file, 0x260));
	assert_int_equal(bp.hdr.pref_address, rd64(file, 0x258));
	assert_int_equal(bp.hdr.kernel_info_offset, rd32(file, 0x268));
	/* CAN_USE_HEAP, KEEP_SEGMENTS and QUIET_FLAG cleared, the rest kept */
	assert_int_equal(bp.hdr.loadflags, file[0x211] & 0x1f);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_page),
		cmocka_unit_test(test_header_copy_span),
		cmocka_unit_test(test_loader_fields),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_e820_in_page),
		cmocka_unit_test(test_e820_ext_node),
		cmocka_unit_test(test_setup_data_chain),
		cmocka_unit_test(test_setup_data_guest_address_above_4g),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_no_initrd_zeroes_ramdisk_fields),
		cmocka_unit_test(test_debian_shaped_header),
		cmocka_unit_test(test_real_kernel_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
