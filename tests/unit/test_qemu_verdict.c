/* SPDX-License-Identifier: MIT */
/*
 * The verdict of `cellboot qemu` (tools/cellboot/qemu_verdict.c) on serial
 * output: each row's text is fed split into two reads at every byte
 * position, and the verdict (state and quoted reason) must be the same for
 * every split, since how QEMU's output arrives in reads is chance.
 */
#include <sys/wait.h>

#include "tests/unit/helpers.h"
#include "tools/cellboot/qemu_verdict.h"

static struct qv v;

struct row {
	const char *name;
	const char *expect[2], *fail_on[2];
	const char *text;		/* UART 0 */
	bool timeout;			/* ends by --timeout 2, not QEMU's exit */
	enum qv_state state;
	const char *reason;
};

static const struct row rows[] = {
	{ "--fail-on quotes the whole line", { "end" }, { "WARN(ING)?:" },
	  "cellboot: handoff to 0x1000200\nWARNING: something odd\nend\n",
	  false, QV_FAILED,
	  "--fail-on 'WARN(ING)?:' matched: \"WARNING: something odd\"" },
	{ "an expected error line is no failure",
	  { "cellboot: error: params: .*io 0x2f8 refused$" }, { NULL },
	  "cellboot: error: params: console io 0x2f8 refused\n",
	  false, QV_PASSED, "the last --expect matched: \"cellboot: error: "
	  "params: console io 0x2f8 refused\"" },
	{ "the loader's error line by default", { "never" }, { NULL },
	  "cellboot: error: config: 0x1-0x2 is outside\n",
	  false, QV_FAILED, "the loader reported an error: \"cellboot: error: "
	  "config: 0x1-0x2 is outside\"" },
	{ "a prompt without a newline", { "login: $" }, { NULL },
	  "cellboot: handoff to 0x1000200\nlogin: ",
	  false, QV_PASSED, "the last --expect matched: \"login: \"" },
	{ "a last line without a newline is whole at the end", { "never" },
	  { "oops" }, "cellboot: handoff to 0x1000200\nan oops here",
	  false, QV_FAILED, "--fail-on 'oops' matched: \"an oops here\"" },
	{ "reboot after every --expect", { "ready" }, { NULL },
	  "cellboot: handoff to 0x1000200\nready\nreboot: Power down\n",
	  false, QV_PASSED, "the last --expect matched: \"ready\"" },
	{ "'$' is no line end when the timeout comes", { "login: $" }, { NULL },
	  "cellboot: handoff to 0x1000200\nlogin: ", true, QV_TIMED_OUT,
	  "--expect 'login: $' (0 of 1 matched) did not match within the "
	  "--timeout of 2 s" },
	{ "--fail-on in a line cut off by the timeout", { "never" }, { "oops" },
	  "cellboot: handoff to 0x1000200\nan oops her", true, QV_FAILED,
	  "--fail-on 'oops' matched: \"an oops her\"" },
};

static unsigned int count(const char *const *p)
{
	return p[0] ? (p[1] ? 2 : 1) : 0;
}

static void run(const struct row *r, size_t split)
{
	char msg[256];

	assert_int_equal(qv_init(&v, r->expect, count(r->expect), r->fail_on,
				 count(r->fail_on), msg, sizeof(msg)), 0);
	qv_reset(&v);
	qv_feed(&v, 0, r->text, split);
	qv_end_batch(&v);
	qv_feed(&v, 0, r->text + split, strlen(r->text) - split);
	qv_end_batch(&v);
	if (r->timeout)
		qv_timed_out(&v, 2);
	else
		qv_qemu_ended(&v, 0);	/* exited by itself, status 0 */
	if (v.state != r->state || strcmp(v.reason, r->reason))
		fail_msg("row \"%s\", split at %zu: %s \"%s\", want %s \"%s\"",
			 r->name, split, qv_state_name(v.state), v.reason,
			 qv_state_name(r->state), r->reason);
	qv_free(&v);
}

static void test_verdict_does_not_depend_on_reads(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		for (size_t split = 0; split <= strlen(rows[i].text); split++)
			run(&rows[i], split);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_does_not_depend_on_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
