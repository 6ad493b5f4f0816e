/* SPDX-License-Identifier: MIT */
/*
 * lib/params.c: the params descriptor. Every key, both forms of the
 * optional-size keys, every rejection with its exact message, the NUL and
 * text checks, whitespace, and the `--` separator (command line pointer and
 * length exactly, verbatim contents).
 *
 * The forms quoted in the messages are, in key order (params.c FORMS):
 *   kernel ADDR[,SIZE]   initrd ADDR,SIZE, SIZE > 0   config ADDR[,SIZE]
 *   comm ADDR   mem ADDR,SIZE, SIZE > 0, 16 at most   cpu_wait_ms N <= 60000
 *   console none|io,PORT|mmio,ADDR|mmio32,ADDR [,BAUD], PORT <= 0xfff8, BAUD = 115200/N
 *   log quiet|default|verbose
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

static void assert_defaults_except_kernel(void)
{
	assert_false(p.has_initrd);
	assert_false(p.has_config);
	assert_false(p.has_comm);
	assert_int_equal(p.initrd_addr, 0);
	assert_int_equal(p.initrd_size, 0);
	assert_int_equal(p.config_addr, 0);
	assert_int_equal(p.config_size, 0);
	assert_int_equal(p.comm_addr, 0);
	assert_int_equal(p.console.kind, CONSOLE_UNSET);
	assert_int_equal(p.console.baud, 0);
	assert_int_equal(p.console.addr, 0);
	assert_int_equal(p.log, LOG_DEFAULT);
	assert_int_equal(p.cpu_wait_ms, PARAMS_DEFAULT_CPU_WAIT_MS);
	assert_int_equal(p.num_mem, 0);
	for (int i = 0; i < PARAMS_MAX_MEM; i++) {
		assert_int_equal(p.mem[i].addr, 0);
		assert_int_equal(p.mem[i].size, 0);
	}
}

/* ---- accepted descriptors ---------------------------------------------- */

static void test_minimal(void **state)
{
	const char *s = "kernel=0x1000000";

	(void)state;
	parse_ok(s);
	assert_true(p.has_kernel);
	assert_int_equal(p.kernel_addr, 0x1000000);
	assert_int_equal(p.kernel_size, 0);
	assert_defaults_except_kernel();
	/* no "--": an empty command line at the terminating NUL */
	assert_ptr_equal(p.cmdline, s + 16);
	assert_int_equal(p.cmdline_len, 0);
	assert_int_equal(PARAMS_DEFAULT_CPU_WAIT_MS, 1000);
}

static void test_design_example(void **state)
{
	const char *s = "kernel=0xfbb000 initrd=0x6000000,0x1a2b3c config=0x20000 "
			"-- console=ttyS0,115200";

	(void)state;
	parse_ok(s);
	assert_true(p.has_kernel);
	assert_int_equal(p.kernel_addr, 0xfbb000);
	assert_int_equal(p.kernel_size, 0);
	assert_true(p.has_initrd);
	assert_int_equal(p.initrd_addr, 0x6000000);
	assert_int_equal(p.initrd_size, 0x1a2b3c);
	assert_true(p.has_config);
	assert_int_equal(p.config_addr, 0x20000);
	assert_int_equal(p.config_size, 0);
	assert_false(p.has_comm);
	/* "kernel=0xfbb000 " 16 + "initrd=0x6000000,0x1a2b3c " 26 +
	 * "config=0x20000 " 15 + "-- " 3 = 60 */
	assert_ptr_equal(p.cmdline, s + 60);
	assert_int_equal(p.cmdline_len, 20);
	assert_memory_equal(p.cmdline, "console=ttyS0,115200", 20);
	assert_int_equal(p.cmdline[p.cmdline_len], '\0');
}

