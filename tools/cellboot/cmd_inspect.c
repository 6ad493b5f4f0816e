/* SPDX-License-Identifier: MIT */
/*
 * cellboot inspect FILE...
 *
 * A human-readable dump of a bzImage, a binary cell config or a cell
 * description, with warnings for the traps integrators fall into
 * (docs/jailhouse-abi.md 7): RAM without the DMA flag, a legacy UART granted with
 * a length other than 8, a comm region away from 0x100000, an old or
 * non-relocatable kernel, a cell too small for the kernel's init_size.
 * Everything is read with the loader's parsers (lib/).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/vmlinux.h"
#include "lib/elf.h"
#include "tools/cellboot/cellwarn.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/kdoctor.h"
#include "tools/cellboot/util.h"
#include "lib/bzimage.h"
#include "lib/cellcfg.h"
#include "lib/fmt.h"
#include "tools/lib/cellcfg_write.h"
#include "tools/lib/celldesc.h"
#include "lib/e820.h"
#include "lib/jhsetup.h"
#include "lib/layout.h"
#include "lib/string.h"

#define XLF_MEM_ENCRYPTION (1u << 7)	/* not used by lib/, named here */
#define COM_NAMES "COM1\0COM2\0COM3\0COM4\0"

static const char usage[] =
	"usage: cellboot inspect [-c CMDLINE] FILE...\n"
	"\n"
	"Describes each FILE: a Linux bzImage (boot protocol, flags, alignment,\n"
	"pref_address, init_size, payload compression, version string), a binary\n"
	"Jailhouse cell config or a cell description (name, flags, CPUs, every\n"
	"memory region and how it appears in the kernel's e820 map, PIO grants,\n"
	"irqchips, console, comm region), with warnings for known traps. Given a\n"
	"cell and a kernel together, also checks that the kernel's init_size\n"
	"fits the cell at its pref_address. A file that is not a cell config of\n"
	"revision 14 for x86 is named: a system config, another revision or\n"
	"architecture, a bzImage given where the cell belongs.\n"
	"\n"
	"  -c, --cmdline CMDLINE  warn if its console=ttyS<n> or earlyprintk=\n"
	"                         names a legacy UART the cell does not own\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 described (warnings included), 1 a file cannot be read,\n"
	"is of neither kind or fails the loader's checks, 2 usage error.\n";

static unsigned int warnings;

static void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warning(const char *fmt, ...)
{
	va_list ap;

	printf("warning: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	warnings++;
}

/* Names of the set bits of v (names[bit], NULL: unnamed), or "none". */
static void flag_names(char *out, size_t size, u64 v,
		       const char *const *names, size_t n, const char *sep)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned int bit = 0; bit < 64 && len < size; bit++) {
		if (!(v & (1ull << bit)))
			continue;
		if (bit < n && names[bit])
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						len ? sep : "", names[bit]);
		else
			len += (size_t)snprintf(out + len, size - len, "%sbit%u",
						len ? sep : "", bit);
	}
	if (!out[0])
		snprintf(out, size, "none");
}
#define FLAG_NAMES(out, v, names, sep) \
	flag_names(out, sizeof(out), v, names, ARRAY_SIZE(names), sep)

/* ------------------------------------------------------------------------ */
/* bzImage                                                                  */
/* ------------------------------------------------------------------------ */

static const char *const loadflag_names[] = {
	"LOADED_HIGH", "KASLR_FLAG", NULL, NULL, NULL, "QUIET_FLAG",
	"KEEP_SEGMENTS", "CAN_USE_HEAP",
};
static const char *const xloadflag_names[] = {
	"KERNEL_64", "CAN_BE_LOADED_ABOVE_4G", "EFI_HANDOVER_32",
	"EFI_HANDOVER_64", "EFI_KEXEC", "5LEVEL", "5LEVEL_ENABLED",
	"MEM_ENCRYPTION",
};

static bool is_bzimage(const struct cb_file *f)
{
	return f->size >= 0x206 && f->data[0x1fe] == 0x55 &&
	       f->data[0x1ff] == 0xaa && !memcmp(f->data + 0x202, "HdrS", 4);
}

/* The banner at kernel_version, printable bytes only. */
static void version_banner(const struct cb_file *f, const struct setup_header *h,
			   u32 setup_size, char *out, size_t size)
{
	u32 off = 0x200u + h->kernel_version;
	u64 end = f->size < setup_size ? f->size : setup_size;

	out[0] = '\0';
	if (!h->kernel_version || off >= end)
		return;
	/* untrusted bytes: printable ASCII only, as the loader prints them */
	cb_snprintf(out, size, "%*pE", (int)(end - off), f->data + off);
}

