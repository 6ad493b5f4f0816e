/* SPDX-License-Identifier: MIT */
/*
 * lib/cellcfg.c: the binary cell configuration parser (JHCLL revision 14)
 * and its helpers. Configs are built here from the structs of
 * lib/abi/cell_config.h, and once independently from raw byte offsets
 * (docs/jailhouse-abi.md 5), so that a wrong struct cannot hide itself.
 */
#include "tests/unit/helpers.h"
#include "lib/cellcfg.h"
#include "lib/params.h"

/* A config's parts before serialisation; counts come from d. */
struct cfgsrc {
	struct jailhouse_cell_desc d;
	u8 cpus[16];
	struct jailhouse_memory mem[8];
	struct jailhouse_cache cache[2];
	struct jailhouse_irqchip irq[2];
	struct jailhouse_pio pio[8];
	struct jailhouse_pci_device pci[2];
	struct jailhouse_pci_capability caps[2];
	u32 sids[2];
};

static u8 cbuf[4096];
static struct cell_config cfg;
static struct cb_err err;

static size_t put(u8 *out, size_t off, const void *src, size_t n)
{
	memcpy(out + off, src, n);
	return off + n;
}

static size_t serialize(const struct cfgsrc *c, u8 *out)
{
	const struct jailhouse_cell_desc *d = &c->d;
	size_t off = put(out, 0, d, sizeof(*d));

	off = put(out, off, c->cpus, d->cpu_set_size);
	off = put(out, off, c->mem, d->num_memory_regions * sizeof(c->mem[0]));
	off = put(out, off, c->cache, d->num_cache_regions * sizeof(c->cache[0]));
	off = put(out, off, c->irq, d->num_irqchips * sizeof(c->irq[0]));
	off = put(out, off, c->pio, d->num_pio_regions * sizeof(c->pio[0]));
	off = put(out, off, c->pci, d->num_pci_devices * sizeof(c->pci[0]));
	off = put(out, off, c->caps, d->num_pci_caps * sizeof(c->caps[0]));
	off = put(out, off, c->sids, d->num_stream_ids * sizeof(c->sids[0]));
	return off;
}

static void src_init(struct cfgsrc *c)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->d.signature, "JHCLL", 5);
	c->d.architecture = JAILHOUSE_ARCH_X86;
	c->d.revision = JAILHOUSE_CONFIG_REVISION;
	strcpy(c->d.name, "linux-demo");
	c->d.flags = JAILHOUSE_CELL_PASSIVE_COMMREG;
}

/*
 * Every array non-empty. Offsets (checked by hand in the test below):
 * desc 0x00, cpu set 0x84 (8), mem 0x8c (3 x 32), cache 0xec (12),
 * irqchips 0xf8 (32), pio 0x118 (2 x 4), pci 0x120 (56), caps 0x158
 * (2 x 8), stream ids 0x168 (4), end 0x16c.
 */
static void src_full(struct cfgsrc *c)
{
	src_init(c);
	c->d.cpu_set_size = 8;
	c->cpus[0] = 0x0c;				/* CPUs 2 and 3 */
	c->d.num_memory_regions = 3;
	c->mem[0] = (struct jailhouse_memory){ 0x3a600000, 0, 0x100000, RAM_FLAGS };
	c->mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0x1000, COMM_FLAGS };
	c->mem[2] = (struct jailhouse_memory){ 0x3a700000, 0x200000, 0x4000000,
					       RAM_FLAGS };
	c->d.num_cache_regions = 1;
	c->cache[0] = (struct jailhouse_cache){ 0, 2, 3, 0, 1 };
	c->d.num_irqchips = 1;
	c->irq[0].address = JAILHOUSE_IOAPIC_STANDARD_ADDR;
	c->irq[0].id = 0x1ff;
	c->irq[0].pin_bitmap[0] = 0x10;
	c->d.num_pio_regions = 2;
	c->pio[0] = (struct jailhouse_pio){ 0x3f8, 8 };
	c->pio[1] = (struct jailhouse_pio){ 0x2f0, 0x10 };
	c->d.num_pci_devices = 1;
	c->pci[0].type = 3;
	c->pci[0].bdf = 0x0f << 3;
	c->d.num_pci_caps = 2;
	c->caps[0] = (struct jailhouse_pci_capability){ 0x05, 0x50, 14, 1 };
	c->caps[1] = (struct jailhouse_pci_capability){ 0x8010, 0x100, 4, 0 };
	c->d.num_stream_ids = 1;
	c->sids[0] = 0x1234;
}

static int parse_buf(const void *b, u64 len)
{
	err_reset(&err);
	memset(&cfg, 0xa5, sizeof(cfg));
	return cellcfg_parse(b, len, &cfg, &err);
}

static void expect_error(const void *b, u64 len, const char *detail)
{
	assert_fail(parse_buf(b, len), err, "cell config", detail);
}

/* ---- good configs ------------------------------------------------------ */

