/* SPDX-License-Identifier: MIT */
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "lib/abi/comm_region.h"

static bool use_vmmcall;	/* AMD: VMMCALL, Intel: VMCALL */

#define CPUID_HYPERVISOR_LEAF	0x40000000
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)

bool jailhouse_hypercall_init(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_HYPERVISOR))
		return false;
	cpuid(CPUID_HYPERVISOR_LEAF, &a, &b, &c, &d);
	/* "Jail" "hous" "e\0\0\0", as Linux's Jailhouse-guest code checks */
	if (b != 0x6c69614a || c != 0x73756f68 || d != 0x65)
		return false;
	cpuid(0, &a, &b, &c, &d);
	/* "AuthenticAMD": ECX "cAMD" tells it apart from the other vendors */
	use_vmmcall = c == 0x444d4163;
	return true;
}

void jailhouse_putc(char c)
{
	unsigned long code = JAILHOUSE_HC_DEBUG_CONSOLE_PUTC;

	if (use_vmmcall)
		__asm__ volatile("vmmcall" : "+a"(code) : "D"((unsigned long)(u8)c)
				 : "memory");
	else
		__asm__ volatile("vmcall" : "+a"(code) : "D"((unsigned long)(u8)c)
				 : "memory");
}
