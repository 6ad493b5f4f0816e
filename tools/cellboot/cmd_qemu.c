/* SPDX-License-Identifier: MIT */
/*
 * cellboot qemu [CELL KERNEL] [-i INITRD] [-c CMDLINE] [OPTIONS]
 *
 * The plan of `cellboot plan`, booted under QEMU the way Jailhouse would
 * start the cell (DESIGN.md "QEMU as a cell"): a reset ROM whose reset
 * vector jumps to 0000:0000 (with an MP table, lib/cellsim.c), every image
 * at its `jailhouse cell load` address through QEMU's generic loader
 * device, the comm region page as the hypervisor fills it, -smp and -m
 * from the cell, serial console on the terminal.
 *
 * QEMU refuses overlapping loader images, so the params string goes into a
 * copy of cellboot.bin at 0x1000, which is what the `-s ... -a 0x1000`
 * image does to the loaded cellboot.bin under Jailhouse.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/help.h"
#include "lib/cellcfg_write.h"
#include "lib/celldesc.h"
#include "lib/cellsim.h"

extern char **environ;

#define DEFAULT_CELL	"configs/classic.cell.txt"
#define DEFAULT_CMDLINE	"console=ttyS0 panic=-1 reboot=t tsc_early_khz=2000000"
#define DEFAULT_TSC_KHZ	2000000
#define DEFAULT_APIC_KHZ 1000000
#define Q35_PM_TIMER	0x608	/* ICH9 ACPI PM timer: PMBASE 0x600 + 8 */
#define MIB		(1024ull * 1024)
#define MAX_FILES	8

/*
 * Debian's kernel has no Jailhouse guest support: on microvm it needs the
 * PIT and the PIC to calibrate and tick (tests/qemu/harness.py).
 */
static const char microvm_opts[] =
	"microvm,x-option-roms=off,rtc=off,pic=on,pit=on,isa-serial=on,"
	"acpi=off,pcie=off,ioapic2=off";

static const char usage[] =
	"usage: cellboot qemu [CELL KERNEL] [-i INITRD] [-c CMDLINE] [OPTIONS]\n"
	"\n"
	"Boots the cell under QEMU the way Jailhouse starts it: the images of\n"
	"'cellboot plan' at the same addresses, a comm region page as the\n"
	"hypervisor fills it, the cell's CPU count, every CPU starting at\n"
	"0000:0000 (a reset ROM jumps there; its MP table lets a kernel without\n"
	"Jailhouse guest support find the CPUs). The serial console (COM1) is\n"
	"the terminal; Ctrl-C stops QEMU. CELL may be a binary cell config or a\n"
	"cell description.\n"
	"\n"
	"Without CELL and KERNEL: " DEFAULT_CELL ", the kernel from\n"
	"build/cache/kernels/debian-vmlinuz and build/initramfs/test.cpio\n"
	"(make kernel build/initramfs/test.cpio). Without -c, the command line is\n"
	"\"" DEFAULT_CMDLINE "\".\n"
	"\n"
	HELP_COMMON_OPTIONS
	"      --machine M        microvm (default: no PCI, no ACPI) or q35\n"
	"      --timeout SEC      stop QEMU after SEC seconds (exit status 1)\n"
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
	"Exit status: 0 QEMU ended normally (the guest rebooted or powered off),\n"
	"1 a check failed, QEMU failed or the timeout hit, 2 usage error.\n";

struct workdir {
	char *dir;
	bool keep, created;
	char *files[MAX_FILES];
	unsigned int num_files;
};

static char *wd_path(struct workdir *w, const char *name)
{
	struct strbuf b = { 0 };

	sb_addf(&b, "%s/%s", w->dir, name);
	if (w->num_files < MAX_FILES)
		w->files[w->num_files++] = strdup(b.s);
	return b.s;
}

static int wd_open(struct workdir *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	if (dir) {
		w->keep = true;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return fail_msg(dir, "cannot create: %s", strerror(errno));
		w->dir = strdup(dir);
		return 0;
	}
	{
		const char *tmp = getenv("TMPDIR");
		struct strbuf b = { 0 };

		sb_addf(&b, "%s/cellboot-qemu.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(b.s)) {
			int rc = fail_msg(b.s, "cannot create: %s",
					  strerror(errno));

			sb_free(&b);
			return rc;
		}
		w->dir = b.s;
		w->created = true;
	}
	return 0;
}

static void wd_close(struct workdir *w)
{
	for (unsigned int i = 0; i < w->num_files; i++) {
		if (!w->keep)
			unlink(w->files[i]);
		free(w->files[i]);
	}
	if (!w->keep && w->created)
		rmdir(w->dir);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}

/* The first of dir/rel that exists, for dir in (tool's dir, cwd). */
static char *find_default(const char *const *rels_self, size_t n_self,
			  const char *rel_cwd)
{
	char *p = find_file(NULL, rels_self, n_self);
	const char *cwd_rel[1] = { rel_cwd };

	return p ? p : find_file(".", cwd_rel, 1);
}

