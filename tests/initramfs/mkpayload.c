/*
 * mkpayload: write N deterministic pseudo-random bytes.
 *
 *   mkpayload OUT SIZE [SEED]
 *
 * SIZE and SEED accept decimal, 0x hex or 0 octal.  The bytes come from
 * xorshift64 (shifts 13, 7, 17) started at SEED (default
 * 0x63656C6C626F6F74, "cellboot"); each step yields 8 bytes, least
 * significant first, and the last step is cut to fit.  The same SIZE and
 * SEED always give the same file, so its size and CRC-32 can be checked
 * against what /init reports.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEED 0x63656C6C626F6F74ull

static int parse(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*s || *s == '-' || *end || errno ? -1 : 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	unsigned long long size, seed = DEFAULT_SEED, left;
	uint64_t x;
	FILE *out;

	if (argc < 3 || argc > 4 || parse(argv[2], &size) ||
	    (argc == 4 && parse(argv[3], &seed))) {
		fprintf(stderr, "usage: mkpayload OUT SIZE [SEED]\n");
		return 2;
	}
	if (seed == 0) {
		fprintf(stderr, "mkpayload: seed must not be 0\n");
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (!out) {
		fprintf(stderr, "mkpayload: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	x = seed;
	for (left = size; left > 0;) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);

		for (size_t i = 0; i < n; i += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			for (size_t k = 0; k < 8 && i + k < n; k++)
				buf[i + k] = (unsigned char)(x >> (8 * k));
		}
		if (fwrite(buf, 1, n, out) != n) {
			fprintf(stderr, "mkpayload: %s: %s\n", argv[1],
				strerror(errno));
			fclose(out);
			remove(argv[1]);
			return 1;
		}
		left -= n;
	}
	if (fclose(out)) {
		fprintf(stderr, "mkpayload: %s: %s\n", argv[1], strerror(errno));
		remove(argv[1]);
		return 1;
	}
	return 0;
}
