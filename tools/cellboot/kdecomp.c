/* SPDX-License-Identifier: MIT */
/*
 * The seven payload formats of x86 Linux, each through its library. The
 * only framing parsed here is what no library parses: lzop's file header
 * and block headers (liblzo2 decodes raw LZO1X blocks) and the "legacy"
 * lz4 frame (a magic, then blocks each preceded by its compressed size;
 * liblz4 decodes the blocks). No compression algorithm is implemented here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>

#include "tools/cellboot/kdecomp.h"

#define WHAT "kernel"
/* more than any vmlinux; a larger trailer means the payload is damaged */
#define MAX_OUT (1024u * 1024 * 1024)
#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)
#define LZOP_MAX_BLOCK (256u * 1024)
/* liblzma's memory for the dictionary: Linux uses 32 MiB (xz) or 64 MiB
 * (lzma -9); a header asking for more is damaged, not a kernel */
#define LZMA_MEMLIMIT (512ull << 20)

static const struct {
	enum kcomp kind;
	const char *name, *config;
	u8 len;
	u8 magic[6];
} formats[] = {
	{ KCOMP_GZIP, "gzip", "CONFIG_KERNEL_GZIP", 2, { 0x1f, 0x8b } },
	{ KCOMP_BZIP2, "bzip2", "CONFIG_KERNEL_BZIP2", 3, { 'B', 'Z', 'h' } },
	{ KCOMP_LZMA, "lzma", "CONFIG_KERNEL_LZMA", 3, { 0x5d, 0x00, 0x00 } },
	{ KCOMP_XZ, "xz", "CONFIG_KERNEL_XZ", 6,
	  { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
	{ KCOMP_LZO, "lzo", "CONFIG_KERNEL_LZO", 4, { 0x89, 'L', 'Z', 'O' } },
	{ KCOMP_LZ4, "lz4", "CONFIG_KERNEL_LZ4", 4, { 0x02, 0x21, 0x4c, 0x18 } },
	{ KCOMP_ZSTD, "zstd", "CONFIG_KERNEL_ZSTD", 4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

enum kcomp kcomp_detect(const u8 *p, size_t len)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (len >= formats[i].len &&
		    !memcmp(p, formats[i].magic, formats[i].len))
			return formats[i].kind;
	return KCOMP_UNKNOWN;
}

const char *kcomp_name(enum kcomp c)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].kind == c)
			return formats[i].name;
	return "unknown";
}

const char *kcomp_config(enum kcomp c)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].kind == c)
			return formats[i].config;
	return "?";
}

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

/* ------------------------------------------------------------------------ */

/* in: the gzip member including its 8-byte trailer (CRC-32, ISIZE) */
static int gzip(const u8 *in, size_t len, struct kdecomp *d, const char **why)
{
	z_stream z;
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return *why = "zlib cannot start", -1;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = d->out;
	z.avail_out = (uInt)d->out_len;
	rc = inflate(&z, Z_FINISH);
	d->out_len = z.total_out;
	if (rc != Z_STREAM_END)
		*why = rc == Z_DATA_ERROR ? (z.msg ? z.msg : "corrupt data") :
		       z.avail_out ? "truncated" : "longer than its trailer says";
	inflateEnd(&z);
	snprintf(d->verified, sizeof(d->verified), "gzip CRC-32 and length");
	return rc == Z_STREAM_END ? 0 : -1;
}

