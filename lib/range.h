/* SPDX-License-Identifier: MIT */
/* Half-open address ranges [start, end) and alignment helpers. */
#ifndef CELLBOOT_LIB_RANGE_H
#define CELLBOOT_LIB_RANGE_H

#include "lib/types.h"

struct range {
	u64 start, end;
	const char *name;	/* for error messages; may be NULL */
};

static inline u64 align_up(u64 v, u64 a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline u64 align_down(u64 v, u64 a)
{
	return v & ~(a - 1);
}

static inline bool range_overlaps(u64 s1, u64 e1, u64 s2, u64 e2)
{
	return s1 < e2 && s2 < e1;
}

/* True if [s, e) lies inside one of the n ranges. */
static inline bool ranges_contain(const struct range *r, u32 n, u64 s, u64 e)
{
	for (u32 i = 0; i < n; i++)
		if (s >= r[i].start && e <= r[i].end)
			return true;
	return false;
}

/* The first of the n ranges that overlaps [s, e), or NULL. */
static inline const struct range *ranges_first_overlap(const struct range *r,
						       u32 n, u64 s, u64 e)
{
	const struct range *hit = NULL;

	for (u32 i = 0; i < n; i++)
		if (range_overlaps(s, e, r[i].start, r[i].end) &&
		    (!hit || r[i].start < hit->start))
			hit = &r[i];
	return hit;
}

#endif
