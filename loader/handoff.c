/* SPDX-License-Identifier: MIT */
/* The handoff step: the last line, the other CPUs released, the jump. */
#include "loader/state.h"
#include "loader/console.h"
#include "arch/x86/entry.h"
#include "arch/x86/handoff.h"
#include "arch/x86/io.h"
#include "arch/x86/tsc.h"
#include "lib/layout.h"

void handoff(struct loader_state *s)
{
	u64 cycles = rdtsc() - boot_tsc;

	say(LOG_DEFAULT, "handoff to %#lx after %lu TSC cycles (%lu us)",
	    s->kernel.entry, (u64)cycles, (u64)tsc_to_us(cycles));
	cpus_end_election();
	handoff_jump(s->kernel.entry, CB_BOOT_PARAMS_ADDR);
}
