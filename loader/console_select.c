/* SPDX-License-Identifier: MIT */
/*
 * Console choice, first match wins:
 *   1. console= in the params (refused, and reported as an error, if the
 *      cell config does not grant it: lib/policy.c)
 *   2. the cell config's console descriptor (8250, PIO or MMIO)
 *   3. the first legacy UART (0x3f8, 0x2f8, 0x3e8, 0x2e8) the cell owns
 *   4. without a config: the console descriptor in the comm region
 *   5. none
 * The Jailhouse debug-console hypercall is used in addition when the comm
 * region marks it active, or when it is permitted and no UART was found.
 * cellboot never touches a port or address the cell config does not grant.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/map.h"
#include "lib/jhsetup.h"

#define UART_DEFAULT_BAUD 115200

static u64 window_of(enum console_kind kind)
{
	return kind == CONSOLE_MMIO32 ? 32 : 8;
}

/* An 8250 descriptor's kind (CONSOLE_NONE for other types) and address. */
static enum console_kind from_descriptor(const struct jailhouse_console *c,
					 u64 *addr, u32 *divisor)
{
	*addr = c->address;
	*divisor = c->divider;
	return cellcfg_console_kind(c);
}

void console_select(struct loader_state *s)
{
	struct console_spec *want = &s->params.console;
	enum console_kind kind = want->kind;
	u64 addr = want->addr;
	u32 divisor = want->baud ? UART_DEFAULT_BAUD / want->baud : 0;
	u32 flags = s->comm_ok ? s->comm->flags : 0;
	const struct cell_config *cfg = s->cell.cfg;
	const char *why = "console= in the params";

	/* lib/policy.c: the rule `cellboot plan` checks too */
	if (policy_console_request(cfg, want, &step_err)) {
		defer(s, JAILHOUSE_CELL_FAILED);
		kind = CONSOLE_UNSET;
	}
	if (kind == CONSOLE_UNSET) {
		kind = CONSOLE_NONE;
		why = "no UART granted";
		if (cfg) {
			/* the descriptor, then the legacy UARTs, if granted */
			kind = from_descriptor(&cfg->desc->console, &addr,
					       &divisor);
			why = "the cell config's console";
			for (u32 i = 0; kind == CONSOLE_NONE ||
			     !cellcfg_uart_granted(cfg, kind, addr); i++) {
				kind = CONSOLE_NONE;
				why = "no UART granted";
				if (i == ARRAY_SIZE(jh_legacy_uart_ports))
					break;
				kind = CONSOLE_IO;
				addr = jh_legacy_uart_ports[i];
				divisor = 0;
				why = "a legacy UART the cell owns";
			}
		} else if (s->comm_ok) {
			kind = from_descriptor(&s->comm->console, &addr, &divisor);
			why = "the comm region's console";
		}
	}
	if (kind > CONSOLE_IO && map_mmio(addr, window_of(kind), NULL)) {
		kind = CONSOLE_NONE;
		why = "MMIO UART above what cellboot maps";
	}
	s->console_why = why;
	if (kind != CONSOLE_NONE)
		console_set_uart(kind, addr, divisor);
	else
		addr = 0;
	console_set_hypercall((flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE) ||
			      (kind == CONSOLE_NONE &&
			       (flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED)));
	want->kind = kind;
	want->addr = addr;
}
