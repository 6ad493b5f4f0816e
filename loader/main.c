/* SPDX-License-Identifier: MIT */
/*
 * The boot CPU's path in C, after arch/x86/entry.asm: the whole boot, one
 * named step each. Order matters: boot_params is built while the kernel
 * file is still where the root put it (the header is copied from there);
 * then the initrd moves, then the kernel, then control goes to the kernel.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "arch/x86/entry.h"
#include "arch/x86/tsc.h"
#include "lib/fmt.h"
#include "lib/layout.h"
#include "lib/version.h"

static struct loader_state state;
struct cb_err step_err;

void must(int rc)
{
	if (rc)
		fail(&step_err);
}

/* log=verbose: the params as parsed (0+0 for a key not given) */
static void print_params(const struct params *p)
{
	say(LOG_VERBOSE, "params: kernel %#lx+%#lx, initrd %#lx+%#lx, config "
	    "%#lx+%#lx, cpu_wait_ms %u, command line %zu bytes",
	    p->kernel_addr, p->kernel_size, p->initrd_addr, p->initrd_size,
	    p->config_addr, p->config_size, p->cpu_wait_ms, p->cmdline_len);
}

/* The console chosen, what discover found, and its first error if any. */
static void console(struct loader_state *s)
{
	const struct console_spec *c = &s->params.console;

	console_set_level(s->params.log);
	console_set_comm(s->comm);
	console_select(s);
	say(LOG_DEFAULT, "version " CELLBOOT_VERSION ", cell \"%pE\", cpus %u, "
	    "console %s %#lx", s->cell.cfg ? s->cfg.name : "(no config)",
	    s->comm_ok ? s->comm->num_cpus : 0, console_kind_name(c->kind),
	    (u64)c->addr);
	say(LOG_VERBOSE, "console: %s", s->console_why);
	print_params(&s->params);
	if (s->comm_ok)
		say(LOG_VERBOSE, "comm region %#lx: revision %u, cpus %u, tsc_khz "
		    "%u, apic_khz %u, pm_timer %#x, mmconfig %#lx, flags %#x",
		    s->cell.comm_addr, s->comm->revision, s->comm->num_cpus,
		    s->comm->tsc_khz, s->comm->apic_khz,
		    s->comm->pm_timer_address,
		    (u64)s->comm->pci_mmconfig_base, s->comm->flags);
	if (s->deferred_state)
		fail_state(&s->deferred, s->deferred_state);
}

/* The other CPUs checked in (or woken), at the comm region's TSC rate. */
static void cpus(struct loader_state *s)
{
	char ids[4 * 16];	/* as many IDs as fit */
	u32 n, len = 0;

	tsc_set_khz(s->comm->tsc_khz);
	cpus_wait(s->comm->num_cpus ? s->comm->num_cpus : 1,
		  s->params.cpu_wait_ms, &s->cpus);
	n = s->cpus.checked_in;
	ids[0] = '\0';
	for (u32 i = 0; i < n && len < sizeof(ids); i++)
		len += (u32)cb_snprintf(ids + len, sizeof(ids) - len, " %u",
					cpu_apic_ids[i]);
	say(LOG_DEFAULT, "%scpus: %u of %u checked in%s (APIC IDs%s)",
	    n < s->cpus.expected ? "warning: " : "", n, s->cpus.expected,
	    s->cpus.woke ? " after INIT-SIPI" : "", ids);
}

void cellboot_main(void)
{
	struct loader_state *s = &state;

	discover(s);		/* params, cell config, comm region */
	console(s);
#ifdef CB_TEST_FAULT	/* test builds only (make fault-loaders) */
	if (CB_TEST_FAULT == 1)
		(void)*(volatile u64 *)CB_TEST_FAULT_ADDR;	/* unmapped: #PF */
	else
		__asm__ volatile("ud2");			/* #UD */
#endif
	memory_map(s);
	cpus(s);
	place(s);
	build_boot_params(s);
	move_images(s);
	handoff(s);
}
