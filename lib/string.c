/* SPDX-License-Identifier: MIT */
#include "lib/string.h"

void *cb_memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *cb_memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n) {
		while (n--)
			*d++ = *s++;
	} else {
		d += n;
		s += n;
		while (n--)
			*--d = *--s;
	}
	return dst;
}

void *cb_memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
	return dst;
}

int cb_memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t cb_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t cb_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int cb_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a < (u8)*b ? -1 : 1;
		if (!*a)
			break;
	}
	return 0;
}

int cb_strcmp(const char *a, const char *b)
{
	return cb_strncmp(a, b, (size_t)-1);
}

size_t cb_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = cb_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		cb_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c, unsigned int base)
{
	unsigned int v;

	if (c >= '0' && c <= '9')
		v = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		v = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		v = (unsigned int)(c - 'A' + 10);
	else
		return -1;
	return v < base ? (int)v : -1;
}

int cb_parse_u64(const char *s, size_t len, bool allow_suffix, u64 *out)
{
	unsigned int base = 10, shift = 0;
	u64 value = 0;
	size_t i = 0;

	if (len == 0)
		return -1;
	if (allow_suffix) {
		switch (s[len - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: break;
		}
		if (shift)
			len--;
	}
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && s[0] == '0') {
		return -1;	/* "017": octal or a typo; refuse either way */
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		int d = digit_value(s[i], base);

		if (d < 0)
			return -1;
		if (value > (UINT64_MAX - (u64)d) / base)
			return -2;
		value = value * base + (u64)d;
	}
	if (shift && value > (UINT64_MAX >> shift))
		return -2;
	*out = value << shift;
	return 0;
}
