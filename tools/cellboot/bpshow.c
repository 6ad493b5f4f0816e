/* SPDX-License-Identifier: MIT */
/*
 * `cellboot plan --show-boot-params`: the zero page, e820 map, command line
 * and setup_data chain the loader will build for a plan, made by the same
 * lib/ code (bp_boot_params in bootplan.c) and printed field by field.
 *
 * What the tool cannot know is said in the output: the comm region's
 * timer rates (Jailhouse fills them from the machine) and the APIC IDs of
 * the CPUs (here 0..n-1, as they check in on a machine that numbers them
 * so).
 */
#include <string.h>

#include "tools/cellboot/bootplan.h"
#include "lib/layout.h"

static const char *e820_type(u32 t)
{
	switch (t) {
	case 1: return "RAM";
	case 2: return "reserved";
	case 3: return "ACPI";
	case 4: return "NVS";
	default: return "other";
	}
}

static void show_jailhouse(FILE *f, const struct jailhouse_setup_data *jh,
			   u32 len)
{
	fprintf(f, "    version %u (compatible %u), %u bytes\n", jh->version,
		jh->compatible_version, len);
	fprintf(f, "    pm_timer_address   0x%x (from the system config; 0 here)\n",
		jh->pm_timer_address);
	fprintf(f, "    num_cpus           %u, cpu_ids", jh->num_cpus);
	for (u32 i = 0; i < jh->num_cpus && i < JAILHOUSE_SETUP_MAX_CPUS; i++)
		fprintf(f, "%s%u", i ? "," : " ", jh->cpu_ids[i]);
	fprintf(f, " (APIC IDs in check-in order: 0..n-1 assumed here)\n");
	fprintf(f, "    pci_mmconfig_base  0x%llx (from the system config; 0 here)\n",
		(unsigned long long)jh->pci_mmconfig_base);
	fprintf(f, "    tsc_khz            %u, apic_khz %u (the hypervisor "
		"measures them; 0 here)\n", jh->tsc_khz, jh->apic_khz);
	fprintf(f, "    standard_ioapic    %u\n", jh->standard_ioapic);
	fprintf(f, "    flags              0x%x (legacy UARTs:", jh->flags);
	if (!(jh->flags & 0xf))
		fprintf(f, " none");
	for (u32 i = 0; i < 4; i++)
		if (jh->flags & (1u << i))
			fprintf(f, " COM%u", i + 1);
	fprintf(f, ")\n");
}

void bp_show_boot_params(FILE *f, const struct boot_plan *p)
{
	static struct boot_params bp;
	static u8 sd[CB_SETUP_DATA_SIZE];
	struct jailhouse_setup_data jh;
	struct bootparams_result res;
	const struct setup_header *h = &bp.hdr;
	struct cb_err err;
	u64 next;

	memset(&bp, 0, sizeof(bp));
	memset(sd, 0, sizeof(sd));
	if (bp_boot_params(p, &bp, sd, sizeof(sd), &res, &jh, &err)) {
		fprintf(f, "# boot params: cellboot: error: %s: %s\n", err.what,
			err.detail);
		return;
	}
	fprintf(f, "boot_params at 0x%x (the zero page, built by the loader in "
		"the cell)\n", CB_BOOT_PARAMS_ADDR);
	fprintf(f, "  type_of_loader     0x%02x\n", h->type_of_loader);
	fprintf(f, "  loadflags          0x%02x\n", h->loadflags);
	fprintf(f, "  cmd_line_ptr       0x%x, ext_cmd_line_ptr 0x%x\n",
		h->cmd_line_ptr, bp.ext_cmd_line_ptr);
	fprintf(f, "  ramdisk_image      0x%x, ext 0x%x\n", h->ramdisk_image,
		bp.ext_ramdisk_image);
	fprintf(f, "  ramdisk_size       0x%x, ext 0x%x\n", h->ramdisk_size,
		bp.ext_ramdisk_size);
	fprintf(f, "  setup_data         0x%llx\n",
		(unsigned long long)h->setup_data);
	fprintf(f, "  e820_entries       %u\n", bp.e820_entries);
	fprintf(f, "  acpi_rsdp_addr     0x%llx\n",
		(unsigned long long)bp.acpi_rsdp_addr);
	fprintf(f, "  header             0x1f1-0x%x copied from the kernel "
		"(version %u.%02u, init_size 0x%x, pref_address 0x%llx)\n",
		p->k.header_end - 1, h->version >> 8, h->version & 0xff,
		h->init_size, (unsigned long long)h->pref_address);
	fprintf(f, "e820 map (%u entries in the zero page, %u in SETUP_E820_EXT)\n",
		bp.e820_entries, res.e820_ext_entries);
	for (u32 i = 0; i < bp.e820_entries && i < E820_MAX_ENTRIES_ZEROPAGE; i++) {
		const struct boot_e820_entry *e = &bp.e820_table[i];

		fprintf(f, "  0x%016llx-0x%016llx %s\n", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1),
			e820_type(e->type));
	}
	fprintf(f, "command line at 0x%x (%zu bytes)\n  %s\n", CB_CMDLINE_ADDR,
		strlen(p->cmdline), p->cmdline);
	fprintf(f, "setup_data (%u nodes)\n", res.num_setup_data);
	for (next = h->setup_data; next;) {
		const struct setup_data *n;
		u64 off = next - CB_SETUP_DATA_ADDR;

		if (next < CB_SETUP_DATA_ADDR || off + sizeof(*n) > res.sd_used) {
			fprintf(f, "  0x%llx: outside the setup_data area\n",
				(unsigned long long)next);
			break;
		}
		n = (const struct setup_data *)(sd + off);
		fprintf(f, "  0x%llx: type %u (%s), %u bytes\n",
			(unsigned long long)next, n->type,
			n->type == SETUP_JAILHOUSE ? "SETUP_JAILHOUSE" :
			n->type == SETUP_E820_EXT ? "SETUP_E820_EXT" : "other",
			n->len);
		if (n->type == SETUP_JAILHOUSE && n->len >= sizeof(jh) &&
		    off + sizeof(*n) + sizeof(jh) <= res.sd_used) {
			struct jailhouse_setup_data d;

			memcpy(&d, n->data, sizeof(d));
			show_jailhouse(f, &d, n->len);
		}
		next = n->next;
	}
}
