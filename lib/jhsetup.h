/* SPDX-License-Identifier: MIT */
/* The SETUP_JAILHOUSE payload (version 2, compatible 1). */
#ifndef CELLBOOT_LIB_JHSETUP_H
#define CELLBOOT_LIB_JHSETUP_H

#include "lib/abi/bootparam.h"
#include "lib/abi/comm_region.h"
#include "lib/cellcfg.h"

/* Legacy UART ports, in the order of the flags bits. */
extern const u16 jh_legacy_uart_ports[4];

/*
 * Fills jh from the comm region, the cell config (may be NULL: no IOAPIC,
 * no UARTs) and the APIC IDs that checked in (at most 255 are used).
 */
void jh_setup_fill(struct jailhouse_setup_data *jh,
		   const struct jailhouse_comm_region *comm,
		   const struct cell_config *cfg, const u8 *apic_ids, u32 n);

#endif
