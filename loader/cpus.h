/* SPDX-License-Identifier: MIT */
/* CPU check-in: wait for the cell's CPUs, wake them on plain QEMU/hardware. */
#ifndef CELLBOOT_LOADER_CPUS_H
#define CELLBOOT_LOADER_CPUS_H

#include "lib/types.h"
#include "lib/layout.h"

/* Written by arch/x86/entry.asm on every CPU. */
extern volatile u32 cpu_arrivals;
extern volatile u32 cpu_checked_in;
extern volatile u64 boot_tsc;
/* Initial APIC ID of the CPU with ticket n (n < cpu_checked_in). */
#define cpu_apic_ids ((volatile u8 *)(uintptr_t)CB_CPU_IDS_ADDR)

struct cpus_result {
	u32 expected, checked_in;
	bool woke;		/* cellboot sent INIT-SIPI-SIPI itself */
};

/* Microsecond busy-wait on the TSC, calibrated by tsc_khz. */
void tsc_set_khz(u32 khz);
void delay_us(u32 us);
u64 tsc_to_us(u64 cycles);

/*
 * Waits until `expected` CPUs checked in, at most wait_ms. If only the boot
 * CPU arrived after a short grace period, wakes the others with
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
