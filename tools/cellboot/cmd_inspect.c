/* SPDX-License-Identifier: MIT */
/*
 * cellboot inspect FILE...
 *
 * A human-readable dump of a bzImage, a binary cell config or a cell
 * description, with warnings for the traps integrators fall into
 * (docs/jailhouse-abi.md 7): RAM without the DMA flag, a legacy UART granted with
 * a length other than 8, a comm region away from 0x100000, an old or
 * non-relocatable kernel, a cell too small for the kernel's init_size.
 * Everything is read with the loader's parsers (lib/). This file tells the
 * kinds apart and checks a cell and a kernel together; inspect_kernel.c
 * and inspect_cell.c describe each kind (inspect.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/cellwarn.h"
#include "tools/cellboot/celltext.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/inspect.h"
#include "tools/cellboot/vmlinux.h"
#include "lib/e820.h"
#include "lib/elf.h"
#include "lib/layout.h"

static const char usage[] =
	"usage: cellboot inspect [-c CMDLINE] FILE...\n"
	"\n"
	"Describes each FILE: a Linux bzImage (boot protocol, flags, alignment,\n"
	"pref_address, init_size, payload compression, version string), a binary\n"
	"Jailhouse cell config or a cell description (name, flags, CPUs, every\n"
	"memory region and how it appears in the kernel's e820 map, PIO grants,\n"
	"irqchips, console, comm region), with warnings for known traps. Given a\n"
	"cell and a kernel together, also checks that the kernel's init_size\n"
	"fits the cell at its pref_address. A file that is not a cell config of\n"
	"revision 14 for x86 is named: a system config, another revision or\n"
	"architecture, a bzImage given where the cell belongs.\n"
	"\n"
	"  -c, --cmdline CMDLINE  warn if its console=ttyS<n> or earlyprintk=\n"
	"                         names a legacy UART the cell does not own\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 described (warnings included), 1 a file cannot be read,\n"
	"is of neither kind or fails the loader's checks, 2 usage error.\n";

static unsigned int warnings;

void inspect_warning(const char *fmt, ...)
{
	va_list ap;

	printf("warning: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	warnings++;
}

void flag_names(char *out, size_t size, u64 v,
		       const char *const *names, size_t n, const char *sep)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned int bit = 0; bit < 64 && len < size; bit++) {
		if (!(v & (1ull << bit)))
			continue;
		if (bit < n && names[bit])
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						len ? sep : "", names[bit]);
		else
			len += (size_t)snprintf(out + len, size - len, "%sbit%u",
						len ? sep : "", bit);
	}
	if (!out[0])
		snprintf(out, size, "none");
}

/* The kernel's init_size window at pref_address against the cell's RAM. */
static void cross_check(const struct cell_config *cfg, const struct bzimage *k)
{
	static struct boot_e820_entry e[CB_E820_MAX_ENTRIES];
	struct e820_table t = { e, 0, CB_E820_MAX_ENTRIES };
	struct range ram[64];
	struct cb_err err;
	u32 n;
	u64 s = k->pref_address, end = k->pref_address + k->init_size;

	if (e820_from_cell(&t, cfg, &err)) {
		report(&err);
		return;
	}
	n = e820_ram_ranges(&t, ram, ARRAY_SIZE(ram));
	if (n > ARRAY_SIZE(ram))
		n = ARRAY_SIZE(ram);
	if (ranges_contain(ram, n, s, end))
		printf("kernel in cell: init_size 0x%x fits at pref_address "
		       "(0x%llx-0x%llx is cell RAM)\n", k->init_size,
		       (unsigned long long)s, (unsigned long long)(end - 1));
	else
		inspect_warning("the cell's RAM has no room for the kernel's init_size "
			"0x%x at its pref_address (0x%llx-0x%llx)%s; cellboot plan "
			"finds where it fits or says why it does not",
			k->init_size, (unsigned long long)s,
			(unsigned long long)(end - 1),
			k->relocatable ? "" : " and it is not relocatable");
}

/* What the file is, when cellboot can name it; then 1 (failed). */
static int not_a_cell(const struct cb_file *f)
{
	char what[256];

	if (!cellwarn_what_is(f->data, f->size, what, sizeof(what)))
		return 0;
	fflush(stdout);
	return fail_msg(f->path, "%s", what);
}

