/* SPDX-License-Identifier: MIT */
/*
 * Parser for a binary Jailhouse cell configuration (revision 14).
 *
 * cellcfg_parse() checks the signature, revision, architecture and that
 * every array lies inside the given buffer, then returns a view whose
 * pointers point into that buffer (no copies; the buffer may be unaligned).
 */
#ifndef CELLBOOT_LIB_CELLCFG_H
#define CELLBOOT_LIB_CELLCFG_H

#include "lib/types.h"
#include "lib/error.h"
#include "lib/abi/cell_config.h"
#include "lib/params.h"

#define CELLCFG_NUM_ARRAYS 8	/* cpu set ... stream ids, in file order */

struct cell_config {
	const struct jailhouse_cell_desc *desc;
	u64 total_size;			/* bytes the config occupies */
	union {
		struct {
			const u8 *cpu_set;	/* cpu_set_size bytes */
			const struct jailhouse_memory *mem;
			const struct jailhouse_cache *cache;
			const struct jailhouse_irqchip *irqchips;
			const struct jailhouse_pio *pio;
			const struct jailhouse_pci_device *pci_devices;
			const struct jailhouse_pci_capability *pci_caps;
			const u32 *stream_ids;
		};
		const void *array[CELLCFG_NUM_ARRAYS];
	};
	union {
		struct {
			u32 cpu_set_size, num_mem, num_cache, num_irqchips;
			u32 num_pio, num_pci_devices, num_pci_caps;
			u32 num_stream_ids;
		};
		u32 count[CELLCFG_NUM_ARRAYS];
	};
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];	/* NUL-terminated copy */
};

/* Parses len bytes at buf. Returns 0, or -1 with err filled. */
int cellcfg_parse(const void *buf, u64 len, struct cell_config *cfg,
		  struct cb_err *err);

/* Memory-region classification (same rules as pyjailhouse). */
bool cellcfg_mem_is_ram(const struct jailhouse_memory *m);
bool cellcfg_mem_is_comm(const struct jailhouse_memory *m);

/* Number of CPUs in the cpu set. */
unsigned int cellcfg_num_cpus(const struct cell_config *cfg);

/* The comm region (first region with COMM_REGION), or NULL. */
const struct jailhouse_memory *cellcfg_comm_region(const struct cell_config *cfg);

/* True if the PIO range [base, base+len) is granted by one pio region. */
bool cellcfg_pio_granted(const struct cell_config *cfg, u16 base, u16 len);

/* True if [addr, addr+len) lies inside one memory region with all of flags. */
bool cellcfg_mem_granted(const struct cell_config *cfg, u64 addr, u64 len,
			 u64 flags);

/*
 * The one rule for a UART console, in the loader and the tool alike: ports
 * granted by one pio region (CONSOLE_IO, 8 ports), or registers (8 bytes,
 * CONSOLE_MMIO32: 32) inside one read/write region with the IO flag that is
 * neither RAM, the comm region nor root-shared. Any other kind: false.
 */
bool cellcfg_uart_granted(const struct cell_config *cfg,
			  enum console_kind kind, u64 addr);

/*
 * The UART kind a console descriptor names: CONSOLE_IO, CONSOLE_MMIO8 or
 * CONSOLE_MMIO32 for an 8250 (by its access and register-distance flags),
 * CONSOLE_NONE for any other type.
 */
enum console_kind cellcfg_console_kind(const struct jailhouse_console *c);

#endif
