/* SPDX-License-Identifier: MIT */
#include "lib/string.h"

/*
 * In the loader (freestanding x86-64) copies and fills are one string
 * instruction: small, and fast on the 4 KiB tables. The host build keeps
 * plain C so that the sanitizers see every access.
 */
#if !__STDC_HOSTED__ && defined(__x86_64__)
#define CB_REP_STRING 1
#else
#define CB_REP_STRING 0
#endif

void *cb_memcpy(void *dst, const void *src, size_t n)
{
#if CB_REP_STRING
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
	u8 *d = dst;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
#endif
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
#if CB_REP_STRING
	void *d = dst;

	if (!(((uintptr_t)dst | n) & 7)) {	/* whole qwords: 8x fewer steps */
		size_t q = n / 8;

		__asm__ volatile("rep stosq" : "+D"(d), "+c"(q)
				 : "a"(0x0101010101010101ull * (u8)c) : "memory");
		return dst;
	}
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
	u8 *d = dst;

	while (n--)
		*d++ = (u8)c;
#endif
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

const char *cb_word(const char *list, char sep, unsigned int n, size_t *len)
{
	for (;;) {
		size_t l = 0;

		while (list[l] && list[l] != sep)
			l++;
		if (!l && (!sep || !*list))
			return NULL;	/* the empty word ends the list */
		if (!n--) {
			if (len)
				*len = l;
			return list;
		}
		list += l;
		if (!*list && sep)
			return NULL;
		list++;
	}
}

int cb_parse_num(const char *s, size_t len, u64 *out)
{
	unsigned int base = 10;
	u64 value = 0;
	size_t i = 0;

	if (len >= 2 && s[0] == '0') {
		if ((s[1] | 0x20) != 'x')
			return -1;	/* "017": octal or a typo; refuse either way */
		base = 16;
		i = 2;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		unsigned int c = (u8)s[i], d = c - '0';

		if (d > 9) {
			d = (c | 0x20) - 'a';
			d = d < 6 ? d + 10 : 16;
		}
		if (d >= base)
			return -1;
		if (__builtin_mul_overflow(value, base, &value) ||
		    __builtin_add_overflow(value, d, &value))
			return -2;
	}
	*out = value;
	return 0;
}

int cb_parse_u64(const char *s, size_t len, bool allow_suffix, u64 *out)
{
	unsigned int shift = 0;
	u64 value;
	int rc;

	if (allow_suffix && len) {
		char c = (char)(s[len - 1] | 0x20);

		shift = c == 'k' ? 10 : c == 'm' ? 20 : c == 'g' ? 30 : 0;
		if (shift)
			len--;
	}
	rc = cb_parse_num(s, len, &value);
	if (rc)
		return rc;
	if (value > (UINT64_MAX >> shift))
		return -2;
	*out = value << shift;
	return 0;
}
