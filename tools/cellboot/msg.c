/* SPDX-License-Identifier: MIT */
/* Every line the tool prints on stderr (util.h): one idiom, one function. */
#include <stdarg.h>
#include <stdio.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"

/* Every line the tool prints on stderr: "cellboot: [KIND: ][WHAT: ]TEXT". */
static void vline(const char *kind, const char *what, const char *fmt,
		  va_list ap)
{
	fputs("cellboot: ", stderr);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	if (what)
		fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int report(const struct cb_err *err)
{
	return fail_msg(err->what ? err->what : "internal", "%s", err->detail);
}

int fail_msg(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("error", what, fmt, ap);
	va_end(ap);
	return CB_EXIT_FAILED;
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("warning", NULL, fmt, ap);
	va_end(ap);
}

void hint_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("hint", NULL, fmt, ap);
	va_end(ap);
}

void note_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(NULL, NULL, fmt, ap);
	va_end(ap);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("error", cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'cellboot %s --help'.\n", cmd);
	return CB_EXIT_USAGE;
}
