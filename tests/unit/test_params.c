/* SPDX-License-Identifier: MIT */
/*
 * lib/params.c: the params descriptor. Every key, both forms of the
 * optional-size keys, every rejection with its exact message, the NUL and
 * text checks, whitespace, and the `--` separator (command line pointer and
 * length exactly, verbatim contents).
 *
 * Most of it is tables: whole descriptors and every field they set
 * (wholes), one field a row (fields), where the command line starts
 * (cmdlines), what a rejected descriptor or value says (rejected,
 * bad_values). crc= is here too: the CRC-32 values loader/digest.c checks.
 *
 * The forms quoted in the messages are, in key order (params.c KEYS):
 *   kernel ADDR[,SIZE]   initrd ADDR,SIZE, SIZE > 0   config ADDR[,SIZE]
 *   comm ADDR   mem ADDR,SIZE, SIZE > 0, 16 at most   cpu_wait_ms N <= 60000
 *   console none|io,PORT|mmio,ADDR|mmio32,ADDR [,BAUD], PORT <= 0xfff8, BAUD = 115200/N
 *   log quiet|default|verbose
 *   crc KERNELCRC[,INITRDCRC], 32-bit CRC-32 values
 */
#include "tests/unit/helpers.h"
#include "lib/params.h"

#define F_KERNEL "ADDR[,SIZE]"
#define F_INITRD "ADDR,SIZE, SIZE > 0"
#define F_CONFIG "ADDR[,SIZE]"
#define F_COMM "ADDR"
#define F_MEM "ADDR,SIZE, SIZE > 0, 16 at most"
#define F_CPU_WAIT "N <= 60000"
#define F_CONSOLE "none|io,PORT|mmio,ADDR|mmio32,ADDR [,BAUD], PORT <= 0xfff8, BAUD = 115200/N"
#define F_LOG "quiet|default|verbose"
#define F_CRC "KERNELCRC[,INITRDCRC], 32-bit CRC-32 values"
#define UNKNOWN_TAIL " (kernel initrd config comm mem cpu_wait_ms console log crc; command line after --)"
#define NO_KERNEL "no kernel=ADDR (-s \"...\" -a 0x1000?)"

static struct params p;
static struct cb_err err;

/* Parses the C string s with its NUL (bufsize = strlen + 1). */
static int parse(const char *s)
{
	err_reset(&err);
	memset(&p, 0xa5, sizeof(p));	/* the parser must reset everything */
	return params_parse(s, strlen(s) + 1, &p, &err);
}

static void parse_ok(const char *s)
{
	int rc = parse(s);

	if (rc)
		fail_msg("'%s': unexpected error: %s: %s", s, err.what, err.detail);
}

static void expect_error(const char *s, const char *detail)
{
	int rc = parse(s);

	if (rc != -1)
		fail_msg("'%s' was accepted", s);
	assert_string_equal(err.what, "params");
	assert_string_equal(err.detail, detail);
}

/* What a descriptor without keys leaves: the defaults. */
#define DEFAULTS .log = LOG_DEFAULT, .cpu_wait_ms = PARAMS_DEFAULT_CPU_WAIT_MS

/* Every field of p but the command line must be w's; names the first not. */
static void assert_params(const char *row, const struct params *w)
{
#define SAME(f) assert_row_equal(row, #f, p.f, w->f)
	SAME(has_kernel); SAME(kernel_addr); SAME(kernel_size);
	SAME(has_initrd); SAME(initrd_addr); SAME(initrd_size);
	SAME(has_config); SAME(config_addr); SAME(config_size);
	SAME(has_comm); SAME(comm_addr);
	SAME(console.kind); SAME(console.addr); SAME(console.baud);
	SAME(log); SAME(cpu_wait_ms);
	SAME(has_crc); SAME(has_initrd_crc); SAME(kernel_crc); SAME(initrd_crc);
	SAME(num_mem);
	for (int i = 0; i < PARAMS_MAX_MEM; i++) {
		SAME(mem[i].addr);
		SAME(mem[i].size);
	}
	SAME(cmdline_len);
#undef SAME
}

