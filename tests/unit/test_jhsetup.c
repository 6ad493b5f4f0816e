/* SPDX-License-Identifier: MIT */
/*
 * lib/jhsetup.c: the SETUP_JAILHOUSE payload (version 2, compatible 1)
 * from a comm region, the cell config and the APIC IDs that checked in.
 * Checked at the raw offsets of docs/boot-protocol.md 6.1.
 */
#include "tests/unit/helpers.h"
#include "lib/jhsetup.h"

static struct jailhouse_comm_region comm;
static struct jailhouse_setup_data jh;
static struct jailhouse_irqchip irq[3];
static struct jailhouse_pio pio[8];
static struct cell_config cfg;
static u8 ids[300];

static void comm_values(void)
{
	memset(&comm, 0, sizeof(comm));
	memcpy(comm.signature, "JHCOMM", 6);
	comm.revision = 2;
	comm.flags = 3;
	comm.pci_mmconfig_base = 0xb0000000;
	comm.pm_timer_address = 0x408;
	comm.num_cpus = 4;		/* what the hypervisor says; not used */
	comm.tsc_khz = 2400123;
	comm.apic_khz = 100456;
}

static void cell(u32 nirq, u32 npio)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.irqchips = irq;
	cfg.num_irqchips = nirq;
	cfg.pio = pio;
	cfg.num_pio = npio;
}

static void fill(const struct cell_config *c, u32 n)
{
	memset(&jh, 0xee, sizeof(jh));
	jh_setup_fill(&jh, &comm, c, ids, n);
}

