/* SPDX-License-Identifier: MIT */
/* Fixed-width types for code built both freestanding and for the host. */
#ifndef CELLBOOT_LIB_TYPES_H
#define CELLBOOT_LIB_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
