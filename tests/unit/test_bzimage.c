/* SPDX-License-Identifier: MIT */
/*
 * lib/bzimage.c: setup-header validation on a synthetic header written at
 * raw offsets (Linux Documentation/arch/x86/boot.rst), every rejection with its exact
 * message, a Debian-6.1-shaped header fixture with exact numbers, and the
 * test kernel (CELLBOOT_KERNEL, default Debian's cached one) with every
 * expectation read from its own header.
 */
#include "tests/unit/helpers.h"
#include "tests/unit/bzfixture.h"
#include "lib/bzimage.h"
#include "tools/cellboot/kdecomp.h"

#define LOAD 0x100000ull
/* The synthetic image: 4 setup sectors + 0x1000 bytes of code. */
#define SETUP_SIZE 0xa00u
#define PM_SIZE 0x1000u
#define IMG_SIZE (SETUP_SIZE + PM_SIZE)
#define VERSION_AT 0x700u

static u8 img[0x30000];
static struct bzimage k;
static struct cb_err err;

/* A valid 2.15, 64-bit, relocatable header, like Debian's but small. */
static void make_image(void)
{
	memset(img, 0, sizeof(img));
	memset(img + 0x1ef, 0xff, 2);		/* header.S sentinel bytes */
	wr8(img, 0x1f1, 4);			/* setup_sects */
	wr32(img, 0x1f4, PM_SIZE / 16);		/* syssize */
	wr16(img, 0x1fe, 0xaa55);		/* boot_flag */
	wr8(img, 0x200, 0xeb);			/* jump ... */
	wr8(img, 0x201, 0x6a);			/* ... to 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	wr16(img, 0x206, 0x020f);		/* version */
	wr16(img, 0x20e, VERSION_AT - 0x200);	/* kernel_version */
	wr8(img, 0x211, 0x01);			/* loadflags: LOADED_HIGH */
	wr32(img, 0x214, 0x100000);		/* code32_start */
	wr32(img, 0x22c, 0x7fffffff);		/* initrd_addr_max */
	wr32(img, 0x230, 0x200000);		/* kernel_alignment */
	wr8(img, 0x234, 1);			/* relocatable_kernel */
	wr8(img, 0x235, 21);			/* min_alignment */
	wr16(img, 0x236, 0x7f);			/* xloadflags */
	wr32(img, 0x238, 0x7ff);		/* cmdline_size */
	wr32(img, 0x248, 0x100);		/* payload_offset */
	wr32(img, 0x24c, 0x800);		/* payload_length */
	wr64(img, 0x258, 0x1000000);		/* pref_address */
	wr32(img, 0x260, 0x10000);		/* init_size */
	memcpy(img + VERSION_AT, "6.1.0-test (builder@host) #1 SMP", 33);
	/* xz magic at the payload */
	memcpy(img + SETUP_SIZE + 0x100, "\xfd" "7zXZ\0", 6);
}

static int parse(u64 avail)
{
	err_reset(&err);
	memset(&k, 0xa5, sizeof(k));
	return bzimage_parse(img, avail, LOAD, &k, &err);
}

/*
 * The payload's format as the kernel doctor names it (tools/cellboot/
 * kdecomp.c holds the one table of magics): payload_offset/payload_length
 * of the parsed header locate it.
 */
static enum kcomp payload_kind(void)
{
	return kcomp_detect(k.image + k.setup_size + k.hdr->payload_offset,
			    k.hdr->payload_length);
}

/*
 * The synthetic image with up to two header fields overwritten (or all
 * zeros), parsed with avail bytes: the exact error, or success.
 */
struct hdr_row {
	const char *name;
	struct {
		u16 off;
		u8 width;			/* 1, 2, 4 or 8 bytes; 0: none */
		u64 val;
	} set[2];
	bool zeros;				/* the whole file zero instead */
	u64 avail;
	const char *detail;			/* NULL: must parse */
};

