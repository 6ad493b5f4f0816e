/* SPDX-License-Identifier: MIT */
/*
 * The jobs every cellboot subcommand repeats, one helper each: reading and
 * writing files (files.c), the lines on stderr (msg.c), text buffers
 * (strbuf.c), finding the loader and parsing numbers (util.c).
 */
#ifndef CELLBOOT_TOOLS_UTIL_H
#define CELLBOOT_TOOLS_UTIL_H

#include <stdio.h>

#include "lib/error.h"
#include "lib/types.h"

/* A whole input file: mapped read-only (large files) or read into memory. */
struct cb_file {
	const char *path;
	const u8 *data;		/* NULL for an empty file */
	u64 size;
	bool mapped;
};

/*
 * Every file the tool reads goes through here. Maps (or, when map is false,
 * reads) path; without map, a pipe or a device is read to its end too
 * (`cellboot mkcell <(...)`). Returns 0, or prints "cellboot: error: PATH:
 * cannot open: <reason>" and returns CB_EXIT_FAILED.
 */
int file_load(struct cb_file *f, const char *path, bool map);
void file_release(struct cb_file *f);
/* Size of path without reading it; same error handling as file_load. */
int file_size(const char *path, u64 *size);
int file_write(const char *path, const void *data, size_t len);
/* Text, maybe a cell description: not empty and no NUL byte. */
bool file_is_text(const struct cb_file *f);

/*
 * The tool's one print idiom for stderr: every line is "cellboot: ..."
 * (msg.c vline), printed by one of these.
 */
/* "cellboot: error: <what>: <detail>"; returns CB_EXIT_FAILED. */
int report(const struct cb_err *err);
/* Same line built from a format; returns CB_EXIT_FAILED. */
int fail_msg(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "cellboot: warning: ..." */
void warn_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cellboot: hint: ..." after an error: what the user may have meant. */
void hint_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cellboot: ..." a status line (what a subcommand did or keeps). */
void note_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * "cellboot: error: CMD: <message>" plus "Try 'cellboot CMD --help'." on
 * stderr; returns CB_EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Growing text buffer. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_addf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_add(struct strbuf *b, const char *s);
/* One shell word, quoted only when it needs to be. */
void sb_add_shell_word(struct strbuf *b, const char *word);
/* A JSON string literal, quotes included. */
void sb_add_json_string(struct strbuf *b, const char *s);
void sb_free(struct strbuf *b);

/* Directory of the running executable (from /proc/self/exe), or NULL. */
const char *self_dir(void);
/*
 * The first existing regular file among dir/rel for the given relative
 * paths, as a malloc'ed string; NULL if none. dir NULL: self_dir().
 */
char *find_file(const char *dir, const char *const *rels, size_t n);
/*
 * Where `make install` puts cellboot.bin: $(libexecdir)/cellboot, passed in
 * by the Makefile (tools/cellboot/Makefile.inc); this default matches its
 * default prefix.
 */
#ifndef CB_LOADER_DIR
#define CB_LOADER_DIR "/usr/local/libexec/cellboot"
#endif
/*
 * The loader cellboot.bin the tool uses by default (malloc'ed), or NULL:
 * next to the tool first (../libexec/cellboot/, then the build tree), then
 * CB_LOADER_DIR.
 */
char *default_loader(void);

/* Parses an unsigned number (decimal or 0x hex) from a whole string. */
bool parse_u64(const char *s, u64 *out);

#endif
