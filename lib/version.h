/* SPDX-License-Identifier: MIT */
#ifndef CELLBOOT_LIB_VERSION_H
#define CELLBOOT_LIB_VERSION_H
#define CELLBOOT_VERSION "0.1"
#endif
