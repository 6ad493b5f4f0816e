/* SPDX-License-Identifier: MIT */
/*
 * What a cell finds at start that neither the root nor cellboot writes,
 * reproduced for an emulator (`cellboot qemu`, the QEMU cell runner):
 *
 *  - the comm region page, filled the way the hypervisor fills it at cell
 *    start (docs/jailhouse-abi.md 4.2): signature, ABI revision, flags and
 *    console from the cell config, num_cpus from its cpu set, and the
 *    platform values the system config would supply;
 *  - a 64 KiB reset ROM for QEMU's -bios: the reset vector (offset 0xfff0)
 *    does `cli; jmp 0000:0000`, the start state of a Jailhouse x86 cell,
 *    and, for a stock kernel without Jailhouse guest support, an Intel MP
 *    1.4 table at the start of the ROM (physical 0xf0000) listing N CPUs
 *    (APIC IDs 0..N-1, 0 is the BSP), an ISA bus, the IOAPIC at 0xfec00000
 *    with id N, the ISA interrupt routing QEMU wires (IRQ0 -> pin 2, IRQ n
 *    -> pin n) and ExtINT/NMI on LINT0/LINT1.
 *
 * This is the only description of the ROM: `cellboot mkrom` writes it, the
 * Python QEMU cell runner uses that, and tests/tool/test_qemu.py decodes it
 * the way a CPU and a kernel read it.
 */
#ifndef CELLBOOT_TOOLS_LIB_CELLSIM_H
#define CELLBOOT_TOOLS_LIB_CELLSIM_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/cellcfg.h"
#include "lib/abi/comm_region.h"

#define CELLSIM_ROM_SIZE	0x10000u
#define CELLSIM_ROM_PHYS	0xf0000u	/* where QEMU aliases the -bios image */
#define CELLSIM_RESET_OFFSET	0xfff0u
#define CELLSIM_MAX_CPUS	254u	/* APIC IDs 0..N-1 and the IOAPIC id N */

/* Values the system config supplies to every cell's comm region. */
struct cellsim_platform {
	u32 tsc_khz;
	u32 apic_khz;
	u16 pm_timer_address;
	u64 pci_mmconfig_base;
};

/*
 * Fills a COMM_REGION_PAGE_SIZE page at `page` (zeroed first, as the
 * hypervisor does at cell start).
 */
void cellsim_comm_fill(void *page, const struct cell_config *cfg,
		       const struct cellsim_platform *plat);

/*
 * Writes the CELLSIM_ROM_SIZE-byte reset ROM into rom. cpus == 0 leaves
 * the MP table out. Returns 0, or -1 with err if cpus is above
 * CELLSIM_MAX_CPUS.
 */
int cellsim_rom_build(u8 *rom, u32 cpus, struct cb_err *err);

#endif
