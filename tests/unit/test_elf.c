/* SPDX-License-Identifier: MIT */
/*
 * lib/elf.c: an ELF64 image built here byte by byte (offsets from the
 * System V ABI, not from lib/abi/elf.h), then every check elf_place makes,
 * each with its exact line; and the extracted vmlinux of a real kernel
 * when the build has one (tests/qemu/test_vmlinux.py writes it).
 */
#include "tests/unit/helpers.h"
#include "lib/elf.h"

#define LOAD	0x8000000ull	/* where the file lies: 128 MiB */
#define NSEG	2

static u8 img[0x4000];
static struct vmlinux v;
static struct cb_err err;
static const struct range ram[] = { { 0, 0x10000000, "ram" } };
static struct range reserved[] = { { 0, 0x23000, "cellboot" },
				    { 0x100000, 0x101000, "comm region" },
				    { 0, 0, "initrd" },
				    { 0, 0, "kernel file" } };
static struct plan_input in;

static void phdr(u32 i, u32 type, u64 off, u64 paddr, u64 filesz, u64 memsz)
{
	size_t at = 64 + i * 56;

	wr32(img, at, type);
	wr64(img, at + 8, off);
	wr64(img, at + 16, 0xffffffff80000000ull + paddr);
	wr64(img, at + 24, paddr);
	wr64(img, at + 32, filesz);
	wr64(img, at + 40, memsz);
}

/* text 0x1000 bytes at 16 MiB, data 0x800 + bss at 18 MiB, one PT_NOTE */
static int setup(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	wr8(img, 4, 2);
	wr8(img, 5, 1);
	wr16(img, 16, 2);
	wr16(img, 18, 62);
	wr64(img, 24, 0x1000000);	/* e_entry */
	wr64(img, 32, 64);		/* e_phoff */
	wr16(img, 52, 64);
	wr16(img, 54, 56);
	wr16(img, 56, NSEG + 1);
	phdr(0, 1, 0x1000, 0x1000000, 0x1000, 0x1000);
	phdr(1, 4, 0x2000, 0x1000100, 0x10, 0x10);	/* PT_NOTE: skipped */
	phdr(2, 1, 0x2000, 0x1200000, 0x800, 0x3000);
	memset(&in, 0, sizeof(in));
	in.ram = ram;
	in.num_ram = 1;
	in.reserved = reserved;
	in.num_reserved = 4;
	reserved[2].start = reserved[2].end = 0;
	err_reset(&err);
	return 0;
}

/* as the loader calls it: the file is the last reserved range */
static int place(u64 avail, u64 load)
{
	reserved[3].start = load;
	reserved[3].end = load + avail;
	return elf_place(img, avail, load, &in, &v, &err);
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(place(0x3000, LOAD), 0);
	assert_int_equal(v.entry, 0x1000000);
	assert_int_equal(v.num, 2);
	assert_int_equal(v.seg[0].src, LOAD + 0x1000);
	assert_int_equal(v.seg[0].dst, 0x1000000);
	assert_int_equal(v.seg[1].src, LOAD + 0x2000);
	assert_int_equal(v.seg[1].dst, 0x1200000);
	assert_int_equal(v.seg[1].filesz, 0x800);
	assert_int_equal(v.seg[1].memsz, 0x3000);
	assert_true(elf_is_elf(img));
}

/* "ELF class C machine M phentsize P, headers end E: want 2 62 56, in N bytes" */
#define BAD_HEADER(fields, end, avail)					\
	"ELF " fields ", headers end " end ": want 2 62 56, in " avail " bytes"

static void test_header(void **state)
{
	/* the image of setup() with up to one field written, placed at LOAD */
	static const struct {
		const char *name;
		u16 off;
		u8 width;			/* 1, 2 or 8 bytes; 0: none */
		u64 val;
		u64 avail;
		const char *detail;
	} rows[] = {
		{ "machine 3 (i386)", 18, 2, 3, 0x3000,
		  BAD_HEADER("class 2 machine 3 phentsize 56", "0xe8", "0x3000") },
		{ "class 1 (32-bit)", 4, 1, 1, 0x3000,
		  BAD_HEADER("class 1 machine 62 phentsize 56", "0xe8", "0x3000") },
		/* big-endian: machine 62 read back */
		{ "machine 62 big-endian", 18, 2, 0x3e00, 0x3000,
		  BAD_HEADER("class 2 machine 15872 phentsize 56", "0xe8",
			     "0x3000") },
		{ "phentsize 32", 54, 2, 32, 0x3000,
		  BAD_HEADER("class 2 machine 62 phentsize 32", "0xe8", "0x3000") },
		/* program headers past what is loaded, and past the 64 KiB read */
		{ "program headers past the bytes loaded", 0, 0, 0, 0xe0,
		  BAD_HEADER("class 2 machine 62 phentsize 56", "0xe8", "0xe0") },
		{ "program headers past the 64 KiB read", 32, 8, 0x10000,
		  0x100000, BAD_HEADER("class 2 machine 62 phentsize 56",
				       "0x100a8", "0x10000") },
		{ "program headers not 8-byte aligned", 32, 8, 0x44, 0x3000,
		  BAD_HEADER("class 2 machine 62 phentsize 56", "0xec", "0x3000") },
		/* no wrap-around (the line shows the end modulo 2^64) */
		{ "program header offset near 2^64", 32, 8, UINT64_MAX - 8,
		  0x100000, BAD_HEADER("class 2 machine 62 phentsize 56", "0x9f",
				       "0x10000") },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		setup(NULL);
		switch (rows[i].width) {
		case 1: wr8(img, rows[i].off, (u8)rows[i].val); break;
		case 2: wr16(img, rows[i].off, (u16)rows[i].val); break;
		case 8: wr64(img, rows[i].off, rows[i].val); break;
		}
		assert_row_fail(rows[i].name, place(rows[i].avail, LOAD), err,
				"kernel", rows[i].detail);
	}
}

