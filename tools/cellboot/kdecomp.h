/* SPDX-License-Identifier: MIT */
/*
 * Decompressing a bzImage's payload on the host, with the distribution's
 * libraries (zlib, libbz2, liblzma, liblzo2, liblz4, libzstd), verifying
 * whatever the format carries on the way. docs/kernel.md ("What the doctor
 * reads") describes the formats as Linux writes them:
 *
 *   the payload (payload_offset/payload_length of the setup header) is the
 *   compressed vmlinux.bin (+ relocations) followed by the decompressed
 *   size as 4 little-endian bytes; for gzip those 4 bytes are the gzip
 *   trailer's own ISIZE field, for the others an extra trailer.
 *
 * Host-only code (tools/cellboot/): never linked into the loader.
 */
#ifndef CELLBOOT_TOOLS_KDECOMP_H
#define CELLBOOT_TOOLS_KDECOMP_H

#include "lib/error.h"
#include "lib/types.h"

enum kcomp {
	KCOMP_UNKNOWN, KCOMP_GZIP, KCOMP_BZIP2, KCOMP_LZMA, KCOMP_XZ,
	KCOMP_LZO, KCOMP_LZ4, KCOMP_ZSTD,
};

/* Which format the payload starts with (its magic bytes). */
enum kcomp kcomp_detect(const u8 *p, size_t len);
/* "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd" or "unknown". */
const char *kcomp_name(enum kcomp c);
/* The CONFIG_KERNEL_* option that selects it ("CONFIG_KERNEL_XZ"). */
const char *kcomp_config(enum kcomp c);

struct kdecomp {
	enum kcomp kind;
	u8 *out;		/* malloc'ed */
	size_t out_len;
	/* what was verified, e.g. "gzip CRC-32 and length" */
	char verified[96];
};

/*
 * Decompresses the whole payload (len bytes including the 4-byte size
 * trailer). Returns 0, or -1 with err ("kernel", "payload (xz): ...")
 * when the format is unknown, the data is corrupt or truncated, a checksum
 * does not match, or the result's size differs from the trailer.
 */
int kdecomp_payload(const u8 *payload, size_t len, struct kdecomp *d,
		    struct cb_err *err);
void kdecomp_free(struct kdecomp *d);

/*
 * A plain gzip member of unknown decompressed size (at most max bytes),
 * e.g. the kernel's embedded config. Returns 0 with *out malloc'ed (NUL
 * terminated, *out_len without it), or -1.
 */
int kdecomp_gunzip(const u8 *in, size_t len, size_t max, char **out,
		   size_t *out_len);

#endif
