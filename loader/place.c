/* SPDX-License-Identifier: MIT */
/*
 * The place step: the kernel file checked (crc=, then its header), and
 * where the kernel and the initrd run. Nothing moves yet: boot_params is
 * built from the file where the root put it. A bzImage goes where the
 * planner says; an uncompressed kernel (ELF vmlinux, docs/vmlinux-boot.md)
 * runs its segments where they were linked, its initrd stays, and
 * boot_params gets a setup header of the loader's own.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/digest.h"
#include "loader/map.h"
#include "lib/layout.h"

/* How many bytes from addr to the end of the RAM range holding it. */
static u64 ram_after(const struct policy_cell *c, u64 addr)
{
	for (u32 i = 0; i < c->num_ram; i++)
		if (addr >= c->ram[i].start && addr < c->ram[i].end)
			return c->ram[i].end - addr;
	return 0;
}

/* A vmlinux: segments where they run, clear of initrd and file. */
static void place_vmlinux(struct loader_state *s, struct policy_plan *pp,
			  const void *file, u64 avail)
{
	const struct params *p = &s->params;
	struct placement *kp = &s->kernel;

	must(policy_plan_vmlinux(pp, p->kernel_addr, p->kernel_addr + avail,
				 &step_err) ||
	     elf_place(file, avail, p->kernel_addr, &pp->in, &kp->v, &step_err));
	kp->vh.root_flags = 1;	/* read-only root unless "rw" */
	kp->vh.version = BZIMAGE_MIN_PROTOCOL;
	kp->vh.cmdline_size = BP_VMLINUX_CMDLINE_SIZE;
	kp->k.hdr = &kp->vh;
	kp->k.header_end = BP_SETUP_HDR_OFFSET + sizeof(kp->vh);
	kp->k.cmdline_size = BP_VMLINUX_CMDLINE_SIZE;
	kp->pl.initrd_addr = p->initrd_addr;
	kp->entry = kp->v.entry;
}

/* A bzImage: the planner says where kernel and initrd go. */
static void place_bzimage(struct loader_state *s, const struct policy_plan *pp,
			  const void *file, u64 avail)
{
	const struct params *p = &s->params;
	struct placement *kp = &s->kernel;
	struct bzimage *k = &kp->k;
	struct plan *pl = &kp->pl;

	must(bzimage_parse(file, avail, p->kernel_addr, k, &step_err) ||
	     plan_place(&pp->in, pl, &step_err));
	say(LOG_DEFAULT, "kernel %*pE, protocol %u.%02u, file %#lx, "
	    "window %#lx-%#lx%s", (int)k->version_len, k->version_str,
	    k->version >> 8, k->version & 0xff, k->load_addr,
	    pl->window_start, pl->window_end - 1,
	    pl->kernel_moved ? " (moved)" : " (in place)");
	kp->entry = pl->kernel_pm + BP_ENTRY64_OFFSET;
}

void place(struct loader_state *s)
{
	const struct params *p = &s->params;
	/* what is loaded: the file size if given, at most the RAM there */
	u64 avail = ram_after(&s->cell, p->kernel_addr);
	const void *file = (const void *)(uintptr_t)p->kernel_addr;
	struct policy_plan pp;

	check_digests(s);	/* crc=: before anything is read from them */
	if (p->kernel_size && p->kernel_size < avail)
		avail = p->kernel_size;
	must(map_ram(p->kernel_addr, avail < BZIMAGE_PARSE_READ_MAX ? avail :
		     BZIMAGE_PARSE_READ_MAX, &step_err));
	policy_plan_input(&pp, &s->cell, &s->kernel.k, p->has_initrd,
			  p->initrd_addr, p->initrd_size);
	s->kernel.elf = avail >= sizeof(struct elf64_ehdr) && elf_is_elf(file);
	if (s->kernel.elf)
		place_vmlinux(s, &pp, file, avail);
	else
		place_bzimage(s, &pp, file, avail);
}
