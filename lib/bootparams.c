/* SPDX-License-Identifier: MIT */
#include "lib/bootparams.h"
#include "lib/string.h"

#define BP_SETUP_DATA_OFFSET \
	(__builtin_offsetof(struct boot_params, hdr) + \
	 __builtin_offsetof(struct setup_header, setup_data))

struct sd_writer {
	u8 *buf;
	u64 addr;
	size_t size, used;
	void *link;		/* where the next node's address goes (unaligned) */
	u32 count;
};

static void *sd_append(struct sd_writer *w, u32 type, u32 len,
		       struct cb_err *err)
{
	size_t at = align_up(w->used, 8);
	struct setup_data *sd;
	u64 node;

	if (at + sizeof(*sd) + len > w->size) {
		cb_fail(err, "setup_data", "node type %u of %u bytes does not fit "
			"the %zu-byte area (%zu used)", type, len, w->size,
			w->used);
		return NULL;
	}
	sd = (struct setup_data *)(w->buf + at);
	sd->next = 0;
	sd->type = type;
	sd->len = len;
	node = w->addr + at;
	cb_memcpy(w->link, &node, sizeof(node));
	w->link = (u8 *)sd + __builtin_offsetof(struct setup_data, next);
	w->used = at + sizeof(*sd) + len;
	w->count++;
	return sd->data;
}

int bootparams_build(struct boot_params *bp, const struct bootparams_input *in,
		     struct bootparams_result *res, struct cb_err *err)
{
	const struct bzimage *k = in->k;
	struct sd_writer w = { in->sd_buf, in->sd_addr, in->sd_size, 0,
			       (u8 *)bp + BP_SETUP_DATA_OFFSET, 0 };
	u32 n = in->e820->count, zp = n < E820_MAX_ENTRIES_ZEROPAGE ?
				   n : E820_MAX_ENTRIES_ZEROPAGE;

	cb_memset(res, 0, sizeof(*res));
	if (in->cmdline_len > k->cmdline_size)
		return cb_fail(err, "cmdline", "%zu bytes, the kernel accepts at "
			       "most %u (cmdline_size)", in->cmdline_len,
			       k->cmdline_size);
	if (n < 2)
		return cb_fail(err, "e820", "%u entries, Linux ignores a map with "
			       "fewer than 2", n);

	cb_memset(bp, 0, sizeof(*bp));
	cb_memcpy((u8 *)bp + BP_SETUP_HDR_OFFSET,
		  k->image + BP_SETUP_HDR_OFFSET,
		  k->header_end - BP_SETUP_HDR_OFFSET);
	bp->hdr.type_of_loader = BP_LOADER_TYPE_UNDEFINED;
	bp->hdr.loadflags &= (u8)~(CAN_USE_HEAP | QUIET_FLAG | KEEP_SEGMENTS);
	bp->hdr.cmd_line_ptr = (u32)in->cmdline_addr;
	bp->ext_cmd_line_ptr = (u32)(in->cmdline_addr >> 32);
	if (in->initrd_size) {
		bp->hdr.ramdisk_image = (u32)in->initrd_addr;
		bp->ext_ramdisk_image = (u32)(in->initrd_addr >> 32);
		bp->hdr.ramdisk_size = (u32)in->initrd_size;
		bp->ext_ramdisk_size = (u32)(in->initrd_size >> 32);
	}
	bp->hdr.setup_data = 0;

	cb_memcpy(bp->e820_table, in->e820->e, zp * sizeof(bp->e820_table[0]));
	bp->e820_entries = (u8)zp;

	if (in->jh) {
		void *p = sd_append(&w, SETUP_JAILHOUSE, sizeof(*in->jh), err);

		if (!p)
			return -1;
		cb_memcpy(p, in->jh, sizeof(*in->jh));
	}
	if (n > zp) {
		u32 ext = n - zp;
		void *p = sd_append(&w, SETUP_E820_EXT,
				    ext * (u32)sizeof(struct boot_e820_entry), err);

		if (!p)
			return -1;
		cb_memcpy(p, in->e820->e + zp, ext * sizeof(struct boot_e820_entry));
		res->e820_ext_entries = ext;
	}
	res->num_setup_data = w.count;
	res->sd_used = w.used;
	return 0;
}