#define SET(off, width, val)	{ (off), (width), (val) }

static void run_hdr_rows(const struct hdr_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct hdr_row *r = &rows[i];

		make_image();
		if (r->zeros)
			memset(img, 0, IMG_SIZE);
		for (int s = 0; s < 2; s++) {
			switch (r->set[s].width) {
			case 1: wr8(img, r->set[s].off, (u8)r->set[s].val); break;
			case 2: wr16(img, r->set[s].off, (u16)r->set[s].val); break;
			case 4: wr32(img, r->set[s].off, (u32)r->set[s].val); break;
			case 8: wr64(img, r->set[s].off, r->set[s].val); break;
			}
		}
		if (r->detail)
			assert_row_fail(r->name, parse(r->avail), err, "kernel",
					r->detail);
		else
			assert_row_ok(r->name, parse(r->avail), err);
	}
}

#define RUN_HDR(rows) run_hdr_rows((rows), ARRAY_SIZE(rows))

/* What bzimage_parse must report for a header. */
struct bz_want {
	u64 load_addr;
	u32 setup_size;
	u64 pm_addr, pm_size;
	u32 header_end;
	u16 version;
	u32 init_size, kernel_alignment;
	u64 pref_address;
	bool relocatable;
	u16 xloadflags;
	u32 cmdline_size, initrd_addr_max;
	u32 payload_offset, payload_length;
};

static void expect_parsed(const char *name, const struct bz_want *w)
{
	const struct {
		const char *field;
		u64 got, want;
	} f[] = {
		{ "load_addr", k.load_addr, w->load_addr },
		{ "setup_size", k.setup_size, w->setup_size },
		{ "pm_addr", k.pm_addr, w->pm_addr },
		{ "pm_size", k.pm_size, w->pm_size },
		{ "header_end", k.header_end, w->header_end },
		{ "version", k.version, w->version },
		{ "init_size", k.init_size, w->init_size },
		{ "kernel_alignment", k.kernel_alignment, w->kernel_alignment },
		{ "pref_address", k.pref_address, w->pref_address },
		{ "relocatable", k.relocatable, w->relocatable },
		{ "xloadflags", k.xloadflags, w->xloadflags },
		{ "cmdline_size", k.cmdline_size, w->cmdline_size },
		{ "initrd_addr_max", k.initrd_addr_max, w->initrd_addr_max },
		{ "payload_offset", k.hdr->payload_offset, w->payload_offset },
		{ "payload_length", k.hdr->payload_length, w->payload_length },
	};

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		assert_row_equal(name, f[i].field, f[i].got, f[i].want);
}

static void test_good_header(void **state)
{
	static const struct bz_want want = {
		.load_addr = LOAD, .setup_size = 0xa00, .pm_addr = LOAD + 0xa00,
		.pm_size = 0x1000, .header_end = 0x26c, .version = 0x020f,
		.init_size = 0x10000, .kernel_alignment = 0x200000,
		.pref_address = 0x1000000, .relocatable = true,
		.xloadflags = 0x7f, .cmdline_size = 0x7ff,
		.initrd_addr_max = 0x7fffffff, .payload_offset = 0x100,
		.payload_length = 0x800,
	};

	(void)state;
	make_image();
	assert_ok(parse(IMG_SIZE), err);
	assert_ptr_equal(k.image, img);
	assert_ptr_equal(k.hdr, (const void *)(img + 0x1f1));
	expect_parsed("synthetic header", &want);
	assert_ptr_equal(k.version_str, (const char *)img + VERSION_AT);
	assert_int_equal(k.version_len, 10);		/* "6.1.0-test" */
	assert_int_equal(payload_kind(), KCOMP_XZ);
	/* the header struct reads the raw offsets */
	assert_int_equal(k.hdr->boot_flag, 0xaa55);
	assert_int_equal(k.hdr->header, 0x53726448);
	assert_int_equal(k.hdr->code32_start, 0x100000);
	assert_int_equal(k.hdr->min_alignment, 21);
	/* more available than the file: fine */
	assert_ok(parse(sizeof(img)), err);
	/* exactly the file: fine */
	assert_ok(parse(IMG_SIZE), err);
}

