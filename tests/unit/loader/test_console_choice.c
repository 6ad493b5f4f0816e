/* SPDX-License-Identifier: MIT */
/*
 * loader/console_select.c on the host seam: which console the loader
 * starts for a given cell (console=, the cell config's descriptor, a legacy
 * UART, the comm region's descriptor, the hypercall), what it printed
 * there, and that it touched no port or address the config does not grant.
 * Each row boots cellboot_main() in a fresh child; the cell has no kernel,
 * so every boot ends at the place step's error line, after the console,
 * memory map and CPU steps ran.
 */
#include "tests/unit/loader/cell.h"

#define FLAG_ACTIVE	JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE
#define FLAG_PERMITTED	JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED
#define NO_UART		((enum fake_op)-1)
#define APIC_PAGE	0xfee00000ull
#define MMIO_ABOVE_MAP	0x1000000000000ull	/* 2^48: no page table reaches it */

struct console_row {
	const char *name;
	const char *params;	/* after CELL_KERNEL; CELL_MEM without config= */
	struct cell_cfg cfg;
	struct cell_con comm_con;
	u32 comm_flags;
	bool jailhouse;		/* CPUID reports the hypervisor */
	/* what the loader did */
	enum fake_op uart;	/* the 8250 it wrote to (NO_UART: none) */
	u64 base;
	const char *console;	/* the banner's "console ..." */
	const char *error;	/* the first error line; NULL: the place step's */
	bool putc;		/* the hypercall printed the same lines */
};

#define CFG " config=0x30000"

static const struct console_row rows[] = {
	{ "console= granted by the config", "console=io,0x2f8" CFG,
	  .cfg = { .present = true, .console = CON_PIO(0x3f8), .pio = { PIO(0x3f8, 8), PIO(0x2f8, 8) } },
	  .uart = FAKE_PIO_W, .base = 0x2f8, .console = "console io 0x2f8" },
	{ "console= refused: the descriptor prints the error", "console=io,0x2f8" CFG,
	  .cfg = { .present = true, .console = CON_PIO(0x3f8), .pio = { PIO(0x3f8, 8) } },
	  .uart = FAKE_PIO_W, .base = 0x3f8, .console = "console io 0x3f8",
	  .error = "cellboot: error: console: io 0x2f8 is not granted" },
	{ "console=none beats the descriptor", "console=none" CFG,
	  .cfg = { .present = true, .console = CON_PIO(0x3f8), .pio = { PIO(0x3f8, 8) } },
	  .comm_flags = FLAG_PERMITTED, .jailhouse = true,
	  .uart = NO_UART, .console = "console none 0x0", .putc = true },
	{ "the config's PIO descriptor", CFG,
	  .cfg = { .present = true, .console = CON_PIO(0x2e8), .pio = { PIO(0x3f8, 8), PIO(0x2e8, 8) } },
	  .uart = FAKE_PIO_W, .base = 0x2e8, .console = "console io 0x2e8" },
	{ "the config's MMIO descriptor, 1-byte registers", CFG,
	  .cfg = { .present = true, .console = CON_MMIO8(CELL_UART_MMIO), .mmio_size = 0x1000 },
	  .uart = FAKE_MMIO8_W, .base = CELL_UART_MMIO,
	  .console = "console mmio 0xfe030000" },
	{ "the config's MMIO descriptor, 4-byte registers", CFG,
	  .cfg = { .present = true, .console = CON_MMIO32(CELL_UART_MMIO), .mmio_size = 0x1000 },
	  .uart = FAKE_MMIO32_W, .base = CELL_UART_MMIO,
	  .console = "console mmio32 0xfe030000" },
	{ "descriptor not granted: the first legacy UART the cell owns", CFG,
	  .cfg = { .present = true, .console = CON_MMIO8(CELL_UART_MMIO), .pio = { PIO(0x2f8, 8), PIO(0x3e8, 8) } },
	  .uart = FAKE_PIO_W, .base = 0x2f8, .console = "console io 0x2f8" },
	{ "a config without UARTs: none, no port touched", CFG,
	  .cfg = { .present = true, .console = { 0 }, .pio = { PIO(0x60, 1) } },
	  .comm_con = CON_PIO(0x3f8), .uart = NO_UART },
	{ "no config: the comm region's descriptor", CELL_MEM,
	  .comm_con = CON_PIO(0x3e8),
	  .uart = FAKE_PIO_W, .base = 0x3e8, .console = "console io 0x3e8" },
	{ "no config: console= is taken as given", CELL_MEM "console=mmio32,0xfe040000",
	  .comm_con = CON_PIO(0x3e8),
	  .uart = FAKE_MMIO32_W, .base = 0xfe040000,
	  .console = "console mmio32 0xfe040000" },
	{ "hypercall active: in addition to the UART", CELL_MEM,
	  .comm_con = CON_PIO(0x3f8), .comm_flags = FLAG_ACTIVE,
	  .jailhouse = true, .uart = FAKE_PIO_W, .base = 0x3f8,
	  .console = "console io 0x3f8", .putc = true },
	{ "hypercall permitted, a UART found: UART only", CELL_MEM,
	  .comm_con = CON_PIO(0x3f8), .comm_flags = FLAG_PERMITTED,
	  .jailhouse = true, .uart = FAKE_PIO_W, .base = 0x3f8,
	  .console = "console io 0x3f8" },
	{ "hypercall permitted, no UART: the hypercall", CELL_MEM,
	  .comm_flags = FLAG_PERMITTED, .jailhouse = true,
	  .uart = NO_UART, .console = "console none 0x0", .putc = true },
	{ "MMIO above what cellboot maps: none", CELL_MEM
	  "log=verbose console=mmio,0x1000000000000",
	  .comm_flags = FLAG_PERMITTED, .jailhouse = true,
	  .uart = NO_UART, .console = "console none 0x0", .putc = true },
};

