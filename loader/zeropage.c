/* SPDX-License-Identifier: MIT */
/*
 * The boot_params step: the zero page, the setup_data chain
 * (SETUP_JAILHOUSE, SETUP_E820_EXT) and the command line, at their fixed
 * addresses (lib/layout.h). Built while the kernel file is still where the
 * root put it: its setup header is copied from there.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "arch/x86/entry.h"
#include "lib/layout.h"
#include "lib/string.h"

void build_boot_params(struct loader_state *s)
{
	const struct params *p = &s->params;
	struct placement *kp = &s->kernel;
	struct jailhouse_setup_data *jh = &kp->jh;
	struct bootparams_input bi = {
		.k = &kp->k,
		.cmdline_addr = CB_CMDLINE_ADDR,
		.cmdline_len = p->cmdline_len,
		.initrd_addr = kp->pl.initrd_addr,
		.initrd_size = p->initrd_size,
		.e820 = &s->e820,
		.jh = jh,
		.sd_buf = (void *)(uintptr_t)CB_SETUP_DATA_ADDR,
		.sd_addr = CB_SETUP_DATA_ADDR,
		.sd_size = CB_SETUP_DATA_SIZE,
	};
	struct bootparams_result bpr;

	jh_setup_fill(jh, s->comm, s->cell.cfg, (const u8 *)cpu_apic_ids,
		      s->cpus.checked_in);
	must(bootparams_build((struct boot_params *)(uintptr_t)CB_BOOT_PARAMS_ADDR,
			      &bi, &bpr, &step_err));
	cb_memcpy((void *)(uintptr_t)CB_CMDLINE_ADDR, p->cmdline, p->cmdline_len);
	((char *)(uintptr_t)CB_CMDLINE_ADDR)[p->cmdline_len] = '\0';

	if (p->has_initrd)
		say(LOG_DEFAULT, "initrd %#lx-%#lx%s",
		    (u64)bi.initrd_addr,
		    (u64)(bi.initrd_addr + p->initrd_size - 1),
		    kp->pl.initrd_moved ? " (moved)" : "");
	say(LOG_VERBOSE, "boot_params %#x, cmdline %#x (%zu bytes), "
	    "setup_data %#x (%u nodes)", CB_BOOT_PARAMS_ADDR, CB_CMDLINE_ADDR,
	    p->cmdline_len, CB_SETUP_DATA_ADDR, bpr.num_setup_data);
	say(LOG_VERBOSE, "SETUP_JAILHOUSE: version %u, cpus %u, pm_timer %#x, "
	    "mmconfig %#lx, tsc_khz %u, apic_khz %u, standard_ioapic %u, "
	    "uarts %#x", jh->version, jh->num_cpus, jh->pm_timer_address,
	    (u64)jh->pci_mmconfig_base, jh->tsc_khz, jh->apic_khz,
	    jh->standard_ioapic, jh->flags);
}