/* ---- whole descriptors: every field ------------------------------------ */

static const struct {
	const char *in;
	size_t cmdline_at;	/* p.cmdline == in + cmdline_at */
	struct params want;	/* but .cmdline */
} wholes[] = {
	/* the least: kernel=ADDR; no "--", an empty command line at the NUL */
	{ "kernel=0x1000000", 16,
	  { .has_kernel = true, .kernel_addr = 0x1000000, DEFAULTS } },
	/* the design's example: "kernel=0xfbb000 " 16 +
	 * "initrd=0x6000000,0x1a2b3c " 26 + "config=0x20000 " 15 + "-- " 3 */
	{ "kernel=0xfbb000 initrd=0x6000000,0x1a2b3c config=0x20000 "
	  "-- console=ttyS0,115200", 60,
	  { .has_kernel = true, .kernel_addr = 0xfbb000,
	    .has_initrd = true, .initrd_addr = 0x6000000,
	    .initrd_size = 0x1a2b3c, .has_config = true,
	    .config_addr = 0x20000, .cmdline_len = 20, DEFAULTS } },
	/* every key */
	{ "kernel=0xffb000,8247232 initrd=0x6000000,4096 "
	  "config=0x20000,0x454 comm=0x100000 cpu_wait_ms=250 "
	  "console=io,0x3f8,115200 log=verbose mem=0,0x100000 "
	  "mem=0x200000,0x7e00000 crc=0xcbf43926,7", 187,
	  { .has_kernel = true, .kernel_addr = 0xffb000,
	    .kernel_size = 8247232, .has_initrd = true,
	    .initrd_addr = 0x6000000, .initrd_size = 4096,
	    .has_config = true, .config_addr = 0x20000,
	    .config_size = 0x454, .has_comm = true, .comm_addr = 0x100000,
	    .console = { .kind = CONSOLE_IO, .addr = 0x3f8, .baud = 115200 },
	    .log = LOG_VERBOSE,
	    .cpu_wait_ms = 250, .has_crc = true, .has_initrd_crc = true,
	    .kernel_crc = 0xcbf43926, .initrd_crc = 7, .num_mem = 2,
	    .mem = { { 0, 0x100000 }, { 0x200000, 0x7e00000 } } } },
};

static void test_wholes(void **state)
{
	(void)state;
	assert_int_equal(PARAMS_DEFAULT_CPU_WAIT_MS, 1000);
	for (size_t i = 0; i < ARRAY_SIZE(wholes); i++) {
		const char *in = wholes[i].in;

		assert_row_ok(in, parse(in), err);
		assert_params(in, &wholes[i].want);
		assert_row_equal(in, "cmdline - in", p.cmdline - in,
				 wholes[i].cmdline_at);
		assert_row_equal(in, "the byte after the command line",
				 p.cmdline[p.cmdline_len], '\0');
	}
}

/* ---- what a descriptor sets: one field a row ---------------------------- */

/* The name, offset and size of a field of struct params. */
#define FIELD(f) #f, offsetof(struct params, f), sizeof(p.f)

