/* SPDX-License-Identifier: MIT */
/*
 * lib/string.c: the freestanding memory and string helpers, the word-list
 * lookup and the number parsers (cb_parse_num, cb_parse_u64).
 */
#include "tests/unit/helpers.h"
#include "lib/string.h"

/* ---- memory ------------------------------------------------------------ */

static void test_memcpy(void **state)
{
	u8 src[16], dst[20];

	(void)state;
	for (int i = 0; i < 16; i++)
		src[i] = (u8)(0xa0 + i);
	memset(dst, 0x55, sizeof(dst));
	assert_ptr_equal(cb_memcpy(dst + 2, src, 16), dst + 2);
	assert_int_equal(dst[0], 0x55);
	assert_int_equal(dst[1], 0x55);
	assert_memory_equal(dst + 2, src, 16);
	assert_int_equal(dst[18], 0x55);
	assert_int_equal(dst[19], 0x55);
	/* n == 0 touches nothing */
	assert_ptr_equal(cb_memcpy(dst, src, 0), dst);
	assert_int_equal(dst[0], 0x55);
}

static void test_memmove_overlap(void **state)
{
	char b[16];

	(void)state;
	/* forward overlap: destination above the source */
	memcpy(b, "0123456789abcdef", 16);
	assert_ptr_equal(cb_memmove(b + 2, b, 10), b + 2);
	assert_memory_equal(b, "010123456789cdef", 16);
	/* backward overlap: destination below the source */
	memcpy(b, "0123456789abcdef", 16);
	assert_ptr_equal(cb_memmove(b, b + 3, 10), b);
	assert_memory_equal(b, "3456789abcabcdef", 16);
	/* same pointer and n == 0 are no-ops */
	memcpy(b, "0123456789abcdef", 16);
	assert_ptr_equal(cb_memmove(b, b, 16), b);
	assert_ptr_equal(cb_memmove(b + 1, b, 0), b + 1);
	assert_memory_equal(b, "0123456789abcdef", 16);
	/* disjoint */
	assert_ptr_equal(cb_memmove(b + 8, b, 8), b + 8);
	assert_memory_equal(b, "0123456701234567", 16);
}

static void test_memset(void **state)
{
	u8 b[8];

	(void)state;
	memset(b, 0, sizeof(b));
	assert_ptr_equal(cb_memset(b + 1, 0x1ab, 6), b + 1);	/* (u8)c */
	assert_int_equal(b[0], 0);
	for (int i = 1; i < 7; i++)
		assert_int_equal(b[i], 0xab);
	assert_int_equal(b[7], 0);
	assert_ptr_equal(cb_memset(b, 0x11, 0), b);
	assert_int_equal(b[0], 0);
}

static void test_memcmp(void **state)
{
	(void)state;
	assert_int_equal(cb_memcmp("abc", "abc", 3), 0);
	assert_int_equal(cb_memcmp("abc", "abd", 3), -1);
	assert_int_equal(cb_memcmp("abd", "abc", 3), 1);
	assert_int_equal(cb_memcmp("abd", "abc", 2), 0);
	assert_int_equal(cb_memcmp("x", "y", 0), 0);
	/* bytes compare unsigned */
	assert_int_equal(cb_memcmp("\x80", "\x01", 1), 1);
	assert_int_equal(cb_memcmp("\x01", "\xff", 1), -1);
	/* NULs are ordinary bytes */
	assert_int_equal(cb_memcmp("a\0b", "a\0c", 3), -1);
}

/* ---- strings ----------------------------------------------------------- */

static void test_strlen_strnlen(void **state)
{
	(void)state;
	assert_int_equal(cb_strlen(""), 0);
	assert_int_equal(cb_strlen("abc"), 3);
	assert_int_equal(cb_strlen("ab\0cd"), 2);
	assert_int_equal(cb_strnlen("abc", 0), 0);
	assert_int_equal(cb_strnlen("abc", 2), 2);
	assert_int_equal(cb_strnlen("abc", 3), 3);
	assert_int_equal(cb_strnlen("abc", 100), 3);
	{
		/* never reads past max: a heap block without a NUL (ASan) */
		char *p = malloc(4);

		assert_non_null(p);
		memcpy(p, "wxyz", 4);
		assert_int_equal(cb_strnlen(p, 4), 4);
		free(p);
	}
}

