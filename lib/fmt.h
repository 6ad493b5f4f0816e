/* SPDX-License-Identifier: MIT */
/*
 * A small printf for the loader and the host tool, kept to what the
 * callers use (the loader image has a fixed budget, CB_IMAGE_MAX):
 *   %u %x %s %%; flags '#' (%x only: "0x" prefix, also for zero; not
 *   with '0') and '0'; field width (a number); precision for %s (a number
 *   or *); length modifiers l, ll, z (all 64-bit: LP64).
 *   %pE prints untrusted text (a cell name, a kernel's version string, a
 *   signature): every byte outside 0x20-0x7e as \xNN, so that no CR/LF
 *   starts a forged line and no escape sequence reaches a terminal; %*pE
 *   prints at most the width's bytes (an int argument), stopping at a NUL.
 * Anything else is not supported (gcc's format checking rejects it at
 * every caller): a bare unknown conversion prints literally, one with a
 * width or length modifier prints a mangled form; neither takes an argument.
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
