/* SPDX-License-Identifier: MIT */
/*
 * Cell description parser (format: docs/cell-description.md).
 *
 * One line at a time: strip the comment, split into whitespace-separated
 * tokens, dispatch on the first token. Every check that needs only the
 * current line and what came before happens right there, so each error
 * names the line and the token at fault.
 */
#include "tools/lib/celldesc.h"
#include "lib/fmt.h"
#include "lib/range.h"
#include "lib/string.h"

#define WHAT		"cell description"
#define MAX_TOKENS	16
#define TOK_SHOWN	40	/* longest token quoted in an error */

struct tok {
	const char *s;
	size_t len;
};

/* Arguments for "%.*s": a token, cut to TOK_SHOWN characters. */
#define TOKF(t) (int)((t).len > TOK_SHOWN ? TOK_SHOWN : (t).len), (t).s
#define ULL(v) ((unsigned long long)(v))

struct line {
	unsigned int n;
	struct tok t[MAX_TOKENS];
};

struct parse_state {
	struct cell_desc *d;
	struct cb_err *err;
	unsigned int no;			/* current line */
	unsigned int name_line, cpus_line, flags_line, console_line;
	unsigned int reset_line, timeout_line, comm_line;
	unsigned int mem_line[CELLDESC_MAX_MEM];
	unsigned int irqchip_line[CELLDESC_MAX_IRQCHIPS];
	unsigned int pio_line[CELLDESC_MAX_PIO];
	unsigned int pci_line[CELLDESC_MAX_PCI];
};

/* An option after the positional arguments: "key=value", or a bare word. */
struct opt {
	const char *key;
	bool has_value;
};

struct name_flag {
	const char *name;
	u64 flag;
};

static int fail(struct parse_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse_state *st, const char *fmt, ...)
{
	char msg[CB_ERR_DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	cb_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st->no)
		return cb_fail(st->err, WHAT, "line %u: %s", st->no, msg);
	return cb_fail(st->err, WHAT, "%s", msg);
}

static bool tok_is(struct tok t, const char *word)
{
	size_t n = cb_strlen(word);

	return t.len == n && cb_strncmp(t.s, word, n) == 0;
}

/* Splits "key=value"; returns false if there is no '='. */
static bool tok_split(struct tok t, struct tok *key, struct tok *val)
{
	for (size_t i = 0; i < t.len; i++) {
		if (t.s[i] == '=') {
			*key = (struct tok){ t.s, i };
			*val = (struct tok){ t.s + i + 1, t.len - i - 1 };
			return true;
		}
	}
	return false;
}

/* Next comma-separated element of *rest; false when the list is used up. */
static bool list_next(struct tok *rest, struct tok *elem)
{
	size_t i = 0;

	if (!rest->s)
		return false;
	while (i < rest->len && rest->s[i] != ',')
		i++;
	*elem = (struct tok){ rest->s, i };
	if (i < rest->len)
		*rest = (struct tok){ rest->s + i + 1, rest->len - i - 1 };
	else
		*rest = (struct tok){ NULL, 0 };
	return true;
}

static int parse_num(struct parse_state *st, struct tok t, const char *label,
		     u64 max, u64 *out)
{
	int rc = cb_parse_u64(t.s, t.len, true, out);

	if (rc == -1)
		return fail(st, "bad %s '%.*s'", label, TOKF(t));
	if (rc < 0 || *out > max)
		return fail(st, "%s '%.*s' exceeds the limit 0x%llx", label,
			    TOKF(t), ULL(max));
	return 0;
}

static int parse_u32(struct parse_state *st, struct tok t, const char *label,
		     u32 *out)
{
	u64 v;

	if (parse_num(st, t, label, UINT32_MAX, &v))
		return -1;
	*out = (u32)v;
	return 0;
}

/* Looks a name up in a table; on failure lists the known names. */
static int lookup_flag(struct parse_state *st, const struct name_flag *tab,
		       size_t n, const char *label, struct tok t, u64 *flag)
{
	char known[128];
	size_t pos = 0;

	for (size_t i = 0; i < n; i++) {
		if (tok_is(t, tab[i].name)) {
			*flag = tab[i].flag;
			return 0;
		}
	}
	known[0] = '\0';
	for (size_t i = 0; i < n && pos < sizeof(known); i++)
		pos += (size_t)cb_snprintf(known + pos, sizeof(known) - pos,
					   "%s%s", i ? " " : "", tab[i].name);
	return fail(st, "unknown %s '%.*s' (known: %s)", label, TOKF(t), known);
}

/*
 * Parses tokens from index first on as options. vals[i] receives the value
 * of opts[i] (a bare word gets a zero-length value); s == NULL if absent.
 */
