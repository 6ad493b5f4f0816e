/* SPDX-License-Identifier: MIT */
/*
 * The arguments of `cellboot plan`, `boot` and `qemu`: one table of
 * options (which subcommand takes which), the parser, and the hints for
 * options of `jailhouse cell linux` that cellboot does without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/bootplan.h"

enum opt_id {
	O_HELP, O_INITRD, O_CMDLINE, O_LOADER, O_NAME, O_PARAM, O_FORMAT,
	O_JAILHOUSE, O_DRY_RUN, O_MACHINE, O_TIMEOUT, O_WORKDIR, O_QEMU,
	O_ACCEL, O_TSC_KHZ, O_APIC_KHZ, O_PM_TIMER, O_NO_KCHECK, O_DIGEST,
	O_SHOW_BP, O_REPLACE, O_UNCOMPRESSED,
};

#define ALL (BP_CMD_PLAN | BP_CMD_BOOT | BP_CMD_QEMU)

static const struct opt {
	const char *name;
	char short_name;
	bool has_arg;
	unsigned int cmds;
	enum opt_id id;
} opts[] = {
	{ "help", 'h', false, ALL, O_HELP },
	{ "initrd", 'i', true, ALL, O_INITRD },
	{ "cmdline", 'c', true, ALL, O_CMDLINE },
	{ "loader", 0, true, ALL, O_LOADER },
	{ "name", 0, true, ALL, O_NAME },
	{ "param", 0, true, ALL, O_PARAM },
	{ "format", 0, true, BP_CMD_PLAN | BP_CMD_BOOT, O_FORMAT },
	{ "jailhouse", 0, true, BP_CMD_PLAN | BP_CMD_BOOT, O_JAILHOUSE },
	{ "dry-run", 0, false, BP_CMD_BOOT | BP_CMD_QEMU, O_DRY_RUN },
	{ "machine", 0, true, BP_CMD_QEMU, O_MACHINE },
	{ "timeout", 0, true, BP_CMD_QEMU, O_TIMEOUT },
	{ "workdir", 0, true, BP_CMD_QEMU, O_WORKDIR },
	{ "qemu", 0, true, BP_CMD_QEMU, O_QEMU },
	{ "accel", 0, true, BP_CMD_QEMU, O_ACCEL },
	{ "tsc-khz", 0, true, BP_CMD_QEMU, O_TSC_KHZ },
	{ "apic-khz", 0, true, BP_CMD_QEMU, O_APIC_KHZ },
	{ "pm-timer", 0, true, BP_CMD_QEMU, O_PM_TIMER },
	{ "no-kernel-check", 0, false, ALL, O_NO_KCHECK },
	{ "digest", 0, false, ALL, O_DIGEST },
	{ "show-boot-params", 0, false, BP_CMD_PLAN, O_SHOW_BP },
	{ "replace", 0, false, BP_CMD_BOOT, O_REPLACE },
	{ "uncompressed", 0, true, ALL, O_UNCOMPRESSED },
};

/*
 * Options of `jailhouse cell linux` (Jailhouse's tools/jailhouse-cell-linux)
 * that cellboot does without: a hint instead of "unknown option".
 */
static const struct {
	const char *short_name, *long_name, *hint;
} cell_linux_opts[] = {
	{ "-w", "--write-params", "cellboot builds the boot parameters in the "
	  "cell; 'cellboot plan --show-boot-params' prints what it will build" },
	{ "-k", "--kernel-decomp-factor", "cellboot reads the space the kernel "
	  "needs (init_size) from its header; no factor to give" },
};

static const struct opt *find_opt(const char *arg, const char **inline_val)
{
	*inline_val = NULL;
	if (arg[0] == '-' && arg[1] == '-') {
		const char *eq = strchr(arg + 2, '=');
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			if (strlen(opts[i].name) == n &&
			    !strncmp(opts[i].name, arg + 2, n)) {
				if (eq)
					*inline_val = eq + 1;
				return &opts[i];
			}
		return NULL;
	}
	if (arg[0] == '-' && arg[1] && !arg[2])
		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			if (opts[i].short_name == arg[1])
				return &opts[i];
	return NULL;
}

bool bp_option_takes_value(const char *arg, unsigned int cmd_mask)
{
	const char *val;
	const struct opt *o = find_opt(arg, &val);

	return o && (o->cmds & cmd_mask) && o->has_arg && !val;
}

static bool has_space(const char *s)
{
	for (; *s; s++)
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			return true;
	return false;
}

static int set_once(const char *cmd, const char **slot, const char *val,
		    const char *opt)
{
	if (*slot)
		return usage_error(cmd, "%s given twice", opt);
	*slot = val;
	return 0;
}

static int set_number(const char *cmd, const char *opt, const char *val,
		      u64 min, u64 max, u64 *out)
{
	u64 v;

	if (!parse_u64(val, &v) || v < min || v > max)
		return usage_error(cmd, "%s: '%s' is not a number from %llu to "
				   "%llu", opt, val, (unsigned long long)min,
				   (unsigned long long)max);
	*out = v;
	return 0;
}

