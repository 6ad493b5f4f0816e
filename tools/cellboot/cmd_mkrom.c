/* SPDX-License-Identifier: MIT */
/*
 * cellboot mkrom [--cpus N] -o FILE
 *
 * Writes the 64 KiB reset ROM that `cellboot qemu` gives QEMU as -bios
 * (tools/lib/cellsim.c), for the Python QEMU cell runner and for hand-made QEMU
 * command lines.
 */
#include <stdio.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"
#include "tools/lib/cellsim.h"

static const char usage[] =
	"usage: cellboot mkrom [--cpus N] -o FILE\n"
	"\n"
	"Writes the 64 KiB reset ROM of cellboot's QEMU cell (QEMU -bios): the\n"
	"reset vector jumps to 0000:0000, where a Jailhouse x86 cell starts.\n"
	"With --cpus N (1 to 254) the ROM also carries an Intel MP 1.4 table\n"
	"listing CPUs with APIC IDs 0..N-1 and the IOAPIC, so that a kernel\n"
	"without Jailhouse guest support finds them (cellboot qemu does this).\n"
	"\n"
	"  --cpus N            add the MP table for N CPUs\n"
	"  -o, --output FILE   where to write the ROM (required)\n"
	"  -h, --help          show this help\n";

int cmd_mkrom(int argc, char **argv)
{
	static u8 rom[CELLSIM_ROM_SIZE];
	const char *out = NULL;
	u64 cpus = 0;
	struct cb_err err;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return CB_EXIT_OK;
		}
		if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
		    !strcmp(a, "--cpus")) {
			if (i + 1 == argc)
				return usage_error("mkrom", "%s needs a value", a);
			if (a[2] == 'c') {
				if (!parse_u64(argv[++i], &cpus) || cpus < 1 ||
				    cpus > CELLSIM_MAX_CPUS)
					return usage_error("mkrom", "--cpus: '%s' "
							   "is not a number from "
							   "1 to %u", argv[i],
							   CELLSIM_MAX_CPUS);
			} else {
				if (out)
					return usage_error("mkrom", "%s given twice",
							   a);
				out = argv[++i];
			}
		} else if (a[0] == '-') {
			return usage_error("mkrom", "unknown option '%s'", a);
		} else {
			return usage_error("mkrom", "unexpected argument '%s'", a);
		}
	}
	if (!out)
		return usage_error("mkrom", "missing -o FILE");
	if (cellsim_rom_build(rom, (u32)cpus, &err))
		return report(&err);
	return file_write(out, rom, sizeof(rom));
}
