/* SPDX-License-Identifier: MIT */
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "lib/abi/comm_region.h"

static bool use_vmmcall;	/* AMD: VMMCALL, Intel: VMCALL */

void jailhouse_hypercall_init(void)
{
	u32 a, b, c, d;

	cpuid(0, &a, &b, &c, &d);
	/* "AuthenticAMD": ECX "cAMD" tells it apart from the other vendors */
	use_vmmcall = c == 0x444d4163;
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
