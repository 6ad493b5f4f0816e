/* SPDX-License-Identifier: MIT */
/* The growing text buffer and its quoting for shell and JSON (util.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"

static void sb_reserve(struct strbuf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	b->cap = (b->len + more + 1) * 2;
	b->s = realloc(b->s, b->cap);
	if (!b->s) {
		note_msg("error: out of memory");
		exit(CB_EXIT_FAILED);
	}
}

void sb_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_add(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_reserve(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void sb_addc(struct strbuf *b, char c)
{
	sb_reserve(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_add_shell_word(struct strbuf *b, const char *w)
{
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_@%+=:,./-", *p))
			plain = false;
	if (plain) {
		sb_add(b, w);
		return;
	}
	/* single quotes keep everything; a quote itself is '\'' */
	sb_addc(b, '\'');
	for (const char *p = w; *p; p++) {
		if (*p == '\'')
			sb_add(b, "'\\''");
		else
			sb_addc(b, *p);
	}
	sb_addc(b, '\'');
}

void sb_add_json_string(struct strbuf *b, const char *s)
{
	sb_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_addf(b, "\\u%04x", *p);
		} else {
			sb_addc(b, (char)*p);	/* UTF-8 passes through */
		}
	}
	sb_addc(b, '"');
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
