/* SPDX-License-Identifier: MIT */
/*
 * `cellboot qemu --gdb`: where to break in this plan. The loader's
 * symbols come from cellboot.elf beside the cellboot.bin in use (the build
 * tree has it; an installed loader does not, and then only the fixed
 * addresses are printed). The loader is linked at 0, where it runs, so
 * the ELF's addresses are the cell's.
 */
#ifndef CELLBOOT_TOOLS_QEMU_GDB_H
#define CELLBOOT_TOOLS_QEMU_GDB_H

#include <stdio.h>

#include "tools/cellboot/bootplan.h"

#define QG_DEFAULT_PORT	1234

/*
 * The address of symbol `name` in the ELF64 file at path; 0 and *found
 * false when the file or the symbol is missing.
 */
u64 qg_elf_symbol(const char *path, const char *name, bool *found);

/* The lines that say where to break, for a plan booted with a gdbstub. */
void qg_print_hints(FILE *f, const struct boot_plan *p, unsigned int port);

#endif
