/* SPDX-License-Identifier: MIT */
/* arch/x86/handoff.asm: the jump into the kernel. */
#ifndef CELLBOOT_ARCH_X86_HANDOFF_H
#define CELLBOOT_ARCH_X86_HANDOFF_H

#include "lib/types.h"

/*
 * Linux's 64-bit boot protocol: loads the data selectors (CB_SEL_DATA),
 * interrupts off, %rsi = boot_params, then jumps to entry. Does not return.
 */
void handoff_jump(u64 entry, u64 boot_params) __attribute__((noreturn));

#endif
