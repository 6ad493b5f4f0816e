/* SPDX-License-Identifier: MIT */
/* `cellboot inspect` of a bzImage: its setup header, the kernel doctor. */
#include <stdio.h>
#include <string.h>

#include "tools/cellboot/cmds.h"
#include "tools/cellboot/inspect.h"
#include "tools/cellboot/kdecomp.h"
#include "tools/cellboot/kdoctor.h"
#include "lib/fmt.h"

static const char *const loadflag_names[] = {
	"LOADED_HIGH", "KASLR_FLAG", NULL, NULL, NULL, "QUIET_FLAG",
	"KEEP_SEGMENTS", "CAN_USE_HEAP",
};
static const char *const xloadflag_names[] = {
	"KERNEL_64", "CAN_BE_LOADED_ABOVE_4G", "EFI_HANDOVER_32",
	"EFI_HANDOVER_64", "EFI_KEXEC", "5LEVEL", "5LEVEL_ENABLED",
	"MEM_ENCRYPTION",
};

bool is_bzimage(const struct cb_file *f)
{
	return f->size >= 0x206 && f->data[0x1fe] == 0x55 &&
	       f->data[0x1ff] == 0xaa && !memcmp(f->data + 0x202, "HdrS", 4);
}

/* The banner at kernel_version, printable bytes only. */
static void version_banner(const struct cb_file *f, const struct setup_header *h,
			   u32 setup_size, char *out, size_t size)
{
	u32 off = 0x200u + h->kernel_version;
	u64 end = f->size < setup_size ? f->size : setup_size;

	out[0] = '\0';
	if (!h->kernel_version || off >= end)
		return;
	/* untrusted bytes: printable ASCII only, as the loader prints them */
	cb_snprintf(out, size, "%*pE", (int)(end - off), f->data + off);
}

static void print_size(const char *label, u64 v)
{
	if (v >= 1024 * 1024)
		printf("  %-19s0x%llx (%.1f MiB)\n", label, (unsigned long long)v,
		       (double)v / (1024 * 1024));
	else
		printf("  %-19s0x%llx (%llu bytes)\n", label,
		       (unsigned long long)v, (unsigned long long)v);
}

/* The kernel doctor (kdoctor.c): integrity and what a cell needs. */
static int inspect_kernel_doctor(const struct cb_file *f)
{
	static struct kdoctor r;
	struct cb_err err;

	fflush(stdout);
	if (kdoctor_run(f->data, f->size, &r, &err))
		return report(&err);
	kdoctor_print_integrity(stdout, &r, "  ");
	printf("  in a Jailhouse non-root cell, %s:\n", r.ikconfig ?
	       "from the embedded config (CONFIG_IKCONFIG)" :
	       "from strings in the image (no embedded config)");
	kdoctor_print(stdout, &r, "    ");
	for (int i = 0; i < KD_NUM; i++)
		if (r.item[i].state != KD_YES)
			inspect_warning("no %s: %s", kdoctor_label((enum kd_feature)i),
				kdoctor_hint((enum kd_feature)i));
	printf("  %-19s%s\n", "verdict", kdoctor_cell_ready(&r) ?
	       "can run in a Jailhouse non-root cell" :
	       r.item[KD_GUEST].state != KD_YES ?
	       "cannot run in a Jailhouse non-root cell (no guest support); "
	       "it boots under QEMU only" :
	       "runs in a Jailhouse non-root cell, with the warnings below");
	return CB_EXIT_OK;
}

