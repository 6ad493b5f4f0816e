/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "tools/cellboot/celltext.h"
#include "tools/lib/cellcfg_write.h"

void *celltext_to_config(const struct cb_file *f, struct cell_desc *d,
			 size_t *len, struct cb_err *err)
{
	size_t size;
	void *bin;

	if (celldesc_parse((const char *)f->data, f->size, d, err))
		return NULL;
	size = cellcfg_write_size(d);
	bin = malloc(size);
	if (!bin) {
		cb_fail(err, "cell config", "out of memory");
		return NULL;
	}
	if (cellcfg_write(d, bin, size, len, err)) {
		free(bin);
		return NULL;
	}
	return bin;
}
