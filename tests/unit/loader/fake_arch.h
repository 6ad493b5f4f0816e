/* SPDX-License-Identifier: MIT */
/*
 * The host seam of loader/ (docs/boot-testing.md, "The loader on the
 * host"): the loader C files and arch/x86's C files, built with CB_HOST_SEAM, run
 * on the host against this fake of what arch/x86/io.h, entry.asm,
 * handoff.asm, copy.asm and hypercall.c provide. Every port, MMIO and MSR
 * access is recorded; reads, the TSC and the other CPUs follow a script.
 *
 * The cell's low memory is real host memory at the cell's addresses
 * (FAKE_RAM_BASE up to FAKE_RAM_END, mapped at those addresses), so the
 * loader reads its params buffer at CB_PARAMS_ADDR, the comm region at
 * 0x100000 and a config where config= says, unchanged. Each boot runs in
 * a child process: the loader's statics start at zero as after entry.asm
 * cleared .bss, and its one-way exits (a parked CPU, the handoff) end the
 * child instead of the test.
 */
#ifndef CELLBOOT_TESTS_UNIT_LOADER_FAKE_ARCH_H
#define CELLBOOT_TESTS_UNIT_LOADER_FAKE_ARCH_H

#include "lib/types.h"

#define FAKE_RAM_BASE	0x1000ull	/* page 0 cannot be mapped on Linux */
#define FAKE_RAM_END	0x400000ull	/* 4 MiB: low area, comm region, a kernel */

enum fake_op {
	FAKE_PIO_W, FAKE_PIO_R, FAKE_MMIO8_W, FAKE_MMIO8_R, FAKE_MMIO32_W,
	FAKE_MMIO32_R, FAKE_MSR_W, FAKE_MSR_R,
};

struct fake_access {
	enum fake_op op;
	u64 addr;		/* port, physical address or MSR */
	u64 val;
};

enum fake_end { FAKE_RUNNING, FAKE_PARKED, FAKE_HANDOFF, FAKE_RETURNED };

#define FAKE_LOG_MAX	32768

/* Shared with the child that boots: script in, record out. */
struct fake_hw {
	/* the script */
	bool jailhouse;		/* CPUID says Jailhouse: the hypercall works */
	u64 apic_base_msr;	/* IA32_APIC_BASE (x2APIC: bit 10 set) */
	u64 tsc_step;		/* cycles each rdtsc() advances the clock */
	u32 cpus_started;	/* CPUs the hypervisor starts, boot CPU included */
	u64 cpus_start_us;	/* when the others of them check in */
	u32 cpus_woken;		/* CPUs checked in some time after an INIT IPI */
	u64 wake_latency_us;
	u32 tsc_khz;		/* how the fake turns its clock into us */
	bool fault_in_pio;	/* the next port write raises #GP (once) */
	/* the record */
	u64 tsc;
	u64 init_at_us;		/* 0: no INIT IPI */
	u32 inits, sipis, sipi_vector;
	enum fake_end end;
	u64 handoff_entry, handoff_params;
	int status;		/* the child's exit status (fake_boot) */
	u32 n;
	struct fake_access log[FAKE_LOG_MAX];
	u32 nputc;
	char putc[4096];	/* the debug-console hypercall's bytes */
};

extern struct fake_hw *hw;

/*
 * Maps the cell's memory (once) and resets it and the script to a plain
 * boot: one CPU (the boot CPU) checked in, xAPIC at 0xfee00000, a 1 GHz
 * TSC, no hypervisor. False if the host refuses the low mapping
 * (vm.mmap_min_addr above FAKE_RAM_BASE): the caller skips.
 */
bool fake_reset(void);
/* The fake RAM at a cell address. */
void *fake_ram(u64 addr);
/* The check-in state entry.asm keeps (arch/x86/entry.h), APIC IDs 0, 2, 4... */
void fake_set_checked_in(u32 n);
u64 fake_now_us(void);

/*
 * Runs fn in a child (fresh statics) until it parks, hands off or
 * returns; hw->end and hw->status say which. The record stays in hw.
 */
void fake_boot(void (*fn)(void));

/* How many accesses of op at addr were recorded. */
u32 fake_count(enum fake_op op, u64 addr);
/* Any access to a port or an MMIO address in [lo, hi)? */
bool fake_touched(u64 lo, u64 hi, bool mmio);
/*
 * The text sent to the 8250 at base (op FAKE_PIO_W, FAKE_MMIO8_W or
 * FAKE_MMIO32_W; stride 1 or 4): writes to its THR while LCR.DLAB is clear.
 */
size_t fake_uart_text(enum fake_op op, u64 base, char *out, size_t size);

#endif
