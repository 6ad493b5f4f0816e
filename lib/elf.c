/* SPDX-License-Identifier: MIT */
/*
 * The loader's image has a fixed budget: one pass, few error formats, each
 * naming every value of the checks it stands for (docs/errors.md explains
 * them); the placement lines are those of the bzImage planner (lib/plan.c).
 */
#include "lib/elf.h"
#include "lib/string.h"

#define WHAT "kernel"

int elf_place(const void *file, u64 avail, u64 load_addr,
	      const struct plan_input *in, struct vmlinux *v,
	      struct cb_err *err)
{
	const struct elf64_ehdr *eh = file;
	const struct elf64_phdr *ph;
	u64 read = avail < ELF_PARSE_READ_MAX ? avail : ELF_PARSE_READ_MAX;
	u64 phend = eh->e_phoff + (u64)eh->e_phnum * sizeof(*ph);
	u32 n = in->num_reserved;
	bool entry_ok = false;
	/* what no segment may overlap: the loader's ranges, initrd, file */
	struct range keep[PLAN_MAX_RESERVED + 2];

	if (eh->e_class != ELFCLASS64 || eh->e_data != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(*ph) ||
	    eh->e_phoff > read || phend > read || n > PLAN_MAX_RESERVED)
		return cb_fail(err, WHAT, "ELF class %u data %u machine %u, "
			       "program headers %#lx-%#lx: want 2 1 62, inside "
			       "the first %#lx bytes", eh->e_class, eh->e_data,
			       eh->e_machine, (u64)eh->e_phoff, phend, read);
	cb_memcpy(keep, in->reserved, n * sizeof(keep[0]));
	keep[n] = (struct range){ in->initrd_addr,
				  in->initrd_addr + in->initrd_size, "initrd" };
	keep[n + 1] = (struct range){ load_addr, load_addr + avail,
				      "kernel file" };
	ph = (const void *)((const u8 *)file + eh->e_phoff);
	v->num = 0;
	for (u32 i = 0; i < eh->e_phnum; i++, ph++) {
		struct elf_seg *g = &v->seg[v->num];
		u64 s = ph->p_paddr, e = s + ph->p_memsz;
		/* already where it runs: not read from the file, not moved */
		bool in_place = load_addr + ph->p_offset == s;
		const struct range *r = ranges_first_overlap(keep,
							     n + 2 - in_place,
							     s, e);

		if (ph->p_type != PT_LOAD)
			continue;
		if (v->num == ELF_MAX_LOAD || ph->p_filesz > ph->p_memsz ||
		    (!in_place && (ph->p_filesz > avail ||
				   ph->p_offset > avail - ph->p_filesz)))
			return cb_fail(err, WHAT, "ELF segment %u: file %#lx+%#lx "
				       "of %#lx loaded, %#lx in memory; at most "
				       "8 segments", v->num, (u64)ph->p_offset,
				       (u64)ph->p_filesz, avail, (u64)ph->p_memsz);
		if (e < s || !ranges_contain(in->ram, in->num_ram, s, e))
			return cb_fail(err, WHAT, "%#lx-%#lx is not inside cell RAM",
				       s, e - 1);
		if (r)
			return cb_fail(err, WHAT, "%#lx-%#lx overlaps %s %#lx-%#lx",
				       s, e - 1, r->name, r->start, r->end - 1);
		g->src = load_addr + ph->p_offset;
		g->dst = s;
		g->filesz = ph->p_filesz;
		g->memsz = ph->p_memsz;
		entry_ok |= eh->e_entry - s < ph->p_memsz;
		v->num++;
	}
	v->entry = eh->e_entry;
	if (!entry_ok)
		return cb_fail(err, WHAT, "ELF entry %#lx is in no segment",
			       (u64)eh->e_entry);
	return 0;
}
