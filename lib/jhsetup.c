/* SPDX-License-Identifier: MIT */
#include "lib/jhsetup.h"
#include "lib/string.h"

const u16 jh_legacy_uart_ports[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

void jh_setup_fill(struct jailhouse_setup_data *jh,
		   const struct jailhouse_comm_region *comm,
		   const struct cell_config *cfg, const u8 *apic_ids, u32 n)
{
	if (n > JAILHOUSE_SETUP_MAX_CPUS)
		n = JAILHOUSE_SETUP_MAX_CPUS;
	cb_memset(jh, 0, sizeof(*jh));
	jh->version = JAILHOUSE_SETUP_VERSION;
	jh->compatible_version = JAILHOUSE_SETUP_COMPATIBLE;
	jh->pm_timer_address = comm->pm_timer_address;
	jh->num_cpus = (u16)n;
	jh->pci_mmconfig_base = comm->pci_mmconfig_base;
	jh->tsc_khz = comm->tsc_khz;
	jh->apic_khz = comm->apic_khz;
	cb_memcpy(jh->cpu_ids, apic_ids, n);
	if (!cfg)
		return;
	for (u32 i = 0; i < cfg->num_irqchips; i++)
		if (cfg->irqchips[i].address == JAILHOUSE_IOAPIC_STANDARD_ADDR)
			jh->standard_ioapic = 1;
	for (u32 i = 0; i < ARRAY_SIZE(jh_legacy_uart_ports); i++)
		if (cellcfg_pio_granted(cfg, jh_legacy_uart_ports[i], 8))
			jh->flags |= 1u << i;
}