static void test_full_config(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_full(&c);
	len = serialize(&c, cbuf);
	assert_int_equal(len, 0x16c);
	assert_ok(parse_buf(cbuf, len), err);
	assert_ptr_equal(cfg.desc, (const void *)cbuf);
	assert_int_equal(cfg.total_size, 0x16c);
	assert_string_equal(cfg.name, "linux-demo");
	assert_ptr_equal(cfg.cpu_set, cbuf + 0x84);
	assert_ptr_equal(cfg.mem, (const void *)(cbuf + 0x8c));
	assert_ptr_equal(cfg.cache, (const void *)(cbuf + 0xec));
	assert_ptr_equal(cfg.irqchips, (const void *)(cbuf + 0xf8));
	assert_ptr_equal(cfg.pio, (const void *)(cbuf + 0x118));
	assert_ptr_equal(cfg.pci_devices, (const void *)(cbuf + 0x120));
	assert_ptr_equal(cfg.pci_caps, (const void *)(cbuf + 0x158));
	assert_ptr_equal(cfg.stream_ids, (const void *)(cbuf + 0x168));
	assert_int_equal(cfg.cpu_set_size, 8);
	assert_int_equal(cfg.num_mem, 3);
	assert_int_equal(cfg.num_cache, 1);
	assert_int_equal(cfg.num_irqchips, 1);
	assert_int_equal(cfg.num_pio, 2);
	assert_int_equal(cfg.num_pci_devices, 1);
	assert_int_equal(cfg.num_pci_caps, 2);
	assert_int_equal(cfg.num_stream_ids, 1);
	/* the unions: the same, in file order */
	assert_ptr_equal(cfg.array[0], cfg.cpu_set);
	assert_ptr_equal(cfg.array[7], cfg.stream_ids);
	assert_int_equal(cfg.count[1], 3);
	assert_int_equal(cfg.count[7], 1);
	/* contents through the view */
	assert_int_equal(cfg.mem[2].virt_start, 0x200000);
	assert_int_equal(cfg.mem[2].size, 0x4000000);
	assert_int_equal(cfg.irqchips[0].id, 0x1ff);
	assert_int_equal(cfg.pio[1].base, 0x2f0);
	assert_int_equal(cfg.pci_caps[1].id, 0x8010);
	assert_int_equal(cfg.stream_ids[0], 0x1234);
	assert_int_equal(cellcfg_num_cpus(&cfg), 2);
	/* trailing bytes after the config are ignored */
	assert_ok(parse_buf(cbuf, sizeof(cbuf)), err);
	assert_int_equal(cfg.total_size, 0x16c);
}

static void test_minimal_config(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	len = serialize(&c, cbuf);
	assert_int_equal(len, 132);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(cfg.total_size, 132);
	assert_int_equal(cfg.num_mem, 0);
	assert_int_equal(cellcfg_num_cpus(&cfg), 0);
	assert_null(cellcfg_comm_region(&cfg));
	assert_false(cellcfg_pio_granted(&cfg, 0x3f8, 1));
	assert_false(cellcfg_mem_granted(&cfg, 0, 1, 0));
	/* every pointer points at the end of the descriptor */
	for (int i = 0; i < CELLCFG_NUM_ARRAYS; i++)
		assert_ptr_equal(cfg.array[i], cbuf + 132);
}

/*
 * The same kind of config written byte by byte at the offsets of
 * docs/jailhouse-abi.md 5, without the structs.
 */
