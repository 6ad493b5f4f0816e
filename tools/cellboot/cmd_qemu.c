/* SPDX-License-Identifier: MIT */
/*
 * cellboot qemu [CELL KERNEL] [-i INITRD] [-c CMDLINE] [OPTIONS]
 *
 * The plan of `cellboot plan`, booted under QEMU the way Jailhouse would
 * start the cell (docs/boot-testing.md): a reset ROM whose reset vector
 * jumps to 0000:0000 (with an MP table, tools/lib/cellsim.c), every image at
 * its `jailhouse cell load` address through QEMU's generic loader device, the
 * comm region page as the hypervisor fills it, -smp and -m from the cell,
 * one 16550 UART at each legacy port the cell owns and no other.
 *
 * This file runs the steps of each run; its options are qemu_opts.c, the
 * files it writes qemu_files.c, the QEMU command line qemu_cmd.c, running
 * QEMU qemu_run.c and the verdict qemu_verdict.c.
 *
 * QEMU refuses overlapping loader images, so the params string goes into a
 * copy of cellboot.bin at 0x1000, which is what the `-s ... -a 0x1000`
 * image does to the loaded cellboot.bin under Jailhouse.
 *
 * Each run ends with a verdict (qemu_verdict.h) printed as one line; with
 * several --machine or --cpus values every combination is one run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/help.h"
#include "tools/cellboot/qemu_cmd.h"
#include "tools/cellboot/qemu_files.h"
#include "tools/cellboot/qemu_gdb.h"
#include "tools/cellboot/qemu_opts.h"
#include "tools/cellboot/qemu_run.h"
#include "tools/cellboot/qemu_verdict.h"
#include "tools/lib/cellsim.h"
#include "lib/jhsetup.h"
#include "lib/params.h"

#define DEFAULT_CELL	"configs/classic.cell.txt"
#define DEFAULT_CMDLINE	"console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
#define DEFAULT_TSC_KHZ	2000000
#define DEFAULT_APIC_KHZ 1000000
#define Q35_PM_TIMER	0x608	/* ICH9 ACPI PM timer: PMBASE 0x600 + 8 */
#define MIB		(1024ull * 1024)
#define NUM_UARTS	4	/* the legacy ports, ttyS0..ttyS3 */

static const char usage[] =
	"usage: cellboot qemu [CELL KERNEL] [-i INITRD] [-c CMDLINE] [OPTIONS]\n"
	"\n"
	"Boots the cell under QEMU the way Jailhouse starts it: the images of\n"
	"'cellboot plan' at the same addresses, a comm region page as the\n"
	"hypervisor fills it, the cell's CPU count, every CPU starting at\n"
	"0000:0000 (a reset ROM jumps there; its MP table lets a kernel without\n"
	"Jailhouse guest support find the CPUs), a UART at each legacy port the\n"
	"cell owns (0x3f8, 0x2f8, 0x3e8, 0x2e8 are ttyS0..ttyS3). The UART of\n"
	"the loader's console is the terminal (Ctrl-C stops QEMU), the others\n"
	"follow on stdout as \"ttySn| \" lines. CELL may be a binary cell config\n"
	"or a cell description. Each run ends with one verdict line on stderr.\n"
	"\n"
	"Without CELL and KERNEL: " DEFAULT_CELL ", the kernel from\n"
	"build/cache/kernels/debian-vmlinuz and build/initramfs/test.cpio\n"
	"(make kernel build/initramfs/test.cpio). Without -c, the command line is\n"
	"\"" DEFAULT_CMDLINE "\".\n"
	"\n"
	HELP_COMMON_OPTIONS
	"      --expect REGEX     pass as soon as REGEX matched a serial line,\n"
	"                         after the previous --expect (repeatable)\n"
	"      --fail-on REGEX    fail when REGEX matches a serial line\n"
	"                         (repeatable; always: 'cellboot: error:',\n"
	"                         'Kernel panic - not syncing', a reset of the\n"
	"                         cell before the loader's handoff line)\n"
	"      --timeout SEC      stop QEMU after SEC seconds (exit status 3)\n"
	"      --serial-log DIR   write the output of each UART to DIR/ttySn.log\n"
	"      --machine M[,M]    microvm (default: no PCI, no ACPI) and/or q35;\n"
	"                         each one is a run\n"
	"      --cpus N[,N...]    boot the cell with N CPUs instead of the count\n"
	"                         in its config; each N is a run\n"
	"      --gdb[=PORT]       start paused with QEMU's gdbstub on PORT (1234)\n"
	"                         and print where to break\n"
	"      --accel A          tcg (default) or kvm\n"
	"      --qemu PATH        the QEMU binary (default: $QEMU, else\n"
	"                         qemu-system-x86_64)\n"
	"      --tsc-khz N        comm region tsc_khz (default 2000000)\n"
	"      --apic-khz N       comm region apic_khz (default 1000000)\n"
	"      --pm-timer PORT    comm region pm_timer_address (default 0x608 on\n"
	"                         q35, 0 on microvm)\n"
	"      --workdir DIR      write the ROM, comm page and loader copy to DIR\n"
	"                         and keep them (default: a temporary directory)\n"
	"      --dry-run          write the files, print the QEMU command, exit\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit status: 0 passed (every --expect matched; without --expect, the\n"
	"guest rebooted or powered off), 1 failed (a check before the boot, a\n"
	"--fail-on line, a reset, QEMU failed), 2 usage error, 3 timed out,\n"
	"130 interrupted. With several runs: the first run that did not pass.\n";

