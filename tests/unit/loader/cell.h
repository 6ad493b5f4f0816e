/* SPDX-License-Identifier: MIT */
/*
 * The cell as the root leaves it before `jailhouse cell start`, written
 * into the fake RAM (fake_arch.h): the params buffer, the comm region the
 * hypervisor fills, a cell config; then a boot through cellboot_main()
 * and what it printed. For the table tests of tests/unit/loader/.
 */
#ifndef CELLBOOT_TESTS_UNIT_LOADER_CELL_H
#define CELLBOOT_TESTS_UNIT_LOADER_CELL_H

#include <sys/wait.h>

#include "tests/unit/helpers.h"
#include "tests/unit/loader/fake_arch.h"
#include "arch/x86/entry.h"
#include "lib/abi/comm_region.h"
#include "lib/abi/cell_config.h"
#include "lib/layout.h"

#define CELL_CONFIG_ADDR	0x30000		/* where `cellboot plan` puts it */
#define CELL_UART_MMIO		0xfe030000ull	/* the config's MMIO grant */
#define CELL_KERNEL		"kernel=0x200000 "	/* nothing there: the place step fails */
#define CELL_MEM		"mem=0x0,0x100000 mem=0x200000,0x200000 "

#define PIO(port, n)	{ .base = (port), .length = (n) }

/* A console descriptor (cell config or comm region). */
struct cell_con {
	u16 type, flags;
	u64 address;
	u32 divider;
};
#define CON_PIO(a)	{ JAILHOUSE_CON_TYPE_8250, 0, (a), 0 }
#define CON_MMIO8(a)	{ JAILHOUSE_CON_TYPE_8250, JAILHOUSE_CON_ACCESS_MMIO, (a), 0 }
#define CON_MMIO32(a)	{ JAILHOUSE_CON_TYPE_8250, JAILHOUSE_CON_ACCESS_MMIO | \
			  JAILHOUSE_CON_REGDIST_4, (a), 0 }

/* What a config grants besides its RAM and comm region. */
struct cell_cfg {
	bool present;
	struct cell_con console;
	struct jailhouse_pio pio[4];	/* up to the first zero length */
	u64 mmio_size;			/* a UART MMIO grant at CELL_UART_MMIO */
};

static inline void cell_con_put(struct jailhouse_console *d,
				const struct cell_con *c)
{
	d->type = c->type;
	d->flags = c->flags;
	d->address = c->address;
	d->divider = c->divider;
	d->size = c->type ? 0x1000 : 0;
}

static inline void cell_params(const char *text)
{
	size_t n = strlen(text) + 1;

	assert_true(n <= CB_PARAMS_SIZE);
	memcpy(fake_ram(CB_PARAMS_ADDR), text, n);
}

/* The comm region as Jailhouse fills it (ABI revision 2). */
static inline struct jailhouse_comm_region *
cell_comm(u64 addr, u16 num_cpus, u32 flags, const struct cell_con *con)
{
	struct jailhouse_comm_region *c = fake_ram(addr);

	memcpy(c->signature, COMM_REGION_SIGNATURE, COMM_REGION_SIGNATURE_SIZE);
	c->revision = COMM_REGION_ABI_REVISION;
	c->flags = flags;
	c->num_cpus = num_cpus;
	c->tsc_khz = 1000000;
	c->apic_khz = 1000000;
	if (con)
		cell_con_put(&c->console, con);
	return c;
}

/*
 * A config at CELL_CONFIG_ADDR: RAM 0-1 MiB and 2-4 MiB, the comm region
 * at 0x100000, one CPU, the grants of g. Returns its size.
 */
static inline size_t cell_config(const struct cell_cfg *g)
{
	u8 *out = fake_ram(CELL_CONFIG_ADDR);
	struct jailhouse_cell_desc d;
	struct jailhouse_memory mem[4] = {
		{ 0x3a600000, 0, 0x100000, RAM_FLAGS },
		{ 0, COMM_REGION_DEFAULT_BASE, COMM_REGION_PAGE_SIZE,
		  COMM_FLAGS },
		{ 0x3a700000, 0x200000, 0x200000, RAM_FLAGS },
		{ CELL_UART_MMIO, CELL_UART_MMIO, g->mmio_size, MMIO_FLAGS },
	};
	u8 cpus[8] = { 0x01 };
	size_t off = 0;
	u32 npio = 0;

	while (npio < ARRAY_SIZE(g->pio) && g->pio[npio].length)
		npio++;
	memset(&d, 0, sizeof(d));
	memcpy(d.signature, "JHCLL", 5);
	d.architecture = JAILHOUSE_ARCH_X86;
	d.revision = JAILHOUSE_CONFIG_REVISION;
	strcpy(d.name, "seam");
	d.flags = JAILHOUSE_CELL_PASSIVE_COMMREG;
	d.cpu_set_size = sizeof(cpus);
	d.num_memory_regions = g->mmio_size ? 4 : 3;
	d.num_pio_regions = npio;
	cell_con_put(&d.console, &g->console);
	memcpy(out + off, &d, sizeof(d));
	off += sizeof(d);
	memcpy(out + off, cpus, sizeof(cpus));
	off += sizeof(cpus);
	memcpy(out + off, mem, d.num_memory_regions * sizeof(mem[0]));
	off += d.num_memory_regions * sizeof(mem[0]);
	memcpy(out + off, g->pio, npio * sizeof(g->pio[0]));
	return off + npio * sizeof(g->pio[0]);
}

/*
 * Runs fn (cellboot_main: boots the cell) in a child and returns what the
 * 8250 at op/base received (empty if the loader chose another or none).
 */
static inline const char *cell_run(void (*fn)(void), enum fake_op op, u64 base)
{
	static char text[16384];

	fake_boot(fn);
	assert_true(WIFEXITED(hw->status));
	assert_int_equal(WEXITSTATUS(hw->status), 0);
	fake_uart_text(op, base, text, sizeof(text));
	if (getenv("CB_SEAM_SHOW"))	/* what the loader printed, to read along */
		print_message("%s%s", text, hw->putc);
	return text;
}

static inline const char *cell_boot(enum fake_op op, u64 base)
{
	return cell_run(cellboot_main, op, base);
}

/* Runs run(&row) for each row of a table, naming the row first. */
#define CELL_ROWS(rows, run)						\
	do {								\
		for (size_t row_ = 0; row_ < ARRAY_SIZE(rows); row_++) {	\
			print_message("   %s\n", (rows)[row_].name);	\
			run(&(rows)[row_]);				\
		}							\
	} while (0)

/* The first line of text that starts with prefix, without its CR LF. */
static inline const char *cell_line(const char *text, const char *prefix)
{
	static char line[512];

	for (const char *p = text; p && *p; ) {
		const char *end = strstr(p, "\r\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix)) && n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			return line;
		}
		p = end ? end + 2 : NULL;
	}
	return NULL;
}

#endif
