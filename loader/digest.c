/* SPDX-License-Identifier: MIT */
#include "loader/digest.h"
#include "loader/console.h"
#include "loader/map.h"
#include "lib/crc32.h"

static void check_one(const char *what, u64 addr, u64 len, u32 want)
{
	u32 got;

	must(map_ram(addr, len, &step_err));
	got = cb_crc32((const void *)(uintptr_t)addr, len);
	if (got != want) {
		cb_fail(&step_err, what, "CRC-32 %#x of %#lx bytes at %#lx, the params "
			"say %#x: it changed after the root loaded it", got, len,
			addr, want);
		fail(&step_err);
	}
}

void check_digests(const struct loader_state *s)
{
	const struct params *p = &s->params;

	if (!p->has_crc)
		return;
	check_one("kernel", p->kernel_addr, p->kernel_size, p->kernel_crc);
	if (p->has_initrd_crc)
		check_one("initrd", p->initrd_addr, p->initrd_size, p->initrd_crc);
	say(LOG_VERBOSE, "CRC-32 of the kernel%s as in the params",
	    p->has_initrd_crc ? " and the initrd" : "");
}
