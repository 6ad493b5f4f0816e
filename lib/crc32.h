/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of
 * zlib, gzip and the `crc=` params key. Small on purpose: a 16-entry
 * nibble table, two lookups per byte.
 *
 *   cb_crc32(buf, len)                 the usual value (zlib.crc32, cksum -a crc32b
 *                                   style): register starts at 0xffffffff,
 *                                   result inverted
 *   cb_crc32_update(~0u, buf, len)     the raw register, not inverted: what
 *                                   Linux's arch/x86/boot/tools/build.c
 *                                   stores in a bzImage's last 4 bytes
 *                                   (computed over all bytes before them)
 */
#ifndef CELLBOOT_LIB_CRC32_H
#define CELLBOOT_LIB_CRC32_H

#include "lib/types.h"

/* Feeds len bytes into the raw register `crc` and returns the new value. */
u32 cb_crc32_update(u32 crc, const void *buf, size_t len);

/* The standard CRC-32 of buf: ~cb_crc32_update(0xffffffff, buf, len). */
u32 cb_crc32(const void *buf, size_t len);

#endif
