/* SPDX-License-Identifier: MIT */
/* `cellboot inspect` of a binary cell config: every table, and warnings. */
#include <stdio.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/inspect.h"
#include "lib/abi/comm_region.h"
#include "lib/fmt.h"
#include "lib/jhsetup.h"
#include "lib/range.h"
#include "lib/string.h"

/* the names docs/cell-description.md uses */
static const char *const cell_flag_names[32] = {
	[0] = "passive-commreg", [1] = "test-device", [2] = "aarch32",
	[30] = "virtual-console-permitted", [31] = "virtual-console-active",
};
static const char *const mem_flag_names[20] = {
	"r", "w", "x", "dma", "io", "comm", "loadable", "rootshared",
	"nohugepages", [15] = "io-unaligned", [16] = "io8", [17] = "io16",
	[18] = "io32", [19] = "io64",
};
static const char console_types[] =
	"none\0efifb\0" "8250\0pl011\0xuartps\0mvebu\0hscif\0scifa\0imx\0"
	"imx-lpuart\0scif\0";

static const char *e820_view(const struct jailhouse_memory *m, char *buf,
			     size_t size)
{
	u64 f = m->flags;
	u64 ram = JAILHOUSE_MEM_RAM_CLASS;
	char missing[64];

	if (!m->size)
		return "placeholder: maps nothing";
	if (cellcfg_mem_is_ram(m))
		return "RAM";
	if (cellcfg_mem_is_comm(m))
		return "reserved (comm region)";
	if (f & JAILHOUSE_MEM_IO)
		return "not in e820: I/O";
	if (f & JAILHOUSE_MEM_ROOTSHARED)
		return "not in e820: shared with the root cell";
	FLAG_NAMES(missing, ram & ~f, mem_flag_names, ",");
	snprintf(buf, size, "not in e820: lacks %s", missing);
	return buf;
}

static void print_console(const struct jailhouse_console *c)
{
	const char *type = cb_word(console_types, '\0', c->type, NULL);

	if (c->type == JAILHOUSE_CON_TYPE_NONE) {
		printf("  %-19snone\n", "console");
		return;
	}
	printf("  %-19s%s, %s 0x%llx", "console", type ? type : "unknown",
	       !(c->flags & JAILHOUSE_CON_ACCESS_MMIO) ? "pio" :
	       c->flags & JAILHOUSE_CON_REGDIST_4 ? "mmio32" : "mmio",
	       (unsigned long long)c->address);
	if (c->flags & JAILHOUSE_CON_ACCESS_MMIO)
		printf(" size 0x%x", c->size);
	if (c->type == JAILHOUSE_CON_TYPE_8250)
		printf(", divider %u%s", c->divider,
		       c->divider ? "" : " (the root's setup is kept)");
	if (c->type == JAILHOUSE_CON_TYPE_8250 && c->divider)
		printf(" (%u baud)", 115200 / c->divider);
	putchar('\n');
}

static void print_pins(const struct jailhouse_irqchip *c)
{
	unsigned int shown = 0;

	for (unsigned int pin = 0; pin < 128; pin++)
		if (c->pin_bitmap[pin / 32] & (1u << (pin % 32)))
			printf("%s%u", shown++ ? "," : " ", c->pin_base + pin);
	if (!shown)
		printf(" none");
}

static void cell_warnings(const struct cell_config *cfg)
{
	const struct jailhouse_memory *comm = cellcfg_comm_region(cfg);
	u64 rwx = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_EXECUTE;
	u64 not_ram = JAILHOUSE_MEM_IO | JAILHOUSE_MEM_COMM_REGION |
		      JAILHOUSE_MEM_ROOTSHARED | JAILHOUSE_MEM_DMA;

	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		if ((m->flags & rwx) == rwx && !(m->flags & not_ram))
			inspect_warning("memory region %u (0x%llx-0x%llx) is read/write/"
				"execute but lacks the dma flag: Linux and cellboot "
				"do not count it as RAM (jailhouse needs "
				"r,w,x,dma; the 'ram' keyword sets them)", i,
				(unsigned long long)m->virt_start,
				(unsigned long long)(m->virt_start + m->size - 1));
	}
	for (u32 u = 0; u < ARRAY_SIZE(jh_legacy_uart_ports); u++) {
		u32 port = jh_legacy_uart_ports[u];

		for (u32 i = 0; i < cfg->num_pio; i++) {
			u32 b = cfg->pio[i].base, e = b + cfg->pio[i].length;

			if (!range_overlaps(b, e, port, port + 8) ||
			    (b == port && e == port + 8))
				continue;
			inspect_warning("pio 0x%x length %u grants %s (0x%x) with a length "
				"other than 8: %s; grant it as 'pio 0x%x 8'",
				b, e - b, cb_word(COM_NAMES, '\0', u, NULL), port,
				b <= port && e >= port + 8 ?
				"jailhouse's tools recognise a UART only when "
				"granted as exactly base and length 8" :
				"only part of the UART is granted, so neither "
				"cellboot nor Linux will use it", port);
		}
	}
	if (!comm)
		inspect_warning("no comm region: cellboot (like every Jailhouse inmate) "
			"reads num_cpus and the timer rates from it; add 'comm "
			"0x100000'");
	else if (comm->virt_start != COMM_REGION_DEFAULT_BASE)
		inspect_warning("the comm region is at 0x%llx, not 0x100000: cellboot "
			"follows the config, but Jailhouse's inmates and the stock "
			"linux-loader expect 0x100000",
			(unsigned long long)comm->virt_start);
	if (!cellcfg_mem_granted(cfg, 0, 1, JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_LOADABLE))
		inspect_warning("no memory region with the write and loadable flags "
			"starts the cell at 0x0: jailhouse cell load cannot put "
			"cellboot.bin at its entry address 0");
	if (cfg->desc->cpu_reset_address)
		inspect_warning("cpu_reset_address is 0x%llx: x86 Linux cells and cellboot "
			"start at 0",
			(unsigned long long)cfg->desc->cpu_reset_address);
	if (!cellcfg_num_cpus(cfg))
		inspect_warning("the cpu set is empty");
}

