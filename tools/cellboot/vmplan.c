/* SPDX-License-Identifier: MIT */
/*
 * cellboot plan --uncompressed DIR: the bzImage's vmlinux loaded in place
 * (docs/vmlinux-boot.md). After the bzImage's plan (cell, loader, config,
 * initrd, command line all checked), the kernel image becomes
 *
 *   DIR/vmlinux.hdr    the ELF header and program headers, p_offset of
 *                      each PT_LOAD rewritten to p_paddr - (its address),
 *                      loaded in low RAM right after the config: the
 *                      file kernel=ADDR,SIZE names
 *   DIR/vmlinux.segN   the file bytes of PT_LOAD N, loaded at p_paddr
 *
 * so that the loader reads the headers, finds every segment in place and
 * copies nothing. Checked with the loader's own elf_place().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/vmlinux.h"
#include "lib/crc32.h"
#include "lib/policy.h"

static char *path_in(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

int vmplan_apply(struct boot_plan *p, const struct bp_args *a)
{
	static struct vmlinux v;
	struct policy_cell c;
	struct policy_plan pp;
	const struct elf64_ehdr *eh;
	struct cb_err err;
	u8 *elf = NULL, *hdr = NULL;
	size_t len, hlen;
	u64 h;
	int rc = CB_EXIT_FAILED;

	if (vmlinux_from_bzimage(p->kernel_file.data, p->kernel_file.size, &elf,
				 &len, &err))
		return report(&err);
	eh = (const void *)elf;
	hlen = eh->e_phoff + (size_t)eh->e_phnum * sizeof(struct elf64_phdr);
	h = align_up(p->config.addr + p->config.size, BP_PAGE);
	if (hlen > ELF_PARSE_READ_MAX || h + hlen > CB_LOW_RAM_END) {
		rc = fail_msg("kernel", "the vmlinux headers (0x%zx bytes) do "
			      "not fit 0x%llx-0x%x, after the config", hlen,
			      (unsigned long long)h, CB_LOW_RAM_END - 1);
		goto out;
	}
	if (!ranges_contain(p->loadable, p->num_loadable, h, h + hlen)) {
		cb_fail(&err, "kernel", "0x%llx-0x%llx is not inside one cell "
			"memory region with the write and loadable flags "
			"(jailhouse cell load would fail with EINVAL)",
			(unsigned long long)h, (unsigned long long)(h + hlen - 1));
		rc = report(&err);
		goto out;
	}
	hdr = malloc(hlen);
	if (!hdr) {
		rc = fail_msg("kernel", "out of memory");
		goto out;
	}
	memcpy(hdr, elf, hlen);
	for (u32 i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr *ph = (void *)(hdr + eh->e_phoff + i * sizeof(*ph));

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_paddr < h) {
			rc = fail_msg("kernel", "a segment at 0x%llx lies below "
				      "the vmlinux headers at 0x%llx",
				      (unsigned long long)ph->p_paddr,
				      (unsigned long long)h);
			goto out;
		}
		ph->p_offset = ph->p_paddr - h;
	}
	/* the loader's planner input for a vmlinux (lib/policy.c) */
	bp_policy_cell(p, &c);
	policy_plan_input(&pp, &c, NULL, p->has_initrd, p->initrd.addr,
			  p->initrd.size);
	if (policy_plan_vmlinux(&pp, h, h + hlen, &err) ||
	    elf_place(hdr, hlen, h, &pp.in, &v, &err)) {
		rc = report(&err);
		goto out;
	}
	if (mkdir(a->uncompressed, 0777) && errno != EEXIST) {
		rc = fail_msg(a->uncompressed, "cannot create: %s",
			      strerror(errno));
		goto out;
	}
	p->num_seg = 0;
	for (u32 i = 0; i < v.num; i++) {
		const struct elf_seg *g = &v.seg[i];
		const struct elf64_phdr *src = (const void *)(elf + eh->e_phoff);
		char name[32];
		u64 off = 0;

		/* the segment's bytes in the ELF file: its i-th PT_LOAD */
		for (u32 j = 0, n = 0; j < eh->e_phnum; j++)
			if (src[j].p_type == PT_LOAD && n++ == i)
				off = src[j].p_offset;
		if (range_overlaps(g->dst, g->dst + g->memsz, h, h + hlen)) {
			rc = fail_msg("kernel", "0x%llx-0x%llx overlaps the "
				      "vmlinux headers",
				      (unsigned long long)g->dst,
				      (unsigned long long)(g->dst + g->memsz - 1));
			goto out;
		}
		if (!g->filesz)
			continue;	/* all bss: the loader zeroes it */
		if (!ranges_contain(p->loadable, p->num_loadable, g->dst,
				    g->dst + g->filesz)) {
			cb_fail(&err, "kernel", "0x%llx-0x%llx is not inside one "
				"cell memory region with the write and loadable "
				"flags (jailhouse cell load would fail with "
				"EINVAL)", (unsigned long long)g->dst,
				(unsigned long long)(g->dst + g->filesz - 1));
			rc = report(&err);
			goto out;
		}
		snprintf(name, sizeof(name), "vmlinux.seg%u", i);
		p->vm_paths[i + 1] = path_in(a->uncompressed, name);
		if (!p->vm_paths[i + 1] ||
		    (rc = file_write(p->vm_paths[i + 1], elf + off, g->filesz)))
			goto out;
		p->seg[p->num_seg++] = (struct bp_image){ p->vm_paths[i + 1],
							  g->dst, g->filesz };
	}
	p->vm_paths[0] = path_in(a->uncompressed, "vmlinux.hdr");
	if (!p->vm_paths[0] || (rc = file_write(p->vm_paths[0], hdr, hlen)))
		goto out;
	p->kernel = (struct bp_image){ p->vm_paths[0], h, hlen };
	p->vm_entry = v.entry;
	if (a->digest)
		p->kernel_crc = cb_crc32(hdr, hlen);
	rc = 0;
out:
	free(hdr);
	free(elf);
	return rc;
}
