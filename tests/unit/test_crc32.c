/* SPDX-License-Identifier: MIT */
/*
 * lib/crc32.c: the nibble-table CRC-32 against the published check value
 * and against a plain bit-by-bit reference written here; the raw register
 * form that Linux's build tool stores at the end of a bzImage.
 */
#include "tests/unit/helpers.h"
#include "lib/crc32.h"

/* one bit at a time, straight from the definition */
static u32 reference(const u8 *p, size_t len)
{
	u32 c = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
	}
	return ~c;
}

static void test_check_values(void **state)
{
	(void)state;
	/* the CRC-32 catalogue's check value for "123456789" */
	assert_int_equal(cb_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(cb_crc32("", 0), 0);
	assert_int_equal(cb_crc32("a", 1), 0xe8b7be43u);
	/* the raw register is the inverted result */
	assert_int_equal(cb_crc32_update(0xffffffffu, "123456789", 9),
			 ~0xcbf43926u);
}

static void test_against_reference(void **state)
{
	static u8 buf[4099];
	u32 seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (u8)(seed >> 16);
	}
	for (size_t len = 0; len < sizeof(buf); len += len < 64 ? 1 : 509)
		assert_int_equal(cb_crc32(buf, len), reference(buf, len));
}

static void test_incremental(void **state)
{
	const char *s = "The quick brown fox jumps over the lazy dog";
	u32 c;

	(void)state;
	c = cb_crc32_update(0xffffffffu, s, 10);
	c = cb_crc32_update(c, s + 10, strlen(s) - 10);
	assert_int_equal(~c, 0x414fa339u);
	assert_int_equal(cb_crc32(s, strlen(s)), 0x414fa339u);
}

/*
 * A file whose last 4 bytes hold the raw register over the bytes before
 * them (little-endian) has the CRC-32 residue: its whole-file raw register
 * is 0. That is how Linux's build tool makes `crc32 bzImage` print 0xffffffff.
 */
static void test_build_tool_trailer(void **state)
{
	u8 f[64 + 4];
	u32 raw;

	(void)state;
	for (size_t i = 0; i < 64; i++)
		f[i] = (u8)(i * 7 + 3);
	raw = cb_crc32_update(0xffffffffu, f, 64);
	wr32(f, 64, raw);
	assert_int_equal(cb_crc32_update(0xffffffffu, f, sizeof(f)), 0);
	assert_int_equal(cb_crc32(f, sizeof(f)), 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_values),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_build_tool_trailer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
