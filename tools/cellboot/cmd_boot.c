/* SPDX-License-Identifier: MIT */
/*
 * cellboot boot CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]
 *
 * The plan, then its three jailhouse commands, each echoed before it runs;
 * the first that fails stops the boot.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/help.h"

extern char **environ;

static const char usage[] =
	"usage: cellboot boot CELL.cell KERNEL [-i INITRD] [-c CMDLINE] [OPTIONS]\n"
	"\n"
	"Makes the same checks and plan as 'cellboot plan', then runs the\n"
	"jailhouse commands: cell create, cell load, cell start. Each command is\n"
	"printed before it runs; the first one that fails stops the boot.\n"
	"\n"
	HELP_COMMON_OPTIONS
	"      --jailhouse PATH   the jailhouse program (default: jailhouse from\n"
	"                         PATH)\n"
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

static int run(char *const *argv, const char *next)
{
	char name[256];
	pid_t pid;
	int status, err;

	err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "cellboot: error: boot: cannot run %s: %s\n",
			argv[0], strerror(err));
		return CB_EXIT_FAILED;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("cellboot: error: boot: waitpid");
			return CB_EXIT_FAILED;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CB_EXIT_OK;
	short_name(argv, name, sizeof(name));
	if (WIFEXITED(status))
		fprintf(stderr, "cellboot: error: boot: '%s' failed with exit "
			"status %d", name, WEXITSTATUS(status));
	else
		fprintf(stderr, "cellboot: error: boot: '%s' was killed by "
			"signal %d", name, WTERMSIG(status));
	if (next)
		fprintf(stderr, "; '%s' not run", next);
	fputc('\n', stderr);
	return CB_EXIT_FAILED;
}

int cmd_boot(int argc, char **argv)
{
	static struct boot_plan p;
	struct bp_commands c;
	struct bp_args a;
	int rc = bp_parse_args("boot", BP_CMD_BOOT, false, argc, argv, &a);

	if (rc)
		return rc;
	if (a.help) {
		fputs(usage, stdout);
		return CB_EXIT_OK;
	}
	if (a.format == BP_FORMAT_JSON && !a.dry_run)
		return usage_error("boot", "--format json needs --dry-run");
	rc = bp_make(&a, &p);
	if (rc) {
		bp_release(&p);
		return rc;
	}
	bp_commands(&p, a.jailhouse, &c);
	if (a.dry_run) {
		if (a.format == BP_FORMAT_JSON)
			bp_print_json(stdout, &p, &c);
		else
			bp_print_shell(stdout, &c);
	} else {
		for (int i = 0; i < BP_NUM_CMDS && rc == 0; i++) {
			char next[256];

			bp_print_command(stdout, c.argv[i]);
			fflush(stdout);
			rc = run(c.argv[i], i + 1 < BP_NUM_CMDS ?
				 short_name(c.argv[i + 1], next, sizeof(next)) :
				 NULL);
		}
	}
	bp_commands_free(&c);
	bp_release(&p);
	return rc;
}
