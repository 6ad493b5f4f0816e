/* SPDX-License-Identifier: MIT */
#include "lib/pagetable.h"
#include "lib/range.h"
#include "lib/string.h"

#define PT_ENTRIES 512

static u64 *next_table(struct pt_pool *p, u64 *entry, struct cb_err *err)
{
	u64 *t;

	if (*entry & PT_PRESENT)
		return (u64 *)(uintptr_t)(*entry & PT_ADDR_MASK);
	if (p->end - p->next < 4096) {
		cb_fail(err, "page tables", "out of table pages");
		return NULL;
	}
	t = (u64 *)p->next;
	p->next += 4096;
	cb_memset(t, 0, 4096);
	*entry = (u64)(uintptr_t)t | PT_PRESENT | PT_RW;
	return t;
}

int pt_map(struct pt_pool *p, u64 start, u64 end, u64 flags,
	   struct cb_err *err)
{
	if (end <= start)
		return 0;
	if (end > 1ull << 47)	/* identity maps need canonical addresses */
		return cb_fail(err, "page tables", "%#lx-%#lx is above 2^47",
			       start, end);
	for (u64 a = align_down(start, PT_PAGE_2M); a < end; a += PT_PAGE_2M) {
		u64 *pdpt = next_table(p, &p->pml4[(a >> 39) % PT_ENTRIES], err);
		u64 *pd = pdpt ? next_table(p, &pdpt[(a >> 30) % PT_ENTRIES], err) :
			  NULL;
		u64 *pde;

		if (!pd)
			return -1;
		pde = &pd[(a >> 21) % PT_ENTRIES];
		if (!(*pde & PT_PRESENT))
			*pde = a | PT_PRESENT | PT_RW | PT_PS | flags;
	}
	return 0;
}

u64 pt_lookup(const u64 *pml4, u64 addr)
{
	u64 e = pml4[(addr >> 39) % PT_ENTRIES];

	if (!(e & PT_PRESENT))
		return 0;
	e = ((const u64 *)(uintptr_t)(e & PT_ADDR_MASK))[(addr >> 30) % PT_ENTRIES];
	if (!(e & PT_PRESENT))
		return 0;
	e = ((const u64 *)(uintptr_t)(e & PT_ADDR_MASK))[(addr >> 21) % PT_ENTRIES];
	return (e & PT_PRESENT) ? e : 0;
}
