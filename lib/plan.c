/* SPDX-License-Identifier: MIT */
#include "lib/plan.h"
#include "lib/string.h"

struct avoid {
	struct range r[PLAN_MAX_RESERVED + 4];
	u32 n;
};

static void avoid_init(struct avoid *a, const struct plan_input *in)
{
	a->n = 0;
	for (u32 i = 0; i < in->num_reserved && i < PLAN_MAX_RESERVED; i++)
		a->r[a->n++] = in->reserved[i];
}

static void avoid_add(struct avoid *a, u64 start, u64 end, const char *name)
{
	if (start < end && a->n < ARRAY_SIZE(a->r)) {
		a->r[a->n].start = start;
		a->r[a->n].end = end;
		a->r[a->n].name = name;
		a->n++;
	}
}

/* Highest-starting range of a overlapping [s, e), or NULL. */
static const struct range *last_overlap(const struct avoid *a, u64 s, u64 e)
{
	const struct range *hit = NULL;

	for (u32 i = 0; i < a->n; i++)
		if (range_overlaps(s, e, a->r[i].start, a->r[i].end) &&
		    (!hit || a->r[i].start > hit->start))
			hit = &a->r[i];
	return hit;
}

static bool window_fits(const struct plan_input *in, const struct avoid *a,
			u64 s, u64 e)
{
	return e > s && ranges_contain(in->ram, in->num_ram, s, e) &&
	       !ranges_first_overlap(a->r, a->n, s, e);
}

u64 plan_initrd_limit(const struct bzimage *k)
{
	if (k->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)
		return UINT64_MAX;
	return (u64)k->initrd_addr_max + 1;
}

/* Lowest runnable address whose window fits; 0 if none. */
static u64 find_kernel_slot(const struct plan_input *in, const struct avoid *a)
{
	const struct bzimage *k = in->k;
	u64 size = k->init_size;

	if (!k->relocatable)
		return window_fits(in, a, k->pref_address, k->pref_address + size) ?
		       k->pref_address : 0;
	for (u32 i = 0; i < in->num_ram; i++) {
		u64 t = align_up(in->ram[i].start, k->kernel_alignment);

		if (t < k->pref_address)
			t = k->pref_address;
		while (t >= in->ram[i].start && t + size > t &&
		       t + size <= in->ram[i].end) {
			const struct range *b =
				ranges_first_overlap(a->r, a->n, t, t + size);

			if (!b)
				return t;
			t = align_up(b->end, k->kernel_alignment);
		}
	}
	return 0;
}

/* Highest page-aligned address for size bytes below limit; 0 if none. */
static u64 find_initrd_slot(const struct plan_input *in, const struct avoid *a,
			    u64 size, u64 limit)
{
	for (u32 i = in->num_ram; i-- > 0;) {
		u64 lo = in->ram[i].start;
		u64 hi = in->ram[i].end < limit ? in->ram[i].end : limit;

		while (hi > lo && hi - lo >= size) {
			u64 d = align_down(hi - size, PLAN_INITRD_ALIGN);
			const struct range *b;

			if (d < lo || d == 0)
				break;
			b = last_overlap(a, d, d + size);
			if (!b)
				return d;
			hi = b->start;
		}
	}
	return 0;
}

static int check_placed(const struct plan_input *in, const char *what,
			u64 s, u64 e, struct cb_err *err)
{
	const struct range *r;

	if (e < s || !ranges_contain(in->ram, in->num_ram, s, e))
		return cb_fail(err, what, "0x%llx-0x%llx is not inside cell RAM",
			       (unsigned long long)s, (unsigned long long)e - 1);
	r = ranges_first_overlap(in->reserved, in->num_reserved, s, e);
	if (r)
		return cb_fail(err, what, "0x%llx-0x%llx overlaps %s 0x%llx-0x%llx",
			       (unsigned long long)s, (unsigned long long)e - 1,
			       r->name ? r->name : "a reserved range",
			       (unsigned long long)r->start,
			       (unsigned long long)r->end - 1);
	return 0;
}

static void largest_ram(const struct plan_input *in, u64 *s, u64 *e)
{
	*s = *e = 0;
	for (u32 i = 0; i < in->num_ram; i++)
		if (in->ram[i].end - in->ram[i].start > *e - *s) {
			*s = in->ram[i].start;
			*e = in->ram[i].end;
		}
}

