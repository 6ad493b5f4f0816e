/* SPDX-License-Identifier: MIT */
/*
 * The arguments of `cellboot plan`, `boot` and `qemu`: one table of
 * options (which subcommand takes which), the parser, and the hints for
 * options of `jailhouse cell linux` that cellboot does without.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/bootplan.h"

/*
 * How an option's value is kept: a flag (bool), a string given at most
 * once, a number in [min, max] (with its has_ flag if it has one), or
 * checked by apply() itself (OPT_OWN, by id).
 */
enum opt_kind { OPT_FLAG, OPT_ONCE, OPT_NUMBER, OPT_OWN };
enum opt_id { O_NONE, O_NAME, O_PARAM, O_FORMAT, O_MACHINE, O_ACCEL };

#define ALL (BP_CMD_PLAN | BP_CMD_BOOT | BP_CMD_QEMU)
#define AT(field) offsetof(struct bp_args, field)
#define FLAG(name, sn, cmds, field) \
	{ name, sn, false, cmds, OPT_FLAG, O_NONE, AT(field), 0, 0, 0 }
#define ONCE(name, sn, cmds, field) \
	{ name, sn, true, cmds, OPT_ONCE, O_NONE, AT(field), 0, 0, 0 }
#define NUMBER(name, cmds, field, has, min, max) \
	{ name, 0, true, cmds, OPT_NUMBER, O_NONE, AT(field), has, min, max }
#define OWN(name, cmds, id) \
	{ name, 0, true, cmds, OPT_OWN, id, 0, 0, 0, 0 }

static const struct opt {
	const char *name;
	char short_name;
	bool has_arg;
	unsigned int cmds;
	enum opt_kind kind;
	enum opt_id id;		/* OPT_OWN */
	size_t field;		/* where in struct bp_args */
	size_t has;		/* OPT_NUMBER: its has_ flag, or 0 */
	u64 min, max;		/* OPT_NUMBER */
} opts[] = {
	FLAG("help", 'h', ALL, help),
	ONCE("initrd", 'i', ALL, initrd),
	ONCE("cmdline", 'c', ALL, cmdline),
	ONCE("loader", 0, ALL, loader),
	OWN("name", ALL, O_NAME),
	OWN("param", ALL, O_PARAM),
	OWN("format", BP_CMD_PLAN | BP_CMD_BOOT, O_FORMAT),
	ONCE("jailhouse", 0, BP_CMD_PLAN | BP_CMD_BOOT, jailhouse),
	FLAG("dry-run", 0, BP_CMD_BOOT | BP_CMD_QEMU, dry_run),
	OWN("machine", BP_CMD_QEMU, O_MACHINE),
	NUMBER("timeout", BP_CMD_QEMU, timeout_s, 0, 1, 86400),
	ONCE("workdir", 0, BP_CMD_QEMU, workdir),
	ONCE("qemu", 0, BP_CMD_QEMU, qemu),
	OWN("accel", BP_CMD_QEMU, O_ACCEL),
	NUMBER("tsc-khz", BP_CMD_QEMU, tsc_khz, 0, 1, 0xffffffffu),
	NUMBER("apic-khz", BP_CMD_QEMU, apic_khz, AT(has_apic_khz), 0,
	       0xffffffffu),
	NUMBER("pm-timer", BP_CMD_QEMU, pm_timer, AT(has_pm_timer), 0, 0xffff),
	FLAG("no-kernel-check", 0, ALL, no_kernel_check),
	FLAG("digest", 0, ALL, digest),
	FLAG("show-boot-params", 0, BP_CMD_PLAN, show_boot_params),
	FLAG("replace", 0, BP_CMD_BOOT, replace),
	ONCE("uncompressed", 0, ALL, uncompressed),
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
	char *field = (char *)a + o->field;
	char opt[32];

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_ONCE:
		return set_once(cmd, (const char **)field, val, spelled);
	case OPT_NUMBER:
		if (o->has)
			*(bool *)((char *)a + o->has) = true;
		snprintf(opt, sizeof(opt), "--%s", o->name);
		return set_number(cmd, opt, val, o->min, o->max, (u64 *)field);
	case OPT_OWN:
		break;
	}
	switch (o->id) {
	case O_NONE:
		break;
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
