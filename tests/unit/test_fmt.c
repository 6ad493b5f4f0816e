/* SPDX-License-Identifier: MIT */
/*
 * lib/fmt.c: cb_snprintf / cb_vsnprintf, for every conversion the callers
 * use (format strings in lib/, loader/ and tools/cellboot/: %s %u %x %#x
 * %#lx %llx %lu %zu %.*s %.5s %.6s %02u %010lx %%), truncation, the return
 * value, and precision never reading past its limit. Also cb_fail().
 */
#include "tests/unit/helpers.h"
#include "lib/fmt.h"

static char buf[256];

/*
 * Formats without the compiler's printf checking, for the conversions that
 * lib/fmt.h documents as unsupported (printed literally, no argument).
 */
static int raw_fmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cb_vsnprintf(out, size, fmt, ap);
	va_end(ap);
	return n;
}

/* fn formats into buf (filled with 'Z' first): exactly expect, its length. */
#define FMT_WITH(fn, expect, ...) do {					\
		memset(buf, 'Z', sizeof(buf));				\
		assert_int_equal(fn(buf, sizeof(buf), __VA_ARGS__),	\
				 (int)strlen(expect));			\
		assert_string_equal(buf, expect);			\
	} while (0)

#define FMT(expect, ...)	FMT_WITH(cb_snprintf, expect, __VA_ARGS__)
/* through raw_fmt, for formats the compiler's printf check would refuse */
#define RAW_FMT(expect, ...)	FMT_WITH(raw_fmt, expect, __VA_ARGS__)

static void test_plain_text(void **state)
{
	(void)state;
	FMT("", "%s", "");
	FMT("hello, world", "hello, world");
	FMT("100%", "100%%");
	FMT("%", "%%");
	FMT("a%b", "a%%b");
}

static void test_unsigned(void **state)
{
	(void)state;
	FMT("0", "%u", 0u);
	FMT("7", "%u", 7u);
	FMT("4294967295", "%u", 0xffffffffu);
	FMT("4294967295", "%u", (unsigned int)-1);
	FMT("1 2 3", "%u %u %u", 1u, 2u, 3u);
	FMT("0", "%lu", 0ul);
	FMT("18446744073709551615", "%lu", 0xfffffffffffffffful);
	FMT("18446744073709551615", "%llu", 0xffffffffffffffffull);
	FMT("4294967296", "%lu", 0x100000000ul);
	FMT("18446744073709551615", "%zu", (size_t)-1);
	FMT("2047", "%zu", (size_t)2047);
}