static void test_every_key(void **state)
{
	(void)state;
	parse_ok("kernel=0xffb000,8247232 initrd=0x6000000,4096 "
		 "config=0x20000,0x454 comm=0x100000 cpu_wait_ms=250 "
		 "console=io,0x3f8,115200 log=verbose mem=0,0x100000 "
		 "mem=0x200000,0x7e00000");
	assert_true(p.has_kernel);
	assert_int_equal(p.kernel_addr, 0xffb000);
	assert_int_equal(p.kernel_size, 8247232);
	assert_true(p.has_initrd);
	assert_int_equal(p.initrd_addr, 0x6000000);
	assert_int_equal(p.initrd_size, 4096);
	assert_true(p.has_config);
	assert_int_equal(p.config_addr, 0x20000);
	assert_int_equal(p.config_size, 0x454);
	assert_true(p.has_comm);
	assert_int_equal(p.comm_addr, 0x100000);
	assert_int_equal(p.cpu_wait_ms, 250);
	assert_int_equal(p.console.kind, CONSOLE_IO);
	assert_int_equal(p.console.addr, 0x3f8);
	assert_int_equal(p.console.baud, 115200);
	assert_int_equal(p.log, LOG_VERBOSE);
	assert_int_equal(p.num_mem, 2);
	assert_int_equal(p.mem[0].addr, 0);
	assert_int_equal(p.mem[0].size, 0x100000);
	assert_int_equal(p.mem[1].addr, 0x200000);
	assert_int_equal(p.mem[1].size, 0x7e00000);
	assert_int_equal(p.mem[2].size, 0);
	assert_int_equal(p.cmdline_len, 0);
}

static void test_key_order_free(void **state)
{
	(void)state;
	parse_ok("log=quiet config=5 kernel=7");
	assert_int_equal(p.kernel_addr, 7);
	assert_int_equal(p.config_addr, 5);
	assert_int_equal(p.log, LOG_QUIET);
}

static void test_kernel_and_config_forms(void **state)
{
	(void)state;
	parse_ok("kernel=0x100000");
	assert_int_equal(p.kernel_addr, 0x100000);
	assert_int_equal(p.kernel_size, 0);
	parse_ok("kernel=0x100000,0x7d8200");
	assert_int_equal(p.kernel_size, 0x7d8200);
	parse_ok("kernel=0x100000,0");		/* 0: use the header */
	assert_int_equal(p.kernel_size, 0);
	parse_ok("kernel=0 config=0x20000");
	assert_int_equal(p.kernel_addr, 0);
	assert_true(p.has_config);
	assert_int_equal(p.config_addr, 0x20000);
	assert_int_equal(p.config_size, 0);
	parse_ok("kernel=1 config=0x20000,1108");
	assert_int_equal(p.config_size, 1108);
	parse_ok("kernel=1 config=0x20000,0");	/* 0: trust the counts */
	assert_true(p.has_config);
	assert_int_equal(p.config_size, 0);
	parse_ok("kernel=0xffffffffffffffff,18446744073709551615");
	assert_true(p.kernel_addr == UINT64_MAX);
	assert_true(p.kernel_size == UINT64_MAX);
}

static void test_initrd(void **state)
{
	(void)state;
	parse_ok("kernel=1 initrd=0x6000000,1");
	assert_true(p.has_initrd);
	assert_int_equal(p.initrd_addr, 0x6000000);
	assert_int_equal(p.initrd_size, 1);
	expect_error("kernel=1 initrd=0x6000000,0",
		     "initrd: '0x6000000,0' is not " F_INITRD);
	expect_error("kernel=1 initrd=0x6000000",
		     "initrd: '0x6000000' is not " F_INITRD);
	expect_error("kernel=1 initrd=0x6000000,0x0",
		     "initrd: '0x6000000,0x0' is not " F_INITRD);
	expect_error("kernel=1 initrd=,5", "initrd: ',5' is not " F_INITRD);
}