static void test_short_buffer(void **state)
{
	u8 *exact;

	static const struct hdr_row rows[] = {
		{ "header one byte short", .avail = 0x26b,
		  .detail = "0x100000: 0x26b bytes loaded or in RAM there, "
			    "header needs 0x26c" },
		{ "nothing loaded", .avail = 0,
		  .detail = "0x100000: 0x0 bytes loaded or in RAM there, "
			    "header needs 0x26c" },
		/* the whole header but not the file */
		{ "header but not the file", .avail = 0x26c,
		  .detail = "setup 0xa00 + code 0x1000 > 0x26c loaded" },
		{ "file one byte short", .avail = IMG_SIZE - 1,
		  .detail = "setup 0xa00 + code 0x1000 > 0x19ff loaded" },
	};

	(void)state;
	RUN_HDR(rows);

	/* only the first avail bytes are read: an exact heap copy (ASan) */
	exact = malloc(0x26c);
	assert_non_null(exact);
	memcpy(exact, img, 0x26c);
	err_reset(&err);
	assert_fail(bzimage_parse(exact, 0x26c, 0x2000000, &k, &err), err, "kernel",
		    "setup 0xa00 + code 0x1000 > 0x26c loaded");
	err_reset(&err);
	assert_fail(bzimage_parse(exact, 0x26b, 0x2000000, &k, &err), err, "kernel",
		    "0x2000000: 0x26b bytes loaded or in RAM there, header needs 0x26c");
	free(exact);
}

#define NOT_BZIMAGE(fields) \
	"0x100000: " fields ", want a 64-bit bzImage >= 2.12"

static void test_magic_rejections(void **state)
{
	static const struct hdr_row rows[] = {
		{ "boot_flag 0xaa56", { SET(0x1fe, 2, 0xaa56) },
		  .avail = IMG_SIZE,
		  .detail = NOT_BZIMAGE("boot_flag 0xaa56 header 0x53726448 "
					"protocol 0x20f xloadflags 0x7f") },
		{ "magic HdrT", { SET(0x202, 4, 0x54726448) },	/* "HdrT" */
		  .avail = IMG_SIZE,
		  .detail = NOT_BZIMAGE("boot_flag 0xaa55 header 0x54726448 "
					"protocol 0x20f xloadflags 0x7f") },
		/* 2.11: no xloadflags */
		{ "protocol 2.11", { SET(0x206, 2, 0x020b) },
		  .avail = IMG_SIZE,
		  .detail = NOT_BZIMAGE("boot_flag 0xaa55 header 0x53726448 "
					"protocol 0x20b xloadflags 0x7f") },
		{ "no XLF_KERNEL_64", { SET(0x236, 2, 0x7e) },
		  .avail = IMG_SIZE,
		  .detail = NOT_BZIMAGE("boot_flag 0xaa55 header 0x53726448 "
					"protocol 0x20f xloadflags 0x7e") },
		/* an all-zero file (e.g. nothing loaded there) */
		{ "all zeros", .zeros = true, .avail = IMG_SIZE,
		  .detail = NOT_BZIMAGE("boot_flag 0x0 header 0x0 "
					"protocol 0x0 xloadflags 0x0") },
	};

	(void)state;
	RUN_HDR(rows);

	/* the boundaries that pass: protocol 2.12, only XLF_KERNEL_64 */
	make_image();
	wr16(img, 0x206, 0x020c);
	wr16(img, 0x236, 0x01);
	assert_ok(parse(IMG_SIZE), err);
	assert_int_equal(k.version, 0x020c);
	assert_int_equal(k.xloadflags, 1);
}

