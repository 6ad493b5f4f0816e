/* SPDX-License-Identifier: MIT */
/*
 * One error report shape for the loader and the host tool:
 *   cellboot: error: <what>: <detail>
 * Parsers fill a struct cb_err and return -1; the caller decides where the
 * line goes (serial console in the cell, stderr on the host).
 */
#ifndef CELLBOOT_LIB_ERROR_H
#define CELLBOOT_LIB_ERROR_H

#include "lib/types.h"

#define CB_ERR_DETAIL_MAX 192

struct cb_err {
	const char *what;		/* short subject: "params", "kernel", ... */
	char detail[CB_ERR_DETAIL_MAX];	/* names the value and the limit */
};

/* Fills err (if non-NULL) and returns -1, so callers can `return cb_fail(...)`. */
int cb_fail(struct cb_err *err, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