static const struct field_row {
	const char *in;
	const char *name;
	size_t off, size;
	u64 want;
} fields[] = {
	/* keys in any order */
	{ "log=quiet config=5 kernel=7", FIELD(kernel_addr), 7 },
	{ "log=quiet config=5 kernel=7", FIELD(config_addr), 5 },
	{ "log=quiet config=5 kernel=7", FIELD(log), LOG_QUIET },
	/* kernel= and config=: ADDR, or ADDR,SIZE with SIZE 0 as if absent */
	{ "kernel=0x100000", FIELD(kernel_addr), 0x100000 },
	{ "kernel=0x100000", FIELD(kernel_size), 0 },
	{ "kernel=0x100000,0x7d8200", FIELD(kernel_size), 0x7d8200 },
	{ "kernel=0x100000,0", FIELD(kernel_size), 0 },	/* use the header */
	{ "kernel=0 config=0x20000", FIELD(kernel_addr), 0 },
	{ "kernel=0 config=0x20000", FIELD(has_config), true },
	{ "kernel=0 config=0x20000", FIELD(config_addr), 0x20000 },
	{ "kernel=0 config=0x20000", FIELD(config_size), 0 },
	{ "kernel=1 config=0x20000,1108", FIELD(config_size), 1108 },
	{ "kernel=1 config=0x20000,0", FIELD(has_config), true },
	{ "kernel=1 config=0x20000,0", FIELD(config_size), 0 }, /* trust counts */
	{ "kernel=0xffffffffffffffff,18446744073709551615",
	  FIELD(kernel_addr), UINT64_MAX },
	{ "kernel=0xffffffffffffffff,18446744073709551615",
	  FIELD(kernel_size), UINT64_MAX },
	/* initrd=ADDR,SIZE */
	{ "kernel=1 initrd=0x6000000,1", FIELD(has_initrd), true },
	{ "kernel=1 initrd=0x6000000,1", FIELD(initrd_addr), 0x6000000 },
	{ "kernel=1 initrd=0x6000000,1", FIELD(initrd_size), 1 },
	/* comm=ADDR */
	{ "kernel=1 comm=0x100000", FIELD(has_comm), true },
	{ "kernel=1 comm=0x100000", FIELD(comm_addr), 0x100000 },
	{ "kernel=1 comm=0x100000", FIELD(config_addr), 0 },
	/* console=: none, or KIND,ADDR[,BAUD] (no BAUD: keep the root's setup) */
	{ "kernel=1 console=none", FIELD(console.kind), CONSOLE_NONE },
	{ "kernel=1 console=none", FIELD(console.addr), 0 },
	{ "kernel=1 console=none", FIELD(console.baud), 0 },
	{ "kernel=1 console=io,0x3f8", FIELD(console.kind), CONSOLE_IO },
	{ "kernel=1 console=io,0x3f8", FIELD(console.addr), 0x3f8 },
	{ "kernel=1 console=io,0x3f8", FIELD(console.baud), 0 },
	{ "kernel=1 console=io,0x2f8,9600", FIELD(console.kind), CONSOLE_IO },
	{ "kernel=1 console=io,0x2f8,9600", FIELD(console.addr), 0x2f8 },
	{ "kernel=1 console=io,0x2f8,9600", FIELD(console.baud), 9600 },
	/* the highest port; BAUD 1 is divisor 115200 */
	{ "kernel=1 console=io,0xfff8,115200", FIELD(console.addr), 0xfff8 },
	{ "kernel=1 console=io,0xfff8,115200", FIELD(console.baud), 115200 },
	{ "kernel=1 console=io,0,1", FIELD(console.addr), 0 },
	{ "kernel=1 console=io,0,1", FIELD(console.baud), 1 },
	{ "kernel=1 console=mmio,0xfed00000", FIELD(console.kind),
	  CONSOLE_MMIO8 },
	{ "kernel=1 console=mmio,0xfed00000", FIELD(console.addr), 0xfed00000 },
	{ "kernel=1 console=mmio,0xfed00000", FIELD(console.baud), 0 },
	/* no port limit for MMIO */
	{ "kernel=1 console=mmio,0x10000,57600", FIELD(console.kind),
	  CONSOLE_MMIO8 },
	{ "kernel=1 console=mmio,0x10000,57600", FIELD(console.addr), 0x10000 },
	{ "kernel=1 console=mmio,0x10000,57600", FIELD(console.baud), 57600 },
	{ "kernel=1 console=mmio32,0xfe000000000,38400", FIELD(console.kind),
	  CONSOLE_MMIO32 },
	{ "kernel=1 console=mmio32,0xfe000000000,38400", FIELD(console.addr),
	  0xfe000000000ull },
	{ "kernel=1 console=mmio32,0xfe000000000,38400", FIELD(console.baud),
	  38400 },
	/* log=LEVEL */
	{ "kernel=1 log=quiet", FIELD(log), LOG_QUIET },
	{ "kernel=1 log=default", FIELD(log), LOG_DEFAULT },
	{ "kernel=1 log=verbose", FIELD(log), LOG_VERBOSE },
	/* cpu_wait_ms=N, N <= 60000 */
	{ "kernel=1 cpu_wait_ms=0", FIELD(cpu_wait_ms), 0 },
	{ "kernel=1 cpu_wait_ms=60000", FIELD(cpu_wait_ms), 60000 },
	{ "kernel=1 cpu_wait_ms=0xea60", FIELD(cpu_wait_ms), 60000 },
	/* mem= without config is accepted as is (no overlap checks here) */
	{ "kernel=1 mem=0,0x1000 mem=0,0x1000", FIELD(num_mem), 2 },
	/* whitespace of every kind separates, before, between and after */
	{ "  \t kernel=1\n\rlog=quiet\t\t  config=2 \r\n", FIELD(kernel_addr), 1 },
	{ "  \t kernel=1\n\rlog=quiet\t\t  config=2 \r\n", FIELD(log),
	  LOG_QUIET },
	{ "  \t kernel=1\n\rlog=quiet\t\t  config=2 \r\n", FIELD(config_addr),
	  2 },
	/* crc=KERNELCRC[,INITRDCRC]: CRC-32 values (loader/digest.c checks) */
	{ "kernel=0x1000000,0x7e0000 initrd=0x5000000,0x1000 "
	  "crc=0xcbf43926,4294967295 -- x", FIELD(has_crc), true },
	{ "kernel=0x1000000,0x7e0000 initrd=0x5000000,0x1000 "
	  "crc=0xcbf43926,4294967295 -- x", FIELD(has_initrd_crc), true },
	{ "kernel=0x1000000,0x7e0000 initrd=0x5000000,0x1000 "
	  "crc=0xcbf43926,4294967295 -- x", FIELD(kernel_crc), 0xcbf43926 },
	{ "kernel=0x1000000,0x7e0000 initrd=0x5000000,0x1000 "
	  "crc=0xcbf43926,4294967295 -- x", FIELD(initrd_crc), 0xffffffff },
	{ "crc=0 kernel=0x1000,0x2000", FIELD(has_crc), true },
	{ "crc=0 kernel=0x1000,0x2000", FIELD(has_initrd_crc), false },
	{ "crc=0 kernel=0x1000,0x2000", FIELD(kernel_crc), 0 },
	{ "kernel=0x1000,0x2000", FIELD(has_crc), false },
	{ "kernel=0x1000,0x2000", FIELD(has_initrd_crc), false },
	/* after "--" nothing is a key */
	{ "kernel=1 -- log=quiet kernel=2 -- a=b=c -- --", FIELD(kernel_addr),
	  1 },
	{ "kernel=1 -- log=quiet kernel=2 -- a=b=c -- --", FIELD(log),
	  LOG_DEFAULT },
};

