/* SPDX-License-Identifier: MIT */
/*
 * Cell description -> binary cell configuration (revision 14).
 *
 * Each record is filled in its packed ABI struct (lib/abi/cell_config.h)
 * and copied to the next offset, so buf needs no alignment.
 */
#include "tools/lib/cellcfg_write.h"
#include "lib/string.h"

#define WHAT "cell config"

u32 cellcfg_cpu_set_size(const struct cell_desc *d)
{
	int hi = celldesc_highest_cpu(d);

	return hi < 0 ? 8 : (u32)(hi / 64 + 1) * 8;
}

size_t cellcfg_write_size(const struct cell_desc *d)
{
	return sizeof(struct jailhouse_cell_desc) + cellcfg_cpu_set_size(d) +
	       (size_t)d->num_mem * sizeof(struct jailhouse_memory) +
	       (size_t)d->num_cache * sizeof(struct jailhouse_cache) +
	       (size_t)d->num_irqchips * sizeof(struct jailhouse_irqchip) +
	       (size_t)d->num_pio * sizeof(struct jailhouse_pio) +
	       (size_t)d->num_pci * sizeof(struct jailhouse_pci_device) +
	       (size_t)d->num_caps * sizeof(struct jailhouse_pci_capability);
}

static void write_header(const struct cell_desc *d, u8 *out)
{
	struct jailhouse_cell_desc h;

	cb_memset(&h, 0, sizeof(h));
	cb_memcpy(h.signature, JAILHOUSE_CELL_DESC_SIGNATURE,
		  JAILHOUSE_SIGNATURE_SIZE);
	h.architecture = JAILHOUSE_ARCH_X86;
	h.revision = JAILHOUSE_CONFIG_REVISION;
	cb_strlcpy(h.name, d->name, sizeof(h.name));
	h.flags = d->flags;
	h.cpu_set_size = cellcfg_cpu_set_size(d);
	h.num_memory_regions = d->num_mem;
	h.num_cache_regions = d->num_cache;
	h.num_irqchips = d->num_irqchips;
	h.num_pio_regions = d->num_pio;
	h.num_pci_devices = d->num_pci;
	h.num_pci_caps = d->num_caps;
	h.cpu_reset_address = d->cpu_reset_address;
	h.msg_reply_timeout = d->msg_reply_timeout;
	h.console = d->console;
	cb_memcpy(out, &h, sizeof(h));
}

int cellcfg_write(const struct cell_desc *d, void *buf, size_t bufsize,
		  size_t *out_len, struct cb_err *err)
{
	u8 *p = buf;
	size_t need;
	u32 set_size;

	if (d->num_mem > CELLDESC_MAX_MEM)
		return cb_fail(err, WHAT, "%u memory regions, limit %u",
			       d->num_mem, CELLDESC_MAX_MEM);
	if (d->num_irqchips > CELLDESC_MAX_IRQCHIPS)
		return cb_fail(err, WHAT, "%u irqchips, limit %u",
			       d->num_irqchips, CELLDESC_MAX_IRQCHIPS);
	if (d->num_pio > CELLDESC_MAX_PIO)
		return cb_fail(err, WHAT, "%u pio regions, limit %u",
			       d->num_pio, CELLDESC_MAX_PIO);
	if (d->num_cache > CELLDESC_MAX_CACHE || d->num_pci > CELLDESC_MAX_PCI ||
	    d->num_caps > CELLDESC_MAX_CAPS)
		return cb_fail(err, WHAT, "%u cache regions, %u pci devices, "
			       "%u pci caps, limits %u %u %u", d->num_cache,
			       d->num_pci, d->num_caps, CELLDESC_MAX_CACHE,
			       CELLDESC_MAX_PCI, CELLDESC_MAX_CAPS);
	need = cellcfg_write_size(d);
	if (bufsize < need)
		return cb_fail(err, WHAT, "buffer of %zu bytes too small, need %zu",
			       bufsize, need);

	write_header(d, p);
	p += sizeof(struct jailhouse_cell_desc);

	/* bitmap of unsigned long (little-endian u64) words */
	set_size = cellcfg_cpu_set_size(d);
	for (u32 i = 0; i < set_size; i++)
		*p++ = (u8)(d->cpus[i / 8] >> (8 * (i % 8)));

	for (u32 i = 0; i < d->num_mem; i++) {
		const struct celldesc_mem *m = &d->mem[i];
		struct jailhouse_memory r = { m->phys, m->virt, m->size, m->flags };

		cb_memcpy(p, &r, sizeof(r));
		p += sizeof(r);
	}
	cb_memcpy(p, d->cache, d->num_cache * sizeof(d->cache[0]));
	p += d->num_cache * sizeof(d->cache[0]);
	for (u32 i = 0; i < d->num_irqchips; i++) {
		const struct celldesc_irqchip *c = &d->irqchips[i];
		struct jailhouse_irqchip r;

		r.address = c->address;
		r.id = c->id;
		r.pin_base = c->pin_base;
		for (unsigned int w = 0; w < 4; w++)
			r.pin_bitmap[w] = c->pin_bitmap[w];
		cb_memcpy(p, &r, sizeof(r));
		p += sizeof(r);
	}
	for (u32 i = 0; i < d->num_pio; i++) {
		struct jailhouse_pio r = { d->pio[i].base, d->pio[i].length };

		cb_memcpy(p, &r, sizeof(r));
		p += sizeof(r);
	}
	cb_memcpy(p, d->pci, d->num_pci * sizeof(d->pci[0]));
	p += d->num_pci * sizeof(d->pci[0]);
	cb_memcpy(p, d->caps, d->num_caps * sizeof(d->caps[0]));
	*out_len = need;
	return 0;
}