static int parse_opts(struct parse_state *st, const struct line *l,
		      unsigned int first, const struct opt *opts, size_t nopts,
		      struct tok *vals)
{
	for (size_t i = 0; i < nopts; i++)
		vals[i] = (struct tok){ NULL, 0 };
	for (unsigned int k = first; k < l->n; k++) {
		struct tok key = l->t[k], val = { l->t[k].s + l->t[k].len, 0 };
		bool has_value = tok_split(l->t[k], &key, &val);
		size_t i;

		for (i = 0; i < nopts; i++)
			if (opts[i].has_value == has_value && tok_is(key, opts[i].key))
				break;
		if (i == nopts) {
			char known[64];
			size_t pos = 0;

			known[0] = '\0';
			for (size_t j = 0; j < nopts && pos < sizeof(known); j++)
				pos += (size_t)cb_snprintf(known + pos,
					sizeof(known) - pos, "%s%s%s",
					j ? " " : "", opts[j].key,
					opts[j].has_value ? "=" : "");
			return fail(st, "unexpected '%.*s' after '%.*s' (%s%s)",
				    TOKF(l->t[k]), TOKF(l->t[0]),
				    nopts ? "options: " : "no options",
				    known);
		}
		if (vals[i].s)
			return fail(st, "'%.*s' given twice", TOKF(key));
		if (has_value && val.len == 0)
			return fail(st, "'%.*s=' needs a value", TOKF(key));
		vals[i] = val;
	}
	return 0;
}

static int need_args(struct parse_state *st, const struct line *l,
		     unsigned int min, const char *usage)
{
	if (l->n - 1 < min)
		return fail(st, "'%.*s' needs %s", TOKF(l->t[0]), usage);
	return 0;
}

/* Keywords that may appear only once remember their line in *seen. */
static int once(struct parse_state *st, const struct line *l,
		unsigned int *seen)
{
	if (*seen)
		return fail(st, "duplicate '%.*s' (first on line %u)",
			    TOKF(l->t[0]), *seen);
	*seen = st->no;
	return 0;
}

static int kw_name(struct parse_state *st, const struct line *l)
{
	struct tok t;

	if (once(st, l, &st->name_line) || need_args(st, l, 1, "a NAME") ||
	    parse_opts(st, l, 2, NULL, 0, NULL))
		return -1;
	t = l->t[1];
	if (t.len > JAILHOUSE_CELL_NAME_MAXLEN)
		return fail(st, "name '%.*s' is %zu characters, limit %u",
			    TOKF(t), t.len, JAILHOUSE_CELL_NAME_MAXLEN);
	cb_memcpy(st->d->name, t.s, t.len);
	st->d->name[t.len] = '\0';
	return 0;
}

static int kw_cpus(struct parse_state *st, const struct line *l)
{
	if (once(st, l, &st->cpus_line) ||
	    need_args(st, l, 1, "at least one CPU id"))
		return -1;
	for (unsigned int k = 1; k < l->n; k++) {
		u64 id, bit;

		if (parse_num(st, l->t[k], "CPU id", UINT64_MAX, &id))
			return -1;
		if (id >= CELLDESC_MAX_CPUS)
			return fail(st, "CPU id %llu exceeds the limit %u",
				    ULL(id), CELLDESC_MAX_CPUS - 1);
		bit = 1ull << (id % 64);
		if (st->d->cpus[id / 64] & bit)
			return fail(st, "CPU %llu listed twice", ULL(id));
		st->d->cpus[id / 64] |= bit;
	}
	return 0;
}

static const struct name_flag cell_flags[] = {
	{ "passive-commreg", JAILHOUSE_CELL_PASSIVE_COMMREG },
	{ "test-device", JAILHOUSE_CELL_TEST_DEVICE },
	{ "virtual-console-permitted", JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED },
	/* like the driver: active implies permitted */
	{ "virtual-console-active", JAILHOUSE_CELL_VIRTUAL_CONSOLE_ACTIVE |
				    JAILHOUSE_CELL_VIRTUAL_CONSOLE_PERMITTED },
};

static int kw_flags(struct parse_state *st, const struct line *l)
{
	if (once(st, l, &st->flags_line) ||
	    need_args(st, l, 1, "at least one flag"))
		return -1;
	for (unsigned int k = 1; k < l->n; k++) {
		u64 f;

		if (lookup_flag(st, cell_flags, ARRAY_SIZE(cell_flags),
				"cell flag", l->t[k], &f))
			return -1;
		st->d->flags |= (u32)f;
	}
	return 0;
}

static const struct name_flag mem_flags[] = {
	{ "r", JAILHOUSE_MEM_READ },
	{ "w", JAILHOUSE_MEM_WRITE },
	{ "x", JAILHOUSE_MEM_EXECUTE },
	{ "dma", JAILHOUSE_MEM_DMA },
	{ "io", JAILHOUSE_MEM_IO },
	{ "comm", JAILHOUSE_MEM_COMM_REGION },
	{ "loadable", JAILHOUSE_MEM_LOADABLE },
	{ "rootshared", JAILHOUSE_MEM_ROOTSHARED },
	{ "nohugepages", JAILHOUSE_MEM_NO_HUGEPAGES },
	{ "io8", JAILHOUSE_MEM_IO_8 },
	{ "io16", JAILHOUSE_MEM_IO_16 },
	{ "io32", JAILHOUSE_MEM_IO_32 },
	{ "io64", JAILHOUSE_MEM_IO_64 },
	{ "io-unaligned", JAILHOUSE_MEM_IO_UNALIGNED },
};

/* Adds one region slot; the caller checked everything else. */
static int push_region(struct parse_state *st, const struct celldesc_mem *m)
{
	struct cell_desc *d = st->d;

	if (d->num_mem == CELLDESC_MAX_MEM)
		return fail(st, "too many memory regions (limit %u)",
			    CELLDESC_MAX_MEM);
	st->mem_line[d->num_mem] = st->no;
	d->mem[d->num_mem++] = *m;
	return 0;
}

