/* SPDX-License-Identifier: MIT */
/*
 * Kernel check, placement, boot_params and the jump. Order matters:
 * boot_params is built while the kernel file is still where the root put
 * it (the header is copied from there); then the initrd moves, then the
 * kernel, then the window is mapped and control goes to startup_64.
 * An uncompressed kernel (ELF vmlinux, docs/vmlinux-boot.md) takes the
 * same path with a setup header of the loader's own; its segments move to
 * where they run (those already there stay) and the jump goes to the
 * kernel proper's startup_64, its ELF entry.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/digest.h"
#include "loader/map.h"
#include "loader/cpus.h"
#include "arch/x86/copy.h"
#include "arch/x86/entry.h"
#include "arch/x86/handoff.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"
#include "lib/bootparams.h"
#include "lib/elf.h"
#include "lib/jhsetup.h"
#include "lib/layout.h"
#include "lib/string.h"

/* the big ones static: a smaller frame, shorter code */
static struct bzimage k;
static struct plan pl;
static struct vmlinux v;
static struct setup_header vh;
static struct cb_err err;

/* How many bytes from addr to the end of the RAM range holding it. */
static u64 ram_after(const struct loader_state *s, u64 addr)
{
	for (u32 i = 0; i < s->num_ram; i++)
		if (addr >= s->ram[i].start && addr < s->ram[i].end)
			return s->ram[i].end - addr;
	return 0;
}

static void move(const char *what, u64 dst, u64 src, u64 len)
{
	if (map_ram(src, len, &err) || map_ram(dst, len, &err))
		fail(&err);
	say(LOG_VERBOSE, "move %s %#lx-%#lx to %#lx", what, src, src + len - 1,
	    dst);
	move_bytes(dst, src, len);
}

/*
 * A vmlinux: its initrd stays (in RAM, clear of cellboot, comm region and
 * config), its segments go where they run, clear of the rest and of the
 * file (reserved[4]). boot_params gets the loader's own setup header
 * (docs/vmlinux-boot.md). Returns the entry.
 */
static u64 place_vmlinux(const struct loader_state *s, const void *file,
			 u64 avail, struct plan_input *in, struct range *reserved)
{
	const struct params *p = &s->params;

	reserved[4].end = p->kernel_addr + avail;
	in->num_reserved = 3;
	if (p->has_initrd &&
	    plan_check_placed(in, "initrd", reserved[3].start, reserved[3].end,
			      &err))
		fail(&err);
	in->num_reserved = 5;
	if (elf_place(file, avail, p->kernel_addr, in, &v, &err))
		fail(&err);
	vh.root_flags = 1;	/* read-only root unless "rw" */
	vh.version = BZIMAGE_MIN_PROTOCOL;
	vh.cmdline_size = BP_VMLINUX_CMDLINE_SIZE;
	k.hdr = &vh;
	k.header_end = BP_SETUP_HDR_OFFSET + sizeof(vh);
	k.cmdline_size = BP_VMLINUX_CMDLINE_SIZE;
	pl.initrd_addr = p->initrd_addr;
	return v.entry;
}

/* A bzImage: the planner says where kernel and initrd go. Returns the entry. */
static u64 place_bzimage(const struct loader_state *s, const void *file,
			 u64 avail, const struct plan_input *in)
{
	const struct params *p = &s->params;

	if (bzimage_parse(file, avail, p->kernel_addr, &k, &err) ||
	    plan_place(in, &pl, &err))
		fail(&err);
	say(LOG_DEFAULT, "kernel %*pE, protocol %u.%02u, file %#lx, "
	    "window %#lx-%#lx%s", (int)k.version_len, k.version_str,
	    k.version >> 8, k.version & 0xff, k.load_addr,
	    pl.window_start, pl.window_end - 1,
	    pl.kernel_moved ? " (moved)" : " (in place)");
	return pl.kernel_pm + BP_ENTRY64_OFFSET;
}

/* The vmlinux's segments where they run, each bss part cleared. */
static void move_vmlinux(void)
{
	for (u32 i = 0; i < v.num; i++) {
		const struct elf_seg *g = &v.seg[i];

		if (g->src != g->dst)
			move("segment", g->dst, g->src, g->filesz);
		if (map_ram(g->dst, g->memsz, &err))
			fail(&err);
		cb_memset((u8 *)(uintptr_t)g->dst + g->filesz, 0,
			  g->memsz - g->filesz);
	}
}

/* The bzImage's protected-mode part to its window, the window mapped. */
static void move_bzimage(void)
{
	if (pl.kernel_moved)
		move("kernel", pl.kernel_pm, k.pm_addr, k.pm_size);
	if (map_ram(pl.window_start, pl.window_end - pl.window_start, &err))
		fail(&err);
}

