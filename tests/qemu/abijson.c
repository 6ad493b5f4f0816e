/* SPDX-License-Identifier: MIT */
/*
 * abijson: print, as JSON, the numbers the Python tests need from the C
 * headers, evaluated by the C compiler: every CB_* constant of
 * lib/layout.h, the offset and size of each field of the ABI structs of
 * lib/abi/ and the flags and magic values next to them. The build writes
 * the output to build/gen/abi.json (tests/qemu/Makefile.inc); the tests
 * read it through tests/qemu/abi.py, so C and Python cannot disagree.
 *
 * Built with -include build/gen/layout-names.h, an X(CB_...) line for each
 * constant lib/layout.h defines (the Makefile rule lists them with
 * `cc -E -dM`), so a new constant needs no edit here.
 */
#include <stddef.h>
#include <stdio.h>

#include "lib/layout.h"
#include "lib/abi/bootparam.h"
#include "lib/abi/cell_config.h"
#include "lib/abi/comm_region.h"
#include "lib/abi/elf.h"

static const char *sep;

static void open_obj(const char *name)
{
	printf("%s\n  \"%s\": {", sep, name);
	sep = "";
}

static void close_obj(void)
{
	printf("\n  }");
	sep = ",";
}

static void num(const char *name, unsigned long long v)
{
	printf("%s\n    \"%s\": %llu", sep, name, v);
	sep = ",";
}

static void str(const char *name, const char *v)
{
	printf("%s\n    \"%s\": \"%s\"", sep, name, v);
	sep = ",";
}

static void field(const char *name, size_t off, size_t size)
{
	printf("%s\n    \"%s\": [%zu, %zu]", sep, name, off, size);
	sep = ",";
}

#define SIZEOF_FIELD(s, f) sizeof(((struct s *)0)->f)
/* a field of struct s at its offset in s; F2 names it differently */
#define F(s, f) field(#f, offsetof(struct s, f), SIZEOF_FIELD(s, f))
#define F2(name, s, f) field(name, offsetof(struct s, f), SIZEOF_FIELD(s, f))
#define N(c) num(#c, (c))

static void layout(void)
{
	open_obj("layout");
#define X(c) num(#c, (c));
#include "layout-names.h"
#undef X
	close_obj();
}

/* boot_params with the setup_header fields flattened in: their offsets
 * are the same in boot_params and in the first page of a bzImage */
static void boot_params(void)
{
	open_obj("boot_params");
	num("sizeof", sizeof(struct boot_params));
	F(boot_params, screen_info);
	F(boot_params, acpi_rsdp_addr);
	F(boot_params, ext_ramdisk_image);
	F(boot_params, ext_ramdisk_size);
	F(boot_params, ext_cmd_line_ptr);
	F(boot_params, cc_blob_address);
	F(boot_params, efi_info);
	F(boot_params, alt_mem_k);
	F(boot_params, e820_entries);
	F(boot_params, sentinel);
	F(boot_params, hdr);
	F(boot_params, edd_mbr_sig_buffer);
	F(boot_params, e820_table);
	F(boot_params, eddbuf);
#define H(f) F2(#f, boot_params, hdr.f)
	H(setup_sects); H(root_flags); H(syssize); H(ram_size); H(vid_mode);
	H(root_dev); H(boot_flag); H(jump); H(header); H(version);
	H(realmode_swtch); H(start_sys_seg); H(kernel_version);
	H(type_of_loader); H(loadflags); H(setup_move_size); H(code32_start);
	H(ramdisk_image); H(ramdisk_size); H(bootsect_kludge); H(heap_end_ptr);
	H(ext_loader_ver); H(ext_loader_type); H(cmd_line_ptr);
	H(initrd_addr_max); H(kernel_alignment); H(relocatable_kernel);
	H(min_alignment); H(xloadflags); H(cmdline_size); H(hardware_subarch);
	H(hardware_subarch_data); H(payload_offset); H(payload_length);
	H(setup_data); H(pref_address); H(init_size); H(handover_offset);
	H(kernel_info_offset);
#undef H
	close_obj();

	open_obj("boot_e820_entry");
	num("sizeof", sizeof(struct boot_e820_entry));
	F(boot_e820_entry, addr);
	F(boot_e820_entry, size);
	F(boot_e820_entry, type);
	close_obj();

	open_obj("setup_data");
	num("sizeof", sizeof(struct setup_data));
	F(setup_data, next);
	F(setup_data, type);
	F(setup_data, len);
	field("data", offsetof(struct setup_data, data), 0);	/* flexible */
	close_obj();

	open_obj("jailhouse_setup_data");
	num("sizeof", sizeof(struct jailhouse_setup_data));
	F(jailhouse_setup_data, version);
	F(jailhouse_setup_data, compatible_version);
	F(jailhouse_setup_data, pm_timer_address);
	F(jailhouse_setup_data, num_cpus);
	F(jailhouse_setup_data, pci_mmconfig_base);
	F(jailhouse_setup_data, tsc_khz);
	F(jailhouse_setup_data, apic_khz);
	F(jailhouse_setup_data, standard_ioapic);
	F(jailhouse_setup_data, cpu_ids);
	F(jailhouse_setup_data, flags);
	close_obj();
}

