/* SPDX-License-Identifier: MIT */
/*
 * The boot CPU's path in C, after arch/x86/entry.asm:
 *   discover -> console -> report deferred errors -> CPU check-in ->
 *   kernel placement, boot_params and handoff (boot.c).
 */
#include "loader/state.h"
#include "loader/console.h"
#include "lib/fmt.h"
#include "lib/layout.h"
#include "lib/version.h"

void cellboot_main(void);

static struct loader_state state;

static void print_banner(const struct loader_state *s)
{
	const struct console_spec *c = &s->params.console;

	say(LOG_DEFAULT, "version %s, cell \"%s\", %u CPU%s, console %s 0x%llx",
	    CELLBOOT_VERSION, s->have_cfg ? s->cfg.name : "(no config)",
	    s->comm_ok ? s->comm->num_cpus : 0,
	    s->comm_ok && s->comm->num_cpus == 1 ? "" : "s",
	    console_kind_name(c->kind), (unsigned long long)c->addr);
}

static void print_memory_map(const struct loader_state *s)
{
	enum { SHOWN_BY_DEFAULT = 8 };

	for (u32 i = 0; i < s->e820.count; i++) {
		const struct boot_e820_entry *e = &s->e820.e[i];

		say(i < SHOWN_BY_DEFAULT ? LOG_DEFAULT : LOG_VERBOSE,
		    "e820 0x%010llx-0x%010llx %s", (unsigned long long)e->addr,
		    (unsigned long long)(e->addr + e->size - 1),
		    e820_type_name(e->type));
	}
	if (s->e820.count > SHOWN_BY_DEFAULT)
		say(LOG_DEFAULT, "e820: %u entries in all (log=verbose lists them)",
		    s->e820.count);
}

static void print_cpus(const struct loader_state *s)
{
	char ids[4 * 16 + 8];
	u32 n = s->cpus.checked_in, len = 0;

	ids[0] = '\0';
	for (u32 i = 0; i < n && i < 16; i++)
		len += (u32)cb_snprintf(ids + len, sizeof(ids) - len, " %u",
					cpu_apic_ids[i]);
	if (n > 16)
		cb_snprintf(ids + len, sizeof(ids) - len, " ...");
	if (n < s->cpus.expected)
		say(LOG_DEFAULT, "warning: cpus: %u of %u checked in after %u ms "
		    "(APIC IDs%s); %u missing, booting without them", n,
		    s->cpus.expected, s->cpus.waited_us / 1000, ids,
		    s->cpus.expected - n);
	else
		say(LOG_DEFAULT, "cpus: %u of %u checked in%s (APIC IDs%s)", n,
		    s->cpus.expected, s->cpus.woke ? " after INIT-SIPI" : "", ids);
}

void cellboot_main(void)
{
	struct loader_state *s = &state;

	discover(s);
	console_set_level(s->params.log);
	if (s->comm)
		console_set_comm(s->comm);
	console_select(s);
	print_banner(s);
	if (s->num_deferred)
		fail_state(&s->deferred[0], s->deferred_state[0]);
	if (s->has_console_warning)
		fail(&s->console_warning);
	print_memory_map(s);

	tsc_set_khz(s->comm->tsc_khz);
	cpus_wait(s->comm->num_cpus ? s->comm->num_cpus : 1,
		  s->params.cpu_wait_ms, &s->cpus);
	print_cpus(s);
	boot_kernel(s);
}