static void test_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field_row *r = &fields[i];
		u64 got;

		assert_row_ok(r->in, parse(r->in), err);
		got = r->size == 1 ? ((const u8 *)&p)[r->off] :
		      r->size == 4 ? rd32(&p, r->off) : rd64(&p, r->off);
		assert_row_equal(r->in, r->name, got, r->want);
	}
}

static void test_mem_repeat(void **state)
{
	char s[1024];
	size_t n;

	(void)state;
	n = (size_t)snprintf(s, sizeof(s), "kernel=1");
	for (int i = 0; i < PARAMS_MAX_MEM; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, " mem=%#x,0x1000",
				      i * 0x100000);
	parse_ok(s);
	assert_int_equal(p.num_mem, 16);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(p.mem[i].addr, (u64)i * 0x100000);
		assert_int_equal(p.mem[i].size, 0x1000);
	}
	/* the 17th: the form names the limit */
	snprintf(s + n, sizeof(s) - n, " mem=0x11000000,0x1000");
	expect_error(s, "mem: '0x11000000,0x1000' is not " F_MEM);
}

/* ---- what a rejected descriptor says ----------------------------------- */

static const struct {
	const char *in, *detail;
} rejected[] = {
	/* initrd=ADDR,SIZE: SIZE required and not 0 */
	{ "kernel=1 initrd=0x6000000,0", "initrd: '0x6000000,0' is not " F_INITRD },
	{ "kernel=1 initrd=0x6000000", "initrd: '0x6000000' is not " F_INITRD },
	{ "kernel=1 initrd=0x6000000,0x0",
	  "initrd: '0x6000000,0x0' is not " F_INITRD },
	{ "kernel=1 initrd=,5", "initrd: ',5' is not " F_INITRD },
	/* comm=ADDR: one number */
	{ "kernel=1 comm=0x100000,0x1000",
	  "comm: '0x100000,0x1000' is not " F_COMM },
	{ "kernel=1 comm=", "comm: '' is not " F_COMM },
	/* mem=ADDR,SIZE: SIZE required and not 0, numbers fit 64 bits */
	{ "kernel=1 mem=0x100000", "mem: '0x100000' is not " F_MEM },
	{ "kernel=1 mem=0x100000,0", "mem: '0x100000,0' is not " F_MEM },
	{ "kernel=1 mem=0x10000000000000000,1",
	  "mem: '0x10000000000000000,1' is not " F_MEM },
	{ "kernel=1 mem=1,18446744073709551616",
	  "mem: '1,18446744073709551616' is not " F_MEM },
	{ "kernel=1 mem=1,2,3", "mem: '1,2,3' is not " F_MEM },
	/* log=LEVEL: the whole word, case and all */
	{ "kernel=1 log=loud", "log: 'loud' is not " F_LOG },
	{ "kernel=1 log=", "log: '' is not " F_LOG },
	{ "kernel=1 log=Quiet", "log: 'Quiet' is not " F_LOG },
	{ "kernel=1 log=quiet|default", "log: 'quiet|default' is not " F_LOG },
	{ "kernel=1 log=quie", "log: 'quie' is not " F_LOG },
	{ "kernel=1 log=verbosex", "log: 'verbosex' is not " F_LOG },
	{ "kernel=1 log=1", "log: '1' is not " F_LOG },
	/* cpu_wait_ms=N, N <= 60000 */
	{ "kernel=1 cpu_wait_ms=60001", "cpu_wait_ms: '60001' is not " F_CPU_WAIT },
	{ "kernel=1 cpu_wait_ms=4294967296",
	  "cpu_wait_ms: '4294967296' is not " F_CPU_WAIT },
	{ "kernel=1 cpu_wait_ms=1,2", "cpu_wait_ms: '1,2' is not " F_CPU_WAIT },
	{ "kernel=1 cpu_wait_ms=", "cpu_wait_ms: '' is not " F_CPU_WAIT },
	/* crc=: 32-bit values, and the kernel's size and an initrd to cover */
	{ "kernel=0x1000,0x2000 crc=0x100000000", "crc: '0x100000000' is not " F_CRC },
	{ "kernel=0x1000,0x2000 crc=1,0x1ffffffff",
	  "crc: '1,0x1ffffffff' is not " F_CRC },
	{ "kernel=0x1000,0x2000 crc=zz", "crc: 'zz' is not " F_CRC },
	{ "kernel=0x1000,0x2000 crc=1,2,3", "crc: '1,2,3' is not " F_CRC },
	{ "kernel=0x1000 crc=1",
	  "crc= needs kernel=ADDR,SIZE: the CRC covers SIZE bytes" },
	{ "kernel=0x1000,0x10 crc=1,2", "crc=: an initrd CRC without initrd=" },
	/* every key but mem= at most once */
	{ "kernel=1 kernel=2", "kernel: given twice" },
	{ "kernel=1 initrd=1,1 initrd=2,2", "initrd: given twice" },
	{ "kernel=1 config=1 config=1", "config: given twice" },
	{ "kernel=1 comm=1 comm=2", "comm: given twice" },
	{ "kernel=1 cpu_wait_ms=1 cpu_wait_ms=2", "cpu_wait_ms: given twice" },
	{ "kernel=1 console=none console=io,0x3f8", "console: given twice" },
	{ "kernel=1 log=quiet log=quiet", "log: given twice" },
	{ "kernel=0x1000,0x2000 crc=1 crc=2", "crc: given twice" },
	/* the second one counts even if its value is bad */
	{ "kernel=1 log=quiet log=x", "log: given twice" },
	/* unknown keys: the list of the known ones */
	{ "kernel=1 foo=1", "unknown key 'foo'" UNKNOWN_TAIL },
	{ "KERNEL=1", "unknown key 'KERNEL'" UNKNOWN_TAIL },
	{ "kernel=1 kern=1", "unknown key 'kern'" UNKNOWN_TAIL },
	{ "kernel=1 kernelx=1", "unknown key 'kernelx'" UNKNOWN_TAIL },
	{ "kernel=1 console=ttyS0,115200",
	  "console: 'ttyS0,115200' is not " F_CONSOLE },
	{ "kernel=1 root=/dev/ram0", "unknown key 'root'" UNKNOWN_TAIL },
	{ "=1", "unknown key ''" UNKNOWN_TAIL },
	/* only the first '=' splits */
	{ "a=b=c", "unknown key 'a'" UNKNOWN_TAIL },
	{ "kernel=1=2", "kernel: '1=2' is not " F_KERNEL },
	/* a loader option needs '=' (kernel options belong after "--") */
	{ "kernel", "'kernel' is not key=value" },
	{ "kernel=1 quiet", "'quiet' is not key=value" },
	{ "kernel=1 --x", "'--x' is not key=value" },
	{ "kernel=1 -", "'-' is not key=value" },
	{ "kernel=1 ---", "'---' is not key=value" },
	{ "kernel=1 x--", "'x--' is not key=value" },
	/* a space inside a value ends it */
	{ "kernel= 1", "kernel: '' is not " F_KERNEL },
	{ "kernel=1 , 2", "',' is not key=value" },
	/* no kernel= before "--" (after it, all is command line) */
	{ "", NO_KERNEL },
	{ "   \t\n", NO_KERNEL },
	{ "config=0x20000", NO_KERNEL },
	{ "-- kernel=1", NO_KERNEL },
	{ "-- console=ttyS0", NO_KERNEL },
	/* the key check comes first */
	{ "initrd=1,0", "initrd: '1,0' is not " F_INITRD },
	/* not text: the first offending byte, wherever it is, before all else */
	{ "kernel=1\x7f", "byte 0x7f at 8 is not text" },
	{ "\x01kernel=1", "byte 0x1 at 0 is not text" },
	{ "kernel=1 \x80", "byte 0x80 at 9 is not text" },
	{ "kernel=1 \xff", "byte 0xff at 9 is not text" },
	{ "kernel=1\v", "byte 0xb at 8 is not text" },
	{ "kernel=1\f", "byte 0xc at 8 is not text" },
	{ "kernel=1 -- quiet\x1b[0m", "byte 0x1b at 17 is not text" },
	{ "bogus \x1f", "byte 0x1f at 6 is not text" },
	{ "kernel=1 \x02\x03", "byte 0x2 at 9 is not text" },
};

