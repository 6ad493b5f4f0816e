/* SPDX-License-Identifier: MIT */
#include "lib/params.h"
#include "lib/string.h"

struct token {
	const char *s;
	size_t len;
};

static bool tok_eq(struct token t, const char *lit)
{
	size_t n = cb_strlen(lit);

	return t.len == n && cb_memcmp(t.s, lit, n) == 0;
}

/* Splits t at the first sep: head gets the part before, t the rest. */
static bool tok_split(struct token *t, char sep, struct token *head)
{
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] == sep) {
			head->s = t->s;
			head->len = i;
			t->s += i + 1;
			t->len -= i + 1;
			return true;
		}
	}
	*head = *t;
	t->s += t->len;
	t->len = 0;
	return false;
}

static int parse_num(struct token key, struct token v, u64 *out,
		     struct cb_err *err)
{
	int r = cb_parse_u64(v.s, v.len, false, out);

	if (r == -2)
		return cb_fail(err, "params", "%.*s: number '%.*s' does not fit in 64 bits",
			       (int)key.len, key.s, (int)v.len, v.s);
	if (r)
		return cb_fail(err, "params", "%.*s: malformed number '%.*s' "
			       "(want decimal or 0x hex)",
			       (int)key.len, key.s, (int)v.len, v.s);
	return 0;
}

/* Parses "A" or "A,B" (need_second: B required; allow_second: B allowed). */
static int parse_pair(struct token key, struct token v, u64 *a, u64 *b,
		      bool need_second, bool allow_second, struct cb_err *err)
{
	struct token first;
	bool has_second = tok_split(&v, ',', &first);

	if (parse_num(key, first, a, err))
		return -1;
	if (!has_second) {
		if (need_second)
			return cb_fail(err, "params", "%.*s: missing ',SIZE' "
				       "(want %.*s=ADDR,SIZE)", (int)key.len,
				       key.s, (int)key.len, key.s);
		return 0;
	}
	if (!allow_second)
		return cb_fail(err, "params", "%.*s: unexpected ',%.*s'",
			       (int)key.len, key.s, (int)v.len, v.s);
	return parse_num(key, v, b, err);
}

static int parse_console(struct token key, struct token v,
			 struct console_spec *c, struct cb_err *err)
{
	struct token kind, addr;
	u64 baud = 0;

	if (tok_eq(v, "none")) {
		c->kind = CONSOLE_NONE;
		return 0;
	}
	if (!tok_split(&v, ',', &kind))
		return cb_fail(err, "params", "console: '%.*s' is not none, io,PORT, "
			       "mmio,ADDR or mmio32,ADDR", (int)kind.len, kind.s);
	if (tok_eq(kind, "io"))
		c->kind = CONSOLE_IO;
	else if (tok_eq(kind, "mmio"))
		c->kind = CONSOLE_MMIO8;
	else if (tok_eq(kind, "mmio32"))
		c->kind = CONSOLE_MMIO32;
	else
		return cb_fail(err, "params", "console: unknown access '%.*s' "
			       "(want io, mmio or mmio32)", (int)kind.len, kind.s);
	if (tok_split(&v, ',', &addr)) {
		if (parse_num(key, v, &baud, err))
			return -1;
		if (baud == 0 || baud > 115200 || 115200 % baud)
			return cb_fail(err, "params", "console: baud rate %llu is not "
				       "115200/N", (unsigned long long)baud);
	}
	if (parse_num(key, addr, &c->addr, err))
		return -1;
	if (c->kind == CONSOLE_IO && c->addr > 0xfff8)
		return cb_fail(err, "params", "console: I/O port 0x%llx is above "
			       "0xfff8", (unsigned long long)c->addr);
	c->baud = (u32)baud;
	return 0;
}

static int parse_log(struct token v, enum log_level *log, struct cb_err *err)
{
	if (tok_eq(v, "quiet"))
		*log = LOG_QUIET;
	else if (tok_eq(v, "default"))
		*log = LOG_DEFAULT;
	else if (tok_eq(v, "verbose"))
		*log = LOG_VERBOSE;
	else
		return cb_fail(err, "params", "log: unknown level '%.*s' "
			       "(want quiet, default or verbose)", (int)v.len, v.s);
	return 0;
}

enum key_id {
	K_KERNEL, K_INITRD, K_CONFIG, K_CONSOLE, K_LOG, K_MEM, K_COMM,
	K_CPU_WAIT, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"kernel", "initrd", "config", "console", "log", "mem", "comm",
	"cpu_wait_ms",
};

