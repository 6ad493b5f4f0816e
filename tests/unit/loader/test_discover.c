/* SPDX-License-Identifier: MIT */
/*
 * Discovery without a cell config on the host seam (loader/discover.c and
 * the memory map step): mem=, comm= and the defaults, and errors that are
 * found before the console is up, reported once it is, first one first,
 * with the cell state Jailhouse shows. Each row boots cellboot_main() in a
 * fresh child and reads what the UART at 0x3f8 received; the cell has no
 * kernel, so a boot that gets through discovery ends at the place step.
 */
#include "tests/unit/loader/cell.h"
#include "lib/version.h"

#define COMM_DEFAULT	COMM_REGION_DEFAULT_BASE
#define PLACE_STEP	"cellboot: error: kernel: "	/* discovery passed */
#define MAX_LINES	6
#define BANNER		"cellboot: version " CELLBOOT_VERSION ", "

struct discover_row {
	const char *name;
	const char *params;	/* after CELL_KERNEL */
	u64 comm_at;		/* where the hypervisor's comm region is; 0: none */
	u16 comm_revision;	/* 0: the ABI's */
	/* what the loader did */
	const char *lines[MAX_LINES];	/* printed, in this order */
	const char *error;	/* the first error line (a prefix of it) */
	u64 state_at;		/* where cell_state is read back */
	u32 state;
};

static const struct discover_row rows[] = {
	{ "mem= and the default comm region", CELL_MEM, COMM_DEFAULT, 0,
	  { BANNER "cell \"(no config)\", cpus 2, console io 0x3f8",
	    "cellboot: e820 0x0-0xfffff RAM",
	    "cellboot: e820 0x100000-0x100fff reserved",
	    "cellboot: e820 0x200000-0x3fffff RAM",
	    "cellboot: cpus: 2 of 2 checked in (APIC IDs 0 2)" },
	  PLACE_STEP, COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "comm= moves the comm region and its reserved page", CELL_MEM
	  "comm=0x180000", 0x180000, 0,
	  { "cellboot: e820 0x0-0xfffff RAM",
	    "cellboot: e820 0x180000-0x180fff reserved",
	    "cellboot: e820 0x200000-0x3fffff RAM" },
	  PLACE_STEP, 0x180000, JAILHOUSE_CELL_FAILED },
	{ "mem= across the comm region: refused", "mem=0x0,0x400000",
	  COMM_DEFAULT, 0, { 0 },
	  "cellboot: error: e820: 0x0+0x400000 overlaps 0x100000+0x1000",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "no mem= and no config=: RAM unknown", "", COMM_DEFAULT, 0,
	  { BANNER "cell \"(no config)\", cpus 2, console io 0x3f8" },
	  "cellboot: error: params: no config= or mem=: cell RAM unknown",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "mem= without cellboot's own area", "mem=0x200000,0x200000",
	  COMM_DEFAULT, 0, { 0 },
	  "cellboot: error: memory: 0x0-0x22fff is not inside cell RAM",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "comm region of another ABI revision: FAILED_COMM_REV",
	  CELL_MEM "console=io,0x3f8", COMM_DEFAULT, 1, { 0 },
	  "cellboot: error: comm region: \"JHCOMM\" revision 1 at 0x100000, want JHCOMM 2",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED_COMM_REV },
	{ "no comm region where comm= says: FAILED", CELL_MEM
	  "console=io,0x3f8 comm=0x180000", COMM_DEFAULT, 0, { 0 },
	  "cellboot: error: comm region: \"\" revision 0 at 0x180000, want JHCOMM 2",
	  0x180000, JAILHOUSE_CELL_FAILED },
	{ "a params error: reported on the comm region's UART",
	  CELL_MEM "color=blue", COMM_DEFAULT, 0, { 0 },
	  "cellboot: error: params: unknown key 'color'",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "a params error: the first error wins over the comm region's",
	  "console=io,0x3f8 color=blue", COMM_DEFAULT, 1, { 0 }, NULL,
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
	{ "config= outside the low RAM: reported once the console is up",
	  CELL_MEM "console=io,0x3f8 config=0x10000", COMM_DEFAULT, 0,
	  { BANNER "cell \"(no config)\", cpus 2, console io 0x3f8" },
	  "cellboot: error: config: 0x10000-0x1ffff is outside 0x23000-0x9efff, "
	  "the low RAM cellboot reads it from",
	  COMM_DEFAULT, JAILHOUSE_CELL_FAILED },
};

/* Each expected line appears, in order, as a whole line. */
static void assert_lines(const struct discover_row *r, const char *text)
{
	const char *at = text;

	for (u32 i = 0; i < MAX_LINES && r->lines[i]; i++) {
		char want[512];
		const char *hit;

		snprintf(want, sizeof(want), "%s\r\n", r->lines[i]);
		hit = strstr(at, want);
		if (!hit)
			fail_msg("%s: no line \"%s\" (in order) in:\n%s", r->name,
				 r->lines[i], text);
		at = hit + strlen(want);
	}
}

static void run_row(const struct discover_row *r)
{
	char params[CB_PARAMS_SIZE];
	const struct jailhouse_comm_region *state_page;
	const struct cell_con con = CON_PIO(0x3f8);
	const char *text, *line;

	if (!fake_reset())
		skip();
	snprintf(params, sizeof(params), CELL_KERNEL "%s", r->params);
	cell_params(params);
	if (r->comm_at) {
		struct jailhouse_comm_region *c = cell_comm(r->comm_at, 2, 0, &con);

		if (r->comm_revision)
			c->revision = r->comm_revision;
	}
	hw->cpus_started = 2;
	state_page = fake_ram(r->state_at);

	text = cell_boot(FAKE_PIO_W, 0x3f8);
	assert_int_equal(hw->end, FAKE_PARKED);
	assert_lines(r, text);
	line = cell_line(text, "cellboot: error: ");
	if (!r->error) {
		assert_null(line);	/* no console to say it */
	} else {
		if (!line || strncmp(line, r->error, strlen(r->error)))
			fail_msg("%s: error line \"%s\", want \"%s...\"", r->name,
				 line ? line : "(none)", r->error);
		/* one error line: nothing runs after the first */
		assert_null(cell_line(strstr(text, line) + strlen(line),
				      "cellboot: error: "));
	}
	if (state_page->cell_state != r->state)
		fail_msg("%s: cell state %u, want %u", r->name,
			 state_page->cell_state, r->state);
}

static void test_discover_rows(void **state)
{
	(void)state;
	CELL_ROWS(rows, run_row);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