static void test_sizes(void **state)
{
	static const struct hdr_row rows[] = {
		{ "syssize 0", { SET(0x1f4, 4, 0) }, .avail = IMG_SIZE,
		  .detail = "setup 0xa00 + code 0x0 > 0x1a00 loaded" },
		{ "init_size below the code size",
		  { SET(0x260, 4, PM_SIZE - 1) }, .avail = IMG_SIZE,
		  .detail = "init_size 0xfff below or payload 0x100+0x800 "
			    "past the code size 0x1000" },
		{ "init_size equal to the code size",
		  { SET(0x260, 4, PM_SIZE) }, .avail = IMG_SIZE },
		{ "payload ending at 0x1001",
		  { SET(0x248, 4, 0x900), SET(0x24c, 4, 0x701) },
		  .avail = IMG_SIZE,
		  .detail = "init_size 0x10000 below or payload 0x900+0x701 "
			    "past the code size 0x1000" },
		{ "payload ending at the code size",
		  { SET(0x248, 4, 0x900), SET(0x24c, 4, 0x700) },
		  .avail = IMG_SIZE },
		/* offset + length is computed in 64 bits */
		{ "payload offset + length past 2^32",
		  { SET(0x248, 4, 0xffffffff), SET(0x24c, 4, 0x2) },
		  .avail = IMG_SIZE,
		  .detail = "init_size 0x10000 below or payload 0xffffffff+0x2 "
			    "past the code size 0x1000" },
		/* syssize is in 16-byte paragraphs: 16 more bytes */
		{ "syssize one paragraph over the file",
		  { SET(0x1f4, 4, PM_SIZE / 16 + 1) }, .avail = IMG_SIZE,
		  .detail = "setup 0xa00 + code 0x1010 > 0x1a00 loaded" },
	};

	(void)state;
	RUN_HDR(rows);
	/* loaded with the 16 more bytes it asks for: fine */
	make_image();
	wr32(img, 0x1f4, PM_SIZE / 16 + 1);
	assert_ok(parse(IMG_SIZE + 16), err);
	assert_int_equal(k.pm_size, 0x1010);
}

static void test_setup_sects(void **state)
{
	(void)state;
	make_image();
	wr8(img, 0x1f1, 0);			/* 0 means 4 */
	assert_ok(parse(IMG_SIZE), err);
	assert_int_equal(k.setup_size, 0xa00);
	assert_int_equal(k.pm_addr, LOAD + 0xa00);

	make_image();
	wr8(img, 0x1f1, 1);			/* 1 + 1 sectors */
	assert_ok(parse(0x400 + PM_SIZE), err);
	assert_int_equal(k.setup_size, 0x400);
	assert_int_equal(k.pm_addr, LOAD + 0x400);
	/* the version string at 0x700 is past the setup code now */
	assert_null(k.version_str);

	make_image();
	wr8(img, 0x1f1, 39);			/* Debian's */
	assert_row_fail("setup_sects 39, setup code not loaded",
			parse(IMG_SIZE), err, "kernel",
			"setup 0x5000 + code 0x1000 > 0x1a00 loaded");
	assert_ok(parse(0x5000 + PM_SIZE), err);
	assert_int_equal(k.setup_size, 0x5000);

	make_image();
	wr8(img, 0x1f1, 255);			/* the most: 0x20000 */
	assert_ok(parse(0x20000 + PM_SIZE), err);
	assert_int_equal(k.setup_size, 0x20000);
	assert_int_equal(k.pm_addr, LOAD + 0x20000);
}

