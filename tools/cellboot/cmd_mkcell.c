/* SPDX-License-Identifier: MIT */
/*
 * cellboot mkcell DESCRIPTION -o OUT.cell
 *
 * Reads a cell description (docs/cell-description.md) and writes the binary
 * Jailhouse cell configuration that `jailhouse cell create` takes.
 * Exit codes: 0 written, 1 bad input or I/O error, 2 usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/celltext.h"
#include "tools/cellboot/cmds.h"

#define MKCELL_MAX_INPUT (1024 * 1024)

static const char usage[] =
	"usage: cellboot mkcell DESCRIPTION -o OUT.cell\n"
	"\n"
	"Writes the binary Jailhouse cell configuration (JHCLL revision 14) for\n"
	"the cell description DESCRIPTION (format: docs/cell-description.md).\n"
	"\n"
	"  -o, --output FILE   where to write the .cell file (required)\n"
	"  -h, --help          show this help\n";

static int mkcell(const char *in, const char *out)
{
	struct cell_desc *d = malloc(sizeof(*d));
	struct cb_file text = { 0 };
	void *bin = NULL;
	struct cb_err err;
	size_t bin_len = 0;
	int rc;

	if (!d)
		return fail_msg(in, "out of memory");
	rc = file_load(&text, in, false);
	if (rc)
		goto out;
	rc = CB_EXIT_FAILED;
	if (text.size > MKCELL_MAX_INPUT) {
		fail_msg(in, "larger than the limit of %d bytes",
			 MKCELL_MAX_INPUT);
		goto out;
	}
	bin = celltext_to_config(&text, d, &bin_len, &err);
	if (!bin) {
		report(&err);
		goto out;
	}
	rc = file_write(out, bin, bin_len);
	if (rc == 0)
		printf("%s: cell '%s': cpus %u, memory regions %u, irqchips %u, "
		       "pio regions %u, cache regions %u, pci devices %u, "
		       "pci caps %u, %zu bytes\n", out, d->name,
		       celldesc_num_cpus(d), d->num_mem, d->num_irqchips,
		       d->num_pio, d->num_cache, d->num_pci, d->num_caps,
		       bin_len);
out:
	free(bin);
	file_release(&text);
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
				return usage_error("mkcell", "%s needs a FILE", a);
			if (out)
				return usage_error("mkcell", "%s given twice", a);
			out = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("mkcell", "unknown option '%s'", a);
		} else if (in) {
			return usage_error("mkcell", "unexpected argument '%s' (one DESCRIPTION only)", a);
		} else {
			in = a;
		}
	}
	if (!in)
		return usage_error("mkcell", "missing DESCRIPTION");
	if (!out)
		return usage_error("mkcell", "missing -o OUT.cell");
	return mkcell(in, out);
}