/* The first of dir/rel that exists, for dir in (tool's dir, cwd). */
static char *find_default(const char *const *rels_self, size_t n_self,
			  const char *rel_cwd)
{
	char *p = find_file(NULL, rels_self, n_self);
	const char *cwd_rel[1] = { rel_cwd };

	return p ? p : find_file(".", cwd_rel, 1);
}

/* Highest address + 1 the cell's memory (RAM, comm region) reaches. */
static u64 cell_mem_end(const struct cell_config *cfg)
{
	u64 end = 0;

	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		if ((cellcfg_mem_is_ram(m) || cellcfg_mem_is_comm(m)) &&
		    m->virt_start + m->size > end)
			end = m->virt_start + m->size;
	}
	return end;
}

/* ------------------------------------------------------------------------ */
/* the cell under test                                                      */
/* ------------------------------------------------------------------------ */

/*
 * The legacy UART the loader will print on (console_select.c's rule):
 * console= in the params, the config's console descriptor, the first
 * owned legacy port. -1 when that is not a legacy port (MMIO or none).
 */
static int loader_uart(const struct boot_plan *p)
{
	const struct jailhouse_console *c = &p->cfg.desc->console;
	enum console_kind kind = cellcfg_console_kind(c);
	struct params parsed;
	struct cb_err err;
	u64 addr = 0;

	if (params_parse(p->params, p->params_len + 1, &parsed, &err))
		return -1;
	if (parsed.console.kind == CONSOLE_IO)
		addr = parsed.console.addr;
	else if (parsed.console.kind != CONSOLE_UNSET)
		return -1;
	else if (kind != CONSOLE_NONE &&
		 cellcfg_uart_granted(&p->cfg, kind, c->address)) {
		/* the loader takes the descriptor's UART (console_select.c) */
		if (kind != CONSOLE_IO)
			return -1;
		addr = c->address;
	}
	for (int i = 0; i < NUM_UARTS; i++)
		if (addr ? addr == jh_legacy_uart_ports[i] :
		    cellcfg_pio_granted(&p->cfg, jh_legacy_uart_ports[i], 8))
			return i;
	return -1;
}

/* ------------------------------------------------------------------------ */
/* runs                                                                     */
/* ------------------------------------------------------------------------ */