static void test_header_end_clamp(void **state)
{
	static const struct {
		u8 jump;
		u32 end;
	} cases[] = {
		{ 0x6a, 0x26c },	/* 2.15 */
		{ 0x62, 0x264 },	/* 2.12: the shortest accepted */
		{ 0x63, 0x265 },
		{ 0x66, 0x268 },	/* 2.11..2.14 (handover_offset) */
		{ 0x00, 0x264 },	/* clamped up */
		{ 0x61, 0x264 },
		{ 0x8e, 0x290 },	/* up to edd_mbr_sig_buffer */
		{ 0x8f, 0x290 },	/* clamped down */
		{ 0xff, 0x290 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		make_image();
		wr8(img, 0x201, cases[i].jump);
		assert_ok(parse(IMG_SIZE), err);
		if (k.header_end != cases[i].end)
			fail_msg("jump %#x: header_end %#x, want %#x",
				 cases[i].jump, k.header_end, cases[i].end);
	}
}

#define ALIGN_ROW(name, a, detail_) \
	{ (name), { SET(0x230, 4, (a)) }, .avail = IMG_SIZE, .detail = (detail_) }
#define FIXED_ROW(name, pref, detail_) \
	{ (name), { SET(0x234, 1, 0), SET(0x258, 8, (pref)) }, \
	  .avail = IMG_SIZE, .detail = (detail_) }

static void test_alignment_rules(void **state)
{
	static const struct hdr_row rows[] = {
		ALIGN_ROW("alignment 1 MiB", 0x100000,
			  "kernel_alignment 0x100000 not 2^n >= 2 MiB"),
		ALIGN_ROW("alignment 3 MiB", 0x300000,
			  "kernel_alignment 0x300000 not 2^n >= 2 MiB"),
		ALIGN_ROW("alignment 0", 0,
			  "kernel_alignment 0x0 not 2^n >= 2 MiB"),
		ALIGN_ROW("alignment 2 MiB - 1", 0x1fffff,
			  "kernel_alignment 0x1fffff not 2^n >= 2 MiB"),
		ALIGN_ROW("alignment 0xffffffff", 0xffffffff,
			  "kernel_alignment 0xffffffff not 2^n >= 2 MiB"),
		ALIGN_ROW("alignment 2 GiB", 0x80000000, NULL),
		/*
		 * non-relocatable: pref_address must be 2 MiB aligned,
		 * alignment is not looked at
		 */
		FIXED_ROW("fixed, pref_address 17 MiB", 0x1100000,
			  "pref_address 0x1100000 not 2 MiB aligned"),
		FIXED_ROW("fixed, pref_address 2^44 + 1", 0x100000000001ull,
			  "pref_address 0x100000000001 not 2 MiB aligned"),
	};

	(void)state;
	RUN_HDR(rows);
	/* a larger power of two is kept as is */
	make_image();
	wr32(img, 0x230, 0x400000);
	assert_ok(parse(IMG_SIZE), err);
	assert_int_equal(k.kernel_alignment, 0x400000);

	/* fixed at an aligned pref_address: any alignment */
	make_image();
	wr8(img, 0x234, 0);
	wr64(img, 0x258, 0x1000000);
	wr32(img, 0x230, 0x1000);
	assert_ok(parse(IMG_SIZE), err);
	assert_false(k.relocatable);
	assert_int_equal(k.kernel_alignment, 0x1000);

	/* relocatable_kernel: any nonzero value */
	make_image();
	wr8(img, 0x234, 0x80);
	assert_ok(parse(IMG_SIZE), err);
	assert_true(k.relocatable);
}

static void test_version_string(void **state)
{
	(void)state;
	make_image();
	wr16(img, 0x20e, 0);			/* none */
	assert_ok(parse(IMG_SIZE), err);
	assert_null(k.version_str);
	assert_int_equal(k.version_len, 0);

	/* ends at a NUL */
	make_image();
	memcpy(img + VERSION_AT, "5.10.0\0rest", 11);
	assert_ok(parse(IMG_SIZE), err);
	assert_int_equal(k.version_len, 6);

	/* empty */
	make_image();
	img[VERSION_AT] = '\0';
	assert_ok(parse(IMG_SIZE), err);
	assert_ptr_equal(k.version_str, (const char *)img + VERSION_AT);
	assert_int_equal(k.version_len, 0);

	/* runs into the end of the setup code: stops there */
	make_image();
	wr16(img, 0x20e, SETUP_SIZE - 3 - 0x200);
	memcpy(img + SETUP_SIZE - 3, "abcdef", 6);
	assert_ok(parse(IMG_SIZE), err);
	assert_ptr_equal(k.version_str, (const char *)img + SETUP_SIZE - 3);
	assert_int_equal(k.version_len, 3);

	/* starting at or past the end of the setup code: ignored */
	make_image();
	wr16(img, 0x20e, SETUP_SIZE - 0x200);
	assert_ok(parse(IMG_SIZE), err);
	assert_null(k.version_str);
	wr16(img, 0x20e, 0xffff);
	assert_ok(parse(IMG_SIZE), err);
	assert_null(k.version_str);
	/* the pointer is relative to 0x200: 1 means 0x201 (the jump byte) */
	wr16(img, 0x20e, 1);
	assert_ok(parse(IMG_SIZE), err);
	assert_ptr_equal(k.version_str, (const char *)img + 0x201);
	assert_int_equal(k.version_len, 7);	/* "\x6aHdrS\x0f\x02", then realmode_swtch 0 */
}

static void test_version_string_reads_only_setup(void **state)
{
	/* an exact heap copy: the version scan stops at the setup code end */
	u8 *exact = malloc(IMG_SIZE);

	(void)state;
	assert_non_null(exact);
	make_image();
	memcpy(exact, img, IMG_SIZE);
	wr16(exact, 0x20e, SETUP_SIZE - 8 - 0x200);
	memset(exact + SETUP_SIZE - 8, 'v', 8);
	memset(exact + SETUP_SIZE, 'w', PM_SIZE);	/* no NUL after it */
	err_reset(&err);
	assert_ok(bzimage_parse(exact, IMG_SIZE, LOAD, &k, &err), err);
	assert_int_equal(k.version_len, 8);
	free(exact);
}

static void test_runtime_start(void **state)
{
	struct bzimage r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.relocatable = true;
	r.kernel_alignment = 0x200000;
	r.pref_address = 0x1000000;
	/* aligned, at or above pref: stays */
	assert_int_equal(bzimage_runtime_start(&r, 0x1000000), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0x3400000), 0x3400000);
	assert_int_equal(bzimage_runtime_start(&r, 0x100000000ull), 0x100000000ull);
	/* unaligned: up to the next multiple of kernel_alignment */
	assert_int_equal(bzimage_runtime_start(&r, 0x1000001), 0x1200000);
	assert_int_equal(bzimage_runtime_start(&r, 0x11fffff), 0x1200000);
	assert_int_equal(bzimage_runtime_start(&r, 0x1005000), 0x1200000);
	/* below pref: raised to pref (Linux's LOAD_PHYSICAL_ADDR rule) */
	assert_int_equal(bzimage_runtime_start(&r, 0), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0x400000), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0xe00001), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0xffffff), 0x1000000);
	/* a larger alignment */
	r.kernel_alignment = 0x1000000;
	assert_int_equal(bzimage_runtime_start(&r, 0x1200000), 0x2000000);
	/* non-relocatable: always pref_address */
	r.relocatable = false;
	r.kernel_alignment = 0x200000;
	assert_int_equal(bzimage_runtime_start(&r, 0x1000000), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0x3400000), 0x1000000);
	assert_int_equal(bzimage_runtime_start(&r, 0x100000), 0x1000000);
}

