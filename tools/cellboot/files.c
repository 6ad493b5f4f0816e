/* SPDX-License-Identifier: MIT */
/* Every file the tool reads or writes (util.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/util.h"

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
