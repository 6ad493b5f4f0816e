/* SPDX-License-Identifier: MIT */
/*
 * The root-side plan shared by `cellboot plan`, `boot` and `qemu`: where
 * `jailhouse cell load` puts each image, the params string, and the three
 * jailhouse commands.
 *
 * The addresses are chosen so that the loader has nothing to move, and
 * then checked with the loader's own code (lib/): the cell config parser,
 * the e820 builder, the params parser, the placement planner with the
 * loader's reserved ranges, and the boot_params builder. A failed check
 * prints the loader's own "cellboot: error: <what>: <detail>" line.
 */
#ifndef CELLBOOT_TOOLS_BOOTPLAN_H
#define CELLBOOT_TOOLS_BOOTPLAN_H

#include "tools/cellboot/util.h"
#include "lib/bootparams.h"
#include "lib/bzimage.h"
#include "lib/cellcfg.h"
#include "lib/e820.h"
#include "lib/elf.h"
#include "lib/layout.h"
#include "lib/plan.h"
#include "lib/policy.h"

#define BP_MAX_PARAMS		32	/* --param options */
#define BP_PAGE			0x1000ull

/* Which subcommand accepts an option. */
#define BP_CMD_PLAN	0x1
#define BP_CMD_BOOT	0x2
#define BP_CMD_QEMU	0x4

enum bp_format { BP_FORMAT_SHELL, BP_FORMAT_JSON };

struct bp_args {
	const char *cmd;		/* "plan", "boot" or "qemu" */
	const char *cell, *kernel, *initrd, *cmdline, *loader, *name;
	const char *jailhouse;		/* program in the commands */
	enum bp_format format;
	const char *params[BP_MAX_PARAMS];	/* --param KEY=VALUE */
	unsigned int num_params;
	bool help, dry_run;
	bool no_kernel_check;		/* skip the kernel doctor (kdoctor.c) */
	bool digest;			/* crc= in the params */
	bool show_boot_params;		/* plan: print what the loader builds */
	bool replace;			/* boot: destroy a cell of that name */
	const char *uncompressed;	/* DIR for the vmlinux images */
	/* qemu */
	const char *machine, *workdir, *qemu, *accel;
	u64 timeout_s;			/* 0: none */
	u64 tsc_khz, apic_khz, pm_timer;
	bool has_pm_timer, has_apic_khz;
};

struct bp_image {
	const char *path;
	u64 addr, size;
};

struct boot_plan {
	struct cb_file cell_file, kernel_file, loader_file, initrd_file;
	char *loader_path;		/* owned */
	struct cell_config cfg;
	char name[JAILHOUSE_CELL_NAME_MAXLEN + 1];
	struct bzimage k;
	u64 comm_addr;
	struct bp_image loader, config, kernel, initrd;
	bool has_initrd;
	struct plan pl;			/* the loader's verdict: zero-copy */
	/* the loader's view of the cell */
	struct boot_e820_entry e820_buf[CB_E820_MAX_ENTRIES];
	struct e820_table e820;
	struct range ram[POLICY_MAX_RAM];	/* as many as the loader keeps */
	u32 num_ram;
	struct range reserved[3];
	/* where jailhouse cell load may write: RAM regions, WRITE|LOADABLE */
	struct range *loadable;
	u32 num_loadable;
	const char *cmdline;
	char params[CB_PARAMS_SIZE];
	size_t params_len;		/* without the NUL */
	u32 kernel_crc, initrd_crc;	/* with bp_args.digest */
	/*
	 * --uncompressed (vmplan.c): kernel is the vmlinux headers, each
	 * segment one more image where it runs
	 */
	struct bp_image seg[ELF_MAX_LOAD];
	u32 num_seg;
	char *vm_paths[ELF_MAX_LOAD + 1];	/* owned */
	u64 vm_entry;
};

/* The three jailhouse commands as argv vectors. */
#define BP_NUM_CMDS	3
#define BP_MAX_ARGV	(24 + 3 * ELF_MAX_LOAD)
struct bp_commands {
	char *argv[BP_NUM_CMDS][BP_MAX_ARGV];	/* NULL-terminated, owned */
};

/*
 * Parses the common arguments: CELL KERNEL [-i INITRD] [-c CMDLINE]
 * [--loader PATH] [--name NAME] [--param KEY=VALUE]... and the options of
 * the subcommands in `cmd_mask` (BP_CMD_*). With `positional_optional`, no
 * CELL/KERNEL is allowed (qemu's defaults). Returns 0, or CB_EXIT_USAGE
 * after printing the error. For -h/--help, prints `help` on stdout, sets
 * a->help and returns 0: the caller returns then.
 */
int bp_parse_args(const char *cmd, unsigned int cmd_mask,
		  bool positional_optional, const char *help, int argc,
		  char **argv, struct bp_args *a);

/*
 * Is arg an option of the subcommands in cmd_mask whose value is the next
 * argument (not "--opt=value")? For `qemu`, which takes its own options
 * out of argv first and must step over the values of these.
 */
bool bp_option_takes_value(const char *arg, unsigned int cmd_mask);

/* Builds and checks the plan. Returns 0 or CB_EXIT_FAILED (reported). */
int bp_make(const struct bp_args *a, struct boot_plan *p);
void bp_release(struct boot_plan *p);
/* The cell as the loader will see it (lib/policy.c), the config where the
 * params put it. */
void bp_policy_cell(struct boot_plan *p, struct policy_cell *c);

/*
 * The zero page and setup_data the loader will build for this plan, with
 * the loader's own code (lib/bootparams.c, lib/jhsetup.c) and the comm
 * region as Jailhouse fills it (tools/lib/cellsim.c). bp/sd are the caller's.
 */
int bp_boot_params(const struct boot_plan *p, struct boot_params *bp,
		   u8 *sd, size_t sd_size, struct bootparams_result *res,
		   struct jailhouse_setup_data *jh, struct cb_err *err);
/*
 * `plan --uncompressed DIR` (vmplan.c): the bzImage's vmlinux, its
 * headers and segments written to DIR, loaded in place. Returns 0 or
 * CB_EXIT_FAILED (reported).
 */
int vmplan_apply(struct boot_plan *p, const struct bp_args *a);
/* `plan --show-boot-params` (bpshow.c) */
void bp_show_boot_params(FILE *f, const struct boot_plan *p);

void bp_commands(const struct boot_plan *p, const char *jailhouse,
		 struct bp_commands *c);
void bp_commands_free(struct bp_commands *c);
/* One command as one shell-quoted line. */
void bp_print_command(FILE *f, char *const *argv);
/*
 * The plan in the chosen format (--format): one shell-quoted line per
 * command, or a JSON object with the images, params and commands.
 */
void bp_print(FILE *f, const struct boot_plan *p, const struct bp_commands *c,
	      enum bp_format format);

#endif