/* Checks a finished region against the limits and earlier regions. */
static int add_region(struct parse_state *st, const struct celldesc_mem *m)
{
	struct cell_desc *d = st->d;

	if (m->size == 0)
		return fail(st, "region at 0x%llx has size 0 (an empty index "
			    "filler is 'placeholder')", ULL(m->virt));
	if (m->virt > UINT64_MAX - m->size)
		return fail(st, "region 0x%llx + size 0x%llx overflows the 64-bit address space",
			    ULL(m->virt), ULL(m->size));
	if (m->phys > UINT64_MAX - m->size)
		return fail(st, "phys 0x%llx + size 0x%llx overflows the 64-bit address space",
			    ULL(m->phys), ULL(m->size));
	if (!(m->flags & JAILHOUSE_MEM_IO)) {
		/* only I/O regions may be sub-page (MMIO-emulated) */
		if (m->virt % CELLDESC_PAGE_SIZE)
			return fail(st, "address 0x%llx is not page-aligned (0x%llx)",
				    ULL(m->virt), ULL(CELLDESC_PAGE_SIZE));
		if (m->phys % CELLDESC_PAGE_SIZE)
			return fail(st, "phys 0x%llx is not page-aligned (0x%llx)",
				    ULL(m->phys), ULL(CELLDESC_PAGE_SIZE));
		if (m->size % CELLDESC_PAGE_SIZE)
			return fail(st, "size 0x%llx is not a multiple of the page size 0x%llx",
				    ULL(m->size), ULL(CELLDESC_PAGE_SIZE));
	}
	if (m->flags & JAILHOUSE_MEM_COMM_REGION) {
		if (st->comm_line)
			return fail(st, "second comm region (first on line %u); a cell has one",
				    st->comm_line);
		st->comm_line = st->no;
	}
	for (u32 i = 0; i < d->num_mem; i++) {
		const struct celldesc_mem *o = &d->mem[i];

		if (range_overlaps(m->virt, m->virt + m->size, o->virt,
				   o->virt + o->size))
			return fail(st, "region [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx) from line %u",
				    ULL(m->virt), ULL(m->virt + m->size), ULL(o->virt),
				    ULL(o->virt + o->size), st->mem_line[i]);
	}
	return push_region(st, m);
}

static const struct opt opt_phys = { "phys", true };
static const struct opt opts_access[] = {
	{ "phys", true }, { "ro", false }, { "rw", false },
};
static const struct opt opts_raw[] = { { "phys", true }, { "flags", true } };
#define REGION_MAX_OPTS 3
_Static_assert(ARRAY_SIZE(opts_access) <= REGION_MAX_OPTS, "REGION_MAX_OPTS");
_Static_assert(ARRAY_SIZE(opts_raw) <= REGION_MAX_OPTS, "REGION_MAX_OPTS");

/* The region keywords differ only in defaults and allowed options. */
static const struct region_kind {
	const char *kw;
	const char *usage;
	u64 flags;
	const struct opt *opts;
	size_t nopts;
} region_kinds[] = {
	{ "ram", "VIRT SIZE", CELLDESC_RAM_FLAGS, &opt_phys, 1 },
	{ "comm", "VIRT", CELLDESC_COMM_FLAGS, NULL, 0 },	/* SIZE optional */
	{ "shmem", "VIRT SIZE", CELLDESC_SHMEM_FLAGS, opts_access,
	  ARRAY_SIZE(opts_access) },
	{ "mmio", "VIRT SIZE", CELLDESC_MMIO_FLAGS, opts_access,
	  ARRAY_SIZE(opts_access) },
	{ "mem", "VIRT SIZE flags=LIST", 0, opts_raw, ARRAY_SIZE(opts_raw) },
};

/* The value parse_opts() found for key, or { NULL, 0 }. */
static struct tok opt_val(const struct region_kind *k, const struct tok *vals,
			  const char *key)
{
	for (size_t i = 0; i < k->nopts; i++)
		if (cb_strcmp(k->opts[i].key, key) == 0)
			return vals[i];
	return (struct tok){ NULL, 0 };
}

static int kw_region(struct parse_state *st, const struct line *l,
		     const struct region_kind *k)
{
	bool is_comm = k->flags & JAILHOUSE_MEM_COMM_REGION;
	struct celldesc_mem m = { 0, 0, CELLDESC_COMM_SIZE, k->flags };
	struct tok vals[REGION_MAX_OPTS], phys, flags, elem;
	unsigned int first = 3;

	if (need_args(st, l, is_comm ? 1 : 2, k->usage) ||
	    parse_num(st, l->t[1], "address", UINT64_MAX, &m.virt))
		return -1;
	if (is_comm && l->n < 3)
		first = 2;	/* default size */
	else if (parse_num(st, l->t[2], "size", UINT64_MAX, &m.size))
		return -1;
	if (parse_opts(st, l, first, k->opts, k->nopts, vals))
		return -1;
	m.phys = is_comm ? 0 : m.virt;	/* the hypervisor ignores comm phys */
	phys = opt_val(k, vals, "phys");
	if (phys.s && parse_num(st, phys, "phys", UINT64_MAX, &m.phys))
		return -1;
	if (opt_val(k, vals, "ro").s) {
		if (opt_val(k, vals, "rw").s)
			return fail(st, "'ro' and 'rw' together");
		m.flags &= ~(u64)JAILHOUSE_MEM_WRITE;
	}
	flags = opt_val(k, vals, "flags");
	if (k->flags == 0 && !flags.s)
		return fail(st, "'%s' needs flags=LIST", k->kw);
	while (list_next(&flags, &elem)) {
		u64 f;

		if (lookup_flag(st, mem_flags, ARRAY_SIZE(mem_flags),
				"memory flag", elem, &f))
			return -1;
		m.flags |= f;
	}
	return add_region(st, &m);
}