static int bzip2(const u8 *in, size_t len, struct kdecomp *d, const char **why)
{
	bz_stream s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
		return *why = "libbz2 cannot start", -1;
	s.next_in = (char *)in;
	s.avail_in = (unsigned int)len;
	s.next_out = (char *)d->out;
	s.avail_out = (unsigned int)d->out_len;
	do
		rc = BZ2_bzDecompress(&s);
	while (rc == BZ_OK && s.avail_in && s.avail_out);
	d->out_len = (size_t)s.total_out_lo32 | (size_t)s.total_out_hi32 << 32;
	if (rc != BZ_STREAM_END)
		*why = rc == BZ_DATA_ERROR ? "a CRC does not match or the data "
		       "is corrupt" : rc == BZ_DATA_ERROR_MAGIC ? "bad magic" :
		       rc != BZ_OK ? "libbz2 error" : !s.avail_in ? "truncated" :
		       "longer than its trailer says";
	BZ2_bzDecompressEnd(&s);
	snprintf(d->verified, sizeof(d->verified), "bzip2 block and stream CRCs");
	return rc == BZ_STREAM_END ? 0 : -1;
}

static const char *lzma_why(lzma_ret rc)
{
	switch (rc) {
	case LZMA_DATA_ERROR:	return "corrupt data";
	case LZMA_FORMAT_ERROR:	return "not in the format its magic says";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	case LZMA_MEM_ERROR:	return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "its dictionary is larger than any "
				  "kernel's (damaged header)";
	case LZMA_BUF_ERROR:	return "truncated (or longer than its trailer says)";
	default:		return "liblzma error";
	}
}

static int xz_or_lzma(const u8 *in, size_t len, bool xz, struct kdecomp *d,
		      const char **why)
{
	static const char *const checks[] = {
		[LZMA_CHECK_NONE] = "no check", [LZMA_CHECK_CRC32] = "CRC32",
		[LZMA_CHECK_CRC64] = "CRC64", [LZMA_CHECK_SHA256] = "SHA-256",
	};
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret rc;
	lzma_check c;

	rc = xz ? lzma_stream_decoder(&s, LZMA_MEMLIMIT, 0) :
		  lzma_alone_decoder(&s, LZMA_MEMLIMIT);
	if (rc != LZMA_OK)
		return *why = "liblzma cannot start", -1;
	s.next_in = in;
	s.avail_in = len;
	s.next_out = d->out;
	s.avail_out = d->out_len;
	rc = lzma_code(&s, LZMA_FINISH);
	d->out_len = s.total_out;
	if (rc != LZMA_STREAM_END)
		*why = lzma_why(rc);
	c = xz ? lzma_get_check(&s) : LZMA_CHECK_NONE;
	if (!xz)
		snprintf(d->verified, sizeof(d->verified), "the lzma format "
			 "carries no checksum; length only");
	else
		snprintf(d->verified, sizeof(d->verified), "xz %s and length",
			 c < sizeof(checks) / sizeof(checks[0]) && checks[c] ?
			 checks[c] : "check");
	lzma_end(&s);
	return rc == LZMA_STREAM_END ? 0 : -1;
}