static void cell_config(void)
{
	open_obj("jailhouse_cell_desc");
	num("sizeof", sizeof(struct jailhouse_cell_desc));
	F(jailhouse_cell_desc, signature);
	F(jailhouse_cell_desc, architecture);
	F(jailhouse_cell_desc, revision);
	F(jailhouse_cell_desc, name);
	F(jailhouse_cell_desc, id);
	F(jailhouse_cell_desc, flags);
	F(jailhouse_cell_desc, cpu_set_size);
	F(jailhouse_cell_desc, num_memory_regions);
	F(jailhouse_cell_desc, num_cache_regions);
	F(jailhouse_cell_desc, num_irqchips);
	F(jailhouse_cell_desc, num_pio_regions);
	F(jailhouse_cell_desc, num_pci_devices);
	F(jailhouse_cell_desc, num_pci_caps);
	F(jailhouse_cell_desc, num_stream_ids);
	F(jailhouse_cell_desc, vpci_irq_base);
	F(jailhouse_cell_desc, cpu_reset_address);
	F(jailhouse_cell_desc, msg_reply_timeout);
	F(jailhouse_cell_desc, console);
	close_obj();

	open_obj("jailhouse_console");
	num("sizeof", sizeof(struct jailhouse_console));
	F(jailhouse_console, address);
	F(jailhouse_console, size);
	F(jailhouse_console, type);
	F(jailhouse_console, flags);
	F(jailhouse_console, divider);
	F(jailhouse_console, gate_nr);
	F(jailhouse_console, clock_reg);
	close_obj();

	open_obj("jailhouse_memory");
	num("sizeof", sizeof(struct jailhouse_memory));
	F(jailhouse_memory, phys_start);
	F(jailhouse_memory, virt_start);
	F(jailhouse_memory, size);
	F(jailhouse_memory, flags);
	close_obj();

	open_obj("jailhouse_cache");
	num("sizeof", sizeof(struct jailhouse_cache));
	close_obj();

	open_obj("jailhouse_irqchip");
	num("sizeof", sizeof(struct jailhouse_irqchip));
	F(jailhouse_irqchip, address);
	F(jailhouse_irqchip, id);
	F(jailhouse_irqchip, pin_base);
	F(jailhouse_irqchip, pin_bitmap);
	close_obj();

	open_obj("jailhouse_pio");
	num("sizeof", sizeof(struct jailhouse_pio));
	F(jailhouse_pio, base);
	F(jailhouse_pio, length);
	close_obj();

	open_obj("jailhouse_pci_device");
	num("sizeof", sizeof(struct jailhouse_pci_device));
	F(jailhouse_pci_device, type);
	F(jailhouse_pci_device, bdf);
	F(jailhouse_pci_device, shmem_regions_start);
	F(jailhouse_pci_device, shmem_dev_id);
	F(jailhouse_pci_device, shmem_peers);
	F(jailhouse_pci_device, shmem_protocol);
	close_obj();

	open_obj("jailhouse_pci_capability");
	num("sizeof", sizeof(struct jailhouse_pci_capability));
	close_obj();

	open_obj("jailhouse_comm_region");
	num("sizeof", sizeof(struct jailhouse_comm_region));
	F(jailhouse_comm_region, signature);
	F(jailhouse_comm_region, revision);
	F(jailhouse_comm_region, cell_state);
	F(jailhouse_comm_region, msg_to_cell);
	F(jailhouse_comm_region, reply_from_cell);
	F(jailhouse_comm_region, flags);
	F(jailhouse_comm_region, console);
	F(jailhouse_comm_region, pci_mmconfig_base);
	F(jailhouse_comm_region, pm_timer_address);
	F(jailhouse_comm_region, num_cpus);
	F(jailhouse_comm_region, tsc_khz);
	F(jailhouse_comm_region, apic_khz);
	close_obj();
}

