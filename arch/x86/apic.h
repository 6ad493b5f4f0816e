/* SPDX-License-Identifier: MIT */
/* Local APIC: wake the cell's other CPUs with INIT-SIPI-SIPI. */
#ifndef CELLBOOT_ARCH_X86_APIC_H
#define CELLBOOT_ARCH_X86_APIC_H

#include "lib/types.h"

/* Base of the xAPIC page (for mapping), or 0 in x2APIC mode. */
u64 apic_mmio_base(void);

/*
 * Sends INIT, then two SIPIs to `vector` (start at vector << 12) to all
 * CPUs but this one, with the waits between them on the TSC (arch/x86/tsc.h:
 * its rate must be set first).
 */
void apic_wake_others(u8 vector);

#endif
