/* SPDX-License-Identifier: MIT */
/*
 * celldesc_parse() (tools/lib/celldesc.c, the cell description text that
 * `cellboot mkcell` reads) on arbitrary bytes: the text in a buffer of
 * exactly its size, no NUL. A failure is a usable error naming the
 * description; a success must write (cellcfg_write) a binary config that
 * the loader's own parser accepts with the same name, CPUs and counts, the
 * same bytes as the size cellcfg_write_size() promised.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/cellcfg.h"
#include "tools/lib/cellcfg_write.h"
#include "tools/lib/celldesc.h"

static struct cell_desc desc;	/* about 20 KiB: not on the stack */

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *text = fuzz_dup(data, size);
	struct cell_config cfg;
	struct cb_err err;
	size_t len, out = 0;
	u8 *bin;

	memset(&err, 0, sizeof(err));
	if (celldesc_parse(text, size, &desc, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "cell description"), "subject '%s'",
			   err.what);
		free(text);
		return 0;
	}
	FUZZ_CHECK(memchr(desc.name, '\0', sizeof(desc.name)), "name unterminated");
	FUZZ_CHECK(desc.num_mem <= CELLDESC_MAX_MEM &&
		   desc.num_irqchips <= CELLDESC_MAX_IRQCHIPS &&
		   desc.num_pio <= CELLDESC_MAX_PIO &&
		   desc.num_cache <= CELLDESC_MAX_CACHE &&
		   desc.num_pci <= CELLDESC_MAX_PCI &&
		   desc.num_caps <= CELLDESC_MAX_CAPS, "counts past the limits");
	len = cellcfg_write_size(&desc);
	bin = malloc(len ? len : 1);
	if (!bin)
		abort();
	memset(&err, 0, sizeof(err));
	if (cellcfg_write(&desc, bin, len, &out, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "cell config"), "subject '%s'",
			   err.what);
	} else {
		FUZZ_CHECK(out == len, "wrote %zu bytes, promised %zu", out, len);
		memset(&err, 0, sizeof(err));
		FUZZ_CHECK(!cellcfg_parse(bin, out, &cfg, &err),
			   "the loader refuses what mkcell wrote: %s: %s",
			   err.what, err.detail);
		FUZZ_CHECK(!strcmp(cfg.name, desc.name), "name '%s' != '%s'",
			   cfg.name, desc.name);
		FUZZ_CHECK(cellcfg_num_cpus(&cfg) == celldesc_num_cpus(&desc),
			   "%u CPUs written, %u described", cellcfg_num_cpus(&cfg),
			   celldesc_num_cpus(&desc));
		FUZZ_CHECK(cfg.num_mem == desc.num_mem &&
			   cfg.num_irqchips == desc.num_irqchips &&
			   cfg.num_pio == desc.num_pio &&
			   cfg.num_cache == desc.num_cache &&
			   cfg.num_pci_devices == desc.num_pci &&
			   cfg.num_pci_caps == desc.num_caps,
			   "counts changed on the way to the binary");
	}
	free(bin);
	free(text);
	return 0;
}