static void test_hex(void **state)
{
	(void)state;
	FMT("0", "%x", 0u);
	FMT("deadbeef", "%x", 0xdeadbeefu);
	FMT("ffffffff", "%x", 0xffffffffu);
	FMT("0x0", "%#x", 0u);		/* "0x" also for zero (unlike libc) */
	FMT("0x1f", "%#x", 0x1fu);
	FMT("0xaa55", "%#x", 0xaa55u);
	FMT("0x0", "%#lx", 0ul);
	FMT("0x100000", "%#lx", 0x100000ul);
	FMT("0xffffffffffffffff", "%#lx", 0xfffffffffffffffful);
	FMT("123456789abcdef0", "%lx", 0x123456789abcdef0ul);
	FMT("123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	FMT("0x123456789", "0x%llx", 0x123456789ull);
	FMT("fff", "%zx", (size_t)0xfff);
}

static void test_32bit_conversions_truncate(void **state)
{
	(void)state;
	/*
	 * Every argument is fetched as 64 bits; %u and %x keep the low 32.
	 * A callee cannot know what a caller put in the upper half of an
	 * int slot, so pass the value through the va_list directly.
	 */
	assert_int_equal(raw_fmt(buf, sizeof(buf), "%x", 0x1234567887654321ull), 8);
	assert_string_equal(buf, "87654321");
	assert_int_equal(raw_fmt(buf, sizeof(buf), "%u", 0x100000005ull), 1);
	assert_string_equal(buf, "5");
	assert_int_equal(raw_fmt(buf, sizeof(buf), "%#x", 0xffffffff00000000ull), 3);
	assert_string_equal(buf, "0x0");
}

static void test_width_and_zero_pad(void **state)
{
	(void)state;
	FMT("0000000abc", "%010lx", 0xabcul);
	FMT("0x%010lx", "0x%%010lx");
	FMT("e820 0x0000100000-0x00001fffff RAM",
	    "e820 0x%010lx-0x%010lx %s", 0x100000ul, 0x1ffffful, "RAM");
	FMT("12345678901", "%010lx", 0x12345678901ul);	/* wider than 10 */
	FMT("05", "%02u", 5u);
	FMT("00", "%02u", 0u);
	FMT("15", "%02u", 15u);
	FMT("123", "%02u", 123u);
	FMT("   42", "%5u", 42u);
	FMT("00042", "%05u", 42u);
	FMT("  0x1f", "%#6x", 0x1fu);	/* the prefix counts in the width */
	FMT("     ab", "%7s", "ab");
	/* '0' never pads a string (gcc rejects the flag: unchecked call) */
	assert_int_equal(raw_fmt(buf, sizeof(buf), "%07s", "ab"), 7);
	assert_string_equal(buf, "     ab");
	FMT("abcdef", "%3s", "abcdef");
	FMT("protocol 2.15", "protocol %u.%02u", 2u, 15u);
	FMT("protocol 2.05", "protocol %u.%02u", 2u, 5u);
}

static void test_strings(void **state)
{
	(void)state;
	FMT("abc", "%s", "abc");
	FMT("[x][yz]", "[%s][%s]", "x", "yz");
	assert_int_equal(raw_fmt(buf, sizeof(buf), "%s", (const char *)NULL), 6);
	assert_string_equal(buf, "(null)");
	FMT("abc", "%.3s", "abcdef");
	FMT("ab", "%.10s", "ab");
	FMT("", "%.0s", "abc");
	FMT("ab", "%.*s", 2, "abcdef");
	FMT("", "%.*s", 0, "abcdef");
	FMT("abcdef", "%.*s", -1, "abcdef");	/* negative: no precision */
	FMT("  ab", "%4.2s", "abcdef");
	FMT("JHCLL", "%.5s", "JHCLLx");
	FMT("JHCOMM", "%.6s", "JHCOMMJHCOMM");
	FMT("'ker' is", "'%.*s' is", 3, "kernel=1");
}

static void test_precision_does_not_read_past(void **state)
{
	/* exactly-sized heap blocks without a NUL: ASan reports any overread */
	char *five = malloc(5), *none = malloc(1);

	(void)state;
	assert_non_null(five);
	assert_non_null(none);
	memcpy(five, "JHCLL", 5);
	FMT("\"JHCLL\"", "\"%.5s\"", five);
	FMT("JHC", "%.*s", 3, five);
	FMT("JHCLL", "%.*s", 5, five);
	none[0] = 'q';
	FMT("", "%.*s", 0, none);
	FMT("q", "%.1s", none);
	free(five);
	free(none);
}

static void test_mixed_arguments(void **state)
{
	(void)state;
	/* 32- and 64-bit arguments and pointers interleaved keep their order */
	FMT("1 0x200000000 two 3 0x4 five 6",
	    "%u %#lx %s %u %#x %.*s %zu", 1u, 0x200000000ul, "two", 3u, 4u,
	    4, "five!", (size_t)6);
	FMT("boot_params 0x8000, cmdline 0x9000 (12 bytes), setup_data 0xa000 (2 nodes)",
	    "boot_params %#x, cmdline %#x (%zu bytes), setup_data %#x (%u nodes)",
	    0x8000u, 0x9000u, (size_t)12, 0xa000u, 2u);
	FMT("handoff to 0x1000200 after 12345 TSC cycles (6 us)",
	    "handoff to %#lx after %lu TSC cycles (%lu us)", 0x1000200ul,
	    12345ul, 6ul);
}

/*
 * One truncation case: formatting into an 8-byte buffer of 'Z's with the
 * given size returns rc and leaves exactly the 8 bytes want8.
 */
#define TRUNC(name, size, rc, want8, ...) do {				\
		char small_[8];						\
									\
		memset(small_, 'Z', sizeof(small_));			\
		assert_row_equal((name), "return value",		\
				 cb_snprintf(small_, (size), __VA_ARGS__), (rc)); \
		if (memcmp(small_, (want8), 8) != 0) {			\
			print_message("row \"%s\": buffer\n", (name));	\
			assert_memory_equal(small_, (want8), 8);	\
		}							\
	} while (0)

static void test_truncation(void **state)
{
	(void)state;
	TRUNC("string cut to 4", 5, 8, "abcd\0ZZZ", "%s", "abcdefgh");
	TRUNC("hex cut to 3", 4, 8, "0x1\0ZZZZ", "%#lx", 0x123456ul);
	TRUNC("size 1: only the NUL", 1, 3, "\0ZZZZZZZ", "abc");
	/* size 0: no write */
	TRUNC("size 0: nothing written", 0, 9, "ZZZZZZZZ", "abc %u", 12345u);
	assert_int_equal(cb_snprintf(NULL, 0, "%s-%u", "abc", 7u), 5);
	/* exactly fitting: len == size - 1 */
	TRUNC("exactly fitting", 8, 7, "1234567\0", "%s", "1234567");
	TRUNC("one more than fits", 8, 8, "1234567\0", "%s", "12345678");
	/* padding is truncated and counted like text */
	TRUNC("padding cut like text", 4, 6, "   \0ZZZZ", "%6u", 1u);
}