/*
 * A text cell description becomes a binary config in the workdir; *cell
 * then points to *owned, which the caller frees.
 */
static int binary_cell(const char **cell, char **owned, struct workdir *w)
{
	static struct cell_desc desc;
	struct cb_file f;
	struct cb_err err;
	size_t len, out;
	void *bin;
	char *path;
	int rc = file_load(&f, *cell, false);

	if (rc)
		return rc;
	if (f.size >= JAILHOUSE_SIGNATURE_SIZE &&
	    !memcmp(f.data, JAILHOUSE_CELL_DESC_SIGNATURE,
		    JAILHOUSE_SIGNATURE_SIZE)) {
		file_release(&f);
		return 0;
	}
	if (!f.size || memchr(f.data, 0, f.size)) {
		file_release(&f);
		return 0;	/* binary: the cell config parser reports it */
	}
	if (celldesc_parse((const char *)f.data, f.size, &desc, &err)) {
		file_release(&f);
		return report(&err);
	}
	file_release(&f);
	len = cellcfg_write_size(&desc);
	bin = malloc(len);
	if (!bin)
		return fail_msg("cell config", "out of memory");
	if (cellcfg_write(&desc, bin, len, &out, &err)) {
		free(bin);
		return report(&err);
	}
	path = wd_path(w, "cell.cell");
	rc = file_write(path, bin, out);
	free(bin);
	*cell = *owned = path;
	return rc;
}

/* cellboot.bin with the params string where jailhouse would write it. */
static int write_loader(const struct boot_plan *p, const char *path)
{
	size_t end = CB_PARAMS_ADDR + p->params_len + 1;
	size_t size = p->loader_file.size > end ? p->loader_file.size : end;
	u8 *img = calloc(1, size);
	int rc;

	if (!img)
		return fail_msg("loader", "out of memory");
	memcpy(img, p->loader_file.data, p->loader_file.size);
	memcpy(img + CB_PARAMS_ADDR, p->params, p->params_len + 1);
	rc = file_write(path, img, size);
	free(img);
	return rc;
}

/* QEMU's key=value option syntax doubles commas. */
static void add_loader_device(struct strbuf *b, const char *path, u64 addr)
{
	sb_add(b, "loader,file=");
	for (const char *c = path; *c; c++)
		sb_add(b, *c == ',' ? ",," : (char[]){ *c, 0 });
	sb_addf(b, ",addr=0x%llx,force-raw=on", (unsigned long long)addr);
}

struct qemu_cmd {
	char *argv[48];
	int argc;
};

static void push(struct qemu_cmd *q, const char *s)
{
	if (q->argc < (int)ARRAY_SIZE(q->argv) - 1)
		q->argv[q->argc++] = strdup(s);
}