static int kw_pio(struct parse_state *st, const struct line *l)
{
	struct cell_desc *d = st->d;
	u64 base, len;

	if (need_args(st, l, 2, "BASE LENGTH") ||
	    parse_num(st, l->t[1], "port", 0xffff, &base) ||
	    parse_num(st, l->t[2], "length", 0xffff, &len) ||
	    parse_opts(st, l, 3, NULL, 0, NULL))
		return -1;
	if (len == 0)
		return fail(st, "pio 0x%llx has length 0", ULL(base));
	if (base + len > 0x10000)
		return fail(st, "pio 0x%llx + length 0x%llx exceeds the port space 0x10000",
			    ULL(base), ULL(len));
	for (u32 i = 0; i < d->num_pio; i++) {
		u64 ob = d->pio[i].base, oe = ob + d->pio[i].length;

		if (range_overlaps(base, base + len, ob, oe))
			return fail(st, "pio [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx) from line %u",
				    ULL(base), ULL(base + len), ULL(ob), ULL(oe),
				    st->pio_line[i]);
	}
	if (d->num_pio == CELLDESC_MAX_PIO)
		return fail(st, "too many pio regions (limit %u)", CELLDESC_MAX_PIO);
	st->pio_line[d->num_pio] = st->no;
	d->pio[d->num_pio++] = (struct celldesc_pio){ (u16)base, (u16)len };
	return 0;
}

enum { IO_ID, IO_PIN_BASE, IO_PINS, IO_BITMAP, IO_NUM };

static int kw_irqchip(struct parse_state *st, const struct line *l)
{
	static const struct opt opts[IO_NUM] = {
		{ "id", true }, { "pin_base", true }, { "pins", true },
		{ "bitmap", true },
	};
	struct cell_desc *d = st->d;
	struct celldesc_irqchip c = { 0, 0, 0, { 0, 0, 0, 0 } };
	struct tok v[IO_NUM], rest, elem;
	unsigned int words = 0;

	if (need_args(st, l, 1, "ADDRESS id=ID") ||
	    parse_num(st, l->t[1], "address", UINT64_MAX, &c.address) ||
	    parse_opts(st, l, 2, opts, IO_NUM, v))
		return -1;
	if (!v[IO_ID].s)
		return fail(st, "irqchip 0x%llx needs id=", ULL(c.address));
	if (parse_u32(st, v[IO_ID], "id", &c.id) ||
	    (v[IO_PIN_BASE].s &&
	     parse_u32(st, v[IO_PIN_BASE], "pin_base", &c.pin_base)))
		return -1;
	if (!v[IO_PINS].s == !v[IO_BITMAP].s)
		return fail(st, "irqchip 0x%llx needs exactly one of pins= and bitmap=",
			    ULL(c.address));
	rest = v[IO_PINS];
	while (list_next(&rest, &elem)) {
		u64 pin, lim = (u64)c.pin_base + 127;

		if (parse_num(st, elem, "pin", UINT32_MAX, &pin))
			return -1;
		if (pin < c.pin_base || pin > lim)
			return fail(st, "pin %llu outside pin_base %u .. %llu",
				    ULL(pin), c.pin_base, ULL(lim));
		pin -= c.pin_base;
		c.pin_bitmap[pin / 32] |= 1u << (pin % 32);
	}
	rest = v[IO_BITMAP];
	while (list_next(&rest, &elem)) {
		if (words == 4)
			return fail(st, "bitmap= has more than 4 words");
		if (parse_u32(st, elem, "bitmap word", &c.pin_bitmap[words++]))
			return -1;
	}
	for (u32 i = 0; i < d->num_irqchips; i++)
		if (d->irqchips[i].address == c.address)
			return fail(st, "irqchip 0x%llx already declared on line %u",
				    ULL(c.address), st->irqchip_line[i]);
	if (d->num_irqchips == CELLDESC_MAX_IRQCHIPS)
		return fail(st, "too many irqchips (limit %u)",
			    CELLDESC_MAX_IRQCHIPS);
	st->irqchip_line[d->num_irqchips] = st->no;
	d->irqchips[d->num_irqchips++] = c;
	return 0;
}

static const struct name_flag console_access[] = {
	{ "pio", 0 },
	{ "mmio", JAILHOUSE_CON_ACCESS_MMIO },
	{ "mmio32", JAILHOUSE_CON_ACCESS_MMIO | JAILHOUSE_CON_REGDIST_4 },
};

enum { CO_DIVIDER, CO_SIZE, CO_NUM };

