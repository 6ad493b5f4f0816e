/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE	/* memmem */
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/vmlinux.h"
#include "tools/cellboot/kdecomp.h"
#include "lib/bzimage.h"
#include "lib/elf.h"

int vmlinux_from_bzimage(const u8 *file, size_t size, u8 **out, size_t *len,
			 struct cb_err *err)
{
	struct bzimage k;
	struct kdecomp d;

	/* it checks that the payload lies inside the file */
	if (bzimage_parse(file, size, 0, &k, err))
		return -1;
	if (kdecomp_payload(file + k.setup_size + k.hdr->payload_offset,
			    k.hdr->payload_length, &d, err)) {
		kdecomp_free(&d);
		return -1;
	}
	*len = vmlinux_extent(d.out, d.out_len);
	if (!*len) {
		kdecomp_free(&d);
		return cb_fail(err, "kernel", "the decompressed payload (%s) is "
			       "not an ELF image: the file is corrupt",
			       kcomp_name(d.kind));
	}
	*out = d.out;
	return 0;
}

size_t vmlinux_extent(const u8 *elf, size_t size)
{
	const struct elf64_ehdr *eh = (const void *)elf;
	u64 end;

	if (size < sizeof(*eh) || !elf_is_elf(elf) || eh->e_class != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(struct elf64_phdr) ||
	    eh->e_phoff > size || eh->e_phnum * sizeof(struct elf64_phdr) >
	    size - eh->e_phoff)
		return 0;
	end = eh->e_phoff + eh->e_phnum * sizeof(struct elf64_phdr);
	for (u32 i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, elf + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_filesz <= size && ph.p_offset <= size - ph.p_filesz &&
		    ph.p_offset + ph.p_filesz > end)
			end = ph.p_offset + ph.p_filesz;
	}
	if (eh->e_shoff <= size &&
	    (u64)eh->e_shnum * eh->e_shentsize <= size - eh->e_shoff &&
	    eh->e_shoff + (u64)eh->e_shnum * eh->e_shentsize > end)
		end = eh->e_shoff + (u64)eh->e_shnum * eh->e_shentsize;
	return end;
}

/* "Linux version X ..." in the image: the release, or NULL. */
static const char *find_release(const u8 *elf, size_t size, int *len)
{
	static const char needle[] = "Linux version ";
	const u8 *p = memmem(elf, size, needle, sizeof(needle) - 1);
	size_t n = 0;

	if (!p)
		return NULL;
	p += sizeof(needle) - 1;
	while (p + n < elf + size && n < 64 && p[n] > ' ' && p[n] < 0x7f)
		n++;
	*len = (int)n;
	return n ? (const char *)p : NULL;
}

int vmlinux_describe(FILE *f, const u8 *elf, size_t size, struct cb_err *err)
{
	static struct vmlinux v;
	static const struct range ram = { 0, 1ull << 47, "RAM" };
	struct plan_input in = { .ram = &ram, .num_ram = 1 };
	const char *rel;
	int rlen = 0;
	u64 lo = UINT64_MAX, hi = 0;

	/* the segments' destinations only: the file as if far away */
	if (elf_place(elf, size, 1ull << 46, &in, &v, err))
		return -1;
	rel = find_release(elf, size, &rlen);
	fprintf(f, "vmlinux (ELF64 x86-64, uncompressed kernel)\n");
	fprintf(f, "  release:   %.*s\n", rel ? rlen : 7, rel ? rel : "unknown");
	fprintf(f, "  entry:     %#lx (startup_64, physical)\n", (unsigned long)v.entry);
	fprintf(f, "  segments:  %u\n", v.num);
	for (u32 i = 0; i < v.num; i++) {
		const struct elf_seg *g = &v.seg[i];

		fprintf(f, "    %u: %#010lx-%#010lx  file %#lx bytes, memory %#lx\n",
			i, (unsigned long)g->dst,
			(unsigned long)(g->dst + g->memsz - 1),
			(unsigned long)g->filesz, (unsigned long)g->memsz);
		lo = g->dst < lo ? g->dst : lo;
		hi = g->dst + g->memsz > hi ? g->dst + g->memsz : hi;
	}
	fprintf(f, "  cell RAM:  %#lx-%#lx (%.1f MiB) where it runs\n",
		(unsigned long)lo, (unsigned long)hi - 1,
		(double)(hi - lo) / (1 << 20));
	return 0;
}
