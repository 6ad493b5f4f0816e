/* SPDX-License-Identifier: MIT */
#include "lib/error.h"
#include "lib/fmt.h"

int cb_fail(struct cb_err *err, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->what = what;
	va_start(ap, fmt);
	cb_vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return -1;
}