static void print_size(const char *label, u64 v)
{
	if (v >= 1024 * 1024)
		printf("  %-19s0x%llx (%.1f MiB)\n", label, (unsigned long long)v,
		       (double)v / (1024 * 1024));
	else
		printf("  %-19s0x%llx (%llu bytes)\n", label,
		       (unsigned long long)v, (unsigned long long)v);
}

/* The kernel doctor (kdoctor.c): integrity and what a cell needs. */
static int inspect_kernel_doctor(const struct cb_file *f)
{
	static struct kdoctor r;
	struct cb_err err;

	fflush(stdout);
	if (kdoctor_run(f->data, f->size, &r, &err))
		return report(&err);
	kdoctor_print_integrity(stdout, &r, "  ");
	printf("  in a Jailhouse non-root cell, %s:\n", r.ikconfig ?
	       "from the embedded config (CONFIG_IKCONFIG)" :
	       "from strings in the image (no embedded config)");
	kdoctor_print(stdout, &r, "    ");
	for (int i = 0; i < KD_NUM; i++)
		if (r.item[i].state != KD_YES)
			warning("no %s: %s", kdoctor_label((enum kd_feature)i),
				kdoctor_hint((enum kd_feature)i));
	printf("  %-19s%s\n", "verdict", kdoctor_cell_ready(&r) ?
	       "can run in a Jailhouse non-root cell" :
	       r.item[KD_GUEST].state != KD_YES ?
	       "cannot run in a Jailhouse non-root cell (no guest support); "
	       "it boots under QEMU only" :
	       "runs in a Jailhouse non-root cell, with the warnings below");
	return CB_EXIT_OK;
}

static int inspect_kernel(const struct cb_file *f, struct bzimage *out_k,
			  bool *have_k)
{
	struct setup_header h;
	u32 sects, setup_size;
	char names[256], banner[256];
	struct bzimage k;
	struct cb_err err;
	bool ok;

	memset(&h, 0, sizeof(h));
	memcpy(&h, f->data + BP_SETUP_HDR_OFFSET,
	       f->size - BP_SETUP_HDR_OFFSET < sizeof(h) ?
	       f->size - BP_SETUP_HDR_OFFSET : sizeof(h));
	sects = h.setup_sects ? h.setup_sects : BP_DEFAULT_SETUP_SECTS;
	setup_size = (sects + 1) * BP_SECTOR_SIZE;
	ok = bzimage_parse(f->data, f->size, 0, &k, &err) == 0;

	printf("%s: Linux bzImage, boot protocol %u.%02u\n", f->path,
	       h.version >> 8, h.version & 0xff);
	version_banner(f, &h, setup_size, banner, sizeof(banner));
	printf("  %-19s%s\n", "kernel version", banner[0] ? banner : "(none)");
	print_size("file size", f->size);
	printf("  %-19s%u%s: setup 0x%x bytes, protected-mode code at file "
	       "offset 0x%x\n", "setup_sects", h.setup_sects,
	       h.setup_sects ? "" : " (means 4)", setup_size, setup_size);
	printf("  %-19s0x%llx (syssize 0x%x paragraphs)\n", "code size",
	       (unsigned long long)h.syssize * 16, h.syssize);
	FLAG_NAMES(names, h.loadflags, loadflag_names, " ");
	printf("  %-19s0x%02x (%s)\n", "loadflags", h.loadflags, names);
	if (h.version >= 0x020c) {
		FLAG_NAMES(names, h.xloadflags, xloadflag_names, " ");
		printf("  %-19s0x%02x (%s)\n", "xloadflags", h.xloadflags, names);
	}
	printf("  %-19s%s\n", "relocatable", h.relocatable_kernel ? "yes" : "no");
	printf("  %-19s0x%x (min_alignment 2^%u)\n", "kernel_alignment",
	       h.kernel_alignment, h.min_alignment);
	printf("  %-19s0x%llx\n", "pref_address",
	       (unsigned long long)h.pref_address);
	print_size("init_size", h.init_size);
	printf("  %-19s%u\n", "cmdline_size", h.cmdline_size);
	printf("  %-19s0x%x%s\n", "initrd_addr_max", h.initrd_addr_max,
	       h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ?
	       " (CAN_BE_LOADED_ABOVE_4G: the initrd may go anywhere)" : "");
	if (ok)
		printf("  %-19s%s, 0x%x bytes at code offset 0x%x\n", "payload",
		       bzimage_compression(&k), h.payload_length,
		       h.payload_offset);
	if (h.handover_offset)
		printf("  %-19s0x%x\n", "handover_offset", h.handover_offset);
	if (ok && h.pref_address >= setup_size)
		printf("  %-19sfile at 0x%llx (pref_address - setup) runs in "
		       "place in 0x%llx-0x%llx\n", "in a cell",
		       (unsigned long long)(h.pref_address - setup_size),
		       (unsigned long long)h.pref_address,
		       (unsigned long long)(h.pref_address + h.init_size - 1));

	if (h.version < BZIMAGE_MIN_PROTOCOL)
		warning("boot protocol %u.%02u is older than 2.12: cellboot needs "
			"the 64-bit entry and xloadflags of 2.12 (Linux 3.8)",
			h.version >> 8, h.version & 0xff);
	else if (!(h.xloadflags & XLF_KERNEL_64))
		warning("xloadflags lack KERNEL_64: the kernel has no 64-bit "
			"entry");
	if (!h.relocatable_kernel)
		warning("not relocatable: the root must load the file at "
			"pref_address - setup size (0x%llx) and the cell must "
			"have init_size 0x%x bytes of RAM from pref_address",
			(unsigned long long)(h.pref_address - setup_size),
			h.init_size);
	if (!ok)
		return report(&err);
	*out_k = k;
	*have_k = true;
	return inspect_kernel_doctor(f);
}

