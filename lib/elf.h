/* SPDX-License-Identifier: MIT */
/*
 * An uncompressed x86-64 kernel (vmlinux, ELF64): the header checks and
 * where each loadable segment comes from and goes to. Pure code, shared by
 * the loader and the host tool; docs/vmlinux-boot.md describes the boot.
 *
 *   file (as loaded at load_addr)   [ehdr|phdrs| ... seg0 ... seg1 ...]
 *   cell RAM                              [seg0 at p_paddr][seg1][bss]
 *
 * A segment whose file bytes already lie at p_paddr is not copied: the
 * plan of `cellboot plan --uncompressed` loads every segment where it runs
 * and gives the loader a headers file whose p_offset values point there.
 */
#ifndef CELLBOOT_LIB_ELF_H
#define CELLBOOT_LIB_ELF_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/range.h"
#include "lib/plan.h"
#include "lib/abi/elf.h"

/* Linux's vmlinux has 4 (text, data, per-CPU data, init + bss) */
#define ELF_MAX_LOAD		8
/* the program headers must lie in the first 64 KiB of the file */
#define ELF_PARSE_READ_MAX	0x10000u

struct elf_seg {
	u64 src;		/* guest address of the file bytes */
	u64 dst;		/* p_paddr: where the segment runs */
	u64 filesz, memsz;	/* memsz > filesz: the rest is zeroed (bss) */
};

struct vmlinux {
	u64 entry;		/* e_entry: physical address of startup_64 */
	u32 num;
	struct elf_seg seg[ELF_MAX_LOAD];
};

/* True if the first bytes (at least 4) are the ELF magic. */
static inline bool elf_is_elf(const void *file)
{
	u32 magic;

	__builtin_memcpy(&magic, file, sizeof(magic));
	return magic == ELF_MAGIC;
}

/*
 * Validates the ELF image at `file` (guest address load_addr; avail >= 64
 * bytes known to be loaded, of which the first min(avail,
 * ELF_PARSE_READ_MAX) are read) and where its segments go: ELF64, x86-64,
 * program headers inside, at most ELF_MAX_LOAD PT_LOADs, each with file
 * size <= memory size, inside the cell RAM (in->ram) and clear of
 * in->reserved (plan_check_placed), the entry inside one. The last
 * reserved range must be the file [load_addr, load_addr + avail): a
 * segment is either in place (its file bytes at load_addr + p_offset
 * already lie at p_paddr: nothing moves, nothing is read from the file,
 * and the file range does not count) or inside the file and copied to a
 * place clear of the whole file, so that no copy can overwrite bytes still
 * to be copied, in any order. in->k is not used. Returns 0, or -1 with
 * err.
 */
int elf_place(const void *file, u64 avail, u64 load_addr,
	      const struct plan_input *in, struct vmlinux *v,
	      struct cb_err *err);

#endif
