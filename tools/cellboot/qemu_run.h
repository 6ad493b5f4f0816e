/* SPDX-License-Identifier: MIT */
/*
 * One QEMU process of `cellboot qemu`: start it, copy the cell's serial
 * output to the terminal and the logs, feed it to the verdict
 * (qemu_verdict.h), stop QEMU when the verdict is in, the timeout hits or
 * a signal arrives.
 *
 * The UART that carries the loader's console is QEMU's stdio chardev:
 * QEMU's stdout is a pipe the tool reads, its stdin is the terminal when
 * cellboot runs in the foreground of one (the user types into the cell,
 * Ctrl-C stops QEMU), else /dev/null (nothing waits for input). Every
 * other UART is a file chardev that the tool follows; its lines reach
 * stdout prefixed with "ttySn| ". The monitor is a FIFO pair, used only to
 * send "quit".
 */
#ifndef CELLBOOT_TOOLS_QEMU_RUN_H
#define CELLBOOT_TOOLS_QEMU_RUN_H

#include <stdbool.h>

#include "tools/cellboot/qemu_verdict.h"

struct qr_uart {
	unsigned int index;	/* ttyS<index>: 0x3f8, 0x2f8, 0x3e8, 0x2e8 */
	bool console;		/* QEMU's stdio */
	const char *file;	/* not the console: QEMU's file chardev */
	const char *log;	/* the console: the tool copies it here, or NULL */
};

struct qr_run {
	char **argv;		/* the QEMU command, NULL-terminated */
	const struct qr_uart *uarts;
	unsigned int num_uarts;
	const char *monitor;	/* FIFOs monitor.in and monitor.out, made here */
	unsigned long long timeout_s;	/* 0: none */
	bool interactive;	/* QEMU gets the terminal on stdin */
	struct qv *v;
	double elapsed;		/* seconds, when qr_run returns */
};

/* True if stdin is a terminal and cellboot is in its foreground. */
bool qr_interactive(void);

/*
 * Runs QEMU to a verdict (r->v->state is not QV_RUNNING afterwards).
 * Returns 0, or -1 after printing why QEMU could not be started.
 */
int qr_run(struct qr_run *r);

#endif
