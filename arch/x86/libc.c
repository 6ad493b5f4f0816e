/* SPDX-License-Identifier: MIT */
/*
 * The four functions gcc may emit calls to even with -ffreestanding
 * (struct copies, large initialisers). They forward to lib/string.c.
 */
#include "lib/string.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	return cb_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return cb_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return cb_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return cb_memcmp(a, b, n);
}
