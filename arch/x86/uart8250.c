/* SPDX-License-Identifier: MIT */
#include "arch/x86/uart8250.h"
#include "arch/x86/io.h"

#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2	/* write */
#define UART_IIR	2	/* read */
#define UART_LCR	3
#define UART_LSR	5
#define UART_FCR_FIFO	0x07	/* enable, clear both FIFOs */
#define UART_IIR_FIFO	0xc0	/* both set: FIFOs enabled (16550A and later) */
#define UART_FIFO_SIZE	16
#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_LSR_THRE	0x20
#define UART_TX_POLLS	100000	/* a wedged UART must not hang the loader */

static void reg_write(const struct uart8250 *u, unsigned int reg, u8 v)
{
	switch (u->access) {
	case UART_PIO:
		outb((u16)(u->base + reg), v);
		break;
	case UART_MMIO8:
		mmio_write8(u->base + reg, v);
		break;
	case UART_MMIO32:
		mmio_write32(u->base + 4 * reg, v);
		break;
	default:
		break;
	}
}

static u8 reg_read(const struct uart8250 *u, unsigned int reg)
{
	switch (u->access) {
	case UART_PIO:
		return inb((u16)(u->base + reg));
	case UART_MMIO8:
		return mmio_read8(u->base + reg);
	case UART_MMIO32:
		return (u8)mmio_read32(u->base + 4 * reg);
	default:
		return UART_LSR_THRE;
	}
}

void uart8250_init(struct uart8250 *u, u32 divisor)
{
	/*
	 * The transmit FIFO takes 16 bytes each time the line is idle (LSR
	 * THRE means "FIFO empty" in FIFO mode): a poll per 16 bytes instead
	 * of one per byte. Without a FIFO (an 8250 or 16450) one byte each.
	 */
	reg_write(u, UART_FCR, UART_FCR_FIFO);
	u->burst = (reg_read(u, UART_IIR) & UART_IIR_FIFO) == UART_IIR_FIFO ?
		   UART_FIFO_SIZE : 1;
	if (divisor) {
		/* latch open, the divisor, 8N1 (latch closed), no interrupts */
		const u8 line[][2] = {
			{ UART_LCR, UART_LCR_DLAB }, { UART_DLL, (u8)divisor },
			{ UART_DLM, (u8)(divisor >> 8) },
			{ UART_LCR, UART_LCR_8N1 }, { UART_IER, 0 },
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(line); i++)
			reg_write(u, line[i][0], line[i][1]);
	}
}

void uart8250_write(const struct uart8250 *u, const char *s, size_t n)
{
	while (n) {
		size_t chunk = n < u->burst ? n : u->burst;

		for (unsigned int i = 0; i < UART_TX_POLLS; i++)
			if (reg_read(u, UART_LSR) & UART_LSR_THRE)
				break;
		n -= chunk;
		while (chunk--)
			reg_write(u, UART_THR, (u8)*s++);
	}
}