static bool granted_pio(const struct console_row *r, u64 port)
{
	for (u32 i = 0; i < ARRAY_SIZE(r->cfg.pio) && r->cfg.pio[i].length; i++)
		if (port >= r->cfg.pio[i].base &&
		    port < (u64)r->cfg.pio[i].base + r->cfg.pio[i].length)
			return true;
	return false;
}

/* With a config: only granted ports and MMIO (and the APIC). Else only the UART's. */
static void assert_only_granted(const struct console_row *r)
{
	for (u32 i = 0; i < hw->n && i < FAKE_LOG_MAX; i++) {
		const struct fake_access *a = &hw->log[i];
		bool pio = a->op == FAKE_PIO_W || a->op == FAKE_PIO_R;
		bool ok;

		if (a->op == FAKE_MSR_W || a->op == FAKE_MSR_R)
			continue;
		if (a->addr >= APIC_PAGE && a->addr < APIC_PAGE + 0x1000)
			ok = !pio;
		else if (r->cfg.present)
			ok = pio ? granted_pio(r, a->addr) :
			     r->cfg.mmio_size && a->addr >= CELL_UART_MMIO &&
			     a->addr < CELL_UART_MMIO + r->cfg.mmio_size;
		else
			ok = r->uart != NO_UART && a->addr >= r->base &&
			     a->addr < r->base + 32;
		if (!ok)
			fail_msg("%s: %s access to %#llx not granted", r->name,
				 pio ? "port" : "MMIO", (unsigned long long)a->addr);
	}
}

