/* SPDX-License-Identifier: MIT */
#include "lib/fmt.h"

_Static_assert(sizeof(long) == 8 && sizeof(size_t) == 8,
	       "cb_vsnprintf reads l, ll and z arguments as 64-bit (LP64)");

/*
 * Every argument is fetched as a 64-bit integer: on x86-64 (SysV) each
 * variadic integer or pointer argument takes one 8-byte slot; 32-bit
 * values are truncated back, so their undefined upper halves do not matter.
 * One fetch site keeps the loader small.
 */
static __attribute__((noinline)) u64 next_arg(va_list *ap)
{
	return va_arg(*ap, u64);
}

static const char hex_digits[] = "0123456789abcdef";

/* %pE, %*pE: each byte as itself if printable, else as \xNN. */
static void put_escaped(char *buf, size_t size, size_t *len, const u8 *s,
			int max)
{
	for (int i = 0; (max < 0 || i < max) && s[i]; i++) {
		char tmp[4] = { '\\', 'x', hex_digits[s[i] >> 4],
				hex_digits[s[i] & 15] };
		int n = 4;

		if (s[i] >= ' ' && s[i] < 0x7f) {
			tmp[0] = (char)s[i];
			n = 1;
		}
		for (int j = 0; j < n; j++, (*len)++)
			if (*len + 1 < size)
				buf[*len] = tmp[j];
	}
}

int cb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	size_t len = 0;
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {	/* literal text: the common, fast case */
			if (len + 1 < size)
				buf[len] = *f;
			len++;
			continue;
		}
		char tmp[24], pad = ' ';
		const char *s = f;
		int width = 0, prec = -1, n = 1, max = -1;
		unsigned int base = 10;
		bool alt = false;
		u64 v, mask = 0xffffffffu;

		if (*++f == '#') {	/* for %x only */
			alt = true;
			f++;
		}
		if (*f == '0')
			pad = *f++;
		/* width, then maybe '.' and a precision (digits or *) */
		for (int *num = &width;; f++) {
			if (*f >= '0' && *f <= '9')
				*num = *num * 10 + *f - '0';
			else if (*f == '.' && num == &width)
				*(num = &prec) = 0;
			else if (*f == '*' && (*num = (int)next_arg(&ap),
					       num == &width))
				max = width;	/* %*pE: the byte count */
			else if (*f != '*')
				break;
		}
		while (*f == 'l' || *f == 'z') {
			mask = ~0ull;
			f++;
		}
		s = f;
		switch (*f) {
		case 'p':
			if (f[1] != 'E')
				goto as_is;
			put_escaped(buf, size, &len, (const u8 *)(uintptr_t)
				    next_arg(&ap), max);
			f++;
			continue;
		case 's':
			s = (const char *)(uintptr_t)next_arg(&ap);
			if (!s)
				s = "(null)";
			for (n = 0; (prec < 0 || n < prec) && s[n]; n++)
				;
			pad = ' ';
			break;
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			v = next_arg(&ap) & mask;
			s = tmp + sizeof(tmp);
			n = 0;
			do {
				*(char *)--s = hex_digits[v % base];
				n++;
				v /= base;
			} while (v);
			if (alt) {	/* base 16 only: 'u' never sets it */
				*(char *)--s = 'x';
				*(char *)--s = '0';
				n += 2;
			}
			break;
		case '\0':
			f--;
			continue;
		default:	/* %% and anything unsupported: as is */
as_is:
			if (*f != '%')
				s = f - 1, n = 2;
		}
		for (int i = n < width ? n - width : 0; i < n; i++) {
			if (len + 1 < size)
				buf[len] = i < 0 ? pad : s[i];
			len++;
		}
	}
	va_end(ap);
	if (size)
		buf[len < size ? len : size - 1] = '\0';
	return (int)len;
}

int cb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
