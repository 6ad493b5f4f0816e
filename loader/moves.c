/* SPDX-License-Identifier: MIT */
/*
 * The moves step, after boot_params: the initrd first (the plan keeps it
 * off the kernel's source), then the kernel: a bzImage's protected-mode
 * part to its window, a vmlinux's segments where they run (those already
 * there stay, each bss part cleared). Everything the kernel owns at entry
 * ends up mapped.
 */
#include "loader/state.h"
#include "loader/console.h"
#include "loader/map.h"
#include "arch/x86/copy.h"
#include "lib/string.h"

static void move(const char *what, u64 dst, u64 src, u64 len)
{
	must(map_ram(src, len, &step_err));
	must(map_ram(dst, len, &step_err));
	say(LOG_VERBOSE, "move %s %#lx-%#lx to %#lx", what, src, src + len - 1,
	    dst);
	move_bytes(dst, src, len);
}

static void move_vmlinux(const struct vmlinux *v)
{
	for (u32 i = 0; i < v->num; i++) {
		const struct elf_seg *g = &v->seg[i];

		if (g->src != g->dst)
			move("segment", g->dst, g->src, g->filesz);
		must(map_ram(g->dst, g->memsz, &step_err));
		cb_memset((u8 *)(uintptr_t)g->dst + g->filesz, 0,
			  g->memsz - g->filesz);
	}
}

static void move_bzimage(const struct bzimage *k, const struct plan *pl)
{
	if (pl->kernel_moved)
		move("kernel", pl->kernel_pm, k->pm_addr, k->pm_size);
	must(map_ram(pl->window_start, pl->window_end - pl->window_start,
		     &step_err));
}

void move_images(struct loader_state *s)
{
	const struct params *p = &s->params;
	const struct placement *kp = &s->kernel;

	if (kp->pl.initrd_moved)
		move("initrd", kp->pl.initrd_addr, p->initrd_addr,
		     p->initrd_size);
	if (kp->elf)
		move_vmlinux(&kp->v);
	else
		move_bzimage(&kp->k, &kp->pl);
}
