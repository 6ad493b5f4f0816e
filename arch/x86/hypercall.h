/* SPDX-License-Identifier: MIT */
/* Jailhouse debug-console hypercall (JAILHOUSE_HC_DEBUG_CONSOLE_PUTC). */
#ifndef CELLBOOT_ARCH_X86_HYPERCALL_H
#define CELLBOOT_ARCH_X86_HYPERCALL_H

#include "lib/types.h"

/*
 * True when the CPU runs under Jailhouse (CPUID leaf 0x40000000 carries
 * the signature "Jailhouse\0\0\0"); then picks VMCALL or VMMCALL. Without
 * the hypervisor the instruction would raise #UD (as under QEMU), so the
 * hypercall console is only used when this returned true.
 */
bool jailhouse_hypercall_init(void);
void jailhouse_putc(char c);

#endif
