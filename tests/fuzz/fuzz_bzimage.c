/* SPDX-License-Identifier: MIT */
/*
 * bzimage_parse() on arbitrary bytes (the file as loaded; avail = its size)
 * at a low and at a very high load address; after a successful parse the
 * runtime address, the compression name and the zero page built by
 * bootparams_build() into an exactly 4096-byte boot_params and a small
 * setup_data area. Bytes 0 and 1 of the image (the MZ stub, which the
 * parser never reads) choose the e820 size, setup_data area size, command
 * line length and initrd of the boot_params run. Then once more inside a
 * file larger than the loader maps before parsing, poisoned past that bound.
 */
#include <sanitizer/asan_interface.h>

#include "tests/fuzz/fuzz.h"
#include "lib/bzimage.h"
#include "lib/bootparams.h"
#include "lib/range.h"

#define SD_ADDR 0xa000ull
#define CMDLINE_ADDR 0x9000ull

static const u32 e820_counts[8] = { 0, 1, 2, 3, 127, 128, 129, 200 };
static const size_t sd_sizes[4] = { 0, 64, 512, 4096 };

static void check_header(const struct bzimage *k, const u8 *img, u64 avail,
			 u64 load)
{
	FUZZ_CHECK(k->image == img && k->hdr == (const void *)(img + 0x1f1),
		   "image/hdr pointers");
	FUZZ_CHECK(k->version >= BZIMAGE_MIN_PROTOCOL, "version 0x%x", k->version);
	FUZZ_CHECK(k->xloadflags & XLF_KERNEL_64, "xloadflags 0x%x", k->xloadflags);
	FUZZ_CHECK(k->header_end >= 0x264 && k->header_end <= 0x290,
		   "header_end 0x%x", k->header_end);
	FUZZ_CHECK(k->setup_size >= 0x400 && k->setup_size % 512 == 0,
		   "setup_size 0x%x", k->setup_size);
	FUZZ_CHECK(k->pm_size && k->setup_size + k->pm_size <= avail,
		   "setup 0x%x + code 0x%llx > 0x%llx", k->setup_size,
		   (unsigned long long)k->pm_size, (unsigned long long)avail);
	FUZZ_CHECK(k->load_addr == load && k->pm_addr == load + k->setup_size,
		   "pm_addr 0x%llx", (unsigned long long)k->pm_addr);
	FUZZ_CHECK(k->init_size >= k->pm_size, "init_size 0x%x < 0x%llx",
		   k->init_size, (unsigned long long)k->pm_size);
	if (k->relocatable)
		FUZZ_CHECK(k->kernel_alignment >= BZIMAGE_MIN_ALIGN &&
			   !(k->kernel_alignment & (k->kernel_alignment - 1)),
			   "alignment 0x%x", k->kernel_alignment);
	else
		FUZZ_CHECK(!(k->pref_address & (BZIMAGE_MIN_ALIGN - 1)),
			   "pref_address 0x%llx",
			   (unsigned long long)k->pref_address);
	if (k->version_str) {
		const u8 *v = (const u8 *)k->version_str;

		FUZZ_CHECK(v >= img + 0x200 &&
			   v + k->version_len <= img + k->setup_size,
			   "version string %td+%zu outside setup 0x%x",
			   v - img, k->version_len, k->setup_size);
	}
}

static void check_runtime(const struct bzimage *k)
{
	u64 rt = bzimage_runtime_start(k, k->pm_addr);

	if (!k->relocatable) {
		FUZZ_CHECK(rt == k->pref_address, "runtime 0x%llx",
			   (unsigned long long)rt);
		return;
	}
	FUZZ_CHECK(rt >= k->pref_address, "runtime 0x%llx below pref 0x%llx",
		   (unsigned long long)rt, (unsigned long long)k->pref_address);
	/* Linux: max(align_up(load, kernel_alignment), pref_address) */
	if (k->pm_addr <= UINT64_MAX - k->kernel_alignment)
		FUZZ_CHECK(rt >= k->pm_addr &&
			   (rt == k->pref_address ||
			    rt == align_up(k->pm_addr, k->kernel_alignment)),
			   "runtime 0x%llx for pm 0x%llx", (unsigned long long)rt,
			   (unsigned long long)k->pm_addr);
}