static void test_comm(void **state)
{
	(void)state;
	parse_ok("kernel=1 comm=0x100000");
	assert_true(p.has_comm);
	assert_int_equal(p.comm_addr, 0x100000);
	assert_int_equal(p.config_addr, 0);
	expect_error("kernel=1 comm=0x100000,0x1000",
		     "comm: '0x100000,0x1000' is not " F_COMM);
	expect_error("kernel=1 comm=", "comm: '' is not " F_COMM);
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

static void test_mem_errors(void **state)
{
	(void)state;
	expect_error("kernel=1 mem=0x100000", "mem: '0x100000' is not " F_MEM);
	expect_error("kernel=1 mem=0x100000,0", "mem: '0x100000,0' is not " F_MEM);
	expect_error("kernel=1 mem=0x10000000000000000,1",
		     "mem: '0x10000000000000000,1' is not " F_MEM);
	expect_error("kernel=1 mem=1,18446744073709551616",
		     "mem: '1,18446744073709551616' is not " F_MEM);
	expect_error("kernel=1 mem=1,2,3", "mem: '1,2,3' is not " F_MEM);
	/* a mem= without config is accepted as is (no overlap checks here) */
	parse_ok("kernel=1 mem=0,0x1000 mem=0,0x1000");
	assert_int_equal(p.num_mem, 2);
}

static void test_console(void **state)
{
	(void)state;
	parse_ok("kernel=1 console=none");
	assert_int_equal(p.console.kind, CONSOLE_NONE);
	assert_int_equal(p.console.addr, 0);
	assert_int_equal(p.console.baud, 0);

	parse_ok("kernel=1 console=io,0x3f8");
	assert_int_equal(p.console.kind, CONSOLE_IO);
	assert_int_equal(p.console.addr, 0x3f8);
	assert_int_equal(p.console.baud, 0);		/* keep the root's setup */

	parse_ok("kernel=1 console=io,0x2f8,9600");
	assert_int_equal(p.console.kind, CONSOLE_IO);
	assert_int_equal(p.console.addr, 0x2f8);
	assert_int_equal(p.console.baud, 9600);

	parse_ok("kernel=1 console=io,0xfff8,115200");	/* highest port */
	assert_int_equal(p.console.addr, 0xfff8);
	assert_int_equal(p.console.baud, 115200);

	parse_ok("kernel=1 console=io,0,1");		/* divisor 115200 */
	assert_int_equal(p.console.addr, 0);
	assert_int_equal(p.console.baud, 1);

	parse_ok("kernel=1 console=mmio,0xfed00000");
	assert_int_equal(p.console.kind, CONSOLE_MMIO8);
	assert_int_equal(p.console.addr, 0xfed00000);
	assert_int_equal(p.console.baud, 0);

	parse_ok("kernel=1 console=mmio,0x10000,57600");	/* no port limit */
	assert_int_equal(p.console.kind, CONSOLE_MMIO8);
	assert_int_equal(p.console.addr, 0x10000);
	assert_int_equal(p.console.baud, 57600);

	parse_ok("kernel=1 console=mmio32,0xfe000000000,38400");
	assert_int_equal(p.console.kind, CONSOLE_MMIO32);
	assert_int_equal(p.console.addr, 0xfe000000000ull);
	assert_int_equal(p.console.baud, 38400);

	assert_string_equal(console_kind_name(CONSOLE_UNSET), "unset");
	assert_string_equal(console_kind_name(CONSOLE_NONE), "none");
	assert_string_equal(console_kind_name(CONSOLE_IO), "io");
	assert_string_equal(console_kind_name(CONSOLE_MMIO8), "mmio");
	assert_string_equal(console_kind_name(CONSOLE_MMIO32), "mmio32");
	assert_string_equal(console_kind_name((enum console_kind)99), "unset");
}

static void test_console_errors(void **state)
{
	static const char *const bad[] = {
		"serial,0x3f8", "IO,0x3f8", "unset", "unset,0x3f8", "none,0x3f8",
		"none,", "io", "io,", "mmio", "mmio32", "io,0xfff9", "io,65536",
		"io,0x3f8,0", "io,0x3f8,115201", "io,0x3f8,7", "io,0x3f8,230400",
		"io,0x3f8,115200,1", "io,0x3f8,", "io,,9600", "mmio,0x", "",
		"io;0x3f8", "io,0x10000000000000000",
	};
	char s[128], detail[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(s, sizeof(s), "kernel=1 console=%s", bad[i]);
		snprintf(detail, sizeof(detail), "console: '%s' is not " F_CONSOLE,
			 bad[i]);
		expect_error(s, detail);
	}
	/* literal check of one whole message */
	expect_error("kernel=1 console=io,0xfff9",
		     "console: 'io,0xfff9' is not none|io,PORT|mmio,ADDR|mmio32,"
		     "ADDR [,BAUD], PORT <= 0xfff8, BAUD = 115200/N");
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
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i]) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_false(p.has_kernel);
		assert_int_equal(p.kernel_addr, 0);
		assert_int_equal(p.kernel_size, 0);
		assert_int_equal(p.cmdline_len, 0);
		assert_non_null(p.cmdline);
		assert_string_equal(p.cmdline, "");
		assert_defaults_except_kernel();
	}
}

static void test_log(void **state)
{
	(void)state;
	parse_ok("kernel=1 log=quiet");
	assert_int_equal(p.log, LOG_QUIET);
	parse_ok("kernel=1 log=default");
	assert_int_equal(p.log, LOG_DEFAULT);
	parse_ok("kernel=1 log=verbose");
	assert_int_equal(p.log, LOG_VERBOSE);
	expect_error("kernel=1 log=loud", "log: 'loud' is not " F_LOG);
	expect_error("kernel=1 log=", "log: '' is not " F_LOG);
	expect_error("kernel=1 log=Quiet", "log: 'Quiet' is not " F_LOG);
	expect_error("kernel=1 log=quiet|default",
		     "log: 'quiet|default' is not " F_LOG);
	expect_error("kernel=1 log=quie", "log: 'quie' is not " F_LOG);
	expect_error("kernel=1 log=verbosex", "log: 'verbosex' is not " F_LOG);
	expect_error("kernel=1 log=1", "log: '1' is not " F_LOG);
}

