/* SPDX-License-Identifier: MIT */
/*
 * params_parse() on arbitrary bytes, twice: with the bytes as they are
 * (bufsize = len, usually no NUL: must fail cleanly without reading past
 * the buffer) and with a NUL appended. A successful parse must describe
 * what the header lib/params.h promises; a failed one must leave the
 * struct at its defaults.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/params.h"

static void check_ok(const char *buf, size_t bufsize, const struct params *p)
{
	size_t len = strnlen(buf, bufsize);

	FUZZ_CHECK(len < bufsize, "success without a NUL inside the buffer");
	FUZZ_CHECK(p->has_kernel, "success without kernel=");
	FUZZ_CHECK(p->cmdline >= buf && p->cmdline + p->cmdline_len == buf + len,
		   "cmdline %p+%zu is not the tail of the %zu-byte string at %p",
		   (const void *)p->cmdline, p->cmdline_len, len,
		   (const void *)buf);
	FUZZ_CHECK(p->cmdline[p->cmdline_len] == '\0', "cmdline not terminated");
	FUZZ_CHECK(!p->has_initrd || p->initrd_size, "initrd of size 0");
	FUZZ_CHECK(!p->has_crc || p->kernel_size, "crc= without the kernel size");
	FUZZ_CHECK(!p->has_initrd_crc || (p->has_crc && p->has_initrd),
		   "an initrd CRC without crc= or initrd=");
	FUZZ_CHECK(p->num_mem <= PARAMS_MAX_MEM, "num_mem %u", p->num_mem);
	for (u32 i = 0; i < p->num_mem; i++)
		FUZZ_CHECK(p->mem[i].size, "mem %u of size 0", i);
	FUZZ_CHECK(p->cpu_wait_ms <= PARAMS_MAX_CPU_WAIT_MS, "cpu_wait_ms %u",
		   p->cpu_wait_ms);
	FUZZ_CHECK(p->log == LOG_QUIET || p->log == LOG_DEFAULT ||
		   p->log == LOG_VERBOSE, "log level %d", (int)p->log);
	FUZZ_CHECK(p->console.kind <= CONSOLE_MMIO32, "console kind %d",
		   (int)p->console.kind);
	FUZZ_CHECK(console_kind_name(p->console.kind) != NULL, "no kind name");
	if (p->console.kind == CONSOLE_IO)
		FUZZ_CHECK(p->console.addr <= 0xfff8, "io port 0x%llx",
			   (unsigned long long)p->console.addr);
	if (p->console.baud)
		FUZZ_CHECK(p->console.baud <= 115200 &&
			   115200 % p->console.baud == 0, "baud %u",
			   p->console.baud);
	if (p->console.kind == CONSOLE_UNSET || p->console.kind == CONSOLE_NONE)
		FUZZ_CHECK(!p->console.addr && !p->console.baud,
			   "console kind %d with an address", (int)p->console.kind);
}

/*
 * Issue 8: a failed parse leaves the defaults, nothing half-parsed (a
 * console kind stored before its value failed once silenced the loader).
 */
static void check_defaults(const struct params *p)
{
	struct params want;

	memset(&want, 0, sizeof(want));
	want.log = LOG_DEFAULT;
	want.cpu_wait_ms = PARAMS_DEFAULT_CPU_WAIT_MS;
	FUZZ_CHECK(p->cmdline && p->cmdline[0] == '\0' && !p->cmdline_len,
		   "failed parse left a command line");
	want.cmdline = p->cmdline;
	FUZZ_CHECK(!memcmp(p, &want, sizeof(want)),
		   "failed parse left more than the defaults (console kind %d "
		   "addr 0x%llx, kernel 0x%llx, %u mem)", (int)p->console.kind,
		   (unsigned long long)p->console.addr,
		   (unsigned long long)p->kernel_addr, p->num_mem);
}

static void run(const char *buf, size_t bufsize)
{
	struct params p;
	struct cb_err err;

	memset(&err, 0, sizeof(err));
	memset(&p, 0xa5, sizeof(p));	/* the parser must set every byte */
	if (params_parse(buf, bufsize, &p, &err)) {
		fuzz_check_err(&err);
		FUZZ_CHECK(!strcmp(err.what, "params"), "subject '%s'", err.what);
		check_defaults(&p);
		return;
	}
	check_ok(buf, bufsize, &p);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *buf = fuzz_dup(data, size);

	run(buf, size);
	free(buf);

	buf = malloc(size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	run(buf, size + 1);
	free(buf);
	return 0;
}