static void run_row(const struct console_row *r)
{
	char params[CB_PARAMS_SIZE];
	const struct jailhouse_comm_region *comm;
	const char *text, *line;

	if (!fake_reset())
		skip();
	snprintf(params, sizeof(params), CELL_KERNEL "%s", r->params);
	cell_params(params);
	comm = cell_comm(COMM_REGION_DEFAULT_BASE, 1, r->comm_flags,
			 &r->comm_con);
	if (r->cfg.present)
		cell_config(&r->cfg);
	hw->jailhouse = r->jailhouse;

	text = cell_boot(r->uart == NO_UART ? FAKE_PIO_W : r->uart, r->base);
	if (r->uart == NO_UART)
		text = "";
	assert_int_equal(hw->end, FAKE_PARKED);
	assert_int_equal(comm->cell_state, JAILHOUSE_CELL_FAILED);
	assert_only_granted(r);
	if (r->putc)
		text = hw->putc;
	else
		assert_int_equal(hw->nputc, 0);
	if (!r->console) {	/* nothing printed anywhere */
		assert_false(fake_touched(0, 0x10000, false));
		return;
	}
	line = cell_line(text, "cellboot: version ");
	if (!line)
		fail_msg("%s: no banner in \"%s\"", r->name, text);
	if (!strstr(line, r->console))
		fail_msg("%s: banner \"%s\", want \"%s\"", r->name, line,
			 r->console);
	line = cell_line(text, "cellboot: error: ");
	assert_non_null(line);
	if (r->error)
		assert_string_equal(line, r->error);
	else if (strncmp(line, "cellboot: error: kernel", 23))
		fail_msg("%s: stopped before the place step: \"%s\"", r->name,
			 line);
	/* initialised at its registers: the FIFO enable at FCR (register 2) */
	if (r->uart != NO_UART)
		assert_int_equal(fake_count(r->uart, r->base +
				 (r->uart == FAKE_MMIO32_W ? 8 : 2)), 1);
	if (r->uart != NO_UART && r->putc)
		assert_non_null(strstr(hw->putc, "cellboot: version "));
}

static void test_console_rows(void **state)
{
	(void)state;
	CELL_ROWS(rows, run_row);
}

/* The verbose reason for the MMIO row: the map refused, not the grant. */
static void test_mmio_above_map_reason(void **state)
{
	(void)state;
	run_row(&rows[ARRAY_SIZE(rows) - 1]);
	assert_non_null(cell_line(hw->putc,
		"cellboot: console: MMIO UART above what cellboot maps"));
	assert_false(fake_touched(0, ~0ull, true));
}

/*
 * console=...,BAUD: the divisor latch programmed once, in order, before
 * the first byte; without a baud the line settings stay as the root left
 * them (no LCR write at all).
 */
static void test_baud_programs_divisor(void **state)
{
	static const struct { u64 reg; u8 val; } want[] = {
		{ 2, 0x07 },			/* FCR: FIFOs on */
		{ 3, 0x80 }, { 0, 2 }, { 1, 0 },	/* DLAB, 115200 / 57600 */
		{ 3, 0x03 }, { 1, 0 },		/* 8N1, no interrupts */
	};
	u32 n = 0;

	(void)state;
	if (!fake_reset())
		skip();
	cell_params(CELL_KERNEL CELL_MEM "console=io,0x2f8,57600");
	cell_comm(COMM_REGION_DEFAULT_BASE, 1, 0, NULL);
	cell_boot(FAKE_PIO_W, 0x2f8);
	for (u32 i = 0; i < hw->n && n < ARRAY_SIZE(want); i++) {
		const struct fake_access *a = &hw->log[i];

		if (a->op != FAKE_PIO_W)
			continue;
		assert_int_equal(a->addr, 0x2f8 + want[n].reg);
		assert_int_equal(a->val, want[n].val);
		n++;
	}
	assert_int_equal(n, ARRAY_SIZE(want));

	fake_reset();
	cell_params(CELL_KERNEL CELL_MEM "console=io,0x2f8");
	cell_comm(COMM_REGION_DEFAULT_BASE, 1, 0, NULL);
	assert_non_null(strstr(cell_boot(FAKE_PIO_W, 0x2f8), "console io 0x2f8"));
	assert_int_equal(fake_count(FAKE_PIO_W, 0x2f8 + 3), 0);	/* LCR */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_rows),
		cmocka_unit_test(test_mmio_above_map_reason),
		cmocka_unit_test(test_baud_programs_divisor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
