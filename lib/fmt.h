/* SPDX-License-Identifier: MIT */
/*
 * A small printf for the loader and the host tool.
 * Conversions: %d %i %u %x %X %s %c %p %%; flags '-', '0', '#';
 * field width (number or *); precision for %s (number or *);
 * length modifiers hh, h, l, ll, z.
 */
#ifndef CELLBOOT_LIB_FMT_H
#define CELLBOOT_LIB_FMT_H

#include <stdarg.h>
#include "lib/types.h"

/* Like vsnprintf: always terminates (if size > 0), returns the full length. */
int cb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int cb_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
