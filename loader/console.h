/* SPDX-License-Identifier: MIT */
/*
 * The loader's output: a polled 8250 and/or the Jailhouse debug-console
 * hypercall, a log level, and the one fatal path.
 */
#ifndef CELLBOOT_LOADER_CONSOLE_H
#define CELLBOOT_LOADER_CONSOLE_H

#include "lib/error.h"
#include "lib/params.h"
#include "lib/abi/comm_region.h"

/* kind: CONSOLE_IO, CONSOLE_MMIO8 or CONSOLE_MMIO32; divisor 0 keeps the line */
void console_set_uart(enum console_kind kind, u64 base, u32 divisor);
void console_set_hypercall(bool on);
void console_set_level(enum log_level level);
/* Where fail() records the cell state; NULL until the comm region is known. */
void console_set_comm(struct jailhouse_comm_region *comm);
u64 console_bytes(void);

/* Prints "cellboot: <text>\n" if the log level is at least `level`. */
void say(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Prints "cellboot: error: <what>: <detail>", marks the cell FAILED (or
 * FAILED_COMM_REV) in the comm region and parks this CPU.
 */
void __attribute__((noreturn)) fail(const struct cb_err *err);
void __attribute__((noreturn)) fail_state(const struct cb_err *err, u32 state);

#endif
