/* SPDX-License-Identifier: MIT */
/*
 * The verdict of one `cellboot qemu` run, decided from the serial output
 * of the cell's UARTs and from how QEMU ended. Pure: no processes, no
 * files (tools/cellboot/qemu_run.c feeds it).
 *
 *   passed     every --expect matched, in order; or, without --expect,
 *              the kernel announced a reboot, power-off or halt
 *   failed     a --fail-on line (by default a loader error line or a
 *              kernel panic), the cell reset before the loader's handoff
 *              line, a reset after it that the kernel did not announce,
 *              the guest ended before every --expect matched, QEMU failed
 *   timed out  --timeout passed first
 *
 * Lines are matched as they arrive, one line buffer per UART; '\r' is
 * dropped. A partial line (a prompt without a newline) is tried too for
 * the pending --expect, with REG_NOTEOL so that '$' only matches at a real
 * end of line; --fail-on and the guest's reboot line are judged on whole
 * lines only (ended by a newline, QEMU's end or the timeout), so the
 * verdict never depends on how the output was split into reads. Several
 * --expect patterns may match on one line, each after the previous match.
 * A line an --expect matched is not checked against --fail-on, so an
 * expected error line is not a failure.
 *
 * The order of lines on different UARTs is only known to the granularity
 * of one read of all of them (a batch): after each batch, the complete
 * lines of the batch are tried again for the pending --expect, except
 * lines at or before the last match on their own UART (qv_end_batch).
 */
#ifndef CELLBOOT_TOOLS_QEMU_VERDICT_H
#define CELLBOOT_TOOLS_QEMU_VERDICT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit codes of `cellboot qemu` (docs/cellboot.1, EXIT STATUS). */
#define QV_EXIT_PASSED		0
#define QV_EXIT_FAILED		1
#define QV_EXIT_USAGE		2
#define QV_EXIT_TIMED_OUT	3
#define QV_EXIT_INTERRUPTED	130

#define QV_MAX_PATTERNS	32
#define QV_MAX_UARTS	4
#define QV_LINE_MAX	4096	/* a longer line is matched in pieces */
#define QV_BATCH_LINES	128	/* lines of one batch kept for the retry */

/* What the defaults match (the loader's and the kernel's own words). */
#define QV_LOADER_ERROR		"cellboot: error:"
#define QV_KERNEL_PANIC		"Kernel panic - not syncing"
#define QV_HANDOFF		"^cellboot: handoff to "
#define QV_ANNOUNCE		"reboot: (Restarting system|Power down|System halted)"

enum qv_state { QV_RUNNING, QV_PASSED, QV_FAILED, QV_TIMED_OUT,
		QV_INTERRUPTED };

struct qv_pattern {
	const char *src;
	const char *what;	/* how a match is reported */
	regex_t re;
};

struct qv_line {
	char buf[QV_LINE_MAX + 1];
	size_t len;
	size_t consumed;	/* bytes an --expect match already used */
	bool expected;		/* an --expect matched on this line */
	long long seq;		/* lines completed before this one */
	long long last_match;	/* seq of the last --expect match, or -1 */
};

struct qv_batch_line {
	unsigned int uart;
	long long seq;
	bool used;		/* an --expect matched it */
	char text[QV_LINE_MAX + 1];
};

struct qv {
	struct qv_pattern expect[QV_MAX_PATTERNS], fail[QV_MAX_PATTERNS + 2];
	unsigned int num_expect, num_fail, next_expect;
	regex_t handoff, announce;
	struct qv_line line[QV_MAX_UARTS];
	struct qv_batch_line batch[QV_BATCH_LINES];
	unsigned int num_batch;
	bool handoff_seen;
	const char *announced;	/* "rebooted", "powered off", "halted" */
	enum qv_state state;
	char reason[640];	/* why, once state != QV_RUNNING */
};

/*
 * Compiles the patterns (POSIX extended regular expressions). The default
 * --fail-on patterns come first. Returns 0, or -1 after writing the
 * regcomp message for the bad pattern to msg.
 */
int qv_init(struct qv *v, const char *const *expect, unsigned int num_expect,
	    const char *const *fail_on, unsigned int num_fail,
	    char *msg, size_t msg_size);
void qv_free(struct qv *v);
/* Forgets the lines and the verdict; the patterns stay (the next run). */
void qv_reset(struct qv *v);

/* Serial bytes from UART `uart` (0..QV_MAX_UARTS-1). */
void qv_feed(struct qv *v, unsigned int uart, const char *data, size_t n);
/* After each read of every UART: the cross-UART retry (see above). */
void qv_end_batch(struct qv *v);
/* QEMU ended by itself, with waitpid status `status`. */
void qv_qemu_ended(struct qv *v, int status);
void qv_timed_out(struct qv *v, unsigned long long seconds);
void qv_interrupted(struct qv *v, int sig);

int qv_exit_code(enum qv_state s);
const char *qv_state_name(enum qv_state s);

#endif