static void test_raw_offsets(void **state)
{
	static u8 raw[0x100];

	(void)state;
	memset(raw, 0, sizeof(raw));
	memcpy(raw, "JHCLL", 5);
	wr8(raw, 0x05, 0);				/* x86 */
	wr16(raw, 0x06, 14);				/* revision */
	memcpy(raw + 0x08, "raw-cell", 8);
	wr32(raw, 0x28, 7);				/* id */
	wr32(raw, 0x2c, 0x40000001);			/* flags */
	wr32(raw, 0x30, 8);				/* cpu_set_size */
	wr32(raw, 0x34, 2);				/* memory regions */
	wr32(raw, 0x38, 0);				/* cache regions */
	wr32(raw, 0x3c, 1);				/* irqchips */
	wr32(raw, 0x40, 1);				/* pio regions */
	wr32(raw, 0x50, 0x20);				/* vpci_irq_base */
	wr64(raw, 0x54, 0);				/* cpu_reset_address */
	wr64(raw, 0x5c, 0x1234);			/* msg_reply_timeout */
	wr64(raw, 0x64, 0x3f8);				/* console.address */
	wr32(raw, 0x6c, 8);				/* console.size */
	wr16(raw, 0x70, 2);				/* console.type 8250 */
	wr16(raw, 0x72, 0);				/* console.flags PIO */
	wr32(raw, 0x74, 1);				/* console.divider */
	wr64(raw, 0x7c, 0xdead);			/* console.clock_reg */
	wr8(raw, 0x84, 0x05);				/* CPUs 0 and 2 */
	/* memory region 0 at 0x8c, region 1 at 0xac */
	wr64(raw, 0x8c + 0x00, 0x3b000000);
	wr64(raw, 0x8c + 0x08, 0);
	wr64(raw, 0x8c + 0x10, 0x100000);
	wr64(raw, 0x8c + 0x18, 0x4f);
	wr64(raw, 0xac + 0x00, 0);
	wr64(raw, 0xac + 0x08, 0x100000);
	wr64(raw, 0xac + 0x10, 0x1000);
	wr64(raw, 0xac + 0x18, 0x23);
	/* irqchip at 0xcc */
	wr64(raw, 0xcc + 0x00, 0xfec00000);
	wr32(raw, 0xcc + 0x08, 0x1ff);
	wr32(raw, 0xcc + 0x0c, 0);
	wr32(raw, 0xcc + 0x10, 0xffffffff);
	wr32(raw, 0xcc + 0x1c, 0x80000000);
	/* pio at 0xec */
	wr16(raw, 0xec, 0x3f8);
	wr16(raw, 0xee, 8);

	assert_ok(parse_buf(raw, 0xf0), err);
	assert_int_equal(cfg.total_size, 0xf0);
	assert_string_equal(cfg.name, "raw-cell");
	assert_int_equal(cfg.desc->id, 7);
	assert_int_equal(cfg.desc->flags, 0x40000001);
	assert_int_equal(cfg.desc->vpci_irq_base, 0x20);
	assert_int_equal(cfg.desc->msg_reply_timeout, 0x1234);
	assert_int_equal(cfg.desc->console.address, 0x3f8);
	assert_int_equal(cfg.desc->console.size, 8);
	assert_int_equal(cfg.desc->console.type, JAILHOUSE_CON_TYPE_8250);
	assert_int_equal(cfg.desc->console.divider, 1);
	assert_int_equal(cfg.desc->console.clock_reg, 0xdead);
	assert_int_equal(cellcfg_num_cpus(&cfg), 2);
	assert_int_equal(cfg.num_mem, 2);
	assert_int_equal(cfg.mem[0].phys_start, 0x3b000000);
	assert_int_equal(cfg.mem[0].size, 0x100000);
	assert_int_equal(cfg.mem[0].flags, 0x4f);
	assert_true(cellcfg_mem_is_ram(&cfg.mem[0]));
	assert_int_equal(cfg.mem[1].virt_start, 0x100000);
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[1]);
	assert_ptr_equal(cfg.irqchips, (const void *)(raw + 0xcc));
	assert_int_equal(cfg.irqchips[0].address, 0xfec00000);
	assert_int_equal(cfg.irqchips[0].id, 0x1ff);
	assert_int_equal(cfg.irqchips[0].pin_bitmap[0], 0xffffffff);
	assert_int_equal(cfg.irqchips[0].pin_bitmap[3], 0x80000000);
	assert_int_equal(cfg.pio[0].base, 0x3f8);
	assert_int_equal(cfg.pio[0].length, 8);
	assert_true(cellcfg_pio_granted(&cfg, 0x3f8, 8));
	/* one byte short of the pio region */
	expect_error(raw, 0xef, "1 pio regions at 0xec pass its 0xef bytes");
}

static void test_unaligned_buffer(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_full(&c);
	/* at an odd address: every access must be byte-safe (UBSan) */
	len = serialize(&c, cbuf + 1);
	assert_ok(parse_buf(cbuf + 1, len), err);
	assert_ptr_equal(cfg.mem, (const void *)(cbuf + 1 + 0x8c));
	assert_int_equal(cfg.mem[2].size, 0x4000000);
	assert_int_equal(cellcfg_num_cpus(&cfg), 2);
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[1]);
	assert_true(cellcfg_pio_granted(&cfg, 0x2f8, 8));
	assert_true(cellcfg_mem_granted(&cfg, 0x200000, 0x1000, JAILHOUSE_MEM_DMA));
}

