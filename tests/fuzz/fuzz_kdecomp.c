/* SPDX-License-Identifier: MIT */
/*
 * The kernel doctor's decompression (tools/cellboot/kdecomp.c) on arbitrary
 * payload bytes: the format from the magic, the hand-parsed framing (lzop
 * headers and blocks, the legacy lz4 frame's block sizes), the libraries
 * behind them, the size trailer; then the file-level check (kfile.c) on
 * the same bytes. Byte 0 picks a magic to put in front, so that every
 * format is reached without a dictionary. Built with the tool's libraries
 * (tests/fuzz/Makefile.inc); never part of the loader.
 */
#include "tests/fuzz/fuzz.h"
#include "tools/cellboot/kdecomp.h"
#include "tools/cellboot/kfile.h"

static const struct { u8 len, magic[9]; } magics[] = {
	{ 0, { 0 } },
	{ 3, { 0x1f, 0x8b, 0x08 } },
	{ 3, { 'B', 'Z', 'h' } },
	{ 3, { 0x5d, 0x00, 0x00 } },
	{ 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
	{ 9, { 0x89, 'L', 'Z', 'O', 0x00, 0x0d, 0x0a, 0x1a, 0x0a } },
	{ 4, { 0x02, 0x21, 0x4c, 0x18 } },
	{ 4, { 0x28, 0xb5, 0x2f, 0xfd } },
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct kdecomp d;
	struct kfile k;
	struct cb_err err;
	size_t m, n;
	u8 *buf;

	if (!size || size > (1u << 20))
		return 0;
	m = data[0] % (sizeof(magics) / sizeof(magics[0]));
	n = magics[m].len + size - 1;
	buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, magics[m].magic, magics[m].len);
	memcpy(buf + magics[m].len, data + 1, size - 1);
	/* the trailer may claim up to 1 GiB: keep it small for the fuzzer */
	if (n >= 4 && buf[n - 1] > 0)
		buf[n - 1] = 0;
	if (kdecomp_payload(buf, n, &d, &err) == 0)
		FUZZ_CHECK(d.kind != KCOMP_UNKNOWN && d.out && d.verified[0],
			   "kind %d", d.kind);
	else
		FUZZ_CHECK(err.what && err.detail[0], "no error text");
	kdecomp_free(&d);
	kfile_check(buf, n, 6, 1, &k);
	FUZZ_CHECK(!k.sig_size || (k.sig_offset <= n && k.sig_size <= n - k.sig_offset),
		   "signature %u+%u past %zu", k.sig_offset, k.sig_size, n);
	free(buf);
	return 0;
}
