/* SPDX-License-Identifier: MIT */
#include "loader/console.h"
#include "loader/cpus.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "arch/x86/uart8250.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define LINE_MAX 256

static struct uart8250 uart;
static bool hypercall_out;
static enum log_level log_level = LOG_DEFAULT;
static struct jailhouse_comm_region *comm;
static u64 bytes_out;

/*
 * The one place a console kind of the params becomes the UART's access
 * mode: the two enums list the 8250 kinds in the same order.
 */
_Static_assert(CONSOLE_MMIO8 - CONSOLE_IO == UART_MMIO8 - UART_PIO &&
	       CONSOLE_MMIO32 - CONSOLE_IO == UART_MMIO32 - UART_PIO,
	       "console_kind and uart_access disagree on the 8250 kinds");

void console_set_uart(enum console_kind kind, u64 base, u32 divisor)
{
	/* CONSOLE_IO, CONSOLE_MMIO8 or CONSOLE_MMIO32 (console_select.c) */
	uart.access = (enum uart_access)(kind - CONSOLE_IO + UART_PIO);
	uart.base = base;
	uart8250_init(&uart, divisor);
}

void console_set_hypercall(bool on)
{
	hypercall_out = on && jailhouse_hypercall_init();
}

void console_set_level(enum log_level level)
{
	log_level = level;
}

void console_set_comm(struct jailhouse_comm_region *c)
{
	comm = c;
}

u64 console_bytes(void)
{
	return bytes_out;
}

static void put(const char *s, size_t n)
{
	if (uart.access)
		uart8250_write(&uart, s, n);
	if (hypercall_out)
		for (size_t i = 0; i < n; i++)
			jailhouse_putc(s[i]);
	bytes_out += n;
}

void say(enum log_level level, const char *fmt, ...)
{
	static const char prefix[] = "cellboot: ";
	char line[LINE_MAX];
	va_list ap;
	size_t n;

	if (log_level < level)
		return;
	cb_memcpy(line, prefix, sizeof(prefix) - 1);
	va_start(ap, fmt);
	/* one line, cut to fit: room is kept for the CR LF */
	n = sizeof(prefix) - 1 + (size_t)cb_vsnprintf(line + sizeof(prefix) - 1,
		sizeof(line) - sizeof(prefix) - 1, fmt, ap);
	va_end(ap);
	if (n > sizeof(line) - 3)
		n = sizeof(line) - 3;
	line[n++] = '\r';
	line[n++] = '\n';
	put(line, n);
}

void fail_state(const struct cb_err *err, u32 state)
{
	say(LOG_QUIET, "error: %s: %s", err->what ? err->what : "internal",
	    err->detail);
	if (comm)
		comm->cell_state = state;
	cpus_end_election();
	cpu_park();
}

void fail(const struct cb_err *err)
{
	fail_state(err, JAILHOUSE_CELL_FAILED);
}
