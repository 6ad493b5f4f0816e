/* SPDX-License-Identifier: MIT */
/* Time from the TSC: cycles to microseconds and busy-wait delays. */
#ifndef CELLBOOT_ARCH_X86_TSC_H
#define CELLBOOT_ARCH_X86_TSC_H

#include "lib/types.h"

/* The TSC rate (the comm region's tsc_khz); 0 keeps the 1 GHz guess. */
void tsc_set_khz(u32 khz);
u64 tsc_to_us(u64 cycles);
/* Busy-waits at least `us` microseconds at the rate set above. */
void delay_us(u32 us);

#endif
