/* SPDX-License-Identifier: MIT */
/*
 * An independent model of plan_place(), shared by tests/fuzz/fuzz_plan.c
 * and tests/unit/test_plan_props.c (header-only: both are built from one
 * source file plus lib/).
 *
 * plan_check() returns NULL if a plan_place() result is right, or a text
 * naming the first thing that is wrong. It checks two kinds of property:
 *
 * Safety (what the loader relies on to boot and never overwrite anything):
 *   (RAM is what the loader can map: below 2^47, PLAN_MAP_LIMIT)
 *   - the window [kernel_pm, runtime + init_size) lies inside one RAM range
 *     and overlaps no reserved range;
 *   - runtime is where Linux will really decompress itself when entered at
 *     kernel_pm: max(align_up(kernel_pm, kernel_alignment), pref_address)
 *     for a relocatable kernel (so aligned, >= pref_address), pref_address
 *     (== kernel_pm) otherwise;
 *   - the final initrd lies inside one RAM range, overlaps no reserved range
 *     and not the window, and ends at or below plan_initrd_limit();
 *   - a moved initrd does not land on the kernel file (the loader moves the
 *     initrd first and the kernel second, from the file);
 *   - nothing moved: the result is the input; the moved flags are true
 *     exactly when something moved.
 *
 * Preference (the order lib/plan.h documents): the model computes the
 * expected plan with its own search and the result must equal it:
 *   1. both in place; 2. kernel in place, initrd moved to the highest page-
 *   aligned slot clear of the window and the whole kernel file; 3. initrd in
 *   place, kernel moved to the lowest aligned address >= pref_address whose
 *   window is clear of the initrd; 4. kernel moved to the lowest such slot
 *   clear of the reserved ranges only, initrd moved to the highest slot
 *   clear of that window and the kernel file; else a "kernel" or "initrd"
 *   error. Slots are found by enumerating candidates (every lowest/highest
 *   feasible slot starts just after / ends just before an obstacle or a RAM
 *   or limit edge), not by the planner's skip loops.
 *
 * plan_check_error() checks a failure: the subject the model expects and
 * a detail that names at least one number.
 */
#ifndef CELLBOOT_TESTS_PLAN_ORACLE_H
#define CELLBOOT_TESTS_PLAN_ORACLE_H

#include <stdio.h>
#include <string.h>

#include "lib/plan.h"
#include "lib/bzimage.h"
#include "lib/abi/bootparam.h"

#define ORACLE_MAX_OBST (PLAN_MAX_RESERVED + 4)

struct oracle_obst {
	u64 s[ORACLE_MAX_OBST], e[ORACLE_MAX_OBST];
	u32 n;
};

/* What the model expects: a plan, or an error about "kernel"/"initrd". */
struct oracle_plan {
	const char *fail;		/* NULL: success */
	u64 kernel_pm, runtime, window_end, initrd_addr;
	bool kernel_moved, initrd_moved;
	int level;			/* 1..4: which preference applied */
};

static inline bool o_overlap(u64 s1, u64 e1, u64 s2, u64 e2)
{
	return s1 < e2 && s2 < e1;
}

/*
 * [s, e) inside one RAM range (e > s) that the loader can map: only below
 * PLAN_MAP_LIMIT (2^47, lib/pagetable.c) is RAM usable at all.
 */
static inline bool o_in_ram(const struct plan_input *in, u64 s, u64 e)
{
	if (e <= s || e > PLAN_MAP_LIMIT)
		return false;
	for (u32 i = 0; i < in->num_ram; i++)
		if (s >= in->ram[i].start && e <= in->ram[i].end)
			return true;
	return false;
}

static inline bool o_clear_of_reserved(const struct plan_input *in, u64 s, u64 e)
{
	for (u32 i = 0; i < in->num_reserved; i++)
		if (o_overlap(s, e, in->reserved[i].start, in->reserved[i].end))
			return false;
	return true;
}

static inline bool o_clear(const struct oracle_obst *o, u64 s, u64 e)
{
	for (u32 i = 0; i < o->n; i++)
		if (o_overlap(s, e, o->s[i], o->e[i]))
			return false;
	return true;
}

