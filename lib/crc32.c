/* SPDX-License-Identifier: MIT */
#include "lib/crc32.h"

/*
 * The register after shifting in four zero bits from each value of its low
 * nibble: entry n = n, shifted right four times with the reflected
 * polynomial 0xEDB88320 folded in at every 1 bit shifted out.
 */
static const u32 nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

u32 cb_crc32_update(u32 crc, const void *buf, size_t len)
{
	const u8 *p = buf;

	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return crc;
}

u32 cb_crc32(const void *buf, size_t len)
{
	return ~cb_crc32_update(0xffffffffu, buf, len);
}
