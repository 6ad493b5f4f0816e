/* SPDX-License-Identifier: MIT */
/*
 * loader/cpus.c on the host seam: the CPU check-in wait. Jailhouse starts
 * all of a cell's CPUs at once, so they check in within the grace time and
 * cellboot sends nothing; on plain QEMU or hardware only the boot CPU runs
 * and cellboot wakes the others with INIT-SIPI-SIPI, once; a CPU that
 * never comes costs the wait, no more. The fake TSC advances with every
 * read; the other CPUs check in when the script says or after an INIT.
 */
#include "tests/unit/loader/cell.h"
#include "loader/cpus.h"
#include "loader/map.h"
#include "arch/x86/tsc.h"

#define GRACE_US	2000	/* loader/cpus.c's WAKE_GRACE_US */
#define NEVER		~0ull
#define XAPIC		0xfee00900ull			/* enabled, BSP */
#define X2APIC		(XAPIC | (1ull << 10))
#define ICR_LOW		0xfee00300ull
#define MSR_X2APIC_ICR	0x830

struct cpu_row {
	const char *name;
	u32 expected, wait_ms;
	u64 apic_base;		/* IA32_APIC_BASE */
	u32 tsc_khz;
	u32 started;		/* CPUs Jailhouse starts, boot CPU included */
	u64 start_us;		/* when they check in */
	u32 woken;		/* CPUs checked in after an INIT */
	/* what cpus_wait did */
	u32 checked_in;
	bool woke;
	u64 min_us, max_us;	/* how long it waited */
};

static const struct cpu_row rows[] = {
	{ "one CPU: nothing to wait for", 1, 1000, XAPIC, 1000000, 1, 0, 0,
	  1, false, 0, 2 },
	{ "all check in before the grace time: no INIT-SIPI", 4, 1000, XAPIC,
	  1000000, 4, 500, 4, 4, false, 500, 502 },
	{ "only the boot CPU after the grace: woken once (xAPIC)", 4, 1000,
	  XAPIC, 1000000, 1, 0, 4, 4, true, GRACE_US, GRACE_US + 10500 },
	{ "only the boot CPU after the grace: woken once (x2APIC)", 4, 1000,
	  X2APIC, 1000000, 1, 0, 4, 4, true, GRACE_US, GRACE_US + 10500 },
	{ "the grace time at a 3 GHz TSC", 2, 1000, XAPIC, 3000000, 1, 0, 2,
	  2, true, GRACE_US, GRACE_US + 10500 },
	{ "two of four arrived: no INIT, the wait runs out", 4, 50, XAPIC,
	  1000000, 2, 100, 4, 2, false, 50000, 50002 },
	{ "nobody answers the wake: timeout, INIT sent once", 3, 50, XAPIC,
	  1000000, 1, 0, 1, 1, true, 50000, 50002 },
	/* the wake's own 10.4 ms of delays pass before they are seen */
	{ "CPUs that start late by themselves still count", 3, 1000, X2APIC,
	  1000000, 3, 5000, 1, 3, true, 5000, GRACE_US + 10500 },
};

static void run_row(const struct cpu_row *r)
{
	struct cpus_result res;
	u64 start, took;
	bool x2apic = r->apic_base & (1ull << 10);

	if (!fake_reset())
		skip();
	hw->apic_base_msr = r->apic_base;
	hw->tsc_khz = r->tsc_khz;
	hw->tsc_step = r->tsc_khz / 1000;	/* 1 us per TSC read */
	hw->cpus_started = r->started;
	hw->cpus_start_us = r->start_us;
	hw->cpus_woken = r->woken;
	hw->wake_latency_us = 100;
	map_init();
	tsc_set_khz(r->tsc_khz);

	start = fake_now_us();
	cpus_wait(r->expected, r->wait_ms, &res);
	took = fake_now_us() - start;

	assert_int_equal(res.expected, r->expected);
	assert_int_equal(res.checked_in, r->checked_in);
	assert_int_equal(res.woke, r->woke);
	if (took < r->min_us || took > r->max_us)
		fail_msg("%s: waited %llu us, want %llu-%llu", r->name,
			 (unsigned long long)took, (unsigned long long)r->min_us,
			 (unsigned long long)r->max_us);
	/* INIT once, then two SIPIs to vector 0 after 10 ms, or nothing */
	assert_int_equal(hw->inits, r->woke ? 1 : 0);
	assert_int_equal(hw->sipis, r->woke ? 2 : 0);
	assert_int_equal(hw->sipi_vector, 0);
	if (r->woke && (hw->init_at_us < start + GRACE_US ||
			hw->init_at_us > start + GRACE_US + 2))
		fail_msg("%s: INIT at %llu us, want at the grace time %u",
			 r->name, (unsigned long long)(hw->init_at_us - start),
			 GRACE_US);
	/* the IPIs go where the APIC mode says, and nowhere else */
	assert_int_equal(fake_count(FAKE_MMIO32_W, ICR_LOW),
			 r->woke && !x2apic ? 3 : 0);
	assert_int_equal(fake_count(FAKE_MSR_W, MSR_X2APIC_ICR),
			 r->woke && x2apic ? 3 : 0);
	assert_false(fake_touched(0, 0x10000, false));
}

static void test_cpu_rows(void **state)
{
	(void)state;
	CELL_ROWS(rows, run_row);
}

/* The boot CPU leaves: the next `cell start` elects a boot CPU again. */
static void test_end_election(void **state)
{
	(void)state;
	if (!fake_reset())
		skip();
	fake_set_checked_in(3);
	cpus_end_election();
	assert_int_equal(cpu_arrivals, 0);
	assert_int_equal(cpu_checked_in, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_rows),
		cmocka_unit_test(test_end_election),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