static inline void o_add(struct oracle_obst *o, u64 s, u64 e)
{
	if (s < e && o->n < ORACLE_MAX_OBST) {
		o->s[o->n] = s;
		o->e[o->n] = e;
		o->n++;
	}
}

static inline void o_reserved(struct oracle_obst *o, const struct plan_input *in)
{
	/* as given, even if empty: they block exactly as plan_place sees them */
	o->n = 0;
	for (u32 i = 0; i < in->num_reserved && o->n < ORACLE_MAX_OBST; i++) {
		o->s[o->n] = in->reserved[i].start;
		o->e[o->n] = in->reserved[i].end;
		o->n++;
	}
}

/* Round v up to a multiple of a (a power of two); false on overflow. */
static inline bool o_align_up(u64 v, u64 a, u64 *out)
{
	if (v > UINT64_MAX - (a - 1))
		return false;
	*out = (v + a - 1) & ~(a - 1);
	return true;
}

/* What Linux computes as its run address when entered at pm (0: wraps). */
static inline u64 o_linux_runtime(const struct bzimage *k, u64 pm)
{
	u64 t;

	if (!k->relocatable)
		return k->pref_address;
	if (!o_align_up(pm, k->kernel_alignment, &t))
		return 0;
	return t < k->pref_address ? k->pref_address : t;
}

static inline u64 o_initrd_limit(const struct bzimage *k)
{
	return k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G ? UINT64_MAX :
	       (u64)k->initrd_addr_max + 1;
}

/*
 * Kernel slot: the lowest t != 0 with t aligned, t >= pref_address, window
 * [t, t + init_size) inside RAM and clear of o; for a non-relocatable kernel
 * only t = pref_address. Returns false if none. (Address 0 is never a slot:
 * plan_place() uses 0 for "none", and the loader reserves it anyway.)
 */
static inline bool o_kernel_slot(const struct plan_input *in,
				 const struct oracle_obst *o, u64 *slot)
{
	const struct bzimage *k = in->k;
	u64 size = k->init_size, a = k->kernel_alignment, best = 0, t;
	bool found = false;

	if (!k->relocatable) {
		t = k->pref_address;
		if (t && t + size > t && o_in_ram(in, t, t + size) &&
		    o_clear(o, t, t + size)) {
			*slot = t;
			return true;
		}
		return false;
	}
	for (u32 c = 0; c < in->num_ram + o->n; c++) {
		u64 from = c < in->num_ram ? in->ram[c].start : o->e[c - in->num_ram];

		if (from < k->pref_address)
			from = k->pref_address;
		if (!from)
			from = 1;	/* 0 is not a slot: the next one is */
		if (!o_align_up(from, a, &t) || t + size <= t)
			continue;
		if (o_in_ram(in, t, t + size) && o_clear(o, t, t + size) &&
		    (!found || t < best)) {
			best = t;
			found = true;
		}
	}
	*slot = best;
	return found;
}

/*
 * Initrd slot: the highest page-aligned d != 0 with [d, d + size) inside
 * RAM, ending at or below limit, clear of o. Returns false if none.
 */
static inline bool o_initrd_slot(const struct plan_input *in,
				 const struct oracle_obst *o, u64 size,
				 u64 limit, u64 *slot)
{
	u64 best = 0;
	bool found = false;

	for (u32 c = 0; c < in->num_ram + o->n; c++) {
		u64 top = c < in->num_ram ? in->ram[c].end : o->s[c - in->num_ram];
		u64 d;

		if (top > limit)
			top = limit;
		if (top > PLAN_MAP_LIMIT)	/* RAM as the loader maps it */
			top = PLAN_MAP_LIMIT;
		if (top < size)
			continue;
		d = (top - size) & ~(u64)(PLAN_INITRD_ALIGN - 1);
		if (d && o_in_ram(in, d, d + size) && o_clear(o, d, d + size) &&
		    (!found || d > best)) {
			best = d;
			found = true;
		}
	}
	*slot = best;
	return found;
}

