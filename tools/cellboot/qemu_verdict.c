/* SPDX-License-Identifier: MIT */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tools/cellboot/qemu_verdict.h"

#define SHOW_MAX 200	/* characters of a line quoted in a reason */

static int compile(regex_t *re, const char *src, const char *opt,
		   char *msg, size_t msg_size)
{
	int rc = regcomp(re, src, REG_EXTENDED);
	char why[160];

	if (!rc)
		return 0;
	regerror(rc, re, why, sizeof(why));
	snprintf(msg, msg_size, "%s: '%s' is not a regular expression: %s",
		 opt, src, why);
	return -1;
}

/* Compiles src into list[*n] and counts it; what: the default's reason. */
static int add_pattern(struct qv_pattern *list, unsigned int *n,
		       const char *src, const char *what, const char *opt,
		       char *msg, size_t msg_size)
{
	struct qv_pattern *p = &list[*n];

	p->src = src;
	p->what = what;
	if (compile(&p->re, src, opt, msg, msg_size))
		return -1;
	(*n)++;
	return 0;
}

int qv_init(struct qv *v, const char *const *expect, unsigned int num_expect,
	    const char *const *fail_on, unsigned int num_fail,
	    char *msg, size_t msg_size)
{
	static const struct { const char *src, *what; } defaults[] = {
		{ QV_LOADER_ERROR, "the loader reported an error" },
		{ QV_KERNEL_PANIC, "the kernel panicked" },
	};

	memset(v, 0, sizeof(*v));
	if (num_expect > QV_MAX_PATTERNS || num_fail > QV_MAX_PATTERNS) {
		snprintf(msg, msg_size, "more than %d --expect or --fail-on "
			 "patterns", QV_MAX_PATTERNS);
		return -1;
	}
	if (compile(&v->handoff, QV_HANDOFF, "handoff", msg, msg_size))
		return -1;
	if (compile(&v->announce, QV_ANNOUNCE, "announce", msg, msg_size)) {
		regfree(&v->handoff);
		return -1;
	}
	for (unsigned int i = 0; i < 2; i++)
		if (add_pattern(v->fail, &v->num_fail, defaults[i].src,
				defaults[i].what, "--fail-on", msg, msg_size))
			goto fail;
	for (unsigned int i = 0; i < num_fail; i++)
		if (add_pattern(v->fail, &v->num_fail, fail_on[i], NULL,
				"--fail-on", msg, msg_size))
			goto fail;
	for (unsigned int i = 0; i < num_expect; i++)
		if (add_pattern(v->expect, &v->num_expect, expect[i], NULL,
				"--expect", msg, msg_size))
			goto fail;
	return 0;
fail:
	qv_free(v);
	return -1;
}

void qv_free(struct qv *v)
{
	for (unsigned int i = 0; i < v->num_expect; i++)
		regfree(&v->expect[i].re);
	for (unsigned int i = 0; i < v->num_fail; i++)
		regfree(&v->fail[i].re);
	regfree(&v->handoff);
	regfree(&v->announce);
	v->num_expect = v->num_fail = 0;
}

void qv_reset(struct qv *v)
{
	memset(v->line, 0, sizeof(v->line));
	for (unsigned int i = 0; i < QV_MAX_UARTS; i++)
		v->line[i].last_match = -1;
	v->num_batch = 0;
	v->next_expect = 0;
	v->handoff_seen = false;
	v->announced = NULL;
	v->state = QV_RUNNING;
	v->reason[0] = 0;
}