/* lzop's file format: header, then blocks, then a zero length. */
static int lzo(const u8 *in, size_t len, struct kdecomp *d, const char **why)
{
	enum {	F_ADLER32_D = 0x1, F_ADLER32_C = 0x2, F_H_EXTRA_FIELD = 0x40,
		F_CRC32_D = 0x100, F_CRC32_C = 0x200, F_H_FILTER = 0x800,
		F_H_CRC32 = 0x1000 };
	const u8 *p = in, *end = in + len, *h = in + 9;
	size_t o = 0;
	u32 flags, sum;
	u16 version;
	bool sums = false;

	if (lzo_init() != LZO_E_OK)
		return *why = "liblzo2 cannot start", -1;
#define NEED(n) do { if ((size_t)(end - p) < (size_t)(n)) \
		return *why = "truncated", -1; } while (0)
	NEED(9);
	p += 9;						/* magic */
	NEED(6);
	version = be16(p);
	p += version >= 0x0940 ? 6 : 4;			/* versions */
	NEED(2);
	p += version >= 0x0940 ? 2 : 1;			/* method, level */
	NEED(4);
	flags = be32(p);
	p += 4;
	if (flags & F_H_FILTER) {
		NEED(4);
		p += 4;
	}
	NEED(12);
	p += version >= 0x0940 ? 12 : 8;		/* mode, mtime */
	NEED(1);
	NEED(1 + *p);
	p += 1 + *p;					/* file name */
	NEED(4);
	sum = flags & F_H_CRC32 ? lzo_crc32(0, h, (lzo_uint)(p - h)) :
	      lzo_adler32(1, h, (lzo_uint)(p - h));
	if (sum != be32(p))
		return *why = "the lzop header checksum does not match", -1;
	p += 4;
	if (flags & F_H_EXTRA_FIELD)
		return *why = "lzop extra header fields are not supported", -1;
	for (;;) {
		u32 dlen, clen, dsum[2] = { 0, 0 };
		lzo_uint got;

		NEED(4);
		dlen = be32(p);
		p += 4;
		if (!dlen)
			break;
		NEED(4);
		clen = be32(p);
		p += 4;
		if (dlen > LZOP_MAX_BLOCK || clen > dlen)
			return *why = "a block header is corrupt", -1;
		if (dlen > d->out_len - o)
			return *why = "longer than its trailer says", -1;
		NEED((flags & F_ADLER32_D ? 4 : 0) + (flags & F_CRC32_D ? 4 : 0));
		if (flags & F_ADLER32_D)
			dsum[0] = be32(p), p += 4;
		if (flags & F_CRC32_D)
			dsum[1] = be32(p), p += 4;
		if (clen < dlen) {	/* checksums of the compressed block */
			size_t n = (flags & F_ADLER32_C ? 4u : 0u) +
				   (flags & F_CRC32_C ? 4u : 0u);

			NEED(n);
			p += n;
		}
		NEED(clen);
		got = dlen;
		if (clen == dlen)
			memcpy(d->out + o, p, dlen);
		else if (lzo1x_decompress_safe(p, clen, d->out + o, &got, NULL) !=
			 LZO_E_OK || got != dlen)
			return *why = "corrupt data", -1;
		if (((flags & F_ADLER32_D) &&
		     lzo_adler32(1, d->out + o, dlen) != dsum[0]) ||
		    ((flags & F_CRC32_D) &&
		     lzo_crc32(0, d->out + o, dlen) != dsum[1]))
			return *why = "a block checksum does not match", -1;
		sums |= (flags & (F_ADLER32_D | F_CRC32_D)) != 0;
		p += clen;
		o += dlen;
	}
#undef NEED
	d->out_len = o;
	if (p != end)
		return *why = "data after the end of the lzop stream", -1;
	snprintf(d->verified, sizeof(d->verified), "%s and length",
		 sums ? "lzop header and block checksums" : "lzop header checksum");
	return 0;
}

/* the legacy lz4 frame: magic, then [le32 compressed size][block]... */
static int lz4(const u8 *in, size_t len, struct kdecomp *d, const char **why)
{
	size_t p = 0, o = 0;

	while (p < len) {
		u32 c;
		int n;

		if (len - p < 4)
			return *why = "truncated", -1;
		c = le32(in + p);
		p += 4;
		if (c == LZ4_LEGACY_MAGIC)
			continue;
		if (p == 4)
			return *why = "no legacy frame magic", -1;
		if (c > (u32)LZ4_compressBound(LZ4_LEGACY_BLOCK) || c > len - p)
			return *why = c > len - p ? "truncated" :
				      "a block size is corrupt", -1;
		n = LZ4_decompress_safe((const char *)in + p, (char *)d->out + o,
					(int)c, (int)(d->out_len - o <
						      LZ4_LEGACY_BLOCK ?
						      d->out_len - o :
						      LZ4_LEGACY_BLOCK));
		if (n < 0)
			return *why = "corrupt data (or longer than its trailer "
				      "says)", -1;
		p += c;
		o += (size_t)n;
	}
	d->out_len = o;
	snprintf(d->verified, sizeof(d->verified), "the legacy lz4 frame "
		 "carries no checksum; length only");
	return 0;
}

