/* SPDX-License-Identifier: MIT */
/*
 * The C end of arch/x86/exception.asm: any CPU exception in the loader is
 * one error line, the cell state FAILED and a parked CPU, never a reset.
 */
#include "loader/console.h"
#include "arch/x86/entry.h"
#include "arch/x86/io.h"

/* Intel SDM vol. 3, table "Protected-Mode Exceptions and Interrupts" */
static const char names[][4] = {
	"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "CSO", "TS",
	"NP", "SS", "GP", "PF", "15", "MF", "AC", "MC", "XM", "VE", "CP",
};

void exception_report(u64 vector, u64 error_code, u64 rip, u64 cr2)
{
	static bool reporting;
	struct cb_err err;

	if (reporting)		/* the report itself faulted: stop here */
		cpu_park();
	reporting = true;
	cb_fail(&err, "cpu", "exception #%s (vector %lu) at rip %#lx, error "
		"code %#lx, cr2 %#lx",
		vector < ARRAY_SIZE(names) ? names[vector] : "reserved",
		vector, rip, error_code, cr2);
	fail(&err);
}
