/* SPDX-License-Identifier: MIT */
/*
 * loader/exception.c on the host seam: a CPU exception in the loader is
 * one error line on the console, the cell state FAILED and a parked CPU,
 * never a reset; a fault inside that report parks at once. Each row calls
 * exception_report() as arch/x86/exception.asm would, in a fresh child
 * with a console at 0x3f8 and the comm region at its default address.
 */
#include "loader/console.h"	/* before cmocka's fail() macro */
#include "tests/unit/loader/cell.h"

struct exception_row {
	const char *name;
	u64 vector, error_code, rip, cr2;
	const char *line;
};

static const struct exception_row rows[] = {
	{ "page fault", 14, 0x2, 0x5123, 0x7ff000000000,
	  "cellboot: error: cpu: exception #PF (vector 14) at rip 0x5123, "
	  "error code 0x2, cr2 0x7ff000000000" },
	{ "invalid opcode", 6, 0, 0x2040, 0,
	  "cellboot: error: cpu: exception #UD (vector 6) at rip 0x2040, "
	  "error code 0x0, cr2 0x0" },
	{ "the last named vector", 21, 0x1, 0x3000, 0,
	  "cellboot: error: cpu: exception #CP (vector 21) at rip 0x3000, "
	  "error code 0x1, cr2 0x0" },
	{ "a reserved vector", 22, 0, 0x3000, 0,
	  "cellboot: error: cpu: exception #reserved (vector 22) at rip "
	  "0x3000, error code 0x0, cr2 0x0" },
};

static const struct exception_row *current;
static bool nested;

static void report(void)
{
	console_set_uart(CONSOLE_IO, 0x3f8, 0);
	console_set_comm(fake_ram(COMM_REGION_DEFAULT_BASE));
	hw->fault_in_pio = nested;	/* the report's first byte faults */
	exception_report(current->vector, current->error_code, current->rip,
			 current->cr2);
}

static void run_row(const struct exception_row *r)
{
	const struct jailhouse_comm_region *comm;
	const char *text;

	if (!fake_reset())
		skip();
	comm = cell_comm(COMM_REGION_DEFAULT_BASE, 1, 0, NULL);
	current = r;
	text = cell_run(report, FAKE_PIO_W, 0x3f8);
	assert_int_equal(hw->end, FAKE_PARKED);
	assert_int_equal(comm->cell_state, JAILHOUSE_CELL_FAILED);
	assert_string_equal(cell_line(text, "cellboot: "), r->line);
	assert_null(cell_line(strstr(text, "\r\n") + 2, "cellboot: "));
}

static void test_exception_rows(void **state)
{
	(void)state;
	nested = false;
	CELL_ROWS(rows, run_row);
}

/*
 * A fault inside the report (here its first byte to the UART) parks at
 * once: no second report, no loop of faults, the state left as it was.
 */
static void test_exception_in_report(void **state)
{
	const struct jailhouse_comm_region *comm;

	(void)state;
	if (!fake_reset())
		skip();
	comm = cell_comm(COMM_REGION_DEFAULT_BASE, 1, 0, NULL);
	current = &rows[0];
	nested = true;
	assert_string_equal(cell_run(report, FAKE_PIO_W, 0x3f8), "c");
	nested = false;
	assert_int_equal(hw->end, FAKE_PARKED);
	assert_int_equal(comm->cell_state, JAILHOUSE_CELL_RUNNING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exception_rows),
		cmocka_unit_test(test_exception_in_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
