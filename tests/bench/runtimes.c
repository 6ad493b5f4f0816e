/* SPDX-License-Identifier: MIT */
/*
 * runtimes N CMD [ARG...]
 *
 * Runs CMD N times, one after the other, with stdin, stdout and stderr on
 * /dev/null, and prints the wall time of each run (fork to exit, CLOCK_MONOTONIC)
 * in nanoseconds, one per line. Exits 1 (after printing what it has) as soon
 * as a run does not exit with status 0, naming the status on stderr.
 *
 * Used by bench.py to time `cellboot plan` without counting the start-up of
 * a Python interpreter in every run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char *end;
	long n;
	int null;

	if (argc < 3 || (n = strtol(argv[1], &end, 10)) <= 0 || *end) {
		fprintf(stderr, "usage: runtimes N CMD [ARG...]\n");
		return 2;
	}
	null = open("/dev/null", O_RDWR);
	if (null < 0) {
		perror("runtimes: /dev/null");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		long long t0 = now_ns(), t1;
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("runtimes: fork");
			return 2;
		}
		if (pid == 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0) {
			perror("runtimes: waitpid");
			return 2;
		}
		t1 = now_ns();
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "runtimes: run %ld of %s: %s %d\n", i + 1,
				argv[2], WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			return 1;
		}
		printf("%lld\n", t1 - t0);
	}
	return 0;
}
