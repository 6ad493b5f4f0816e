/* SPDX-License-Identifier: MIT */
/*
 * lib/params.c, the crc= key: CRC-32 values of the kernel file and the
 * initrd (the loader checks them, loader/digest.c), and what it needs.
 */
#include "tests/unit/helpers.h"
#include "lib/params.h"

#define FORM "KERNELCRC[,INITRDCRC], 32-bit CRC-32 values"

static struct params p;
static struct cb_err err;

static int parse(const char *s)
{
	err_reset(&err);
	return params_parse(s, strlen(s) + 1, &p, &err);
}

static void test_kernel_and_initrd(void **state)
{
	(void)state;
	assert_ok(parse("kernel=0x1000000,0x7e0000 initrd=0x5000000,0x1000 "
			"crc=0xcbf43926,4294967295 -- x"), err);
	assert_true(p.has_crc);
	assert_true(p.has_initrd_crc);
	assert_int_equal(p.kernel_crc, 0xcbf43926u);
	assert_int_equal(p.initrd_crc, 0xffffffffu);
	assert_int_equal(p.cmdline_len, 1);
}

static void test_kernel_only(void **state)
{
	(void)state;
	assert_ok(parse("crc=0 kernel=0x1000,0x2000"), err);
	assert_true(p.has_crc);
	assert_false(p.has_initrd_crc);
	assert_int_equal(p.kernel_crc, 0);
}

static void test_absent(void **state)
{
	(void)state;
	assert_ok(parse("kernel=0x1000,0x2000"), err);
	assert_false(p.has_crc);
	assert_false(p.has_initrd_crc);
}

static void test_rejected(void **state)
{
	(void)state;
	assert_fail(parse("kernel=0x1000,0x2000 crc=0x100000000"), err, "params",
		    "crc: '0x100000000' is not " FORM);
	assert_fail(parse("kernel=0x1000,0x2000 crc=1,0x1ffffffff"), err,
		    "params", "crc: '1,0x1ffffffff' is not " FORM);
	assert_fail(parse("kernel=0x1000,0x2000 crc=zz"), err, "params",
		    "crc: 'zz' is not " FORM);
	assert_fail(parse("kernel=0x1000,0x2000 crc=1 crc=2"), err, "params",
		    "crc: given twice");
	/* the CRC covers SIZE bytes: without SIZE it cannot be checked */
	assert_fail(parse("kernel=0x1000 crc=1"), err, "params",
		    "crc= needs kernel=ADDR,SIZE: the CRC covers SIZE bytes");
	assert_fail(parse("kernel=0x1000,0x10 crc=1,2"), err, "params",
		    "crc=: an initrd CRC without initrd=");
	/* a failed parse leaves no CRC behind */
	assert_false(p.has_crc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_and_initrd),
		cmocka_unit_test(test_kernel_only),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
