/* SPDX-License-Identifier: MIT */
/*
 * Console choice, first match wins:
 *   1. console= in the params (refused if the cell config does not grant it)
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

static bool granted(const struct loader_state *s, enum console_kind kind,
		    u64 addr)
{
	if (!s->have_cfg)
		return true;	/* the integrator said so explicitly */
	if (kind == CONSOLE_IO)
		return addr <= 0xfff8 && cellcfg_pio_granted(&s->cfg, (u16)addr, 8);
	return cellcfg_mem_granted(&s->cfg, addr, window_of(kind),
				   JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE);
}

static bool from_descriptor(const struct jailhouse_console *c,
			    enum console_kind *kind, u64 *addr, u32 *divisor)
{
	if (c->type != JAILHOUSE_CON_TYPE_8250)
		return false;
	if (!(c->flags & JAILHOUSE_CON_ACCESS_MMIO))
		*kind = CONSOLE_IO;
	else if (c->flags & JAILHOUSE_CON_REGDIST_4)
		*kind = CONSOLE_MMIO32;
	else
		*kind = CONSOLE_MMIO8;
	*addr = c->address;
	*divisor = c->divider;
	return true;
}

static bool pick(struct loader_state *s, enum console_kind *kind, u64 *addr,
		 u32 *divisor)
{
	const struct console_spec *want = &s->params.console;

	if (want->kind == CONSOLE_NONE)
		return false;
	if (want->kind != CONSOLE_UNSET) {
		if (granted(s, want->kind, want->addr)) {
			*kind = want->kind;
			*addr = want->addr;
			*divisor = want->baud ? UART_DEFAULT_BAUD / want->baud : 0;
			return true;
		}
		cb_fail(&s->console_warning, "console", "%s 0x%llx is not granted "
			"to the cell (no %s region covers it)",
			console_kind_name(want->kind), (unsigned long long)want->addr,
			want->kind == CONSOLE_IO ? "pio" : "memory");
		s->has_console_warning = true;
	}
	if (s->have_cfg) {
		if (from_descriptor(&s->cfg.desc->console, kind, addr, divisor) &&
		    granted(s, *kind, *addr))
			return true;
		for (u32 i = 0; i < ARRAY_SIZE(jh_legacy_uart_ports); i++) {
			if (cellcfg_pio_granted(&s->cfg, jh_legacy_uart_ports[i], 8)) {
				*kind = CONSOLE_IO;
				*addr = jh_legacy_uart_ports[i];
				*divisor = 0;
				return true;
			}
		}
		return false;
	}
	return s->comm_ok && from_descriptor(&s->comm->console, kind, addr,
					     divisor);
}

void console_select(struct loader_state *s)
{
	enum console_kind kind = CONSOLE_NONE;
	u64 addr = 0;
	u32 divisor = 0;
	bool uart = pick(s, &kind, &addr, &divisor);
	u32 flags = s->comm_ok ? s->comm->flags : 0;

	if (uart && kind != CONSOLE_IO && map_mmio(addr, window_of(kind), NULL))
		uart = false;
	if (uart)
		console_set_uart(kind, addr, divisor);
	console_set_hypercall((flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE) ||
			      (!uart && (flags & JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED)));
	if (uart) {
		s->params.console.kind = kind;
		s->params.console.addr = addr;
	} else {
		s->params.console.kind = CONSOLE_NONE;
	}
}
