/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Every target copies the fuzz bytes into a malloc'ed buffer of exactly the
 * size the parser is told about, so AddressSanitizer reports a read of even
 * one byte past it. Invariant violations abort() after printing what broke,
 * which libFuzzer records as a crash (and saves the input).
 */
#ifndef CELLBOOT_TESTS_FUZZ_H
#define CELLBOOT_TESTS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/types.h"
#include "lib/error.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant failed: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

/* A heap copy of exactly n bytes (at least 1 byte is allocated for n == 0). */
static inline void *fuzz_dup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

/*
 * A failed parse must leave a usable error: a subject and a NUL-terminated,
 * non-empty detail inside the buffer.
 */
static inline void fuzz_check_err(const struct cb_err *err)
{
	FUZZ_CHECK(err->what && err->what[0], "error without a subject");
	FUZZ_CHECK(memchr(err->detail, '\0', sizeof(err->detail)) != NULL,
		   "detail not terminated");
	FUZZ_CHECK(err->detail[0], "empty detail for %s", err->what);
}

/* Sequential reader over the fuzz bytes; reads past the end give zeros. */
struct fuzz_reader {
	const u8 *p;
	size_t n, i;
};

static inline u64 fuzz_bytes(struct fuzz_reader *r, unsigned int len)
{
	u64 v = 0;

	for (unsigned int b = 0; b < len; b++)
		if (r->i < r->n)
			v |= (u64)r->p[r->i++] << (8 * b);
	return v;
}

static inline u8 fuzz_u8(struct fuzz_reader *r) { return (u8)fuzz_bytes(r, 1); }
static inline u16 fuzz_u16(struct fuzz_reader *r) { return (u16)fuzz_bytes(r, 2); }
static inline u32 fuzz_u32(struct fuzz_reader *r) { return (u32)fuzz_bytes(r, 4); }
static inline u64 fuzz_u64(struct fuzz_reader *r) { return fuzz_bytes(r, 8); }

#endif
