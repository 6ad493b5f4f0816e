/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"
#include "lib/string.h"

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

static int io_error(const char *path, const char *what)
{
	return fail_msg(path, "%s: %s", what, strerror(errno));
}

/* All of fd into *buf (malloc'ed, *size bytes): a pipe or a device. */
static int read_stream(int fd, const char *path, u8 **buf, u64 *size)
{
	u64 cap = 0;

	*buf = NULL;
	*size = 0;

	for (;;) {
		ssize_t n;

		if (*size == cap) {
			u8 *more = realloc(*buf, cap = cap * 2 + 65536);

			if (!more)
				return io_error(path, "cannot allocate");
			*buf = more;
		}
		n = read(fd, *buf + *size, cap - *size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return io_error(path, "cannot read");
		if (n == 0)
			return 0;
		*size += (u64)n;
	}
}

int file_load(struct cb_file *f, const char *path, bool map)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(f, 0, sizeof(*f));
	f->path = path;
	if (fd < 0)
		return io_error(path, "cannot open");
	if (fstat(fd, &st) < 0) {
		int rc = io_error(path, "cannot stat");

		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode) && !map && !S_ISDIR(st.st_mode)) {
		u8 *buf;
		int rc = read_stream(fd, path, &buf, &f->size);

		close(fd);
		if (rc || !f->size) {
			free(buf);
			f->size = 0;
			return rc;
		}
		f->data = buf;
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return io_error(path, "not a regular file");
	}
	f->size = (u64)st.st_size;
	if (f->size == 0) {
		close(fd);
		return 0;
	}
	if (map) {
		void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (p == MAP_FAILED) {
			int rc = io_error(path, "cannot map");

			close(fd);
			return rc;
		}
		f->data = p;
		f->mapped = true;
	} else {
		u8 *buf = malloc(f->size);
		u64 got = 0;

		if (!buf) {
			close(fd);
			return io_error(path, "cannot allocate");
		}
		while (got < f->size) {
			ssize_t n = read(fd, buf + got, f->size - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int rc = io_error(path, "cannot read");

				free(buf);
				close(fd);
				return rc;
			}
			got += (u64)n;
		}
		f->data = buf;
	}
	close(fd);
	return 0;
}

void file_release(struct cb_file *f)
{
	if (f->data) {
		if (f->mapped)
			munmap((void *)f->data, f->size);
		else
			free((void *)f->data);
	}
	f->data = NULL;
	f->size = 0;
}

int file_size(const char *path, u64 *size)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return io_error(path, "cannot open");
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return io_error(path, "not a regular file");
	}
	*size = (u64)st.st_size;
	return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return io_error(path, "cannot create");
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return io_error(path, "cannot write");
	}
	if (fclose(f) != 0)
		return io_error(path, "cannot write");
	return 0;
}

bool file_is_text(const struct cb_file *f)
{
	return f->size > 0 && !memchr(f->data, 0, f->size);
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

const char *self_dir(void)
{
	static char dir[PATH_MAX];
	static bool done;

	if (!done) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		char *slash;

		done = true;
		if (n <= 0) {
			dir[0] = '\0';
		} else {
			dir[n] = '\0';
			slash = strrchr(dir, '/');
			if (slash)
				*slash = '\0';
			else
				dir[0] = '\0';
		}
	}
	return dir[0] ? dir : NULL;
}

char *find_file(const char *dir, const char *const *rels, size_t n)
{
	if (!dir)
		dir = self_dir();
	if (!dir)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		struct strbuf b = { 0 };
		char *real;
		struct stat st;

		sb_addf(&b, "%s/%s", dir, rels[i]);
		if (stat(b.s, &st) == 0 && S_ISREG(st.st_mode)) {
			real = realpath(b.s, NULL);
			if (real) {
				sb_free(&b);
				return real;
			}
			return b.s;
		}
		sb_free(&b);
	}
	return NULL;
}

char *default_loader(void)
{
	/*
	 * Installed: PREFIX/bin/cellboot finds PREFIX/libexec/cellboot/ (also
	 * in a copied or DESTDIR tree). Build tree: build/cellboot (or
	 * build/asan/cellboot) finds the build's cellboot.bin. Else the
	 * configured libexecdir, wherever the tool was copied to.
	 */
	static const char *const rels[] = {
		"../libexec/cellboot/cellboot.bin",
		"cellboot.bin",
		"../cellboot.bin",
	};
	static const char *const installed[] = { "cellboot.bin" };
	char *p = find_file(NULL, rels, ARRAY_SIZE(rels));

	return p ? p : find_file(CB_LOADER_DIR, installed, 1);
}

bool parse_u64(const char *s, u64 *out)
{
	return cb_parse_u64(s, strlen(s), false, out) == 0;
}