static void decide(struct qv *v, enum qv_state s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void decide(struct qv *v, enum qv_state s, const char *fmt, ...)
{
	va_list ap;

	if (v->state != QV_RUNNING)
		return;
	v->state = s;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

/* "--expect 'X' (2 of 3 matched)" for the first one still pending */
static void pending(const struct qv *v, char *buf, size_t size)
{
	snprintf(buf, size, "--expect '%s' (%u of %u matched)",
		 v->expect[v->next_expect].src, v->next_expect, v->num_expect);
}

/* 1 if a --fail-on pattern matches the line (decided), else 0. */
static int check_fail(struct qv *v, const struct qv_line *l, int eflags)
{
	for (unsigned int i = 0; i < v->num_fail; i++) {
		const struct qv_pattern *p = &v->fail[i];

		if (regexec(&p->re, l->buf, 0, NULL, eflags))
			continue;
		if (p->what)
			decide(v, QV_FAILED, "%s: \"%.*s\"", p->what, SHOW_MAX,
			       l->buf);
		else
			decide(v, QV_FAILED, "--fail-on '%s' matched: \"%.*s\"",
			       p->src, SHOW_MAX, l->buf);
		return 1;
	}
	return 0;
}

static void check_line(struct qv *v, struct qv_line *l, bool complete)
{
	int eol = complete ? 0 : REG_NOTEOL;
	regmatch_t m;

	l->buf[l->len] = 0;
	while (v->state == QV_RUNNING && v->next_expect < v->num_expect &&
	       l->consumed <= l->len) {
		const struct qv_pattern *p = &v->expect[v->next_expect];

		if (regexec(&p->re, l->buf + l->consumed, 1, &m,
			    eol | (l->consumed ? REG_NOTBOL : 0)))
			break;
		l->consumed += (size_t)m.rm_eo;
		l->expected = true;
		l->last_match = l->seq;
		if (++v->next_expect == v->num_expect)
			decide(v, QV_PASSED, "the last --expect matched: \"%.*s\"",
			       SHOW_MAX, l->buf);
	}
	/*
	 * The rest only on whole lines: a --fail-on match in a line still
	 * being written would quote half of it (and whether it is half
	 * depends on how QEMU's output was split into reads).
	 */
	if (v->state != QV_RUNNING || l->expected || !complete)
		return;
	if (check_fail(v, l, 0))
		return;
	if (!regexec(&v->handoff, l->buf, 0, NULL, 0))
		v->handoff_seen = true;
	if (!regexec(&v->announce, l->buf, 1, &m, 0)) {
		const char *what = strstr(l->buf, "Restart") ? "rebooted" :
				   strstr(l->buf, "Power") ? "powered off" :
				   "halted";
		char exp[300];

		v->announced = what;
		if (v->next_expect == v->num_expect) {
			decide(v, QV_PASSED, "the guest %s (\"%.*s\")", what,
			       SHOW_MAX, l->buf + m.rm_so);
		} else {
			pending(v, exp, sizeof(exp));
			decide(v, QV_FAILED, "the guest %s before %s", what, exp);
		}
	}
}

/* A complete line: judged, kept for the batch retry, then cleared. */
static void complete_line(struct qv *v, unsigned int uart, struct qv_line *l)
{
	check_line(v, l, true);
	if (v->num_batch < QV_BATCH_LINES) {
		struct qv_batch_line *b = &v->batch[v->num_batch++];

		b->uart = uart;
		b->seq = l->seq;
		b->used = l->expected;
		memcpy(b->text, l->buf, l->len + 1);
	}
	l->len = l->consumed = 0;
	l->expected = false;
	l->seq++;
}

void qv_end_batch(struct qv *v)
{
	while (v->state == QV_RUNNING && v->next_expect < v->num_expect) {
		const struct qv_pattern *p = &v->expect[v->next_expect];
		struct qv_batch_line *hit = NULL;

		for (unsigned int i = 0; i < v->num_batch && !hit; i++) {
			struct qv_batch_line *b = &v->batch[i];

			if (!b->used && b->seq > v->line[b->uart].last_match &&
			    !regexec(&p->re, b->text, 0, NULL, 0))
				hit = b;
		}
		if (!hit)
			break;
		hit->used = true;
		v->line[hit->uart].last_match = hit->seq;
		if (++v->next_expect == v->num_expect)
			decide(v, QV_PASSED, "the last --expect matched: \"%.*s\"",
			       SHOW_MAX, hit->text);
	}
	v->num_batch = 0;
}

void qv_feed(struct qv *v, unsigned int uart, const char *data, size_t n)
{
	struct qv_line *l;
	bool grew = false;

	if (uart >= QV_MAX_UARTS)
		return;
	l = &v->line[uart];
	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		if (c == '\r')
			continue;
		if (c == '\n' || c == 0) {
			/* a NUL would end the string regexec sees: a line end */
			complete_line(v, uart, l);
			grew = false;
			continue;
		}
		l->buf[l->len++] = c;
		grew = true;
		if (l->len == QV_LINE_MAX) {
			complete_line(v, uart, l);
			grew = false;
		}
	}
	if (grew)
		check_line(v, l, false);
}

/* The lines QEMU wrote last may end without a newline: judged as whole. */
static void finish_lines(struct qv *v)
{
	for (unsigned int i = 0; i < QV_MAX_UARTS; i++)
		if (v->line[i].len > v->line[i].consumed)
			complete_line(v, i, &v->line[i]);
	qv_end_batch(v);
}

void qv_qemu_ended(struct qv *v, int status)
{
	char exp[300] = "";

	if (WIFSIGNALED(status)) {
		decide(v, QV_FAILED, "QEMU was killed by signal %d",
		       WTERMSIG(status));
		return;
	}
	if (WEXITSTATUS(status)) {
		decide(v, QV_FAILED, "QEMU exited with status %d (its message "
		       "is above)", WEXITSTATUS(status));
		return;
	}
	finish_lines(v);
	if (v->state != QV_RUNNING)
		return;
	if (v->next_expect < v->num_expect)
		pending(v, exp, sizeof(exp));
	if (!v->handoff_seen)
		decide(v, QV_FAILED, "the cell reset before the loader's handoff "
		       "line%s%s", *exp ? ", waiting for " : "", exp);
	else
		decide(v, QV_FAILED, "the cell reset after the handoff without "
		       "the kernel's 'reboot:' line (a triple fault?)%s%s",
		       *exp ? ", waiting for " : "", exp);
}

void qv_timed_out(struct qv *v, unsigned long long seconds)
{
	char exp[300];

	/*
	 * A --fail-on in a last line that never ended: judged as it stands
	 * (REG_NOTEOL: more of it may have been coming), not for --expect.
	 */
	for (unsigned int i = 0; i < QV_MAX_UARTS; i++) {
		struct qv_line *l = &v->line[i];

		l->buf[l->len] = 0;
		if (l->len && !l->expected && v->state == QV_RUNNING)
			check_fail(v, l, REG_NOTEOL);
	}
	if (v->next_expect < v->num_expect) {
		pending(v, exp, sizeof(exp));
		decide(v, QV_TIMED_OUT, "%s did not match within the --timeout "
		       "of %llu s", exp, seconds);
	} else {
		decide(v, QV_TIMED_OUT, "no verdict within the --timeout of "
		       "%llu s", seconds);
	}
}

void qv_interrupted(struct qv *v, int sig)
{
	decide(v, QV_INTERRUPTED, "stopped by signal %d (%s)", sig,
	       sig == SIGINT ? "Ctrl-C" : sig == SIGTERM ? "SIGTERM" :
	       sig == SIGHUP ? "SIGHUP" : "?");
}

int qv_exit_code(enum qv_state s)
{
	switch (s) {
	case QV_PASSED:
		return QV_EXIT_PASSED;
	case QV_TIMED_OUT:
		return QV_EXIT_TIMED_OUT;
	case QV_INTERRUPTED:
		return QV_EXIT_INTERRUPTED;
	case QV_RUNNING:
	case QV_FAILED:
		break;
	}
	return QV_EXIT_FAILED;
}

const char *qv_state_name(enum qv_state s)
{
	static const char *const names[] = {
		[QV_RUNNING] = "running", [QV_PASSED] = "passed",
		[QV_FAILED] = "failed", [QV_TIMED_OUT] = "timed out",
		[QV_INTERRUPTED] = "interrupted",
	};

	return names[s];
}