static int parse_option(struct token key, struct token v, struct params *p,
			u32 *seen, struct cb_err *err)
{
	enum key_id id;
	u64 n;

	for (id = 0; id < K_COUNT; id++)
		if (tok_eq(key, key_names[id]))
			break;
	if (id == K_COUNT)
		return cb_fail(err, "params", "unknown key '%.*s' (known: kernel, "
			       "initrd, config, console, log, mem, comm, "
			       "cpu_wait_ms; the kernel command line goes after '--')",
			       (int)key.len, key.s);
	if (id != K_MEM && (*seen & (1u << id)))
		return cb_fail(err, "params", "key '%s' given twice", key_names[id]);
	*seen |= 1u << id;
	if (v.len == 0)
		return cb_fail(err, "params", "%s: empty value", key_names[id]);

	switch (id) {
	case K_KERNEL:
		p->has_kernel = true;
		return parse_pair(key, v, &p->kernel_addr, &p->kernel_size,
				  false, true, err);
	case K_INITRD:
		p->has_initrd = true;
		if (parse_pair(key, v, &p->initrd_addr, &p->initrd_size, true,
			       true, err))
			return -1;
		if (p->initrd_size == 0)
			return cb_fail(err, "params", "initrd: size 0 (leave out "
				       "initrd= to boot without one)");
		return 0;
	case K_CONFIG:
		p->has_config = true;
		return parse_pair(key, v, &p->config_addr, &p->config_size,
				  false, true, err);
	case K_COMM:
		p->has_comm = true;
		return parse_num(key, v, &p->comm_addr, err);
	case K_CONSOLE:
		return parse_console(key, v, &p->console, err);
	case K_LOG:
		return parse_log(v, &p->log, err);
	case K_CPU_WAIT:
		if (parse_num(key, v, &n, err))
			return -1;
		if (n > 60000)
			return cb_fail(err, "params", "cpu_wait_ms: %llu is above "
				       "60000", (unsigned long long)n);
		p->cpu_wait_ms = (u32)n;
		return 0;
	case K_MEM:
		if (p->num_mem == PARAMS_MAX_MEM)
			return cb_fail(err, "params", "mem: more than %u ranges",
				       PARAMS_MAX_MEM);
		if (parse_pair(key, v, &p->mem[p->num_mem].addr,
			       &p->mem[p->num_mem].size, true, true, err))
			return -1;
		if (p->mem[p->num_mem].size == 0)
			return cb_fail(err, "params", "mem: size 0");
		p->num_mem++;
		return 0;
	default:
		return -1;
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int params_parse(const char *buf, size_t bufsize, struct params *p,
		 struct cb_err *err)
{
	size_t len = cb_strnlen(buf, bufsize), i = 0;
	u32 seen = 0;

	cb_memset(p, 0, sizeof(*p));
	p->log = LOG_DEFAULT;
	p->cpu_wait_ms = PARAMS_DEFAULT_CPU_WAIT_MS;
	p->cmdline = buf + len;

	if (len == bufsize)
		return cb_fail(err, "params", "no NUL terminator within the "
			       "%zu-byte buffer", bufsize);
	for (size_t j = 0; j < len; j++) {
		u8 c = (u8)buf[j];

		if ((c < 0x20 && !is_space((char)c)) || c > 0x7e)
			return cb_fail(err, "params", "byte 0x%02x at offset %zu "
				       "is not printable text", c, j);
	}
	if (len == 0)
		return cb_fail(err, "params", "empty: load the params string at "
			       "0x1000 (jailhouse cell load ... -s \"kernel=... -- "
			       "...\" -a 0x1000)");

	while (i < len) {
		struct token t, key;

		while (i < len && is_space(buf[i]))
			i++;
		if (i == len)
			break;
		t.s = buf + i;
		while (i < len && !is_space(buf[i]))
			i++;
		t.len = (size_t)(buf + i - t.s);
		if (tok_eq(t, "--")) {
			if (i < len)
				i++;	/* one separator after "--" */
			p->cmdline = buf + i;
			p->cmdline_len = len - i;
			break;
		}
		if (!tok_split(&t, '=', &key))
			return cb_fail(err, "params", "'%.*s' is not key=value "
				       "(the kernel command line goes after '--')",
				       (int)key.len, key.s);
		if (parse_option(key, t, p, &seen, err))
			return -1;
	}
	if (!p->has_kernel)
		return cb_fail(err, "params", "no kernel=ADDR: say where the "
			       "bzImage was loaded");
	return 0;
}

const char *console_kind_name(enum console_kind kind)
{
	switch (kind) {
	case CONSOLE_NONE: return "none";
	case CONSOLE_IO: return "io";
	case CONSOLE_MMIO8: return "mmio";
	case CONSOLE_MMIO32: return "mmio32";
	default: return "unset";
	}
}
