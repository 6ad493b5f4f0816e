/* SPDX-License-Identifier: MIT */
/*
 * elf_place() on any bytes: the fuzz bytes are the loaded file (a heap
 * copy of exactly that many, so ASan sees a read past it), at a load
 * address taken from its last byte, in a cell of fixed RAM with the
 * loader's five reserved ranges. Whatever it accepts must be what the
 * loader can copy without harm: every segment inside RAM and clear of the
 * reserved ranges, its source inside the file or already in place, no
 * destination over the file unless in place, the entry in a segment.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/elf.h"

static const struct range ram[] = {
	{ 0, 0xa0000, "low" }, { 0x200000, 0x8000000, "ram" },
};

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct vmlinux v;
	/* the file at 0 ... 120 MiB, 2 MiB steps: in place is reachable */
	u64 load = size ? (u64)(data[size - 1] % 64) * 0x200000 : 0;
	struct range res[5] = {
		{ 0, 0x23000, "cellboot" }, { 0x100000, 0x101000, "comm region" },
		{ 0x23000, 0x24000, "cell config" },
		{ 0x7000000, 0x7100000, "initrd" },
		{ load, load + size, "kernel file" },
	};
	struct plan_input in = { .ram = ram, .num_ram = 2, .reserved = res,
				 .num_reserved = 5 };
	struct cb_err err;
	u8 *file;
	bool entry_in = false;

	if (size < sizeof(struct elf64_ehdr))
		return 0;	/* the loader reads a bzImage then */
	file = fuzz_dup(data, size);
	memset(&err, 0, sizeof(err));
	if (elf_place(file, size, load, &in, &v, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "kernel"), "subject '%s'", err.what);
		free(file);
		return 0;
	}
	FUZZ_CHECK(v.num <= ELF_MAX_LOAD, "%u segments", v.num);
	for (u32 i = 0; i < v.num; i++) {
		const struct elf_seg *g = &v.seg[i];
		u64 e = g->dst + g->memsz;
		bool in_place = g->src == g->dst;

		FUZZ_CHECK(e >= g->dst && ranges_contain(ram, 2, g->dst, e),
			   "segment %u outside RAM", i);
		FUZZ_CHECK(g->filesz <= g->memsz, "segment %u sizes", i);
		FUZZ_CHECK(!ranges_first_overlap(res, 4, g->dst, e),
			   "segment %u over a reserved range", i);
		FUZZ_CHECK(in_place || (g->src >= load && g->src - load <= size &&
					g->filesz <= size - (g->src - load)),
			   "segment %u source outside the file", i);
		FUZZ_CHECK(in_place || !range_overlaps(g->dst, e, load, load + size),
			   "segment %u copied over the file", i);
		entry_in |= v.entry - g->dst < g->memsz;
	}
	FUZZ_CHECK(entry_in, "entry 0x%llx in no segment",
		   (unsigned long long)v.entry);
	free(file);
	return 0;
}
