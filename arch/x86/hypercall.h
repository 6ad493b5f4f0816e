/* SPDX-License-Identifier: MIT */
/* Jailhouse debug-console hypercall (JAILHOUSE_HC_DEBUG_CONSOLE_PUTC). */
#ifndef CELLBOOT_ARCH_X86_HYPERCALL_H
#define CELLBOOT_ARCH_X86_HYPERCALL_H

/* Detects VMCALL vs VMMCALL once; call before jailhouse_putc. */
void jailhouse_hypercall_init(void);
void jailhouse_putc(char c);

#endif
