/* SPDX-License-Identifier: MIT */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/cellboot/qemu_gdb.h"
#include "lib/layout.h"

/* The SHT_SYMTAB of an ELF64 little-endian file, checked against its size. */
u64 qg_elf_symbol(const char *path, const char *name, bool *found)
{
	struct cb_file f;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	u64 addr = 0;

	*found = false;
	if (file_load(&f, path, false))
		return 0;
	eh = (const Elf64_Ehdr *)f.data;
	if (f.size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff > f.size ||
	    (u64)eh->e_shnum * sizeof(Elf64_Shdr) > f.size - eh->e_shoff)
		goto out;
	sh = (const Elf64_Shdr *)(f.data + eh->e_shoff);
	for (unsigned int i = 0; i < eh->e_shnum && !*found; i++) {
		const Elf64_Shdr *st = &sh[i], *str;
		const char *names;

		if (st->sh_type != SHT_SYMTAB || st->sh_link >= eh->e_shnum)
			continue;
		str = &sh[st->sh_link];
		if (st->sh_offset > f.size || st->sh_size > f.size - st->sh_offset ||
		    str->sh_offset > f.size || str->sh_size > f.size - str->sh_offset ||
		    !str->sh_size)
			continue;
		names = (const char *)f.data + str->sh_offset;
		for (u64 off = 0; off + sizeof(Elf64_Sym) <= st->sh_size;
		     off += sizeof(Elf64_Sym)) {
			const Elf64_Sym *s = (const Elf64_Sym *)
				(f.data + st->sh_offset + off);

			if (s->st_name < str->sh_size &&
			    memchr(names + s->st_name, 0,
				   str->sh_size - s->st_name) &&
			    !strcmp(names + s->st_name, name)) {
				addr = s->st_value;
				*found = true;
				break;
			}
		}
	}
out:
	file_release(&f);
	return addr;
}

/* cellboot.elf in the directory of the loader in use, if it exists. */
static char *elf_beside(const char *loader)
{
	const char *slash = strrchr(loader, '/');
	size_t dir = slash ? (size_t)(slash - loader + 1) : 0;
	char *path = malloc(dir + sizeof("cellboot.elf"));
	struct stat st;

	if (!path)
		return NULL;
	memcpy(path, loader, dir);
	strcpy(path + dir, "cellboot.elf");
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		free(path);
		return NULL;
	}
	return path;
}

void qg_print_hints(FILE *f, const struct boot_plan *p, unsigned int port)
{
	static const struct { const char *sym, *what; } syms[] = {
		{ "cellboot_main", "the loader's C entry (64-bit)" },
		{ "handoff_jump", "the loader's handoff code (jumps to the kernel)" },
	};
	char *elf = elf_beside(p->loader_path);
	u64 entry = p->pl.kernel_pm + 0x200;

	fprintf(f, "cellboot: qemu: --gdb: the cell waits at the reset vector "
		"for gdb on tcp port %u:\n", port);
	fprintf(f, "  gdb -ex 'set architecture i386:x86-64' "
		"-ex 'target remote :%u'%s%s%s\n", port,
		elf ? " -ex 'symbol-file " : "", elf ? elf : "", elf ? "'" : "");
	fprintf(f, "  where to break (hbreak *ADDR, then continue):\n");
	fprintf(f, "    0x%-9x the loader's entry, real mode 0000:0000 "
		"(every CPU starts here)\n", CB_IMAGE_BASE);
	for (size_t i = 0; i < ARRAY_SIZE(syms); i++) {
		bool found = false;
		u64 a = elf ? qg_elf_symbol(elf, syms[i].sym, &found) : 0;

		if (found)
			fprintf(f, "    0x%-9llx %s: %s\n", (unsigned long long)a,
				syms[i].sym, syms[i].what);
		else
			fprintf(f, "    %-11s %s: %s (no cellboot.elf beside "
				"%s)\n", "?", syms[i].sym, syms[i].what,
				p->loader_path);
	}
	fprintf(f, "    0x%-9llx the kernel's 64-bit entry (startup_64), "
		"%%rsi = boot_params\n", (unsigned long long)entry);
	fprintf(f, "  this plan: boot_params 0x%x, command line 0x%x, "
		"setup_data 0x%x, kernel 0x%llx-0x%llx, initrd ",
		CB_BOOT_PARAMS_ADDR, CB_CMDLINE_ADDR, CB_SETUP_DATA_ADDR,
		(unsigned long long)p->pl.window_start,
		(unsigned long long)p->pl.window_end - 1);
	if (p->has_initrd)
		fprintf(f, "0x%llx-0x%llx\n", (unsigned long long)p->initrd.addr,
			(unsigned long long)(p->initrd.addr + p->initrd.size - 1));
	else
		fprintf(f, "none\n");
	fprintf(f, "  the zero page at the kernel's entry: x/512xb 0x%x; the "
		"command line: x/s 0x%x\n", CB_BOOT_PARAMS_ADDR, CB_CMDLINE_ADDR);
	free(elf);
}
