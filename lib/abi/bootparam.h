/* SPDX-License-Identifier: MIT */
/*
 * Linux x86 boot protocol structures, described once.
 *
 * Layouts follow the kernel's uapi bootparam.h (protocol 2.15). Every field
 * cellboot reads or writes has its offset asserted below, so a mistake fails
 * the build on both the loader and the host side.
 */
#ifndef CELLBOOT_ABI_BOOTPARAM_H
#define CELLBOOT_ABI_BOOTPARAM_H

#include "lib/types.h"
#include "lib/abi/offset.h"

#define BP_BOOT_FLAG_MAGIC	0xAA55
#define BP_HDRS_MAGIC		0x53726448u	/* "HdrS" */
#define BP_SETUP_HDR_OFFSET	0x1F1
#define BP_SECTOR_SIZE		512
#define BP_DEFAULT_SETUP_SECTS	4	/* setup_sects == 0 means 4 */
#define BP_ENTRY64_OFFSET	0x200	/* startup_64 = protected-mode start + 0x200 */
#define BP_LOADER_TYPE_UNDEFINED 0xFF

/* loadflags */
#define LOADED_HIGH		(1u << 0)
#define KASLR_FLAG		(1u << 1)
#define QUIET_FLAG		(1u << 5)
#define KEEP_SEGMENTS		(1u << 6)
#define CAN_USE_HEAP		(1u << 7)

/* xloadflags */
#define XLF_KERNEL_64			(1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G	(1u << 1)
#define XLF_EFI_HANDOVER_32		(1u << 2)
#define XLF_EFI_HANDOVER_64		(1u << 3)
#define XLF_EFI_KEXEC			(1u << 4)
#define XLF_5LEVEL			(1u << 5)
#define XLF_5LEVEL_ENABLED		(1u << 6)

/* setup_data types */
#define SETUP_NONE		0
#define SETUP_E820_EXT		1
#define SETUP_DTB		2
#define SETUP_JAILHOUSE		6

/* e820 types */
#define E820_TYPE_RAM		1
#define E820_TYPE_RESERVED	2

#define E820_MAX_ENTRIES_ZEROPAGE 128

struct setup_header {
	u8  setup_sects;		/* 0x1f1 */
	u16 root_flags;			/* 0x1f2 */
	u32 syssize;			/* 0x1f4 */
	u16 ram_size;			/* 0x1f8 */
	u16 vid_mode;			/* 0x1fa */
	u16 root_dev;			/* 0x1fc */
	u16 boot_flag;			/* 0x1fe */
	u16 jump;			/* 0x200 */
	u32 header;			/* 0x202 */
	u16 version;			/* 0x206 */
	u32 realmode_swtch;		/* 0x208 */
	u16 start_sys_seg;		/* 0x20c */
	u16 kernel_version;		/* 0x20e */
	u8  type_of_loader;		/* 0x210 */
	u8  loadflags;			/* 0x211 */
	u16 setup_move_size;		/* 0x212 */
	u32 code32_start;		/* 0x214 */
	u32 ramdisk_image;		/* 0x218 */
	u32 ramdisk_size;		/* 0x21c */
	u32 bootsect_kludge;		/* 0x220 */
	u16 heap_end_ptr;		/* 0x224 */
	u8  ext_loader_ver;		/* 0x226 */
	u8  ext_loader_type;		/* 0x227 */
	u32 cmd_line_ptr;		/* 0x228 */
	u32 initrd_addr_max;		/* 0x22c */
	u32 kernel_alignment;		/* 0x230 */
	u8  relocatable_kernel;		/* 0x234 */
	u8  min_alignment;		/* 0x235 */
	u16 xloadflags;			/* 0x236 */
	u32 cmdline_size;		/* 0x238 */
	u32 hardware_subarch;		/* 0x23c */
	u64 hardware_subarch_data;	/* 0x240 */
	u32 payload_offset;		/* 0x248 */
	u32 payload_length;		/* 0x24c */
	u64 setup_data;			/* 0x250 */
	u64 pref_address;		/* 0x258 */
	u32 init_size;			/* 0x260 */
	u32 handover_offset;		/* 0x264 */
	u32 kernel_info_offset;		/* 0x268 */
} __attribute__((packed));