static void test_rejected(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rejected); i++) {
		err_reset(&err);
		assert_row_fail(rejected[i].in, parse(rejected[i].in), err,
				"params", rejected[i].detail);
	}
}

/* ---- where the command line starts ------------------------------------ */

static const struct {
	const char *in;
	size_t at, len;		/* p.cmdline == in + at, p.cmdline_len */
} cmdlines[] = {
	/* no "--": an empty command line at the terminating NUL */
	{ "kernel=0x1000000", 16, 0 },
	{ "  \t kernel=1\n\rlog=quiet\t\t  config=2 \r\n", 38, 0 },
	/* "--" at the very end: empty, at the NUL */
	{ "kernel=1 --", 11, 0 },
	/* one separator after "--" is eaten, nothing else */
	{ "kernel=1 -- ", 12, 0 },
	{ "kernel=1 --  two spaces ", 12, 12 },
	{ "kernel=1 --\tx", 12, 1 },
	{ "kernel=1 --\nroot=/dev/ram0\n", 12, 15 },
	/* "--", "=" and key names after the separator are verbatim */
	{ "kernel=1 -- log=quiet kernel=2 -- a=b=c -- --", 12, 33 },
	/* options may follow leading whitespace before "--" */
	{ " \tkernel=1\t--\tx y", 14, 3 },
};