static void test_fields_from_comm_region(void **state)
{
	(void)state;
	comm_values();
	for (u32 i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = (u8)(i * 2);
	fill(NULL, 3);
	/* raw offsets */
	assert_int_equal(rd16(&jh, 0x000), 2);			/* version */
	assert_int_equal(rd16(&jh, 0x002), 1);			/* compatible */
	assert_int_equal(rd16(&jh, 0x004), 0x408);		/* pm timer */
	assert_int_equal(rd16(&jh, 0x006), 3);			/* num_cpus */
	assert_int_equal(rd64(&jh, 0x008), 0xb0000000);		/* mmconfig */
	assert_int_equal(rd32(&jh, 0x010), 2400123);		/* tsc_khz */
	assert_int_equal(rd32(&jh, 0x014), 100456);		/* apic_khz */
	assert_int_equal(((u8 *)&jh)[0x018], 0);		/* no config: no IOAPIC */
	assert_int_equal(((u8 *)&jh)[0x019], 0);		/* cpu_ids */
	assert_int_equal(((u8 *)&jh)[0x01a], 2);
	assert_int_equal(((u8 *)&jh)[0x01b], 4);
	/* the rest of cpu_ids is zeroed, not left over */
	for (size_t i = 0x01c; i < 0x118; i++)
		assert_int_equal(((u8 *)&jh)[i], 0);
	assert_int_equal(rd32(&jh, 0x118), 0);			/* no config: no UARTs */
	assert_int_equal(sizeof(jh), 284);
	/* num_cpus counts the IDs given, not the comm region's value */
	assert_int_equal(jh.num_cpus, 3);
}

static void test_no_cpus(void **state)
{
	(void)state;
	comm_values();
	fill(NULL, 0);
	assert_int_equal(jh.num_cpus, 0);
	for (size_t i = 0; i < 255; i++)
		assert_int_equal(jh.cpu_ids[i], 0);
}

static void test_more_than_255_cpus(void **state)
{
	(void)state;
	comm_values();
	for (u32 i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = (u8)(i + 1);
	fill(NULL, 300);
	assert_int_equal(jh.num_cpus, 255);
	for (u32 i = 0; i < 255; i++)
		assert_int_equal(jh.cpu_ids[i], (u8)(i + 1));
	/* nothing spills into flags */
	assert_int_equal(jh.flags, 0);
	fill(NULL, 256);
	assert_int_equal(jh.num_cpus, 255);
	fill(NULL, 255);
	assert_int_equal(jh.num_cpus, 255);
	assert_int_equal(jh.cpu_ids[254], 255);
	fill(NULL, 254);
	assert_int_equal(jh.num_cpus, 254);
	assert_int_equal(jh.cpu_ids[253], 254);
	assert_int_equal(jh.cpu_ids[254], 0);
}

static void test_more_than_255_reads_only_255(void **state)
{
	/* an exact 255-byte heap array: n = 1000 must not read past it */
	u8 *p = malloc(255);

	(void)state;
	assert_non_null(p);
	memset(p, 7, 255);
	comm_values();
	memset(&jh, 0xee, sizeof(jh));
	jh_setup_fill(&jh, &comm, NULL, p, 1000);
	assert_int_equal(jh.num_cpus, 255);
	assert_int_equal(jh.cpu_ids[254], 7);
	free(p);
}

static void test_ioapic_detection(void **state)
{
	/* standard_ioapic: one of the first n irqchips is at 0xfec00000 */
	static const struct {
		const char *name;
		u32 n;
		struct jailhouse_irqchip chips[3];
		u8 want;
	} rows[] = {
		{ "no irqchips", 0, { { 0 } }, 0 },
		{ "a non-standard one only", 1,
		  { { .address = 0xfec01000 } }, 0 },
		{ "the standard address among others", 3,
		  { { .address = 0xfec01000 },
		    { .address = 0xfec00000, .id = 0x1ff },
		    { .address = 0xfed00000 } }, 1 },
		/* only the address counts; the count bounds the search */
		{ "the standard one past the count", 1,
		  { { .address = 0xfec01000 },
		    { .address = 0xfec00000, .id = 0x1ff },
		    { .address = 0xfed00000 } }, 0 },
		{ "0xfec00000 + 4 GiB (64-bit compare)", 1,
		  { { .address = 0x1fec00000ull },
		    { .address = 0xfec00000, .id = 0x1ff },
		    { .address = 0xfed00000 } }, 0 },
	};

	(void)state;
	comm_values();
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		memcpy(irq, rows[i].chips, sizeof(irq));
		cell(rows[i].n, 0);
		fill(&cfg, 1);
		assert_row_equal(rows[i].name, "standard_ioapic",
				 jh.standard_ioapic, rows[i].want);
		assert_row_equal(rows[i].name, "byte 0x018",
				 ((u8 *)&jh)[0x018], rows[i].want);
	}
}

static void test_uart_flags(void **state)
{
	/* flags bit i: the cell has legacy UART i's 8 ports in one pio grant */
	static const struct {
		const char *name;
		u32 n;
		struct jailhouse_pio grants[4];
		u32 flags;
	} rows[] = {
		{ "exactly the four legacy UARTs", 4,
		  { { 0x3f8, 8 }, { 0x2f8, 8 }, { 0x3e8, 8 }, { 0x2e8, 8 } },
		  0xf },
		{ "0x3f8 alone", 1, { { 0x3f8, 8 } }, 1u << 0 },
		{ "0x2f8 alone", 1, { { 0x2f8, 8 } }, 1u << 1 },
		{ "0x3e8 alone", 1, { { 0x3e8, 8 } }, 1u << 2 },
		{ "0x2e8 alone", 1, { { 0x2e8, 8 } }, 1u << 3 },
		/* length 8 inside a larger grant counts */
		{ "0x2f0-0x2ff covers 0x2f8", 1, { { 0x2f0, 0x10 } }, 0x2 },
		{ "0x2e8-0x3ff covers all four", 1, { { 0x2e8, 0x118 } }, 0xf },
		/* shorter than 8 or shifted: not usable */
		{ "short or shifted grants", 4,
		  { { 0x3f8, 7 }, { 0x2f9, 8 },
		    { 0x3e0, 8 },		/* ends at 0x3e8 */
		    { 0x2ec, 4 } },		/* second half only */
		  0 },
		/* two halves of 4 are two grants, not one */
		{ "two halves of 0x3f8", 2, { { 0x3f8, 4 }, { 0x3fc, 4 } }, 0 },
		{ "other ports", 2, { { 0x60, 1 }, { 0xcf8, 8 } }, 0 },
	};

	(void)state;
	comm_values();
	assert_int_equal(jh_legacy_uart_ports[0], 0x3f8);
	assert_int_equal(jh_legacy_uart_ports[1], 0x2f8);
	assert_int_equal(jh_legacy_uart_ports[2], 0x3e8);
	assert_int_equal(jh_legacy_uart_ports[3], 0x2e8);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		memcpy(pio, rows[i].grants, sizeof(rows[i].grants));
		cell(0, rows[i].n);
		fill(&cfg, 1);
		assert_row_equal(rows[i].name, "flags", jh.flags, rows[i].flags);
		assert_row_equal(rows[i].name, "flags at 0x118",
				 rd32(&jh, 0x118), rows[i].flags);
	}
}

static void test_values_are_copies(void **state)
{
	(void)state;
	/* zero comm region values pass through as zero */
	memset(&comm, 0, sizeof(comm));
	cell(0, 0);
	ids[0] = 9;
	fill(&cfg, 1);
	assert_int_equal(jh.version, 2);
	assert_int_equal(jh.compatible_version, 1);
	assert_int_equal(jh.pm_timer_address, 0);
	assert_int_equal(jh.pci_mmconfig_base, 0);
	assert_int_equal(jh.tsc_khz, 0);
	assert_int_equal(jh.apic_khz, 0);
	assert_int_equal(jh.cpu_ids[0], 9);
	/* 64-bit mmconfig base */
	comm.pci_mmconfig_base = 0x1234567890ull;
	fill(&cfg, 1);
	assert_int_equal(rd64(&jh, 0x008), 0x1234567890ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_from_comm_region),
		cmocka_unit_test(test_no_cpus),
		cmocka_unit_test(test_more_than_255_cpus),
		cmocka_unit_test(test_more_than_255_reads_only_255),
		cmocka_unit_test(test_ioapic_detection),
		cmocka_unit_test(test_uart_flags),
		cmocka_unit_test(test_values_are_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