static int apply(const char *cmd, const struct opt *o, const char *val,
		 const char *spelled, struct bp_args *a)
{
	switch (o->id) {
	case O_HELP:
		a->help = true;
		return 0;
	case O_DRY_RUN:
		a->dry_run = true;
		return 0;
	case O_NO_KCHECK:
		a->no_kernel_check = true;
		return 0;
	case O_DIGEST:
		a->digest = true;
		return 0;
	case O_SHOW_BP:
		a->show_boot_params = true;
		return 0;
	case O_REPLACE:
		a->replace = true;
		return 0;
	case O_INITRD:
		return set_once(cmd, &a->initrd, val, spelled);
	case O_CMDLINE:
		return set_once(cmd, &a->cmdline, val, spelled);
	case O_LOADER:
		return set_once(cmd, &a->loader, val, spelled);
	case O_JAILHOUSE:
		return set_once(cmd, &a->jailhouse, val, spelled);
	case O_WORKDIR:
		return set_once(cmd, &a->workdir, val, spelled);
	case O_QEMU:
		return set_once(cmd, &a->qemu, val, spelled);
	case O_UNCOMPRESSED:
		return set_once(cmd, &a->uncompressed, val, spelled);
	case O_NAME:
		if (!*val || strlen(val) > JAILHOUSE_CELL_NAME_MAXLEN ||
		    has_space(val))
			return usage_error(cmd, "--name: '%s' is not 1 to %d "
					   "characters without spaces", val,
					   JAILHOUSE_CELL_NAME_MAXLEN);
		return set_once(cmd, &a->name, val, spelled);
	case O_PARAM:
		if (!strchr(val, '=') || *val == '=' || has_space(val) ||
		    !strncmp(val, "--", 2))
			return usage_error(cmd, "--param: '%s' is not KEY=VALUE "
					   "without spaces (the kernel command "
					   "line goes in -c)", val);
		if (a->num_params == BP_MAX_PARAMS)
			return usage_error(cmd, "more than %d --param options",
					   BP_MAX_PARAMS);
		a->params[a->num_params++] = val;
		return 0;
	case O_FORMAT:
		if (!strcmp(val, "shell"))
			a->format = BP_FORMAT_SHELL;
		else if (!strcmp(val, "json"))
			a->format = BP_FORMAT_JSON;
		else
			return usage_error(cmd, "--format: '%s' is not shell or "
					   "json", val);
		return 0;
	case O_MACHINE:
		if (strcmp(val, "microvm") && strcmp(val, "q35"))
			return usage_error(cmd, "--machine: '%s' is not microvm "
					   "or q35", val);
		a->machine = val;
		return 0;
	case O_ACCEL:
		if (strcmp(val, "tcg") && strcmp(val, "kvm"))
			return usage_error(cmd, "--accel: '%s' is not tcg or kvm",
					   val);
		a->accel = val;
		return 0;
	case O_TIMEOUT:
		return set_number(cmd, "--timeout", val, 1, 86400, &a->timeout_s);
	case O_TSC_KHZ:
		return set_number(cmd, "--tsc-khz", val, 1, 0xffffffffu,
				  &a->tsc_khz);
	case O_APIC_KHZ:
		a->has_apic_khz = true;
		return set_number(cmd, "--apic-khz", val, 0, 0xffffffffu,
				  &a->apic_khz);
	case O_PM_TIMER:
		a->has_pm_timer = true;
		return set_number(cmd, "--pm-timer", val, 0, 0xffff,
				  &a->pm_timer);
	}
	return 0;
}

int bp_parse_args(const char *cmd, unsigned int cmd_mask,
		  bool positional_optional, const char *help, int argc,
		  char **argv, struct bp_args *a)
{
	const char *pos[2] = { NULL, NULL };
	unsigned int npos = 0;
	bool only_positional = false;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val;
		const struct opt *o;
		int rc;

		if (!only_positional && !strcmp(arg, "--")) {
			only_positional = true;
			continue;
		}
		if (only_positional || arg[0] != '-' || !arg[1]) {
			if (npos == 2)
				return usage_error(cmd, "unexpected argument '%s' "
						   "(CELL and KERNEL given already)",
						   arg);
			pos[npos++] = arg;
			continue;
		}
		o = find_opt(arg, &val);
		for (size_t j = 0; !o && j < ARRAY_SIZE(cell_linux_opts); j++)
			if (!strcmp(arg, cell_linux_opts[j].short_name) ||
			    !strncmp(arg, cell_linux_opts[j].long_name,
				     strlen(cell_linux_opts[j].long_name)))
				return usage_error(cmd, "'%s' is an option of "
						   "'jailhouse cell linux': %s",
						   arg, cell_linux_opts[j].hint);
		if (!o || !(o->cmds & cmd_mask))
			return usage_error(cmd, "unknown option '%s'", arg);
		if (!o->has_arg && val)
			return usage_error(cmd, "--%s takes no value", o->name);
		if (o->has_arg && !val) {
			if (i + 1 == argc)
				return usage_error(cmd, "%s needs a value", arg);
			val = argv[++i];
		}
		rc = apply(cmd, o, val, arg, a);
		if (rc)
			return rc;
	}
	if (a->help) {
		fputs(help, stdout);
		return 0;
	}
	if (npos == 1)
		return usage_error(cmd, "missing KERNEL after CELL '%s'", pos[0]);
	if (npos == 0 && !positional_optional)
		return usage_error(cmd, "missing CELL and KERNEL");
	a->cell = pos[0];
	a->kernel = pos[1];
	return 0;
}
