/* SPDX-License-Identifier: MIT */
/*
 * The loader's image has a fixed budget: few error formats, and the
 * placement checks and lines are the bzImage planner's (lib/plan.c).
 */
#include "lib/elf.h"

#define WHAT "kernel"

int elf_place(const void *file, u64 avail, u64 load_addr,
	      const struct plan_input *in, struct vmlinux *v,
	      struct cb_err *err)
{
	const struct elf64_ehdr *eh = file;
	const struct elf64_phdr *ph;
	u64 read = avail < ELF_PARSE_READ_MAX ? avail : ELF_PARSE_READ_MAX;
	u64 phend = eh->e_phoff + (u64)eh->e_phnum * sizeof(*ph);
	struct plan_input pi = *in;
	bool entry_ok = false;

	/* machine 62 read little-endian: a big-endian file fails it too */
	if (eh->e_class != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(*ph) || eh->e_phoff > read ||
	    phend > read || eh->e_phoff % 8)
		return cb_fail(err, WHAT, "ELF class %u machine %u phentsize %u, "
			       "headers end %#lx: want 2 62 56, in %#lx bytes",
			       eh->e_class, eh->e_machine, eh->e_phentsize,
			       phend, read);
	ph = (const void *)((const u8 *)file + eh->e_phoff);	/* checked */
	v->num = 0;
	for (u32 i = eh->e_phnum; i--; ph++) {
		struct elf_seg *g = &v->seg[v->num];
		u64 s = ph->p_paddr;
		/* already where it runs: not read from the file, not moved */
		bool in_place = load_addr + ph->p_offset == s;

		if (ph->p_type != PT_LOAD)
			continue;
		if (v->num == ELF_MAX_LOAD || ph->p_filesz > ph->p_memsz ||
		    (!in_place && (ph->p_offset > avail ||
				   ph->p_filesz > avail - ph->p_offset)))
			return cb_fail(err, WHAT, "ELF segment %u: %#lx+%#lx of "
				       "%#lx bytes, %#lx in memory; max 8",
				       v->num, (u64)ph->p_offset,
				       (u64)ph->p_filesz, avail, (u64)ph->p_memsz);
		/* the last reserved range is the file: in place, it may overlap */
		pi.num_reserved = in->num_reserved - in_place;
		if (plan_check_placed(&pi, WHAT, s, s + ph->p_memsz, err))
			return -1;
		g->src = load_addr + ph->p_offset;
		g->dst = s;
		g->filesz = ph->p_filesz;
		g->memsz = ph->p_memsz;
		entry_ok |= eh->e_entry - s < ph->p_memsz;
		v->num++;
	}
	v->entry = eh->e_entry;
	if (!entry_ok)
		return cb_fail(err, WHAT, "ELF entry %#lx in no segment",
			       (u64)eh->e_entry);
	return 0;
}
