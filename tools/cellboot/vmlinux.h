/* SPDX-License-Identifier: MIT */
/*
 * The host's view of an uncompressed kernel (docs/vmlinux-boot.md): the
 * ELF image inside a bzImage (decompressed with the kernel doctor's
 * decompressors, tools/cellboot/kdecomp.c), its extent without the
 * relocation table the build appends, and what `inspect` shows of it.
 */
#ifndef CELLBOOT_TOOLS_VMLINUX_H
#define CELLBOOT_TOOLS_VMLINUX_H

#include <stdio.h>

#include "lib/error.h"
#include "lib/types.h"

/*
 * Decompresses the bzImage's payload and checks that it is an ELF image.
 * Returns 0 with *out malloc'ed and *len the ELF image's own extent (the
 * highest end of its headers, segments and section headers), or -1 with
 * err.
 */
int vmlinux_from_bzimage(const u8 *file, size_t size, u8 **out, size_t *len,
			 struct cb_err *err);

/* The ELF image's extent, 0 if the headers are not those of an ELF64. */
size_t vmlinux_extent(const u8 *elf, size_t size);

/*
 * Describes a vmlinux (inspect): release, entry, segments, the cell RAM
 * it runs in. Returns 0, or -1 with err when the loader would refuse it.
 */
int vmlinux_describe(FILE *f, const u8 *elf, size_t size, struct cb_err *err);

#endif
