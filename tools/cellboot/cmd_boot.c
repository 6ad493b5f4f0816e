/* SPDX-License-Identifier: MIT */
/*
 * cellboot boot CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]
 *
 * The plan, then its three jailhouse commands, each echoed before it runs;
 * the first that fails stops the boot. The edit-and-reboot loop:
 * --replace destroys a cell of the same name first (found with `jailhouse
 * cell list`), and a failed `cell load` destroys the cell that `cell
 * create` made, so that the next try starts clean.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/help.h"

extern char **environ;

static const char usage[] =
	"usage: cellboot boot CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]\n"
	"\n"
	"Makes the same checks and plan as 'cellboot plan', then runs the\n"
	"jailhouse commands: cell create, cell load, cell start. Each command is\n"
	"printed before it runs; the first one that fails stops the boot. When\n"
	"'cell load' fails, the cell just created is destroyed again.\n"
	"\n"
	HELP_COMMON_OPTIONS
	"      --jailhouse PATH   the jailhouse program (default: jailhouse from\n"
	"                         PATH)\n"
	"      --replace          if 'jailhouse cell list' shows a cell of the same\n"
	"                         name, destroy it first\n"
	"      --dry-run          print the commands only (like cellboot plan)\n"
	"      --format FMT       with --dry-run: shell (default) or json\n"
	"  -h, --help             show this help\n"
	"\n"
	HELP_EXIT_STATUS;

/* "jailhouse cell load" for the messages */
static const char *short_name(char *const *argv, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s", argv[0], argv[1], argv[2]);
	return buf;
}

/*
 * Runs argv; with out, its stdout goes to that file instead. Returns the
 * wait status, or -1 (reported) if it cannot run.
 */
static int spawn(char *const *argv, FILE *out)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, err;

	posix_spawn_file_actions_init(&fa);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, fileno(out), STDOUT_FILENO);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fail_msg("boot", "cannot run %s: %s", argv[0], strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fail_msg("boot", "waitpid: %s", strerror(errno));
			return -1;
		}
	return status;
}

/* CB_EXIT_OK, CB_EXIT_FAILED (reported), or -1 if it did not start */
static int run(char *const *argv, const char *next)
{
	char name[256], how[64];
	int status = spawn(argv, NULL);

	if (status < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CB_EXIT_OK;
	short_name(argv, name, sizeof(name));
	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "failed with exit status %d",
			 WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "was killed by signal %d",
			 WTERMSIG(status));
	if (next)
		return fail_msg("boot", "'%s' %s; '%s' not run", name, how, next);
	return fail_msg("boot", "'%s' %s", name, how);
}

/* "jailhouse cell destroy [--name] NAME", shaped like the start command */
static void destroy_argv(char *const *start, char **v)
{
	int n = 0;

	for (int i = 0; start[i] && n < BP_MAX_ARGV - 1; i++)
		v[n++] = i == 2 ? "destroy" : start[i];
	v[n] = NULL;
}

/* Is there a cell called name in `jailhouse cell list`? -1: cannot tell. */
static int cell_exists(const char *jailhouse, const char *name)
{
	char *argv[] = { (char *)jailhouse, "cell", "list", NULL };
	char line[512];
	FILE *out = tmpfile();
	int status, found = 0;

	if (!out)
		return -1;
	status = spawn(argv, out);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		if (status >= 0)
			fail_msg("boot", "'%s cell list' failed; cannot tell "
				 "whether cell '%s' exists", jailhouse, name);
		fclose(out);
		return -1;
	}
	rewind(out);
	/* "ID  Name  State  Assigned CPUs  Failed CPUs", one cell a line */
	while (fgets(line, sizeof(line), out)) {
		char id[32], cell[64];

		if (sscanf(line, "%31s %63s", id, cell) == 2 &&
		    id[0] >= '0' && id[0] <= '9' && !strcmp(cell, name))
			found = 1;
	}
	fclose(out);
	return found;
}

static int boot_cell(const struct boot_plan *p, const struct bp_args *a,
		     struct bp_commands *c)
{
	const char *jh = c->argv[0][0];
	char *destroy[BP_MAX_ARGV];
	int rc = CB_EXIT_OK;

	destroy_argv(c->argv[2], destroy);
	if (a->replace) {
		int e = cell_exists(jh, p->name);

		if (e < 0)
			return CB_EXIT_FAILED;
		if (e) {
			char next[256];

			bp_print_command(stdout, destroy);
			fflush(stdout);
			if (run(destroy, short_name(c->argv[0], next,
						    sizeof(next))))
				return CB_EXIT_FAILED;
		}
	}
	for (int i = 0; i < BP_NUM_CMDS && rc == 0; i++) {
		char next[256];

		bp_print_command(stdout, c->argv[i]);
		fflush(stdout);
		rc = run(c->argv[i], i + 1 < BP_NUM_CMDS ?
			 short_name(c->argv[i + 1], next, sizeof(next)) : NULL);
		if (rc > 0 && i == 0 && !a->replace)
			hint_msg("if a cell named '%s' exists already, "
				 "--replace destroys it first", p->name);
		if (rc > 0 && i == 1) {
			/* the half-made cell: gone again, ready for the next try */
			bp_print_command(stdout, destroy);
			fflush(stdout);
			if (run(destroy, NULL) == CB_EXIT_OK)
				note_msg("the cell '%s' that 'cell create' made "
					 "is destroyed again", p->name);
		}
	}
	return rc ? CB_EXIT_FAILED : CB_EXIT_OK;
}

int cmd_boot(int argc, char **argv)
{
	static struct boot_plan p;
	struct bp_commands c;
	struct bp_args a;
	int rc = bp_parse_args("boot", BP_CMD_BOOT, false, usage, argc, argv,
			       &a);

	if (rc || a.help)
		return rc;
	if (a.format == BP_FORMAT_JSON && !a.dry_run)
		return usage_error("boot", "--format json needs --dry-run");
	rc = bp_make(&a, &p);
	if (rc) {
		bp_release(&p);
		return rc;
	}
	bp_commands(&p, a.jailhouse, &c);
	if (a.dry_run)
		bp_print(stdout, &p, &c, a.format);
	else
		rc = boot_cell(&p, &a, &c);
	bp_commands_free(&c);
	bp_release(&p);
	return rc;
}