static void check_zero_page(const struct bzimage *k, const u8 *img,
			    const u8 *bp, const struct bootparams_input *bi,
			    const struct bootparams_result *res)
{
	const struct boot_params *b = (const void *)bp;
	u32 n = bi->e820->count, zp = n < 128 ? n : 128;
	u64 next;
	u32 nodes = 0;

	for (u32 off = 0x1f1; off < 0x290; off++) {
		bool written = off == 0x210 || off == 0x211 ||
			       (off >= 0x218 && off < 0x220) ||
			       (off >= 0x228 && off < 0x22c) ||
			       (off >= 0x250 && off < 0x258);

		if (written)
			continue;
		if (off < k->header_end)
			FUZZ_CHECK(bp[off] == img[off], "header byte 0x%x", off);
		else
			FUZZ_CHECK(bp[off] == 0, "byte 0x%x past the header", off);
	}
	/* what the kernel reads from the zero page is what the plan used */
	FUZZ_CHECK(b->hdr.init_size == k->init_size &&
		   b->hdr.kernel_alignment == k->kernel_alignment &&
		   b->hdr.pref_address == k->pref_address &&
		   (b->hdr.relocatable_kernel != 0) == k->relocatable &&
		   b->hdr.xloadflags == k->xloadflags &&
		   b->hdr.cmdline_size == k->cmdline_size,
		   "zero page: init_size 0x%x alignment 0x%x pref 0x%llx, the "
		   "plan used 0x%x 0x%x 0x%llx", b->hdr.init_size,
		   b->hdr.kernel_alignment,
		   (unsigned long long)b->hdr.pref_address, k->init_size,
		   k->kernel_alignment, (unsigned long long)k->pref_address);
	FUZZ_CHECK(b->hdr.type_of_loader == 0xff, "type_of_loader");
	FUZZ_CHECK(b->hdr.cmd_line_ptr == (u32)bi->cmdline_addr, "cmd_line_ptr");
	FUZZ_CHECK(b->e820_entries == zp, "e820_entries %u of %u",
		   b->e820_entries, n);
	FUZZ_CHECK(!memcmp(b->e820_table, bi->e820->e, zp * sizeof(b->e820_table[0])),
		   "e820 table");
	FUZZ_CHECK(res->e820_ext_entries == n - zp, "ext entries %u of %u",
		   res->e820_ext_entries, n);
	FUZZ_CHECK(res->sd_used <= bi->sd_size, "sd_used %zu of %zu",
		   res->sd_used, bi->sd_size);

	/* walk the chain inside the area */
	next = b->hdr.setup_data;
	while (next) {
		struct setup_data sd;
		u64 off = next - bi->sd_addr;

		FUZZ_CHECK(next >= bi->sd_addr && off % 8 == 0 &&
			   off + sizeof(sd) <= res->sd_used,
			   "node 0x%llx outside the area",
			   (unsigned long long)next);
		memcpy(&sd, (const u8 *)bi->sd_buf + off, sizeof(sd));
		FUZZ_CHECK(off + sizeof(sd) + sd.len <= res->sd_used,
			   "node 0x%llx len %u", (unsigned long long)next, sd.len);
		if (sd.type == SETUP_E820_EXT)
			FUZZ_CHECK(sd.len == (n - zp) * sizeof(struct boot_e820_entry),
				   "e820 ext len %u", sd.len);
		else
			FUZZ_CHECK(sd.type == SETUP_JAILHOUSE && bi->jh &&
				   sd.len == sizeof(*bi->jh), "node type %u", sd.type);
		FUZZ_CHECK(++nodes <= 2, "loop in the chain");
		next = sd.next;
	}
	FUZZ_CHECK(nodes == res->num_setup_data, "%u nodes, result says %u",
		   nodes, res->num_setup_data);
}

