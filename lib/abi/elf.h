/* SPDX-License-Identifier: MIT */
/*
 * ELF64 structures, described once: the file header and the program header,
 * the two parts of an uncompressed x86-64 kernel (vmlinux) that cellboot
 * reads. Layouts are those of the System V ABI ("ELF-64 Object File
 * Format"); every field has its offset asserted below.
 */
#ifndef CELLBOOT_ABI_ELF_H
#define CELLBOOT_ABI_ELF_H

#include "lib/types.h"
#include "lib/abi/offset.h"

#define ELF_MAGIC	0x464c457fu	/* "\177ELF" read as a little-endian u32 */
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EM_X86_64	62
#define PT_LOAD		1

struct elf64_ehdr {
	u32 e_magic;		/* e_ident[0..3] */
	u8  e_class;		/* e_ident[EI_CLASS] */
	u8  e_data;		/* e_ident[EI_DATA] */
	u8  e_ident_rest[10];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
};

struct elf64_phdr {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
};


ABI_OFFSET(elf64_ehdr, e_class, 4);
ABI_OFFSET(elf64_ehdr, e_data, 5);
ABI_OFFSET(elf64_ehdr, e_type, 16);
ABI_OFFSET(elf64_ehdr, e_machine, 18);
ABI_OFFSET(elf64_ehdr, e_entry, 24);
ABI_OFFSET(elf64_ehdr, e_phoff, 32);
ABI_OFFSET(elf64_ehdr, e_shoff, 40);
ABI_OFFSET(elf64_ehdr, e_phentsize, 54);
ABI_OFFSET(elf64_ehdr, e_phnum, 56);
ABI_OFFSET(elf64_ehdr, e_shentsize, 58);
ABI_OFFSET(elf64_ehdr, e_shnum, 60);
ABI_OFFSET(elf64_phdr, p_offset, 8);
ABI_OFFSET(elf64_phdr, p_paddr, 24);
ABI_OFFSET(elf64_phdr, p_filesz, 32);
ABI_OFFSET(elf64_phdr, p_memsz, 40);
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

#endif
