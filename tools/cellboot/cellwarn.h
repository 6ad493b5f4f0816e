/* SPDX-License-Identifier: MIT */
/*
 * Host-side answers about a cell config that the loader does not need:
 * what a file is when it is not a revision-14 x86 cell config, and which
 * serial consoles on a kernel command line the cell does not own.
 * Used by `inspect` and `plan` (docs/cell-config-rules.md).
 */
#ifndef CELLBOOT_TOOLS_CELLWARN_H
#define CELLBOOT_TOOLS_CELLWARN_H

#include <stddef.h>

#include "lib/cellcfg.h"

/* How a warning is printed: warn_msg (plan) or inspect's counted line. */
typedef void cellwarn_say(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * If data is not a revision-14 x86 cell config but something cellboot can
 * name (a system config, a config of another revision or architecture, a
 * bzImage), writes one sentence saying what it is and what to do into buf
 * and returns buf; otherwise returns NULL.
 */
const char *cellwarn_what_is(const unsigned char *data, size_t size,
			     char *buf, size_t n);

/*
 * Checks every console=ttyS<n> (n = 0..3: the legacy UARTs at 0x3f8,
 * 0x2f8, 0x3e8, 0x2e8, the only ones Linux's Jailhouse-guest code switches
 * off unless the setup data lists them) and every earlyprintk=serial... or
 * earlyprintk=ttyS<n> (Linux's early console: 0x<port>, or ttyS1, else
 * ttyS0) against the ports the cell owns as one pio region of 8. Says one
 * line per port it does not own and returns how many there are.
 */
unsigned int cellwarn_console(const struct cell_config *cfg,
			      const char *cmdline, cellwarn_say *say);

#endif
