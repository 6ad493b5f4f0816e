/* SPDX-License-Identifier: MIT */
/*
 * Kernel check, placement, boot_params and the jump. Order matters:
 * boot_params is built while the kernel file is still where the root put
 * it (the header is copied from there); then the initrd moves, then the
 * kernel, then the window is mapped and control goes to startup_64.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/map.h"
#include "arch/x86/copy.h"
#include "arch/x86/io.h"
#include "lib/bootparams.h"
#include "lib/jhsetup.h"
#include "lib/layout.h"
#include "lib/string.h"

#define VERSION_MAX 64

void handoff_jump(u64 entry, u64 boot_params) __attribute__((noreturn));

static void check(int rc, const struct cb_err *err)
{
	if (rc)
		fail(err);
}

/* How many bytes from addr to the end of the RAM range holding it. */
static u64 ram_after(const struct loader_state *s, u64 addr)
{
	for (u32 i = 0; i < s->num_ram; i++)
		if (addr >= s->ram[i].start && addr < s->ram[i].end)
			return s->ram[i].end - addr;
	return 0;
}

static void parse_kernel(struct loader_state *s, struct bzimage *k)
{
	const struct params *p = &s->params;
	u64 avail = ram_after(s, p->kernel_addr);
	struct cb_err err;

	if (!avail) {
		cb_fail(&err, "kernel", "0x%llx is not inside cell RAM",
			(unsigned long long)p->kernel_addr);
		fail(&err);
	}
	if (p->kernel_size) {
		if (p->kernel_size > avail) {
			cb_fail(&err, "kernel", "0x%llx+0x%llx ends past cell RAM "
				"(0x%llx bytes left in that range)",
				(unsigned long long)p->kernel_addr,
				(unsigned long long)p->kernel_size,
				(unsigned long long)avail);
			fail(&err);
		}
		avail = p->kernel_size;
	}
	check(map_ram(p->kernel_addr, avail < 0x10000 ? avail : 0x10000, &err),
	      &err);
	check(bzimage_parse((const void *)(uintptr_t)p->kernel_addr, avail,
			    p->kernel_addr, k, &err), &err);
}

static void build_boot_params(struct loader_state *s, const struct bzimage *k,
			      const struct plan *pl, struct bootparams_result *r)
{
	const struct params *p = &s->params;
	struct jailhouse_setup_data jh;
	struct bootparams_input in = {
		.k = k,
		.cmdline_addr = CB_CMDLINE_ADDR,
		.cmdline_len = p->cmdline_len,
		.initrd_addr = pl->initrd_addr,
		.initrd_size = p->has_initrd ? p->initrd_size : 0,
		.e820 = &s->e820,
		.jh = &jh,
		.sd_buf = (void *)(uintptr_t)CB_SETUP_DATA_ADDR,
		.sd_addr = CB_SETUP_DATA_ADDR,
		.sd_size = CB_SETUP_DATA_SIZE,
	};
	struct cb_err err;
	u8 ids[CB_MAX_CPUS];
	u32 n = s->cpus.checked_in < CB_MAX_CPUS ? s->cpus.checked_in : CB_MAX_CPUS;

	for (u32 i = 0; i < n; i++)
		ids[i] = cpu_apic_ids[i];
	jh_setup_fill(&jh, s->comm, s->have_cfg ? &s->cfg : NULL, ids, n);
	check(bootparams_build((struct boot_params *)(uintptr_t)CB_BOOT_PARAMS_ADDR,
			       &in, r, &err), &err);
	cb_memcpy((void *)(uintptr_t)CB_CMDLINE_ADDR, p->cmdline, p->cmdline_len);
	((char *)(uintptr_t)CB_CMDLINE_ADDR)[p->cmdline_len] = '\0';
}

static void move(u64 dst, u64 src, u64 len)
{
	struct cb_err err;

	check(map_ram(src, len, &err), &err);
	check(map_ram(dst, len, &err), &err);
	move_bytes(dst, src, len);
}

void boot_kernel(struct loader_state *s)
{
	const struct params *p = &s->params;
	struct range reserved[3] = {
		{ 0, CB_LOW_END, "cellboot" },
		{ s->comm_addr, s->comm_addr + COMM_REGION_PAGE_SIZE, "the comm region" },
		{ p->config_addr, p->config_addr + s->cfg.total_size, "the cell config" },
	};
	struct plan_input in = {
		.ram = s->ram, .num_ram = s->num_ram,
		.reserved = reserved, .num_reserved = s->have_cfg ? 3 : 2,
		.has_initrd = p->has_initrd,
		.initrd_addr = p->initrd_addr, .initrd_size = p->initrd_size,
	};
	struct bootparams_result bpr;
	char version[VERSION_MAX];
	struct bzimage k;
	struct plan pl;
	struct cb_err err;
	u64 cycles;

	parse_kernel(s, &k);
	in.k = &k;
	check(plan_place(&in, &pl, &err), &err);
	build_boot_params(s, &k, &pl, &bpr);
	cb_strlcpy(version, "unknown", sizeof(version));
	if (k.version_str && k.version_len < sizeof(version)) {
		cb_memcpy(version, k.version_str, k.version_len);
		version[k.version_len] = '\0';
	}

	say(LOG_DEFAULT, "kernel %s, protocol %u.%02u, file 0x%llx, %s 0x%llx, "
	    "window 0x%llx-0x%llx", version, k.version >> 8, k.version & 0xff,
	    (unsigned long long)k.load_addr,
	    pl.kernel_moved ? "moved to" : "runs in place at",
	    (unsigned long long)pl.kernel_pm,
	    (unsigned long long)pl.window_start,
	    (unsigned long long)pl.window_end - 1);
	if (p->has_initrd)
		say(LOG_DEFAULT, "initrd 0x%llx-0x%llx%s", (unsigned long long)pl.initrd_addr,
		    (unsigned long long)(pl.initrd_addr + p->initrd_size - 1),
		    pl.initrd_moved ? " (moved out of the kernel window)" : "");
	say(LOG_DEFAULT, "boot_params 0x%x, cmdline 0x%x (%zu bytes), "
	    "setup_data 0x%x (%u nodes%s)", CB_BOOT_PARAMS_ADDR, CB_CMDLINE_ADDR,
	    p->cmdline_len, CB_SETUP_DATA_ADDR, bpr.num_setup_data,
	    bpr.e820_ext_entries ? ", e820 extension" : "");

	if (pl.initrd_moved)
		move(pl.initrd_addr, p->initrd_addr, p->initrd_size);
	if (pl.kernel_moved)
		move(pl.kernel_pm, k.pm_addr, k.pm_size);
	check(map_ram(pl.window_start, pl.window_end - pl.window_start, &err), &err);

	cycles = rdtsc() - boot_tsc;
	say(LOG_DEFAULT, "handoff to 0x%llx after %llu TSC cycles (%llu us)",
	    (unsigned long long)(pl.kernel_pm + BP_ENTRY64_OFFSET),
	    (unsigned long long)cycles, (unsigned long long)tsc_to_us(cycles));
	handoff_jump(pl.kernel_pm + BP_ENTRY64_OFFSET, CB_BOOT_PARAMS_ADDR);
}
