/* SPDX-License-Identifier: MIT */
/*
 * Jailhouse binary cell configuration, revision 14 ("JHCLL"), x86 view.
 *
 * The layout is the one the jailhouse driver and hypervisor read; arrays
 * follow the descriptor in the order cpu set, memory regions, cache
 * regions, irqchips, PIO regions, PCI devices, PCI capabilities, stream ids.
 */
#ifndef CELLBOOT_ABI_CELL_CONFIG_H
#define CELLBOOT_ABI_CELL_CONFIG_H

#include "lib/types.h"
#include "lib/abi/offset.h"

#define JAILHOUSE_CELL_DESC_SIGNATURE	"JHCLL"
#define JAILHOUSE_SIGNATURE_SIZE	5
#define JAILHOUSE_CONFIG_REVISION	14
#define JAILHOUSE_CELL_NAME_MAXLEN	31
#define JAILHOUSE_ARCH_X86		0

/* cell flags */
#define JAILHOUSE_CELL_PASSIVE_COMMREG		0x00000001u
#define JAILHOUSE_CELL_TEST_DEVICE		0x00000002u
#define JAILHOUSE_CELL_AARCH32			0x00000004u
#define JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED 0x40000000u
#define JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE	0x80000000u

/* memory region flags */
#define JAILHOUSE_MEM_READ		0x0001u
#define JAILHOUSE_MEM_WRITE		0x0002u
#define JAILHOUSE_MEM_EXECUTE		0x0004u
#define JAILHOUSE_MEM_DMA		0x0008u
#define JAILHOUSE_MEM_IO		0x0010u
#define JAILHOUSE_MEM_COMM_REGION	0x0020u
#define JAILHOUSE_MEM_LOADABLE		0x0040u
#define JAILHOUSE_MEM_ROOTSHARED	0x0080u
#define JAILHOUSE_MEM_NO_HUGEPAGES	0x0100u
#define JAILHOUSE_MEM_IO_UNALIGNED	0x8000u
#define JAILHOUSE_MEM_IO_8		0x10000u
#define JAILHOUSE_MEM_IO_16		0x20000u
#define JAILHOUSE_MEM_IO_32		0x40000u
#define JAILHOUSE_MEM_IO_64		0x80000u

/* pyjailhouse's is_ram(): exactly these among the classifying flags */
#define JAILHOUSE_MEM_RAM_CLASS_MASK \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_EXECUTE | \
	 JAILHOUSE_MEM_DMA | JAILHOUSE_MEM_IO | JAILHOUSE_MEM_COMM_REGION | \
	 JAILHOUSE_MEM_ROOTSHARED)
#define JAILHOUSE_MEM_RAM_CLASS \
	(JAILHOUSE_MEM_READ | JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_EXECUTE | \
	 JAILHOUSE_MEM_DMA)

/* console types and flags */
#define JAILHOUSE_CON_TYPE_NONE		0x0000
#define JAILHOUSE_CON_TYPE_8250		0x0002
#define JAILHOUSE_CON_ACCESS_MMIO	0x0001
#define JAILHOUSE_CON_REGDIST_4		0x0002
#define JAILHOUSE_CON_MDR_QUIRK		0x2000

#define JAILHOUSE_IOAPIC_STANDARD_ADDR	0xFEC00000ull

/* cache region types and flags */
#define JAILHOUSE_CACHE_L3_CODE		0x01
#define JAILHOUSE_CACHE_L3_DATA		0x02
#define JAILHOUSE_CACHE_L3		0x03
#define JAILHOUSE_CACHE_ROOTSHARED	0x0001

/* PCI device types, ivshmem protocols, capability flags */
#define JAILHOUSE_PCI_TYPE_DEVICE	0x01
#define JAILHOUSE_PCI_TYPE_BRIDGE	0x02
#define JAILHOUSE_PCI_TYPE_IVSHMEM	0x03
#define JAILHOUSE_SHMEM_PROTO_UNDEFINED	0x0000
#define JAILHOUSE_SHMEM_PROTO_VETH	0x0001
#define JAILHOUSE_SHMEM_PROTO_CUSTOM	0x4000	/* 0x4000..0x7fff */
#define JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT 0x8000 /* + virtio device id */
#define JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK 0xc000
#define JAILHOUSE_PCI_MSI_64BITS	0x01	/* msi_flags bits */
#define JAILHOUSE_PCI_MSI_MASKABLE	0x02
#define JAILHOUSE_PCI_EXT_CAP		0x8000	/* in jailhouse_pci_capability.id */
#define JAILHOUSE_PCICAPS_WRITE		0x0001

/* hypervisor limits (hypervisor/ivshmem.c, control.c, x86 paging.h) */
#define IVSHMEM_MAX_PEERS		12
#define CELLCFG_MAX_CPU_SET		0x1000	/* one page */
#define CELLCFG_MAX_SIZE		0x10000	/* NUM_TEMPORARY_PAGES = 16 */

/* the system (root cell) config's signature, for telling it apart */
#define JAILHOUSE_SYSTEM_SIGNATURE	"JHSYS"

struct jailhouse_console {
	u64 address;		/* 0x00 */
	u32 size;		/* 0x08 */
	u16 type;		/* 0x0c */
	u16 flags;		/* 0x0e */
	u32 divider;		/* 0x10 */
	u32 gate_nr;		/* 0x14 */
	u64 clock_reg;		/* 0x18 */
} __attribute__((packed));