static void build_zero_page(const struct bzimage *k, const u8 *img, u8 knob0,
			    u8 knob1)
{
	u32 n = e820_counts[knob0 & 7];
	size_t sd_size = sd_sizes[(knob0 >> 3) & 3];
	struct boot_e820_entry *ent = calloc(n ? n : 1, sizeof(*ent));
	struct e820_table t = { ent, n, n };
	struct jailhouse_setup_data jh;
	u8 *bp = malloc(sizeof(struct boot_params));
	void *sd = malloc(sd_size ? sd_size : 1);
	struct bootparams_input bi = {
		.k = k,
		.cmdline_addr = CMDLINE_ADDR,
		.cmdline_len = knob1 & 0x80 ? k->cmdline_size :
			       (size_t)knob1 * 16,
		.initrd_addr = knob0 & 0x20 ? 0x123456789000ull : 0x4000000,
		.initrd_size = knob0 & 0x40 ? 0x100000001ull : 0,
		.e820 = &t,
		.jh = knob0 & 0x80 ? &jh : NULL,
		.sd_buf = sd,
		.sd_addr = SD_ADDR,
		.sd_size = sd_size,
	};
	struct bootparams_result res;
	struct cb_err err;

	if (!ent || !bp || !sd)
		abort();
	memset(&jh, 0x5a, sizeof(jh));
	for (u32 i = 0; i < n; i++) {
		ent[i].addr = (u64)i << 21;
		ent[i].size = 1ull << 20;
		ent[i].type = E820_TYPE_RAM;
	}
	memset(&err, 0, sizeof(err));
	if (bootparams_build((struct boot_params *)bp, &bi, &res, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(bi.cmdline_len > k->cmdline_size || n < 2 ||
			   sd_size < 4096, "unexpected failure: %s: %s",
			   err.what, err.detail);
	} else {
		FUZZ_CHECK(bi.cmdline_len <= k->cmdline_size && n >= 2,
			   "accepted cmdline %zu > %u or %u entries",
			   bi.cmdline_len, k->cmdline_size, n);
		check_zero_page(k, img, bp, &bi, &res);
	}
	free(sd);
	free(bp);
	free(ent);
}

/*
 * Issue 8: the loader maps BZIMAGE_PARSE_READ_MAX bytes of the file before
 * bzimage_parse() (loader/boot.c). The fuzz bytes go at the start of a
 * file larger than that whose bytes past the bound are poisoned: any read
 * there is an AddressSanitizer report, as it would be a page fault in the
 * cell. What the parse keeps pointers to must lie inside the bound too.
 */
static void check_read_bound(const u8 *data, size_t size)
{
	const size_t avail = BZIMAGE_PARSE_READ_MAX + 0x10000;
	u8 *img = calloc(1, avail);
	struct bzimage k;
	struct cb_err err;
	int rc;

	if (!img)
		abort();
	memcpy(img, data, size < BZIMAGE_PARSE_READ_MAX ? size :
	       BZIMAGE_PARSE_READ_MAX);
	memset(&err, 0, sizeof(err));
	ASAN_POISON_MEMORY_REGION(img + BZIMAGE_PARSE_READ_MAX,
				  avail - BZIMAGE_PARSE_READ_MAX);
	rc = bzimage_parse(img, avail, 0xfbb000, &k, &err);
	ASAN_UNPOISON_MEMORY_REGION(img + BZIMAGE_PARSE_READ_MAX,
				    avail - BZIMAGE_PARSE_READ_MAX);
	if (rc)
		fuzz_check_err(&err);
	else if (k.version_str)
		FUZZ_CHECK((const u8 *)k.version_str + k.version_len <=
			   img + BZIMAGE_PARSE_READ_MAX,
			   "version string ends past the mapped 0x%x bytes",
			   BZIMAGE_PARSE_READ_MAX);
	free(img);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	/* a low address and the top of a 52-bit physical address space */
	const u64 loads[2] = { 0xfbb000, (1ull << 52) - 0x200000000ull };
	u8 *img = fuzz_dup(data, size);

	for (int i = 0; i < 2; i++) {
		struct bzimage k;
		struct cb_err err;

		memset(&err, 0, sizeof(err));
		if (bzimage_parse(img, size, loads[i], &k, &err)) {
			fuzz_check_err(&err);
			FUZZ_CHECK(!strcmp(err.what, "kernel"), "subject '%s'",
				   err.what);
			continue;
		}
		check_header(&k, img, size, loads[i]);
		check_runtime(&k);
		if (i == 0)
			build_zero_page(&k, img, size > 0 ? data[0] : 0,
					size > 1 ? data[1] : 0);
	}
	free(img);
	check_read_bound(data, size);
	return 0;
}