static void pushf(struct qemu_cmd *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void pushf(struct qemu_cmd *q, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	push(q, buf);
}

static void push_device(struct qemu_cmd *q, const char *path, u64 addr)
{
	struct strbuf b = { 0 };

	add_loader_device(&b, path, addr);
	push(q, "-device");
	push(q, b.s);
	sb_free(&b);
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

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	got_term = sig;
}

static int run_qemu(char **argv, u64 timeout_s)
{
	u64 limit = timeout_s;
	struct timespec start, now, tick = { 0, 20 * 1000 * 1000 };
	posix_spawnattr_t attr;
	struct sigaction sa, old_int, old_term, old_hup;
	sigset_t dflt;
	pid_t pid;
	int status = 0, err;
	bool timed_out = false, killed = false;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	/* Ctrl-C reaches QEMU too: let it end, then clean up */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &old_int);

	posix_spawnattr_init(&attr);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGHUP);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	err = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (err) {
		fprintf(stderr, "cellboot: error: qemu: cannot run %s: %s\n",
			argv[0], strerror(err));
		status = -1;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("cellboot: error: qemu: waitpid");
			status = -1;
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!killed && (got_term || (timeout_s &&
		    (u64)(now.tv_sec - start.tv_sec) >= timeout_s))) {
			timed_out = !got_term;
			kill(pid, SIGTERM);	/* QEMU restores the terminal */
			killed = true;
			start = now;
			timeout_s = 5;		/* then SIGKILL */
		} else if (killed && (u64)(now.tv_sec - start.tv_sec) >= timeout_s) {
			kill(pid, SIGKILL);
		}
		nanosleep(&tick, NULL);
	}
	if (timed_out) {
		fprintf(stderr, "\ncellboot: error: qemu: stopped QEMU after the "
			"--timeout of %llu s\n", (unsigned long long)limit);
		status = -1;
	} else if (got_term) {
		status = -1;
	} else if (WIFSIGNALED(status)) {
		fprintf(stderr, "cellboot: error: qemu: QEMU was killed by signal "
			"%d\n", WTERMSIG(status));
		status = -1;
	} else if (WEXITSTATUS(status)) {
		fprintf(stderr, "cellboot: error: qemu: QEMU exited with status "
			"%d\n", WEXITSTATUS(status));
		status = -1;
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return status == 0 ? CB_EXIT_OK : CB_EXIT_FAILED;
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
	static struct boot_plan p;
	static u8 rom[CELLSIM_ROM_SIZE];
	u8 comm[COMM_REGION_PAGE_SIZE];
	struct cellsim_platform plat;
	struct qemu_cmd q = { { 0 }, 0 };
	struct workdir w = { 0 };
	struct bp_args a;
	struct cb_err err;
	char *defaults[3] = { NULL, NULL, NULL }, *cell_bin = NULL;
	char *rom_path, *comm_path, *loader_path;
	const char *machine;
	unsigned int cpus;
	u64 mem_end;
	int rc = bp_parse_args("qemu", BP_CMD_QEMU, true, argc, argv, &a);

	if (rc)
		return rc;
	if (a.help) {
		fputs(usage, stdout);
		return CB_EXIT_OK;
	}
	machine = a.machine ? a.machine : "microvm";
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
		fprintf(stderr, "cellboot: qemu: cell %s, kernel %s, initrd %s\n",
			a.cell, a.kernel, a.initrd ? a.initrd : "none");
	}
	if (!a.cmdline)
		a.cmdline = DEFAULT_CMDLINE;

	rc = wd_open(&w, a.workdir);
	if (rc)
		goto out;
	rc = binary_cell(&a.cell, &cell_bin, &w);
	if (rc)
		goto out;
	rc = bp_make(&a, &p);
	if (rc)
		goto out;

	cpus = cellcfg_num_cpus(&p.cfg);
	plat.tsc_khz = (u32)(a.tsc_khz ? a.tsc_khz : DEFAULT_TSC_KHZ);
	plat.apic_khz = (u32)(a.has_apic_khz ? a.apic_khz : DEFAULT_APIC_KHZ);
	plat.pm_timer_address = (u16)(a.has_pm_timer ? a.pm_timer :
				      !strcmp(machine, "q35") ? Q35_PM_TIMER : 0);
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

	rom_path = wd_path(&w, "resetrom.bin");
	comm_path = wd_path(&w, "comm.bin");
	loader_path = wd_path(&w, "cellboot-params.bin");
	if ((rc = file_write(rom_path, rom, sizeof(rom))) ||
	    (rc = file_write(comm_path, comm, sizeof(comm))) ||
	    (rc = write_loader(&p, loader_path)))
		goto out_paths;

	push(&q, a.qemu ? a.qemu : getenv("QEMU") && *getenv("QEMU") ?
	     getenv("QEMU") : "qemu-system-x86_64");
	push(&q, "-M");
	push(&q, !strcmp(machine, "q35") ? "q35" : microvm_opts);
	push(&q, "-accel");
	push(&q, a.accel ? a.accel : "tcg");
	push(&q, "-smp");
	pushf(&q, "cpus=%u,sockets=1,cores=%u,threads=1", cpus, cpus);
	push(&q, "-m");
	pushf(&q, "%lluM", (unsigned long long)(mem_end / MIB));
	push(&q, "-bios");
	push(&q, rom_path);
	push(&q, "-nodefaults");
	push(&q, "-nographic");
	push(&q, "-no-reboot");
	push(&q, "-serial");
	push(&q, "stdio");
	push_device(&q, loader_path, CB_IMAGE_BASE);
	push_device(&q, p.config.path, p.config.addr);
	push_device(&q, p.kernel.path, p.kernel.addr);
	if (p.has_initrd)
		push_device(&q, p.initrd.path, p.initrd.addr);
	push_device(&q, comm_path, p.comm_addr);

	if (a.dry_run) {
		bp_print_command(stdout, q.argv);
		if (!w.keep)
			fprintf(stderr, "cellboot: qemu: files kept in %s\n",
				w.dir);
		w.keep = true;
		rc = CB_EXIT_OK;
	} else {
		fprintf(stderr, "cellboot: qemu: %s, %u CPU%s, %llu MiB, kernel "
			"at 0x%llx%s; Ctrl-C stops QEMU\n", machine, cpus,
			cpus == 1 ? "" : "s", (unsigned long long)(mem_end / MIB),
			(unsigned long long)p.kernel.addr,
			a.timeout_s ? ", with a timeout" : "");
		fflush(stdout);
		fflush(stderr);
		rc = run_qemu(q.argv, a.timeout_s);
	}
out_paths:
	free(rom_path);
	free(comm_path);
	free(loader_path);
out:
	for (int i = 0; i < q.argc; i++)
		free(q.argv[i]);
	bp_release(&p);
	wd_close(&w);
	for (int i = 0; i < 3; i++)
		free(defaults[i]);
	free(cell_bin);
	return rc;
}
