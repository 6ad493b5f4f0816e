/* SPDX-License-Identifier: MIT */
#include "arch/x86/uart8250.h"
#include "arch/x86/io.h"

#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_LCR	3
#define UART_LSR	5
#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_LSR_THRE	0x20
#define UART_TX_POLLS	100000	/* a wedged UART must not hang the loader */

static void reg_write(const struct uart8250 *u, unsigned int reg, u8 v)
{
	switch (u->kind) {
	case CONSOLE_IO:
		outb((u16)(u->base + reg), v);
		break;
	case CONSOLE_MMIO8:
		mmio_write8(u->base + reg, v);
		break;
	case CONSOLE_MMIO32:
		mmio_write32(u->base + 4 * reg, v);
		break;
	default:
		break;
	}
}

static u8 reg_read(const struct uart8250 *u, unsigned int reg)
{
	switch (u->kind) {
	case CONSOLE_IO:
		return inb((u16)(u->base + reg));
	case CONSOLE_MMIO8:
		return mmio_read8(u->base + reg);
	case CONSOLE_MMIO32:
		return (u8)mmio_read32(u->base + 4 * reg);
	default:
		return UART_LSR_THRE;
	}
}

void uart8250_init(const struct uart8250 *u, u32 divisor)
{
	if (!divisor)
		return;
	reg_write(u, UART_LCR, UART_LCR_DLAB);
	reg_write(u, UART_DLL, (u8)divisor);
	reg_write(u, UART_DLM, (u8)(divisor >> 8));
	reg_write(u, UART_LCR, UART_LCR_8N1);
	reg_write(u, UART_IER, 0);
}

void uart8250_putc(const struct uart8250 *u, char c)
{
	for (unsigned int i = 0; i < UART_TX_POLLS; i++)
		if (reg_read(u, UART_LSR) & UART_LSR_THRE)
			break;
	reg_write(u, UART_THR, (u8)c);
}