struct boot_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __attribute__((packed));

struct boot_params {
	u8  screen_info[0x40];		/* 0x000 */
	u8  apm_bios_info[0x14];	/* 0x040 */
	u8  _pad2[4];			/* 0x054 */
	u64 tboot_addr;			/* 0x058 */
	u8  ist_info[0x10];		/* 0x060 */
	u64 acpi_rsdp_addr;		/* 0x070 */
	u8  _pad3[8];			/* 0x078 */
	u8  hd0_info[16];		/* 0x080 */
	u8  hd1_info[16];		/* 0x090 */
	u8  sys_desc_table[0x10];	/* 0x0a0 */
	u8  olpc_ofw_header[0x10];	/* 0x0b0 */
	u32 ext_ramdisk_image;		/* 0x0c0 */
	u32 ext_ramdisk_size;		/* 0x0c4 */
	u32 ext_cmd_line_ptr;		/* 0x0c8 */
	u8  _pad4[112];			/* 0x0cc */
	u32 cc_blob_address;		/* 0x13c */
	u8  edid_info[0x80];		/* 0x140 */
	u8  efi_info[0x20];		/* 0x1c0 */
	u32 alt_mem_k;			/* 0x1e0 */
	u32 scratch;			/* 0x1e4 */
	u8  e820_entries;		/* 0x1e8 */
	u8  eddbuf_entries;		/* 0x1e9 */
	u8  edd_mbr_sig_buf_entries;	/* 0x1ea */
	u8  kbd_status;			/* 0x1eb */
	u8  secure_boot;		/* 0x1ec */
	u8  _pad5[2];			/* 0x1ed */
	u8  sentinel;			/* 0x1ef */
	u8  _pad6[1];			/* 0x1f0 */
	struct setup_header hdr;	/* 0x1f1 */
	u8  _pad7[0x290 - 0x1f1 - sizeof(struct setup_header)];
	u32 edd_mbr_sig_buffer[16];	/* 0x290 */
	struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE]; /* 0x2d0 */
	u8  _pad8[48];			/* 0xcd0 */
	u8  eddbuf[6 * 82];		/* 0xd00 */
	u8  _pad9[276];			/* 0xeec */
} __attribute__((packed));

struct setup_data {
	u64 next;
	u32 type;
	u32 len;
	u8  data[];
} __attribute__((packed));

/* SETUP_JAILHOUSE payload, version 2 (compatible with version 1). */
#define JAILHOUSE_SETUP_VERSION		2
#define JAILHOUSE_SETUP_COMPATIBLE	1
#define JAILHOUSE_SETUP_MAX_CPUS	255
#define JAILHOUSE_SETUP_V1_LEN		280
#define JAILHOUSE_SETUP_V2_LEN		284

struct jailhouse_setup_data {
	u16 version;			/* 0x000 */
	u16 compatible_version;		/* 0x002 */
	u16 pm_timer_address;		/* 0x004 */
	u16 num_cpus;			/* 0x006 */
	u64 pci_mmconfig_base;		/* 0x008 */
	u32 tsc_khz;			/* 0x010 */
	u32 apic_khz;			/* 0x014 */
	u8  standard_ioapic;		/* 0x018 */
	u8  cpu_ids[JAILHOUSE_SETUP_MAX_CPUS]; /* 0x019 */
	u32 flags;			/* 0x118: bit n = legacy UART n usable */
} __attribute__((packed));


