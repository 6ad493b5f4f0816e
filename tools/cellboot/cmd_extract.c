/* SPDX-License-Identifier: MIT */
/*
 * cellboot extract-vmlinux BZIMAGE -o VMLINUX
 *
 * Writes the uncompressed kernel (the ELF image inside the bzImage's
 * payload, without the relocation table the build appends), which the
 * loader boots through the kernel proper's 64-bit entry without running
 * the decompressor (docs/vmlinux-boot.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"
#include "tools/cellboot/vmlinux.h"

static const char usage[] =
	"usage: cellboot extract-vmlinux BZIMAGE -o VMLINUX\n"
	"\n"
	"Decompresses the kernel inside BZIMAGE (gzip, bzip2, lzma, xz, lzo,\n"
	"lz4 or zstd, each checked as the format allows) and writes its ELF\n"
	"image: an uncompressed kernel that cellboot boots without the\n"
	"decompressor, faster and in less cell RAM (docs/vmlinux-boot.md).\n"
	"'cellboot inspect VMLINUX' shows where it runs.\n"
	"\n"
	"  -o, --output FILE   where to write the vmlinux (required)\n"
	"  -h, --help          show this help\n";

int cmd_extract(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct cb_file f;
	struct cb_err err;
	u8 *elf;
	size_t len;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return CB_EXIT_OK;
		}
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 == argc)
				return usage_error("extract-vmlinux", "%s needs a "
						   "value", a);
			if (out)
				return usage_error("extract-vmlinux", "%s given "
						   "twice", a);
			out = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			return usage_error("extract-vmlinux", "unknown option "
					   "'%s'", a);
		} else if (in) {
			return usage_error("extract-vmlinux", "unexpected "
					   "argument '%s'", a);
		} else {
			in = a;
		}
	}
	if (!in || !out)
		return usage_error("extract-vmlinux", "missing BZIMAGE or -o "
				   "VMLINUX");
	r = file_load(&f, in, true);
	if (r)
		return r;
	if (vmlinux_from_bzimage(f.data, f.size, &elf, &len, &err)) {
		file_release(&f);
		return report(&err);
	}
	file_release(&f);
	r = file_write(out, elf, len);
	free(elf);
	return r;
}
