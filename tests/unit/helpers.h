/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the host unit tests (cmocka, one binary per unit):
 * little-endian raw accessors (so that tests check byte offsets without
 * going through the structs under test), error assertions and a reader for
 * files of the source or build tree.
 *
 * Cases that differ only in their values are rows of a table: an array of
 * { name, input, expected result or exact error line } run by one loop.
 * The loop checks each row with assert_row_fail / assert_row_ok /
 * assert_row_equal, which name the failing row in the message.
 */
#ifndef CELLBOOT_TESTS_UNIT_HELPERS_H
#define CELLBOOT_TESTS_UNIT_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/types.h"
#include "lib/error.h"
#include "lib/abi/cell_config.h"

#define KIB 0x400ull
#define MIB 0x100000ull
#define GIB 0x40000000ull

/* Memory region flags of a cell's RAM and of its comm region. */
#define RAM_FLAGS (JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
		   JAILHOUSE_MEM_EXECUTE | JAILHOUSE_MEM_DMA | \
		   JAILHOUSE_MEM_LOADABLE)
#define COMM_FLAGS (JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
		    JAILHOUSE_MEM_COMM_REGION)
/* A device's registers (an MMIO UART): read/write with the IO flag. */
#define MMIO_FLAGS (JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | \
		    JAILHOUSE_MEM_IO)

static inline u16 rd16(const void *base, size_t off)
{
	const u8 *p = (const u8 *)base + off;

	return (u16)(p[0] | p[1] << 8);
}

static inline u32 rd32(const void *base, size_t off)
{
	return (u32)rd16(base, off) | (u32)rd16(base, off + 2) << 16;
}

static inline u64 rd64(const void *base, size_t off)
{
	return (u64)rd32(base, off) | (u64)rd32(base, off + 4) << 32;
}

static inline void wr8(void *base, size_t off, u8 v)
{
	((u8 *)base)[off] = v;
}

static inline void wr16(void *base, size_t off, u16 v)
{
	u8 *p = (u8 *)base + off;

	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void wr32(void *base, size_t off, u32 v)
{
	wr16(base, off, (u16)v);
	wr16(base, off + 2, (u16)(v >> 16));
}

static inline void wr64(void *base, size_t off, u64 v)
{
	wr32(base, off, (u32)v);
	wr32(base, off + 4, (u32)(v >> 32));
}

/* A fresh error record: what NULL, detail filled with a marker. */
static inline void err_reset(struct cb_err *e)
{
	e->what = NULL;
	memset(e->detail, 0, sizeof(e->detail));
	strcpy(e->detail, "(untouched)");
}

/* rc must be -1 and the error exactly (what, detail). */
#define assert_fail(rc, e, what_, detail_) do {				\
		assert_int_equal((rc), -1);				\
		assert_non_null((e).what);				\
		assert_string_equal((e).what, (what_));			\
		assert_string_equal((e).detail, (detail_));		\
	} while (0)

/*
 * Table rows: rc must be -1 and the error exactly (what, detail); a
 * mismatch fails the test naming the row and both error lines.
 */
#define assert_row_fail(row, rc, e, what_, detail_) do {		\
		int rc_ = (rc);						\
									\
		if (rc_ != -1 || !(e).what ||				\
		    strcmp((e).what, (what_)) != 0 ||			\
		    strcmp((e).detail, (detail_)) != 0)			\
			fail_msg("row \"%s\": rc %d, error \"%s: %s\"; "	\
				 "want rc -1, error \"%s: %s\"", (row), rc_,	\
				 (e).what ? (e).what : "(none)",	\
				 (e).detail, (what_), (detail_));	\
	} while (0)

/* Table rows: rc must be 0; names the row and prints the error otherwise. */
#define assert_row_ok(row, rc, e) do {					\
		if ((rc) != 0)						\
			fail_msg("row \"%s\": unexpected error: %s: %s",	\
				 (row), (e).what ? (e).what : "?",	\
				 (e).detail);				\
	} while (0)

/* Table rows: a value must equal the row's; a mismatch names row and field. */
#define assert_row_equal(row, field, got, want) do {			\
		unsigned long long got_ = (unsigned long long)(got);	\
		unsigned long long want_ = (unsigned long long)(want);	\
									\
		if (got_ != want_)					\
			fail_msg("row \"%s\": %s is %#llx, want %#llx",	\
				 (row), (field), got_, want_);		\
	} while (0)

/* rc must be 0; prints the error otherwise. */
#define assert_ok(rc, e) do {						\
		if ((rc) != 0)						\
			fail_msg("unexpected error: %s: %s",		\
				 (e).what ? (e).what : "?", (e).detail); \
	} while (0)

/*
 * Path of a file relative to the top of the source tree, found through
 * __FILE__ (tests/unit/helpers.h: absolute, or relative to where the
 * build ran, which is where `make unit` runs the tests too).
 */
static inline void src_path(char *out, size_t size, const char *rel)
{
	const char *f = __FILE__;
	const char *slash = strrchr(f, '/');
	int dir = slash ? (int)(slash - f) : 0;

	snprintf(out, size, "%.*s%s../../%s", dir, f, slash ? "/" : "", rel);
}

/* Reads a whole file, NUL-terminated; NULL if it cannot be opened. */
static inline u8 *read_whole_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[n] = '\0';		/* text files can be searched */
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/*
 * The test kernel: the bzImage the environment variable CELLBOOT_KERNEL
 * names (the Makefile sets it from TEST_KERNEL / KERNEL_FLAVOUR, see
 * docs/kernel.md), else Debian's kernel as `make kernel` caches it. Tests
 * take every expectation from the file's own header, never one kernel's
 * numbers. A missing default kernel marks the test skipped (returns NULL);
 * a CELLBOOT_KERNEL that cannot be read fails it.
 */
static inline u8 *test_kernel_or_skip(size_t *len)
{
	const char *env = getenv("CELLBOOT_KERNEL");
	char path[512];
	u8 *file;

	if (env && *env)
		snprintf(path, sizeof(path), "%s", env);
	else
		src_path(path, sizeof(path), "build/cache/kernels/debian-vmlinuz");
	file = read_whole_file(path, len);
	if (!file && env && *env)
		fail_msg("CELLBOOT_KERNEL=%s cannot be read", env);
	if (!file) {
		print_message("skipping: %s not found (make kernel)\n", path);
		skip();
	}
	print_message("test kernel: %s\n", path);
	return file;
}

#endif
