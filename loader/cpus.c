/* SPDX-License-Identifier: MIT */
#include "loader/cpus.h"
#include "loader/map.h"
#include "arch/x86/apic.h"
#include "arch/x86/io.h"

#define DEFAULT_TSC_KHZ	1000000u	/* assume 1 GHz when nobody says */
#define WAKE_GRACE_US	2000u		/* Jailhouse starts all CPUs at once */

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

void cpus_wait(u32 expected, u32 wait_ms, struct cpus_result *res)
{
	u64 start = rdtsc();
	u64 grace = (u64)WAKE_GRACE_US * tsc_khz / 1000;
	u64 limit = (u64)wait_ms * tsc_khz;

	res->expected = expected;
	res->woke = false;
	for (;;) {
		u64 now = rdtsc() - start;

		if (cpu_checked_in >= expected || now >= limit)
			break;
		if (!res->woke && cpu_arrivals == 1 && now >= grace) {
			u64 apic = apic_mmio_base();

			if (!apic || map_mmio(apic, 0x1000, NULL) == 0) {
				apic_wake_others(0, delay_us);
				res->woke = true;
			}
		}
		cpu_relax();
	}
	res->checked_in = cpu_checked_in;
}

void cpus_end_election(void)
{
	cpu_arrivals = 0;
	cpu_checked_in = 0;
}