static void test_name_always_terminated(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	memset(c.d.name, 'n', sizeof(c.d.name));	/* 32 bytes, no NUL */
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(strlen(cfg.name), 31);
	assert_memory_equal(cfg.name, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn", 31);
}

/* ---- rejections -------------------------------------------------------- */

/*
 * The descriptor's first three fields. Unprintable bytes anywhere in the
 * signature print as \xNN (issue 8, item 7: no raw CR/LF or escape
 * sequence); a NUL ends it.
 */
static void test_signature_revision_arch(void **state)
{
	static const struct {
		const char *name;
		char sig[6];			/* 5 bytes */
		u16 revision;
		u8 arch;
		const char *detail;
	} rows[] = {
		{ "signature JHCLX", "JHCLX", 14, 0,
		  "\"JHCLX\" revision 14 arch 0, want JHCLL 14 x86 (0)" },
		{ "revision 13", "JHCLL", 13, 0,
		  "\"JHCLL\" revision 13 arch 0, want JHCLL 14 x86 (0)" },
		{ "revision 15", "JHCLL", 15, 0,
		  "\"JHCLL\" revision 15 arch 0, want JHCLL 14 x86 (0)" },
		{ "arch 2 (arm64)", "JHCLL", 14, 2,
		  "\"JHCLL\" revision 14 arch 2, want JHCLL 14 x86 (0)" },
		/* the system config signature is not a cell config */
		{ "system config signature", "JHSYS", 0xffff, 0xff,
		  "\"JHSYS\" revision 65535 arch 255, want JHCLL 14 x86 (0)" },
		{ "DEL in the signature", "\x7fHCLL", 14, 0,
		  "\"\\x7fHCLL\" revision 14 arch 0, want JHCLL 14 x86 (0)" },
		{ "byte 0x80 in the signature", "\x80HCLL", 14, 0,
		  "\"\\x80HCLL\" revision 14 arch 0, want JHCLL 14 x86 (0)" },
		{ "CR, LF and ESC in the signature", "J\r\n\x1b[", 14, 0,
		  "\"J\\x0d\\x0a\\x1b[\" revision 14 arch 0, "
		  "want JHCLL 14 x86 (0)" },
		/* a NUL inside the signature ends the quoted text */
		{ "NUL inside the signature", "JH\0LL", 14, 0,
		  "\"JH\" revision 14 arch 0, want JHCLL 14 x86 (0)" },
		/* lower case is a different signature */
		{ "lower-case signature", "jhcll", 14, 0,
		  "\"jhcll\" revision 14 arch 0, want JHCLL 14 x86 (0)" },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		src_init(&c);
		memcpy(c.d.signature, rows[i].sig, 5);
		c.d.revision = rows[i].revision;
		c.d.architecture = rows[i].arch;
		len = serialize(&c, cbuf);
		assert_row_fail(rows[i].name, parse_buf(cbuf, len), err,
				"cell config", rows[i].detail);
	}
	/* a descriptor of zeros */
	memset(cbuf, 0, 132);
	expect_error(cbuf, 132, "\"\" revision 0 arch 0, want JHCLL 14 x86 (0)");
}

/* A serialised config cut at len bytes, or with u32 fields overwritten. */
struct cut_row {
	const char *name;
	struct { u32 off, val; } set[2];	/* val written at off, if off */
	u64 len;
	const char *detail;			/* NULL: must parse */
};

static void run_cut_rows(u8 *buf, size_t size, const struct cut_row *rows,
			 size_t n)
{
	static u8 work[0x10100];

	assert_true(size <= sizeof(work));
	for (size_t i = 0; i < n; i++) {
		const struct cut_row *r = &rows[i];

		memcpy(work, buf, size);
		for (int s = 0; s < 2; s++)
			if (r->set[s].off)
				wr32(work, r->set[s].off, r->set[s].val);
		if (r->detail)
			assert_row_fail(r->name, parse_buf(work, r->len), err,
					"cell config", r->detail);
		else
			assert_row_ok(r->name, parse_buf(work, r->len), err);
	}
}

#define CUT_ROWS(buf, rows) run_cut_rows((buf), sizeof(buf), (rows), \
					 ARRAY_SIZE(rows))

static void test_truncated_descriptor(void **state)
{
	static const struct cut_row rows[] = {
		{ "one byte short", .len = 131,
		  .detail = "1 descriptor at 0x0 pass its 0x83 bytes" },
		{ "one byte", .len = 1,
		  .detail = "1 descriptor at 0x0 pass its 0x1 bytes" },
		{ "empty", .len = 0,
		  .detail = "1 descriptor at 0x0 pass its 0x0 bytes" },
		{ "whole descriptor", .len = 132 },
	};
	struct cfgsrc c;

	(void)state;
	src_init(&c);
	serialize(&c, cbuf);
	CUT_ROWS(cbuf, rows);
}

static void test_each_array_truncated(void **state)
{
	/* len = end of that array - 1, offsets of src_full() */
	static const struct cut_row rows[] = {
		{ "cpu set", .len = 0x8b,
		  .detail = "8 cpu-set bytes at 0x84 pass its 0x8b bytes" },
		{ "memory regions", .len = 0xeb,
		  .detail = "3 memory regions at 0x8c pass its 0xeb bytes" },
		{ "cache regions", .len = 0xf7,
		  .detail = "1 cache regions at 0xec pass its 0xf7 bytes" },
		{ "irqchips", .len = 0x117,
		  .detail = "1 irqchips at 0xf8 pass its 0x117 bytes" },
		{ "pio regions", .len = 0x11f,
		  .detail = "2 pio regions at 0x118 pass its 0x11f bytes" },
		{ "pci devices", .len = 0x157,
		  .detail = "1 pci devices at 0x120 pass its 0x157 bytes" },
		{ "pci caps", .len = 0x167,
		  .detail = "2 pci caps at 0x158 pass its 0x167 bytes" },
		{ "stream ids", .len = 0x16b,
		  .detail = "1 stream ids at 0x168 pass its 0x16b bytes" },
		/* the array starts exactly at the end of the buffer */
		{ "cpu set starting at the end", .len = 0x84,
		  .detail = "8 cpu-set bytes at 0x84 pass its 0x84 bytes" },
		{ "stream ids starting at the end", .len = 0x168,
		  .detail = "1 stream ids at 0x168 pass its 0x168 bytes" },
		{ "whole config", .len = 0x16c },
	};
	struct cfgsrc c;

	(void)state;
	src_full(&c);
	serialize(&c, cbuf);
	CUT_ROWS(cbuf, rows);
}

