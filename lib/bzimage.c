/* SPDX-License-Identifier: MIT */
#include "lib/bzimage.h"
#include "lib/range.h"
#include "lib/string.h"

#define HDR_MIN_END 0x26c	/* bytes read below: the whole 2.15 header */
#define HDR_212_END 0x264	/* the shortest header a 2.12 kernel has */
#define HDR_END_MAX __builtin_offsetof(struct boot_params, edd_mbr_sig_buffer)
#define WHAT "kernel"

int bzimage_parse(const void *image, u64 avail, u64 load_addr,
		  struct bzimage *k, struct cb_err *err)
{
	const u8 *b = image;
	const struct setup_header *h = (const void *)(b + BP_SETUP_HDR_OFFSET);
	u32 sects;

	cb_memset(k, 0, sizeof(*k));
	if (avail < HDR_MIN_END)
		return cb_fail(err, WHAT, "%#lx: %#lx bytes loaded or in RAM there, header "
			       "needs %#x", (u64)load_addr, (u64)avail, HDR_MIN_END);
	if (h->boot_flag != BP_BOOT_FLAG_MAGIC || h->header != BP_HDRS_MAGIC ||
	    h->version < BZIMAGE_MIN_PROTOCOL || !(h->xloadflags & XLF_KERNEL_64))
		return cb_fail(err, WHAT, "%#lx: boot_flag %#x header %#x "
			       "protocol %#x xloadflags %#x, want a 64-bit "
			       "bzImage >= 2.12", load_addr, h->boot_flag, h->header,
			       h->version, h->xloadflags);

	sects = h->setup_sects ? h->setup_sects : BP_DEFAULT_SETUP_SECTS;
	k->image = b;
	k->hdr = h;
	k->load_addr = load_addr;
	k->setup_size = (sects + 1) * BP_SECTOR_SIZE;
	k->pm_addr = load_addr + k->setup_size;
	k->pm_size = (u64)h->syssize * 16;
	/*
	 * The header ends where the jump at 0x200 lands: kept inside the
	 * 0x264 (2.12) .. 0x290 (edd_mbr_sig_buffer) window that Linux builds
	 * never leave, so a broken jump cannot make the copy too short or long.
	 */
	k->header_end = 0x202u + (u8)(h->jump >> 8);
	if (k->header_end < HDR_212_END)
		k->header_end = HDR_212_END;
	if (k->header_end > HDR_END_MAX)
		k->header_end = HDR_END_MAX;
	k->version = h->version;
	k->init_size = h->init_size;
	k->kernel_alignment = h->kernel_alignment;
	k->pref_address = h->pref_address;
	k->relocatable = h->relocatable_kernel != 0;
	k->xloadflags = h->xloadflags;
	k->cmdline_size = h->cmdline_size;
	k->initrd_addr_max = h->initrd_addr_max;

	if (!k->pm_size || k->setup_size + k->pm_size > avail)
		return cb_fail(err, WHAT, "setup %#x + code %#lx > %#lx loaded", k->setup_size,
			       (u64)k->pm_size,
			       (u64)avail);
	if (k->init_size < k->pm_size ||
	    (u64)h->payload_offset + h->payload_length > k->pm_size)
		return cb_fail(err, WHAT, "init_size %#x below or payload %#x+%#x "
			       "past the code size %#lx", k->init_size,
			       h->payload_offset, h->payload_length, k->pm_size);
	if (k->relocatable ? k->kernel_alignment < BZIMAGE_MIN_ALIGN ||
			     (k->kernel_alignment & (k->kernel_alignment - 1)) :
			     (k->pref_address & (BZIMAGE_MIN_ALIGN - 1)) != 0)
		return cb_fail(err, WHAT, k->relocatable ?
			       "kernel_alignment %#lx not 2^n >= 2 MiB" :
			       "pref_address %#lx not 2 MiB aligned",
			       (u64)(k->relocatable ?
						    k->kernel_alignment :
						    k->pref_address));
	if (h->kernel_version) {
		u32 off = 0x200u + h->kernel_version;

		if (off < k->setup_size) {
			const char *v = (const char *)b + off;
			size_t n = 0;

			while (off + n < k->setup_size && v[n] && v[n] != ' ')
				n++;
			k->version_str = v;
			k->version_len = n;
		}
	}
	return 0;
}

u64 bzimage_runtime_start(const struct bzimage *k, u64 pm_addr)
{
	u64 start;

	if (!k->relocatable)
		return k->pref_address;
	start = align_up(pm_addr, k->kernel_alignment);
	return start < k->pref_address ? k->pref_address : start;
}
