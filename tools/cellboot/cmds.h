/* SPDX-License-Identifier: MIT */
#ifndef CELLBOOT_TOOLS_CMDS_H
#define CELLBOOT_TOOLS_CMDS_H

/* Exit codes shared by every subcommand. */
#define CB_EXIT_OK	0
#define CB_EXIT_FAILED	1	/* a check failed or an input is bad */
#define CB_EXIT_USAGE	2	/* the command line is wrong */

int cmd_plan(int argc, char **argv);
int cmd_boot(int argc, char **argv);
int cmd_qemu(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_mkcell(int argc, char **argv);
int cmd_mkrom(int argc, char **argv);
int cmd_extract(int argc, char **argv);

#endif
