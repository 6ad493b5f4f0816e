/* SPDX-License-Identifier: MIT */
#include "lib/bootparams.h"
#include "lib/string.h"

#define BP_SETUP_DATA_OFFSET \
	(__builtin_offsetof(struct boot_params, hdr) + \
	 __builtin_offsetof(struct setup_header, setup_data))

int bootparams_build(struct boot_params *bp, const struct bootparams_input *in,
		     struct bootparams_result *res, struct cb_err *err)
{
	const struct bzimage *k = in->k;
	u32 n = in->e820->count, zp = n < E820_MAX_ENTRIES_ZEROPAGE ?
				   n : E820_MAX_ENTRIES_ZEROPAGE;
	/* the setup_data nodes, in chain order; a node of length 0 is left out */
	const void *data[2] = { in->jh, in->e820->e + zp };
	u32 len[2] = { in->jh ? (u32)sizeof(*in->jh) : 0,
		       (n - zp) * (u32)sizeof(struct boot_e820_entry) };
	void *link = (u8 *)bp + BP_SETUP_DATA_OFFSET;
	size_t used = 0;
	u32 nodes = 0;

	cb_memset(res, 0, sizeof(*res));
	if (in->cmdline_len > k->cmdline_size)
		return cb_fail(err, "cmdline", "%zu bytes > cmdline_size %u",
			       in->cmdline_len, k->cmdline_size);
	if (n < 2)
		return cb_fail(err, "e820", "%u entries, Linux needs 2", n);

	cb_memset(bp, 0, sizeof(*bp));
	/* k->hdr: the bzImage's header in its file, or a vmlinux's made up */
	cb_memcpy(&bp->hdr, k->hdr, k->header_end - BP_SETUP_HDR_OFFSET);
	bp->hdr.type_of_loader = BP_LOADER_TYPE_UNDEFINED;
	bp->hdr.loadflags &= (u8)~(CAN_USE_HEAP | QUIET_FLAG | KEEP_SEGMENTS);
	bp->hdr.cmd_line_ptr = (u32)in->cmdline_addr;
	bp->ext_cmd_line_ptr = (u32)(in->cmdline_addr >> 32);
	/* no initrd: zero, whatever the image had there */
	bp->hdr.ramdisk_image = in->initrd_size ? (u32)in->initrd_addr : 0;
	bp->ext_ramdisk_image = in->initrd_size ? (u32)(in->initrd_addr >> 32) : 0;
	bp->hdr.ramdisk_size = (u32)in->initrd_size;
	bp->ext_ramdisk_size = (u32)(in->initrd_size >> 32);
	bp->hdr.setup_data = 0;

	cb_memcpy(bp->e820_table, in->e820->e, zp * sizeof(bp->e820_table[0]));
	bp->e820_entries = (u8)zp;

	for (u32 i = 0; i < 2; i++) {
		size_t at = align_up(used, 8);
		struct setup_data *sd = (struct setup_data *)((u8 *)in->sd_buf + at);
		u64 node = in->sd_addr + at;

		if (!len[i])
			continue;
		if (at + sizeof(*sd) + len[i] > in->sd_size)
			return cb_fail(err, "setup_data", "type %u, %u bytes: over "
				       "%zu (%zu used)", i ? SETUP_E820_EXT :
				       SETUP_JAILHOUSE, len[i], in->sd_size, used);
		sd->next = 0;
		sd->type = i ? SETUP_E820_EXT : SETUP_JAILHOUSE;
		sd->len = len[i];
		cb_memcpy(sd->data, data[i], len[i]);
		cb_memcpy(link, &node, sizeof(node));	/* may be unaligned */
		link = &sd->next;
		used = at + sizeof(*sd) + len[i];
		nodes++;
	}
	res->num_setup_data = nodes;
	res->e820_ext_entries = n - zp;
	res->sd_used = used;
	return 0;
}
