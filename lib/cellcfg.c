/* SPDX-License-Identifier: MIT */
#include "lib/cellcfg.h"
#include "lib/string.h"

#define WHAT "cell config"

struct u32_unaligned {
	u32 v;
} __attribute__((packed));

/*
 * The descriptor, then the arrays after it, in file order: element sizes
 * and names (the arrays' counts are consecutive u32s in the descriptor).
 */
static const u8 elem_size[1 + CELLCFG_NUM_ARRAYS] = {
	sizeof(struct jailhouse_cell_desc),
	1, sizeof(struct jailhouse_memory), sizeof(struct jailhouse_cache),
	sizeof(struct jailhouse_irqchip), sizeof(struct jailhouse_pio),
	sizeof(struct jailhouse_pci_device),
	sizeof(struct jailhouse_pci_capability), sizeof(u32),
};
#define PART_NAMES "descriptor\0cpu-set bytes\0memory regions\0" \
	"cache regions\0irqchips\0pio regions\0pci devices\0pci caps\0" \
	"stream ids\0"

int cellcfg_parse(const void *buf, u64 len, struct cell_config *cfg,
		  struct cb_err *err)
{
	const u8 *base = buf;
	const struct jailhouse_cell_desc *d = buf;
	const struct u32_unaligned *counts = (const void *)(base +
		__builtin_offsetof(struct jailhouse_cell_desc, cpu_set_size));
	u64 off = 0;

	cb_memset(cfg, 0, sizeof(*cfg));
	for (u32 i = 0; i <= CELLCFG_NUM_ARRAYS; i++) {
		u32 n = i ? counts[i - 1].v : 1;
		u64 bytes = (u64)n * elem_size[i];

		if (bytes > len - off)
			return cb_fail(err, WHAT, "%u %s at %#lx pass its %#lx "
				       "bytes", n, cb_word(PART_NAMES, '\0', i, NULL),
				       off, len);
		if (i) {
			cfg->array[i - 1] = base + off;
			cfg->count[i - 1] = n;
		} else if (cb_memcmp(d->signature, JAILHOUSE_CELL_DESC_SIGNATURE,
				     JAILHOUSE_SIGNATURE_SIZE) ||
			   d->revision != JAILHOUSE_CONFIG_REVISION ||
			   d->architecture != JAILHOUSE_ARCH_X86) {
			return cb_fail(err, WHAT, "\"%*pE\" revision %u arch %u, "
				       "want JHCLL %u x86 (0)",
				       JAILHOUSE_SIGNATURE_SIZE, d->signature,
				       d->revision, d->architecture,
				       JAILHOUSE_CONFIG_REVISION);
		}
		off += bytes;
	}
	cfg->desc = d;
	cfg->total_size = off;
	cb_memcpy(cfg->name, d->name, JAILHOUSE_CELL_NAME_MAXLEN);

	/* the hypervisor's limits: cell_init() and its temporary mapping */
	if (cfg->cpu_set_size > CELLCFG_MAX_CPU_SET || off > CELLCFG_MAX_SIZE)
		return cb_fail(err, WHAT, "cpu set %#x, config %#lx bytes; "
			       "Jailhouse takes up to %#x and %#x",
			       cfg->cpu_set_size, off, CELLCFG_MAX_CPU_SET,
			       CELLCFG_MAX_SIZE);
	/* size 0: a placeholder that maps nothing (ivshmem index filler) */
	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];
		bool wraps = m->virt_start + m->size < m->virt_start;

		if (wraps || ((cellcfg_mem_is_ram(m) || cellcfg_mem_is_comm(m)) &&
			      ((m->virt_start | m->size) & 0xfff)))
			return cb_fail(err, WHAT, "region %u: %#lx+%#lx %s", i,
				       m->virt_start, m->size, wraps ? "wraps" :
				       "is RAM/comm but not page-aligned");
	}
	for (u32 i = 0; i < cfg->num_pci_devices; i++) {
		const struct jailhouse_pci_device *p = &cfg->pci_devices[i];
		u64 end = (u64)p->shmem_regions_start + 2 + p->shmem_peers;

		if (p->type == JAILHOUSE_PCI_TYPE_IVSHMEM &&
		    (end > cfg->num_mem || p->shmem_dev_id >= IVSHMEM_MAX_PEERS))
			return cb_fail(err, WHAT, "pci device %u: ivshmem regions "
				       "%u-%lu id %u, want < %u regions, id < %u",
				       i, p->shmem_regions_start, end - 1,
				       p->shmem_dev_id, cfg->num_mem,
				       IVSHMEM_MAX_PEERS);
	}
	return 0;
}

bool cellcfg_mem_is_ram(const struct jailhouse_memory *m)
{
	return m->size && (m->flags & JAILHOUSE_MEM_RAM_CLASS_MASK) == JAILHOUSE_MEM_RAM_CLASS;
}

bool cellcfg_mem_is_comm(const struct jailhouse_memory *m)
{
	return m->size && (m->flags & JAILHOUSE_MEM_COMM_REGION);
}

unsigned int cellcfg_num_cpus(const struct cell_config *cfg)
{
	unsigned int n = 0;

	for (u32 i = 0; i < cfg->cpu_set_size; i++)
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

bool cellcfg_uart_granted(const struct cell_config *cfg,
			  enum console_kind kind, u64 addr)
{
	const u64 rw = JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE;
	u64 len = kind == CONSOLE_MMIO32 ? 32 : 8;

	if (kind == CONSOLE_IO)
		return addr <= 0x10000 - len &&
		       cellcfg_pio_granted(cfg, (u16)addr, (u16)len);
	if (kind != CONSOLE_MMIO8 && kind != CONSOLE_MMIO32)
		return false;
	for (u32 i = 0; i < cfg->num_mem; i++) {
		const struct jailhouse_memory *m = &cfg->mem[i];

		if ((m->flags & (rw | JAILHOUSE_MEM_IO)) ==
		    (rw | JAILHOUSE_MEM_IO) && !cellcfg_mem_is_ram(m) &&
		    !(m->flags & (JAILHOUSE_MEM_COMM_REGION |
				  JAILHOUSE_MEM_ROOTSHARED)) &&
		    addr >= m->virt_start && len <= m->size &&
		    addr - m->virt_start <= m->size - len)
			return true;
	}
	return false;
}

enum console_kind cellcfg_console_kind(const struct jailhouse_console *c)
{
	if (c->type != JAILHOUSE_CON_TYPE_8250)
		return CONSOLE_NONE;
	if (!(c->flags & JAILHOUSE_CON_ACCESS_MMIO))
		return CONSOLE_IO;
	return c->flags & JAILHOUSE_CON_REGDIST_4 ? CONSOLE_MMIO32 :
						     CONSOLE_MMIO8;
}