static void test_strcmp_strncmp(void **state)
{
	(void)state;
	assert_int_equal(cb_strcmp("", ""), 0);
	assert_int_equal(cb_strcmp("abc", "abc"), 0);
	assert_int_equal(cb_strcmp("abc", "abd"), -1);
	assert_int_equal(cb_strcmp("abd", "abc"), 1);
	assert_int_equal(cb_strcmp("ab", "abc"), -1);	/* NUL sorts first */
	assert_int_equal(cb_strcmp("abc", "ab"), 1);
	assert_int_equal(cb_strcmp("\xff", "a"), 1);	/* unsigned bytes */
	assert_int_equal(cb_strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(cb_strncmp("abcX", "abcY", 4), -1);
	assert_int_equal(cb_strncmp("a", "b", 0), 0);
	/* stops at a common NUL even if n is larger */
	assert_int_equal(cb_strncmp("ab\0x", "ab\0y", 4), 0);
}

static void test_strlcpy(void **state)
{
	char b[8];

	(void)state;
	memset(b, 'Z', sizeof(b));
	assert_int_equal(cb_strlcpy(b, "abc", sizeof(b)), 3);
	assert_string_equal(b, "abc");
	assert_int_equal(b[4], 'Z');		/* nothing after the NUL */

	memset(b, 'Z', sizeof(b));
	assert_int_equal(cb_strlcpy(b, "0123456789", sizeof(b)), 10);
	assert_memory_equal(b, "0123456\0", 8);	/* size - 1 bytes + NUL */

	memset(b, 'Z', sizeof(b));
	assert_int_equal(cb_strlcpy(b, "01234567", 8), 8);
	assert_memory_equal(b, "0123456\0", 8);

	memset(b, 'Z', sizeof(b));
	assert_int_equal(cb_strlcpy(b, "abc", 1), 3);
	assert_int_equal(b[0], '\0');
	assert_int_equal(b[1], 'Z');

	memset(b, 'Z', sizeof(b));
	assert_int_equal(cb_strlcpy(b, "abc", 0), 3);	/* size 0: no write */
	assert_int_equal(b[0], 'Z');
}

/* ---- word lists -------------------------------------------------------- */

static void test_word_space_list(void **state)
{
	const char *list = "alpha be c";
	size_t len = 99;
	const char *w;

	(void)state;
	w = cb_word(list, ' ', 0, &len);
	assert_ptr_equal(w, list);
	assert_int_equal(len, 5);
	w = cb_word(list, ' ', 1, &len);
	assert_ptr_equal(w, list + 6);
	assert_int_equal(len, 2);
	w = cb_word(list, ' ', 2, &len);
	assert_ptr_equal(w, list + 9);
	assert_int_equal(len, 1);
	len = 99;
	assert_null(cb_word(list, ' ', 3, &len));
	assert_int_equal(len, 99);		/* untouched on NULL */
	assert_null(cb_word(list, ' ', 1000, NULL));
	assert_ptr_equal(cb_word(list, ' ', 1, NULL), list + 6);
	/* an empty list has no words; a trailing separator adds none */
	assert_null(cb_word("", ' ', 0, &len));
	{
		const char *one = "a ";

		assert_ptr_equal(cb_word(one, ' ', 0, &len), one);
		assert_int_equal(len, 1);
		assert_null(cb_word(one, ' ', 1, &len));
	}
}

static void test_word_nul_list(void **state)
{
	static const char list[] = "unset\0none\0io\0";
	size_t len = 0;

	(void)state;
	assert_ptr_equal(cb_word(list, '\0', 0, &len), list);
	assert_int_equal(len, 5);
	assert_ptr_equal(cb_word(list, '\0', 1, &len), list + 6);
	assert_int_equal(len, 4);
	assert_string_equal(cb_word(list, '\0', 1, NULL), "none");
	assert_ptr_equal(cb_word(list, '\0', 2, &len), list + 11);
	assert_int_equal(len, 2);
	assert_null(cb_word(list, '\0', 3, &len));	/* the ending empty word */
	assert_null(cb_word(list, '\0', 4, &len));
}

static void test_word_other_separator(void **state)
{
	const char *list = "quiet|default|verbose";
	size_t len = 0;

	(void)state;
	assert_ptr_equal(cb_word(list, '|', 2, &len), list + 14);
	assert_int_equal(len, 7);
	assert_null(cb_word(list, '|', 3, &len));
}

/* ---- numbers ----------------------------------------------------------- */

static int num(const char *s, u64 *out)
{
	return cb_parse_num(s, strlen(s), out);
}

static void test_parse_num_ok(void **state)
{
	u64 v;

	(void)state;
	assert_int_equal(num("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num("7", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(num("1234567890", &v), 0);
	assert_int_equal(v, 1234567890ull);
	assert_int_equal(num("0x0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num("0x1f", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(num("0X1F", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(num("0xAbCdEf", &v), 0);
	assert_int_equal(v, 0xabcdef);
	assert_int_equal(num("0x00001000", &v), 0);	/* zeros after 0x are fine */
	assert_int_equal(v, 0x1000);
	assert_int_equal(num("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(num("0xffffffffffffffff", &v), 0);
	assert_true(v == UINT64_MAX);
	/* only [s, s+len) is read */
	assert_int_equal(cb_parse_num("12345", 3, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(cb_parse_num("0x10,5", 4, &v), 0);
	assert_int_equal(v, 16);
}

static void test_parse_num_malformed(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0X", "00", "01", "017", "0b1", "0o7", "x1", "-1",
		"+1", " 1", "1 ", "1a", "12k", "0xg", "0x1g", "0x-1", "1.5",
		"1,2", "\xff", "0x\xc1",
	};
	u64 v = 0x5a5a;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (num(bad[i], &v) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(v, 0x5a5a);	/* out untouched on error */
	}
	/* len 0 of a non-empty string */
	assert_int_equal(cb_parse_num("5", 0, &v), -1);
}

static void test_parse_num_overflow(void **state)
{
	u64 v = 0x5a5a;

	(void)state;
	assert_int_equal(num("18446744073709551616", &v), -2);
	assert_int_equal(num("99999999999999999999", &v), -2);
	assert_int_equal(num("0x10000000000000000", &v), -2);
	assert_int_equal(num("0x1ffffffffffffffff", &v), -2);
	assert_int_equal(v, 0x5a5a);
	/* overflow is found before a later bad character */
	assert_int_equal(num("99999999999999999999x", &v), -2);
	/* but a bad character before the overflow is malformed */
	assert_int_equal(num("9x9999999999999999999", &v), -1);
}

static int u64s(const char *s, bool suffix, u64 *out)
{
	return cb_parse_u64(s, strlen(s), suffix, out);
}

static void test_parse_u64_suffixes(void **state)
{
	u64 v;

	(void)state;
	assert_int_equal(u64s("4K", true, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(u64s("4k", true, &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(u64s("3M", true, &v), 0);
	assert_int_equal(v, 3 * MIB);
	assert_int_equal(u64s("2m", true, &v), 0);
	assert_int_equal(v, 2 * MIB);
	assert_int_equal(u64s("5G", true, &v), 0);
	assert_int_equal(v, 5 * GIB);
	assert_int_equal(u64s("1g", true, &v), 0);
	assert_int_equal(v, GIB);
	assert_int_equal(u64s("0x10K", true, &v), 0);
	assert_int_equal(v, 0x4000);
	assert_int_equal(u64s("0K", true, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(u64s("123", true, &v), 0);	/* suffix optional */
	assert_int_equal(v, 123);
	/* the largest values that still fit */
	assert_int_equal(u64s("17179869183G", true, &v), 0);
	assert_true(v == 17179869183ull << 30);
	assert_int_equal(u64s("17592186044415M", true, &v), 0);
	assert_true(v == 17592186044415ull << 20);
	assert_int_equal(u64s("18014398509481983K", true, &v), 0);
	assert_true(v == 18014398509481983ull << 10);
}

static void test_parse_u64_errors(void **state)
{
	u64 v = 0x77;

	(void)state;
	/* 2^34 G = 2^64, 2^44 M = 2^64, 2^54 K = 2^64 */
	assert_int_equal(u64s("17179869184G", true, &v), -2);
	assert_int_equal(u64s("17592186044416M", true, &v), -2);
	assert_int_equal(u64s("18014398509481984K", true, &v), -2);
	assert_int_equal(u64s("18446744073709551616", true, &v), -2);
	assert_int_equal(v, 0x77);
	/* no suffix allowed: the letter is malformed */
	assert_int_equal(u64s("4K", false, &v), -1);
	assert_int_equal(u64s("1G", false, &v), -1);
	/* suffix only, unknown suffix, suffix twice, leading zeros */
	assert_int_equal(u64s("K", true, &v), -1);
	assert_int_equal(u64s("", true, &v), -1);
	assert_int_equal(u64s("4T", true, &v), -1);
	assert_int_equal(u64s("4KK", true, &v), -1);
	assert_int_equal(u64s("4MK", true, &v), -1);
	assert_int_equal(u64s("04K", true, &v), -1);
	assert_int_equal(u64s("0xK", true, &v), -1);
	assert_int_equal(v, 0x77);
	/* without the suffix flag it is cb_parse_num */
	assert_int_equal(u64s("0x20", false, &v), 0);
	assert_int_equal(v, 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_strlen_strnlen),
		cmocka_unit_test(test_strcmp_strncmp),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_word_space_list),
		cmocka_unit_test(test_word_nul_list),
		cmocka_unit_test(test_word_other_separator),
		cmocka_unit_test(test_parse_num_ok),
		cmocka_unit_test(test_parse_num_malformed),
		cmocka_unit_test(test_parse_num_overflow),
		cmocka_unit_test(test_parse_u64_suffixes),
		cmocka_unit_test(test_parse_u64_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