/* counts are not trusted: 0xffffffff * 32 cannot wrap in 64 bits */
static void test_huge_counts(void **state)
{
	static const struct cut_row rows[] = {
		{ "memory regions 0xffffffff", { { 0x34, 0xffffffff } },
		  .len = 132,
		  .detail = "4294967295 memory regions at 0x84 pass its 0x84 "
			    "bytes" },
		{ "cpu set 0xffffffff", { { 0x30, 0xffffffff } },
		  .len = sizeof(cbuf),
		  .detail = "4294967295 cpu-set bytes at 0x84 pass its 0x1000 "
			    "bytes" },
		{ "stream ids 0x40000000", { { 0x4c, 0x40000000 } },
		  .len = sizeof(cbuf),
		  .detail = "1073741824 stream ids at 0x84 pass its 0x1000 "
			    "bytes" },
	};
	struct cfgsrc c;

	(void)state;
	src_init(&c);
	assert_int_equal(serialize(&c, cbuf), 132);
	CUT_ROWS(cbuf, rows);
}

/*
 * Rule: a zero-sized region is a placeholder (Jailhouse's { 0 } between
 * ivshmem regions). It is accepted whatever its flags and address, and it
 * is neither RAM, nor the comm region, nor a grant.
 */
static void test_zero_sized_placeholder(void **state)
{
	struct cfgsrc c;
	size_t len;
	struct jailhouse_memory zero = { 0, 0, 0, 0 };

	(void)state;
	src_full(&c);
	c.d.num_memory_regions = 5;
	c.mem[3] = zero;				/* the { 0 } of the demo */
	c.mem[4] = (struct jailhouse_memory){ 0, 0x100000, 0, COMM_FLAGS };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(cfg.num_mem, 5);
	assert_false(cellcfg_mem_is_ram(&cfg.mem[3]));
	assert_false(cellcfg_mem_is_comm(&cfg.mem[4]));
	/* the comm region is the real one, not the empty one */
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[1]);

	/* placeholders first: still no comm region, no RAM, no grant */
	src_init(&c);
	c.d.cpu_set_size = 1;
	c.cpus[0] = 1;
	c.d.num_memory_regions = 3;
	c.mem[0] = zero;
	c.mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0, COMM_FLAGS };
	c.mem[2] = (struct jailhouse_memory){ 0, 0x3000, 0, RAM_FLAGS };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_null(cellcfg_comm_region(&cfg));
	assert_false(cellcfg_mem_is_ram(&cfg.mem[2]));
	assert_false(cellcfg_mem_granted(&cfg, 0x3000, 1, 0));
	/* an empty range is not inside an empty region either */
	assert_false(cellcfg_mem_granted(&cfg, 0x4000, 1, 0));

	/* a placeholder at the very top does not wrap */
	c.mem[0].virt_start = 0xffffffffffffffffull;
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
}

/* Memory region .idx of src_full() replaced. */
struct region_row {
	const char *name;
	u32 idx;
	struct jailhouse_memory m;
	const char *detail;			/* NULL: must parse */
};

static void run_region_rows(const struct region_row *rows, size_t n)
{
	struct cfgsrc c;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		const struct region_row *r = &rows[i];

		src_full(&c);
		c.mem[r->idx] = r->m;
		len = serialize(&c, cbuf);
		if (r->detail)
			assert_row_fail(r->name, parse_buf(cbuf, len), err,
					"cell config", r->detail);
		else
			assert_row_ok(r->name, parse_buf(cbuf, len), err);
	}
}

/* Rule: a region whose end passes 2^64 is refused. */
static void test_wrapping_region(void **state)
{
	static const struct region_row rows[] = {
		{ "RAM past 2^64", 2,
		  { 0x3a700000, 0xfffffffffffff000ull, 0x2000, RAM_FLAGS },
		  "region 2: 0xfffffffffffff000+0x2000 wraps" },
		/* ending exactly at 2^64 counts (end not representable) */
		{ "RAM ending at 2^64", 0,
		  { 0x3a600000, 0xfffffffffffff000ull, 0x1000, RAM_FLAGS },
		  "region 0: 0xfffffffffffff000+0x1000 wraps" },
		/* any kind of region: an ivshmem one too */
		{ "shared memory past 2^64", 0,
		  { 0, 0xffffffffffff0000ull, 0x20000,
		    JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED },
		  "region 0: 0xffffffffffff0000+0x20000 wraps" },
		/* one page below the top is fine; phys_start is not checked */
		{ "RAM one page below the top", 0,
		  { 0xfffffffffffff000ull, 0xffffffffffffe000ull, 0x1000,
		    RAM_FLAGS }, NULL },
	};

	(void)state;
	run_region_rows(rows, ARRAY_SIZE(rows));
}

/*
 * Rule: RAM and the comm region must be whole pages (Jailhouse would
 * emulate a sub-page region as MMIO); other regions may be sub-page.
 */
