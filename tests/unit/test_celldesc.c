/* SPDX-License-Identifier: MIT */
/*
 * Cell descriptions: every keyword, every error message, the binary writer
 * (raw offsets from docs/jailhouse-abi.md 5, not the structs), and round trips
 * through the loader's own parser lib/cellcfg.c.
 */
#include "tests/unit/helpers.h"
#include "tools/lib/celldesc.h"
#include "lib/cellcfg.h"
#include "tools/lib/cellcfg_write.h"

#define ALL_RAM 0x4full		/* r,w,x,dma,loadable */
/* The two header lines most cases start with: their body is line 3. */
#define HDR "name t\ncpus 1\n"

static struct cell_desc d;
static struct cb_err err;

static int parse(const char *text)
{
	memset(&err, 0, sizeof(err));
	return celldesc_parse(text, strlen(text), &d, &err);
}

/* Parses "name t\ncpus 1\n" + body; fails the test on an error. */
static void parse_ok(const char *body)
{
	char text[8192];

	snprintf(text, sizeof(text), HDR "%s", body);
	if (parse(text) != 0)
		fail_msg("unexpected error: %s: %s", err.what, err.detail);
}

/* A text the parser must refuse with exactly this error detail. */
struct err_row {
	const char *name;
	const char *text;
	const char *detail;
};

static void expect_errors(const struct err_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_row_fail(rows[i].name, parse(rows[i].text), err,
				"cell description", rows[i].detail);
}

/* The same for a text built at run time: body after HDR. */
static void expect_error(const char *body, const char *detail)
{
	char text[8192];

	snprintf(text, sizeof(text), HDR "%s", body);
	assert_fail(parse(text), err, "cell description", detail);
}

/* A file of the source tree, NUL-terminated. */
static char *read_src(const char *rel, size_t *len)
{
	char path[512];
	u8 *buf;

	src_path(path, sizeof(path), rel);
	buf = read_whole_file(path, len);
	if (!buf)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	return (char *)buf;
}

static void parse_config(const char *rel)
{
	size_t len;
	char *text = read_src(rel, &len);

	if (celldesc_parse(text, len, &d, &err))
		fail_msg("%s: %s: %s", rel, err.what, err.detail);
	free(text);
}

/* ---- syntax ---------------------------------------------------------- */

static void test_minimal_defaults(void **state)
{
	(void)state;
	assert_int_equal(parse("name x\ncpus 0"), 0);	/* no final newline */
	assert_string_equal(d.name, "x");
	assert_int_equal(d.cpus[0], 1);
	assert_int_equal(d.flags, 0);
	assert_int_equal(d.num_mem, 0);
	assert_int_equal(d.num_irqchips, 0);
	assert_int_equal(d.num_pio, 0);
	assert_int_equal(d.console.type, JAILHOUSE_CON_TYPE_NONE);
	assert_int_equal(d.console.address, 0);
	assert_int_equal(d.cpu_reset_address, 0);
	assert_int_equal(d.msg_reply_timeout, 0);
	assert_int_equal(celldesc_num_cpus(&d), 1);
	assert_int_equal(celldesc_highest_cpu(&d), 0);
}

static void test_comments_whitespace_crlf(void **state)
{
	(void)state;
	assert_int_equal(parse("# leading comment\r\n"
			       "\r\n"
			       "  \tname\tx   # trailing\r\n"
			       "cpus 1#glued comment\r\n"
			       "#ram 0 1M\n"
			       "ram 0 1M\r\n"), 0);
	assert_string_equal(d.name, "x");
	assert_int_equal(d.cpus[0], 2);
	assert_int_equal(d.num_mem, 1);
}

static void test_length_bounds_text(void **state)
{
	const char text[] = "name x\ncpus 1\nram 0 1M garbage";

	(void)state;
	/* only len bytes are read: the garbage after them is never seen */
	assert_int_equal(celldesc_parse(text, strlen(text) - 8, &d, &err), 0);
	assert_int_equal(d.num_mem, 1);
}

/* No NUL after the text, and the error quotes the last token (ASan). */
static void test_unterminated_text(void **state)
{
	static const char src[] = "name x\ncpus 1\nrma";
	char *text = malloc(sizeof(src) - 1);

	(void)state;
	assert_non_null(text);
	memcpy(text, src, sizeof(src) - 1);
	assert_int_equal(celldesc_parse(text, sizeof(src) - 1, &d, &err), -1);
	assert_string_equal(err.detail, "line 3: unknown keyword 'rma'");
	free(text);
}

static void test_numbers(void **state)
{
	(void)state;
	parse_ok("ram 0x10000 64K\nmmio 1M 0x2K\nram 0x40000000 1g\n"
		 "ram 2G 4096\nram 0X100000000 0xAbC000\n");
	assert_int_equal(d.mem[0].virt, 0x10000);
	assert_int_equal(d.mem[0].size, 0x10000);
	assert_int_equal(d.mem[1].virt, 0x100000);
	assert_int_equal(d.mem[1].size, 0x800);
	assert_int_equal(d.mem[2].virt, 0x40000000);
	assert_int_equal(d.mem[2].size, 0x40000000);
	assert_int_equal(d.mem[3].virt, 0x80000000);
	assert_int_equal(d.mem[3].size, 0x1000);
	assert_int_equal(d.mem[4].virt, 0x100000000ull);
	assert_int_equal(d.mem[4].size, 0xabc000);
}