struct run_files {
	char *rom, *comm, *loader, *monitor, *cell;
	char *uart[NUM_UARTS];		/* file chardevs / console copy */
};

static void run_files_free(struct run_files *rf)
{
	free(rf->rom);
	free(rf->comm);
	free(rf->loader);
	free(rf->monitor);
	free(rf->cell);
	for (int i = 0; i < NUM_UARTS; i++)
		free(rf->uart[i]);
	memset(rf, 0, sizeof(*rf));
}

struct run {
	const char *machine;
	unsigned int cpus;		/* the cell's, after --cpus */
	char label[48];			/* "microvm, 2 CPUs" */
};

/* One run: files, command, QEMU, verdict. Returns the exit code. */
static int one_run(const struct bp_args *a0, const struct qemu_opts *o,
		   struct workdir *w, struct run *r, unsigned int cpus_opt,
		   bool several, struct qv *v)
{
	static struct boot_plan p;
	static u8 rom[CELLSIM_ROM_SIZE];
	u8 comm[COMM_REGION_PAGE_SIZE];
	struct cellsim_platform plat;
	struct qemu_cmd q = { { 0 }, 0 };
	struct qr_uart uarts[NUM_UARTS];
	struct run_files rf = { 0 };
	struct bp_args a = *a0;
	struct cb_err err;
	char tag[40] = "";
	unsigned int nu = 0, cpus;
	int console, rc;
	bool interactive = qr_interactive() && !a.dry_run;
	u64 mem_end;

	if (cpus_opt) {
		char name[64];

		snprintf(name, sizeof(name), "cell-%ucpu.cell", cpus_opt);
		rf.cell = wd_path(w, name);
		if ((rc = cell_with_cpus(a.cell, cpus_opt, rf.cell)))
			goto out;
		a.cell = rf.cell;
	}
	rc = bp_make(&a, &p);
	if (rc)
		goto out;
	cpus = cellcfg_num_cpus(&p.cfg);
	r->cpus = cpus;
	if (several)	/* names the run's files: microvm-2cpu-ttyS0.log */
		snprintf(tag, sizeof(tag), "%s-%ucpu", r->machine, cpus);
	snprintf(r->label, sizeof(r->label), "%s, %u CPU%s", r->machine, cpus,
		 cpus == 1 ? "" : "s");

	plat.tsc_khz = (u32)(a.tsc_khz ? a.tsc_khz : DEFAULT_TSC_KHZ);
	plat.apic_khz = (u32)(a.has_apic_khz ? a.apic_khz : DEFAULT_APIC_KHZ);
	plat.pm_timer_address = (u16)(a.has_pm_timer ? a.pm_timer :
				      !strcmp(r->machine, "q35") ? Q35_PM_TIMER : 0);
	plat.pci_mmconfig_base = 0;
	cellsim_comm_fill(comm, &p.cfg, &plat);
	if (cellsim_rom_build(rom, cpus, &err)) {
		rc = report(&err);
		goto out;
	}
	if (p.cfg.desc->flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		warn_msg("the cell's virtual console is active: the loader will "
			 "use the Jailhouse debug-console hypercall, which does "
			 "not exist under QEMU");
	mem_end = align_up(cell_mem_end(&p.cfg), MIB);
	if (mem_end > 0x80000000ull)
		warn_msg("cell memory up to 0x%llx: QEMU puts RAM beyond 2-3 GiB "
			 "above 4 GiB, so cell addresses there are not RAM",
			 (unsigned long long)mem_end);

	{
		/* several runs: microvm-2cpu-resetrom.bin, ... */
		const char *names[] = { "resetrom.bin", "comm.bin",
					"cellboot-params.bin" };
		char **slots[] = { &rf.rom, &rf.comm, &rf.loader };
		struct strbuf b = { 0 };

		for (int i = 0; i < 3; i++) {
			sb_addf(&b, "%s%s%s", tag, *tag ? "-" : "", names[i]);
			*slots[i] = wd_path(w, b.s);
			sb_free(&b);
		}
		/* the monitor FIFOs (.in, .out): qr_run makes and removes them */
		sb_addf(&b, "%s/%s%smonitor", w->dir, tag, *tag ? "-" : "");
		rf.monitor = b.s;
	}
	if ((rc = file_write(rf.rom, rom, sizeof(rom))) ||
	    (rc = file_write(rf.comm, comm, sizeof(comm))) ||
	    (rc = write_loader(&p, rf.loader)))
		goto out;

	/* the UARTs the cell owns; the loader's console is QEMU's stdio */
	console = loader_uart(&p);
	for (int i = 0; i < NUM_UARTS; i++) {
		struct strbuf b = { 0 };

		if (!cellcfg_pio_granted(&p.cfg, jh_legacy_uart_ports[i], 8))
			continue;
		if (console < 0)
			console = i;	/* the loader prints elsewhere */
		sb_addf(&b, "%s/%s%sttyS%d.log", o->serial_log ? o->serial_log :
			w->dir, tag, *tag ? "-" : "", i);
		rf.uart[i] = strdup(b.s);
		sb_free(&b);
		uarts[nu].index = (unsigned int)i;
		uarts[nu].console = i == console;
		uarts[nu].file = i == console ? NULL : rf.uart[i];
		uarts[nu].log = i == console && o->serial_log ? rf.uart[i] : NULL;
		nu++;
	}
	if (!nu)
		warn_msg("the cell owns no legacy UART (0x3f8, 0x2f8, 0x3e8, "
			 "0x2e8): QEMU gets none, no serial output will show");

	{
		struct qemu_cmd_in in = {
			.qemu = a.qemu, .machine = r->machine, .accel = a.accel,
			.cpus = cpus, .mem_mib = mem_end / MIB, .rom = rf.rom,
			.loader = rf.loader, .comm = rf.comm, .plan = &p,
			.uarts = uarts, .num_uarts = nu,
			.interactive = interactive, .gdb = o->gdb,
			.gdb_port = o->gdb_port,
		};

		qemu_cmd_build(&q, &in);
	}

	if (a.dry_run) {
		bp_print_command(stdout, q.argv);
		rc = CB_EXIT_OK;
		goto out;
	}
	/* the control channel: not part of the printed command */
	qemu_cmd_add_monitor(&q, rf.monitor);
	{
		struct strbuf line = { 0 };

		sb_addf(&line, "qemu: %s, %llu MiB, kernel at 0x%llx", r->label,
			(unsigned long long)(mem_end / MIB),
			(unsigned long long)p.kernel.addr);
		for (unsigned int i = 0; i < nu; i++)
			sb_addf(&line, "%s ttyS%u (0x%x)%s", i ? "," : "; UARTs",
				uarts[i].index,
				jh_legacy_uart_ports[uarts[i].index],
				uarts[i].console ? " on the terminal" : "");
		note_msg("%s%s%s", line.s, a.timeout_s ? "; with a timeout" : "",
			 interactive ? "; Ctrl-C stops QEMU" : "");
		sb_free(&line);
	}
	if (o->gdb)
		qg_print_hints(stderr, &p, o->gdb_port);
	fflush(stdout);
	fflush(stderr);
	{
		struct qr_run run = {
			.argv = q.argv, .uarts = uarts, .num_uarts = nu,
			.monitor = rf.monitor, .timeout_s = a.timeout_s,
			.interactive = interactive, .v = v,
		};

		qv_reset(v);
		if (qr_run(&run)) {
			rc = CB_EXIT_FAILED;
			goto out;
		}
		fflush(stdout);
		note_msg("qemu: %s: %s %s %.1f s: %s", r->label,
			 qv_state_name(v->state), v->state == QV_PASSED ? "in" :
			 "after", run.elapsed, v->reason);
		rc = qv_exit_code(v->state);
	}
out:
	if (!o->serial_log && !w->keep)
		for (int i = 0; i < NUM_UARTS; i++)
			if (rf.uart[i])
				unlink(rf.uart[i]);
	qemu_cmd_free(&q);
	bp_release(&p);
	run_files_free(&rf);
	return rc;
}

int cmd_qemu(int argc, char **argv)
{
	static const char *const kernel_rels[] = {
		"cache/kernels/debian-vmlinuz", "../cache/kernels/debian-vmlinuz",
	};
	static const char *const initrd_rels[] = {
		"initramfs/test.cpio", "../initramfs/test.cpio",
	};
	static const char *const cell_rels[] = {
		"../" DEFAULT_CELL, "../../" DEFAULT_CELL,
	};
	static struct qv v;
	struct qemu_opts o;
	struct workdir w = { 0 };
	struct bp_args a;
	char *defaults[3] = { NULL, NULL, NULL }, *cell_bin = NULL;
	char msg[400];
	int rc = take_qemu_opts(&argc, argv, &o), worst = CB_EXIT_OK;
	bool several;

	if (rc)
		return rc;
	rc = bp_parse_args("qemu", BP_CMD_QEMU, true, usage, argc, argv, &a);
	if (rc || a.help)
		return rc;
	if (qv_init(&v, o.expect, o.num_expect, o.fail_on, o.num_fail, msg,
		    sizeof(msg)))
		return usage_error("qemu", "%s", msg);
	several = o.num_machines * o.num_cpus > 1;
	if (!a.cell) {
		defaults[0] = find_default(cell_rels, ARRAY_SIZE(cell_rels),
					   DEFAULT_CELL);
		defaults[1] = find_default(kernel_rels, ARRAY_SIZE(kernel_rels),
					   "build/cache/kernels/debian-vmlinuz");
		if (!defaults[0] || !defaults[1]) {
			rc = fail_msg("qemu", "no CELL and KERNEL given and no %s "
				      "found (%s; run 'make kernel' for the "
				      "kernel)", defaults[0] ? "default kernel" :
				      "default cell", defaults[0] ?
				      "build/cache/kernels/debian-vmlinuz" :
				      DEFAULT_CELL);
			goto out;
		}
		a.cell = defaults[0];
		a.kernel = defaults[1];
		if (!a.initrd) {
			defaults[2] = find_default(initrd_rels,
						   ARRAY_SIZE(initrd_rels),
						   "build/initramfs/test.cpio");
			a.initrd = defaults[2];
		}
		note_msg("qemu: cell %s, kernel %s, initrd %s", a.cell, a.kernel,
			 a.initrd ? a.initrd : "none");
	}
	if (!a.cmdline)
		a.cmdline = DEFAULT_CMDLINE;
	if (o.serial_log && mkdir(o.serial_log, 0755) < 0 && errno != EEXIST) {
		rc = fail_msg(o.serial_log, "cannot create: %s", strerror(errno));
		goto out;
	}

	rc = wd_open(&w, a.workdir);
	if (rc)
		goto out;
	rc = binary_cell(&a.cell, &cell_bin, &w);
	if (rc)
		goto out;
	for (unsigned int mi = 0; mi < o.num_machines; mi++) {
		for (unsigned int ci = 0; ci < o.num_cpus; ci++) {
			struct run r = { o.machines[mi], 0, "" };

			rc = one_run(&a, &o, &w, &r, o.cpus[ci], several, &v);
			if (rc == CB_EXIT_USAGE || rc == QV_EXIT_INTERRUPTED) {
				worst = rc;
				goto done;
			}
			if (rc && !worst)
				worst = rc;
		}
	}
done:
	rc = worst;
	if (a.dry_run && !w.keep && !rc) {
		note_msg("qemu: files kept in %s", w.dir);
		w.keep = true;
	}
out:
	wd_close(&w);
	qv_free(&v);
	for (int i = 0; i < 3; i++)
		free(defaults[i]);
	free(cell_bin);
	return rc;
}
