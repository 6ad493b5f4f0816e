/* SPDX-License-Identifier: MIT */
#include "arch/x86/tsc.h"
#include "arch/x86/io.h"

#define DEFAULT_TSC_KHZ	1000000u	/* assume 1 GHz when nobody says */

static u32 tsc_khz = DEFAULT_TSC_KHZ;

void tsc_set_khz(u32 khz)
{
	tsc_khz = khz ? khz : DEFAULT_TSC_KHZ;
}

u64 tsc_to_us(u64 cycles)
{
	return cycles * 1000 / tsc_khz;
}

void delay_us(u32 us)
{
	u64 end = rdtsc() + (u64)us * tsc_khz / 1000;

	while (rdtsc() < end)
		cpu_relax();
}
