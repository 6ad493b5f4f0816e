/* SPDX-License-Identifier: MIT */
#include "lib/bzimage.h"
#include "lib/range.h"
#include "lib/string.h"

#define HDR_MIN_END 0x26c	/* bytes read below: the whole 2.15 header */
#define HDR_212_END 0x264	/* the shortest header a 2.12 kernel has */

int bzimage_parse(const void *image, u64 avail, u64 load_addr,
		  struct bzimage *k, struct cb_err *err)
{
	const u8 *b = image;
	const struct setup_header *h = (const void *)(b + BP_SETUP_HDR_OFFSET);
	u32 sects;

	cb_memset(k, 0, sizeof(*k));
	if (avail < HDR_MIN_END)
		return cb_fail(err, "kernel", "truncated: %llu bytes at 0x%llx, "
			       "the setup header alone needs %u",
			       (unsigned long long)avail,
			       (unsigned long long)load_addr, HDR_MIN_END);
	if (h->boot_flag != BP_BOOT_FLAG_MAGIC)
		return cb_fail(err, "kernel", "no bzImage at 0x%llx: boot_flag "
			       "0x%04x, expected 0xaa55",
			       (unsigned long long)load_addr, h->boot_flag);
	if (h->header != BP_HDRS_MAGIC)
		return cb_fail(err, "kernel", "no bzImage at 0x%llx: header magic "
			       "0x%08x, expected 0x53726448 (\"HdrS\")",
			       (unsigned long long)load_addr, h->header);
	if (h->version < BZIMAGE_MIN_PROTOCOL)
		return cb_fail(err, "kernel", "boot protocol %u.%02u is older than "
			       "2.12 (needs xloadflags and the 64-bit entry)",
			       h->version >> 8, h->version & 0xff);
	if (!(h->xloadflags & XLF_KERNEL_64))
		return cb_fail(err, "kernel", "no 64-bit entry point: XLF_KERNEL_64 "
			       "clear in xloadflags 0x%04x", h->xloadflags);

	sects = h->setup_sects ? h->setup_sects : BP_DEFAULT_SETUP_SECTS;
	k->image = b;
	k->hdr = h;
	k->load_addr = load_addr;
	k->setup_size = (sects + 1) * BP_SECTOR_SIZE;
	k->pm_addr = load_addr + k->setup_size;
	k->pm_size = (u64)h->syssize * 16;
	k->header_end = 0x202u + (u8)(h->jump >> 8);
	k->version = h->version;
	k->init_size = h->init_size;
	k->kernel_alignment = h->kernel_alignment;
	k->pref_address = h->pref_address;
	k->relocatable = h->relocatable_kernel != 0;
	k->xloadflags = h->xloadflags;
	k->cmdline_size = h->cmdline_size;
	k->initrd_addr_max = h->initrd_addr_max;

	if (k->header_end < HDR_212_END ||
	    k->header_end > __builtin_offsetof(struct boot_params,
					       edd_mbr_sig_buffer))
		return cb_fail(err, "kernel", "setup header ends at 0x%x, "
			       "outside 0x264..0x290", k->header_end);
	if (k->pm_size == 0)
		return cb_fail(err, "kernel", "syssize is 0: no protected-mode code");
	if (k->setup_size + k->pm_size > avail)
		return cb_fail(err, "kernel", "truncated: header says %llu bytes "
			       "(setup %u + protected mode %llu), only %llu loaded",
			       (unsigned long long)(k->setup_size + k->pm_size),
			       k->setup_size, (unsigned long long)k->pm_size,
			       (unsigned long long)avail);
	if (k->init_size < k->pm_size)
		return cb_fail(err, "kernel", "init_size 0x%x is smaller than the "
			       "protected-mode code (0x%llx bytes)", k->init_size,
			       (unsigned long long)k->pm_size);
	if ((u64)h->payload_offset + h->payload_length > k->pm_size)
		return cb_fail(err, "kernel", "payload 0x%x+0x%x ends past the "
			       "protected-mode code (0x%llx bytes)",
			       h->payload_offset, h->payload_length,
			       (unsigned long long)k->pm_size);
	if (k->relocatable) {
		u32 a = k->kernel_alignment;

		if (a < BZIMAGE_MIN_ALIGN || (a & (a - 1)))
			return cb_fail(err, "kernel", "kernel_alignment 0x%x is not "
				       "a power of two >= 2 MiB", a);
	} else if (k->pref_address & (BZIMAGE_MIN_ALIGN - 1)) {
		return cb_fail(err, "kernel", "pref_address 0x%llx is not 2 MiB "
			       "aligned", (unsigned long long)k->pref_address);
	}
	if (h->kernel_version) {
		u64 off = 0x200u + h->kernel_version;

		if (off < k->setup_size) {
			k->version_str = (const char *)b + off;
			k->version_len = cb_strnlen(k->version_str,
						    k->setup_size - off);
			for (size_t i = 0; i < k->version_len; i++)
				if (k->version_str[i] == ' ') {
					k->version_len = i;
					break;
				}
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

const char *bzimage_compression(const struct bzimage *k)
{
	const u8 *p = k->image + k->setup_size + k->hdr->payload_offset;

	if (k->hdr->payload_length < 2)
		return "none";
	if (p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
		return "gzip";
	if (p[0] == 0x42 && p[1] == 0x5a)
		return "bzip2";
	if (p[0] == 0x5d && p[1] == 0x00)
		return "lzma";
	if (p[0] == 0xfd && p[1] == 0x37)
		return "xz";
	if (p[0] == 0x89 && p[1] == 0x4c)
		return "lzo";
	if (p[0] == 0x02 && p[1] == 0x21)
		return "lz4";
	if (p[0] == 0x28 && p[1] == 0xb5)
		return "zstd";
	if (p[0] == 0x7f && p[1] == 'E')
		return "elf";
	return "unknown";
}
