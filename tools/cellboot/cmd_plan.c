/* SPDX-License-Identifier: MIT */
/*
 * cellboot plan CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]
 *
 * Checks everything the loader and the jailhouse driver will check, picks
 * zero-copy load addresses and prints the jailhouse commands (bootplan.c).
 */
#include <stdio.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cellwarn.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/help.h"

static const char usage[] =
	"usage: cellboot plan CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]\n"
	"\n"
	"Checks that cellboot, the kernel (bzImage) and the initrd fit the cell\n"
	"described by the binary Jailhouse cell config CELL.cell, picks the\n"
	"addresses 'jailhouse cell load' puts them at so that the loader has\n"
	"nothing to move, and prints the jailhouse commands that boot the cell.\n"
	"A failed check prints the loader's own error line.\n"
	"\n"
	HELP_COMMON_OPTIONS
	"      --format FMT       shell (default): the commands, one per line;\n"
	"                         json: the same facts as an object\n"
	"      --jailhouse PATH   the jailhouse program named in the commands\n"
	"      --show-boot-params print the zero page, e820 map, command line\n"
	"                         and setup_data the loader will build (after\n"
	"                         the commands)\n"
	"  -h, --help             show this help\n"
	"\n"
	HELP_EXIT_STATUS;

int cmd_plan(int argc, char **argv)
{
	static struct boot_plan p;
	struct bp_commands c;
	struct bp_args a;
	int rc = bp_parse_args("plan", BP_CMD_PLAN, false, usage, argc, argv,
			       &a);

	if (rc || a.help)
		return rc;
	rc = bp_make(&a, &p);
	if (rc == 0) {
		/* console=/earlyprintk= on a UART the cell does not own */
		cellwarn_console(&p.cfg, p.cmdline, warn_msg);
		bp_commands(&p, a.jailhouse, &c);
		bp_print(stdout, &p, &c, a.format);
		bp_commands_free(&c);
		if (a.show_boot_params && a.format != BP_FORMAT_JSON) {
			putchar('\n');
			bp_show_boot_params(stdout, &p);
		}
	}
	bp_release(&p);
	return rc;
}
