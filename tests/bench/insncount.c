/* SPDX-License-Identifier: MIT */
/*
 * insncount: a QEMU TCG plugin that counts the guest instructions vCPU 0
 * executes from reset until the instruction at a given address first runs,
 * then ends QEMU. With -icount shift=0 and one CPU the count is the same on
 * every run.
 *
 *   qemu-system-x86_64 -icount shift=0 ... \
 *       -plugin build/bench/insncount.so,stop=0x1000200,out=FILE[,mark=ADDR]...
 *
 *   stop=ADDR   the guest address (CS base + IP, i.e. the linear address)
 *               whose first execution ends the count
 *   mark=ADDR   also record the count when ADDR first runs (up to 8)
 *   out=FILE    where the result goes (else QEMU's plugin log, -d plugin)
 *   exit=on|off on (default): SIGTERM QEMU once stop is reached, which
 *               makes QEMU shut down cleanly
 *   profile=FILE  also write, when the count ends, one line per translated
 *               block that ran: "<vaddr> <instructions> <executions>"
 *               (hex, decimal, decimal); a block that was translated more
 *               than once has more than one line
 *
 * The result is one line per address, "<what> <addr> <count>", where count
 * is the number of instructions executed before that address's first
 * instruction ran:
 *
 *   mark 0x0 5
 *   stop 0x1000200 43123
 *
 * or, when QEMU ends before stop ran, "notreached 0x1000200 <total>".
 *
 * How: every translated instruction gets an inline 64-bit add of 1 (no
 * helper call, so counting costs little); the instructions at stop and mark
 * addresses get an exec callback instead, which records the count before
 * adding their own 1. An instruction that is executed, aborted and restarted
 * by QEMU (a fault inside it, an MMIO access under icount that forces the
 * block to be re-translated) is counted each time it starts; this is rare
 * before a kernel's entry and identical from run to run.
 *
 * Inline counters are shared by all vCPUs (QEMU 7.2 has no per-vCPU inline
 * storage), so the plugin refuses to load with more than one vCPU.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = CB_QEMU_PLUGIN_VERSION;

#define MAX_MARKS 8

struct point {
	uint64_t addr;
	uint64_t count;		/* instructions before its first execution */
	bool seen;
};

static uint64_t insns;		/* executed so far (inline adds + callbacks) */
static struct point stop_pt;
static struct point marks[MAX_MARKS];
static unsigned int num_marks;
static const char *out_path;
static bool exit_at_stop = true;
static bool finished;

/* profile=: one record per translation, counted by an inline add */
struct tb_rec {
	uint64_t vaddr, n_insns, execs;
	struct tb_rec *next;
};
static const char *profile_path;
static struct tb_rec *tb_recs;

static void write_profile(void)
{
	FILE *f = fopen(profile_path, "w");

	if (!f) {
		fprintf(stderr, "insncount: cannot write %s: %s\n", profile_path,
			strerror(errno));
		return;
	}
	for (struct tb_rec *r = tb_recs; r; r = r->next)
		if (r->execs)
			fprintf(f, "0x%llx %llu %llu\n", (unsigned long long)r->vaddr,
				(unsigned long long)r->n_insns,
				(unsigned long long)r->execs);
	fclose(f);
}

static void emit(const char *text)
{
	if (out_path) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
		f = fopen(tmp, "w");
		if (f && fputs(text, f) >= 0 && fclose(f) == 0 &&
		    rename(tmp, out_path) == 0)
			return;
		fprintf(stderr, "insncount: cannot write %s: %s\n", out_path,
			strerror(errno));
	}
	qemu_plugin_outs(text);
}

static void report(bool reached)
{
	char buf[1024];
	size_t n = 0;

	if (profile_path)
		write_profile();

	for (unsigned int i = 0; i < num_marks; i++)
		if (marks[i].seen)
			n += snprintf(buf + n, sizeof(buf) - n, "mark 0x%llx %llu\n",
				      (unsigned long long)marks[i].addr,
				      (unsigned long long)marks[i].count);
	if (reached)
		snprintf(buf + n, sizeof(buf) - n, "stop 0x%llx %llu\n",
			 (unsigned long long)stop_pt.addr,
			 (unsigned long long)stop_pt.count);
	else
		snprintf(buf + n, sizeof(buf) - n, "notreached 0x%llx %llu\n",
			 (unsigned long long)stop_pt.addr,
			 (unsigned long long)insns);
	emit(buf);
}

static void at_point(unsigned int vcpu, void *udata)
{
	struct point *pt = udata;

	if (vcpu != 0)
		return;
	if (!pt->seen) {
		pt->seen = true;
		pt->count = insns;
		if (pt == &stop_pt && !finished) {
			finished = true;
			report(true);
			if (exit_at_stop)
				kill(getpid(), SIGTERM);
		}
	}
	insns++;
}

static struct point *point_at(uint64_t addr)
{
	if (addr == stop_pt.addr)
		return &stop_pt;
	for (unsigned int i = 0; i < num_marks; i++)
		if (marks[i].addr == addr)
			return &marks[i];
	return NULL;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	if (profile_path) {
		struct tb_rec *r = calloc(1, sizeof(*r));

		if (r) {
			r->vaddr = qemu_plugin_tb_vaddr(tb);
			r->n_insns = n;
			r->next = tb_recs;
			tb_recs = r;
			qemu_plugin_register_vcpu_tb_exec_inline(tb,
				QEMU_PLUGIN_INLINE_ADD_U64, &r->execs, 1);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		struct point *pt = point_at(qemu_plugin_insn_vaddr(insn));

		if (pt)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, at_point,
				QEMU_PLUGIN_CB_NO_REGS, pt);
		else
			qemu_plugin_register_vcpu_insn_exec_inline(insn,
				QEMU_PLUGIN_INLINE_ADD_U64, &insns, 1);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (!finished) {
		finished = true;
		report(false);
	}
}

static int parse_addr(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || end == s || *end) ? -1 : 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	bool have_stop = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strncmp(a, "stop=", 5) && !parse_addr(a + 5, &stop_pt.addr)) {
			have_stop = true;
		} else if (!strncmp(a, "mark=", 5) && num_marks < MAX_MARKS &&
			   !parse_addr(a + 5, &marks[num_marks].addr)) {
			num_marks++;
		} else if (!strncmp(a, "out=", 4) && a[4]) {
			out_path = a + 4;
		} else if (!strncmp(a, "profile=", 8) && a[8]) {
			profile_path = a + 8;
		} else if (!strcmp(a, "exit=on") || !strcmp(a, "exit=off")) {
			exit_at_stop = !strcmp(a, "exit=on");
		} else {
			fprintf(stderr, "insncount: bad argument '%s' (stop=ADDR, "
				"mark=ADDR, out=FILE, exit=on|off, profile=FILE)\n", a);
			return -1;
		}
	}
	if (!have_stop) {
		fprintf(stderr, "insncount: stop=ADDR is required\n");
		return -1;
	}
	if (info->system_emulation && info->system.smp_vcpus != 1) {
		fprintf(stderr, "insncount: needs exactly one vCPU (has %d)\n",
			info->system.smp_vcpus);
		return -1;
	}
	if (out_path)
		unlink(out_path);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
