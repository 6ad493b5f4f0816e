/* SPDX-License-Identifier: MIT */
/*
 * The fake arch/x86 of the host seam (fake_arch.h): the accessors
 * arch/x86/io.h declares under CB_HOST_SEAM, the symbols of the assembly
 * (entry.asm's check-in state, handoff_jump, move_bytes) and the
 * hypercall, each recording what the loader did.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/loader/fake_arch.h"
#include "arch/x86/copy.h"
#include "arch/x86/entry.h"
#include "arch/x86/handoff.h"
#include "arch/x86/hypercall.h"
#include "arch/x86/io.h"
#include "lib/layout.h"

#define APIC_ICR_LOW		0x300
#define MSR_X2APIC_ICR		0x830
#define ICR_DELIVERY_MASK	0x700
#define ICR_DELIVERY_INIT	0x500
#define ICR_DELIVERY_STARTUP	0x600
/*
 * What a read returns unless the script says otherwise: for an 8250,
 * IIR bits 7:6 (FIFOs on) and LSR bit 5 (transmitter empty): a 16550A
 * that is always ready. For the xAPIC ICR: bit 12 clear (not pending).
 */
#define READ_DEFAULT		0xe0

struct fake_hw *hw;
volatile u32 cpu_arrivals;
volatile u32 cpu_checked_in;
volatile u64 boot_tsc;

static void record(enum fake_op op, u64 addr, u64 val)
{
	if (hw->n < FAKE_LOG_MAX)
		hw->log[hw->n] = (struct fake_access){ op, addr, val };
	hw->n++;
}

u64 fake_now_us(void)
{
	return hw->tsc * 1000 / hw->tsc_khz;
}

void fake_set_checked_in(u32 n)
{
	/* as entry.asm: ticket t records its initial APIC ID, here 2 * t */
	for (u32 t = cpu_checked_in; t < n && t < CB_MAX_CPUS; t++)
		cpu_apic_ids[t] = (u8)(2 * t);
	cpu_arrivals = n;
	cpu_checked_in = n;
}

/* The other CPUs: they check in when the script says, or after INIT. */
static void platform_tick(void)
{
	u64 us = fake_now_us();
	u32 n = cpu_checked_in;

	if (us >= hw->cpus_start_us && n < hw->cpus_started)
		n = hw->cpus_started;
	if (hw->inits && us >= hw->init_at_us + hw->wake_latency_us &&
	    n < hw->cpus_woken)
		n = hw->cpus_woken;
	if (n != cpu_checked_in)
		fake_set_checked_in(n);
}

static void icr_write(u32 icr)
{
	switch (icr & ICR_DELIVERY_MASK) {
	case ICR_DELIVERY_INIT:
		if (!hw->inits++)
			hw->init_at_us = fake_now_us();
		break;
	case ICR_DELIVERY_STARTUP:
		hw->sipis++;
		hw->sipi_vector = icr & 0xff;
		break;
	default:
		break;
	}
}

void outb(u16 port, u8 v)
{
	record(FAKE_PIO_W, port, v);
	if (hw->fault_in_pio) {	/* what exception.asm would call */
		hw->fault_in_pio = false;
		exception_report(13, 0, 0, 0);
	}
}

u8 inb(u16 port)
{
	record(FAKE_PIO_R, port, READ_DEFAULT);
	return READ_DEFAULT;
}

void mmio_write8(u64 addr, u8 v)
{
	record(FAKE_MMIO8_W, addr, v);
}

u8 mmio_read8(u64 addr)
{
	record(FAKE_MMIO8_R, addr, READ_DEFAULT);
	return READ_DEFAULT;
}

void mmio_write32(u64 addr, u32 v)
{
	record(FAKE_MMIO32_W, addr, v);
	if (addr == (hw->apic_base_msr & APIC_BASE_ADDR_MASK) + APIC_ICR_LOW)
		icr_write(v);
}

u32 mmio_read32(u64 addr)
{
	record(FAKE_MMIO32_R, addr, READ_DEFAULT);
	return READ_DEFAULT;
}

u64 rdmsr(u32 msr)
{
	u64 v = msr == MSR_IA32_APIC_BASE ? hw->apic_base_msr : 0;

	record(FAKE_MSR_R, msr, v);
	return v;
}

void wrmsr(u32 msr, u64 v)
{
	record(FAKE_MSR_W, msr, v);
	if (msr == MSR_X2APIC_ICR)
		icr_write((u32)v);
}