static void test_page_alignment(void **state)
{
	static const struct region_row rows[] = {
		{ "RAM size not page-aligned", 2,
		  { 0x3a700000, 0x200000, 0x4000800, RAM_FLAGS },
		  "region 2: 0x200000+0x4000800 is RAM/comm but not "
		  "page-aligned" },
		{ "comm region address not page-aligned", 1,
		  { 0, 0x100800, 0x1000, COMM_FLAGS },
		  "region 1: 0x100800+0x1000 is RAM/comm but not "
		  "page-aligned" },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	run_region_rows(rows, ARRAY_SIZE(rows));

	/* MMIO and shared memory may be sub-page; phys is never checked */
	src_full(&c);
	c.mem[0].phys_start = 0x3a600800;
	c.d.num_memory_regions = 5;
	c.mem[3] = (struct jailhouse_memory){ 0xfed00000, 0xfed00000, 0x400,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO };
	c.mem[4] = (struct jailhouse_memory){ 0x3f000800, 0x3f000800, 0x800,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
}

/* Rule: the hypervisor takes a cpu set of one page, a config of 16 pages. */
static void test_hypervisor_size_limits(void **state)
{
	static u8 big[0x10100];
	static const struct cut_row rows[] = {
		{ "cpu set of exactly one page", { { 0x30, 0x1000 } },
		  .len = 132 + 0x1000 },
		{ "cpu set one byte over a page", { { 0x30, 0x1001 } },
		  .len = sizeof(big),
		  .detail = "cpu set 0x1001, config 0x1085 bytes; Jailhouse "
			    "takes up to 0x1000 and 0x10000" },
		/* 16 pages in all: 132 + cpu set + 2038 stream ids = 0x10000 */
		{ "config of exactly 16 pages",
		  { { 0x30, 8 }, { 0x4c, (0x10000 - 132 - 8) / 4 } },
		  .len = 0x10000 },
		{ "config 4 bytes over 16 pages",
		  { { 0x30, 12 }, { 0x4c, (0x10000 - 132 - 8) / 4 } },
		  .len = sizeof(big),
		  .detail = "cpu set 0xc, config 0x10004 bytes; Jailhouse takes "
			    "up to 0x1000 and 0x10000" },
	};
	struct cfgsrc c;

	(void)state;
	src_init(&c);
	c.d.cpu_set_size = 8;
	c.cpus[0] = 4;
	serialize(&c, big);
	CUT_ROWS(big, rows);
}

/*
 * Rule: an ivshmem device's regions (state table, read/write, one output
 * section per peer) are indices start .. start + 2 + peers - 1, all inside
 * the cell's memory regions; its id is below 12. Placeholders count.
 */
static void test_ivshmem_region_range(void **state)
{
	static const struct {
		const char *name;
		u8 type;
		u32 start;
		u32 id;
		const char *detail;		/* NULL: must parse */
	} rows[] = {
		{ "regions 3 .. 7 of 8, id 11", JAILHOUSE_PCI_TYPE_IVSHMEM, 3,
		  11, NULL },
		{ "regions 4 .. 8 of 8", JAILHOUSE_PCI_TYPE_IVSHMEM, 4, 11,
		  "pci device 0: ivshmem regions 4-8 id 11, want < 8 regions, "
		  "id < 12" },
		{ "id 12", JAILHOUSE_PCI_TYPE_IVSHMEM, 3, 12,
		  "pci device 0: ivshmem regions 3-7 id 12, want < 8 regions, "
		  "id < 12" },
		/* no overflow with the largest start */
		{ "largest start", JAILHOUSE_PCI_TYPE_IVSHMEM, 0xffffffff, 0,
		  "pci device 0: ivshmem regions 4294967295-4294967299 id 0, "
		  "want < 8 regions, id < 12" },
		/* other device types do not use the fields */
		{ "not ivshmem: fields unused", JAILHOUSE_PCI_TYPE_DEVICE,
		  0xffffffff, 0, NULL },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_full(&c);
	c.d.num_memory_regions = 8;
	for (int i = 3; i < 8; i++)
		c.mem[i] = (struct jailhouse_memory){ 0, 0, 0, 0 };
	c.mem[3] = (struct jailhouse_memory){ 0x3f000000, 0x3f000000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_ROOTSHARED };
	c.pci[0].shmem_peers = 3;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		c.pci[0].type = rows[i].type;
		c.pci[0].shmem_regions_start = rows[i].start;
		c.pci[0].shmem_dev_id = (u8)rows[i].id;
		len = serialize(&c, cbuf);
		if (rows[i].detail)
			assert_row_fail(rows[i].name, parse_buf(cbuf, len), err,
					"cell config", rows[i].detail);
		else
			assert_row_ok(rows[i].name, parse_buf(cbuf, len), err);
	}
}

/* ---- helpers ----------------------------------------------------------- */

static void test_mem_is_ram(void **state)
{
	/* pyjailhouse: (flags & (R|W|X|DMA|IO|COMM|ROOTSHARED)) == R|W|X|DMA */
	static const struct {
		u64 flags;
		bool ram, comm;
	} cases[] = {
		{ 0x0f, true, false },			/* R W X DMA */
		{ 0x4f, true, false },			/* + LOADABLE */
		{ 0x14f, true, false },			/* + NO_HUGEPAGES */
		{ 0x4000f, true, false },		/* + IO_32 (not classifying) */
		{ 0x800f, true, false },		/* + IO_UNALIGNED */
		{ 0x07, false, false },			/* no DMA */
		{ 0x0b, false, false },			/* no EXECUTE */
		{ 0x0d, false, false },			/* no WRITE */
		{ 0x0e, false, false },			/* no READ */
		{ 0x1f, false, false },			/* + IO */
		{ 0x2f, false, true },			/* + COMM_REGION */
		{ 0x8f, false, false },			/* + ROOTSHARED (ivshmem) */
		{ 0x23, false, true },			/* the comm region */
		{ 0x20, false, true },
		{ 0x13, false, false },			/* MMIO */
		{ 0x83, false, false },			/* shared memory */
		{ 0x00, false, false },
		{ 0xffffffffffffffffull, false, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct jailhouse_memory m = { 0, 0, 0x1000, cases[i].flags };

		if (cellcfg_mem_is_ram(&m) != cases[i].ram ||
		    cellcfg_mem_is_comm(&m) != cases[i].comm)
			fail_msg("flags %#llx", (unsigned long long)cases[i].flags);
	}
}

static void test_num_cpus(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	c.d.cpu_set_size = 4;
	memcpy(c.cpus, "\x0f\x00\x80\xff", 4);	/* 4 + 0 + 1 + 8 */
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(cellcfg_num_cpus(&cfg), 13);

	c.d.cpu_set_size = 16;
	memset(c.cpus, 0xff, 16);
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(cellcfg_num_cpus(&cfg), 128);

	c.d.cpu_set_size = 1;
	c.cpus[0] = 0x01;
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_int_equal(cellcfg_num_cpus(&cfg), 1);
}

static void test_comm_region_lookup(void **state)
{
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_full(&c);
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[1]);
	assert_int_equal(cellcfg_comm_region(&cfg)->virt_start, 0x100000);

	/* the first of two is returned */
	c.mem[2].flags = COMM_FLAGS;
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_ptr_equal(cellcfg_comm_region(&cfg), &cfg.mem[1]);

	/* none */
	c.mem[1].flags = RAM_FLAGS;
	c.mem[2].flags = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO;
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	assert_null(cellcfg_comm_region(&cfg));
}

static void test_pio_granted_edges(void **state)
{
	static const struct {
		u16 base, len;
		bool ok;
	} q[] = {
		{ 0x3f8, 8, true }, { 0x3f8, 9, false }, { 0x3f9, 8, false },
		{ 0x3f7, 2, false }, { 0x3f7, 1, false }, { 0x3ff, 1, true },
		{ 0x400, 1, true }, { 0x407, 1, true }, { 0x408, 1, false },
		{ 0x3f8, 1, true },
		{ 0x2f8, 8, true },	/* length 8 inside the 0x2f0/0x10 grant */
		{ 0x2f0, 0x10, true }, { 0x2ef, 1, false }, { 0x2f8, 9, false },
		{ 0xfff8, 8, true }, { 0xffff, 1, true }, { 0xffff, 2, false },
		{ 0xfff7, 1, false }, { 0x60, 1, true }, { 0x61, 1, false },
		{ 0x5f, 2, false },
		/* [0x3f8, 0x400) and [0x400, ...) are not joined */
		{ 0x3fc, 8, false },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	c.pio[0] = (struct jailhouse_pio){ 0x3f8, 8 };
	c.pio[1] = (struct jailhouse_pio){ 0x2f0, 0x10 };
	c.pio[2] = (struct jailhouse_pio){ 0xfff8, 8 };
	c.pio[3] = (struct jailhouse_pio){ 0x60, 1 };
	c.d.num_pio_regions = 5;
	c.pio[4] = (struct jailhouse_pio){ 0x400, 8 };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	for (size_t i = 0; i < ARRAY_SIZE(q); i++)
		if (cellcfg_pio_granted(&cfg, q[i].base, q[i].len) != q[i].ok)
			fail_msg("pio %#x+%u: want %d", q[i].base, q[i].len, q[i].ok);
}

static void test_mem_granted_edges(void **state)
{
	static const struct {
		u64 addr, len, flags;
		bool ok;
	} q[] = {
		{ 0x100000, 0x100000, JAILHOUSE_MEM_READ, true },
		{ 0x100000, 0x100001, JAILHOUSE_MEM_READ, false },
		{ 0x1fffff, 1, JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE, true },
		{ 0x200000, 1, 0, true },	/* the next region */
		{ 0xfffff, 1, 0, true },	/* the region below */
		{ 0xfffff, 2, 0, false },	/* across two regions */
		{ 0x100000, 0x1000, JAILHOUSE_MEM_EXECUTE, false },
		{ 0x100000, 0x1000, JAILHOUSE_MEM_COMM_REGION, false },
		{ 0x200000, 0x1000, JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_DMA, true },
		{ 0x150000, UINT64_MAX, 0, false },
		{ UINT64_MAX, 2, 0, false },
		{ 0x300000, 1, 0, false },	/* beyond every region */
		{ 0xffffffffffff0000ull, 0xffff, 0, true },
		{ 0xfffffffffffffff0ull, 0x10, 0, false },
		{ 0xfffffffffffffffeull, 1, 0, true },
		{ 0xffffffffffffffffull, 1, 0, false },
		{ 0x2fffff, 1, JAILHOUSE_MEM_READ, true },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	c.d.num_memory_regions = 4;
	c.mem[0] = (struct jailhouse_memory){ 0, 0, 0x100000, RAM_FLAGS };
	c.mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0x100000,
					      JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE };
	c.mem[2] = (struct jailhouse_memory){ 0, 0x200000, 0x100000, RAM_FLAGS };
	c.mem[3] = (struct jailhouse_memory){ 0, 0xffffffffffff0000ull, 0xffff,
					      JAILHOUSE_MEM_READ };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	for (size_t i = 0; i < ARRAY_SIZE(q); i++)
		if (cellcfg_mem_granted(&cfg, q[i].addr, q[i].len, q[i].flags) !=
		    q[i].ok)
			fail_msg("mem %#llx+%#llx flags %#llx: want %d",
				 (unsigned long long)q[i].addr,
				 (unsigned long long)q[i].len,
				 (unsigned long long)q[i].flags, q[i].ok);
}

/*
 * Issue 8, item 3: a UART is granted by a pio region (ports) or by one
 * read/write region with the IO flag that is not RAM, the comm region or
 * root-shared (MMIO); plain RAM, the comm region, a shared-memory region or
 * a region without IO never are, whatever their read/write flags.
 */
static void test_uart_granted(void **state)
{
	static const struct {
		enum console_kind kind;
		u64 addr;
		bool ok;
	} q[] = {
		{ CONSOLE_MMIO8, 0x10000, false },	/* RAM */
		{ CONSOLE_MMIO8, 0x100000, false },	/* comm region */
		{ CONSOLE_MMIO8, 0x200000, false },	/* r,w without io */
		{ CONSOLE_MMIO8, 0x201000, false },	/* io, root-shared */
		{ CONSOLE_MMIO8, 0x202000, false },	/* io, read-only */
		{ CONSOLE_MMIO8, 0x203000, true },	/* r,w,io */
		{ CONSOLE_MMIO32, 0x203000, true },
		{ CONSOLE_MMIO8, 0x203ff8, true },	/* the last 8 bytes */
		{ CONSOLE_MMIO8, 0x203ff9, false },
		{ CONSOLE_MMIO32, 0x203fe0, true },	/* the last 32 bytes */
		{ CONSOLE_MMIO32, 0x203fe1, false },
		{ CONSOLE_MMIO8, UINT64_MAX - 0x1003, false },
		{ CONSOLE_MMIO32, UINT64_MAX - 0x1fff, true },
		{ CONSOLE_IO, 0x3f8, true },
		{ CONSOLE_IO, 0x3f9, false },
		{ CONSOLE_IO, 0x2f8, false },
		{ CONSOLE_IO, 0x203000, false },	/* not a port */
		{ CONSOLE_NONE, 0x203000, false },
		{ CONSOLE_UNSET, 0x203000, false },
	};
	struct cfgsrc c;
	size_t len;

	(void)state;
	src_init(&c);
	c.d.num_memory_regions = 7;
	c.mem[0] = (struct jailhouse_memory){ 0, 0, 0x100000, RAM_FLAGS };
	c.mem[1] = (struct jailhouse_memory){ 0, 0x100000, 0x1000,
		COMM_FLAGS | JAILHOUSE_MEM_IO };
	c.mem[2] = (struct jailhouse_memory){ 0, 0x200000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE };
	c.mem[3] = (struct jailhouse_memory){ 0, 0x201000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_IO |
		JAILHOUSE_MEM_ROOTSHARED };
	c.mem[4] = (struct jailhouse_memory){ 0, 0x202000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_IO };
	c.mem[5] = (struct jailhouse_memory){ 0, 0x203000, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_IO };
	c.mem[6] = (struct jailhouse_memory){ 0, UINT64_MAX - 0x1fff, 0x1000,
		JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_IO |
		JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_DMA };
	c.d.num_pio_regions = 1;
	c.pio[0] = (struct jailhouse_pio){ 0x3f8, 8 };
	len = serialize(&c, cbuf);
	assert_ok(parse_buf(cbuf, len), err);
	for (size_t i = 0; i < ARRAY_SIZE(q); i++)
		if (cellcfg_uart_granted(&cfg, q[i].kind, q[i].addr) != q[i].ok)
			fail_msg("uart kind %d at %#llx: want %d", q[i].kind,
				 (unsigned long long)q[i].addr, q[i].ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_minimal_config),
		cmocka_unit_test(test_raw_offsets),
		cmocka_unit_test(test_unaligned_buffer),
		cmocka_unit_test(test_name_always_terminated),
		cmocka_unit_test(test_signature_revision_arch),
		cmocka_unit_test(test_truncated_descriptor),
		cmocka_unit_test(test_each_array_truncated),
		cmocka_unit_test(test_huge_counts),
		cmocka_unit_test(test_zero_sized_placeholder),
		cmocka_unit_test(test_wrapping_region),
		cmocka_unit_test(test_page_alignment),
		cmocka_unit_test(test_hypervisor_size_limits),
		cmocka_unit_test(test_ivshmem_region_range),
		cmocka_unit_test(test_mem_is_ram),
		cmocka_unit_test(test_num_cpus),
		cmocka_unit_test(test_comm_region_lookup),
		cmocka_unit_test(test_pio_granted_edges),
		cmocka_unit_test(test_mem_granted_edges),
		cmocka_unit_test(test_uart_granted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
