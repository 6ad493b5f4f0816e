/* SPDX-License-Identifier: MIT */
/*
 * `cellboot inspect`: cmd_inspect.c reads the files and tells their kinds
 * apart, inspect_kernel.c describes a bzImage, inspect_cell.c a cell
 * config. Everything is read with the loader's parsers (lib/).
 */
#ifndef CELLBOOT_TOOLS_INSPECT_H
#define CELLBOOT_TOOLS_INSPECT_H

#include "tools/cellboot/util.h"
#include "lib/bzimage.h"
#include "lib/cellcfg.h"

#define COM_NAMES "COM1\0COM2\0COM3\0COM4\0"

/* "warning: ..." on stdout, counted for the summary line. */
void inspect_warning(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Names of the set bits of v (names[bit], NULL: unnamed), or "none". */
void flag_names(char *out, size_t size, u64 v, const char *const *names,
		size_t n, const char *sep);
#define FLAG_NAMES(out, v, names, sep) \
	flag_names(out, sizeof(out), v, names, ARRAY_SIZE(names), sep)

/* The 0xaa55 boot flag and the HdrS magic. */
bool is_bzimage(const struct cb_file *f);
/*
 * Describes the bzImage f on stdout; *out_k and *have_k set when the
 * loader's parser accepts it. Returns 0 or CB_EXIT_FAILED (reported).
 */
int inspect_kernel(const struct cb_file *f, struct bzimage *out_k,
		   bool *have_k);
/*
 * Describes the binary cell config data on stdout (from_text: written
 * from a description) and parses it into *cfg. Returns 0 or
 * CB_EXIT_FAILED (reported).
 */
int inspect_cell(const char *path, const u8 *data, u64 size, bool from_text,
		 struct cell_config *cfg);

#endif
