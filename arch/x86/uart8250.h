/* SPDX-License-Identifier: MIT */
/* Polled 8250/16550 transmit on I/O ports or MMIO (1- or 4-byte stride). */
#ifndef CELLBOOT_ARCH_X86_UART8250_H
#define CELLBOOT_ARCH_X86_UART8250_H

#include "lib/types.h"

/* How the registers are reached; 0 (none of these) means no UART. */
enum uart_access {
	UART_PIO = 1,		/* I/O ports, 1-byte register distance */
	UART_MMIO8,		/* MMIO, 8-bit access, 1-byte distance */
	UART_MMIO32,		/* MMIO, 32-bit access, 4-byte distance */
};

struct uart8250 {
	enum uart_access access;
	u64 base;
	u32 burst;		/* bytes per wait for an empty transmitter */
};

/*
 * Enables the FIFOs and learns whether they exist; divisor 0 keeps the
 * line settings the root (or firmware) programmed.
 */
void uart8250_init(struct uart8250 *u, u32 divisor);
/* Writes n bytes, polling the line status, never blocking forever. */
void uart8250_write(const struct uart8250 *u, const char *s, size_t n);

#endif
