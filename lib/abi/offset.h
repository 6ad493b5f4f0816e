/* SPDX-License-Identifier: MIT */
/*
 * ABI_OFFSET(type, field, off): the build fails unless struct type's field
 * lies at byte offset off. Every ABI header in lib/abi/ states each field's
 * offset this way, next to the struct.
 */
#ifndef CELLBOOT_LIB_ABI_OFFSET_H
#define CELLBOOT_LIB_ABI_OFFSET_H

#define ABI_OFFSET(type, field, off) \
	_Static_assert(__builtin_offsetof(struct type, field) == (off), \
		       #type "." #field " must be at " #off)

#endif