ABI_OFFSET(setup_header, setup_sects, 0x1f1 - 0x1f1);
ABI_OFFSET(setup_header, boot_flag, 0x1fe - 0x1f1);
ABI_OFFSET(setup_header, jump, 0x200 - 0x1f1);
ABI_OFFSET(setup_header, header, 0x202 - 0x1f1);
ABI_OFFSET(setup_header, version, 0x206 - 0x1f1);
ABI_OFFSET(setup_header, kernel_version, 0x20e - 0x1f1);
ABI_OFFSET(setup_header, type_of_loader, 0x210 - 0x1f1);
ABI_OFFSET(setup_header, loadflags, 0x211 - 0x1f1);
ABI_OFFSET(setup_header, code32_start, 0x214 - 0x1f1);
ABI_OFFSET(setup_header, ramdisk_image, 0x218 - 0x1f1);
ABI_OFFSET(setup_header, ramdisk_size, 0x21c - 0x1f1);
ABI_OFFSET(setup_header, heap_end_ptr, 0x224 - 0x1f1);
ABI_OFFSET(setup_header, cmd_line_ptr, 0x228 - 0x1f1);
ABI_OFFSET(setup_header, initrd_addr_max, 0x22c - 0x1f1);
ABI_OFFSET(setup_header, kernel_alignment, 0x230 - 0x1f1);
ABI_OFFSET(setup_header, relocatable_kernel, 0x234 - 0x1f1);
ABI_OFFSET(setup_header, min_alignment, 0x235 - 0x1f1);
ABI_OFFSET(setup_header, xloadflags, 0x236 - 0x1f1);
ABI_OFFSET(setup_header, cmdline_size, 0x238 - 0x1f1);
ABI_OFFSET(setup_header, payload_offset, 0x248 - 0x1f1);
ABI_OFFSET(setup_header, setup_data, 0x250 - 0x1f1);
ABI_OFFSET(setup_header, pref_address, 0x258 - 0x1f1);
ABI_OFFSET(setup_header, init_size, 0x260 - 0x1f1);
ABI_OFFSET(setup_header, kernel_info_offset, 0x268 - 0x1f1);
_Static_assert(sizeof(struct setup_header) == 123, "setup_header is 123 bytes");

ABI_OFFSET(boot_params, acpi_rsdp_addr, 0x070);
ABI_OFFSET(boot_params, ext_ramdisk_image, 0x0c0);
ABI_OFFSET(boot_params, ext_ramdisk_size, 0x0c4);
ABI_OFFSET(boot_params, ext_cmd_line_ptr, 0x0c8);
ABI_OFFSET(boot_params, cc_blob_address, 0x13c);
ABI_OFFSET(boot_params, efi_info, 0x1c0);
ABI_OFFSET(boot_params, alt_mem_k, 0x1e0);
ABI_OFFSET(boot_params, e820_entries, 0x1e8);
ABI_OFFSET(boot_params, sentinel, 0x1ef);
ABI_OFFSET(boot_params, hdr, 0x1f1);
ABI_OFFSET(boot_params, edd_mbr_sig_buffer, 0x290);
ABI_OFFSET(boot_params, e820_table, 0x2d0);
ABI_OFFSET(boot_params, eddbuf, 0xd00);
_Static_assert(sizeof(struct boot_params) == 4096, "boot_params is one page");
_Static_assert(sizeof(struct boot_e820_entry) == 20, "e820 entry is 20 bytes");
_Static_assert(sizeof(struct setup_data) == 16, "setup_data header is 16 bytes");

ABI_OFFSET(jailhouse_setup_data, pm_timer_address, 0x004);
ABI_OFFSET(jailhouse_setup_data, num_cpus, 0x006);
ABI_OFFSET(jailhouse_setup_data, pci_mmconfig_base, 0x008);
ABI_OFFSET(jailhouse_setup_data, tsc_khz, 0x010);
ABI_OFFSET(jailhouse_setup_data, apic_khz, 0x014);
ABI_OFFSET(jailhouse_setup_data, standard_ioapic, 0x018);
ABI_OFFSET(jailhouse_setup_data, cpu_ids, 0x019);
ABI_OFFSET(jailhouse_setup_data, flags, 0x118);
_Static_assert(sizeof(struct jailhouse_setup_data) == JAILHOUSE_SETUP_V2_LEN,
	       "jailhouse_setup_data v2 is 284 bytes");

#endif
