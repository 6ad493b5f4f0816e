/* SPDX-License-Identifier: MIT */
/* CPU check-in: wait for the cell's CPUs, wake them on plain QEMU/hardware. */
#ifndef CELLBOOT_LOADER_CPUS_H
#define CELLBOOT_LOADER_CPUS_H

#include "lib/types.h"

struct cpus_result {
	u32 expected, checked_in;
	bool woke;		/* cellboot sent INIT-SIPI-SIPI itself */
};

/*
 * Waits until `expected` CPUs checked in (arch/x86/entry.h), at most
 * wait_ms on the TSC (its rate set first, arch/x86/tsc.h). If only the
 * boot CPU arrived after a short grace period, wakes the others with
 * INIT-SIPI-SIPI to vector 0 (their reset path on Jailhouse is the same).
 */
void cpus_wait(u32 expected, u32 wait_ms, struct cpus_result *res);

/*
 * Called by the boot CPU as it leaves (handoff or park): zeroes the
 * check-in counters, so that a later `jailhouse cell start` without a new
 * `cell load` elects a boot CPU again instead of parking every CPU.
 */
void cpus_end_election(void);

#endif