static void test_unsupported_printed_literally(void **state)
{
	(void)state;
	/* documented: printed as is, no argument consumed */
	RAW_FMT("%d|next", "%d|%s", "next");
	RAW_FMT("%c9", "%c%u", 9u);
	/* a lone '%' at the end prints nothing and stops */
	RAW_FMT("ab", "ab%");
	RAW_FMT("ab", "ab%#");
	RAW_FMT("ab", "ab%l");
}

/*
 * BUG (lib/fmt.c, cosmetic): fmt.h promises that an unsupported conversion
 * "is printed literally and consumes no argument". With a width or a
 * length modifier in front it is not: the default case prints from f - 1,
 * i.e. the last digit or 'l' instead of the '%', and pads to the width:
 * "%ld" gives "ld", "%5d" gives "   5d". Fix: remember where the '%' was
 * and print [pct, f] unpadded (s = pct; n = f - pct + 1; width = 0).
 */
static void test_unsupported_with_modifiers(void **state)
{
	(void)state;
	/* documented in lib/fmt.h: mangled, but bounded and argument-free */
	RAW_FMT("[ld]", "[%ld]");
	RAW_FMT("[   5d]", "[%5d]");
}

static void test_cb_fail(void **state)
{
	struct cb_err e;

	(void)state;
	err_reset(&e);
	assert_int_equal(cb_fail(&e, "kernel", "%#lx: %u bytes", 0x1000ul, 12u), -1);
	assert_string_equal(e.what, "kernel");
	assert_string_equal(e.detail, "0x1000: 12 bytes");
	/* NULL err: still -1 */
	assert_int_equal(cb_fail(NULL, "x", "%s", "y"), -1);
	/* detail is truncated to CB_ERR_DETAIL_MAX - 1 characters */
	{
		char longs[400];

		memset(longs, 'a', sizeof(longs) - 1);
		longs[sizeof(longs) - 1] = '\0';
		err_reset(&e);
		assert_int_equal(cb_fail(&e, "w", "%s!", longs), -1);
		assert_int_equal(strlen(e.detail), CB_ERR_DETAIL_MAX - 1);
		assert_int_equal(e.detail[CB_ERR_DETAIL_MAX - 2], 'a');
	}
}

/*
 * Issue 8, item 7: untrusted bytes (cell name, kernel version string,
 * signatures) print as printable ASCII only: %pE (NUL-terminated) and %*pE
 * (at most the width's bytes, or to a NUL) show every byte outside
 * 0x20-0x7e as \xNN, so a CR/LF cannot start a forged line and no escape
 * sequence reaches a terminal.
 */
static void test_escaped_untrusted_text(void **state)
{
	static const char forged[] = "x\r\ncellboot: error: \x1b[2J\x7f\xff";

	(void)state;
	FMT("[linux-demo]", "[%pE]", "linux-demo");
	FMT("x\\x0d\\x0acellboot: error: \\x1b[2J\\x7f\\xff", "%pE", forged);
	FMT("[]", "[%pE]", "");
	/* %*pE: the width is the byte count; it stops at a NUL too */
	FMT("6.1\\x0a", "%*pE", 4, "6.1\n-rest");
	FMT("ab", "%*pE", 8, "ab\0cd");
	FMT("", "%*pE", 0, "abc");
	FMT("JHCLL", "%*pE", 5, "JHCLLxyz");
	/* no width argument misread: what follows still lines up */
	FMT("\\x01=1 end", "%*pE=%u %s", 1, "\001\002", 1u, "end");
	/* truncation keeps counting the full escaped length */
	{
		char small[6];

		assert_int_equal(cb_snprintf(small, sizeof(small), "%pE", "\033\033"),
				 8);
		assert_string_equal(small, "\\x1b\\");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_unsigned),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_32bit_conversions_truncate),
		cmocka_unit_test(test_width_and_zero_pad),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_precision_does_not_read_past),
		cmocka_unit_test(test_mixed_arguments),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unsupported_printed_literally),
		cmocka_unit_test(test_unsupported_with_modifiers),
		cmocka_unit_test(test_cb_fail),
		cmocka_unit_test(test_escaped_untrusted_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
