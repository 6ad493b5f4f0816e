/* SPDX-License-Identifier: MIT */
#include "lib/cellcfg.h"
#include "lib/string.h"

/* Adds count * elem bytes to *off, failing if the array leaves the buffer. */
static int take_array(u64 *off, u64 len, u32 count, u64 elem, const char *name,
		      struct cb_err *err)
{
	u64 bytes = (u64)count * elem;

	if (bytes > len - *off)
		return cb_fail(err, "cell config",
			       "truncated: %u %s (%llu bytes) at offset 0x%llx "
			       "end past the %llu-byte file",
			       count, name, (unsigned long long)bytes,
			       (unsigned long long)*off, (unsigned long long)len);
	*off += bytes;
	return 0;
}

int cellcfg_parse(const void *buf, u64 len, struct cell_config *cfg,
		  struct cb_err *err)
{
	const u8 *base = buf;
	const struct jailhouse_cell_desc *d = buf;
	u64 off = sizeof(*d);

	cb_memset(cfg, 0, sizeof(*cfg));
	if (len < sizeof(*d))
		return cb_fail(err, "cell config",
			       "truncated: %llu bytes, the descriptor alone is %zu",
			       (unsigned long long)len, sizeof(*d));
	if (cb_memcmp(d->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
		      JAILHOUSE_SIGNATURE_SIZE))
		return cb_fail(err, "cell config",
			       "bad signature \"%.5s\", expected \"JHCLL\"",
			       d->signature[0] >= ' ' && d->signature[0] < 0x7f ?
			       d->signature : "?");
	if (d->revision != JAILHOUSE_CONFIG_REVISION)
		return cb_fail(err, "cell config",
			       "revision %u, cellboot reads revision %u",
			       d->revision, JAILHOUSE_CONFIG_REVISION);
	if (d->architecture != JAILHOUSE_ARCH_X86)
		return cb_fail(err, "cell config",
			       "architecture %u is not x86 (0)", d->architecture);

	cfg->desc = d;
	cfg->cpu_set = base + off;
	if (take_array(&off, len, d->cpu_set_size, 1, "cpu-set bytes", err))
		return -1;
	cfg->mem = (const void *)(base + off);
	if (take_array(&off, len, d->num_memory_regions,
		       sizeof(struct jailhouse_memory), "memory regions", err))
		return -1;
	cfg->cache = (const void *)(base + off);
	if (take_array(&off, len, d->num_cache_regions,
		       sizeof(struct jailhouse_cache), "cache regions", err))
		return -1;
	cfg->irqchips = (const void *)(base + off);
	if (take_array(&off, len, d->num_irqchips,
		       sizeof(struct jailhouse_irqchip), "irqchips", err))
		return -1;
	cfg->pio = (const void *)(base + off);
	if (take_array(&off, len, d->num_pio_regions,
		       sizeof(struct jailhouse_pio), "pio regions", err))
		return -1;
	cfg->pci_devices = (const void *)(base + off);
	if (take_array(&off, len, d->num_pci_devices,
		       sizeof(struct jailhouse_pci_device), "pci devices", err))
		return -1;
	cfg->pci_caps = (const void *)(base + off);
	if (take_array(&off, len, d->num_pci_caps,
		       sizeof(struct jailhouse_pci_capability), "pci caps", err))
		return -1;
	cfg->stream_ids = (const void *)(base + off);
	if (take_array(&off, len, d->num_stream_ids, sizeof(u32), "stream ids",
		       err))
		return -1;

	cfg->total_size = off;
	cfg->num_mem = d->num_memory_regions;
	cfg->num_cache = d->num_cache_regions;
	cfg->num_irqchips = d->num_irqchips;
	cfg->num_pio = d->num_pio_regions;
	cfg->num_pci_devices = d->num_pci_devices;
	cfg->num_pci_caps = d->num_pci_caps;
	cfg->num_stream_ids = d->num_stream_ids;
	cb_memcpy(cfg->name, d->name, JAILHOUSE_CELL_NAME_MAXLEN);
	cfg->name[JAILHOUSE_CELL_NAME_MAXLEN] = '\0';

	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		if (m->size == 0 || m->virt_start + m->size < m->virt_start)
			return cb_fail(err, "cell config",
				       "memory region %u: virt 0x%llx size 0x%llx "
				       "is empty or wraps past 2^64", i,
				       (unsigned long long)m->virt_start,
				       (unsigned long long)m->size);
	}
	return 0;
}

bool cellcfg_mem_is_ram(const struct jailhouse_memory *m)
{
	return (m->flags & JAILHOUSE_MEM_RAM_CLASS_MASK) == JAILHOUSE_MEM_RAM_CLASS;
}

bool cellcfg_mem_is_comm(const struct jailhouse_memory *m)
{
	return (m->flags & JAILHOUSE_MEM_COMM_REGION) != 0;
}

unsigned int cellcfg_num_cpus(const struct cell_config *cfg)
{
	unsigned int n = 0;

	for (u32 i = 0; i < cfg->desc->cpu_set_size; i++)
		for (u8 b = cfg->cpu_set[i]; b; b &= (u8)(b - 1))
			n++;
	return n;
}

const struct jailhouse_memory *cellcfg_comm_region(const struct cell_config *cfg)
{
	for (u32 i = 0; i < cfg->num_mem; i++)
		if (cellcfg_mem_is_comm(&cfg->mem[i]))
			return &cfg->mem[i];
	return NULL;
}

bool cellcfg_pio_granted(const struct cell_config *cfg, u16 base, u16 len)
{
	u32 end = (u32)base + len;

	for (u32 i = 0; i < cfg->num_pio; i++) {
		u32 s = cfg->pio[i].base, e = s + cfg->pio[i].length;

		if (base >= s && end <= e)
			return true;
	}
	return false;
}

bool cellcfg_mem_granted(const struct cell_config *cfg, u64 addr, u64 len,
			 u64 flags)
{
	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		if ((m->flags & flags) == flags && addr >= m->virt_start &&
		    len <= m->size && addr - m->virt_start <= m->size - len)
			return true;
	}
	return false;
}
