/* SPDX-License-Identifier: MIT */
#include "loader/cpus.h"
#include "loader/map.h"
#include "arch/x86/apic.h"
#include "arch/x86/entry.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"

#define WAKE_GRACE_US	2000u		/* Jailhouse starts all CPUs at once */

void cpus_wait(u32 expected, u32 wait_ms, struct cpus_result *res)
{
	u64 start = rdtsc();
	u64 limit = (u64)wait_ms * 1000;

	res->expected = expected;
	res->woke = false;
	for (;;) {
		u64 now = tsc_to_us(rdtsc() - start);

		if (cpu_checked_in >= expected || now >= limit)
			break;
		if (!res->woke && cpu_arrivals == 1 && now >= WAKE_GRACE_US) {
			u64 apic = apic_mmio_base();

			if (!apic || map_mmio(apic, 0x1000, NULL) == 0) {
				apic_wake_others(0);
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
