/* SPDX-License-Identifier: MIT */
#include "tools/lib/cellsim.h"
#include "lib/string.h"

/* Intel MultiProcessor Specification 1.4, chapter 4 */
#define MP_SPEC_REV		4
#define MP_LAPIC_ADDR		0xfee00000u
#define MP_IOAPIC_ADDR		0xfec00000u
#define MP_LAPIC_VERSION	0x14	/* what QEMU's local APIC reports */
#define MP_IOAPIC_VERSION	0x20	/* what QEMU's IOAPIC reports */
#define MP_CPU_SIGNATURE	0x600u	/* family 6 */
#define MP_CPU_FEATURES		0x201u	/* FPU, APIC */
#define MP_ISA_IRQS		16

enum mp_entry_type { MP_CPU, MP_BUS, MP_IOAPIC, MP_IOINT, MP_LINT };
enum mp_int_type { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

struct mp_floating {
	char signature[4];		/* "_MP_" */
	u32 table;			/* physical address of the config table */
	u8 length;			/* in 16-byte units */
	u8 spec_rev;
	u8 checksum;
	u8 features[5];
} __attribute__((packed));

struct mp_table_header {
	char signature[4];		/* "PCMP" */
	u16 length;			/* header and entries */
	u8 spec_rev;
	u8 checksum;
	char oem[8];
	char product[12];
	u32 oem_table;
	u16 oem_table_size;
	u16 entries;
	u32 lapic;
	u16 ext_length;
	u8 ext_checksum;
	u8 reserved;
} __attribute__((packed));

struct mp_cpu {
	u8 type, apic_id, apic_version, flags;	/* flags: 1 enabled, 2 BSP */
	u32 signature, features;
	u8 reserved[8];
} __attribute__((packed));

struct mp_bus {
	u8 type, id;
	char name[6];
} __attribute__((packed));

struct mp_ioapic {
	u8 type, id, version, flags;		/* flags: 1 enabled */
	u32 address;
} __attribute__((packed));

struct mp_irq {
	u8 type, irq_type;
	u16 flags;				/* 0: conforms to the bus */
	u8 src_bus, src_irq, dst_id, dst_pin;	/* dst_id 0xff: every LAPIC */
} __attribute__((packed));

_Static_assert(sizeof(struct mp_floating) == 16, "MP floating pointer is 16 bytes");
_Static_assert(sizeof(struct mp_table_header) == 44, "MP table header is 44 bytes");
_Static_assert(sizeof(struct mp_cpu) == 20, "MP processor entry is 20 bytes");
_Static_assert(sizeof(struct mp_bus) == 8, "MP bus entry is 8 bytes");
_Static_assert(sizeof(struct mp_ioapic) == 8, "MP IOAPIC entry is 8 bytes");
_Static_assert(sizeof(struct mp_irq) == 8, "MP interrupt entry is 8 bytes");

/* The byte that makes the n bytes at p sum to 0 when stored in them. */
static u8 checksum(const u8 *p, size_t n)
{
	u8 sum = 0;

	while (n--)
		sum = (u8)(sum + *p++);
	return (u8)-sum;
}

struct writer {
	u8 *p;
	u16 entries;
};

static void put(struct writer *w, const void *entry, size_t len)
{
	cb_memcpy(w->p, entry, len);
	w->p += len;
	w->entries++;
}

static void put_irq(struct writer *w, u8 type, u8 irq_type, u8 src_irq,
		    u8 dst_id, u8 dst_pin)
{
	struct mp_irq e = { type, irq_type, 0, 0, src_irq, dst_id, dst_pin };

	put(w, &e, sizeof(e));
}

/* Writes the floating pointer at rom[0] and the table right after it. */
static void mp_build(u8 *rom, u32 cpus)
{
	struct mp_floating fp = { { '_', 'M', 'P', '_' },
				  CELLSIM_ROM_PHYS + sizeof(fp), 1,
				  MP_SPEC_REV, 0, { 0 } };
	struct mp_table_header h;
	u8 *table = rom + sizeof(fp);
	struct writer w = { table + sizeof(h), 0 };
	u8 ioapic_id = (u8)cpus;

	for (u32 id = 0; id < cpus; id++) {
		struct mp_cpu c = { MP_CPU, (u8)id, MP_LAPIC_VERSION,
				    (u8)(id ? 1 : 3), MP_CPU_SIGNATURE,
				    MP_CPU_FEATURES, { 0 } };

		put(&w, &c, sizeof(c));
	}
	{
		struct mp_bus b = { MP_BUS, 0, { 'I', 'S', 'A', ' ', ' ', ' ' } };
		struct mp_ioapic io = { MP_IOAPIC, ioapic_id, MP_IOAPIC_VERSION,
					1, MP_IOAPIC_ADDR };

		put(&w, &b, sizeof(b));
		put(&w, &io, sizeof(io));
	}
	/* IRQ 2 is the cascade: the timer (IRQ 0) owns pin 2 */
	for (u8 irq = 0; irq < MP_ISA_IRQS; irq++)
		if (irq != 2)
			put_irq(&w, MP_IOINT, MP_INT, irq, ioapic_id,
				irq ? irq : 2);
	put_irq(&w, MP_LINT, MP_EXTINT, 0, 0xff, 0);
	put_irq(&w, MP_LINT, MP_NMI, 0, 0xff, 1);

	cb_memset(&h, 0, sizeof(h));
	cb_memcpy(h.signature, "PCMP", 4);
	h.length = (u16)(w.p - table);
	h.spec_rev = MP_SPEC_REV;
	cb_memcpy(h.oem, "CELLBOOT", 8);
	cb_memcpy(h.product, "QEMU CELL   ", 12);
	h.entries = w.entries;
	h.lapic = MP_LAPIC_ADDR;
	cb_memcpy(table, &h, sizeof(h));
	table[__builtin_offsetof(struct mp_table_header, checksum)] =
		checksum(table, h.length);

	fp.checksum = checksum((const u8 *)&fp, sizeof(fp));
	cb_memcpy(rom, &fp, sizeof(fp));
}

int cellsim_rom_build(u8 *rom, u32 cpus, struct cb_err *err)
{
	/* cli; jmp 0000:0000 */
	static const u8 reset[] = { 0xfa, 0xea, 0x00, 0x00, 0x00, 0x00 };

	if (cpus > CELLSIM_MAX_CPUS)
		return cb_fail(err, "reset ROM", "%u CPUs, the MP table holds at "
			       "most %u (APIC IDs and the IOAPIC id share a byte)",
			       cpus, CELLSIM_MAX_CPUS);
	cb_memset(rom, 0xff, CELLSIM_ROM_SIZE);	/* erased flash */
	cb_memcpy(rom + CELLSIM_RESET_OFFSET, reset, sizeof(reset));
	if (cpus)
		mp_build(rom, cpus);
	return 0;
}

void cellsim_comm_fill(void *page, const struct cell_config *cfg,
		       const struct cellsim_platform *plat)
{
	struct jailhouse_comm_region c;
	u32 flags = cfg->desc->flags;

	cb_memset(page, 0, COMM_REGION_PAGE_SIZE);
	cb_memset(&c, 0, sizeof(c));
	cb_memcpy(c.signature, COMM_REGION_SIGNATURE, COMM_REGION_SIGNATURE_SIZE);
	c.revision = COMM_REGION_ABI_REVISION;
	c.cell_state = JAILHOUSE_CELL_RUNNING;
	if (flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED)
		c.flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED;
	if (flags & JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE)
		c.flags |= JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE;
	cb_memcpy(&c.console, &cfg->desc->console, sizeof(c.console));
	c.pci_mmconfig_base = plat->pci_mmconfig_base;
	c.pm_timer_address = plat->pm_timer_address;
	c.num_cpus = (u16)cellcfg_num_cpus(cfg);
	c.tsc_khz = plat->tsc_khz;
	c.apic_khz = plat->apic_khz;
	cb_memcpy(page, &c, sizeof(c));
}
