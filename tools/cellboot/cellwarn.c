/* SPDX-License-Identifier: MIT */
/*
 * What a file is when it is not a cell config, and serial consoles the
 * cell does not own (cellwarn.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/cellwarn.h"
#include "lib/jhsetup.h"

/* Jailhouse configs up to revision 13 (0.12): 6-byte signatures. */
#define OLD_CELL_SIGNATURE	"JHCELL"
#define OLD_SYSTEM_SIGNATURE	"JHSYST"

static unsigned int rd16(const unsigned char *p)
{
	return p[0] | (unsigned int)p[1] << 8;
}

static const char *arch_name(unsigned int a)
{
	switch (a) {
	case 0: return "x86";
	case 1: return "ARM";
	case 2: return "ARM64";
	default: return "an unknown architecture";
	}
}

/* Which Jailhouse writes a configuration of this revision. */
static const char *release_of(unsigned int rev)
{
	if (rev == JAILHOUSE_CONFIG_REVISION)
		return "Jailhouse's master branch since January 2023";
	if (rev == 13)
		return "Jailhouse 0.12";
	if (rev < 13)
		return "a Jailhouse release before 0.12";
	return "a Jailhouse newer than cellboot knows";
}

const char *cellwarn_what_is(const unsigned char *d, size_t size, char *buf,
			     size_t n)
{
	unsigned int rev = size >= 8 ? rd16(d + 6) : 0;
	unsigned int arch = size >= 6 ? d[5] : 0;

	if (size >= 0x206 && rd16(d + 0x1fe) == 0xaa55 &&
	    !memcmp(d + 0x202, "HdrS", 4)) {
		snprintf(buf, n, "a Linux bzImage, not a cell config: are the "
			 "arguments swapped? The cell config comes first "
			 "(cellboot plan CELL.cell KERNEL)");
		return buf;
	}
	if (size < 8)
		return NULL;
	if (!memcmp(d, OLD_CELL_SIGNATURE, 6) ||
	    !memcmp(d, OLD_SYSTEM_SIGNATURE, 6)) {
		snprintf(buf, n, "a Jailhouse %s config of revision %u (6-byte "
			 "signature \"%.6s\", written by %s); cellboot reads "
			 "revision %u (\"JHCLL\"): rebuild it against current "
			 "Jailhouse", d[2] == 'C' ? "cell" : "system (root cell)",
			 rev, (const char *)d, release_of(rev < 14 ? rev : 12),
			 JAILHOUSE_CONFIG_REVISION);
		return buf;
	}
	if (!memcmp(d, JAILHOUSE_SYSTEM_SIGNATURE, JAILHOUSE_SIGNATURE_SIZE)) {
		snprintf(buf, n, "a Jailhouse system (root cell) config "
			 "(\"JHSYS\", revision %u, %s): 'jailhouse enable' takes "
			 "it; cellboot needs the non-root cell's config", rev,
			 arch_name(arch));
		return buf;
	}
	if (memcmp(d, JAILHOUSE_CELL_DESC_SIGNATURE, JAILHOUSE_SIGNATURE_SIZE))
		return NULL;
	if (rev != JAILHOUSE_CONFIG_REVISION) {
		snprintf(buf, n, "a Jailhouse cell config of revision %u (%s); "
			 "cellboot reads revision %u (%s): rebuild it with the "
			 "Jailhouse you run", rev, release_of(rev),
			 JAILHOUSE_CONFIG_REVISION,
			 release_of(JAILHOUSE_CONFIG_REVISION));
		return buf;
	}
	if (arch != JAILHOUSE_ARCH_X86) {
		snprintf(buf, n, "a Jailhouse cell config for %s (architecture "
			 "%u); cellboot boots x86 cells only", arch_name(arch),
			 arch);
		return buf;
	}
	return NULL;
}

/* The number at s (up to ',' or ' '), or -1 if there is none. */
static long number_at(const char *s, int base)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, base);
	if (end == s || v < 0 || (*end && *end != ',' && *end != ' '))
		return -1;
	return v;
}

static void check_port(const struct cell_config *cfg, const char *opt,
		       size_t optlen, long port, bool early,
		       cellwarn_say *say, unsigned int *count)
{
	char tty[16] = "";

	if (port < 0 || port > 0xfff8 ||
	    cellcfg_pio_granted(cfg, (u16)port, 8))
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(jh_legacy_uart_ports); i++)
		if (jh_legacy_uart_ports[i] == port)
			snprintf(tty, sizeof(tty), " (ttyS%u)", i);
	say("%.*s uses ports 0x%lx-0x%lx%s, which the cell does not own (no "
	    "'pio 0x%lx 8'): %s", (int)optlen, opt, port, port + 7, tty, port,
	    early ? "Jailhouse stops the cell at its first write there" :
	    "Linux's Jailhouse-guest code switches that UART off, the console "
	    "stays silent");
	(*count)++;
}

/*
 * Linux's early_serial_init(): "0x<port>", or [ttyS]<n> where anything but
 * 0 and 1 (or nothing) means ttyS0; the port of that, -1 if none.
 */
static long early_port(const char *s)
{
	long n;

	if (*s == ',')
		s++;
	if (!strncmp(s, "0x", 2))
		return number_at(s, 16);
	if (!strncmp(s, "ttyS", 4))
		s += 4;
	n = number_at(s, 10);
	return jh_legacy_uart_ports[n == 1 ? 1 : 0];
}

unsigned int cellwarn_console(const struct cell_config *cfg,
			      const char *cmdline, cellwarn_say *say)
{
	unsigned int count = 0;
	const char *s = cmdline;

	while (s && *s) {
		size_t len;

		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (!strncmp(s, "console=ttyS", 12)) {
			long n = number_at(s + 12, 10);

			/* ttyS4 and up are no legacy UARTs: Linux keeps them */
			if (n >= 0 && n < (long)ARRAY_SIZE(jh_legacy_uart_ports))
				check_port(cfg, s, len, jh_legacy_uart_ports[n],
					   false, say, &count);
		} else if (!strncmp(s, "earlyprintk=serial", 18) &&
			   (!s[18] || s[18] == ' ' || s[18] == ',')) {
			check_port(cfg, s, len, early_port(s + 18), true, say,
				   &count);
		} else if (!strncmp(s, "earlyprintk=ttyS", 16)) {
			check_port(cfg, s, len, early_port(s + 12), true, say,
				   &count);
		}
		s += len;
	}
	return count;
}
