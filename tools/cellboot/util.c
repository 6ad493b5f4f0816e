/* SPDX-License-Identifier: MIT */
/* Where the tool finds its loader, and number parsing (util.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cellboot/util.h"
#include "lib/string.h"

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