/* The plan lib/plan.h describes, computed independently. */
static inline void oracle_expect(const struct plan_input *in,
				 struct oracle_plan *x)
{
	const struct bzimage *k = in->k;
	u64 file_s = k->load_addr, file_e = k->pm_addr + k->pm_size;
	u64 ird_s = in->initrd_addr, ird_e = in->initrd_addr + in->initrd_size;
	u64 limit = o_initrd_limit(k);
	u64 rt = o_linux_runtime(k, k->pm_addr);
	u64 win_e = rt + k->init_size, slot;
	bool ird_ok = true, win_ok;
	struct oracle_obst o;

	memset(x, 0, sizeof(*x));
	if (!o_in_ram(in, file_s, file_e) ||
	    !o_clear_of_reserved(in, file_s, file_e)) {
		x->fail = "kernel";
		return;
	}
	if (in->has_initrd) {
		if (ird_e < ird_s || !o_in_ram(in, ird_s, ird_e) ||
		    !o_clear_of_reserved(in, ird_s, ird_e) ||
		    o_overlap(ird_s, ird_e, file_s, file_e)) {
			x->fail = "initrd";
			return;
		}
		ird_ok = ird_e <= limit;
	}

	/* 1 and 2: the kernel stays where it is */
	win_ok = (k->relocatable || k->pm_addr == k->pref_address) && rt &&
		 win_e > rt && o_in_ram(in, k->pm_addr, win_e) &&
		 o_clear_of_reserved(in, k->pm_addr, win_e);
	if (win_ok) {
		x->kernel_pm = k->pm_addr;
		x->runtime = rt;
		x->window_end = win_e;
		if (!in->has_initrd ||
		    (ird_ok && !o_overlap(ird_s, ird_e, k->pm_addr, win_e))) {
			x->initrd_addr = in->has_initrd ? ird_s : 0;
			x->level = 1;
			return;
		}
		o_reserved(&o, in);
		o_add(&o, file_s, win_e);	/* the file and the window */
		if (o_initrd_slot(in, &o, in->initrd_size, limit, &slot)) {
			x->initrd_addr = slot;
			x->initrd_moved = slot != ird_s;
			x->level = 2;
			return;
		}
	}

	/* 3: the initrd stays, the kernel moves */
	x->kernel_moved = true;
	if (ird_ok) {
		o_reserved(&o, in);
		if (in->has_initrd)
			o_add(&o, ird_s, ird_e);
		if (o_kernel_slot(in, &o, &slot)) {
			x->kernel_pm = x->runtime = slot;
			x->window_end = slot + k->init_size;
			x->initrd_addr = in->has_initrd ? ird_s : 0;
			x->level = 3;
			return;
		}
	}

	/* 4: both move */
	o_reserved(&o, in);
	if (!o_kernel_slot(in, &o, &slot)) {
		x->fail = "kernel";
		return;
	}
	x->kernel_pm = x->runtime = slot;
	x->window_end = slot + k->init_size;
	x->level = 4;
	if (in->has_initrd) {
		o_add(&o, slot, x->window_end);
		o_add(&o, file_s, file_e);
		if (!o_initrd_slot(in, &o, in->initrd_size, limit, &slot)) {
			x->fail = "initrd";
			return;
		}
		x->initrd_addr = slot;
		x->initrd_moved = slot != ird_s;
	}
}

#define O_FAIL(...) do { snprintf(buf, bufsize, __VA_ARGS__); return buf; } while (0)
#define O_X(v) ((unsigned long long)(v))