static void elf(void)
{
	open_obj("elf64_ehdr");
	num("sizeof", sizeof(struct elf64_ehdr));
	F(elf64_ehdr, e_magic); F(elf64_ehdr, e_class); F(elf64_ehdr, e_data);
	F(elf64_ehdr, e_ident_rest);
	F(elf64_ehdr, e_type); F(elf64_ehdr, e_machine); F(elf64_ehdr, e_version);
	F(elf64_ehdr, e_entry); F(elf64_ehdr, e_phoff); F(elf64_ehdr, e_shoff);
	F(elf64_ehdr, e_flags); F(elf64_ehdr, e_ehsize); F(elf64_ehdr, e_phentsize);
	F(elf64_ehdr, e_phnum); F(elf64_ehdr, e_shentsize); F(elf64_ehdr, e_shnum);
	F(elf64_ehdr, e_shstrndx);
	close_obj();

	open_obj("elf64_phdr");
	num("sizeof", sizeof(struct elf64_phdr));
	F(elf64_phdr, p_type); F(elf64_phdr, p_flags); F(elf64_phdr, p_offset);
	F(elf64_phdr, p_vaddr); F(elf64_phdr, p_paddr); F(elf64_phdr, p_filesz);
	F(elf64_phdr, p_memsz); F(elf64_phdr, p_align);
	close_obj();
}