/* ------------------------------------------------------------------------ */
/* cell config                                                              */
/* ------------------------------------------------------------------------ */

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
			warning("memory region %u (0x%llx-0x%llx) is read/write/"
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
			warning("pio 0x%x length %u grants %s (0x%x) with a length "
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
		warning("no comm region: cellboot (like every Jailhouse inmate) "
			"reads num_cpus and the timer rates from it; add 'comm "
			"0x100000'");
	else if (comm->virt_start != COMM_REGION_DEFAULT_BASE)
		warning("the comm region is at 0x%llx, not 0x100000: cellboot "
			"follows the config, but Jailhouse's inmates and the stock "
			"linux-loader expect 0x100000",
			(unsigned long long)comm->virt_start);
	if (!cellcfg_mem_granted(cfg, 0, 1, JAILHOUSE_MEM_WRITE |
				 JAILHOUSE_MEM_LOADABLE))
		warning("no memory region with the write and loadable flags "
			"starts the cell at 0x0: jailhouse cell load cannot put "
			"cellboot.bin at its entry address 0");
	if (cfg->desc->cpu_reset_address)
		warning("cpu_reset_address is 0x%llx: x86 Linux cells and cellboot "
			"start at 0",
			(unsigned long long)cfg->desc->cpu_reset_address);
	if (!cellcfg_num_cpus(cfg))
		warning("the cpu set is empty");
}

static int inspect_cell(const char *path, const u8 *data, u64 size,
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

/* ------------------------------------------------------------------------ */

/* No NUL bytes: text, maybe a cell description. */
static bool looks_like_text(const struct cb_file *f)
{
	return f->size > 0 && !memchr(f->data, 0, f->size);
}

/* The kernel's init_size window at pref_address against the cell's RAM. */
static void cross_check(const struct cell_config *cfg, const struct bzimage *k)
{
	static struct boot_e820_entry e[CB_E820_MAX_ENTRIES];
	struct e820_table t = { e, 0, CB_E820_MAX_ENTRIES };
	struct range ram[64];
	struct cb_err err;
	u32 n;
	u64 s = k->pref_address, end = k->pref_address + k->init_size;

	if (e820_from_cell(&t, cfg, &err)) {
		report(&err);
		return;
	}
	n = e820_ram_ranges(&t, ram, ARRAY_SIZE(ram));
	if (n > ARRAY_SIZE(ram))
		n = ARRAY_SIZE(ram);
	if (ranges_contain(ram, n, s, end))
		printf("kernel in cell: init_size 0x%x fits at pref_address "
		       "(0x%llx-0x%llx is cell RAM)\n", k->init_size,
		       (unsigned long long)s, (unsigned long long)(end - 1));
	else
		warning("the cell's RAM has no room for the kernel's init_size "
			"0x%x at its pref_address (0x%llx-0x%llx)%s; cellboot plan "
			"finds where it fits or says why it does not",
			k->init_size, (unsigned long long)s,
			(unsigned long long)(end - 1),
			k->relocatable ? "" : " and it is not relocatable");
}

/* What the file is, when cellboot can name it; then 1 (failed). */
static int not_a_cell(const struct cb_file *f)
{
	char what[256];

	if (!cellwarn_what_is(f->data, f->size, what, sizeof(what)))
		return 0;
	fflush(stdout);
	return fail_msg(f->path, "%s", what);
}

/* console=/earlyprintk= of -c against the UARTs the cell owns. */
static void console_warnings(const struct cell_config *cfg, const char *cmdline)
{
	char msgs[8][CELLWARN_MSG];
	unsigned int n = cellwarn_console(cfg, cmdline, msgs, 8);

	for (unsigned int i = 0; i < n && i < 8; i++)
		warning("%s", msgs[i]);
}

int cmd_inspect(int argc, char **argv)
{
	static struct cell_desc desc;
	static struct cb_file files[64];
	struct cell_config cfg;
	struct bzimage k = { 0 };
	bool have_cfg = false, have_k = false, kernel_first = false;
	const char *cmdline = NULL;
	int rc = CB_EXIT_OK, nfiles = 0, shown = 0;
	void *bins[64];
	int nbins = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return CB_EXIT_OK;
		}
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cmdline")) {
			if (i + 1 == argc)
				return usage_error("inspect", "%s needs CMDLINE",
						   argv[i]);
			cmdline = argv[++i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--"))
			return usage_error("inspect", "unknown option '%s'",
					   argv[i]);
		if (strcmp(argv[i], "--"))
			nfiles++;
	}
	if (!nfiles)
		return usage_error("inspect", "missing FILE");
	if (nfiles > (int)ARRAY_SIZE(files))
		return usage_error("inspect", "more than %zu files",
				   ARRAY_SIZE(files));

	nfiles = 0;
	for (int i = 1; i < argc; i++) {
		struct cb_file *f = &files[nfiles];
		struct cell_config this_cfg;	/* kept only if it parsed whole */
		struct cb_err err;
		int r;

		if (!strcmp(argv[i], "--"))
			continue;
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--cmdline")) {
			i++;
			continue;
		}
		if (shown++)
			putchar('\n');
		fflush(stdout);
		r = file_load(f, argv[i], true);
		if (r) {
			rc = r;
			continue;
		}
		nfiles++;	/* kept mapped: the parsed views point into it */
		if (f->size >= JAILHOUSE_SIGNATURE_SIZE &&
		    !memcmp(f->data, JAILHOUSE_CELL_DESC_SIGNATURE,
			    JAILHOUSE_SIGNATURE_SIZE)) {
			kernel_first |= have_k && !have_cfg;
			r = not_a_cell(f) ?: inspect_cell(f->path, f->data, f->size, false,
					 &this_cfg);
			if (!r) {
				cfg = this_cfg;
				have_cfg = true;
			}
		} else if (is_bzimage(f)) {
			r = inspect_kernel(f, &k, &have_k);
		} else if (f->size >= 4 && elf_is_elf(f->data)) {
			/* an uncompressed kernel (docs/vmlinux-boot.md) */
			r = vmlinux_describe(stdout, f->data, f->size, &err) ?
			    report(&err) : 0;
		} else if (looks_like_text(f)) {
			size_t len, out;
			void *bin;

			if (celldesc_parse((const char *)f->data, f->size, &desc,
					   &err)) {
				fflush(stdout);
				r = fail_msg(f->path, "not a bzImage or a binary cell "
					     "config; read as a cell description: "
					     "%s", err.detail);
			} else {
				len = cellcfg_write_size(&desc);
				bin = malloc(len);
				bins[nbins++] = bin;
				if (!bin)
					r = fail_msg(f->path, "out of memory");
				else if (cellcfg_write(&desc, bin, len, &out, &err))
					r = report(&err);
				else
					r = inspect_cell(f->path, bin, out, true,
							 &this_cfg);
				if (!r) {
					cfg = this_cfg;
					have_cfg = true;
				}
			}
		} else if (!(r = not_a_cell(f))) {
			fflush(stdout);
			r = fail_msg(f->path, "neither a bzImage (no 0xaa55 boot "
				     "flag and HdrS header) nor a Jailhouse cell "
				     "config (no JHCLL signature)");
		}
		fflush(stdout);
		if (r)
			rc = r;
	}
	if (have_cfg && have_k) {
		putchar('\n');
		cross_check(&cfg, &k);
		if (kernel_first)
			printf("note: the kernel came before the cell config; "
			       "plan and boot take CELL.cell KERNEL in that "
			       "order\n");
	}
	if (have_cfg && cmdline)
		console_warnings(&cfg, cmdline);
	if (warnings)
		printf("%u warning%s\n", warnings, warnings == 1 ? "" : "s");
	for (int i = 0; i < nbins; i++)
		free(bins[i]);
	for (int i = 0; i < nfiles; i++)
		file_release(&files[i]);
	return rc;
}
