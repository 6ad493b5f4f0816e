/* SPDX-License-Identifier: MIT */
/*
 * The bzImage file as a whole: the CRC-32 that Linux's build tool
 * (arch/x86/boot/tools/build.c) stores in the last 4 bytes, and the
 * Secure Boot signature a distribution appends when it re-signs the image
 * (the PE/COFF security directory), which invalidates that CRC.
 */
#ifndef CELLBOOT_TOOLS_KFILE_H
#define CELLBOOT_TOOLS_KFILE_H

#include "lib/types.h"

enum kfile_crc {
	KFILE_CRC_OK,		/* the stored CRC matches the file */
	KFILE_CRC_SIGNED,	/* no match, but the file carries a PE signature */
	KFILE_CRC_NOT_WRITTEN,	/* no match; Linux 6.15 and later store none */
	KFILE_CRC_BAD,		/* no match: the file was changed or cut */
};

struct kfile {
	enum kfile_crc crc;
	u32 stored, computed;	/* the raw CRC register, as build.c stores it */
	bool is_pe;		/* an EFI stub's PE header is present */
	u32 sig_offset, sig_size;	/* security directory (0: none) */
};

/*
 * Looks at the whole file (size bytes). `major`/`minor` is the kernel's
 * release from its version string (0, 0 if unknown), which tells whether
 * the build wrote a CRC at all.
 */
void kfile_check(const u8 *file, size_t size, unsigned int major,
		 unsigned int minor, struct kfile *k);

#endif
