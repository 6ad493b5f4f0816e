/* SPDX-License-Identifier: MIT */
#include "lib/plan.h"
#include "lib/string.h"

struct avoid {
	u32 n;
	struct range r[PLAN_MAX_RESERVED + 5];
};

static void avoid_init(struct avoid *a, const struct plan_input *in)
{
	a->n = 1;	/* the one range every plan avoids: see plan.h */
	a->r[0].start = PLAN_MAP_LIMIT;
	a->r[0].end = UINT64_MAX;
	a->r[0].name = PLAN_MAP_LIMIT_NAME;
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

static __attribute__((noinline)) bool window_fits(const struct plan_input *in, const struct avoid *a,
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
static __attribute__((noinline)) u64 find_kernel_slot(const struct plan_input *in, const struct avoid *a)
{
	const struct bzimage *k = in->k;
	u64 size = k->init_size;

	if (!k->relocatable)
		return window_fits(in, a, k->pref_address, k->pref_address + size) ?
		       k->pref_address : 0;
	for (u32 i = 0; i < in->num_ram; i++) {
		u64 s = in->ram[i].start < k->pref_address ? k->pref_address :
			in->ram[i].start;
		/* aligned (Linux runs there), and never 0: that means none */
		u64 t = align_up(s ? s : 1, k->kernel_alignment);

		while (t >= s && t + size > t && t + size <= in->ram[i].end) {
			const struct range *b =
				ranges_first_overlap(a->r, a->n, t, t + size);

			if (!b)
				return t;
			if (b->end > UINT64_MAX - (k->kernel_alignment - 1))
				break;	/* the next aligned address would wrap */
			t = align_up(b->end, k->kernel_alignment);
		}
	}
	return 0;
}

/* Highest page-aligned address for size bytes below limit; 0 if none. */
static __attribute__((noinline)) u64 find_initrd_slot(const struct plan_input *in, const struct avoid *a,
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

/* (need - top) in tenths of a MiB, rounded up; 0 if need <= top. */
#define SHORT_TENTHS(need, top) \
	((need) > (top) ? tenths_mib((need) - (top)) : 0)

/* d bytes in tenths of a MiB, rounded up, without overflow. */
static u64 tenths_mib(u64 d)
{
	return (d >> 20) * 10 + (((d & 0xfffff) * 10 + 0xfffff) >> 20);
}

/*
 * For a "no room" line: where size bytes would end if the cell's last RAM
 * range below limit went on upwards (*top is where it ends): the lowest
 * aligned start >= from, in or after that range, clear of everything
 * avoided below limit.
 */
static __attribute__((noinline)) u64 need_end(const struct plan_input *in,
	const struct avoid *a, u64 from, u64 size, u64 align, u64 limit,
	u64 *top)
{
	u32 n = in->num_ram;
	u64 t;

	while (n > 1 && in->ram[n - 1].start >= limit)
		n--;
	*top = n ? in->ram[n - 1].end : 0;
	*top = *top < limit ? *top : limit;
	t = n && in->ram[n - 1].start > from ? in->ram[n - 1].start : from;
	t = align_up(t, align);
	for (u32 i = 0; i < a->n; i++)
		if (a->r[i].start < limit &&
		    range_overlaps(t, t + size, a->r[i].start, a->r[i].end)) {
			if (a->r[i].end >= limit) {
				t = limit;	/* nothing clear below it */
				break;
			}
			t = align_up(a->r[i].end, align);
			i = (u32)-1;	/* start over */
		}
	return t + size;
}

static int check_placed(const struct plan_input *in, const struct avoid *a,
			const char *what, u64 s, u64 e, struct cb_err *err)
{
	const struct range *r = ranges_first_overlap(a->r, a->n, s, e);

	if (e < s || !ranges_contain(in->ram, in->num_ram, s, e))
		return cb_fail(err, what, "%#lx-%#lx is not inside cell RAM",
			       (u64)s, (u64)e - 1);
	if (r)
		return cb_fail(err, what, "%#lx-%#lx overlaps %s %#lx-%#lx",
			       (u64)s, (u64)e - 1,
			       r->name ? r->name : "a reserved range",
			       (u64)r->start,
			       (u64)r->end - 1);
	return 0;
}

int plan_place(const struct plan_input *in, struct plan *out,
	       struct cb_err *err)
{
	const struct bzimage *k = in->k;
	u64 file_end = k->pm_addr + k->pm_size;
	u64 ird_s = in->initrd_addr, ird_e = in->initrd_addr + in->initrd_size;
	u64 limit = plan_initrd_limit(k);
	u64 rt = bzimage_runtime_start(k, k->pm_addr);
	bool ird_ok = true, in_place, no_kernel = true;
	struct avoid a;
	u32 base;
	u64 need, top;

	cb_memset(out, 0, sizeof(*out));
	if (in->num_reserved > PLAN_MAX_RESERVED)
		return cb_fail(err, "plan", "%u reserved ranges, max %u",
			       in->num_reserved, PLAN_MAX_RESERVED);
	avoid_init(&a, in);
	base = a.n;	/* a.n goes back here for each attempt */
	if (check_placed(in, &a, "kernel", k->load_addr, file_end, err))
		return -1;
	if (in->has_initrd) {
		avoid_add(&a, k->load_addr, file_end, "kernel file");
		if (check_placed(in, &a, "initrd", ird_s, ird_e, err))
			return -1;
		ird_ok = ird_e <= limit;
	}
	/* the kernel can stay if it realigns itself (up to rt) in place */
	in_place = (k->relocatable || k->pm_addr == k->pref_address) &&
		   rt + k->init_size > rt;

	/*
	 * In order of preference: 0 everything in place, 1 initrd moved,
	 * 2 kernel moved, 3 both moved.
	 */
	for (u32 step = 0; step < 4; step++) {
		bool kmove = step >= 2, imove = step & 1;
		u64 run = rt;

		a.n = base;
		if (imove ? !in->has_initrd : !ird_ok)
			continue;
		if (!imove && in->has_initrd)
			avoid_add(&a, ird_s, ird_e, "initrd");
		out->kernel_pm = k->pm_addr;
		if (kmove)
			out->kernel_pm = run = find_kernel_slot(in, &a);
		else if (!in_place ||
			 !window_fits(in, &a, k->pm_addr, rt + k->init_size))
			out->kernel_pm = 0;
		no_kernel = !out->kernel_pm;
		if (no_kernel)
			continue;
		out->initrd_addr = ird_s;
		if (imove) {
			/*
			 * The initrd moves first, so it must spare the whole
			 * kernel file (the source of a kernel move) too.
			 */
			avoid_add(&a, out->kernel_pm, run + k->init_size,
				  "kernel window");
			avoid_add(&a, k->load_addr, file_end, "kernel file");
			out->initrd_addr = find_initrd_slot(in, &a,
							    in->initrd_size, limit);
			if (!out->initrd_addr)
				continue;
		}
		if (!in->has_initrd)
			out->initrd_addr = 0;
		out->initrd_moved = in->has_initrd && out->initrd_addr != ird_s;
		out->kernel_moved = kmove;
		out->runtime = run;
		out->window_start = out->kernel_pm;
		out->window_end = run + k->init_size;
		return 0;
	}
	/* no room: how far the RAM below the limit would have to reach */
	limit = limit < PLAN_MAP_LIMIT ? limit : PLAN_MAP_LIMIT;
	if (no_kernel) {
		/* a fixed kernel's alignment is never checked: steps of 2^n only */
		u64 align = k->kernel_alignment;

		if (!align || (align & (align - 1)))
			align = 1;
		need = need_end(in, &a, k->pref_address, k->init_size, align,
				PLAN_MAP_LIMIT, &top);
		return cb_fail(err, "kernel", "no room: cell RAM ends at %#lx, "
			       "the kernel needs up to %#lx: %lu.%lu MiB short "
			       "(init_size %#x at >= %#lx, align %#x)", top, need,
			       SHORT_TENTHS(need, top) / 10,
			       SHORT_TENTHS(need, top) % 10, k->init_size,
			       (u64)k->pref_address, k->kernel_alignment);
	}
	need = need_end(in, &a, 0, in->initrd_size, PLAN_INITRD_ALIGN, limit,
			&top);
	return cb_fail(err, "initrd", "no room: cell RAM ends at %#lx, the "
		       "initrd needs up to %#lx: %lu.%lu MiB short (%#lx bytes "
		       "below %#lx, off window %#lx-%#lx)", top, need,
		       SHORT_TENTHS(need, top) / 10, SHORT_TENTHS(need, top) % 10,
		       (u64)in->initrd_size, limit, (u64)out->kernel_pm,
		       (u64)(out->kernel_pm + k->init_size - 1));
}

int plan_check_placed(const struct plan_input *in, const char *what, u64 s,
		      u64 e, struct cb_err *err)
{
	struct avoid a;

	avoid_init(&a, in);
	return check_placed(in, &a, what, s, e, err);
}
