/* SPDX-License-Identifier: MIT */
#include "arch/x86/apic.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"

#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define MSR_X2APIC_ICR		0x830
#define ICR_DELIVERY_INIT	0x00000500u
#define ICR_DELIVERY_STARTUP	0x00000600u
#define ICR_LEVEL_ASSERT	0x00004000u
#define ICR_PENDING		0x00001000u
#define ICR_ALL_BUT_SELF	0x000c0000u

u64 apic_mmio_base(void)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE);

	return (base & APIC_BASE_EXTD) ? 0 : base & APIC_BASE_ADDR_MASK;
}

static void send_ipi(u64 mmio, u32 icr)
{
	if (!mmio) {
		wrmsr(MSR_X2APIC_ICR, icr);
		return;
	}
	mmio_write32(mmio + APIC_ICR_HIGH, 0);
	mmio_write32(mmio + APIC_ICR_LOW, icr);
	for (unsigned int i = 0; i < 100000; i++)
		if (!(mmio_read32(mmio + APIC_ICR_LOW) & ICR_PENDING))
			break;
}

void apic_wake_others(u8 vector)
{
	u64 mmio = apic_mmio_base();

	send_ipi(mmio, ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_DELIVERY_INIT);
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		send_ipi(mmio, ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT |
			 ICR_DELIVERY_STARTUP | vector);
		delay_us(200);
	}
}
