/* SPDX-License-Identifier: MIT */
/*
 * The params descriptor: a NUL-terminated text string the root side loads
 * with `jailhouse cell load ... -s "<params>" -a 0x1000`.
 *
 *   key=value ... -- kernel command line, verbatim to the end
 *
 * Keys (each at most once, except mem=):
 *   kernel=ADDR[,SIZE]    where the root loaded the whole bzImage file
 *   initrd=ADDR,SIZE      where the root loaded the initrd, and its size
 *   config=ADDR[,SIZE]    where the root loaded the cell's .cell file
 *   console=SPEC          none | io,PORT[,BAUD] | mmio,ADDR[,BAUD] |
 *                         mmio32,ADDR[,BAUD]   (8250; no BAUD: keep setup)
 *   log=LEVEL             quiet | default | verbose
 *   mem=ADDR,SIZE         RAM when no config is given (repeatable)
 *   comm=ADDR             comm region address when no config is given
 *   cpu_wait_ms=N         how long to wait for all CPUs (default 1000)
 *   crc=KCRC[,ICRC]       CRC-32 (lib/crc32.h) of the kernel file's SIZE
 *                         bytes and of the initrd, checked before the
 *                         handoff; needs kernel=ADDR,SIZE
 */
#ifndef CELLBOOT_LIB_PARAMS_H
#define CELLBOOT_LIB_PARAMS_H

#include "lib/types.h"
#include "lib/error.h"

#define PARAMS_MAX_MEM 16
#define PARAMS_DEFAULT_CPU_WAIT_MS 1000
#define PARAMS_MAX_CPU_WAIT_MS 60000

enum log_level { LOG_QUIET, LOG_DEFAULT, LOG_VERBOSE };

enum console_kind {
	CONSOLE_UNSET,		/* not given: decide from the cell config */
	CONSOLE_NONE,
	CONSOLE_IO,		/* 8250 on I/O ports, 1-byte register distance */
	CONSOLE_MMIO8,		/* MMIO, 8-bit access, 1-byte distance */
	CONSOLE_MMIO32,		/* MMIO, 32-bit access, 4-byte distance */
};

struct console_spec {
	enum console_kind kind;
	u32 baud;		/* 0: leave the UART as the root set it up */
	u64 addr;
};

/* Filled by the key table of lib/params.c: each row names its fields. */
struct params {
	bool has_kernel, has_initrd, has_config, has_comm;
	u64 kernel_addr, kernel_size;	/* size 0: use the header */
	u64 initrd_addr, initrd_size;
	u64 config_addr, config_size;	/* size 0: trust the counts */
	u64 comm_addr;
	struct console_spec console;
	enum log_level log;
	u32 cpu_wait_ms;
	bool has_crc, has_initrd_crc;	/* crc=KCRC[,ICRC] */
	u32 kernel_crc, initrd_crc;
	u8 num_mem;			/* mem= ranges given */
	const char *cmdline;		/* points into the parsed buffer */
	size_t cmdline_len;		/* bytes, without the NUL */
	struct { u64 addr, size; } mem[PARAMS_MAX_MEM];
};

/*
 * Parses the descriptor in buf[0..bufsize). The string must be terminated
 * by a NUL inside the buffer. Returns 0, or -1 with err filled and *p at
 * the defaults (no key given, empty command line): never half-parsed.
 */
int params_parse(const char *buf, size_t bufsize, struct params *p,
		 struct cb_err *err);

const char *console_kind_name(enum console_kind kind);

#endif
