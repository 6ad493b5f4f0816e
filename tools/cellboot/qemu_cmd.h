/* SPDX-License-Identifier: MIT */
/*
 * The QEMU command line of one `cellboot qemu` run: the machine (microvm
 * or q35), -smp and -m from the cell, the reset ROM as -bios, one 16550 per
 * UART the cell owns, every image at its `jailhouse cell load` address
 * through QEMU's generic loader device, the comm region page, --gdb.
 */
#ifndef CELLBOOT_TOOLS_QEMU_CMD_H
#define CELLBOOT_TOOLS_QEMU_CMD_H

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/qemu_run.h"

struct qemu_cmd {
	char *argv[48];			/* NULL-terminated, owned */
	int argc;
};

/* What the command is built from. */
struct qemu_cmd_in {
	const char *qemu;		/* --qemu, else $QEMU, else on PATH */
	const char *machine;		/* "microvm" or "q35" */
	const char *accel;		/* NULL: tcg */
	unsigned int cpus;
	u64 mem_mib;
	const char *rom, *loader, *comm;	/* the run's files */
	const struct boot_plan *plan;
	const struct qr_uart *uarts;
	unsigned int num_uarts;
	bool interactive;		/* QEMU's stdio keeps Ctrl-C */
	bool gdb;
	unsigned int gdb_port;
};

void qemu_cmd_build(struct qemu_cmd *q, const struct qemu_cmd_in *in);
/* The monitor channel qemu_run.c drives (not in the printed command). */
void qemu_cmd_add_monitor(struct qemu_cmd *q, const char *monitor);
void qemu_cmd_free(struct qemu_cmd *q);

#endif
