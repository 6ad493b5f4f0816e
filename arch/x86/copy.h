/* SPDX-License-Identifier: MIT */
#ifndef CELLBOOT_ARCH_X86_COPY_H
#define CELLBOOT_ARCH_X86_COPY_H

#include "lib/types.h"

/* Overlap-safe bulk move at memory speed (rep movsq either direction). */
void move_bytes(u64 dst, u64 src, u64 n);

#endif
