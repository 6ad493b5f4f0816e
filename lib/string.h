/* SPDX-License-Identifier: MIT */
/* Freestanding string and memory helpers used by lib/, loader/ and tools/. */
#ifndef CELLBOOT_LIB_STRING_H
#define CELLBOOT_LIB_STRING_H

#include "lib/types.h"

void *cb_memcpy(void *dst, const void *src, size_t n);
void *cb_memmove(void *dst, const void *src, size_t n);
void *cb_memset(void *dst, int c, size_t n);
int cb_memcmp(const void *a, const void *b, size_t n);
size_t cb_strlen(const char *s);
size_t cb_strnlen(const char *s, size_t max);
int cb_strncmp(const char *a, const char *b, size_t n);
int cb_strcmp(const char *a, const char *b);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t cb_strlcpy(char *dst, const char *src, size_t size);

/*
 * The n-th word (from 0) of a list of words separated by sep: either a
 * space ("a b c") or a NUL ("a\0b\0c\0": the list ends with an empty word,
 * so each word is also a C string). Returns NULL if there are fewer words;
 * stores the word's length in *len unless len is NULL.
 */
const char *cb_word(const char *list, char sep, unsigned int n, size_t *len);

/*
 * Parses an unsigned number in C notation (0x hex, 0 octal is NOT accepted:
 * a leading 0 followed by digits is decimal-looking and rejected to avoid
 * surprises; decimal otherwise) from [s, s+len). Optional size suffix K, M,
 * G (binary multiples) when allow_suffix. Returns 0 on success, -1 on a
 * malformed number, -2 on overflow.
 */
int cb_parse_u64(const char *s, size_t len, bool allow_suffix, u64 *out);
/* The same without a suffix (what the loader needs). */
int cb_parse_num(const char *s, size_t len, u64 *out);

#endif