int cmd_inspect(int argc, char **argv)
{
	static struct cell_desc desc;
	static struct cb_file files[64];
	struct cell_config cfg;
	struct bzimage k = { 0 };
	bool have_cfg = false, have_k = false, kernel_first = false;
	const char *cmdline = NULL;
	int rc = CB_EXIT_OK, nfiles = 0, shown = 0;
	void *bins[64];
	int nbins = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return CB_EXIT_OK;
		}
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cmdline")) {
			if (i + 1 == argc)
				return usage_error("inspect", "%s needs CMDLINE",
						   argv[i]);
			cmdline = argv[++i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--"))
			return usage_error("inspect", "unknown option '%s'",
					   argv[i]);
		if (strcmp(argv[i], "--"))
			nfiles++;
	}
	if (!nfiles)
		return usage_error("inspect", "missing FILE");
	if (nfiles > (int)ARRAY_SIZE(files))
		return usage_error("inspect", "more than %zu files",
				   ARRAY_SIZE(files));

	nfiles = 0;
	for (int i = 1; i < argc; i++) {
		struct cb_file *f = &files[nfiles];
		struct cell_config this_cfg;	/* kept only if it parsed whole */
		struct cb_err err;
		int r;

		if (!strcmp(argv[i], "--"))
			continue;
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cmdline")) {
			i++;
			continue;
		}
		if (shown++)
			putchar('\n');
		fflush(stdout);
		r = file_load(f, argv[i], true);
		if (r) {
			rc = r;
			continue;
		}
		nfiles++;	/* kept mapped: the parsed views point into it */
		if (f->size >= JAILHOUSE_SIGNATURE_SIZE &&
		    !memcmp(f->data, JAILHOUSE_CELL_DESC_SIGNATURE,
			    JAILHOUSE_SIGNATURE_SIZE)) {
			kernel_first |= have_k && !have_cfg;
			r = not_a_cell(f) ?: inspect_cell(f->path, f->data, f->size, false,
					 &this_cfg);
			if (!r) {
				cfg = this_cfg;
				have_cfg = true;
			}
		} else if (is_bzimage(f)) {
			r = inspect_kernel(f, &k, &have_k);
		} else if (f->size >= 4 && elf_is_elf(f->data)) {
			/* an uncompressed kernel (docs/vmlinux-boot.md) */
			r = vmlinux_describe(stdout, f->data, f->size, &err) ?
			    report(&err) : 0;
		} else if (file_is_text(f)) {
			size_t out;
			void *bin = celltext_to_config(f, &desc, &out, &err);

			if (!bin && !strcmp(err.what, "cell description")) {
				fflush(stdout);
				r = fail_msg(f->path, "not a bzImage or a binary cell "
					     "config; read as a cell description: "
					     "%s", err.detail);
			} else if (!bin) {
				r = report(&err);
			} else {
				bins[nbins++] = bin;
				r = inspect_cell(f->path, bin, out, true,
						 &this_cfg);
				if (!r) {
					cfg = this_cfg;
					have_cfg = true;
				}
			}
		} else if (!(r = not_a_cell(f))) {
			fflush(stdout);
			r = fail_msg(f->path, "neither a bzImage (no 0xaa55 boot "
				     "flag and HdrS header) nor a Jailhouse cell "
				     "config (no JHCLL signature)");
		}
		fflush(stdout);
		if (r)
			rc = r;
	}
	if (have_cfg && have_k) {
		putchar('\n');
		cross_check(&cfg, &k);
		if (kernel_first)
			printf("note: the kernel came before the cell config; "
			       "plan and boot take CELL.cell KERNEL in that "
			       "order\n");
	}
	if (have_cfg && cmdline)
		cellwarn_console(&cfg, cmdline, inspect_warning);
	if (warnings)
		printf("%u warning%s\n", warnings, warnings == 1 ? "" : "s");
	for (int i = 0; i < nbins; i++)
		free(bins[i]);
	for (int i = 0; i < nfiles; i++)
		file_release(&files[i]);
	return rc;
}
