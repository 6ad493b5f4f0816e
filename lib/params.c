/* SPDX-License-Identifier: MIT */
#include "lib/params.h"
#include "lib/string.h"

#define WHAT "params"

/* How a key's value is read. */
enum form {
	NUMBERS,	/* "A" or "A,B" (0x hex or decimal), at most MAX of them */
	WORD,		/* one of the words "a|b|c" of its TEXT, as its index */
	CONSOLE,	/* a console_spec (console_value) */
};

/* FLAGS of a NUMBERS key */
#define SIZE 1		/* A,SIZE: the second number is required, not 0 */
#define U32 2		/* the numbers go into u32 fields (and must fit) */
#define GIVEN2 4	/* the bool after GIVEN says if a second number came */

#define AT(field) offsetof(struct params, field)
#define STR(x) STR_(x)		/* a number macro in a form text */
#define STR_(x) #x
#define IO_PORT_MAX 0xfff8	/* an 8250's eight registers fit below 64 KiB */
#define NONE 0xff	/* GIVEN: the key sets no flag or count */
#define LOG_LEVELS "quiet|default|verbose"	/* enum log_level order */

/*
 * The keys, one row each, in the order the unknown-key message lists them.
 *   FORM, MAX, FLAGS  how the value is read
 *   TIMES             how often the key may appear: once more is "given
 *                     twice", or for a repeatable key a bad value
 *   GIVEN             the u8 that counts the times it came (a bool for a
 *                     key allowed once), or NONE
 *   AT                where the value goes; a repeatable key's n-th value
 *                     n slots of MAX numbers further
 *   LIMIT             the largest first number (0: what the field holds)
 *   TEXT              the form a bad value's error quotes
 * Adding a key is one row (and its field in struct params).
 *
 *   name         form   max flags        times          given
 *                at               limit  text
 */
#define KEYS(KEY) \
	KEY(kernel,      NUMBERS, 2, 0,            1, AT(has_kernel), \
	    AT(kernel_addr), 0,     "ADDR[,SIZE]") \
	KEY(initrd,      NUMBERS, 2, SIZE,         1, AT(has_initrd), \
	    AT(initrd_addr), 0,     "ADDR,SIZE, SIZE > 0") \
	KEY(config,      NUMBERS, 2, 0,            1, AT(has_config), \
	    AT(config_addr), 0,     "ADDR[,SIZE]") \
	KEY(comm,        NUMBERS, 1, 0,            1, AT(has_comm), \
	    AT(comm_addr),   0,     "ADDR") \
	KEY(mem,         NUMBERS, 2, SIZE, PARAMS_MAX_MEM, AT(num_mem), \
	    AT(mem),         0,     "ADDR,SIZE, SIZE > 0, " STR(PARAMS_MAX_MEM) \
				    " at most") \
	KEY(cpu_wait_ms, NUMBERS, 1, U32,          1, NONE, \
	    AT(cpu_wait_ms), PARAMS_MAX_CPU_WAIT_MS, \
				    "N <= " STR(PARAMS_MAX_CPU_WAIT_MS)) \
	KEY(console,     CONSOLE, 0, 0,            1, NONE, \
	    AT(console),     0,     "none|io,PORT|mmio,ADDR|mmio32,ADDR " \
				    "[,BAUD], PORT <= " STR(IO_PORT_MAX) \
				    ", BAUD = 115200/N") \
	KEY(log,         WORD,    0, 0,            1, NONE, \
	    AT(log),         0,     LOG_LEVELS) \
	KEY(crc,         NUMBERS, 2, U32 | GIVEN2, 1, AT(has_crc), \
	    AT(kernel_crc),  0,     "KERNELCRC[,INITRDCRC], 32-bit CRC-32 values")

/* What the parser reads of the rows: their names, texts and the rest. */
#define NAME(name, ...) #name " "	/* "kernel initrd ... crc " */
#define TEXT(name, form, max, flags, times, given, at, limit, text) \
	text "\0"			/* a list for cb_word() */
#define ROW(name, form, max, flags, times, given, at, limit, text) \
	{ form, max, flags, times, given, at, limit },
#define NAMES KEYS(NAME)
#define TEXTS KEYS(TEXT)

static const struct key {
	u8 form, max, flags, times, given, at;
	u16 limit;
} keys[] = { KEYS(ROW) };

_Static_assert(AT(mem) < NONE && AT(num_mem) < NONE,
	       "struct params offsets fit a u8");
_Static_assert(sizeof(((struct params *)0)->num_mem) == 1 &&
	       sizeof(bool) == 1, "GIVEN is a u8");
_Static_assert(AT(has_initrd_crc) == AT(has_crc) + 1, "GIVEN2 of crc=");
_Static_assert(sizeof(enum log_level) == 4, "WORD stores a u32");

/* Console kinds in enum console_kind order. */
#define KINDS "unset\0none\0io\0mmio\0mmio32\0"