struct jailhouse_cell_desc {
	char signature[JAILHOUSE_SIGNATURE_SIZE]; /* 0x00 */
	u8  architecture;	/* 0x05 */
	u16 revision;		/* 0x06 */
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1]; /* 0x08 */
	u32 id;			/* 0x28 */
	u32 flags;		/* 0x2c */
	u32 cpu_set_size;	/* 0x30 */
	u32 num_memory_regions;	/* 0x34 */
	u32 num_cache_regions;	/* 0x38 */
	u32 num_irqchips;	/* 0x3c */
	u32 num_pio_regions;	/* 0x40 */
	u32 num_pci_devices;	/* 0x44 */
	u32 num_pci_caps;	/* 0x48 */
	u32 num_stream_ids;	/* 0x4c */
	u32 vpci_irq_base;	/* 0x50 */
	u64 cpu_reset_address;	/* 0x54 */
	u64 msg_reply_timeout;	/* 0x5c */
	struct jailhouse_console console; /* 0x64 */
} __attribute__((packed));

struct jailhouse_memory {
	u64 phys_start;
	u64 virt_start;
	u64 size;
	u64 flags;
} __attribute__((packed));

struct jailhouse_cache {
	u32 start;
	u32 size;
	u8  type;
	u8  padding;
	u16 flags;
} __attribute__((packed));

struct jailhouse_irqchip {
	u64 address;
	u32 id;
	u32 pin_base;
	u32 pin_bitmap[4];
} __attribute__((packed));

struct jailhouse_pio {
	u16 base;
	u16 length;
} __attribute__((packed));

struct jailhouse_pci_device {
	u8  type;			/* 0x00 */
	u8  iommu;			/* 0x01 */
	u16 domain;			/* 0x02 */
	u16 bdf;			/* 0x04 */
	u32 bar_mask[6];		/* 0x06 */
	u16 caps_start;			/* 0x1e */
	u16 num_caps;			/* 0x20 */
	u8  num_msi_vectors;		/* 0x22 */
	u8  msi_flags;			/* 0x23: bit0 64-bit, bit1 maskable */
	u16 num_msix_vectors;		/* 0x24 */
	u16 msix_region_size;		/* 0x26 */
	u64 msix_address;		/* 0x28 */
	u32 shmem_regions_start;	/* 0x30 */
	u8  shmem_dev_id;		/* 0x34 */
	u8  shmem_peers;		/* 0x35 */
	u16 shmem_protocol;		/* 0x36 */
} __attribute__((packed));

struct jailhouse_pci_capability {
	u16 id;
	u16 start;
	u16 len;
	u16 flags;
} __attribute__((packed));


ABI_OFFSET(jailhouse_cell_desc, architecture, 0x05);
ABI_OFFSET(jailhouse_cell_desc, revision, 0x06);
ABI_OFFSET(jailhouse_cell_desc, name, 0x08);
ABI_OFFSET(jailhouse_cell_desc, id, 0x28);
ABI_OFFSET(jailhouse_cell_desc, flags, 0x2c);
ABI_OFFSET(jailhouse_cell_desc, cpu_set_size, 0x30);
ABI_OFFSET(jailhouse_cell_desc, num_memory_regions, 0x34);
ABI_OFFSET(jailhouse_cell_desc, num_cache_regions, 0x38);
ABI_OFFSET(jailhouse_cell_desc, num_irqchips, 0x3c);
ABI_OFFSET(jailhouse_cell_desc, num_pio_regions, 0x40);
ABI_OFFSET(jailhouse_cell_desc, num_pci_devices, 0x44);
ABI_OFFSET(jailhouse_cell_desc, num_pci_caps, 0x48);
ABI_OFFSET(jailhouse_cell_desc, num_stream_ids, 0x4c);
ABI_OFFSET(jailhouse_cell_desc, vpci_irq_base, 0x50);
ABI_OFFSET(jailhouse_cell_desc, cpu_reset_address, 0x54);
ABI_OFFSET(jailhouse_cell_desc, msg_reply_timeout, 0x5c);
ABI_OFFSET(jailhouse_cell_desc, console, 0x64);
_Static_assert(sizeof(struct jailhouse_cell_desc) == 132, "cell desc is 132 bytes");
ABI_OFFSET(jailhouse_console, type, 0x0c);
ABI_OFFSET(jailhouse_console, flags, 0x0e);
ABI_OFFSET(jailhouse_console, divider, 0x10);
ABI_OFFSET(jailhouse_console, clock_reg, 0x18);
_Static_assert(sizeof(struct jailhouse_console) == 32, "console is 32 bytes");
ABI_OFFSET(jailhouse_memory, size, 0x10);
ABI_OFFSET(jailhouse_memory, flags, 0x18);
_Static_assert(sizeof(struct jailhouse_memory) == 32, "memory region is 32 bytes");
_Static_assert(sizeof(struct jailhouse_cache) == 12, "cache region is 12 bytes");
ABI_OFFSET(jailhouse_irqchip, pin_base, 0x0c);
ABI_OFFSET(jailhouse_irqchip, pin_bitmap, 0x10);
_Static_assert(sizeof(struct jailhouse_irqchip) == 32, "irqchip is 32 bytes");
_Static_assert(sizeof(struct jailhouse_pio) == 4, "pio region is 4 bytes");
ABI_OFFSET(jailhouse_pci_device, caps_start, 0x1e);
ABI_OFFSET(jailhouse_pci_device, num_msix_vectors, 0x24);
ABI_OFFSET(jailhouse_pci_device, msix_address, 0x28);
ABI_OFFSET(jailhouse_pci_device, shmem_regions_start, 0x30);
ABI_OFFSET(jailhouse_pci_device, shmem_protocol, 0x36);
_Static_assert(sizeof(struct jailhouse_pci_device) == 56, "pci device is 56 bytes");
_Static_assert(sizeof(struct jailhouse_pci_capability) == 8, "pci cap is 8 bytes");

#endif