/* Safety invariants and equality with the model; NULL if all hold. */
static inline const char *plan_check(const struct plan_input *in,
				     const struct plan *p, char *buf,
				     size_t bufsize)
{
	const struct bzimage *k = in->k;
	u64 file_s = k->load_addr, file_e = k->pm_addr + k->pm_size;
	u64 ird_e = p->initrd_addr + in->initrd_size;
	u64 lrt = o_linux_runtime(k, p->kernel_pm);
	struct oracle_plan x;

	/* safety */
	if (p->window_start != p->kernel_pm)
		O_FAIL("window_start 0x%llx != kernel_pm 0x%llx",
		       O_X(p->window_start), O_X(p->kernel_pm));
	if (p->runtime != lrt || !lrt)
		O_FAIL("runtime 0x%llx, but Linux entered at 0x%llx runs at 0x%llx",
		       O_X(p->runtime), O_X(p->kernel_pm), O_X(lrt));
	if (k->relocatable &&
	    (p->runtime < k->pref_address || p->runtime < p->kernel_pm ||
	     (p->runtime % k->kernel_alignment &&
	      p->runtime != k->pref_address)))
		O_FAIL("runtime 0x%llx not aligned to 0x%x at or above pref 0x%llx",
		       O_X(p->runtime), k->kernel_alignment, O_X(k->pref_address));
	if (!k->relocatable && (p->runtime != k->pref_address ||
				p->kernel_pm != k->pref_address))
		O_FAIL("non-relocatable kernel at 0x%llx runtime 0x%llx, pref 0x%llx",
		       O_X(p->kernel_pm), O_X(p->runtime), O_X(k->pref_address));
	if (p->window_end != p->runtime + k->init_size ||
	    p->window_end <= p->runtime)
		O_FAIL("window_end 0x%llx != runtime 0x%llx + init_size 0x%x",
		       O_X(p->window_end), O_X(p->runtime), k->init_size);
	if (!o_in_ram(in, p->window_start, p->window_end))
		O_FAIL("window 0x%llx-0x%llx not inside one RAM range",
		       O_X(p->window_start), O_X(p->window_end));
	if (!o_clear_of_reserved(in, p->window_start, p->window_end))
		O_FAIL("window 0x%llx-0x%llx overlaps a reserved range",
		       O_X(p->window_start), O_X(p->window_end));
	if (!p->kernel_moved && p->kernel_pm != k->pm_addr)
		O_FAIL("kernel not moved but kernel_pm 0x%llx != pm_addr 0x%llx",
		       O_X(p->kernel_pm), O_X(k->pm_addr));
	if (!in->has_initrd) {
		if (p->initrd_addr || p->initrd_moved)
			O_FAIL("no initrd, but initrd_addr 0x%llx moved %d",
			       O_X(p->initrd_addr), p->initrd_moved);
	} else {
		if (p->initrd_moved != (p->initrd_addr != in->initrd_addr))
			O_FAIL("initrd_moved %d, initrd 0x%llx, input 0x%llx",
			       p->initrd_moved, O_X(p->initrd_addr),
			       O_X(in->initrd_addr));
		if (ird_e < p->initrd_addr ||
		    !o_in_ram(in, p->initrd_addr, ird_e))
			O_FAIL("initrd 0x%llx+0x%llx not inside one RAM range",
			       O_X(p->initrd_addr), O_X(in->initrd_size));
		if (!o_clear_of_reserved(in, p->initrd_addr, ird_e))
			O_FAIL("initrd 0x%llx-0x%llx overlaps a reserved range",
			       O_X(p->initrd_addr), O_X(ird_e));
		if (o_overlap(p->initrd_addr, ird_e, p->window_start,
			      p->window_end))
			O_FAIL("initrd 0x%llx-0x%llx overlaps window 0x%llx-0x%llx",
			       O_X(p->initrd_addr), O_X(ird_e),
			       O_X(p->window_start), O_X(p->window_end));
		if (ird_e > o_initrd_limit(k))
			O_FAIL("initrd ends at 0x%llx above its limit 0x%llx",
			       O_X(ird_e), O_X(o_initrd_limit(k)));
		if (plan_initrd_limit(k) != o_initrd_limit(k))
			O_FAIL("plan_initrd_limit 0x%llx, expected 0x%llx",
			       O_X(plan_initrd_limit(k)), O_X(o_initrd_limit(k)));
		if (p->initrd_moved &&
		    o_overlap(p->initrd_addr, ird_e, file_s, file_e))
			O_FAIL("moved initrd 0x%llx-0x%llx lands on the kernel "
			       "file 0x%llx-0x%llx", O_X(p->initrd_addr),
			       O_X(ird_e), O_X(file_s), O_X(file_e));
		if (p->initrd_moved && p->initrd_addr % PLAN_INITRD_ALIGN)
			O_FAIL("moved initrd 0x%llx not page-aligned",
			       O_X(p->initrd_addr));
	}
	if (!p->kernel_moved && !p->initrd_moved &&
	    (p->kernel_pm != k->pm_addr ||
	     p->runtime != o_linux_runtime(k, k->pm_addr) ||
	     p->initrd_addr != (in->has_initrd ? in->initrd_addr : 0)))
		O_FAIL("nothing moved, but the plan differs from the input");

	/* preference */
	oracle_expect(in, &x);
	if (x.fail)
		O_FAIL("planned, but the model expects a %s error", x.fail);
	if (p->kernel_pm != x.kernel_pm || p->runtime != x.runtime ||
	    p->window_end != x.window_end || p->initrd_addr != x.initrd_addr ||
	    p->kernel_moved != x.kernel_moved ||
	    p->initrd_moved != x.initrd_moved)
		O_FAIL("plan kernel 0x%llx (moved %d) runtime 0x%llx end 0x%llx "
		       "initrd 0x%llx (moved %d); model (level %d) kernel 0x%llx "
		       "(moved %d) runtime 0x%llx end 0x%llx initrd 0x%llx "
		       "(moved %d)", O_X(p->kernel_pm), p->kernel_moved,
		       O_X(p->runtime), O_X(p->window_end), O_X(p->initrd_addr),
		       p->initrd_moved, x.level, O_X(x.kernel_pm),
		       x.kernel_moved, O_X(x.runtime), O_X(x.window_end),
		       O_X(x.initrd_addr), x.initrd_moved);
	return NULL;
}

