/* SPDX-License-Identifier: MIT */
/*
 * The options of `cellboot qemu` that bootplan.c (bpargs.c) does not know:
 * --expect, --fail-on, --serial-log, --gdb, --machine and --cpus lists.
 */
#ifndef CELLBOOT_TOOLS_QEMU_OPTS_H
#define CELLBOOT_TOOLS_QEMU_OPTS_H

#include "tools/cellboot/qemu_verdict.h"

#define QO_MAX_MACHINES	2
#define QO_MAX_CPU_RUNS	8

struct qemu_opts {
	const char *expect[QV_MAX_PATTERNS], *fail_on[QV_MAX_PATTERNS];
	unsigned int num_expect, num_fail;
	const char *serial_log;
	bool gdb;
	unsigned int gdb_port;
	const char *machines[QO_MAX_MACHINES];
	unsigned int num_machines;
	unsigned int cpus[QO_MAX_CPU_RUNS];	/* 0: the cell's count */
	unsigned int num_cpus;
};

/*
 * Takes these options out of argv (in place); the rest goes to
 * bp_parse_args. Defaults: microvm, the cell's CPU count. Returns 0 or
 * CB_EXIT_USAGE (printed).
 */
int take_qemu_opts(int *argc, char **argv, struct qemu_opts *o);

#endif