static void test_syntax_errors(void **state)
{
	static const struct err_row errors[] = {
		{ "unknown keyword 'rma'",
		  HDR "rma 0 1M\n",
		  "line 3: unknown keyword 'rma'" },
		{ "bad size '1Q'",
		  HDR "ram 0 1Q\n",
		  "line 3: bad size '1Q'" },
		{ "bad address '017'",
		  HDR "ram 017 1M\n",
		  "line 3: bad address '017'" },
		{ "bad address '0x'",
		  HDR "ram 0x 1M\n",
		  "line 3: bad address '0x'" },
		{ "decimal size past 2^64",
		  HDR "ram 0 99999999999999999999\n",
		  "line 3: size '99999999999999999999' exceeds the limit 0xffffffffffffffff" },
		{ "hex size past 2^64",
		  HDR "ram 0 0x10000000000000000\n",
		  "line 3: size '0x10000000000000000' exceeds the limit 0xffffffffffffffff" },
		{ "size with suffix past 2^64",
		  HDR "ram 0 0x7fffffffffffffffG\n",
		  "line 3: size '0x7fffffffffffffffG' exceeds the limit 0xffffffffffffffff" },
		{ "invalid character 0x01",
		  HDR "name\x01x\n",
		  "line 3: invalid character 0x01" },
		{ "invalid character 0xc3",
		  HDR "# fine \xc3\xa4 in a comment\nname \xc3\xa4\n",
		  "line 4: invalid character 0xc3" },
		{ "a NUL ends the text before 'cpus'",
		  "name x\0\ncpus 1\n",
		  "no CPUs: add a 'cpus' line" },
		{ "more than 16 tokens",
		  HDR "a b c d e f g h i j k l m n o p q\n",
		  "line 3: more than 16 tokens" },
		{ "'phys' given twice",
		  HDR "ram 0 1M phys=0 phys=0\n",
		  "line 3: 'phys' given twice" },
		{ "'phys=' needs a value",
		  HDR "ram 0 1M phys=\n",
		  "line 3: 'phys=' needs a value" },
		{ "unexpected 'bogus=1' after 'ram' (options: phys=)",
		  HDR "ram 0 1M bogus=1\n",
		  "line 3: unexpected 'bogus=1' after 'ram' (options: phys=)" },
		{ "unexpected 'phys' after 'ram' (options: phys=)",
		  HDR "ram 0 1M phys\n",
		  "line 3: unexpected 'phys' after 'ram' (options: phys=)" },
		{ "unexpected '9' after 'pio' (no options)",
		  HDR "pio 0x3f8 8 9\n",
		  "line 3: unexpected '9' after 'pio' (no options)" },
		/* long tokens are cut to 40 characters in messages */
		{ "unknown keyword 'abcdefghijabcdefghijabcdefghijabcdefghij'",
		  HDR "abcdefghijabcdefghijabcdefghijabcdefghijXYZ\n",
		  "line 3: unknown keyword 'abcdefghijabcdefghijabcdefghijabcdefghij'" },
	};

	(void)state;
	assert_int_equal(celldesc_parse("name x\0\ncpus 1\n", 15, &d, &err), -1);
	assert_string_equal(err.detail, "line 1: invalid character 0x00");
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_required_lines(void **state)
{
	static const struct err_row errors[] = {
		{ "empty text",
		  "",
		  "no 'name' line" },
		{ "cpus but no 'name' line",
		  "cpus 1\n",
		  "no 'name' line" },
		{ "no 'cpus' line",
		  "name x\n# no cpus\n",
		  "no CPUs: add a 'cpus' line" },
	};

	(void)state;
	expect_errors(errors, ARRAY_SIZE(errors));
}

/* ---- name, cpus, flags ----------------------------------------------- */

static void test_name(void **state)
{
	static const struct err_row errors[] = {
		{ "name of 32 characters",
		  "name abcdefghijabcdefghijabcdefghij12\ncpus 1",
		  "line 1: name 'abcdefghijabcdefghijabcdefghij12' is 32 characters, limit 31" },
		{ "duplicate 'name' (first on line 1)",
		  HDR "name u\n",
		  "line 3: duplicate 'name' (first on line 1)" },
		{ "'name' needs a NAME",
		  "name\ncpus 1",
		  "line 1: 'name' needs a NAME" },
		{ "unexpected 'b' after 'name' (no options)",
		  "name a b\ncpus 1",
		  "line 1: unexpected 'b' after 'name' (no options)" },
	};

	(void)state;
	assert_int_equal(parse("name abcdefghijabcdefghijabcdefghij1\ncpus 1"), 0);
	assert_string_equal(d.name, "abcdefghijabcdefghijabcdefghij1");
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_cpus(void **state)
{
	static const struct err_row errors[] = {
		{ "CPU id 1024 exceeds the limit 1023",
		  "name x\ncpus 1024\n",
		  "line 2: CPU id 1024 exceeds the limit 1023" },
		{ "CPU 2 listed twice",
		  "name x\ncpus 2 3 2\n",
		  "line 2: CPU 2 listed twice" },
		{ "'cpus' needs at least one CPU id",
		  "name x\ncpus\n",
		  "line 2: 'cpus' needs at least one CPU id" },
		{ "bad CPU id 'one'",
		  "name x\ncpus one\n",
		  "line 2: bad CPU id 'one'" },
		{ "CPU id past 2^64",
		  "name x\ncpus 0x10000000000000000\n",
		  "line 2: CPU id '0x10000000000000000' exceeds the limit 0xffffffffffffffff" },
		{ "duplicate 'cpus' (first on line 2)",
		  HDR "cpus 2\n",
		  "line 3: duplicate 'cpus' (first on line 2)" },
	};

	(void)state;
	assert_int_equal(parse("name x\ncpus 3 0 64 1023\n"), 0);
	assert_int_equal(d.cpus[0], 0x9);
	assert_int_equal(d.cpus[1], 0x1);
	assert_int_equal(d.cpus[15], 0x8000000000000000ull);
	assert_int_equal(celldesc_num_cpus(&d), 4);
	assert_int_equal(celldesc_highest_cpu(&d), 1023);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_flags(void **state)
{
	static const struct err_row errors[] = {
		{ "unknown cell flag 'passive'",
		  HDR "flags passive\n",
		  "line 3: unknown cell flag 'passive' (known: passive-commreg "
		  "test-device virtual-console-permitted virtual-console-active)" },
		{ "'flags' needs at least one flag",
		  HDR "flags\n",
		  "line 3: 'flags' needs at least one flag" },
		{ "duplicate 'flags' (first on line 3)",
		  HDR "flags test-device\nflags test-device\n",
		  "line 4: duplicate 'flags' (first on line 3)" },
	};

	(void)state;
	parse_ok("flags passive-commreg test-device virtual-console-permitted\n");
	assert_int_equal(d.flags, 0x40000003);
	parse_ok("flags virtual-console-active\n");
	assert_int_equal(d.flags, 0xc0000000);
	expect_errors(errors, ARRAY_SIZE(errors));
}

/* ---- memory regions --------------------------------------------------- */

static void test_ram(void **state)
{
	static const struct err_row errors[] = {
		{ "'ram' needs VIRT SIZE",
		  HDR "ram 0\n",
		  "line 3: 'ram' needs VIRT SIZE" },
		{ "ram of size 0",
		  HDR "ram 0 0\n",
		  "line 3: region at 0x0 has size 0 (an empty index filler is 'placeholder')" },
		{ "address 0x1800 is not page-aligned (0x1000)",
		  HDR "ram 0x1800 1M\n",
		  "line 3: address 0x1800 is not page-aligned (0x1000)" },
		{ "phys 0x10 is not page-aligned (0x1000)",
		  HDR "ram 0 1M phys=0x10\n",
		  "line 3: phys 0x10 is not page-aligned (0x1000)" },
		{ "size 0x1234 is not a multiple of the page size 0x1000",
		  HDR "ram 0 0x1234\n",
		  "line 3: size 0x1234 is not a multiple of the page size 0x1000" },
		{ "ram past 2^64",
		  HDR "ram 0xfffffffffffff000 0x2000\n",
		  "line 3: region 0xfffffffffffff000 + size 0x2000 overflows the 64-bit address space" },
		{ "phys past 2^64",
		  HDR "ram 0 0x2000 phys=0xfffffffffffff000\n",
		  "line 3: phys 0xfffffffffffff000 + size 0x2000 overflows the 64-bit address space" },
	};

	(void)state;
	parse_ok("ram 0 1M\nram 0x200000 74M phys=0x3a600000\n");
	assert_int_equal(d.num_mem, 2);
	assert_int_equal(d.mem[0].phys, 0);
	assert_int_equal(d.mem[0].virt, 0);
	assert_int_equal(d.mem[0].size, 0x100000);
	assert_int_equal(d.mem[0].flags, ALL_RAM);
	assert_int_equal(d.mem[1].phys, 0x3a600000);
	assert_int_equal(d.mem[1].virt, 0x200000);
	assert_int_equal(d.mem[1].size, 74 << 20);
	assert_int_equal(d.mem[1].flags, ALL_RAM);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_region_top_of_space(void **state)
{
	static const struct err_row errors[] = {
		{ "mmio ending at 2^64",
		  HDR "mmio 0xfffffffffffff000 0x1000\n",
		  "line 3: region 0xfffffffffffff000 + size 0x1000 overflows the 64-bit address space" },
	};

	(void)state;
	parse_ok("ram 0xffffffffffffe000 0x1000\n");
	assert_int_equal(d.mem[0].virt, 0xffffffffffffe000ull);
	parse_ok("mmio 0xfffffffffffff000 0xfff\n");
	assert_int_equal(d.mem[0].size, 0xfff);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_comm(void **state)
{
	static const struct err_row errors[] = {
		{ "two comm lines",
		  HDR "comm 0x100000\ncomm 0x200000\n",
		  "line 4: second comm region (first on line 3); a cell has one" },
		{ "mem with the comm flag after comm",
		  HDR "comm 0x100000\nmem 0x200000 4K flags=r,comm\n",
		  "line 4: second comm region (first on line 3); a cell has one" },
		{ "unexpected 'phys=0' after 'comm' (no options)",
		  HDR "comm 0x100000 4K phys=0\n",
		  "line 3: unexpected 'phys=0' after 'comm' (no options)" },
		{ "'comm' needs VIRT",
		  HDR "comm\n",
		  "line 3: 'comm' needs VIRT" },
		{ "address 0x100800 is not page-aligned (0x1000)",
		  HDR "comm 0x100800\n",
		  "line 3: address 0x100800 is not page-aligned (0x1000)" },
	};

	(void)state;
	parse_ok("comm 0x100000\n");
	assert_int_equal(d.mem[0].virt, 0x100000);
	assert_int_equal(d.mem[0].phys, 0);
	assert_int_equal(d.mem[0].size, 0x1000);
	assert_int_equal(d.mem[0].flags, 0x23);
	parse_ok("comm 0x100000 8K\n");
	assert_int_equal(d.mem[0].size, 0x2000);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_shmem(void **state)
{
	static const struct err_row errors[] = {
		{ "'ro' and 'rw' together",
		  HDR "shmem 0x80000000 4K ro rw\n",
		  "line 3: 'ro' and 'rw' together" },
		{ "unexpected 'wo' after 'shmem' (options: phys= ro rw)",
		  HDR "shmem 0x80000000 4K wo\n",
		  "line 3: unexpected 'wo' after 'shmem' (options: phys= ro rw)" },
		{ "address 0x80000800 is not page-aligned (0x1000)",
		  HDR "shmem 0x80000800 4K\n",
		  "line 3: address 0x80000800 is not page-aligned (0x1000)" },
	};

	(void)state;
	parse_ok("shmem 0x80000000 1M\nshmem 0x90000000 4K ro phys=0x3f000000\n"
		 "shmem 0xa0000000 4K rw\n");
	assert_int_equal(d.mem[0].flags, 0x83);
	assert_int_equal(d.mem[0].phys, 0x80000000);
	assert_int_equal(d.mem[1].flags, 0x81);
	assert_int_equal(d.mem[1].phys, 0x3f000000);
	assert_int_equal(d.mem[2].flags, 0x83);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_mmio(void **state)
{
	static const struct err_row errors[] = {
		{ "mmio of size 0",
		  HDR "mmio 0xfed00000 0\n",
		  "line 3: region at 0xfed00000 has size 0 (an empty index filler is 'placeholder')" },
	};

	(void)state;
	parse_ok("mmio 0xfed00000 0x1000\nmmio 0xfee01008 8 ro phys=0x1008\n");
	assert_int_equal(d.mem[0].flags, 0x13);
	assert_int_equal(d.mem[0].phys, 0xfed00000);
	assert_int_equal(d.mem[1].flags, 0x11);
	assert_int_equal(d.mem[1].size, 8);
	assert_int_equal(d.mem[1].phys, 0x1008);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_mem(void **state)
{
	static const struct err_row errors[] = {
		{ "'mem' needs flags=LIST",
		  HDR "mem 0x1000 4K\n",
		  "line 3: 'mem' needs flags=LIST" },
		{ "unknown memory flag 'q'",
		  HDR "mem 0x1000 4K flags=r,q\n",
		  "line 3: unknown memory flag 'q' (known: r w x dma io comm "
		  "loadable rootshared nohugepages io8 io16 io32 io64 io-unaligned)" },
		{ "empty memory flag",
		  HDR "mem 0x1000 4K flags=r,,w\n",
		  "line 3: unknown memory flag '' (known: r w x dma io comm "
		  "loadable rootshared nohugepages io8 io16 io32 io64 io-unaligned)" },
		{ "size 0x800 is not a multiple of the page size 0x1000",
		  HDR "mem 0x1000 0x800 flags=r,w\n",
		  "line 3: size 0x800 is not a multiple of the page size 0x1000" },
		{ "unexpected 'ro' after 'mem' (options: phys= flags=)",
		  HDR "mem 0x1000 4K flags=r ro\n",
		  "line 3: unexpected 'ro' after 'mem' (options: phys= flags=)" },
	};

	(void)state;
	parse_ok("mem 0x1000 4K flags=r,w,x,dma,io,comm,loadable,rootshared,"
		 "nohugepages,io8,io16,io32,io64,io-unaligned phys=0x5000\n"
		 "mem 0x2000 4K flags=r\n");
	assert_int_equal(d.mem[0].flags, 0xf81ff);
	assert_int_equal(d.mem[0].phys, 0x5000);
	assert_int_equal(d.mem[1].flags, 0x1);
	assert_int_equal(d.mem[1].phys, 0x2000);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_overlap(void **state)
{
	static const struct err_row errors[] = {
		{ "comm inside ram",
		  HDR "ram 0 2M\ncomm 0x100000\n",
		  "line 4: region [0x100000, 0x101000) overlaps [0x0, 0x200000) from line 3" },
		{ "mmio overlapping ram by a page and a byte",
		  HDR "ram 0x200000 1M\n\nmmio 0x1ff000 0x1001\n",
		  "line 5: region [0x1ff000, 0x200001) overlaps [0x200000, 0x300000) from line 3" },
	};

	(void)state;
	/* touching is fine */
	parse_ok("ram 0 1M\ncomm 0x100000\nram 0x101000 4K\n");
	expect_errors(errors, ARRAY_SIZE(errors));
	/* phys may be shared (aliases), virt may not */
	parse_ok("ram 0 4K phys=0x9000\nram 0x1000 4K phys=0x9000\n");
}

static void test_too_many_regions(void **state)
{
	char *text = malloc(CELLDESC_MAX_MEM * 32 + 64);
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "name big\ncpus 1\n");
	for (unsigned int i = 0; i < CELLDESC_MAX_MEM; i++)
		n += (size_t)sprintf(text + n, "ram 0x%x 4K\n", i * 0x1000);
	assert_int_equal(parse(text), 0);
	assert_int_equal(d.num_mem, CELLDESC_MAX_MEM);
	sprintf(text + n, "ram 0x%x 4K\n", CELLDESC_MAX_MEM * 0x1000);
	assert_int_equal(parse(text), -1);
	assert_string_equal(err.detail, "line 515: too many memory regions (limit 512)");
	free(text);
}

/* ---- pio, irqchip, console, scalars ----------------------------------- */

static void test_pio(void **state)
{
	static const struct err_row errors[] = {
		{ "'pio' needs BASE LENGTH",
		  HDR "pio 0x3f8\n",
		  "line 3: 'pio' needs BASE LENGTH" },
		{ "pio 0x3f8 has length 0",
		  HDR "pio 0x3f8 0\n",
		  "line 3: pio 0x3f8 has length 0" },
		{ "pio port past 0xffff",
		  HDR "pio 0x10000 1\n",
		  "line 3: port '0x10000' exceeds the limit 0xffff" },
		{ "length '0x10000' exceeds the limit 0xffff",
		  HDR "pio 0 0x10000\n",
		  "line 3: length '0x10000' exceeds the limit 0xffff" },
		{ "pio 0xfff8 + length 0x10 exceeds the port space 0x10000",
		  HDR "pio 0xfff8 0x10\n",
		  "line 3: pio 0xfff8 + length 0x10 exceeds the port space 0x10000" },
		{ "pio [0x3fc, 0x3fe) overlaps [0x3f8, 0x400) from line 3",
		  HDR "pio 0x3f8 8\npio 0x3fc 2\n",
		  "line 4: pio [0x3fc, 0x3fe) overlaps [0x3f8, 0x400) from line 3" },
	};

	(void)state;
	parse_ok("pio 0x3f8 8\npio 0x2f8 8\npio 0xffff 1\npio 0 0x10\n");
	assert_int_equal(d.num_pio, 4);
	assert_int_equal(d.pio[0].base, 0x3f8);
	assert_int_equal(d.pio[0].length, 8);
	assert_int_equal(d.pio[2].base, 0xffff);
	assert_int_equal(d.pio[3].length, 0x10);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_pio_limit(void **state)
{
	char text[4096];
	size_t n = 0;

	(void)state;
	for (unsigned int i = 0; i < CELLDESC_MAX_PIO; i++)
		n += (size_t)sprintf(text + n, "pio 0x%x 1\n", i);
	parse_ok(text);
	assert_int_equal(d.num_pio, CELLDESC_MAX_PIO);
	sprintf(text + n, "pio 0x%x 1\n", CELLDESC_MAX_PIO);
	expect_error(text, "line 67: too many pio regions (limit 64)");
}

static void test_irqchip(void **state)
{
	static const struct err_row errors[] = {
		{ "'irqchip' needs ADDRESS id=ID",
		  HDR "irqchip\n",
		  "line 3: 'irqchip' needs ADDRESS id=ID" },
		{ "irqchip 0xfec00000 needs id=",
		  HDR "irqchip 0xfec00000 pins=4\n",
		  "line 3: irqchip 0xfec00000 needs id=" },
		{ "irqchip without pins= or bitmap=",
		  HDR "irqchip 0xfec00000 id=1\n",
		  "line 3: irqchip 0xfec00000 needs exactly one of pins= and bitmap=" },
		{ "irqchip with pins= and bitmap=",
		  HDR "irqchip 0xfec00000 id=1 pins=1 bitmap=2\n",
		  "line 3: irqchip 0xfec00000 needs exactly one of pins= and bitmap=" },
		{ "id '0x100000000' exceeds the limit 0xffffffff",
		  HDR "irqchip 0xfec00000 id=0x100000000 pins=1\n",
		  "line 3: id '0x100000000' exceeds the limit 0xffffffff" },
		{ "pin 15 outside pin_base 16 .. 143",
		  HDR "irqchip 0xfec00000 id=1 pin_base=16 pins=15\n",
		  "line 3: pin 15 outside pin_base 16 .. 143" },
		{ "pin 128 outside pin_base 0 .. 127",
		  HDR "irqchip 0xfec00000 id=1 pins=128\n",
		  "line 3: pin 128 outside pin_base 0 .. 127" },
		{ "bad pin 'x'",
		  HDR "irqchip 0xfec00000 id=1 pins=3,x\n",
		  "line 3: bad pin 'x'" },
		{ "bitmap= has more than 4 words",
		  HDR "irqchip 0xfec00000 id=1 bitmap=1,2,3,4,5\n",
		  "line 3: bitmap= has more than 4 words" },
		{ "bitmap word '0x100000000' exceeds the limit 0xffffffff",
		  HDR "irqchip 0xfec00000 id=1 bitmap=0x100000000\n",
		  "line 3: bitmap word '0x100000000' exceeds the limit 0xffffffff" },
		{ "irqchip option irq=",
		  HDR "irqchip 0xfec00000 id=1 pins=4 irq=4\n",
		  "line 3: unexpected 'irq=4' after 'irqchip' (options: id= pin_base= pins= bitmap=)" },
		{ "irqchip 0xfec00000 already declared on line 3",
		  HDR "irqchip 0xfec00000 id=1 pins=4\n\nirqchip 0xfec00000 id=2 pins=3\n",
		  "line 5: irqchip 0xfec00000 already declared on line 3" },
	};

	(void)state;
	parse_ok("irqchip 0xfec00000 id=0xff00 pin_base=0 pins=3,4\n"
		 "irqchip 0xfec01000 pins=24,55,56,151 id=1 pin_base=24\n"
		 "irqchip 0xfec02000 id=2 bitmap=0x10,0,0xffffffff,7\n"
		 "irqchip 0xfec03000 id=3 bitmap=1\n");
	assert_int_equal(d.num_irqchips, 4);
	assert_int_equal(d.irqchips[0].address, 0xfec00000);
	assert_int_equal(d.irqchips[0].id, 0xff00);
	assert_int_equal(d.irqchips[0].pin_base, 0);
	assert_int_equal(d.irqchips[0].pin_bitmap[0], 0x18);
	assert_int_equal(d.irqchips[0].pin_bitmap[1], 0);
	assert_int_equal(d.irqchips[1].pin_base, 24);
	assert_int_equal(d.irqchips[1].pin_bitmap[0], 0x80000001);
	assert_int_equal(d.irqchips[1].pin_bitmap[1], 0x1);
	assert_int_equal(d.irqchips[1].pin_bitmap[2], 0);
	assert_int_equal(d.irqchips[1].pin_bitmap[3], 0x80000000);
	assert_int_equal(d.irqchips[2].pin_bitmap[0], 0x10);
	assert_int_equal(d.irqchips[2].pin_bitmap[1], 0);
	assert_int_equal(d.irqchips[2].pin_bitmap[2], 0xffffffff);
	assert_int_equal(d.irqchips[2].pin_bitmap[3], 7);
	assert_int_equal(d.irqchips[3].pin_bitmap[0], 1);
	assert_int_equal(d.irqchips[3].pin_bitmap[3], 0);

	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_irqchip_limit(void **state)
{
	char text[4096];
	size_t n = 0;

	(void)state;
	for (unsigned int i = 0; i < CELLDESC_MAX_IRQCHIPS; i++)
		n += (size_t)sprintf(text + n, "irqchip 0x%x id=%u pins=1\n",
				     0xfec00000 + i * 0x1000, i);
	parse_ok(text);
	assert_int_equal(d.num_irqchips, CELLDESC_MAX_IRQCHIPS);
	sprintf(text + n, "irqchip 0x1000 id=99 pins=1\n");
	expect_error(text, "line 19: too many irqchips (limit 16)");
}

static void test_console(void **state)
{
	static const struct err_row errors[] = {
		{ "'console' needs a type: 8250 or none",
		  HDR "console\n",
		  "line 3: 'console' needs a type: 8250 or none" },
		{ "unknown console type 'pl011' (known: 8250 none)",
		  HDR "console pl011 mmio 0\n",
		  "line 3: unknown console type 'pl011' (known: 8250 none)" },
		{ "'console' needs 8250 pio|mmio|mmio32 ADDRESS",
		  HDR "console 8250 pio\n",
		  "line 3: 'console' needs 8250 pio|mmio|mmio32 ADDRESS" },
		{ "unknown console access 'io' (known: pio mmio mmio32)",
		  HDR "console 8250 io 0x3f8\n",
		  "line 3: unknown console access 'io' (known: pio mmio mmio32)" },
		{ "console port past 0xffff",
		  HDR "console 8250 pio 0x10000\n",
		  "line 3: port '0x10000' exceeds the limit 0xffff" },
		{ "unexpected 'size=8' after 'console' (options: divider=)",
		  HDR "console 8250 pio 0x3f8 size=8\n",
		  "line 3: unexpected 'size=8' after 'console' (options: divider=)" },
		{ "size '0x100000000' exceeds the limit 0xffffffff",
		  HDR "console 8250 mmio 0xfe000000 size=0x100000000\n",
		  "line 3: size '0x100000000' exceeds the limit 0xffffffff" },
		{ "bad divider '-1'",
		  HDR "console 8250 pio 0x3f8 divider=-1\n",
		  "line 3: bad divider '-1'" },
		{ "unexpected 'x' after 'console' (no options)",
		  HDR "console none x\n",
		  "line 3: unexpected 'x' after 'console' (no options)" },
		{ "duplicate 'console' (first on line 3)",
		  HDR "console none\nconsole none\n",
		  "line 4: duplicate 'console' (first on line 3)" },
	};

	(void)state;
	parse_ok("console 8250 pio 0x3f8\n");
	assert_int_equal(d.console.type, JAILHOUSE_CON_TYPE_8250);
	assert_int_equal(d.console.flags, 0);
	assert_int_equal(d.console.address, 0x3f8);
	assert_int_equal(d.console.size, 0);
	assert_int_equal(d.console.divider, 0);
	assert_int_equal(d.console.gate_nr, 0);
	assert_int_equal(d.console.clock_reg, 0);
	parse_ok("console 8250 pio 0x2f8 divider=1\n");
	assert_int_equal(d.console.address, 0x2f8);
	assert_int_equal(d.console.divider, 1);
	parse_ok("console 8250 mmio 0xfe000000\n");
	assert_int_equal(d.console.flags, JAILHOUSE_CON_ACCESS_MMIO);
	assert_int_equal(d.console.address, 0xfe000000);
	assert_int_equal(d.console.size, 0x1000);
	parse_ok("console 8250 mmio32 0x100000000 size=0x100 divider=0x1b\n");
	assert_int_equal(d.console.flags,
			 JAILHOUSE_CON_ACCESS_MMIO | JAILHOUSE_CON_REGDIST_4);
	assert_int_equal(d.console.address, 0x100000000ull);
	assert_int_equal(d.console.size, 0x100);
	assert_int_equal(d.console.divider, 0x1b);
	parse_ok("console none\n");
	assert_int_equal(d.console.type, JAILHOUSE_CON_TYPE_NONE);

	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_cpu_reset_address(void **state)
{
	static const struct err_row errors[] = {
		{ "cpu_reset_address 0xffff0",
		  HDR "cpu_reset_address 0xffff0\n",
		  "line 3: cpu_reset_address 0xffff0 is not 0 (x86 Linux cells start at 0)" },
		{ "'cpu_reset_address' needs an ADDRESS",
		  HDR "cpu_reset_address\n",
		  "line 3: 'cpu_reset_address' needs an ADDRESS" },
		{ "duplicate 'cpu_reset_address' (first on line 3)",
		  HDR "cpu_reset_address 0\ncpu_reset_address 0\n",
		  "line 4: duplicate 'cpu_reset_address' (first on line 3)" },
	};

	(void)state;
	parse_ok("cpu_reset_address 0\n");
	assert_int_equal(d.cpu_reset_address, 0);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_msg_reply_timeout(void **state)
{
	static const struct err_row errors[] = {
		{ "bad timeout 'ms'",
		  HDR "msg_reply_timeout ms\n",
		  "line 3: bad timeout 'ms'" },
		{ "'msg_reply_timeout' needs a VALUE",
		  HDR "msg_reply_timeout\n",
		  "line 3: 'msg_reply_timeout' needs a VALUE" },
		{ "unexpected '2' after 'msg_reply_timeout' (no options)",
		  HDR "msg_reply_timeout 1 2\n",
		  "line 3: unexpected '2' after 'msg_reply_timeout' (no options)" },
		{ "duplicate 'msg_reply_timeout' (first on line 3)",
		  HDR "msg_reply_timeout 1\nmsg_reply_timeout 1\n",
		  "line 4: duplicate 'msg_reply_timeout' (first on line 3)" },
	};

	(void)state;
	parse_ok("msg_reply_timeout 0x1234567890\n");
	assert_int_equal(d.msg_reply_timeout, 0x1234567890ull);
	expect_errors(errors, ARRAY_SIZE(errors));
}

/* ---- the binary writer ------------------------------------------------ */

static void test_cpu_set_size(void **state)
{
	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(cellcfg_cpu_set_size(&d), 8);	/* empty: one word */
	d.cpus[0] = 1ull << 63;
	assert_int_equal(cellcfg_cpu_set_size(&d), 8);
	d.cpus[1] = 1;
	assert_int_equal(cellcfg_cpu_set_size(&d), 16);
	d.cpus[15] = 1ull << 63;
	assert_int_equal(cellcfg_cpu_set_size(&d), 128);
	assert_int_equal(cellcfg_write_size(&d), 132 + 128);
}

static void test_write_errors(void **state)
{
	u8 buf[512];
	size_t len = 7;

	(void)state;
	parse_ok("ram 0 1M\n");
	assert_int_equal(cellcfg_write_size(&d), 132 + 8 + 32);
	assert_int_equal(cellcfg_write(&d, buf, 171, &len, &err), -1);
	assert_string_equal(err.what, "cell config");
	assert_string_equal(err.detail, "buffer of 171 bytes too small, need 172");
	assert_int_equal(len, 7);
	assert_int_equal(cellcfg_write(&d, buf, 172, &len, &err), 0);
	assert_int_equal(len, 172);

	d.num_mem = CELLDESC_MAX_MEM + 1;
	assert_int_equal(cellcfg_write(&d, buf, sizeof(buf), &len, &err), -1);
	assert_string_equal(err.detail, "513 memory regions, limit 512");
	d.num_mem = 0;
	d.num_irqchips = CELLDESC_MAX_IRQCHIPS + 1;
	assert_int_equal(cellcfg_write(&d, buf, sizeof(buf), &len, &err), -1);
	assert_string_equal(err.detail, "17 irqchips, limit 16");
	d.num_irqchips = 0;
	d.num_pio = CELLDESC_MAX_PIO + 1;
	assert_int_equal(cellcfg_write(&d, buf, sizeof(buf), &len, &err), -1);
	assert_string_equal(err.detail, "65 pio regions, limit 64");
}

/* configs/classic.cell.txt, byte by byte at the offsets of 5.4. */
static void test_classic_binary_offsets(void **state)
{
	static const u8 zero[32];
	u8 buf[1024];
	size_t len;
	const u8 *m, *ic, *pio;

	(void)state;
	parse_config("configs/classic.cell.txt");
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(cellcfg_write(&d, buf, sizeof(buf), &len, &err), 0);
	assert_int_equal(len, 132 + 8 + 3 * 32 + 32 + 4);
	assert_int_equal(buf[len], 0xa5);	/* nothing written past the end */

	/* descriptor */
	assert_memory_equal(buf, "JHCLL", 5);
	assert_int_equal(buf[0x05], 0);			/* x86 */
	assert_int_equal(rd16(buf, 0x06), 14);		/* revision */
	assert_string_equal((const char *)buf + 0x08, "linux-classic");
	assert_memory_equal(buf + 0x08 + 13, zero, 32 - 13);	/* NUL padded */
	assert_int_equal(rd32(buf, 0x28), 0);		/* id */
	assert_int_equal(rd32(buf, 0x2c), 0x40000001);	/* flags */
	assert_int_equal(rd32(buf, 0x30), 8);		/* cpu_set_size */
	assert_int_equal(rd32(buf, 0x34), 3);		/* memory regions */
	assert_int_equal(rd32(buf, 0x38), 0);		/* cache regions */
	assert_int_equal(rd32(buf, 0x3c), 1);		/* irqchips */
	assert_int_equal(rd32(buf, 0x40), 1);		/* pio regions */
	assert_int_equal(rd32(buf, 0x44), 0);		/* pci devices */
	assert_int_equal(rd32(buf, 0x48), 0);		/* pci caps */
	assert_int_equal(rd32(buf, 0x4c), 0);		/* stream ids */
	assert_int_equal(rd32(buf, 0x50), 0);		/* vpci_irq_base */
	assert_int_equal(rd64(buf, 0x54), 0);		/* cpu_reset_address */
	assert_int_equal(rd64(buf, 0x5c), 0);		/* msg_reply_timeout */
	assert_int_equal(rd64(buf, 0x64), 0x3f8);	/* console.address */
	assert_int_equal(rd32(buf, 0x6c), 0);		/* console.size */
	assert_int_equal(rd16(buf, 0x70), 2);		/* console.type 8250 */
	assert_int_equal(rd16(buf, 0x72), 0);		/* console.flags PIO */
	assert_int_equal(rd32(buf, 0x74), 1);		/* console.divider */
	assert_int_equal(rd32(buf, 0x78), 0);		/* console.gate_nr */
	assert_int_equal(rd64(buf, 0x7c), 0);		/* console.clock_reg */

	/* cpu set at 132: CPU 1 */
	assert_int_equal(rd64(buf, 132), 0x2);

	/* memory regions */
	m = buf + 132 + 8;
	assert_int_equal(rd64(m, 0x00), 0);
	assert_int_equal(rd64(m, 0x08), 0);
	assert_int_equal(rd64(m, 0x10), 0x100000);
	assert_int_equal(rd64(m, 0x18), 0x4f);
	m += 32;
	assert_int_equal(rd64(m, 0x00), 0);
	assert_int_equal(rd64(m, 0x08), 0x100000);
	assert_int_equal(rd64(m, 0x10), 0x1000);
	assert_int_equal(rd64(m, 0x18), 0x23);
	m += 32;
	assert_int_equal(rd64(m, 0x00), 0x200000);
	assert_int_equal(rd64(m, 0x08), 0x200000);
	assert_int_equal(rd64(m, 0x10), 126 << 20);
	assert_int_equal(rd64(m, 0x18), 0x4f);

	/* irqchip (no cache regions in between) */
	ic = m + 32;
	assert_int_equal(rd64(ic, 0x00), 0xfec00000);
	assert_int_equal(rd32(ic, 0x08), 0xff00);
	assert_int_equal(rd32(ic, 0x0c), 0);
	assert_int_equal(rd32(ic, 0x10), 0x10);
	assert_int_equal(rd32(ic, 0x14), 0);
	assert_int_equal(rd32(ic, 0x18), 0);
	assert_int_equal(rd32(ic, 0x1c), 0);

	/* pio region, last in the file */
	pio = ic + 32;
	assert_int_equal(rd16(pio, 0), 0x3f8);
	assert_int_equal(rd16(pio, 2), 8);
	assert_ptr_equal(pio + 4, buf + len);
}

/* The layout facts the QEMU tests rely on. */
static void test_configs_layout(void **state)
{
	static const struct {
		const char *path;
		unsigned int cpus;
		u64 ram_end;
	} cfgs[] = {
		{ "configs/classic.cell.txt", 1, 0x8000000 },
		{ "configs/classic-2cpu.cell.txt", 2, 0x8000000 },
		{ "configs/moved.cell.txt", 1, 0xf000000 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cfgs) / sizeof(cfgs[0]); c++) {
		u64 ram = 0, end = 0;

		parse_config(cfgs[c].path);
		assert_int_equal(celldesc_num_cpus(&d), cfgs[c].cpus);
		assert_int_equal(d.flags, JAILHOUSE_CELL_PASSIVE_COMMREG |
				 JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED);
		assert_int_equal(d.num_mem, 3);
		assert_int_equal(d.mem[1].virt, 0x100000);	/* comm */
		assert_int_equal(d.mem[1].flags, 0x23);
		for (u32 i = 0; i < d.num_mem; i++) {
			const struct celldesc_mem *r = &d.mem[i];

			if (r->flags == ALL_RAM)
				ram += r->size;
			if (r->virt + r->size > end)
				end = r->virt + r->size;
			/* nothing but the 0-1 MiB RAM in 0xA0000-0xFFFFF */
			if (r->virt != 0)
				assert_true(r->virt >= 0x100000 ||
					    r->virt + r->size <= 0xa0000);
		}
		assert_int_equal(end, cfgs[c].ram_end);
		assert_true(end <= 256ull << 20);
		assert_true(ram <= 240ull << 20);
		/* Debian 6.1: runtime 16 MiB + init_size + ~2 MiB initrd */
		assert_true(0x1000000 + 0x3F98000 + (2 << 20) <= end);
		assert_int_equal(d.num_pio, 1);
		assert_int_equal(d.pio[0].base, 0x3f8);
		assert_int_equal(d.pio[0].length, 8);
		assert_int_equal(d.console.type, JAILHOUSE_CON_TYPE_8250);
		assert_int_equal(d.console.address, 0x3f8);
		assert_int_equal(d.num_irqchips, 1);
		assert_int_equal(d.irqchips[0].address, 0xfec00000);
	}
}

/* The example in docs/cell-description.md stays valid. */
static void test_doc_example(void **state)
{
	size_t len;
	char *doc = read_src("docs/cell-description.md", &len);
	char *start = strstr(doc, "## Example\n");
	char *end;

	(void)state;
	assert_non_null(start);
	start = strstr(start, "```\n");
	assert_non_null(start);
	start += 4;
	end = strstr(start, "```");
	assert_non_null(end);
	if (celldesc_parse(start, (size_t)(end - start), &d, &err))
		fail_msg("doc example: %s: %s", err.what, err.detail);
	assert_string_equal(d.name, "linux-demo");
	assert_int_equal(d.num_mem, 6);
	assert_int_equal(d.num_pio, 2);
	assert_int_equal(d.num_irqchips, 1);
	free(doc);
}

/* ---- what real cells have: placeholders, cache, PCI ----------------- */

static void test_placeholder(void **state)
{
	static const struct err_row errors[] = {
		{ "unexpected '0x1000' after 'placeholder' (no options)",
		  HDR "placeholder 0x1000\n",
		  "line 3: unexpected '0x1000' after "
		  "'placeholder' (no options)" },
		{ "mem of size 0",
		  HDR "mem 0x1000 0 flags=r\n",
		  "line 3: region at 0x1000 has "
		  "size 0 (an empty index filler is 'placeholder')" },
	};

	(void)state;
	parse_ok("shmem 0x3f000000 0x1000 ro\nplaceholder\nplaceholder # x\n"
		 "ram 0 1M\n");
	assert_int_equal(d.num_mem, 4);
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(d.mem[i].size, 0);
		assert_int_equal(d.mem[i].virt, 0);
		assert_int_equal(d.mem[i].phys, 0);
		assert_int_equal(d.mem[i].flags, 0);
	}
	/* a placeholder overlaps nothing, even a region at 0 */
	assert_int_equal(d.mem[3].virt, 0);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_cache(void **state)
{
	static const struct err_row errors[] = {
		{ "'cache' needs START SIZE",
		  HDR "cache 1\n",
		  "line 3: 'cache' needs START SIZE" },
		{ "cache 1 + size 0 is empty or passes 2^32",
		  HDR "cache 1 0\n",
		  "line 3: cache 1 + size 0 is empty or passes 2^32" },
		{ "cache 4294967295 + size 2 is empty or passes 2^32",
		  HDR "cache 0xffffffff 2\n",
		  "line 3: cache 4294967295 + size 2 is empty or passes 2^32" },
		{ "unknown cache type 'l2' (known: l3 l3-code l3-data)",
		  HDR "cache 0 1 type=l2\n",
		  "line 3: unknown cache type 'l2' "
		  "(known: l3 l3-code l3-data)" },
		{ "cache size '0x100000000' exceeds the limit 0xffffffff",
		  HDR "cache 0 0x100000000\n",
		  "line 3: cache size "
		  "'0x100000000' exceeds the limit 0xffffffff" },
		{ "too many cache regions (limit 8)",
		  HDR "cache 0 1\ncache 0 1\ncache 0 1\ncache 0 1\ncache 0 1\n"
		  "cache 0 1\ncache 0 1\ncache 0 1\ncache 0 1\n",
		  "line 11: too many cache regions (limit 8)" },
	};

	(void)state;
	parse_ok("cache 0 2\ncache 4 4 type=l3-code rootshared\n"
		 "cache 8 1 type=l3-data\n");
	assert_int_equal(d.num_cache, 3);
	assert_int_equal(d.cache[0].start, 0);
	assert_int_equal(d.cache[0].size, 2);
	assert_int_equal(d.cache[0].type, JAILHOUSE_CACHE_L3);
	assert_int_equal(d.cache[0].flags, 0);
	assert_int_equal(d.cache[1].type, JAILHOUSE_CACHE_L3_CODE);
	assert_int_equal(d.cache[1].flags, JAILHOUSE_CACHE_ROOTSHARED);
	assert_int_equal(d.cache[2].type, JAILHOUSE_CACHE_L3_DATA);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_pcicap(void **state)
{
	static const struct err_row errors[] = {
		{ "'pcicap' needs ID START LEN",
		  HDR "pcicap pm 0xc8\n",
		  "line 3: 'pcicap' needs ID START LEN" },
		{ "unknown capability 'foo'",
		  HDR "pcicap foo 0xc8 8\n",
		  "line 3: unknown capability 'foo' "
		  "(known: pm msi vndr exp msix err dsn)" },
		{ "extended capability id without 'ext'",
		  HDR "pcicap 0x8001 0x100 4\n",
		  "line 3: capability id 0x8001 "
		  "exceeds the limit 0x7fff (extended ones: add 'ext')" },
		{ "cap start '0x1000' exceeds the limit 0xfff",
		  HDR "pcicap pm 0x1000 4\n",
		  "line 3: cap start '0x1000' exceeds the limit 0xfff" },
		{ "capability past the config space",
		  HDR "pcicap pm 0xffc 8\n",
		  "line 3: capability at 0xffc + "
		  "length 0x8 is empty or passes the 4 KiB config space" },
		{ "capability of length 0",
		  HDR "pcicap pm 0x40 0\n",
		  "line 3: capability at 0x40 + "
		  "length 0x0 is empty or passes the 4 KiB config space" },
		{ "unexpected 'wrte' after 'pcicap' (options: write ext)",
		  HDR "pcicap pm 0x40 8 wrte\n",
		  "line 3: unexpected 'wrte' after "
		  "'pcicap' (options: write ext)" },
	};

	(void)state;
	parse_ok("pcicap pm 0xc8 8 write\npcicap 0x10 0xe0 20\n"
		 "pcicap err 0x100 4\npcicap 0x3 0x140 4 ext\n"
		 "pcicap msix 0xff0 16 write\n");
	assert_int_equal(d.num_caps, 5);
	assert_int_equal(d.caps[0].id, 0x01);
	assert_int_equal(d.caps[0].start, 0xc8);
	assert_int_equal(d.caps[0].len, 8);
	assert_int_equal(d.caps[0].flags, JAILHOUSE_PCICAPS_WRITE);
	assert_int_equal(d.caps[1].id, 0x10);
	assert_int_equal(d.caps[1].flags, 0);
	assert_int_equal(d.caps[2].id, 0x8001);
	assert_int_equal(d.caps[3].id, 0x8003);
	assert_int_equal(d.caps[4].id, 0x11);
	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_pci_ivshmem(void **state)
{
	static const struct err_row errors[] = {
		/* the index range, placeholders included, checked at the end */
		{ "ivshmem regions past the placeholders",
		  HDR "placeholder\nplaceholder\nplaceholder\n"
		  "pci ivshmem 00:0c.0 regions=0 peers=2 id=0\n",
		  "line 6: ivshmem regions 0 .. 3, but the cell has 3 memory "
		  "regions (state table, r/w, one output per peer; "
		  "placeholders count)" },
		{ "ivshmem regions without memory regions",
		  HDR "pci ivshmem 00:0c.0 regions=1 id=0\n",
		  "line 3: ivshmem regions 1 .. 4, but the cell has 0 memory "
		  "regions (state table, r/w, one output per peer; "
		  "placeholders count)" },
		{ "ivshmem needs regions=START and id=ID",
		  HDR "pci ivshmem 00:0c.0 id=0\n",
		  "line 3: ivshmem needs regions=START and id=ID" },
		{ "ivshmem id 2 of 2 peers (ids 0 .. peers-1)",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=2\n",
		  "line 3: ivshmem id 2 of 2 peers (ids 0 .. peers-1)" },
		{ "peers '13' exceeds the limit 0xc",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=0 peers=13\n",
		  "line 3: peers '13' exceeds the limit 0xc" },
		{ "msix vectors '17' exceeds the limit 0x10",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=0 msix=17\n",
		  "line 3: msix vectors '17' exceeds the limit 0x10" },
		{ "unknown ivshmem protocol 'nfs'",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=0 protocol=nfs\n",
		  "line 3: unknown protocol 'nfs' (known: undefined veth "
		  "virtio-net-front virtio-blk-front virtio-con-front "
		  "virtio-net-back virtio-blk-back virtio-con-back)" },
		{ "ivshmem option caps=",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=0 caps=0,1\n",
		  "line 3: unexpected 'caps=0,1' after 'pci' (options: "
		  "domain= iommu= msix= regions= peers= id= protocol=)" },
		{ "bad BDF '00:20.0' (device <= 1f, function <= 7)",
		  HDR "pci ivshmem 00:20.0 regions=0 id=0\n",
		  "line 3: bad BDF '00:20.0' (device <= 1f, function <= 7)" },
		{ "bad BDF '0:0c.0' (BB:DD.F in hex, or a number)",
		  HDR "pci ivshmem 0:0c.0 regions=0 id=0\n",
		  "line 3: bad BDF '0:0c.0' (BB:DD.F in hex, or a number)" },
		{ "bad BDF '0x10000' (BB:DD.F in hex, or a number)",
		  HDR "pci ivshmem 0x10000 regions=0 id=0\n",
		  "line 3: bad BDF '0x10000' (BB:DD.F in hex, or a number)" },
		{ "pci 0000:00:0c.0 already declared on line 3",
		  HDR "pci ivshmem 00:0c.0 regions=0 id=0\n"
		  "pci ivshmem 0x60 regions=0 id=1\n",
		  "line 4: pci 0000:00:0c.0 already declared on line 3" },
		{ "unknown pci type 'virtio' (known: device bridge ivshmem)",
		  HDR "pci virtio 00:0c.0\n",
		  "line 3: unknown pci type "
		  "'virtio' (known: device bridge ivshmem)" },
		{ "'pci' needs ivshmem|device|bridge BDF",
		  HDR "pci ivshmem\n",
		  "line 3: 'pci' needs ivshmem|device|"
		  "bridge BDF" },
	};

	const struct jailhouse_pci_device *p;

	(void)state;
	parse_ok("shmem 0x3f000000 0x1000 ro\nshmem 0x3f001000 0x1000\n"
		 "placeholder\nplaceholder\nshmem 0x3f100000 0x1000 ro\n"
		 "placeholder\nshmem 0x3f101000 0x7f000\n"
		 "shmem 0x3f180000 0x7f000\n"
		 "pci ivshmem 00:0c.0 regions=0 peers=2 id=1 msix=2 "
		 "protocol=virtio-blk-front\n"
		 "pci ivshmem 0x78 regions=4 id=0 domain=1 protocol=veth\n"
		 "pci ivshmem 01:1f.7 regions=0 id=0 protocol=0x4001\n");
	assert_int_equal(d.num_pci, 3);
	p = &d.pci[0];
	assert_int_equal(p->type, JAILHOUSE_PCI_TYPE_IVSHMEM);
	assert_int_equal(p->bdf, 0x0c << 3);
	assert_int_equal(p->domain, 0);
	assert_int_equal(p->shmem_regions_start, 0);
	assert_int_equal(p->shmem_peers, 2);
	assert_int_equal(p->shmem_dev_id, 1);
	assert_int_equal(p->num_msix_vectors, 2);
	assert_int_equal(p->shmem_protocol, 0x8002);
	assert_int_equal(p->bar_mask[0], 0xfffff000);
	assert_int_equal(p->bar_mask[1], 0xfffffe00);
	assert_int_equal(p->bar_mask[2], 0);
	p = &d.pci[1];
	assert_int_equal(p->bdf, 0x78);
	assert_int_equal(p->domain, 1);
	assert_int_equal(p->shmem_peers, 2);		/* the default */
	assert_int_equal(p->shmem_protocol, JAILHOUSE_SHMEM_PROTO_VETH);
	assert_int_equal(p->bar_mask[1], 0);		/* INTx: no MSI-X BAR */
	assert_int_equal(d.pci[2].bdf, 0x1ff);
	assert_int_equal(d.pci[2].shmem_protocol, 0x4001);

	expect_errors(errors, ARRAY_SIZE(errors));
}

static void test_pci_device(void **state)
{
	static const struct err_row errors[] = {
		{ "caps 0 .. 1, but the cell has 1 pci capabilities",
		  HDR "pcicap pm 0xc8 8\npci device 00:02.0 caps=0,2\n",
		  "line 4: caps 0 .. 1, but the cell has 1 pci capabilities" },
		{ "caps= takes START,COUNT",
		  HDR "pci device 00:02.0 caps=0\n",
		  "line 3: caps= takes START,COUNT" },
		{ "bar_mask= has more than 6 words",
		  HDR "pci device 00:02.0 bar_mask=1,2,3,4,5,6,7\n",
		  "line 3: bar_mask= has more than 6 words" },
		{ "regions= peers= id= protocol= are for ivshmem devices",
		  HDR "pci device 00:02.0 regions=0\n",
		  "line 3: regions= peers= id= protocol= are for ivshmem "
		  "devices" },
		{ "msi vectors '33' exceeds the limit 0x20",
		  HDR "pci device 00:02.0 msi=33\n",
		  "line 3: msi vectors '33' exceeds the limit 0x20" },
	};

	const struct jailhouse_pci_device *p;

	(void)state;
	parse_ok("pcicap pm 0xc8 8 write\npcicap msi 0xd0 14 write\n"
		 "pci device 00:02.0 bar_mask=0xfffe0000,0xfffe0000,0xffffffe0,"
		 "0xffffc000,0,0 caps=0,2 msi=1 msi64 msix=5 msix_size=0x1000 "
		 "msix_address=0xfebd0000 iommu=1\n"
		 "pci bridge 00:1e.0 msi-maskable\n");
	p = &d.pci[0];
	assert_int_equal(p->type, JAILHOUSE_PCI_TYPE_DEVICE);
	assert_int_equal(p->bdf, 0x10);
	assert_int_equal(p->bar_mask[0], 0xfffe0000);
	assert_int_equal(p->bar_mask[3], 0xffffc000);
	assert_int_equal(p->bar_mask[5], 0);
	assert_int_equal(p->caps_start, 0);
	assert_int_equal(p->num_caps, 2);
	assert_int_equal(p->num_msi_vectors, 1);
	assert_int_equal(p->msi_flags, JAILHOUSE_PCI_MSI_64BITS);
	assert_int_equal(p->num_msix_vectors, 5);
	assert_int_equal(p->msix_region_size, 0x1000);
	assert_int_equal(p->msix_address, 0xfebd0000);
	assert_int_equal(p->iommu, 1);
	assert_int_equal(p->shmem_peers, 0);
	assert_int_equal(d.pci[1].type, JAILHOUSE_PCI_TYPE_BRIDGE);
	assert_int_equal(d.pci[1].msi_flags, JAILHOUSE_PCI_MSI_MASKABLE);

	expect_errors(errors, ARRAY_SIZE(errors));
}

/*
 * configs/linux-x86-demo.cell.txt as mkcell writes it, read back at raw
 * offsets against the facts of Jailhouse's configs/x86/linux-x86-demo.c.
 */
static void check_demo_binary(const char *path, u64 high_ram)
{
	static const u8 zero[32];
	static const unsigned int placeholders[] = { 2, 3, 6, 7, 14 };
	size_t size, len;
	u8 *buf;
	const u8 *mem, *cache, *irq, *pio, *pci, *caps;
	unsigned int shared = 0;
	struct cell_config cfg;

	parse_config(path);
	size = cellcfg_write_size(&d);
	buf = malloc(size);
	assert_non_null(buf);
	assert_int_equal(cellcfg_write(&d, buf, size, &len, &err), 0);
	/* 132 + 8 + 20 x 32 + 12 + 32 + 3 x 4 + 4 x 56 + 6 x 8 */
	assert_int_equal(len, 1108);
	assert_int_equal(rd32(buf, 0x2c), 0x40000001);	/* flags */
	assert_int_equal(rd32(buf, 0x30), 8);		/* cpu set */
	assert_int_equal(rd32(buf, 0x34), 20);		/* memory regions */
	assert_int_equal(rd32(buf, 0x38), 1);		/* cache regions */
	assert_int_equal(rd32(buf, 0x3c), 1);		/* irqchips */
	assert_int_equal(rd32(buf, 0x40), 3);		/* pio */
	assert_int_equal(rd32(buf, 0x44), 4);		/* pci devices */
	assert_int_equal(rd32(buf, 0x48), 6);		/* pci caps */
	assert_int_equal(rd16(buf, 0x64 + 0x0c), 0);	/* console NONE */
	assert_int_equal(rd64(buf, 0x84), 0x0c);	/* CPUs 2 and 3 */
	mem = buf + 0x8c;
	for (size_t i = 0; i < ARRAY_SIZE(placeholders); i++)
		assert_memory_equal(mem + placeholders[i] * 32, zero, 32);
	for (unsigned int i = 0; i < 20; i++) {
		const u8 *r = mem + i * 32;

		if (!(rd64(r, 0x18) & JAILHOUSE_MEM_ROOTSHARED))
			continue;
		shared++;
		assert_true(rd64(r, 8) >= 0x3f000000);
		assert_true(rd64(r, 8) + rd64(r, 0x10) - 1 <= 0x3f1fefff);
		assert_int_equal(rd64(r, 0), rd64(r, 8));
	}
	assert_int_equal(shared, 12);
	assert_int_equal(rd64(mem + 17 * 32, 8), 0);		/* low RAM */
	assert_int_equal(rd64(mem + 17 * 32, 0x10), 0x100000);
	assert_int_equal(rd64(mem + 17 * 32, 0x18), ALL_RAM);
	assert_int_equal(rd64(mem + 18 * 32, 8), 0x100000);	/* comm */
	assert_int_equal(rd64(mem + 18 * 32, 0x10), 0x1000);
	assert_int_equal(rd64(mem + 18 * 32, 0x18), 0x23);
	assert_int_equal(rd64(mem + 19 * 32, 8), 0x200000);	/* high RAM */
	assert_int_equal(rd64(mem + 19 * 32, 0x10), high_ram);
	assert_int_equal(rd64(mem + 19 * 32, 0x18), ALL_RAM);
	cache = mem + 20 * 32;
	assert_int_equal(rd32(cache, 0), 0);
	assert_int_equal(rd32(cache, 4), 2);
	assert_int_equal(cache[8], JAILHOUSE_CACHE_L3);
	irq = cache + 12;
	assert_int_equal(rd64(irq, 0), 0xfec00000);
	assert_int_equal(rd32(irq, 0x10), (1u << 3) | (1u << 4));
	pio = irq + 32;
	assert_int_equal(rd16(pio, 0), 0x2f8);
	assert_int_equal(rd16(pio, 4), 0x3f8);
	assert_int_equal(rd16(pio, 8), 0xe010);
	assert_int_equal(rd16(pio, 10), 8);
	pci = pio + 12;
	for (unsigned int i = 0; i < 4; i++) {
		static const u32 start[4] = { 0, 4, 8, 13 };
		static const u8 peers[4] = { 2, 2, 3, 2 };
		const u8 *p = pci + i * 56;

		assert_int_equal(p[0], JAILHOUSE_PCI_TYPE_IVSHMEM);
		assert_int_equal(rd16(p, 4), (0x0c + i) << 3);
		assert_int_equal(rd32(p, 0x30), start[i]);
		assert_int_equal(p[0x35], peers[i]);
		assert_true(start[i] + 2 + peers[i] <= 20);
	}
	caps = pci + 4 * 56;
	assert_int_equal(rd16(caps, 0), 0x01);			/* PM */
	assert_int_equal(rd16(caps + 5 * 8, 0), 0x8003);	/* DSN */
	assert_ptr_equal(caps + 6 * 8, buf + len);
	/* and the loader's parser takes it, placeholders and all */
	if (cellcfg_parse(buf, len, &cfg, &err))
		fail_msg("%s: %s: %s", path, err.what, err.detail);
	assert_int_equal(cellcfg_num_cpus(&cfg), 2);
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[18]);
	free(buf);
}

static void test_demo_layout(void **state)
{
	(void)state;
	check_demo_binary("configs/linux-x86-demo.cell.txt", 0x4700000);
	check_demo_binary("configs/linux-x86-demo-big.cell.txt", 238 << 20);
}

/* ---- round trips through lib/cellcfg.c -------------------------------- */

static void round_trip(const struct cell_desc *src)
{
	struct cell_config cfg;
	size_t size = cellcfg_write_size(src), len;
	u8 *buf = malloc(size);
	const struct jailhouse_cell_desc *h;

	assert_non_null(buf);
	assert_int_equal(cellcfg_write(src, buf, size, &len, &err), 0);
	assert_int_equal(len, size);
	if (cellcfg_parse(buf, len, &cfg, &err))
		fail_msg("cellcfg_parse: %s: %s", err.what, err.detail);
	h = cfg.desc;
	assert_int_equal(cfg.total_size, len);
	assert_string_equal(cfg.name, src->name);
	assert_int_equal(h->flags, src->flags);
	assert_int_equal(h->cpu_set_size, cellcfg_cpu_set_size(src));
	assert_int_equal(h->cpu_reset_address, src->cpu_reset_address);
	assert_int_equal(h->msg_reply_timeout, src->msg_reply_timeout);
	assert_int_equal(h->console.address, src->console.address);
	assert_int_equal(h->console.size, src->console.size);
	assert_int_equal(h->console.type, src->console.type);
	assert_int_equal(h->console.flags, src->console.flags);
	assert_int_equal(h->console.divider, src->console.divider);
	assert_int_equal(h->console.gate_nr, src->console.gate_nr);
	assert_int_equal(h->console.clock_reg, src->console.clock_reg);
	assert_int_equal(h->id, 0);
	assert_int_equal(h->vpci_irq_base, 0);

	assert_int_equal(cellcfg_num_cpus(&cfg), celldesc_num_cpus(src));
	for (u32 i = 0; i < h->cpu_set_size; i++)
		assert_int_equal(cfg.cpu_set[i],
				 (u8)(src->cpus[i / 8] >> (8 * (i % 8))));
	assert_int_equal(cfg.num_mem, src->num_mem);
	for (u32 i = 0; i < cfg.num_mem; i++) {
		assert_int_equal(cfg.mem[i].phys_start, src->mem[i].phys);
		assert_int_equal(cfg.mem[i].virt_start, src->mem[i].virt);
		assert_int_equal(cfg.mem[i].size, src->mem[i].size);
		assert_int_equal(cfg.mem[i].flags, src->mem[i].flags);
	}
	assert_int_equal(cfg.num_irqchips, src->num_irqchips);
	for (u32 i = 0; i < cfg.num_irqchips; i++) {
		assert_int_equal(cfg.irqchips[i].address, src->irqchips[i].address);
		assert_int_equal(cfg.irqchips[i].id, src->irqchips[i].id);
		assert_int_equal(cfg.irqchips[i].pin_base, src->irqchips[i].pin_base);
		for (int w = 0; w < 4; w++)
			assert_int_equal(cfg.irqchips[i].pin_bitmap[w],
					 src->irqchips[i].pin_bitmap[w]);
	}
	assert_int_equal(cfg.num_pio, src->num_pio);
	for (u32 i = 0; i < cfg.num_pio; i++) {
		assert_int_equal(cfg.pio[i].base, src->pio[i].base);
		assert_int_equal(cfg.pio[i].length, src->pio[i].length);
	}
	assert_int_equal(cfg.num_cache, src->num_cache);
	assert_memory_equal(cfg.cache, src->cache,
			    src->num_cache * sizeof(src->cache[0]));
	assert_int_equal(cfg.num_pci_devices, src->num_pci);
	assert_memory_equal(cfg.pci_devices, src->pci,
			    src->num_pci * sizeof(src->pci[0]));
	assert_int_equal(cfg.num_pci_caps, src->num_caps);
	assert_memory_equal(cfg.pci_caps, src->caps,
			    src->num_caps * sizeof(src->caps[0]));
	assert_int_equal(cfg.num_stream_ids, 0);
	free(buf);
}

static void test_round_trip_every_keyword(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"name abcdefghijabcdefghijabcdefghij1\n"
		"cpus 0 5 64 200\n"
		"flags passive-commreg test-device virtual-console-active\n"
		"ram 0 1M\n"
		"comm 0x100000\n"
		"ram 0x200000 74M phys=0x3a600000\n"
		"shmem 0x80000000 1M ro phys=0x3f000000\n"
		"mmio 0xfed00000 0x400\n"
		"mem 0x90000000 4K flags=r,w,io,io32,nohugepages phys=0x123456000\n"
		"pio 0x3f8 8\npio 0x2f8 8\npio 0x80 1\n"
		"irqchip 0xfec00000 id=0xff00 pins=3,4\n"
		"irqchip 0xfec10000 id=0xff01 pin_base=24 bitmap=1,2,3,0x80000000\n"
		"console 8250 mmio32 0xfe001000 size=0x200 divider=0x1b\n"
		"cpu_reset_address 0\n"
		"msg_reply_timeout 0xdeadbeef\n"), 0);
	round_trip(&d);
	parse_config("configs/classic.cell.txt");
	round_trip(&d);
	parse_config("configs/classic-2cpu.cell.txt");
	round_trip(&d);
	parse_config("configs/moved.cell.txt");
	round_trip(&d);
	parse_config("configs/linux-x86-demo.cell.txt");
	round_trip(&d);
	parse_config("configs/linux-x86-demo-big.cell.txt");
	round_trip(&d);
}

/* More than 128 regions: the e820 must go beyond the zero page. */
static void test_round_trip_300_regions(void **state)
{
	char *text = malloc(300 * 48 + 256);
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "name many\ncpus 1 2\ncomm 0x100000\n");
	for (unsigned int i = 0; i < 299; i++)
		n += (size_t)sprintf(text + n, "%s 0x%x 0x%x\n",
				     i % 3 == 1 ? "mmio" : "ram",
				     0x200000 + i * 0x100000,
				     (i % 4 + 1) * 0x1000);
	assert_int_equal(parse(text), 0);
	assert_int_equal(d.num_mem, 300);
	assert_int_equal(d.mem[299].virt, 0x200000 + 298 * 0x100000);
	assert_int_equal(d.mem[299].size, 0x3000);
	assert_int_equal(d.mem[299].flags, 0x13);
	assert_int_equal(d.mem[298].flags, ALL_RAM);
	assert_int_equal(cellcfg_write_size(&d), 132 + 8 + 300 * 32);
	round_trip(&d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_comments_whitespace_crlf),
		cmocka_unit_test(test_length_bounds_text),
		cmocka_unit_test(test_unterminated_text),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_required_lines),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_ram),
		cmocka_unit_test(test_region_top_of_space),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_shmem),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_too_many_regions),
		cmocka_unit_test(test_pio),
		cmocka_unit_test(test_pio_limit),
		cmocka_unit_test(test_irqchip),
		cmocka_unit_test(test_irqchip_limit),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_cpu_reset_address),
		cmocka_unit_test(test_msg_reply_timeout),
		cmocka_unit_test(test_cpu_set_size),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_classic_binary_offsets),
		cmocka_unit_test(test_configs_layout),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_placeholder),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_pcicap),
		cmocka_unit_test(test_pci_ivshmem),
		cmocka_unit_test(test_pci_device),
		cmocka_unit_test(test_demo_layout),
		cmocka_unit_test(test_round_trip_every_keyword),
		cmocka_unit_test(test_round_trip_300_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