static void test_cmdline(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cmdlines); i++) {
		const char *in = cmdlines[i].in;

		assert_row_ok(in, parse(in), err);
		assert_row_equal(in, "cmdline - in", p.cmdline - in,
				 cmdlines[i].at);
		assert_row_equal(in, "cmdline_len", p.cmdline_len,
				 cmdlines[i].len);
		assert_row_equal(in, "the byte after the command line",
				 p.cmdline[p.cmdline_len], '\0');
	}
}

static void test_console_kind_name(void **state)
{
	(void)state;
	assert_string_equal(console_kind_name(CONSOLE_UNSET), "unset");
	assert_string_equal(console_kind_name(CONSOLE_NONE), "none");
	assert_string_equal(console_kind_name(CONSOLE_IO), "io");
	assert_string_equal(console_kind_name(CONSOLE_MMIO8), "mmio");
	assert_string_equal(console_kind_name(CONSOLE_MMIO32), "mmio32");
	assert_string_equal(console_kind_name((enum console_kind)99), "unset");
}

/*
 * Issue 8, item 1: a failed parse leaves the struct at its defaults, never
 * half-filled (a console kind stored before the rest of the value failed,
 * a mem= range, a kernel= address ...), so nothing downstream can act on a
 * spec that did not parse whole.
 */
