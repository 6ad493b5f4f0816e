/* SPDX-License-Identifier: MIT */
/*
 * What arch/x86/entry.asm shares with C: the check-in state every CPU
 * writes before C runs, and the C functions the assembly calls.
 */
#ifndef CELLBOOT_ARCH_X86_ENTRY_H
#define CELLBOOT_ARCH_X86_ENTRY_H

#include "lib/types.h"
#include "lib/layout.h"

/*
 * Tickets taken and CPUs counted in (entry.asm, `lock xadd` / `lock inc`);
 * in the image, not .bss: CPUs write them before .bss is cleared.
 */
extern volatile u32 cpu_arrivals;
extern volatile u32 cpu_checked_in;
/* The TSC when the boot CPU took ticket 0. */
extern volatile u64 boot_tsc;
/* Initial APIC ID of the CPU with ticket n (n < cpu_checked_in). */
#define cpu_apic_ids ((volatile u8 *)(uintptr_t)CB_CPU_IDS_ADDR)

/* Called by entry.asm in long mode with .bss cleared (loader/main.c). */
void cellboot_main(void);
/* Called by exception.asm for any CPU exception (loader/exception.c). */
void exception_report(u64 vector, u64 error_code, u64 rip, u64 cr2)
	__attribute__((noreturn));

#endif
