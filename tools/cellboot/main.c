/* SPDX-License-Identifier: MIT */
/*
 * cellboot: the root-side tool. One subcommand per file (cmd_*.c); all the
 * parsing, planning and writing lives in lib/, shared with the loader.
 */
#include <stdio.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"
#include "lib/version.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "plan", cmd_plan,
	  "check a cell, kernel and initrd; print the jailhouse commands" },
	{ "boot", cmd_boot,
	  "the same checks, then run the jailhouse commands" },
	{ "qemu", cmd_qemu,
	  "boot the same images at the same addresses under QEMU" },
	{ "inspect", cmd_inspect,
	  "describe a bzImage or a cell config, with warnings" },
	{ "mkcell", cmd_mkcell,
	  "write a Jailhouse cell config (.cell) from a text description" },
	{ "extract-vmlinux", cmd_extract,
	  "write the uncompressed kernel (ELF vmlinux) inside a bzImage" },
	{ "mkrom", cmd_mkrom,
	  "write the reset ROM (QEMU -bios) of the QEMU cell runner" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cellboot COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'cellboot COMMAND --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cellboot %s\n", CELLBOOT_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fail_msg("usage", "unknown command '%s'", argv[1]);
	usage(stderr);
	return CB_EXIT_USAGE;
}
