/*
 * mkcpio: write a deterministic "newc" (SVR4, no CRC) cpio archive for a
 * Linux initramfs without needing root.
 *
 *   mkcpio OUT.cpio ENTRY...
 *
 * ENTRY is one of
 *   file:/path/in/archive:HOSTPATH:MODE    regular file with HOSTPATH's bytes
 *   dir:/path:MODE                         directory
 *   nod:/path:MODE:c:MAJOR:MINOR           character device (b for block)
 * MODE is the octal permission part (e.g. 0755).  HOSTPATH may contain ':'
 * (the mode is taken after the last one).
 *
 * Every entry gets uid 0, gid 0, mtime 0 and an inode number in entry order,
 * so the output depends only on the arguments and the file contents.  A
 * parent directory must be listed before anything inside it (the kernel
 * unpacks in order); paths may not repeat.  Names are stored without the
 * leading '/', as the kernel and GNU cpio expect.
 *
 * newc layout: "070701", 13 fields of 8 hex digits (ino, mode, uid, gid,
 * nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize incl. NUL, check = 0), the name and NUL padded so that header +
 * name ends on a 4-byte boundary, then the data padded to 4 bytes.  The
 * archive ends with an entry named "TRAILER!!!" and is padded to 512 bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ENTRIES 4096

static const char *prog = "mkcpio";
static FILE *out;
static const char *out_path;
static unsigned long long out_off;
static char *seen[MAX_ENTRIES];
static int seen_dir[MAX_ENTRIES];
static size_t nseen;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out) {
		fclose(out);
		remove(out_path);
	}
	exit(1);
}

static void put(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, out) != n)
		die("%s: write: %s", out_path, strerror(errno));
	out_off += n;
}

static void pad(unsigned align)
{
	static const char zeros[512];

	while (out_off % align)
		put(zeros, align - out_off % align < sizeof(zeros) ?
			   align - out_off % align : sizeof(zeros));
}

static void header(uint32_t ino, uint32_t mode, uint32_t nlink,
		   uint32_t filesize, uint32_t rmajor, uint32_t rminor,
		   const char *name)
{
	char h[6 + 13 * 8 + 1];
	size_t namesize = strlen(name) + 1;

	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, nlink, 0u, filesize, 0u, 0u, rmajor,
		 rminor, (uint32_t)namesize, 0u);
	put(h, 6 + 13 * 8);
	put(name, namesize);
	pad(4);
}

static unsigned long parse_num(const char *s, int base, const char *what,
			       unsigned long max, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, base);
	if (!*s || *end || errno || v > max)
		die("bad %s '%s' in '%s'", what, s, arg);
	return v;
}

/* Validate an archive path and return it without the leading '/'. */
static const char *check_path(char *path, const char *arg)
{
	const char *name;
	char *slash;
	size_t i;

	if (path[0] != '/' || !path[1])
		die("archive path must be absolute and not '/': '%s'", arg);
	name = path + 1;
	if (strstr(path, "//") || path[strlen(path) - 1] == '/' ||
	    strstr(path, "/./") || strstr(path, "/../") ||
	    !strcmp(name, ".") || !strcmp(name, "..") ||
	    (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")) ||
	    (strlen(path) >= 2 && !strcmp(path + strlen(path) - 2, "/.")))
		die("archive path not normalized: '%s'", arg);
	if (!strcmp(name, "TRAILER!!!"))
		die("reserved name: '%s'", arg);
	for (i = 0; i < nseen; i++)
		if (!strcmp(seen[i], name))
			die("duplicate archive path: '%s'", arg);
	slash = strrchr(path, '/');
	if (slash != path) {
		int found = 0;

		*slash = 0;
		for (i = 0; i < nseen; i++)
			if (seen_dir[i] && !strcmp(seen[i], name))
				found = 1;
		if (!found)
			die("parent directory '%s' of '%s' not listed before it",
			    path, arg);
		*slash = '/';
	}
	if (nseen == MAX_ENTRIES)
		die("too many entries");
	return name;
}

static void remember(const char *name, int is_dir)
{
	seen[nseen] = strdup(name);
	if (!seen[nseen])
		die("out of memory");
	seen_dir[nseen++] = is_dir;
}

static void add_file(uint32_t ino, const char *name, const char *host,
		     uint32_t perm)
{
	static char buf[65536];
	unsigned long long total = 0;
	struct stat st;
	FILE *in;
	size_t n;

	in = fopen(host, "rb");
	if (!in)
		die("%s: %s", host, strerror(errno));
	if (fstat(fileno(in), &st))
		die("%s: %s", host, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", host);
	if ((unsigned long long)st.st_size > 0xFFFFFFFFull)
		die("%s: too large for newc", host);
	header(ino, S_IFREG | perm, 1, (uint32_t)st.st_size, 0, 0, name);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		total += n;
		if (total > (unsigned long long)st.st_size)
			die("%s: file grew while reading", host);
		put(buf, n);
	}
	if (ferror(in))
		die("%s: read: %s", host, strerror(errno));
	if (total != (unsigned long long)st.st_size)
		die("%s: file shrank while reading", host);
	fclose(in);
	pad(4);
}

static void add_entry(uint32_t ino, const char *arg)
{
	char *copy = strdup(arg), *kind, *rest, *path, *last;
	const char *name;

	if (!copy)
		die("out of memory");
	kind = copy;
	rest = strchr(copy, ':');
	if (!rest)
		die("bad entry '%s'", arg);
	*rest++ = 0;
	path = rest;

	if (!strcmp(kind, "file")) {
		char *host;
		uint32_t perm;

		host = strchr(path, ':');
		last = strrchr(path, ':');
		if (!host || host == last)
			die("expected file:/path:HOSTPATH:MODE, got '%s'", arg);
		*host++ = 0;
		*last++ = 0;
		if (!*host)
			die("empty host path in '%s'", arg);
		perm = (uint32_t)parse_num(last, 8, "mode", 07777, arg);
		name = check_path(path, arg);
		add_file(ino, name, host, perm);
		remember(name, 0);
	} else if (!strcmp(kind, "dir")) {
		uint32_t perm;

		last = strchr(path, ':');
		if (!last || strchr(last + 1, ':'))
			die("expected dir:/path:MODE, got '%s'", arg);
		*last++ = 0;
		perm = (uint32_t)parse_num(last, 8, "mode", 07777, arg);
		name = check_path(path, arg);
		header(ino, S_IFDIR | perm, 2, 0, 0, 0, name);
		remember(name, 1);
	} else if (!strcmp(kind, "nod")) {
		char *f[5], *p = path;
		uint32_t perm, type, major, minor;
		int i;

		/* path : mode : c|b : major : minor */
		for (i = 0; i < 5; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (i < 4) {
				if (!p)
					die("expected nod:/path:MODE:c:MAJOR:MINOR, got '%s'", arg);
				*p++ = 0;
			} else if (p) {
				die("expected nod:/path:MODE:c:MAJOR:MINOR, got '%s'", arg);
			}
		}
		perm = (uint32_t)parse_num(f[1], 8, "mode", 07777, arg);
		if (!strcmp(f[2], "c"))
			type = S_IFCHR;
		else if (!strcmp(f[2], "b"))
			type = S_IFBLK;
		else
			die("device type must be c or b in '%s'", arg);
		major = (uint32_t)parse_num(f[3], 10, "major", 0xFFF, arg);
		minor = (uint32_t)parse_num(f[4], 10, "minor", 0xFFFFF, arg);
		name = check_path(f[0], arg);
		header(ino, type | perm, 1, 0, major, minor, name);
		remember(name, 0);
	} else {
		die("unknown entry kind '%s' in '%s'", kind, arg);
	}
	free(copy);
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr,
			"usage: %s OUT.cpio ENTRY...\n"
			"  file:/path:HOSTPATH:MODE | dir:/path:MODE |"
			" nod:/path:MODE:c|b:MAJOR:MINOR\n", prog);
		return 2;
	}
	out_path = argv[1];
	out = fopen(out_path, "wb");
	if (!out)
		die("%s: %s", out_path, strerror(errno));
	for (i = 2; i < argc; i++)
		add_entry((uint32_t)(i - 1), argv[i]);
	header(0, 0, 1, 0, 0, 0, "TRAILER!!!");
	pad(512);
	if (fclose(out)) {
		out = NULL;
		remove(out_path);
		fprintf(stderr, "%s: %s: %s\n", prog, out_path, strerror(errno));
		return 1;
	}
	return 0;
}
