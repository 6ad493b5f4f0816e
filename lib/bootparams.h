/* SPDX-License-Identifier: MIT */
/*
 * Builds the zero page from scratch: the kernel's setup header copied per
 * the protocol (0x1f1 up to 0x202 + jump offset, never the sentinel), then
 * the loader's fields, the e820 map (entries past 128 go into a
 * SETUP_E820_EXT node) and the setup_data chain.
 */
#ifndef CELLBOOT_LIB_BOOTPARAMS_H
#define CELLBOOT_LIB_BOOTPARAMS_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/bzimage.h"
#include "lib/e820.h"

/*
 * What a vmlinux's synthesized header states as cmdline_size: x86 Linux's
 * COMMAND_LINE_SIZE (2048) less the NUL, what every bzImage says too.
 */
#define BP_VMLINUX_CMDLINE_SIZE	2047

struct bootparams_input {
	/*
	 * Read: hdr (copied [0x1f1, header_end)), header_end, cmdline_size.
	 * A vmlinux has no setup header: the loader gives a struct bzimage
	 * whose hdr is one it made up (docs/vmlinux-boot.md).
	 */
	const struct bzimage *k;
	u64 cmdline_addr;
	size_t cmdline_len;		/* without the NUL */
	u64 initrd_addr, initrd_size;	/* size 0: no initrd */
	const struct e820_table *e820;
	const struct jailhouse_setup_data *jh;	/* NULL: no node */
	void *sd_buf;			/* where setup_data nodes are written */
	u64 sd_addr;			/* guest address of sd_buf */
	size_t sd_size;
};

struct bootparams_result {
	u32 num_setup_data;
	size_t sd_used;			/* bytes of sd_buf used */
	u32 e820_ext_entries;
};

int bootparams_build(struct boot_params *bp, const struct bootparams_input *in,
		     struct bootparams_result *res, struct cb_err *err);

#endif