int inspect_kernel(const struct cb_file *f, struct bzimage *out_k,
			  bool *have_k)
{
	struct setup_header h;
	u32 sects, setup_size;
	char names[256], banner[256];
	struct bzimage k;
	struct cb_err err;
	bool ok;

	memset(&h, 0, sizeof(h));
	memcpy(&h, f->data + BP_SETUP_HDR_OFFSET,
	       f->size - BP_SETUP_HDR_OFFSET < sizeof(h) ?
	       f->size - BP_SETUP_HDR_OFFSET : sizeof(h));
	sects = h.setup_sects ? h.setup_sects : BP_DEFAULT_SETUP_SECTS;
	setup_size = (sects + 1) * BP_SECTOR_SIZE;
	ok = bzimage_parse(f->data, f->size, 0, &k, &err) == 0;

	printf("%s: Linux bzImage, boot protocol %u.%02u\n", f->path,
	       h.version >> 8, h.version & 0xff);
	version_banner(f, &h, setup_size, banner, sizeof(banner));
	printf("  %-19s%s\n", "kernel version", banner[0] ? banner : "(none)");
	print_size("file size", f->size);
	printf("  %-19s%u%s: setup 0x%x bytes, protected-mode code at file "
	       "offset 0x%x\n", "setup_sects", h.setup_sects,
	       h.setup_sects ? "" : " (means 4)", setup_size, setup_size);
	printf("  %-19s0x%llx (syssize 0x%x paragraphs)\n", "code size",
	       (unsigned long long)h.syssize * 16, h.syssize);
	FLAG_NAMES(names, h.loadflags, loadflag_names, " ");
	printf("  %-19s0x%02x (%s)\n", "loadflags", h.loadflags, names);
	if (h.version >= 0x020c) {
		FLAG_NAMES(names, h.xloadflags, xloadflag_names, " ");
		printf("  %-19s0x%02x (%s)\n", "xloadflags", h.xloadflags, names);
	}
	printf("  %-19s%s\n", "relocatable", h.relocatable_kernel ? "yes" : "no");
	printf("  %-19s0x%x (min_alignment 2^%u)\n", "kernel_alignment",
	       h.kernel_alignment, h.min_alignment);
	printf("  %-19s0x%llx\n", "pref_address",
	       (unsigned long long)h.pref_address);
	print_size("init_size", h.init_size);
	printf("  %-19s%u\n", "cmdline_size", h.cmdline_size);
	printf("  %-19s0x%x%s\n", "initrd_addr_max", h.initrd_addr_max,
	       h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ?
	       " (CAN_BE_LOADED_ABOVE_4G: the initrd may go anywhere)" : "");
	if (ok)
		printf("  %-19s%s, 0x%x bytes at code offset 0x%x\n", "payload",
		       kcomp_name(kcomp_detect(k.image + k.setup_size +
					       h.payload_offset,
					       h.payload_length)),
		       h.payload_length,
		       h.payload_offset);
	if (h.handover_offset)
		printf("  %-19s0x%x\n", "handover_offset", h.handover_offset);
	if (ok && h.pref_address >= setup_size)
		printf("  %-19sfile at 0x%llx (pref_address - setup) runs in "
		       "place in 0x%llx-0x%llx\n", "in a cell",
		       (unsigned long long)(h.pref_address - setup_size),
		       (unsigned long long)h.pref_address,
		       (unsigned long long)(h.pref_address + h.init_size - 1));

	if (h.version < BZIMAGE_MIN_PROTOCOL)
		inspect_warning("boot protocol %u.%02u is older than 2.12: cellboot needs "
			"the 64-bit entry and xloadflags of 2.12 (Linux 3.8)",
			h.version >> 8, h.version & 0xff);
	else if (!(h.xloadflags & XLF_KERNEL_64))
		inspect_warning("xloadflags lack KERNEL_64: the kernel has no 64-bit "
			"entry");
	if (!h.relocatable_kernel)
		inspect_warning("not relocatable: the root must load the file at "
			"pref_address - setup size (0x%llx) and the cell must "
			"have init_size 0x%x bytes of RAM from pref_address",
			(unsigned long long)(h.pref_address - setup_size),
			h.init_size);
	if (!ok)
		return report(&err);
	*out_k = k;
	*have_k = true;
	return inspect_kernel_doctor(f);
}
