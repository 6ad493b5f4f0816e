/* SPDX-License-Identifier: MIT */
/*
 * The plan's output: the three jailhouse commands as argv vectors, and
 * printed as shell lines or as JSON (`cellboot plan --format`).
 */
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/bootplan.h"
#include "lib/fmt.h"

static char *hex(u64 v)
{
	struct strbuf b = { 0 };

	sb_addf(&b, "0x%llx", (unsigned long long)v);
	return b.s;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void bp_commands(const struct boot_plan *p, const char *jailhouse,
		 struct bp_commands *c)
{
	char **v;
	int n = 0;

	memset(c, 0, sizeof(*c));
	if (!jailhouse)
		jailhouse = "jailhouse";

	v = c->argv[0];
	v[0] = strdup(jailhouse);
	v[1] = strdup("cell");
	v[2] = strdup("create");
	v[3] = strdup(p->config.path);

	v = c->argv[1];
	v[n++] = strdup(jailhouse);
	v[n++] = strdup("cell");
	v[n++] = strdup("load");
	if (all_digits(p->name))	/* else jailhouse reads it as an ID */
		v[n++] = strdup("--name");
	v[n++] = strdup(p->name);
	v[n++] = strdup(p->loader.path);
	v[n++] = strdup("-a");
	v[n++] = hex(CB_IMAGE_BASE);
	v[n++] = strdup("-s");
	v[n++] = strdup(p->params);
	v[n++] = strdup("-a");
	v[n++] = hex(CB_PARAMS_ADDR);
	v[n++] = strdup(p->config.path);
	v[n++] = strdup("-a");
	v[n++] = hex(p->config.addr);
	v[n++] = strdup(p->kernel.path);
	v[n++] = strdup("-a");
	v[n++] = hex(p->kernel.addr);
	for (u32 i = 0; i < p->num_seg; i++) {	/* --uncompressed */
		v[n++] = strdup(p->seg[i].path);
		v[n++] = strdup("-a");
		v[n++] = hex(p->seg[i].addr);
	}
	if (p->has_initrd) {
		v[n++] = strdup(p->initrd.path);
		v[n++] = strdup("-a");
		v[n++] = hex(p->initrd.addr);
	}

	v = c->argv[2];
	n = 0;
	v[n++] = strdup(jailhouse);
	v[n++] = strdup("cell");
	v[n++] = strdup("start");
	if (all_digits(p->name))
		v[n++] = strdup("--name");
	v[n++] = strdup(p->name);
}

void bp_commands_free(struct bp_commands *c)
{
	for (int i = 0; i < BP_NUM_CMDS; i++)
		for (int j = 0; c->argv[i][j]; j++)
			free(c->argv[i][j]);
	memset(c, 0, sizeof(*c));
}

void bp_print_command(FILE *f, char *const *argv)
{
	struct strbuf b = { 0 };

	for (int j = 0; argv[j]; j++) {
		if (j)
			sb_add(&b, " ");
		sb_add_shell_word(&b, argv[j]);
	}
	fprintf(f, "%s\n", b.s);
	sb_free(&b);
}

static void bp_print_shell(FILE *f, const struct bp_commands *c)
{
	for (int i = 0; i < BP_NUM_CMDS; i++)
		bp_print_command(f, c->argv[i]);
}

static void json_image(struct strbuf *b, const char *key,
		       const struct bp_image *im, bool last)
{
	sb_addf(b, "  \"%s\": {\"path\": ", key);
	sb_add_json_string(b, im->path);
	sb_addf(b, ", \"addr\": %llu, \"size\": %llu}%s\n",
		(unsigned long long)im->addr, (unsigned long long)im->size,
		last ? "" : ",");
}

static void bp_print_json(FILE *f, const struct boot_plan *p,
		   const struct bp_commands *c)
{
	struct strbuf b = { 0 };

	sb_add(&b, "{\n  \"name\": ");
	sb_add_json_string(&b, p->name);
	sb_add(&b, ",\n");
	json_image(&b, "loader", &p->loader, false);
	sb_addf(&b, "  \"params\": {\"addr\": %u, \"size\": %zu, "
		"\"buffer_size\": %u, \"string\": ", CB_PARAMS_ADDR,
		p->params_len + 1, CB_PARAMS_SIZE);
	sb_add_json_string(&b, p->params);
	sb_add(&b, "},\n");
	json_image(&b, "config", &p->config, false);
	json_image(&b, "kernel", &p->kernel, false);
	for (u32 i = 0; i < p->num_seg; i++) {	/* --uncompressed */
		char key[32];

		snprintf(key, sizeof(key), "kernel_segment_%u", i);
		json_image(&b, key, &p->seg[i], false);
	}
	if (p->has_initrd)
		json_image(&b, "initrd", &p->initrd, false);
	else
		sb_add(&b, "  \"initrd\": null,\n");
	sb_add(&b, "  \"cmdline\": ");
	sb_add_json_string(&b, p->cmdline);
	sb_addf(&b, ",\n  \"comm_region\": %llu,\n",
		(unsigned long long)p->comm_addr);
	sb_addf(&b, "  \"kernel_setup_size\": %u,\n  \"kernel_entry\": %llu,\n"
		"  \"kernel_window\": [%llu, %llu],\n  \"kernel_init_size\": %u,\n",
		p->k.setup_size,
		(unsigned long long)(p->num_seg ? p->vm_entry :
				     p->pl.kernel_pm + BP_ENTRY64_OFFSET),
		(unsigned long long)p->pl.window_start,
		(unsigned long long)p->pl.window_end, p->k.init_size);
	sb_add(&b, "  \"kernel_version\": ");
	{
		char v[128];

		snprintf(v, sizeof(v), "%.*s", (int)p->k.version_len,
			 p->k.version_str ? p->k.version_str : "");
		sb_add_json_string(&b, v);
	}
	sb_add(&b, ",\n  \"commands\": [\n");
	for (int i = 0; i < BP_NUM_CMDS; i++) {
		sb_add(&b, "    [");
		for (int j = 0; c->argv[i][j]; j++) {
			if (j)
				sb_add(&b, ", ");
			sb_add_json_string(&b, c->argv[i][j]);
		}
		sb_addf(&b, "]%s\n", i + 1 < BP_NUM_CMDS ? "," : "");
	}
	sb_add(&b, "  ]\n}\n");
	fputs(b.s, f);
	sb_free(&b);
}

void bp_print(FILE *f, const struct boot_plan *p, const struct bp_commands *c,
	      enum bp_format format)
{
	if (format == BP_FORMAT_JSON)
		bp_print_json(f, p, c);
	else
		bp_print_shell(f, c);
}