u64 rdtsc(void)
{
	hw->tsc += hw->tsc_step;
	platform_tick();
	return hw->tsc;
}

void cpu_relax(void)
{
}

void cpu_park(void)
{
	hw->end = FAKE_PARKED;
	_exit(0);
}

void handoff_jump(u64 entry, u64 boot_params)
{
	hw->end = FAKE_HANDOFF;
	hw->handoff_entry = entry;
	hw->handoff_params = boot_params;
	_exit(0);
}

void move_bytes(u64 dst, u64 src, u64 n)
{
	if (src < FAKE_RAM_BASE || dst < FAKE_RAM_BASE ||
	    n > FAKE_RAM_END - src || n > FAKE_RAM_END - dst)
		abort();	/* outside the fake RAM: the child fails */
	memmove(fake_ram(dst), fake_ram(src), n);
}

bool jailhouse_hypercall_init(void)
{
	return hw->jailhouse;
}

void jailhouse_putc(char c)
{
	if (!hw->jailhouse)
		abort();	/* #UD on real hardware */
	if (hw->nputc < sizeof(hw->putc) - 1)
		hw->putc[hw->nputc++] = c;
}

/* ---- the test side ------------------------------------------------------ */

void *fake_ram(u64 addr)
{
	if (addr < FAKE_RAM_BASE || addr >= FAKE_RAM_END)
		abort();
	return (void *)(uintptr_t)addr;
}

bool fake_reset(void)
{
	static bool mapped, refused;

	if (!mapped && !refused) {
		void *want = (void *)(uintptr_t)FAKE_RAM_BASE;
		void *ram = mmap(want, FAKE_RAM_END - FAKE_RAM_BASE,
				 PROT_READ | PROT_WRITE, MAP_SHARED |
				 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		hw = mmap(NULL, sizeof(*hw), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (hw == MAP_FAILED)
			abort();
		mapped = ram == want;
		refused = !mapped;
		if (refused)
			fprintf(stderr, "fake_arch: cannot map the cell's low "
				"memory at %#llx (vm.mmap_min_addr?)\n",
				FAKE_RAM_BASE);
	}
	if (refused)
		return false;
	memset(fake_ram(FAKE_RAM_BASE), 0, FAKE_RAM_END - FAKE_RAM_BASE);
	memset(hw, 0, sizeof(*hw));
	hw->apic_base_msr = 0xfee00000 | 0x900;	/* enabled, BSP, xAPIC */
	hw->tsc_step = 1000;
	hw->tsc_khz = 1000000;
	hw->cpus_started = 1;
	boot_tsc = 0;
	cpu_arrivals = 0;
	cpu_checked_in = 0;
	fake_set_checked_in(1);
	return true;
}

void fake_boot(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		fn();
		hw->end = FAKE_RETURNED;
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		abort();
	hw->status = status;
}

u32 fake_count(enum fake_op op, u64 addr)
{
	u32 n = 0;

	for (u32 i = 0; i < hw->n && i < FAKE_LOG_MAX; i++)
		n += hw->log[i].op == op && hw->log[i].addr == addr;
	return n;
}

bool fake_touched(u64 lo, u64 hi, bool mmio)
{
	for (u32 i = 0; i < hw->n && i < FAKE_LOG_MAX; i++) {
		const struct fake_access *a = &hw->log[i];
		bool is_mmio = a->op >= FAKE_MMIO8_W && a->op <= FAKE_MMIO32_R;
		bool is_pio = a->op == FAKE_PIO_W || a->op == FAKE_PIO_R;

		if ((mmio ? is_mmio : is_pio) && a->addr >= lo && a->addr < hi)
			return true;
	}
	return false;
}

size_t fake_uart_text(enum fake_op op, u64 base, char *out, size_t size)
{
	u64 stride = op == FAKE_MMIO32_W ? 4 : 1;
	u8 lcr = 0;
	size_t len = 0;

	for (u32 i = 0; i < hw->n && i < FAKE_LOG_MAX; i++) {
		const struct fake_access *a = &hw->log[i];

		if (a->op != op || a->addr < base || a->addr >= base + 8 * stride)
			continue;
		if (a->addr == base + 3 * stride)
			lcr = (u8)a->val;
		else if (a->addr == base && !(lcr & 0x80) && len + 1 < size)
			out[len++] = (char)a->val;
	}
	out[len] = '\0';
	return len;
}