/* A failed plan_place(): the subject the model expects, a number named. */
static inline const char *plan_check_error(const struct plan_input *in,
					   const struct cb_err *err, char *buf,
					   size_t bufsize)
{
	struct oracle_plan x;
	bool digit = false;

	if (!err->what || (strcmp(err->what, "kernel") &&
			   strcmp(err->what, "initrd")))
		O_FAIL("error subject '%s'", err->what ? err->what : "(null)");
	if (!memchr(err->detail, '\0', sizeof(err->detail)))
		O_FAIL("error detail not terminated");
	for (const char *c = err->detail; *c; c++)
		digit |= *c >= '0' && *c <= '9';
	if (!digit)
		O_FAIL("%s: %s: names no number", err->what, err->detail);
	oracle_expect(in, &x);
	if (!x.fail)
		O_FAIL("%s: %s, but the model places the kernel at 0x%llx "
		       "(level %d) and the initrd at 0x%llx", err->what,
		       err->detail, O_X(x.kernel_pm), x.level,
		       O_X(x.initrd_addr));
	if (strcmp(x.fail, err->what))
		O_FAIL("%s: %s, but the model expects a %s error", err->what,
		       err->detail, x.fail);
	return NULL;
}

#undef O_FAIL
#undef O_X

/*
 * A synthetic bzImage: the setup sectors with a 2.15-style header. The
 * buffer must hold (setup_sects + 1) * 512 bytes (setup_sects 0 means 4).
 * bzimage_parse() reads only the setup part, so the protected-mode code
 * need not be there; pass avail = setup + code size.
 */
struct synth_kernel {
	u8 setup_sects;
	u16 version, xloadflags, jump;
	u32 syssize, init_size, kernel_alignment, initrd_addr_max;
	u8 relocatable;
	u64 pref_address;
};

static inline size_t synth_setup_size(const struct synth_kernel *s)
{
	return ((size_t)(s->setup_sects ? s->setup_sects : 4) + 1) * 512;
}

static inline void synth_build(u8 *buf, const struct synth_kernel *s)
{
	struct setup_header h;

	memset(buf, 0, synth_setup_size(s));
	memset(&h, 0, sizeof(h));
	h.setup_sects = s->setup_sects;
	h.syssize = s->syssize;
	h.boot_flag = BP_BOOT_FLAG_MAGIC;
	h.jump = s->jump;
	h.header = BP_HDRS_MAGIC;
	h.version = s->version;
	h.initrd_addr_max = s->initrd_addr_max;
	h.kernel_alignment = s->kernel_alignment;
	h.relocatable_kernel = s->relocatable;
	h.xloadflags = s->xloadflags;
	h.cmdline_size = 2047;
	h.pref_address = s->pref_address;
	h.init_size = s->init_size;
	memcpy(buf + BP_SETUP_HDR_OFFSET, &h, sizeof(h));
}

#endif
