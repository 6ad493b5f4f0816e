/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <zlib.h>

#include "tools/cellboot/kfile.h"

/* PE/COFF (Microsoft's PE format specification) */
#define PE_POINTER	0x3c		/* file offset of "PE\0\0" */
#define PE_OPT_HDR	24		/* after the signature and COFF header */
#define PE32_MAGIC	0x10b
#define PE32P_MAGIC	0x20b
#define PE_DIR_SECURITY	4		/* the certificate table */

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* The certificate table's file offset and size, if the PE header has one. */
static void pe_security(const u8 *f, size_t size, struct kfile *k)
{
	size_t pe, opt, dirs, count_at;
	u32 n;

	if (size < PE_POINTER + 4)
		return;
	pe = rd32(f + PE_POINTER);
	if (pe > size - PE_OPT_HDR - 2 || memcmp(f + pe, "PE\0\0", 4))
		return;
	k->is_pe = true;
	opt = pe + PE_OPT_HDR;
	switch (f[opt] | f[opt + 1] << 8) {
	case PE32P_MAGIC: count_at = opt + 108; dirs = opt + 112; break;
	case PE32_MAGIC:  count_at = opt + 92;  dirs = opt + 96;  break;
	default: return;
	}
	if (dirs + 8 * (PE_DIR_SECURITY + 1) > size)
		return;
	n = rd32(f + count_at);
	if (n <= PE_DIR_SECURITY)
		return;
	/* for this directory the "address" is a file offset */
	k->sig_offset = rd32(f + dirs + 8 * PE_DIR_SECURITY);
	k->sig_size = rd32(f + dirs + 8 * PE_DIR_SECURITY + 4);
	if (!k->sig_size || k->sig_offset > size ||
	    k->sig_size > size - k->sig_offset)
		k->sig_offset = k->sig_size = 0;
}

void kfile_check(const u8 *file, size_t size, unsigned int major,
		 unsigned int minor, struct kfile *k)
{
	memset(k, 0, sizeof(*k));
	pe_security(file, size, k);
	if (size < 4) {
		k->crc = KFILE_CRC_BAD;
		return;
	}
	k->stored = rd32(file + size - 4);
	/* zlib's crc32 is the inverted register; build.c stores it raw */
	k->computed = (u32)crc32(0, file, (uInt)(size - 4)) ^ 0xffffffffu;
	if (k->computed == k->stored)
		k->crc = KFILE_CRC_OK;
	else if (k->sig_size)
		k->crc = KFILE_CRC_SIGNED;
	else if (major > 6 || (major == 6 && minor >= 15))
		k->crc = KFILE_CRC_NOT_WRITTEN;
	else
		k->crc = KFILE_CRC_BAD;
}
