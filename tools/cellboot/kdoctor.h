/* SPDX-License-Identifier: MIT */
/*
 * The kernel doctor: can this bzImage run in a Jailhouse non-root cell?
 *
 * It checks the file (the build's CRC-32, a Secure Boot signature), then
 * decompresses the payload (kdecomp.c, which verifies the format's own
 * checksums) and reads the answers from the kernel itself: from the
 * embedded configuration when the kernel was built with CONFIG_IKCONFIG,
 * else from strings that only the code of each option puts into the image.
 * docs/kernel.md ("The kernel doctor") lists what counts as evidence.
 */
#ifndef CELLBOOT_TOOLS_KDOCTOR_H
#define CELLBOOT_TOOLS_KDOCTOR_H

#include <stdio.h>

#include "tools/cellboot/kdecomp.h"
#include "tools/cellboot/kfile.h"
#include "lib/error.h"

enum kd_feature {
	KD_GUEST, KD_X2APIC, KD_8250, KD_PCI, KD_INITRD, KD_NUM
};

enum kd_state { KD_NO, KD_YES };

struct kd_item {
	enum kd_state state;
	char evidence[128];
};

struct kdoctor {
	struct kfile file;
	enum kcomp comp;
	size_t vmlinux_size;
	char verified[96];		/* what decompression verified */
	bool ikconfig;			/* answers from the embedded config */
	char release[64];		/* first word of the version string */
	unsigned int major, minor;
	struct kd_item item[KD_NUM];
};

/*
 * Examines the bzImage file (size bytes). Returns 0, or -1 with err when
 * the kernel is corrupt or truncated (the file's CRC does not match, the
 * payload lies outside the file, does not decompress or fails a check).
 */
int kdoctor_run(const u8 *file, size_t size, struct kdoctor *r,
		struct cb_err *err);

/* true when nothing that a cell needs is missing */
bool kdoctor_cell_ready(const struct kdoctor *r);

/*
 * One line per feature, "<indent>jailhouse guest: yes (evidence)", then
 * the release, as `inspect` prints them.
 */
void kdoctor_print(FILE *f, const struct kdoctor *r, const char *indent);

/* The feature's name ("x2APIC") and what to set when it is missing. */
const char *kdoctor_label(enum kd_feature i);
const char *kdoctor_hint(enum kd_feature i);

/* The integrity lines (CRC, signature, payload) for `inspect`. */
void kdoctor_print_integrity(FILE *f, const struct kdoctor *r,
			     const char *indent);

/*
 * For `plan`: one "cellboot: warning: kernel: ..." line (warn_msg) per
 * missing feature and for a signed image's CRC. Returns the number of lines.
 */
unsigned int kdoctor_warn(const struct kdoctor *r);

#endif
