/* SPDX-License-Identifier: MIT */
/*
 * A header-only bzImage shaped like a Debian 6.1 amd64 kernel, generated
 * by the unit tests themselves: the tests that want exact numbers (setup
 * size, window, header span) use this instead of whatever kernel the
 * distribution ships today, whose numbers change with every point release.
 *
 * The header fields are those of Linux Documentation/arch/x86/boot.rst
 * (protocol 2.15) with the values Debian's 6.1 kernels carry; the
 * protected-mode part is zeros except the xz magic at payload_offset, and
 * the file has a tail past syssize * 16 like the real image. Offsets are
 * raw (written with wr*), not through the structs under test.
 */
#ifndef CELLBOOT_TESTS_UNIT_BZFIXTURE_H
#define CELLBOOT_TESTS_UNIT_BZFIXTURE_H

#include "tests/unit/helpers.h"

#define FIX_SETUP_SECTS		39
#define FIX_SETUP_SIZE		((FIX_SETUP_SECTS + 1) * 512)	/* 0x5000 */
#define FIX_SYSSIZE		0x7d820u			/* code 0x7d8200 */
#define FIX_PM_SIZE		(FIX_SYSSIZE * 16)
#define FIX_TAIL		0x5c0u				/* past syssize */
#define FIX_FILE_SIZE		(FIX_SETUP_SIZE + FIX_PM_SIZE + FIX_TAIL)
#define FIX_INIT_SIZE		0x3f98000u
#define FIX_PREF_ADDRESS	0x1000000ull
#define FIX_ALIGN		0x200000u
#define FIX_PAYLOAD_OFFSET	0x2ccu
#define FIX_PAYLOAD_LENGTH	0x7bf070u
#define FIX_KERNEL_INFO		0x7d56fcu
#define FIX_VERSION_AT		0x3cc0u	/* in the setup sectors */
/* a release no distribution ships: the fixture stands for none of them */
#define FIX_VERSION		"6.1.0-fixture"
#define FIX_VERSION_LINE	FIX_VERSION " (cellboot@unit-tests) " \
				"#1 SMP PREEMPT_DYNAMIC header-only fixture"

/* Returns a malloc'ed FIX_FILE_SIZE-byte image; *len is set to its size. */
static inline u8 *bzfixture_debian61(size_t *len)
{
	u8 *f = calloc(1, FIX_FILE_SIZE);

	assert_non_null(f);
	memset(f + 0x1e0, 0xff, 0x11);			/* header.S pads 0x1e0..0x1f0 */
	wr8(f, 0x1f1, FIX_SETUP_SECTS);			/* setup_sects */
	wr16(f, 0x1f2, 0);				/* root_flags */
	wr32(f, 0x1f4, FIX_SYSSIZE);			/* syssize */
	wr16(f, 0x1fa, 0xffff);				/* vid_mode */
	wr16(f, 0x1fe, 0xaa55);				/* boot_flag */
	wr8(f, 0x200, 0xeb);				/* jump ... */
	wr8(f, 0x201, 0x6a);				/* ... to 0x26c */
	memcpy(f + 0x202, "HdrS", 4);
	wr16(f, 0x206, 0x020f);				/* version 2.15 */
	wr16(f, 0x20e, FIX_VERSION_AT - 0x200);		/* kernel_version */
	wr8(f, 0x211, 0x01);				/* loadflags: LOADED_HIGH */
	wr32(f, 0x214, 0x100000);			/* code32_start */
	wr32(f, 0x22c, 0x7fffffff);			/* initrd_addr_max */
	wr32(f, 0x230, FIX_ALIGN);			/* kernel_alignment */
	wr8(f, 0x234, 1);				/* relocatable_kernel */
	wr8(f, 0x235, 21);				/* min_alignment */
	wr16(f, 0x236, 0x7f);				/* xloadflags */
	wr32(f, 0x238, 0x7ff);				/* cmdline_size */
	wr32(f, 0x248, FIX_PAYLOAD_OFFSET);		/* payload_offset */
	wr32(f, 0x24c, FIX_PAYLOAD_LENGTH);		/* payload_length */
	wr64(f, 0x258, FIX_PREF_ADDRESS);		/* pref_address */
	wr32(f, 0x260, FIX_INIT_SIZE);			/* init_size */
	wr32(f, 0x264, 0x7c8d20);			/* handover_offset */
	wr32(f, 0x268, FIX_KERNEL_INFO);		/* kernel_info_offset */
	memcpy(f + FIX_VERSION_AT, FIX_VERSION_LINE, sizeof(FIX_VERSION_LINE));
	memcpy(f + FIX_SETUP_SIZE + FIX_PAYLOAD_OFFSET, "\xfd" "7zXZ\0", 6);
	*len = FIX_FILE_SIZE;
	return f;
}

#endif
