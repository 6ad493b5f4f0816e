/* SPDX-License-Identifier: MIT */
/* Thin CPU and device access for the loader. */
#ifndef CELLBOOT_ARCH_X86_IO_H
#define CELLBOOT_ARCH_X86_IO_H

#include "lib/types.h"

#define MSR_IA32_APIC_BASE	0x1b
#define APIC_BASE_EXTD		(1ull << 10)	/* x2APIC mode */
#define APIC_BASE_ADDR_MASK	0xfffff000ull

#ifdef CB_HOST_SEAM
/*
 * The host test build (tests/unit/loader/, docs/boot-testing.md) runs
 * loader/ and arch/x86's C on the host against a fake that records every
 * access and answers with scripted values. The switch is here, in the one
 * header all hardware access goes through, rather than in a second io.h
 * earlier on the include path: the constants above stay written once, and
 * a new accessor cannot be added to one copy and forgotten in the other
 * (the host build fails to link instead). The loader build never defines
 * CB_HOST_SEAM; its code is what follows the #else.
 */
void outb(u16 port, u8 v);
u8 inb(u16 port);
void mmio_write8(u64 addr, u8 v);
u8 mmio_read8(u64 addr);
void mmio_write32(u64 addr, u32 v);
u32 mmio_read32(u64 addr);
u64 rdmsr(u32 msr);
void wrmsr(u32 msr, u64 v);
u64 rdtsc(void);
void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d);
void cpu_relax(void);
void __attribute__((noreturn)) cpu_park(void);
#else
static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void mmio_write8(u64 addr, u8 v)
{
	*(volatile u8 *)(uintptr_t)addr = v;
}

static inline u8 mmio_read8(u64 addr)
{
	return *(volatile u8 *)(uintptr_t)addr;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	*(volatile u32 *)(uintptr_t)addr = v;
}

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)(uintptr_t)addr;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void __attribute__((noreturn)) cpu_park(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
#endif /* CB_HOST_SEAM */

#endif