void boot_kernel(struct loader_state *s)
{
	static struct jailhouse_setup_data jh;
	const struct params *p = &s->params;
	/*
	 * The bzImage planner takes the first 3 (2 without a config), a
	 * vmlinux all 5 (without a config that range is empty).
	 */
	struct range reserved[5] = {
		{ 0, CB_LOW_END, "cellboot" },
		{ s->comm_addr, s->comm_addr + COMM_REGION_PAGE_SIZE, "comm region" },
		{ p->config_addr, p->config_addr + s->cfg.total_size, "cell config" },
		{ p->initrd_addr, p->initrd_addr + p->initrd_size, "initrd" },
		{ p->kernel_addr, 0, "kernel file" },
	};
	struct plan_input in = {
		.ram = s->ram, .num_ram = s->num_ram,
		.reserved = reserved, .num_reserved = s->have_cfg ? 3 : 2,
		.k = &k, .has_initrd = p->has_initrd,
		.initrd_addr = p->initrd_addr, .initrd_size = p->initrd_size,
	};
	struct bootparams_input bi = {
		.k = &k,
		.cmdline_addr = CB_CMDLINE_ADDR,
		.cmdline_len = p->cmdline_len,
		.initrd_size = p->initrd_size,
		.e820 = &s->e820,
		.jh = &jh,
		.sd_buf = (void *)(uintptr_t)CB_SETUP_DATA_ADDR,
		.sd_addr = CB_SETUP_DATA_ADDR,
		.sd_size = CB_SETUP_DATA_SIZE,
	};
	struct bootparams_result bpr;
	/* what is loaded: the file size if given, at most the RAM there */
	u64 avail = ram_after(s, p->kernel_addr), cycles, entry;
	const void *file = (const void *)(uintptr_t)p->kernel_addr;
	bool elf;

	check_digests(s);	/* crc=: before anything is read from them */
	if (p->kernel_size && p->kernel_size < avail)
		avail = p->kernel_size;
	if (map_ram(p->kernel_addr, avail < BZIMAGE_PARSE_READ_MAX ? avail :
		    BZIMAGE_PARSE_READ_MAX, &err))
		fail(&err);
	elf = avail >= sizeof(struct elf64_ehdr) && elf_is_elf(file);
	entry = elf ? place_vmlinux(s, file, avail, &in, reserved) :
		      place_bzimage(s, file, avail, &in);
	bi.initrd_addr = pl.initrd_addr;
	jh_setup_fill(&jh, s->comm, s->have_cfg ? &s->cfg : NULL,
		      (const u8 *)cpu_apic_ids, s->cpus.checked_in);
	if (bootparams_build((struct boot_params *)(uintptr_t)CB_BOOT_PARAMS_ADDR,
			     &bi, &bpr, &err))
		fail(&err);
	cb_memcpy((void *)(uintptr_t)CB_CMDLINE_ADDR, p->cmdline, p->cmdline_len);
	((char *)(uintptr_t)CB_CMDLINE_ADDR)[p->cmdline_len] = '\0';

	if (p->has_initrd)
		say(LOG_DEFAULT, "initrd %#lx-%#lx%s",
		    (u64)bi.initrd_addr,
		    (u64)(bi.initrd_addr + p->initrd_size - 1),
		    pl.initrd_moved ? " (moved)" : "");
	say(LOG_VERBOSE, "boot_params %#x, cmdline %#x (%zu bytes), "
	    "setup_data %#x (%u nodes)", CB_BOOT_PARAMS_ADDR, CB_CMDLINE_ADDR,
	    p->cmdline_len, CB_SETUP_DATA_ADDR, bpr.num_setup_data);
	say(LOG_VERBOSE, "SETUP_JAILHOUSE: version %u, cpus %u, pm_timer %#x, "
	    "mmconfig %#lx, tsc_khz %u, apic_khz %u, standard_ioapic %u, "
	    "uarts %#x", jh.version, jh.num_cpus, jh.pm_timer_address,
	    (u64)jh.pci_mmconfig_base, jh.tsc_khz, jh.apic_khz,
	    jh.standard_ioapic, jh.flags);
	/* the initrd first: the plan keeps it off the kernel's source */
	if (pl.initrd_moved)
		move("initrd", pl.initrd_addr, p->initrd_addr, p->initrd_size);
	if (elf)
		move_vmlinux();
	else
		move_bzimage();

	cycles = rdtsc() - boot_tsc;
	say(LOG_DEFAULT, "handoff to %#lx after %lu TSC cycles (%lu us)",
	    entry, (u64)cycles, (u64)tsc_to_us(cycles));
	cpus_end_election();
	handoff_jump(entry, CB_BOOT_PARAMS_ADDR);
}