static void test_cpu_wait_ms(void **state)
{
	(void)state;
	parse_ok("kernel=1 cpu_wait_ms=0");
	assert_int_equal(p.cpu_wait_ms, 0);
	parse_ok("kernel=1 cpu_wait_ms=60000");
	assert_int_equal(p.cpu_wait_ms, 60000);
	parse_ok("kernel=1 cpu_wait_ms=0xea60");	/* 60000 in hex */
	assert_int_equal(p.cpu_wait_ms, 60000);
	expect_error("kernel=1 cpu_wait_ms=60001",
		     "cpu_wait_ms: '60001' is not " F_CPU_WAIT);
	expect_error("kernel=1 cpu_wait_ms=4294967296",
		     "cpu_wait_ms: '4294967296' is not " F_CPU_WAIT);
	expect_error("kernel=1 cpu_wait_ms=1,2",
		     "cpu_wait_ms: '1,2' is not " F_CPU_WAIT);
	expect_error("kernel=1 cpu_wait_ms=", "cpu_wait_ms: '' is not " F_CPU_WAIT);
}

static void test_given_twice(void **state)
{
	static const char *const twice[][2] = {
		{ "kernel=1 kernel=2", "kernel: given twice" },
		{ "kernel=1 initrd=1,1 initrd=2,2", "initrd: given twice" },
		{ "kernel=1 config=1 config=1", "config: given twice" },
		{ "kernel=1 comm=1 comm=2", "comm: given twice" },
		{ "kernel=1 cpu_wait_ms=1 cpu_wait_ms=2", "cpu_wait_ms: given twice" },
		{ "kernel=1 console=none console=io,0x3f8", "console: given twice" },
		{ "kernel=1 log=quiet log=quiet", "log: given twice" },
		/* the second one counts even if its value is bad */
		{ "kernel=1 log=quiet log=x", "log: given twice" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(twice); i++)
		expect_error(twice[i][0], twice[i][1]);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("kernel=1 foo=1", "unknown key 'foo'" UNKNOWN_TAIL);
	expect_error("KERNEL=1", "unknown key 'KERNEL'" UNKNOWN_TAIL);
	expect_error("kernel=1 kern=1", "unknown key 'kern'" UNKNOWN_TAIL);
	expect_error("kernel=1 kernelx=1", "unknown key 'kernelx'" UNKNOWN_TAIL);
	expect_error("kernel=1 console=ttyS0,115200",
		     "console: 'ttyS0,115200' is not " F_CONSOLE);
	expect_error("kernel=1 root=/dev/ram0", "unknown key 'root'" UNKNOWN_TAIL);
	expect_error("=1", "unknown key ''" UNKNOWN_TAIL);
	/* only the first '=' splits */
	expect_error("a=b=c", "unknown key 'a'" UNKNOWN_TAIL);
	expect_error("kernel=1=2", "kernel: '1=2' is not " F_KERNEL);
}

static void test_not_key_value(void **state)
{
	(void)state;
	expect_error("kernel", "'kernel' is not key=value");
	expect_error("kernel=1 quiet", "'quiet' is not key=value");
	expect_error("kernel=1 --x", "'--x' is not key=value");
	expect_error("kernel=1 -", "'-' is not key=value");
	expect_error("kernel=1 ---", "'---' is not key=value");
	expect_error("kernel=1 x--", "'x--' is not key=value");
}

static void test_malformed_numbers(void **state)
{
	static const char *const bad[] = {
		"", "0x", "010", "00", "1,", ",1", "1,2,3", "0x10000000000000000",
		"18446744073709551616", "1,0x10000000000000000", "4K", "1M",
		"-1", "+1", "0xg", "1.5", "1,,2", "0x1,0x",
	};
	char s[128], detail[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(s, sizeof(s), "kernel=%s", bad[i]);
		snprintf(detail, sizeof(detail), "kernel: '%s' is not " F_KERNEL,
			 bad[i]);
		expect_error(s, detail);
	}
	expect_error("kernel=1 config=0x", "config: '0x' is not " F_CONFIG);
	expect_error("kernel=1 config=07", "config: '07' is not " F_CONFIG);
}

static void test_no_kernel(void **state)
{
	(void)state;
	expect_error("", NO_KERNEL);
	expect_error("   \t\n", NO_KERNEL);
	expect_error("config=0x20000", NO_KERNEL);
	expect_error("-- kernel=1", NO_KERNEL);	/* that is command line */
	/* the key check comes first */
	expect_error("initrd=1,0", "initrd: '1,0' is not " F_INITRD);
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

static void test_not_text(void **state)
{
	(void)state;
	expect_error("kernel=1\x7f", "byte 0x7f at 8 is not text");
	expect_error("\x01kernel=1", "byte 0x1 at 0 is not text");
	expect_error("kernel=1 \x80", "byte 0x80 at 9 is not text");
	expect_error("kernel=1 \xff", "byte 0xff at 9 is not text");
	expect_error("kernel=1\v", "byte 0xb at 8 is not text");
	expect_error("kernel=1\f", "byte 0xc at 8 is not text");
	/* also inside the command line, and before any other error */
	expect_error("kernel=1 -- quiet\x1b[0m", "byte 0x1b at 17 is not text");
	expect_error("bogus \x1f", "byte 0x1f at 6 is not text");
	/* the first offending byte is named */
	expect_error("kernel=1 \x02\x03", "byte 0x2 at 9 is not text");
	/* every printable byte and the four spaces are text */
	{
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
}

static void test_whitespace(void **state)
{
	const char *s = "  \t kernel=1\n\rlog=quiet\t\t  config=2 \r\n";

	(void)state;
	parse_ok(s);
	assert_int_equal(p.kernel_addr, 1);
	assert_int_equal(p.log, LOG_QUIET);
	assert_int_equal(p.config_addr, 2);
	assert_ptr_equal(p.cmdline, s + strlen(s));
	assert_int_equal(p.cmdline_len, 0);
	/* a space inside a value ends it */
	expect_error("kernel= 1", "kernel: '' is not " F_KERNEL);
	expect_error("kernel=1 , 2", "',' is not key=value");
}

static void test_separator(void **state)
{
	const char *s;

	(void)state;
	/* "--" at the very end: empty command line at the NUL */
	s = "kernel=1 --";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 11);
	assert_int_equal(p.cmdline_len, 0);

	/* one separator after "--" is eaten, nothing else */
	s = "kernel=1 -- ";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 12);
	assert_int_equal(p.cmdline_len, 0);

	s = "kernel=1 --  two spaces ";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 12);
	assert_int_equal(p.cmdline_len, 12);
	assert_memory_equal(p.cmdline, " two spaces ", 12);

	s = "kernel=1 --\tx";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 12);
	assert_int_equal(p.cmdline_len, 1);

	s = "kernel=1 --\nroot=/dev/ram0\n";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 12);
	assert_int_equal(p.cmdline_len, 15);
	assert_memory_equal(p.cmdline, "root=/dev/ram0\n", 15);

	/* "--" and "=" and key names after the separator are verbatim */
	s = "kernel=1 -- log=quiet kernel=2 -- a=b=c -- --";
	parse_ok(s);
	assert_int_equal(p.kernel_addr, 1);
	assert_int_equal(p.log, LOG_DEFAULT);
	assert_ptr_equal(p.cmdline, s + 12);
	assert_int_equal(p.cmdline_len, 33);
	assert_memory_equal(p.cmdline, "log=quiet kernel=2 -- a=b=c -- --", 33);

	/* "--" first: all of it is command line */
	s = "-- console=ttyS0";
	expect_error(s, NO_KERNEL);

	/* options may follow leading whitespace before "--" */
	s = " \tkernel=1\t--\tx y";
	parse_ok(s);
	assert_ptr_equal(p.cmdline, s + 14);
	assert_int_equal(p.cmdline_len, 3);
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
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_key_order_free),
		cmocka_unit_test(test_kernel_and_config_forms),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_mem_repeat),
		cmocka_unit_test(test_mem_errors),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_console_errors),
		cmocka_unit_test(test_failed_parse_leaves_defaults),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_cpu_wait_ms),
		cmocka_unit_test(test_given_twice),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_not_key_value),
		cmocka_unit_test(test_malformed_numbers),
		cmocka_unit_test(test_no_kernel),
		cmocka_unit_test(test_no_nul),
		cmocka_unit_test(test_not_text),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_separator),
		cmocka_unit_test(test_long_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
