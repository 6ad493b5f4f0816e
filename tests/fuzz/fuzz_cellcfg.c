/* SPDX-License-Identifier: MIT */
/*
 * cellcfg_parse() on arbitrary bytes; after a successful parse every
 * accessor the loader uses (CPU count, comm region, PIO and memory grants,
 * the e820 map into a small table, its RAM ranges, the SETUP_JAILHOUSE
 * payload) runs on the result and must stay inside the buffer.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/jhsetup.h"

#define SMALL_E820 8
#define SMALL_RAM 4

static const u8 elem_size[CELLCFG_NUM_ARRAYS] = {
	1, sizeof(struct jailhouse_memory), sizeof(struct jailhouse_cache),
	sizeof(struct jailhouse_irqchip), sizeof(struct jailhouse_pio),
	sizeof(struct jailhouse_pci_device),
	sizeof(struct jailhouse_pci_capability), sizeof(u32),
};

static void check_layout(const u8 *buf, u64 len, const struct cell_config *cfg)
{
	u64 off = sizeof(struct jailhouse_cell_desc);

	FUZZ_CHECK((const u8 *)cfg->desc == buf, "desc not at the buffer start");
	for (u32 i = 0; i < CELLCFG_NUM_ARRAYS; i++) {
		FUZZ_CHECK((const u8 *)cfg->array[i] == buf + off,
			   "array %u at offset %td, expected %llu", i,
			   (const u8 *)cfg->array[i] - buf,
			   (unsigned long long)off);
		off += (u64)cfg->count[i] * elem_size[i];
	}
	FUZZ_CHECK(cfg->total_size == off && off <= len,
		   "total_size %llu, arrays end at %llu, buffer %llu",
		   (unsigned long long)cfg->total_size,
		   (unsigned long long)off, (unsigned long long)len);
	FUZZ_CHECK(memchr(cfg->name, '\0', sizeof(cfg->name)) != NULL,
		   "name not terminated");
}

static void check_accessors(const struct cell_config *cfg)
{
	const struct jailhouse_memory *comm = cellcfg_comm_region(cfg);
	struct boot_e820_entry ent[SMALL_E820];
	struct e820_table t = { ent, 0, SMALL_E820 };
	struct range ram[SMALL_RAM];
	struct jailhouse_setup_data jh;
	struct jailhouse_comm_region cr;
	u8 ids[4] = { 0, 1, 2, 3 };
	struct cb_err err;
	u32 nram, shown;

	FUZZ_CHECK(cellcfg_num_cpus(cfg) <= 8u * cfg->cpu_set_size,
		   "%u CPUs in %u bytes", cellcfg_num_cpus(cfg),
		   cfg->cpu_set_size);
	if (comm) {
		FUZZ_CHECK(comm >= cfg->mem && comm < cfg->mem + cfg->num_mem,
			   "comm region outside the memory array");
		FUZZ_CHECK(cellcfg_mem_is_comm(comm), "comm region not COMM");
	}

	/* every granted range is granted; the edges of u16 do not wrap */
	for (u32 i = 0; i < cfg->num_pio; i++) {
		u16 b = cfg->pio[i].base, l = cfg->pio[i].length;

		if ((u32)b + l <= 0xffff)
			FUZZ_CHECK(cellcfg_pio_granted(cfg, b, l),
				   "pio region %u 0x%x+0x%x not granted", i, b, l);
	}
	(void)cellcfg_pio_granted(cfg, 0x3f8, 8);
	(void)cellcfg_pio_granted(cfg, 0xffff, 0xffff);
	(void)cellcfg_pio_granted(cfg, 0, 0);

	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		FUZZ_CHECK(cellcfg_mem_granted(cfg, m->virt_start, m->size,
					       m->flags),
			   "memory region %u does not grant itself", i);
		/* size 0: a placeholder, accepted; nothing else wraps */
		FUZZ_CHECK(!m->size || m->virt_start + m->size > m->virt_start,
			   "memory region %u wraps", i);
		FUZZ_CHECK(m->size || (!cellcfg_mem_is_ram(m) &&
				       !cellcfg_mem_is_comm(m)),
			   "placeholder %u counts as RAM or comm", i);
		(void)cellcfg_mem_granted(cfg, m->virt_start + m->size - 1, 2,
					  0);
		(void)cellcfg_mem_granted(cfg, m->virt_start, UINT64_MAX, 0);
		(void)cellcfg_mem_is_ram(m);
	}
	(void)cellcfg_mem_granted(cfg, UINT64_MAX, 1, 0);

	memset(&err, 0, sizeof(err));
	if (e820_from_cell(&t, cfg, &err)) {
		fuzz_check_err(&err);
	} else {
		FUZZ_CHECK(t.count <= t.max, "%u entries in %u", t.count, t.max);
		for (u32 i = 1; i < t.count; i++)
			FUZZ_CHECK(ent[i - 1].addr + ent[i - 1].size <= ent[i].addr,
				   "e820 entries %u and %u unsorted or overlap",
				   i - 1, i);
		/* how many there are; only the first SMALL_RAM are written */
		nram = e820_ram_ranges(&t, ram, SMALL_RAM);
		shown = nram < SMALL_RAM ? nram : SMALL_RAM;
		for (u32 i = 0; i < shown; i++) {
			FUZZ_CHECK(ram[i].start < ram[i].end, "empty RAM range");
			FUZZ_CHECK(!i || ram[i - 1].end < ram[i].start,
				   "RAM ranges %u, %u not sorted and merged",
				   i - 1, i);
		}
		for (u32 i = 0; nram <= SMALL_RAM && i < t.count; i++)
			FUZZ_CHECK(ent[i].type != E820_TYPE_RAM ||
				   ranges_contain(ram, nram, ent[i].addr,
						  ent[i].addr + ent[i].size),
				   "RAM entry %u outside the %u ranges", i, nram);
	}

	memset(&cr, 0, sizeof(cr));
	jh_setup_fill(&jh, &cr, cfg, ids, sizeof(ids));
	FUZZ_CHECK(jh.num_cpus == sizeof(ids) && jh.flags < 16,
		   "jh num_cpus %u flags 0x%x", jh.num_cpus, jh.flags);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *buf = fuzz_dup(data, size);
	struct cell_config cfg;
	struct cb_err err;

	memset(&err, 0, sizeof(err));
	if (cellcfg_parse(buf, size, &cfg, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "cell config"), "subject '%s'",
			   err.what);
	} else {
		check_layout(buf, size, &cfg);
		check_accessors(&cfg);
	}
	free(buf);
	return 0;
}
