/* SPDX-License-Identifier: MIT */
#include "lib/params.h"
#include "lib/string.h"

#define WHAT "params"

/*
 * Keys, in the order of enum key_id (the first four also index
 * params.has[] and, two by two, params.addr_size[]); also the list
 * printed for an unknown key.
 */
#define KEYS "kernel initrd config comm mem cpu_wait_ms console log crc"
enum key_id {
	K_KERNEL, K_INITRD, K_CONFIG, K_COMM, K_MEM, K_CPU_WAIT, K_CONSOLE,
	K_LOG, K_CRC,
};

/* What each key's value must look like, in key order. */
#define FORMS \
	"ADDR[,SIZE]\0ADDR,SIZE, SIZE > 0\0ADDR[,SIZE]\0ADDR\0" \
	"ADDR,SIZE, SIZE > 0, 16 at most\0N <= 60000\0" \
	"none|io,PORT|mmio,ADDR|mmio32,ADDR [,BAUD], PORT <= 0xfff8, " \
	"BAUD = 115200/N\0" LOG_LEVELS "\0" \
	"KERNELCRC[,INITRDCRC], 32-bit CRC-32 values\0"
#define LOG_LEVELS "quiet|default|verbose"	/* enum log_level order */

/* Console kinds in enum console_kind order. */
#define KINDS "unset\0none\0io\0mmio\0mmio32\0"

/* Index of [s, s+n) in a word list (see cb_word), or -1. */
static int word_index(const char *list, char sep, const char *s, size_t n)
{
	const char *w;
	size_t len;

	for (unsigned int i = 0; (w = cb_word(list, sep, i, &len)); i++)
		if (len == n && !cb_memcmp(w, s, n))
			return (int)i;
	return -1;
}

static size_t span(const char *s, size_t len, char stop)
{
	size_t i = 0;

	while (i < len && s[i] != stop)
		i++;
	return i;
}