static int kw_console(struct parse_state *st, const struct line *l)
{
	static const struct opt opts[CO_NUM] = {
		{ "divider", true }, { "size", true },
	};
	struct jailhouse_console *con = &st->d->console;
	struct tok v[CO_NUM];
	u64 access, addr, size;
	u32 divider = 0;

	if (once(st, l, &st->console_line) ||
	    need_args(st, l, 1, "a type: 8250 or none"))
		return -1;
	if (tok_is(l->t[1], "none"))
		return parse_opts(st, l, 2, NULL, 0, NULL);
	if (!tok_is(l->t[1], "8250"))
		return fail(st, "unknown console type '%.*s' (known: 8250 none)",
			    TOKF(l->t[1]));
	if (need_args(st, l, 3, "8250 pio|mmio|mmio32 ADDRESS") ||
	    lookup_flag(st, console_access, ARRAY_SIZE(console_access),
			"console access", l->t[2], &access))
		return -1;
	if (parse_num(st, l->t[3], access ? "address" : "port",
		      access ? UINT64_MAX : 0xffff, &addr) ||
	    parse_opts(st, l, 4, opts, access ? CO_NUM : CO_DIVIDER + 1, v) ||
	    (v[CO_DIVIDER].s && parse_u32(st, v[CO_DIVIDER], "divider", &divider)))
		return -1;
	size = access ? 0x1000 : 0;
	if (access && v[CO_SIZE].s &&
	    parse_num(st, v[CO_SIZE], "size", UINT32_MAX, &size))
		return -1;
	con->type = JAILHOUSE_CON_TYPE_8250;
	con->flags = (u16)access;
	con->address = addr;
	con->size = (u32)size;
	con->divider = divider;
	return 0;
}

static int kw_cpu_reset_address(struct parse_state *st, const struct line *l)
{
	u64 a;

	if (once(st, l, &st->reset_line) || need_args(st, l, 1, "an ADDRESS") ||
	    parse_num(st, l->t[1], "address", UINT64_MAX, &a) ||
	    parse_opts(st, l, 2, NULL, 0, NULL))
		return -1;
	if (a != 0)
		return fail(st, "cpu_reset_address 0x%llx is not 0 (x86 Linux cells start at 0)",
			    ULL(a));
	return 0;
}

static int kw_msg_reply_timeout(struct parse_state *st, const struct line *l)
{
	if (once(st, l, &st->timeout_line) || need_args(st, l, 1, "a VALUE") ||
	    parse_num(st, l->t[1], "timeout", UINT64_MAX,
		      &st->d->msg_reply_timeout) ||
	    parse_opts(st, l, 2, NULL, 0, NULL))
		return -1;
	return 0;
}

/* "placeholder": Jailhouse's { 0 } region, keeps ivshmem indices. */
static int kw_placeholder(struct parse_state *st, const struct line *l)
{
	static const struct celldesc_mem zero = { 0, 0, 0, 0 };

	if (parse_opts(st, l, 1, NULL, 0, NULL))
		return -1;
	return push_region(st, &zero);
}

static const struct name_flag cache_types[] = {
	{ "l3", JAILHOUSE_CACHE_L3 },
	{ "l3-code", JAILHOUSE_CACHE_L3_CODE },
	{ "l3-data", JAILHOUSE_CACHE_L3_DATA },
};

/* cache START SIZE [type=l3|l3-code|l3-data] [rootshared] */
static int kw_cache(struct parse_state *st, const struct line *l)
{
	static const struct opt opts[] = { { "type", true },
					   { "rootshared", false } };
	struct cell_desc *d = st->d;
	struct jailhouse_cache c = { 0, 0, JAILHOUSE_CACHE_L3, 0, 0 };
	struct tok v[2];
	u64 type;
	u32 start, size;

	if (need_args(st, l, 2, "START SIZE") ||
	    parse_u32(st, l->t[1], "cache start", &start) ||
	    parse_u32(st, l->t[2], "cache size", &size) ||
	    parse_opts(st, l, 3, opts, 2, v))
		return -1;
	c.start = start;
	c.size = size;
	if (c.size == 0 || (u64)c.start + c.size > 0x100000000ull)
		return fail(st, "cache %u + size %u is empty or passes 2^32",
			    c.start, c.size);
	if (v[0].s) {
		if (lookup_flag(st, cache_types, ARRAY_SIZE(cache_types),
				"cache type", v[0], &type))
			return -1;
		c.type = (u8)type;
	}
	if (v[1].s)
		c.flags = JAILHOUSE_CACHE_ROOTSHARED;
	if (d->num_cache == CELLDESC_MAX_CACHE)
		return fail(st, "too many cache regions (limit %u)",
			    CELLDESC_MAX_CACHE);
	d->cache[d->num_cache++] = c;
	return 0;
}

static const struct name_flag cap_ids[] = {
	{ "pm", 0x01 }, { "msi", 0x05 }, { "vndr", 0x09 }, { "exp", 0x10 },
	{ "msix", 0x11 },
	{ "err", JAILHOUSE_PCI_EXT_CAP | 0x01 },	/* extended: AER */
	{ "dsn", JAILHOUSE_PCI_EXT_CAP | 0x03 },	/* extended: serial */
};

