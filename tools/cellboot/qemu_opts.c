/* SPDX-License-Identifier: MIT */
/* `cellboot qemu`'s own options (qemu_opts.h). */
#include <string.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/qemu_gdb.h"
#include "tools/cellboot/qemu_opts.h"
#include "tools/cellboot/util.h"
#include "tools/lib/cellsim.h"

/*
 * bpargs.c's qemu options that take the next argument as their value
 * (its one option table says which); --machine is this file's: a list.
 */
static bool takes_value(const char *arg)
{
	return strcmp(arg, "--machine") &&
	       bp_option_takes_value(arg, BP_CMD_QEMU);
}

/* "--name VALUE" or "--name=VALUE": the value, else NULL */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
			     bool *matched)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*matched = false;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=') {
		*matched = true;
		return a + n + 1;
	}
	if (a[n])
		return NULL;
	*matched = true;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int add_machines(struct qemu_opts *o, const char *list)
{
	char buf[64];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return usage_error("qemu", "--machine: '%s' is not microvm, q35 "
				   "or both, comma-separated", list);
	strcpy(buf, list);
	for (char *m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
		const char *name = !strcmp(m, "microvm") ? "microvm" :
				   !strcmp(m, "q35") ? "q35" : NULL;

		if (!name)
			return usage_error("qemu", "--machine: '%s' is not microvm "
					   "or q35", m);
		for (unsigned int i = 0; i < o->num_machines; i++)
			if (o->machines[i] == name)
				return usage_error("qemu", "--machine: %s given "
						   "twice", name);
		o->machines[o->num_machines++] = name;
	}
	if (!o->num_machines)
		return usage_error("qemu", "--machine: '%s' names no machine",
				   list);
	return 0;
}

static int add_cpus(struct qemu_opts *o, const char *list)
{
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char num[24];
		u64 v;

		if (!len || len >= sizeof(num))
			goto bad;
		memcpy(num, p, len);
		num[len] = 0;
		if (!parse_u64(num, &v) || v < 1 || v > CELLSIM_MAX_CPUS)
			goto bad;
		if (o->num_cpus == QO_MAX_CPU_RUNS)
			return usage_error("qemu", "--cpus: more than %d values",
					   QO_MAX_CPU_RUNS);
		o->cpus[o->num_cpus++] = (unsigned int)v;
		if (!comma)
			return 0;
		p = comma + 1;
	}
bad:
	return usage_error("qemu", "--cpus: '%s' is not a list of numbers from "
			   "1 to %u", list, CELLSIM_MAX_CPUS);
}

/* Appends a --expect or --fail-on value; CB_EXIT_USAGE (printed) if bad. */
static int push_pattern(const char *opt, const char *val, const char **list,
			unsigned int *n)
{
	if (!val)
		return usage_error("qemu", "%s needs a value", opt);
	if (*n == QV_MAX_PATTERNS)
		return usage_error("qemu", "more than %d %s", QV_MAX_PATTERNS, opt);
	list[(*n)++] = val;
	return 0;
}

int take_qemu_opts(int *argc, char **argv, struct qemu_opts *o)
{
	int out = 1, rc;

	memset(o, 0, sizeof(*o));
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *val;
		bool m;

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (takes_value(a)) {
			argv[out++] = argv[i];
			if (i + 1 < *argc)
				argv[out++] = argv[++i];
			continue;
		}
		if (!strcmp(a, "--gdb") || !strncmp(a, "--gdb=", 6)) {
			u64 port = QG_DEFAULT_PORT;

			if (a[5] == '=' && (!parse_u64(a + 6, &port) || !port ||
					    port > 65535))
				return usage_error("qemu", "--gdb: '%s' is not a "
						   "TCP port", a + 6);
			o->gdb = true;
			o->gdb_port = (unsigned int)port;
			continue;
		}
		val = opt_value(*argc, argv, &i, "--expect", &m);
		if (m) {
			if (push_pattern("--expect", val, o->expect, &o->num_expect))
				return CB_EXIT_USAGE;
			continue;
		}
		val = opt_value(*argc, argv, &i, "--fail-on", &m);
		if (m) {
			if (push_pattern("--fail-on", val, o->fail_on, &o->num_fail))
				return CB_EXIT_USAGE;
			continue;
		}
		val = opt_value(*argc, argv, &i, "--serial-log", &m);
		if (m) {
			if (!val || !*val)
				return usage_error("qemu", "--serial-log needs a "
						   "directory");
			if (o->serial_log)
				return usage_error("qemu", "--serial-log given twice");
			o->serial_log = val;
			continue;
		}
		val = opt_value(*argc, argv, &i, "--machine", &m);
		if (m) {
			if (!val)
				return usage_error("qemu", "--machine needs a value");
			if ((rc = add_machines(o, val)))
				return rc;
			continue;
		}
		val = opt_value(*argc, argv, &i, "--cpus", &m);
		if (m) {
			if (!val)
				return usage_error("qemu", "--cpus needs a value");
			if ((rc = add_cpus(o, val)))
				return rc;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	if (!o->num_machines)
		o->machines[o->num_machines++] = "microvm";
	if (!o->num_cpus)
		o->cpus[o->num_cpus++] = 0;
	if (o->gdb && o->num_machines * o->num_cpus > 1)
		return usage_error("qemu", "--gdb debugs one run: give one "
				   "--machine and one --cpus value");
	return 0;
}