static void test_segment_file_bytes(void **state)
{
	(void)state;
	assert_fail(place(0x2400, LOAD), err, "kernel", "ELF segment 1: "
		    "0x2000+0x800 of 0x2400 bytes, 0x3000 in memory; max 8");
	phdr(2, 1, UINT64_MAX - 0x10, 0x1200000, 0x800, 0x3000);
	assert_int_equal(place(0x3000, LOAD), -1);
	phdr(2, 1, 0x2000, 0x1200000, 0x800, 0x7ff);	/* filesz > memsz */
	assert_fail(place(0x3000, LOAD), err, "kernel", "ELF segment 1: "
		    "0x2000+0x800 of 0x3000 bytes, 0x7ff in memory; max 8");
}

static void test_too_many_segments(void **state)
{
	(void)state;
	wr16(img, 56, ELF_MAX_LOAD + 1);
	for (u32 i = 0; i <= ELF_MAX_LOAD; i++)
		phdr(i, 1, 0x1000, 0x1000000 + i * 0x1000, 0x10, 0x10);
	assert_fail(place(0x3000, LOAD), err, "kernel", "ELF segment 8: "
		    "0x1000+0x10 of 0x3000 bytes, 0x10 in memory; max 8");
	wr16(img, 56, ELF_MAX_LOAD);
	assert_int_equal(place(0x3000, LOAD), 0);
	assert_int_equal(v.num, ELF_MAX_LOAD);
}

static void test_entry(void **state)
{
	(void)state;
	wr64(img, 24, 0x1001000);	/* one past the text */
	assert_fail(place(0x3000, LOAD), err, "kernel",
		    "ELF entry 0x1001000 in no segment");
	wr64(img, 24, 0x1202fff);	/* last bss byte: inside */
	assert_int_equal(place(0x3000, LOAD), 0);
	wr16(img, 56, 0);		/* no segment at all */
	assert_fail(place(0x3000, LOAD), err, "kernel",
		    "ELF entry 0x1202fff in no segment");
}

static void test_placement(void **state)
{
	(void)state;
	phdr(2, 1, 0x2000, 0xfffe000, 0x800, 0x3000);	/* past the RAM */
	assert_fail(place(0x3000, LOAD), err, "kernel",
		    "0xfffe000-0x10000fff is not inside cell RAM");
	phdr(2, 1, 0x2000, UINT64_MAX - 0xfff, 0x800, 0x3000);	/* wraps */
	assert_int_equal(place(0x3000, LOAD), -1);
	phdr(2, 1, 0x2000, 0x100000, 0x800, 0x800);
	assert_fail(place(0x3000, LOAD), err, "kernel",
		    "0x100000-0x1007ff overlaps comm region 0x100000-0x100fff");
	setup(NULL);
	reserved[2].start = 0x1202000;
	reserved[2].end = 0x1203000;
	assert_fail(place(0x3000, LOAD), err, "kernel",
		    "0x1200000-0x1202fff overlaps initrd 0x1202000-0x1202fff");
	setup(NULL);
	/* the file itself: a copy must not land on bytes still to copy */
	assert_fail(place(0x3000, 0x1200800), err, "kernel",
		    "0x1200000-0x1202fff overlaps kernel file 0x1200800-0x12037ff");
}

static void test_in_place(void **state)
{
	(void)state;
	/* headers at 0x40000, p_offset pointing at each segment in place */
	phdr(0, 1, 0x1000000 - 0x40000, 0x1000000, 0x1000, 0x1000);
	phdr(2, 1, 0x1200000 - 0x40000, 0x1200000, 0x800, 0x3000);
	assert_int_equal(place(0xe8, 0x40000), 0);
	assert_int_equal(v.seg[0].src, v.seg[0].dst);
	assert_int_equal(v.seg[1].src, v.seg[1].dst);
	/* one not in place must lie inside the 0xe8 bytes loaded */
	phdr(2, 1, 0x1200000 - 0x40001, 0x1200000, 0x800, 0x3000);
	assert_int_equal(place(0xe8, 0x40000), -1);
	/* in place, still inside RAM and clear of what the loader keeps */
	phdr(2, 1, 0x100000 - 0x40000, 0x100000, 0x800, 0x800);
	assert_fail(place(0xe8, 0x40000), err, "kernel",
		    "0x100000-0x1007ff overlaps comm region 0x100000-0x100fff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good, setup),
		cmocka_unit_test_setup(test_header, setup),
		cmocka_unit_test_setup(test_segment_file_bytes, setup),
		cmocka_unit_test_setup(test_too_many_segments, setup),
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_placement, setup),
		cmocka_unit_test_setup(test_in_place, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