/* pcicap ID START LEN [write] [ext] */
static int kw_pcicap(struct parse_state *st, const struct line *l)
{
	static const struct opt opts[] = { { "write", false },
					   { "ext", false } };
	struct cell_desc *d = st->d;
	struct tok v[2];
	u64 id, start, len;

	if (need_args(st, l, 3, "ID START LEN") ||
	    parse_opts(st, l, 4, opts, 2, v))
		return -1;
	if (cb_parse_u64(l->t[1].s, l->t[1].len, true, &id) != 0) {
		if (lookup_flag(st, cap_ids, ARRAY_SIZE(cap_ids),
				"capability", l->t[1], &id))
			return -1;
	} else if (id > 0x7fff) {
		return fail(st, "capability id 0x%llx exceeds the limit 0x7fff "
			    "(extended ones: add 'ext')", ULL(id));
	}
	if (parse_num(st, l->t[2], "cap start", 0xfff, &start) ||
	    parse_num(st, l->t[3], "cap length", 0x1000, &len))
		return -1;
	if (len == 0 || start + len > 0x1000)
		return fail(st, "capability at 0x%llx + length 0x%llx is empty "
			    "or passes the 4 KiB config space", ULL(start),
			    ULL(len));
	if (d->num_caps == CELLDESC_MAX_CAPS)
		return fail(st, "too many pci capabilities (limit %u)",
			    CELLDESC_MAX_CAPS);
	d->caps[d->num_caps++] = (struct jailhouse_pci_capability){
		(u16)(id | (v[1].s ? JAILHOUSE_PCI_EXT_CAP : 0)), (u16)start,
		(u16)len, v[0].s ? JAILHOUSE_PCICAPS_WRITE : 0 };
	return 0;
}

/* n hex digits at s (no prefix), or -1. */
static long hex_digits(const char *s, unsigned int n)
{
	long v = 0;

	for (unsigned int i = 0; i < n; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (x < 0)
			return -1;
		v = v * 16 + x;
	}
	return v;
}

/* "BB:DD.F" (hex, as lspci prints it) or a plain 16-bit number. */
static int parse_bdf(struct parse_state *st, struct tok t, u16 *bdf)
{
	long b = -1, dv = -1, fn = -1;
	u64 n;

	if (t.len == 7 && t.s[2] == ':' && t.s[5] == '.') {
		b = hex_digits(t.s, 2);
		dv = hex_digits(t.s + 3, 2);
		fn = hex_digits(t.s + 6, 1);
	}
	if (b >= 0 && dv >= 0 && fn >= 0) {
		if (dv > 0x1f || fn > 7)
			return fail(st, "bad BDF '%.*s' (device <= 1f, function "
				    "<= 7)", TOKF(t));
		*bdf = (u16)(b << 8 | dv << 3 | fn);
		return 0;
	}
	if (cb_parse_u64(t.s, t.len, false, &n) == 0 && n <= 0xffff) {
		*bdf = (u16)n;
		return 0;
	}
	return fail(st, "bad BDF '%.*s' (BB:DD.F in hex, or a number)",
		    TOKF(t));
}

static const struct name_flag pci_types[] = {
	{ "device", JAILHOUSE_PCI_TYPE_DEVICE },
	{ "bridge", JAILHOUSE_PCI_TYPE_BRIDGE },
	{ "ivshmem", JAILHOUSE_PCI_TYPE_IVSHMEM },
};

static const struct name_flag shmem_protocols[] = {
	{ "undefined", JAILHOUSE_SHMEM_PROTO_UNDEFINED },
	{ "veth", JAILHOUSE_SHMEM_PROTO_VETH },
	{ "virtio-net-front", JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT + 1 },
	{ "virtio-blk-front", JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT + 2 },
	{ "virtio-con-front", JAILHOUSE_SHMEM_PROTO_VIRTIO_FRONT + 3 },
	{ "virtio-net-back", JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK + 1 },
	{ "virtio-blk-back", JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK + 2 },
	{ "virtio-con-back", JAILHOUSE_SHMEM_PROTO_VIRTIO_BACK + 3 },
};

enum {
	PO_DOMAIN, PO_IOMMU, PO_MSIX,
	PO_REGIONS, PO_PEERS, PO_ID, PO_PROTOCOL,		/* ivshmem */
	PO_BARS, PO_CAPS, PO_MSI, PO_MSI64, PO_MASKABLE,	/* devices */
	PO_MSIX_SIZE, PO_MSIX_ADDR, PO_NUM,
	PO_NUM_IVSHMEM = PO_PROTOCOL + 1,
};

/* Lists the options of one kind: the shared ones, then its own. */
static const struct opt pci_opts[PO_NUM] = {
	{ "domain", true }, { "iommu", true }, { "msix", true },
	{ "regions", true }, { "peers", true }, { "id", true },
	{ "protocol", true },
	{ "bar_mask", true }, { "caps", true }, { "msi", true },
	{ "msi64", false }, { "msi-maskable", false },
	{ "msix_size", true }, { "msix_address", true },
};

static int pci_ivshmem(struct parse_state *st, const struct tok *v,
		       struct jailhouse_pci_device *p)
{
	u64 n;
	u32 start;