int plan_place(const struct plan_input *in, struct plan *out,
	       struct cb_err *err)
{
	const struct bzimage *k = in->k;
	u64 file_end = k->pm_addr + k->pm_size;
	u64 ird_s = in->initrd_addr, ird_e = in->initrd_addr + in->initrd_size;
	u64 limit = plan_initrd_limit(k);
	u64 rt = bzimage_runtime_start(k, k->pm_addr);
	bool ird_ok = true, in_place;
	struct avoid a;

	cb_memset(out, 0, sizeof(*out));
	if (check_placed(in, "kernel", k->load_addr, file_end, err))
		return -1;
	if (in->has_initrd) {
		if (ird_e < ird_s)
			return cb_fail(err, "initrd", "0x%llx+0x%llx wraps past 2^64",
				       (unsigned long long)ird_s,
				       (unsigned long long)in->initrd_size);
		if (check_placed(in, "initrd", ird_s, ird_e, err))
			return -1;
		if (range_overlaps(ird_s, ird_e, k->load_addr, file_end))
			return cb_fail(err, "initrd", "0x%llx-0x%llx overlaps the "
				       "kernel file 0x%llx-0x%llx",
				       (unsigned long long)ird_s,
				       (unsigned long long)ird_e - 1,
				       (unsigned long long)k->load_addr,
				       (unsigned long long)file_end - 1);
		ird_ok = ird_e <= limit;
	}

	/* 1. kernel where it is (it realigns itself up to rt) */
	avoid_init(&a, in);
	in_place = (k->relocatable || k->pm_addr == k->pref_address) &&
		   rt + k->init_size > rt &&
		   window_fits(in, &a, k->pm_addr, rt + k->init_size);
	out->kernel_pm = k->pm_addr;
	out->runtime = rt;
	if (in_place && (!in->has_initrd ||
			 (ird_ok && !range_overlaps(ird_s, ird_e, k->pm_addr,
						    rt + k->init_size))))
		goto initrd_kept;

	/* 2. kernel in place, initrd moved */
	if (in_place && in->has_initrd) {
		struct avoid b = a;

		avoid_add(&b, k->pm_addr, rt + k->init_size, "the kernel window");
		avoid_add(&b, k->load_addr, k->pm_addr, "the kernel file");
		out->initrd_addr = find_initrd_slot(in, &b, in->initrd_size, limit);
		if (out->initrd_addr)
			goto initrd_moved;
	}

	/* 3. kernel moved, initrd kept */
	out->kernel_moved = true;
	if (ird_ok) {
		struct avoid b = a;

		if (in->has_initrd)
			avoid_add(&b, ird_s, ird_e, "the initrd");
		out->kernel_pm = find_kernel_slot(in, &b);
		if (out->kernel_pm)
			goto moved_kernel;
	}

	/* 4. both moved: kernel first choice, initrd around it */
	out->kernel_pm = find_kernel_slot(in, &a);
	if (!out->kernel_pm) {
		u64 ls, le;

		largest_ram(in, &ls, &le);
		return cb_fail(err, "kernel", "no room for init_size 0x%x at or "
			       "above pref_address 0x%llx (alignment 0x%x) in cell "
			       "RAM clear of cellboot's ranges; largest RAM range "
			       "0x%llx-0x%llx", k->init_size,
			       (unsigned long long)k->pref_address,
			       k->kernel_alignment, (unsigned long long)ls,
			       (unsigned long long)le - 1);
	}
	if (!in->has_initrd)
		goto moved_kernel;
	avoid_add(&a, out->kernel_pm, out->kernel_pm + k->init_size,
		  "the kernel window");
	avoid_add(&a, k->pm_addr, file_end, "the kernel file");
	out->initrd_addr = find_initrd_slot(in, &a, in->initrd_size, limit);
	if (!out->initrd_addr)
		return cb_fail(err, "initrd", "no room for 0x%llx bytes below "
			       "0x%llx clear of the kernel window 0x%llx-0x%llx "
			       "and cellboot's ranges",
			       (unsigned long long)in->initrd_size,
			       (unsigned long long)(limit == UINT64_MAX ? 0 : limit),
			       (unsigned long long)out->kernel_pm,
			       (unsigned long long)(out->kernel_pm + k->init_size - 1));
	out->runtime = out->kernel_pm;
	goto initrd_moved;

moved_kernel:
	out->runtime = out->kernel_pm;
initrd_kept:
	out->initrd_addr = in->has_initrd ? ird_s : 0;
	out->window_start = out->kernel_pm;
	out->window_end = out->runtime + k->init_size;
	return 0;

initrd_moved:
	out->initrd_moved = out->initrd_addr != ird_s;
	out->window_start = out->kernel_pm;
	out->window_end = out->runtime + k->init_size;
	return 0;
}
