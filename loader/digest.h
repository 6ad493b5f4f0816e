/* SPDX-License-Identifier: MIT */
/*
 * The params' crc=KCRC[,ICRC]: the CRC-32 of the kernel file and the initrd
 * where the root loaded them, checked before anything is read from them.
 */
#ifndef CELLBOOT_LOADER_DIGEST_H
#define CELLBOOT_LOADER_DIGEST_H

#include "loader/state.h"

/* Returns if there is no crc= or every CRC matches; else fail()s. */
void check_digests(const struct loader_state *s);

#endif