	if (!v[PO_REGIONS].s || !v[PO_ID].s)
		return fail(st, "ivshmem needs regions=START and id=ID");
	if (parse_u32(st, v[PO_REGIONS], "regions", &start))
		return -1;
	p->shmem_regions_start = start;
	n = 2;
	if (v[PO_PEERS].s &&
	    parse_num(st, v[PO_PEERS], "peers", IVSHMEM_MAX_PEERS, &n))
		return -1;
	p->shmem_peers = (u8)n;
	if (parse_num(st, v[PO_ID], "id", IVSHMEM_MAX_PEERS - 1, &n))
		return -1;
	p->shmem_dev_id = (u8)n;
	if (p->shmem_peers == 0 || p->shmem_dev_id >= p->shmem_peers)
		return fail(st, "ivshmem id %u of %u peers (ids 0 .. peers-1)",
			    p->shmem_dev_id, p->shmem_peers);
	if (v[PO_PROTOCOL].s) {
		if (cb_parse_u64(v[PO_PROTOCOL].s, v[PO_PROTOCOL].len, true,
				 &n) == 0 && n <= 0xffff)
			p->shmem_protocol = (u16)n;
		else if (lookup_flag(st, shmem_protocols,
				     ARRAY_SIZE(shmem_protocols), "protocol",
				     v[PO_PROTOCOL], &n))
			return -1;
		p->shmem_protocol = (u16)n;
	}
	p->bar_mask[0] = CELLDESC_IVSHMEM_BAR0;
	p->bar_mask[1] = p->num_msix_vectors ? CELLDESC_IVSHMEM_BAR1 : 0;
	return 0;
}

static int pci_physical(struct parse_state *st, const struct tok *v,
			struct jailhouse_pci_device *p)
{
	struct tok rest = v[PO_BARS], elem;
	unsigned int words = 0;
	u64 n;
	u32 w;

	while (list_next(&rest, &elem)) {
		if (words == 6)
			return fail(st, "bar_mask= has more than 6 words");
		if (parse_u32(st, elem, "bar_mask word", &w))
			return -1;
		p->bar_mask[words++] = w;
	}
	rest = v[PO_CAPS];
	if (rest.s) {
		u64 start, count;

		if (!list_next(&rest, &elem) ||
		    parse_num(st, elem, "caps start", 0xffff, &start) ||
		    !list_next(&rest, &elem) ||
		    parse_num(st, elem, "caps count", 0xffff, &count) ||
		    list_next(&rest, &elem))
			return fail(st, "caps= takes START,COUNT");
		p->caps_start = (u16)start;
		p->num_caps = (u16)count;
	}
	if (v[PO_MSI].s) {
		if (parse_num(st, v[PO_MSI], "msi vectors", 32, &n))
			return -1;
		p->num_msi_vectors = (u8)n;
	}
	p->msi_flags = (u8)((v[PO_MSI64].s ? JAILHOUSE_PCI_MSI_64BITS : 0) |
			    (v[PO_MASKABLE].s ? JAILHOUSE_PCI_MSI_MASKABLE : 0));
	if (v[PO_MSIX_SIZE].s) {
		if (parse_num(st, v[PO_MSIX_SIZE], "msix_size", 0xffff, &n))
			return -1;
		p->msix_region_size = (u16)n;
	}
	if (v[PO_MSIX_ADDR].s) {
		if (parse_num(st, v[PO_MSIX_ADDR], "msix_address", UINT64_MAX,
			      &n))
			return -1;
		p->msix_address = n;
	}
	return 0;
}

/* pci ivshmem|device|bridge BDF OPTIONS... */
static int kw_pci(struct parse_state *st, const struct line *l)
{
	struct cell_desc *d = st->d;
	struct jailhouse_pci_device p;
	struct tok v[PO_NUM];
	u64 type, n;
	u16 bdf = 0;

	cb_memset(&p, 0, sizeof(p));
	if (need_args(st, l, 2, "ivshmem|device|bridge BDF") ||
	    lookup_flag(st, pci_types, ARRAY_SIZE(pci_types), "pci type",
			l->t[1], &type) ||
	    parse_bdf(st, l->t[2], &bdf))
		return -1;
	p.type = (u8)type;
	p.bdf = bdf;
	if (type == JAILHOUSE_PCI_TYPE_IVSHMEM ?
	    parse_opts(st, l, 3, pci_opts, PO_NUM_IVSHMEM, v) :
	    parse_opts(st, l, 3, pci_opts, PO_NUM, v) ||
	    (v[PO_REGIONS].s || v[PO_PEERS].s || v[PO_ID].s ||
	     v[PO_PROTOCOL].s ? fail(st, "regions= peers= id= protocol= "
				     "are for ivshmem devices") : 0))
		return -1;
	if (v[PO_DOMAIN].s) {
		if (parse_num(st, v[PO_DOMAIN], "domain", 0xffff, &n))
			return -1;
		p.domain = (u16)n;
	}
	if (v[PO_IOMMU].s) {
		if (parse_num(st, v[PO_IOMMU], "iommu", 0xff, &n))
			return -1;
		p.iommu = (u8)n;
	}
	if (v[PO_MSIX].s) {
		if (parse_num(st, v[PO_MSIX], "msix vectors",
			      type == JAILHOUSE_PCI_TYPE_IVSHMEM ?
			      CELLDESC_MAX_MSIX : 0xffff, &n))
			return -1;
		p.num_msix_vectors = (u16)n;
	}
	if (type == JAILHOUSE_PCI_TYPE_IVSHMEM ? pci_ivshmem(st, v, &p) :
	    pci_physical(st, v, &p))
		return -1;
	for (u32 i = 0; i < d->num_pci; i++)
		if (d->pci[i].domain == p.domain && d->pci[i].bdf == p.bdf)
			return fail(st, "pci %04x:%02x:%02x.%x already declared "
				    "on line %u", p.domain, p.bdf >> 8,
				    (p.bdf >> 3) & 0x1f, p.bdf & 7,
				    st->pci_line[i]);
	if (d->num_pci == CELLDESC_MAX_PCI)
		return fail(st, "too many pci devices (limit %u)",
			    CELLDESC_MAX_PCI);
	st->pci_line[d->num_pci] = st->no;
	d->pci[d->num_pci++] = p;
	return 0;
}

