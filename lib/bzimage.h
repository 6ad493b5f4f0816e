/* SPDX-License-Identifier: MIT */
/* bzImage setup-header validation (boot protocol 2.12 or newer, 64-bit). */
#ifndef CELLBOOT_LIB_BZIMAGE_H
#define CELLBOOT_LIB_BZIMAGE_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/abi/bootparam.h"

#define BZIMAGE_MIN_PROTOCOL	0x020c
#define BZIMAGE_MIN_ALIGN	0x200000u	/* the decompressor's 2 MiB rule */
/*
 * bzimage_parse reads nothing past the setup area, which is at most 256
 * sectors (setup_sects is one byte, plus the boot sector): the loader maps
 * this much of the file before parsing, the fuzzer checks the bound.
 */
#define BZIMAGE_PARSE_READ_MAX	(256u * BP_SECTOR_SIZE)

struct bzimage {
	const u8 *image;	/* the whole file as loaded */
	const struct setup_header *hdr;
	u64 load_addr;		/* guest address of the file's first byte */
	u32 setup_size;		/* (setup_sects + 1) * 512 */
	u64 pm_addr;		/* load_addr + setup_size */
	u64 pm_size;		/* syssize * 16: the part that runs */
	u32 header_end;		/* 0x202 + jump offset: copy [0x1f1, end) */
	u16 version;
	u32 init_size;
	u32 kernel_alignment;
	u64 pref_address;
	bool relocatable;
	u16 xloadflags;
	u32 cmdline_size;
	u32 initrd_addr_max;
	const char *version_str;	/* NULL if absent */
	size_t version_len;
};

/*
 * Validates the image at `image` (guest address load_addr). avail is the
 * number of bytes known to be loaded (the file size, or what is left of the
 * RAM region when the size is not known). Returns 0 or -1 with err.
 */
int bzimage_parse(const void *image, u64 avail, u64 load_addr,
		  struct bzimage *k, struct cb_err *err);

/* Where the kernel runs when its protected-mode part is at pm_addr. */
u64 bzimage_runtime_start(const struct bzimage *k, u64 pm_addr);

#endif