static int zstd(const u8 *in, size_t len, struct kdecomp *d, const char **why)
{
	size_t n = ZSTD_decompress(d->out, d->out_len, in, len);

	if (ZSTD_isError(n))
		return *why = ZSTD_getErrorName(n), -1;
	d->out_len = n;
	snprintf(d->verified, sizeof(d->verified), "%s",
		 /* Content_Checksum_flag, bit 2 of the frame header
		  * descriptor after the magic (RFC 8878) */
		 len > 4 && (in[4] & 0x04) ?
		 "zstd XXH64 checksum and length" :
		 "no checksum in the zstd frame; length only");
	return 0;
}

/* ------------------------------------------------------------------------ */

int kdecomp_payload(const u8 *payload, size_t len, struct kdecomp *d,
		    struct cb_err *err)
{
	const char *why = NULL;
	size_t want;
	int rc;

	memset(d, 0, sizeof(*d));
	d->kind = kcomp_detect(payload, len);
	if (d->kind == KCOMP_UNKNOWN)
		return cb_fail(err, WHAT, "payload: no known compression magic "
			       "(%02x %02x %02x %02x at its start)",
			       len > 0 ? payload[0] : 0, len > 1 ? payload[1] : 0,
			       len > 2 ? payload[2] : 0, len > 3 ? payload[3] : 0);
	if (len < 8)
		return cb_fail(err, WHAT, "payload (%s): %zu bytes, truncated",
			       kcomp_name(d->kind), len);
	want = le32(payload + len - 4);
	if (!want || want > MAX_OUT)
		return cb_fail(err, WHAT, "payload (%s): its size trailer says "
			       "%zu bytes (damaged or truncated)",
			       kcomp_name(d->kind), want);
	d->out = malloc(want);
	if (!d->out)
		return cb_fail(err, WHAT, "payload: out of memory for %zu bytes",
			       want);
	d->out_len = want;
	switch (d->kind) {
	case KCOMP_GZIP:  rc = gzip(payload, len, d, &why); break;
	case KCOMP_BZIP2: rc = bzip2(payload, len - 4, d, &why); break;
	case KCOMP_LZMA:  rc = xz_or_lzma(payload, len - 4, false, d, &why); break;
	case KCOMP_XZ:    rc = xz_or_lzma(payload, len - 4, true, d, &why); break;
	case KCOMP_LZO:   rc = lzo(payload, len - 4, d, &why); break;
	case KCOMP_LZ4:   rc = lz4(payload, len - 4, d, &why); break;
	case KCOMP_ZSTD:  rc = zstd(payload, len - 4, d, &why); break;
	default:	  rc = -1; why = "?"; break;
	}
	if (rc)
		return cb_fail(err, WHAT, "payload (%s) does not decompress: %s "
			       "(the kernel file is corrupt or truncated)",
			       kcomp_name(d->kind), why);
	if (d->out_len != want)
		return cb_fail(err, WHAT, "payload (%s) decompresses to %zu bytes, "
			       "its size trailer says %zu (corrupt)",
			       kcomp_name(d->kind), d->out_len, want);
	return 0;
}

void kdecomp_free(struct kdecomp *d)
{
	free(d->out);
	d->out = NULL;
	d->out_len = 0;
}

int kdecomp_gunzip(const u8 *in, size_t len, size_t max, char **out,
		   size_t *out_len)
{
	z_stream z;
	size_t cap = 64 * 1024;
	char *buf = malloc(cap + 1);
	int rc = Z_OK;

	*out = NULL;
	memset(&z, 0, sizeof(z));
	if (!buf || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	while (rc == Z_OK) {
		if (z.total_out == cap) {
			char *nb = cap < max ? realloc(buf, cap * 2 + 1) : NULL;

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		z.next_out = (Bytef *)buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_BUF_ERROR && z.avail_out)
			break;		/* input ended early */
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	buf[*out_len] = '\0';
	*out = buf;
	return 0;
}