/* Parses "A" or "A,B" (decimal or 0x hex) into n[]; the count, or -1. */
static int parse_nums(const char *s, size_t len, u64 *n)
{
	size_t i = span(s, len, ',');

	if (cb_parse_num(s, i, &n[0]))
		return -1;
	if (i == len)
		return 1;
	if (cb_parse_num(s + i + 1, len - i - 1, &n[1]))
		return -1;
	return 2;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void set_defaults(struct params *p, const char *cmdline)
{
	cb_memset(p, 0, sizeof(*p));
	p->log = LOG_DEFAULT;
	p->cpu_wait_ms = PARAMS_DEFAULT_CPU_WAIT_MS;
	p->cmdline = cmdline;
}

/* Fills p as it goes: only params_parse's local copy ever sees a failure. */
static int parse_into(const char *buf, size_t bufsize, struct params *p,
		      struct cb_err *err)
{
	/* numeric keys: fewest and most numbers, as 0xMINMAX */
	static const u8 counts[] = { 0x12, 0x22, 0x12, 0x11, 0x22, 0x11 };
	size_t len = cb_strnlen(buf, bufsize);
	const char *s = buf, *end = buf + len;
	u32 seen = 0;

	set_defaults(p, end);
	if (len == bufsize)
		return cb_fail(err, WHAT, "no NUL in its %zu bytes", bufsize);
	for (; s < end; s++)
		if ((u8)*s > 0x7e || ((u8)*s < ' ' && !is_space(*s)))
			return cb_fail(err, WHAT, "byte %#x at %zu is not text",
				       (u8)*s, (size_t)(s - buf));
	s = buf;
	while (s < end) {
		const char *key = s, *val;
		size_t klen, vlen, k;
		u64 n[2] = { 0, 0 };
		int id, cnt;

		if (is_space(*s)) {
			s++;
			continue;
		}
		while (s < end && !is_space(*s))
			s++;
		if (s - key == 2 && key[0] == '-' && key[1] == '-') {
			if (s < end)
				s++;	/* one separator after "--" */
			p->cmdline = s;
			p->cmdline_len = (size_t)(end - s);
			break;
		}
		klen = span(key, (size_t)(s - key), '=');
		val = key + klen + 1;
		if (val > s)
			return cb_fail(err, WHAT, "'%.*s' is not key=value",
				       (int)klen, key);
		vlen = (size_t)(s - val);
		id = word_index(KEYS, ' ', key, klen);
		if (id < 0)
			return cb_fail(err, WHAT, "unknown key '%.*s' (%s; command "
				       "line after --)", (int)klen, key, KEYS);
		if (id != K_MEM && (seen & (1u << id)))
			return cb_fail(err, WHAT, "%.*s: given twice", (int)klen,
				       key);
		seen |= 1u << id;

		if (id == K_LOG) {
			/* the levels are their own form: "quiet|default|..." */
			p->log = (enum log_level)word_index(LOG_LEVELS, '|',
							    val, vlen);
			if ((int)p->log < 0)
				goto bad;
			continue;
		}
		if (id == K_CONSOLE) {
			struct console_spec *c = &p->console;

			k = span(val, vlen, ',');
			c->kind = (enum console_kind)word_index(KINDS, '\0', val, k);
			if (c->kind == CONSOLE_NONE && k == vlen)
				continue;
			if ((int)c->kind <= CONSOLE_NONE || k == vlen ||
			    (cnt = parse_nums(val + k + 1, vlen - k - 1, n)) < 0 ||
			    (cnt == 2 && (n[1] - 1 >= 115200 || 115200 % n[1])) ||
			    (c->kind == CONSOLE_IO && n[0] > 0xfff8))
				goto bad;
			c->addr = n[0];
			c->baud = (u32)n[1];
			continue;
		}
		cnt = parse_nums(val, vlen, n);
		if (id == K_CRC) {
			if (cnt < 0 || n[0] > 0xffffffffu || n[1] > 0xffffffffu)
				goto bad;
			p->has_crc = true;
			p->has_initrd_crc = cnt == 2;
			p->kernel_crc = (u32)n[0];
			p->initrd_crc = (u32)n[1];
			continue;
		}
		if (cnt < counts[id] >> 4 || cnt > (counts[id] & 15) ||
		    (cnt == 2 && counts[id] == 0x22 && !n[1]) ||
		    (id == K_CPU_WAIT && n[0] > 60000) ||
		    (id == K_MEM && p->num_mem == PARAMS_MAX_MEM))
			goto bad;
		if (id <= K_COMM) {
			p->has[id] = true;
			p->addr_size[2 * id] = n[0];
			if (id < K_COMM)
				p->addr_size[2 * id + 1] = n[1];
		} else if (id == K_CPU_WAIT) {
			p->cpu_wait_ms = (u32)n[0];
		} else {
			p->mem[p->num_mem].addr = n[0];
			p->mem[p->num_mem].size = n[1];
			p->num_mem++;
		}
		continue;
bad:
		return cb_fail(err, WHAT, "%.*s: '%.*s' is not %s", (int)klen, key,
			       (int)vlen, val, cb_word(FORMS, '\0', (unsigned int)id,
						       NULL));
	}
	if (!p->has_kernel)
		return cb_fail(err, WHAT, "no kernel=ADDR (-s \"...\" -a 0x1000?)");
	if (p->has_crc && !p->kernel_size)
		return cb_fail(err, WHAT, "crc= needs kernel=ADDR,SIZE: the CRC "
			       "covers SIZE bytes");
	if (p->has_initrd_crc && !p->has_initrd)
		return cb_fail(err, WHAT, "crc=: an initrd CRC without initrd=");
	return 0;
}

int params_parse(const char *buf, size_t bufsize, struct params *p,
		 struct cb_err *err)
{
	struct params q;

	/* all or nothing: a failed parse leaves the defaults, never a half */
	if (parse_into(buf, bufsize, &q, err)) {
		set_defaults(p, "");
		return -1;
	}
	*p = q;
	return 0;
}

const char *console_kind_name(enum console_kind kind)
{
	return cb_word(KINDS, '\0', kind <= CONSOLE_MMIO32 ? kind : 0, NULL);
}