/* Checks of index references once every line is known. */
static int check_references(struct parse_state *st)
{
	const struct cell_desc *d = st->d;

	for (u32 i = 0; i < d->num_pci; i++) {
		const struct jailhouse_pci_device *p = &d->pci[i];
		u64 end = (u64)p->shmem_regions_start + 2 + p->shmem_peers;

		st->no = st->pci_line[i];
		if (p->type == JAILHOUSE_PCI_TYPE_IVSHMEM && end > d->num_mem)
			return fail(st, "ivshmem regions %u .. %llu, but the "
				    "cell has %u memory regions (state table, "
				    "r/w, one output per peer; placeholders "
				    "count)", p->shmem_regions_start,
				    ULL(end - 1), d->num_mem);
		if (p->type != JAILHOUSE_PCI_TYPE_IVSHMEM &&
		    (u32)p->caps_start + p->num_caps > d->num_caps)
			return fail(st, "caps %u .. %u, but the cell has %u pci "
				    "capabilities", p->caps_start,
				    p->caps_start + p->num_caps - 1,
				    d->num_caps);
	}
	return 0;
}

static const struct keyword {
	const char *name;
	int (*fn)(struct parse_state *st, const struct line *l);
} keywords[] = {
	{ "name", kw_name },
	{ "cpus", kw_cpus },
	{ "flags", kw_flags },
	{ "pio", kw_pio },
	{ "irqchip", kw_irqchip },
	{ "console", kw_console },
	{ "cpu_reset_address", kw_cpu_reset_address },
	{ "msg_reply_timeout", kw_msg_reply_timeout },
	{ "placeholder", kw_placeholder },
	{ "cache", kw_cache },
	{ "pcicap", kw_pcicap },
	{ "pci", kw_pci },
};

static int dispatch(struct parse_state *st, const struct line *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (tok_is(l->t[0], keywords[i].name))
			return keywords[i].fn(st, l);
	for (size_t i = 0; i < ARRAY_SIZE(region_kinds); i++)
		if (tok_is(l->t[0], region_kinds[i].kw))
			return kw_region(st, l, &region_kinds[i]);
	return fail(st, "unknown keyword '%.*s'", TOKF(l->t[0]));
}

/* Splits [s, end) (one line, no '\n') into tokens up to the comment. */
static int tokenize(struct parse_state *st, const char *s, const char *end,
		    struct line *l)
{
	l->n = 0;
	while (s < end && *s != '#') {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\r') {
			s++;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			return fail(st, "invalid character 0x%02x", c);
		if (l->n == MAX_TOKENS)
			return fail(st, "more than %u tokens", MAX_TOKENS);
		l->t[l->n].s = s;
		while (s < end && *s != '#' && (u8)*s > ' ' && (u8)*s < 0x7f)
			s++;
		l->t[l->n].len = (size_t)(s - l->t[l->n].s);
		l->n++;
	}
	return 0;
}

int celldesc_parse(const char *text, size_t len, struct cell_desc *out,
		   struct cb_err *err)
{
	struct parse_state st;
	const char *p = text, *end = text + len;
	struct line l;

	cb_memset(out, 0, sizeof(*out));
	cb_memset(&st, 0, sizeof(st));
	st.d = out;
	st.err = err;
	while (p < end) {
		const char *eol = p;

		while (eol < end && *eol != '\n')
			eol++;
		st.no++;
		if (tokenize(&st, p, eol, &l) || (l.n && dispatch(&st, &l)))
			return -1;
		p = eol < end ? eol + 1 : end;
	}
	st.no = 0;
	if (!st.name_line)
		return fail(&st, "no 'name' line");
	if (!st.cpus_line)
		return fail(&st, "no CPUs: add a 'cpus' line");
	return check_references(&st);
}

unsigned int celldesc_num_cpus(const struct cell_desc *d)
{
	unsigned int n = 0;

	for (size_t w = 0; w < CELLDESC_CPU_WORDS; w++)
		for (u64 v = d->cpus[w]; v; v &= v - 1)
			n++;
	return n;
}

int celldesc_highest_cpu(const struct cell_desc *d)
{
	for (int id = CELLDESC_MAX_CPUS - 1; id >= 0; id--)
		if (d->cpus[id / 64] & (1ull << (id % 64)))
			return id;
	return -1;
}
