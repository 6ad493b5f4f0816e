/* SPDX-License-Identifier: MIT */
/* The files of `cellboot qemu`'s runs (qemu_files.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/cellboot/celltext.h"
#include "tools/cellboot/qemu_files.h"

char *wd_path(struct workdir *w, const char *name)
{
	struct strbuf b = { 0 };

	sb_addf(&b, "%s/%s", w->dir, name);
	if (w->num_files < QF_MAX_FILES)
		w->files[w->num_files++] = strdup(b.s);
	return b.s;
}

int wd_open(struct workdir *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	if (dir) {
		w->keep = true;
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return fail_msg(dir, "cannot create: %s", strerror(errno));
		w->dir = strdup(dir);
		return 0;
	}
	{
		const char *tmp = getenv("TMPDIR");
		struct strbuf b = { 0 };

		sb_addf(&b, "%s/cellboot-qemu.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(b.s)) {
			int rc = fail_msg(b.s, "cannot create: %s",
					  strerror(errno));

			sb_free(&b);
			return rc;
		}
		w->dir = b.s;
		w->created = true;
	}
	return 0;
}

void wd_close(struct workdir *w)
{
	for (unsigned int i = 0; i < w->num_files; i++) {
		if (!w->keep)
			unlink(w->files[i]);
		free(w->files[i]);
	}
	if (!w->keep && w->created)
		rmdir(w->dir);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}

/*
 * A text cell description becomes a binary config in the workdir; *cell
 * then points to *owned, which the caller frees.
 */
int binary_cell(const char **cell, char **owned, struct workdir *w)
{
	static struct cell_desc desc;
	struct cb_file f;
	struct cb_err err;
	size_t out;
	void *bin;
	char *path;
	int rc = file_load(&f, *cell, false);

	if (rc)
		return rc;
	if ((f.size >= JAILHOUSE_SIGNATURE_SIZE &&
	     !memcmp(f.data, JAILHOUSE_CELL_DESC_SIGNATURE,
		     JAILHOUSE_SIGNATURE_SIZE)) || !file_is_text(&f)) {
		file_release(&f);
		return 0;	/* binary: the cell config parser judges it */
	}
	bin = celltext_to_config(&f, &desc, &out, &err);
	file_release(&f);
	if (!bin)
		return report(&err);
	path = wd_path(w, "cell.cell");
	rc = file_write(path, bin, out);
	free(bin);
	*cell = *owned = path;
	return rc;
}

/*
 * The binary config with a CPU set of n CPUs: the cell's own CPUs first,
 * then the next numbers above its highest (what a bigger cell of the same
 * root would get); written to path.
 */
int cell_with_cpus(const char *cell, unsigned int n, const char *path)
{
	struct cell_config cfg;
	struct cb_file f;
	struct cb_err err;
	u8 *copy, *set;
	unsigned int have = 0, bit, top = 0;
	int rc = file_load(&f, cell, false);

	if (rc)
		return rc;
	if (cellcfg_parse(f.data, f.size, &cfg, &err)) {
		file_release(&f);
		return report(&err);
	}
	if (n > cfg.cpu_set_size * 8) {
		file_release(&f);
		return fail_msg("--cpus", "%u CPUs, the cell's CPU set holds %u "
				"(%u bytes)", n, cfg.cpu_set_size * 8,
				cfg.cpu_set_size);
	}
	copy = malloc(f.size);
	if (!copy) {
		file_release(&f);
		return fail_msg("--cpus", "out of memory");
	}
	memcpy(copy, f.data, f.size);
	set = copy + (cfg.cpu_set - f.data);
	for (bit = 0; bit < cfg.cpu_set_size * 8; bit++) {
		if (!(set[bit / 8] & (1u << (bit % 8))))
			continue;
		top = bit + 1;
		if (have < n)
			have++;
		else
			set[bit / 8] &= (u8)~(1u << (bit % 8));
	}
	for (bit = top; have < n; bit++, have++) {
		if (bit >= cfg.cpu_set_size * 8)	/* wrap below the cell's */
			bit = 0;
		if (set[bit / 8] & (1u << (bit % 8))) {
			have--;
			continue;
		}
		set[bit / 8] |= (u8)(1u << (bit % 8));
	}
	rc = file_write(path, copy, f.size);
	free(copy);
	file_release(&f);
	return rc;
}

/* cellboot.bin with the params string where jailhouse would write it. */
int write_loader(const struct boot_plan *p, const char *path)
{
	size_t end = CB_PARAMS_ADDR + p->params_len + 1;
	size_t size = p->loader_file.size > end ? p->loader_file.size : end;
	u8 *img = calloc(1, size);
	int rc;

	if (!img)
		return fail_msg("loader", "out of memory");
	memcpy(img, p->loader_file.data, p->loader_file.size);
	memcpy(img + CB_PARAMS_ADDR, p->params, p->params_len + 1);
	rc = file_write(path, img, size);
	free(img);
	return rc;
}
