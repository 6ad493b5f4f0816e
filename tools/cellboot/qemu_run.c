/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tools/cellboot/qemu_run.h"
#include "tools/cellboot/util.h"

extern char **environ;

#define TICK_MS		20
#define FAIL_GRACE_S	1.0	/* a panic's trace follows its first line */
#define QUIT_WAIT_S	5.0	/* then SIGKILL */

static volatile sig_atomic_t got_sig;

static void on_signal(int sig)
{
	got_sig = sig;
}

bool qr_interactive(void)
{
	return isatty(0) && tcgetpgrp(0) == getpgrp();
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

struct follow {
	const struct qr_uart *u;
	int fd;			/* QEMU's stdout pipe or the chardev file */
	FILE *log;		/* console copy */
	bool at_line_start;
};

/* Serial bytes of one UART: terminal, log, verdict. */
static void got(struct qr_run *r, struct follow *f, const char *buf, size_t n)
{
	if (f->u->console) {
		write_all(1, buf, n);
		if (f->log)
			fwrite(buf, 1, n, f->log);
	} else {
		char prefix[16];
		int plen = snprintf(prefix, sizeof(prefix), "ttyS%u| ",
				    f->u->index);

		for (size_t i = 0; i < n; i++) {
			if (f->at_line_start)
				write_all(1, prefix, (size_t)plen);
			write_all(1, buf + i, 1);
			f->at_line_start = buf[i] == '\n';
		}
	}
	qv_feed(r->v, f->u->index, buf, n);
}

/* Reads what is there (to the end of the pipe when it blocks). */
static void pump(struct qr_run *r, struct follow *f)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(f->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		got(r, f, buf, (size_t)n);
	}
}

static void drain(int fd)
{
	char buf[512];

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

static int make_fifo(const char *base, const char *ext, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s.%s", base, ext);
	unlink(path);
	if (mkfifo(path, 0600) < 0)
		return -1;
	return open(path, flags | O_NONBLOCK | O_CLOEXEC);
}

static void remove_fifos(const char *base)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s.in", base);
	unlink(path);
	snprintf(path, sizeof(path), "%s.out", base);
	unlink(path);
}

static pid_t spawn(struct qr_run *r, int out_w)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dflt;
	pid_t pid;
	int err;

	posix_spawn_file_actions_init(&fa);
	if (!r->interactive)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawnattr_init(&attr);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGTERM);
	sigaddset(&dflt, SIGHUP);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	err = posix_spawnp(&pid, r->argv[0], &fa, &attr, r->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fail_msg("qemu", "cannot run %s: %s", r->argv[0],
			 strerror(err));
		return -1;
	}
	return pid;
}

int qr_run(struct qr_run *r)
{
	struct follow f[QV_MAX_UARTS];
	struct sigaction sa, old_int, old_term, old_hup;
	int pipefd[2], mon_in = -1, mon_out = -1, status = 0, rc = -1;
	struct termios term;
	bool have_term = false;
	unsigned int nf = 0, console = QV_MAX_UARTS;
	double start, decided = 0, quit_sent = 0;
	bool exited = false, quitting = false, killed = false;
	pid_t pid;

	memset(f, 0, sizeof(f));
	for (unsigned int i = 0; i < r->num_uarts && nf < QV_MAX_UARTS; i++) {
		const struct qr_uart *u = &r->uarts[i];

		f[nf].u = u;
		f[nf].fd = -1;
		f[nf].at_line_start = true;
		if (u->console) {
			console = nf;
			if (u->log && !(f[nf].log = fopen(u->log, "wb"))) {
				fail_msg(u->log, "cannot create: %s",
					 strerror(errno));
				goto out_files;
			}
		} else {
			/* QEMU appends nothing before we look: start empty */
			f[nf].fd = open(u->file, O_RDONLY | O_CREAT | O_TRUNC |
					O_CLOEXEC, 0644);
			if (f[nf].fd < 0) {
				fail_msg(u->file, "cannot create: %s",
					 strerror(errno));
				goto out_files;
			}
		}
		nf++;
	}
	mon_in = make_fifo(r->monitor, "in", O_RDWR);
	mon_out = make_fifo(r->monitor, "out", O_RDONLY);
	if (mon_in < 0 || mon_out < 0) {
		char in[PATH_MAX];

		snprintf(in, sizeof(in), "%s.in", r->monitor);
		fail_msg(in, "cannot create the monitor FIFOs: %s",
			 strerror(errno));
		goto out_fifos;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fail_msg("qemu", "pipe: %s", strerror(errno));
		goto out_fifos;
	}

	got_sig = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	/* QEMU makes the terminal raw; a killed QEMU cannot restore it */
	have_term = r->interactive && !tcgetattr(0, &term);
	pid = spawn(r, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		goto out_signals;
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	if (console < QV_MAX_UARTS)
		f[console].fd = pipefd[0];
	start = now_s();

	for (;;) {
		struct pollfd pfd[2] = { { pipefd[0], POLLIN, 0 },
					 { mon_out, POLLIN, 0 } };
		double t;

		poll(pfd, 2, TICK_MS);
		drain(mon_out);
		if (console < QV_MAX_UARTS) {
			pump(r, &f[console]);
		} else {
			char buf[512];

			while (read(pipefd[0], buf, sizeof(buf)) > 0)
				;	/* no console UART: QEMU's stdout */
		}
		for (unsigned int i = 0; i < nf; i++)
			if (!f[i].u->console)
				pump(r, &f[i]);
		qv_end_batch(r->v);
		if (got_sig)
			qv_interrupted(r->v, got_sig);

		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
		if (exited)
			break;

		t = now_s();
		if (r->v->state == QV_RUNNING && r->timeout_s &&
		    t - start >= (double)r->timeout_s)
			qv_timed_out(r->v, r->timeout_s);
		if (r->v->state != QV_RUNNING && !decided)
			decided = t;
		if (decided && !quitting &&
		    (r->v->state != QV_FAILED || t - decided >= FAIL_GRACE_S)) {
			write_all(mon_in, "quit\n", 5);
			quitting = true;
			quit_sent = t;
		}
		if (quitting && !killed && t - quit_sent >= QUIT_WAIT_S) {
			kill(pid, SIGKILL);
			killed = true;
		}
	}
	/* what QEMU wrote before it ended */
	if (console < QV_MAX_UARTS) {
		fcntl(pipefd[0], F_SETFL, 0);
		pump(r, &f[console]);
	}
	for (unsigned int i = 0; i < nf; i++)
		if (!f[i].u->console)
			pump(r, &f[i]);
	qv_end_batch(r->v);
	if (r->v->state == QV_RUNNING)
		qv_qemu_ended(r->v, status);
	r->elapsed = (decided ? decided : now_s()) - start;
	close(pipefd[0]);
	if (console < QV_MAX_UARTS)
		f[console].fd = -1;
	rc = 0;
	/* the guest's last bytes may have left a terminal line open */
	for (unsigned int i = 0; i < nf; i++)
		if (!f[i].u->console && !f[i].at_line_start)
			write_all(1, "\n", 1);
out_signals:
	if (have_term)
		tcsetattr(0, TCSANOW, &term);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
out_fifos:
	if (mon_in >= 0)
		close(mon_in);
	if (mon_out >= 0)
		close(mon_out);
	remove_fifos(r->monitor);
out_files:
	for (unsigned int i = 0; i < nf; i++) {
		if (f[i].fd >= 0)
			close(f[i].fd);
		if (f[i].log)
			fclose(f[i].log);
	}
	return rc;
}
