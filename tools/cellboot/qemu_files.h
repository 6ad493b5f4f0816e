/* SPDX-License-Identifier: MIT */
/*
 * The files `cellboot qemu` writes for its runs, in one work directory
 * (--workdir, else a temporary one removed afterwards): the binary config
 * of a text description, the config with another CPU count (--cpus), and
 * cellboot.bin with the params string where jailhouse would write it.
 */
#ifndef CELLBOOT_TOOLS_QEMU_FILES_H
#define CELLBOOT_TOOLS_QEMU_FILES_H

#include "tools/cellboot/bootplan.h"

#define QF_MAX_FILES	128

struct workdir {
	char *dir;
	bool keep, created;
	char *files[QF_MAX_FILES];
	unsigned int num_files;
};

/* dir NULL: a new temporary directory. Returns 0 or CB_EXIT_FAILED. */
int wd_open(struct workdir *w, const char *dir);
/* dir/name (malloc'ed), removed by wd_close unless the directory is kept */
char *wd_path(struct workdir *w, const char *name);
void wd_close(struct workdir *w);

/*
 * A text cell description becomes a binary config in the workdir; *cell
 * then points to *owned, which the caller frees. A binary file is left as
 * it is. Returns 0 or CB_EXIT_FAILED (reported).
 */
int binary_cell(const char **cell, char **owned, struct workdir *w);
/*
 * The binary config at cell with a CPU set of n CPUs, written to path.
 * Returns 0 or CB_EXIT_FAILED (reported).
 */
int cell_with_cpus(const char *cell, unsigned int n, const char *path);
/* cellboot.bin with the params string where jailhouse would write it. */
int write_loader(const struct boot_plan *p, const char *path);

#endif
