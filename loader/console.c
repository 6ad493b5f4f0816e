/* SPDX-License-Identifier: MIT */
#include "loader/console.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "arch/x86/uart8250.h"
#include "lib/fmt.h"

#define LINE_MAX 256

static struct uart8250 uart;
static bool hypercall_out;
static enum log_level log_level = LOG_DEFAULT;
static struct jailhouse_comm_region *comm;
static u64 bytes_out;

void console_set_uart(enum console_kind kind, u64 base, u32 divisor)
{
	uart.kind = kind;
	uart.base = base;
	if (kind == CONSOLE_IO || kind == CONSOLE_MMIO8 || kind == CONSOLE_MMIO32)
		uart8250_init(&uart, divisor);
}

void console_set_hypercall(bool on)
{
	if (on)
		jailhouse_hypercall_init();
	hypercall_out = on;
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

static void putc_all(char c)
{
	if (uart.kind != CONSOLE_UNSET && uart.kind != CONSOLE_NONE)
		uart8250_putc(&uart, c);
	if (hypercall_out)
		jailhouse_putc(c);
	bytes_out++;
}

static void write_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[LINE_MAX];

	cb_vsnprintf(line, sizeof(line), fmt, ap);
	for (const char *p = prefix; *p; p++)
		putc_all(*p);
	for (const char *p = line; *p; p++)
		putc_all(*p);
	putc_all('\r');
	putc_all('\n');
}

void say(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (log_level < level)
		return;
	va_start(ap, fmt);
	write_line("cellboot: ", fmt, ap);
	va_end(ap);
}

static void print_error(const struct cb_err *err, ...)
{
	va_list ap;

	va_start(ap, err);
	write_line("cellboot: error: ", "%s: %s", ap);
	va_end(ap);
}

void fail_state(const struct cb_err *err, u32 state)
{
	print_error(err, err->what ? err->what : "internal", err->detail);
	if (comm)
		comm->cell_state = state;
	cpu_park();
}

void fail(const struct cb_err *err)
{
	fail_state(err, JAILHOUSE_CELL_FAILED);
}