int inspect_cell(const char *path, const u8 *data, u64 size,
			bool from_text, struct cell_config *cfg)
{
	const struct jailhouse_cell_desc *d;
	char names[512], buf[4 * JAILHOUSE_CELL_NAME_MAXLEN + 1];	/* >= 96 */
	struct cb_err err;
	unsigned int ncpus, shown = 0;

	if (cellcfg_parse(data, size, cfg, &err))
		return report(&err);
	d = cfg->desc;
	ncpus = cellcfg_num_cpus(cfg);
	printf("%s: %s, revision %u, x86, %llu bytes\n", path,
	       from_text ? "cell description (the config mkcell writes)" :
	       "Jailhouse cell config", d->revision,
	       (unsigned long long)cfg->total_size);
	/* untrusted bytes: printable ASCII only, as the loader prints them */
	cb_snprintf(buf, sizeof(buf), "%pE", cfg->name);
	printf("  %-19s%s\n", "name", buf);
	FLAG_NAMES(names, d->flags, cell_flag_names, " ");
	printf("  %-19s0x%08x (%s)\n", "flags", d->flags, names);
	printf("  %-19s%u:", "cpus", ncpus);
	for (u32 i = 0; i < cfg->cpu_set_size * 8; i++)
		if (cfg->cpu_set[i / 8] & (1u << (i % 8))) {
			if (shown++ == 32) {
				printf(" ...");
				break;
			}
			printf(" %u", i);
		}
	putchar('\n');
	printf("  %-19s0x%llx\n", "cpu_reset_address",
	       (unsigned long long)d->cpu_reset_address);
	printf("  %-19s%llu\n", "msg_reply_timeout",
	       (unsigned long long)d->msg_reply_timeout);
	print_console(&d->console);
	{
		const struct jailhouse_memory *comm = cellcfg_comm_region(cfg);

		if (comm)
			printf("  %-19s0x%llx (0x%llx bytes)\n", "comm region",
			       (unsigned long long)comm->virt_start,
			       (unsigned long long)comm->size);
		else
			printf("  %-19snone\n", "comm region");
	}

	printf("  memory regions     %u\n", cfg->num_mem);
	if (cfg->num_mem)
		printf("    %-3s %-18s %-18s %-12s %-26s %s\n", "#", "virt", "phys",
		       "size", "flags", "e820");
	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];
		char v[24], p[24], s[24];

		snprintf(v, sizeof(v), "0x%llx", (unsigned long long)m->virt_start);
		snprintf(p, sizeof(p), "0x%llx", (unsigned long long)m->phys_start);
		snprintf(s, sizeof(s), "0x%llx", (unsigned long long)m->size);
		FLAG_NAMES(names, m->flags, mem_flag_names, ",");
		printf("    %-3u %-18s %-18s %-12s %-26s %s\n", i, v, p, s, names,
		       e820_view(m, buf, sizeof(buf)));
	}

	printf("  pio regions        %u\n", cfg->num_pio);
	for (u32 i = 0; i < cfg->num_pio; i++) {
		u32 b = cfg->pio[i].base, len = cfg->pio[i].length;

		printf("    0x%x-0x%x (%u port%s)", b, b + len - 1, len,
		       len == 1 ? "" : "s");
		for (u32 u = 0; u < ARRAY_SIZE(jh_legacy_uart_ports); u++)
			if (b == jh_legacy_uart_ports[u] && len == 8)
				printf("  %s", cb_word(COM_NAMES, '\0', u, NULL));
		putchar('\n');
	}
	printf("  irqchips           %u\n", cfg->num_irqchips);
	for (u32 i = 0; i < cfg->num_irqchips; i++) {
		const struct jailhouse_irqchip *c = &cfg->irqchips[i];

		printf("    0x%llx id 0x%x pin_base %u pins",
		       (unsigned long long)c->address, c->id, c->pin_base);
		print_pins(c);
		printf("%s\n", c->address == JAILHOUSE_IOAPIC_STANDARD_ADDR ?
		       " (the standard IOAPIC)" : "");
	}
	printf("  %-19s%u cache regions, %u PCI devices, %u PCI caps, %u stream "
	       "ids\n", "other", cfg->num_cache, cfg->num_pci_devices,
	       cfg->num_pci_caps, cfg->num_stream_ids);
	cell_warnings(cfg);
	return CB_EXIT_OK;
}