static void constants(void)
{
	open_obj("constants");
	/* lib/abi/bootparam.h */
	N(BP_BOOT_FLAG_MAGIC); N(BP_HDRS_MAGIC); N(BP_SECTOR_SIZE);
	N(BP_DEFAULT_SETUP_SECTS); N(BP_ENTRY64_OFFSET);
	N(BP_LOADER_TYPE_UNDEFINED);
	N(LOADED_HIGH); N(KASLR_FLAG); N(QUIET_FLAG); N(KEEP_SEGMENTS);
	N(CAN_USE_HEAP);
	N(XLF_KERNEL_64); N(XLF_CAN_BE_LOADED_ABOVE_4G);
	N(XLF_EFI_HANDOVER_32); N(XLF_EFI_HANDOVER_64); N(XLF_EFI_KEXEC);
	N(XLF_5LEVEL); N(XLF_5LEVEL_ENABLED);
	N(SETUP_NONE); N(SETUP_E820_EXT); N(SETUP_DTB); N(SETUP_JAILHOUSE);
	N(E820_TYPE_RAM); N(E820_TYPE_RESERVED); N(E820_MAX_ENTRIES_ZEROPAGE);
	N(JAILHOUSE_SETUP_VERSION); N(JAILHOUSE_SETUP_COMPATIBLE);
	N(JAILHOUSE_SETUP_MAX_CPUS); N(JAILHOUSE_SETUP_V1_LEN);
	N(JAILHOUSE_SETUP_V2_LEN);
	/* lib/abi/cell_config.h */
	str("JAILHOUSE_CELL_DESC_SIGNATURE", JAILHOUSE_CELL_DESC_SIGNATURE);
	str("JAILHOUSE_SYSTEM_SIGNATURE", JAILHOUSE_SYSTEM_SIGNATURE);
	N(JAILHOUSE_CONFIG_REVISION); N(JAILHOUSE_CELL_NAME_MAXLEN);
	N(JAILHOUSE_ARCH_X86);
	N(JAILHOUSE_CELL_PASSIVE_COMMREG); N(JAILHOUSE_CELL_TEST_DEVICE);
	N(JAILHOUSE_CELL_AARCH32);
	N(JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED);
	N(JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE);
	N(JAILHOUSE_MEM_READ); N(JAILHOUSE_MEM_WRITE); N(JAILHOUSE_MEM_EXECUTE);
	N(JAILHOUSE_MEM_DMA); N(JAILHOUSE_MEM_IO); N(JAILHOUSE_MEM_COMM_REGION);
	N(JAILHOUSE_MEM_LOADABLE); N(JAILHOUSE_MEM_ROOTSHARED);
	N(JAILHOUSE_MEM_NO_HUGEPAGES); N(JAILHOUSE_MEM_IO_UNALIGNED);
	N(JAILHOUSE_MEM_IO_8); N(JAILHOUSE_MEM_IO_16); N(JAILHOUSE_MEM_IO_32);
	N(JAILHOUSE_MEM_IO_64);
	N(JAILHOUSE_MEM_RAM_CLASS_MASK); N(JAILHOUSE_MEM_RAM_CLASS);
	N(JAILHOUSE_CON_TYPE_NONE); N(JAILHOUSE_CON_TYPE_8250);
	N(JAILHOUSE_CON_ACCESS_MMIO); N(JAILHOUSE_CON_REGDIST_4);
	N(JAILHOUSE_CON_MDR_QUIRK);
	N(JAILHOUSE_IOAPIC_STANDARD_ADDR);
	N(JAILHOUSE_PCI_TYPE_DEVICE); N(JAILHOUSE_PCI_TYPE_BRIDGE);
	N(JAILHOUSE_PCI_TYPE_IVSHMEM);
	N(IVSHMEM_MAX_PEERS); N(CELLCFG_MAX_CPU_SET); N(CELLCFG_MAX_SIZE);
	/* lib/abi/comm_region.h */
	str("COMM_REGION_SIGNATURE", COMM_REGION_SIGNATURE);
	N(COMM_REGION_ABI_REVISION); N(COMM_REGION_DEFAULT_BASE);
	N(COMM_REGION_PAGE_SIZE);
	N(JAILHOUSE_CELL_RUNNING); N(JAILHOUSE_CELL_RUNNING_LOCKED);
	N(JAILHOUSE_CELL_SHUT_DOWN); N(JAILHOUSE_CELL_FAILED);
	N(JAILHOUSE_CELL_FAILED_COMM_REV);
	N(JAILHOUSE_COMM_FLAG_DBG_PUTC_PERMITTED);
	N(JAILHOUSE_COMM_FLAG_DBG_PUTC_ACTIVE);
	N(JAILHOUSE_HC_DEBUG_CONSOLE_PUTC);
	/* lib/abi/elf.h */
	N(ELF_MAGIC); N(ELFCLASS64); N(ELFDATA2LSB); N(EM_X86_64); N(PT_LOAD);
	close_obj();
}

int main(void)
{
	sep = "";
	printf("{");
	layout();
	boot_params();
	cell_config();
	elf();
	constants();
	printf("\n}\n");
	return ferror(stdout) ? 1 : 0;
}