static void test_failed_parse_leaves_defaults(void **state)
{
	static const char *const bad[] = {
		"kernel=1 console=ttyS0,115200",
		"kernel=1 console=serial",
		"kernel=1 console=mmio,0x3f8,7",
		"kernel=1 console=mmio32,0xfe000000,BAD",
		"kernel=1 console=io,0x3f8,BAD",
		"kernel=1 console=io,0x3f8 log=loud",
		"log=quiet kernel=1 bogus=1",
		"kernel=1 initrd=0x100000,0x1000 config=0x80000 comm=0x200000 "
		"mem=0,0x1000 cpu_wait_ms=5 kernel=2",
		"kernel=1 mem=0,0x1000 cpu_wait_ms=60001",
		"initrd=0x100000,0x1000 console=io,0x3f8 -- console=ttyS0",
		"kernel=0x1000,0x10 crc=1,2",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		static const struct params defaults = { DEFAULTS };

		if (parse(bad[i]) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_params(bad[i], &defaults);
		assert_non_null(p.cmdline);
		assert_string_equal(p.cmdline, "");
	}
}

/* Values a key rejects, each "KEY: 'VALUE' is not FORM". */
static const struct {
	const char *key, *form;
	const char *values[24];		/* up to a NULL */
} bad_values[] = {
	{ "kernel", F_KERNEL, {
		"", "0x", "010", "00", "1,", ",1", "1,2,3", "0x10000000000000000",
		"18446744073709551616", "1,0x10000000000000000", "4K", "1M",
		"-1", "+1", "0xg", "1.5", "1,,2", "0x1,0x", NULL } },
	{ "config", F_CONFIG, { "0x", "07", NULL } },
	{ "console", F_CONSOLE, {
		"serial,0x3f8", "IO,0x3f8", "unset", "unset,0x3f8", "none,0x3f8",
		"none,", "io", "io,", "mmio", "mmio32", "io,0xfff9", "io,65536",
		"io,0x3f8,0", "io,0x3f8,115201", "io,0x3f8,7", "io,0x3f8,230400",
		"io,0x3f8,115200,1", "io,0x3f8,", "io,,9600", "mmio,0x", "",
		"io;0x3f8", "io,0x10000000000000000", NULL } },
};

static void test_bad_values(void **state)
{
	char s[128], detail[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_values); i++) {
		const char *key = bad_values[i].key;

		for (const char *const *v = bad_values[i].values; *v; v++) {
			/* kernel= is needed, and may come once */
			snprintf(s, sizeof(s), "%s%s=%s",
				 strcmp(key, "kernel") ? "kernel=1 " : "", key, *v);
			snprintf(detail, sizeof(detail), "%s: '%s' is not %s",
				 key, *v, bad_values[i].form);
			err_reset(&err);
			assert_row_fail(s, parse(s), err, "params", detail);
		}
	}
	/* literal check of one whole message */
	expect_error("kernel=1 console=io,0xfff9",
		     "console: 'io,0xfff9' is not none|io,PORT|mmio,ADDR|mmio32,"
		     "ADDR [,BAUD], PORT <= 0xfff8, BAUD = 115200/N");
}

