/* SPDX-License-Identifier: MIT */
/*
 * cellboot mkcell DESCRIPTION -o OUT.cell
 *
 * Reads a cell description (docs/cell-description.md) and writes the binary
 * Jailhouse cell configuration that `jailhouse cell create` takes.
 * Exit codes: 0 written, 1 bad input or I/O error, 2 usage error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/lib/celldesc.h"
#include "tools/lib/cellcfg_write.h"

#define MKCELL_MAX_INPUT (1024 * 1024)

int cmd_mkcell(int argc, char **argv);

static const char usage[] =
	"usage: cellboot mkcell DESCRIPTION -o OUT.cell\n"
	"\n"
	"Writes the binary Jailhouse cell configuration (JHCLL revision 14) for\n"
	"the cell description DESCRIPTION (format: docs/cell-description.md).\n"
	"\n"
	"  -o, --output FILE   where to write the .cell file (required)\n"
	"  -h, --help          show this help\n";

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cellboot: error: mkcell: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'cellboot mkcell --help'.\n");
	return 2;
}

static int io_error(const char *path, const char *what)
{
	fprintf(stderr, "cellboot: error: %s: %s: %s\n", path, what,
		strerror(errno));
	return 1;
}

/* Reads the whole file into a malloc'ed buffer; returns 0 or an exit code. */
static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return io_error(path, "cannot open");
	*text = malloc(MKCELL_MAX_INPUT + 1);
	if (!*text) {
		fclose(f);
		return io_error(path, "cannot allocate");
	}
	n = fread(*text, 1, MKCELL_MAX_INPUT + 1, f);
	if (ferror(f)) {
		fclose(f);
		return io_error(path, "cannot read");
	}
	fclose(f);
	if (n > MKCELL_MAX_INPUT) {
		fprintf(stderr, "cellboot: error: %s: larger than the limit of %d bytes\n",
			path, MKCELL_MAX_INPUT);
		return 1;
	}
	*len = n;
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return io_error(path, "cannot create");
	if (fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return io_error(path, "cannot write");
	}
	if (fclose(f) != 0)
		return io_error(path, "cannot write");
	return 0;
}

static int mkcell(const char *in, const char *out)
{
	struct cell_desc *d = malloc(sizeof(*d));
	char *text = NULL;
	void *bin = NULL;
	struct cb_err err;
	size_t len = 0, bin_len = 0;
	int rc;

	if (!d)
		return io_error(in, "cannot allocate");
	rc = read_file(in, &text, &len);
	if (rc)
		goto out;
	rc = 1;
	if (celldesc_parse(text, len, d, &err))
		goto report;
	bin = malloc(cellcfg_write_size(d));
	if (!bin) {
		rc = io_error(out, "cannot allocate");
		goto out;
	}
	if (cellcfg_write(d, bin, cellcfg_write_size(d), &bin_len, &err))
		goto report;
	rc = write_file(out, bin, bin_len);
	if (rc == 0)
		printf("%s: cell '%s': cpus %u, memory regions %u, irqchips %u, "
		       "pio regions %u, cache regions %u, pci devices %u, "
		       "pci caps %u, %zu bytes\n", out, d->name,
		       celldesc_num_cpus(d), d->num_mem, d->num_irqchips,
		       d->num_pio, d->num_cache, d->num_pci, d->num_caps,
		       bin_len);
	goto out;
report:
	fprintf(stderr, "cellboot: error: %s: %s\n", err.what, err.detail);
out:
	free(bin);
	free(text);
	free(d);
	return rc;
}

int cmd_mkcell(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 == argc)
				return usage_error("%s needs a FILE", a);
			if (out)
				return usage_error("%s given twice", a);
			out = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option '%s'", a);
		} else if (in) {
			return usage_error("unexpected argument '%s' (one DESCRIPTION only)", a);
		} else {
			in = a;
		}
	}
	if (!in)
		return usage_error("missing DESCRIPTION");
	if (!out)
		return usage_error("missing -o OUT.cell");
	return mkcell(in, out);
}