static void test_payload_magic(void **state)
{
	static const struct {
		const char *name;
		u8 len, b[6];
		enum kcomp want;
	} rows[] = {
		{ "gzip", 2, { 0x1f, 0x8b }, KCOMP_GZIP },
		{ "bzip2", 3, { 'B', 'Z', 'h' }, KCOMP_BZIP2 },
		{ "lzma", 3, { 0x5d, 0x00, 0x00 }, KCOMP_LZMA },
		{ "xz", 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, KCOMP_XZ },
		{ "lzo", 4, { 0x89, 'L', 'Z', 'O' }, KCOMP_LZO },
		{ "lz4", 4, { 0x02, 0x21, 0x4c, 0x18 }, KCOMP_LZ4 },
		{ "zstd", 4, { 0x28, 0xb5, 0x2f, 0xfd }, KCOMP_ZSTD },
		{ "old gzip", 2, { 0x1f, 0x9e }, KCOMP_UNKNOWN },
		{ "lzma, other properties", 3, { 0x5d, 0x01, 0x00 }, KCOMP_UNKNOWN },
		{ "zstd, one byte off", 4, { 0x28, 0xb6, 0x2f, 0xfd }, KCOMP_UNKNOWN },
		{ "xz cut to 5 bytes", 5, { 0xfd, '7', 'z', 'X', 'Z' }, KCOMP_UNKNOWN },
		{ "zeros", 6, { 0 }, KCOMP_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		make_image();
		memset(img + SETUP_SIZE + 0x100, 0, 8);
		memcpy(img + SETUP_SIZE + 0x100, rows[i].b, rows[i].len);
		wr32(img, 0x24c, rows[i].len);		/* payload_length */
		assert_ok(parse(IMG_SIZE), err);
		assert_row_equal(rows[i].name, "format", payload_kind(),
				 rows[i].want);
	}
	/* the magic is at protected-mode start + payload_offset */
	make_image();
	wr32(img, 0x248, 0);
	memcpy(img + SETUP_SIZE, "\x28\xb5\x2f\xfd", 4);
	assert_ok(parse(IMG_SIZE), err);
	assert_int_equal(payload_kind(), KCOMP_ZSTD);
}

/* ---- a Debian-6.1-shaped header (tests/unit/bzfixture.h) ---------------- */

static void test_debian_shaped_fixture(void **state)
{
	static const struct bz_want want = {
		.load_addr = 0x1000000 - 0x5000,
		.setup_size = 0x5000,		/* setup_sects 39 */
		.pm_addr = 0x1000000,
		.pm_size = 0x7d8200,		/* syssize 0x7d820 */
		.header_end = 0x26c,		/* jump EB 6A */
		.version = 0x020f, .init_size = 0x3f98000,
		.kernel_alignment = 0x200000, .pref_address = 0x1000000,
		.relocatable = true, .xloadflags = 0x7f, .cmdline_size = 0x7ff,
		.initrd_addr_max = 0x7fffffff, .payload_offset = 0x2cc,
		.payload_length = 0x7bf070,
	};
	size_t len = 0;
	u8 *file = bzfixture_debian61(&len);

	(void)state;
	err_reset(&err);
	/* loaded the way jailhouse-cell-linux does: pm part at pref_address */
	assert_ok(bzimage_parse(file, len, 0x1000000 - 0x5000, &k, &err), err);
	expect_parsed("Debian 6.1 fixture", &want);
	assert_int_equal(payload_kind(), KCOMP_XZ);
	assert_int_equal(k.version_len, strlen(FIX_VERSION));
	assert_memory_equal(k.version_str, FIX_VERSION, strlen(FIX_VERSION));
	assert_int_equal(bzimage_runtime_start(&k, k.pm_addr), 0x1000000);
	/* truncated by one byte of the code part */
	err_reset(&err);
	assert_fail(bzimage_parse(file, 0x5000 + 0x7d8200 - 1, 0x1000000 - 0x5000,
				  &k, &err), err, "kernel",
		    "setup 0x5000 + code 0x7d8200 > 0x7dd1ff loaded");
	free(file);
}

/* ---- the test kernel (CELLBOOT_KERNEL, default Debian's) --------------- */

/*
 * Whatever real kernel the tests run with: every expectation is read from
 * the file at the boot protocol's raw offsets (not through struct
 * setup_header), so the test holds for any 64-bit bzImage >= 2.12.
 */
static void test_real_kernel(void **state)
{
	size_t len = 0, vlen;
	u8 *file;
	u32 sects, setup, pm_size, init, align, plen, payload;
	u64 pref, load, rt;
	const char *ver;
	char want_ver[160];
	struct bz_want want;

	(void)state;
	file = test_kernel_or_skip(&len);
	if (!file)
		return;
	sects = file[0x1f1] ? file[0x1f1] : 4;
	setup = (sects + 1) * 512;
	pm_size = rd32(file, 0x1f4) * 16;
	init = rd32(file, 0x260);
	align = rd32(file, 0x230);
	pref = rd64(file, 0x258);
	payload = rd32(file, 0x248);
	plen = rd32(file, 0x24c);
	/* the file is a whole bzImage: setup + code, maybe a tail */
	assert_true(setup + (u64)pm_size <= len);
	assert_true(rd16(file, 0x206) >= 0x020c);
	assert_true(rd16(file, 0x236) & 1);		/* XLF_KERNEL_64 */

	/* loaded the way jailhouse-cell-linux does: pm part at pref_address */
	load = pref - setup;
	err_reset(&err);
	assert_ok(bzimage_parse(file, len, load, &k, &err), err);
	assert_ptr_equal(k.image, file);
	want = (struct bz_want){
		.load_addr = load, .setup_size = setup, .pm_addr = pref,
		.pm_size = pm_size, .header_end = 0x202 + file[0x201],
		.version = rd16(file, 0x206), .init_size = init,
		.kernel_alignment = align, .pref_address = pref,
		.relocatable = file[0x234] != 0,
		.xloadflags = rd16(file, 0x236),
		.cmdline_size = rd32(file, 0x238),
		.initrd_addr_max = rd32(file, 0x22c),
		.payload_offset = payload, .payload_length = plen,
	};
	expect_parsed("test kernel", &want);
	assert_true(payload + (u64)plen <= pm_size);
	assert_int_not_equal(payload_kind(), KCOMP_UNKNOWN);

	/* the version string: at 0x200 + kernel_version, up to the first space */
	ver = (const char *)file + 0x200 + rd16(file, 0x20e);
	vlen = strcspn(ver, " ");
	assert_true(vlen > 0 && vlen < sizeof(want_ver));
	snprintf(want_ver, sizeof(want_ver), "%.*s", (int)vlen, ver);
	print_message("test kernel version %s, init_size %#x, pref_address %#llx\n",
		      want_ver, init, (unsigned long long)pref);
	assert_non_null(k.version_str);
	assert_int_equal(k.version_len, vlen);
	assert_memory_equal(k.version_str, want_ver, vlen);

	/* at pref_address it runs in place; a load 1 byte higher realigns */
	assert_int_equal(bzimage_runtime_start(&k, k.pm_addr), pref);
	rt = bzimage_runtime_start(&k, pref + 1);
	assert_int_equal(rt, k.relocatable ? pref + align : pref);

	/* truncated by one byte of the code part */
	err_reset(&err);
	snprintf(want_ver, sizeof(want_ver), "setup %#x + code %#x > %#x loaded",
		 setup, pm_size, setup + pm_size - 1);
	assert_fail(bzimage_parse(file, setup + pm_size - 1, load, &k, &err), err,
		    "kernel", want_ver);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_header),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_magic_rejections),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_setup_sects),
		cmocka_unit_test(test_header_end_clamp),
		cmocka_unit_test(test_alignment_rules),
		cmocka_unit_test(test_version_string),
		cmocka_unit_test(test_version_string_reads_only_setup),
		cmocka_unit_test(test_runtime_start),
		cmocka_unit_test(test_payload_magic),
		cmocka_unit_test(test_debian_shaped_fixture),
		cmocka_unit_test(test_real_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