static void test_no_nul(void **state)
{
	/* an exact-size heap copy: a read past the end is an ASan error */
	char *b = malloc(8);

	(void)state;
	assert_non_null(b);
	memcpy(b, "kernel=1", 8);
	err_reset(&err);
	assert_fail(params_parse(b, 8, &p, &err), err, "params",
		    "no NUL in its 8 bytes");
	err_reset(&err);
	assert_fail(params_parse(b, 0, &p, &err), err, "params",
		    "no NUL in its 0 bytes");
	/* with the NUL inside bufsize it parses, whatever follows it */
	b[7] = '\0';
	err_reset(&err);
	assert_fail(params_parse(b, 8, &p, &err), err, "params",
		    "kernel: '' is not " F_KERNEL);
	free(b);
	{
		static const char after[] = "kernel=2\0\x01\xff garbage";

		err_reset(&err);
		assert_int_equal(params_parse(after, sizeof(after), &p, &err), 0);
		assert_int_equal(p.kernel_addr, 2);
		assert_ptr_equal(p.cmdline, after + 8);
		assert_int_equal(p.cmdline_len, 0);
	}
	{
		/* the whole 2816-byte params buffer, as the loader passes it */
		static char area[0xb00];

		memset(area, 0, sizeof(area));
		memcpy(area, "kernel=3", 8);
		err_reset(&err);
		assert_int_equal(params_parse(area, sizeof(area), &p, &err), 0);
		memset(area, 'x', sizeof(area));
		err_reset(&err);
		assert_fail(params_parse(area, sizeof(area), &p, &err), err,
			    "params", "no NUL in its 2816 bytes");
	}
}

/* Every printable byte and the four spaces are text (the rest: REJECTED). */
static void test_text(void **state)
{
	(void)state;
	char s[200];
	size_t n = (size_t)snprintf(s, sizeof(s), "kernel=1 --");

	for (int c = ' '; c <= 0x7e; c++)
		s[n++] = (char)c;
	s[n++] = '\t';
	s[n++] = '\n';
	s[n++] = '\r';
	s[n] = '\0';
	parse_ok(s);
	assert_int_equal(p.cmdline_len, 95 + 3 - 1);	/* ' ' eaten */
	assert_ptr_equal(p.cmdline, s + 12);
}

static void test_long_cmdline(void **state)
{
	/* a 2047-byte command line fits the 2816-byte buffer with options */
	static char area[0xb00];
	size_t n;

	(void)state;
	n = (size_t)snprintf(area, sizeof(area),
			     "kernel=0xffb000 initrd=0x6000000,0x1000000 "
			     "config=0x20000 -- ");
	memset(area + n, 'c', 2047);
	area[n + 2047] = '\0';
	err_reset(&err);
	assert_int_equal(params_parse(area, sizeof(area), &p, &err), 0);
	assert_ptr_equal(p.cmdline, area + n);
	assert_int_equal(p.cmdline_len, 2047);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wholes),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_mem_repeat),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_console_kind_name),
		cmocka_unit_test(test_failed_parse_leaves_defaults),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_no_nul),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_long_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