/*
 * Index of [s, s+n) in a word list (the form cb_word reads), or -1. One
 * pass over the list: asking cb_word for the i-th word would walk it
 * again for every word.
 */
static int word_index(const char *list, char sep, const char *s, size_t n)
{
	for (int i = 0; *list; i++) {
		size_t len = 0;

		while (list[len] && list[len] != sep)
			len++;
		if (len == n && !cb_memcmp(list, s, n))
			return i;
		list += len;
		if (!*list && sep)
			break;		/* the last word of a sep list */
		list++;
	}
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

/* "none", or KIND,ADDR[,BAUD]: an I/O port <= IO_PORT_MAX, BAUD = 115200/N */
static int console_value(const char *val, size_t vlen, struct console_spec *c)
{
	size_t k = span(val, vlen, ',');
	u64 n[2] = { 0, 0 };
	int cnt;

	c->kind = (enum console_kind)word_index(KINDS, '\0', val, k);
	if (c->kind == CONSOLE_NONE && k == vlen)
		return 0;
	if ((int)c->kind <= CONSOLE_NONE || k == vlen ||
	    (cnt = parse_nums(val + k + 1, vlen - k - 1, n)) < 0 ||
	    (cnt == 2 && (n[1] - 1 >= 115200 || 115200 % n[1])) ||
	    (c->kind == CONSOLE_IO && n[0] > IO_PORT_MAX))
		return -1;
	c->addr = n[0];
	c->baud = (u32)n[1];
	return 0;
}

/*
 * Reads the numbers of key k, given `count` times before, into p: 0 or -1.
 * Out of line: the loader is smaller so with both gcc and clang.
 */
static __attribute__((noinline)) int numbers_value(const struct key *k,
		u32 count, const char *val, size_t vlen, struct params *p)
{
	u64 n[2] = { 0, 0 };
	int cnt = parse_nums(val, vlen, n);
	size_t width = k->flags & U32 ? 4 : 8;
	u8 *given = (u8 *)p + k->given;
	u8 *at = (u8 *)p + k->at + count * k->max * width;

	/* n[1] stays 0 without a second number: a missing SIZE is 0 too */
	if (cnt < 0 || cnt > k->max || (k->flags & SIZE && !n[1]) ||
	    (k->limit && n[0] > k->limit) ||
	    (k->flags & U32 && (n[0] | n[1]) >> 32))
		return -1;
	if (k->flags & GIVEN2)
		given[1] = cnt == 2;
	if (k->given != NONE)
		*given = (u8)(count + 1);	/* for a bool: true */
	for (int i = 0; i < k->max; i++) {
		if (width == 4)
			((u32 *)at)[i] = (u32)n[i];
		else
			((u64 *)at)[i] = n[i];
	}
	return 0;
}

/*
 * Reads the value of key k (its TEXT is text), given `count` times before,
 * into p: >= 0, or -1 if it is not the key's form or may not come again.
 */
static int key_value(const struct key *k, const char *text, u32 count,
		     const char *val, size_t vlen, struct params *p)
{
	u8 *at = (u8 *)p + k->at;

	if (count == k->times)
		return -1;
	if (k->form == CONSOLE)
		return console_value(val, vlen, (struct console_spec *)at);
	if (k->form == WORD)	/* the word's index, or -1 */
		return (int)(*(u32 *)at = (u32)word_index(text, '|', val, vlen));
	return numbers_value(k, count, val, vlen, p);
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
	size_t len = cb_strnlen(buf, bufsize);
	const char *s = buf, *end = buf + len;
	u8 count[ARRAY_SIZE(keys)] = { 0 };

	set_defaults(p, end);
	if (len == bufsize)
		return cb_fail(err, WHAT, "no NUL in its %zu bytes", bufsize);
	for (; s < end; s++)
		if ((u8)*s > 0x7e || ((u8)*s < ' ' && !is_space(*s)))
			return cb_fail(err, WHAT, "byte %#x at %zu is not text",
				       (u8)*s, (size_t)(s - buf));
	s = buf;
	while (s < end) {
		const char *key = s, *val, *text;
		size_t klen, vlen;
		int id;

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
		id = word_index(NAMES, ' ', key, klen);
		if (id < 0)	/* the names without the last space */
			return cb_fail(err, WHAT, "unknown key '%.*s' (%.*s; command "
				       "line after --)", (int)klen, key,
				       (int)sizeof(NAMES) - 2, NAMES);
		if (count[id] && keys[id].times == 1)
			return cb_fail(err, WHAT, "%.*s: given twice", (int)klen,
				       key);
		text = cb_word(TEXTS, '\0', (unsigned int)id, NULL);
		if (key_value(&keys[id], text, count[id], val, vlen, p) < 0)
			return cb_fail(err, WHAT, "%.*s: '%.*s' is not %s",
				       (int)klen, key, (int)vlen, val, text);
		count[id]++;
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
