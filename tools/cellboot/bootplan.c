/* SPDX-License-Identifier: MIT */
/*
 * Placement for the root side. The loader's planner (lib/plan.c) decides
 * what happens in the cell; this file only picks the addresses the root
 * loads the files at, so that the planner's answer is "nothing moves":
 *
 *   kernel  pref_address - setup size, so that the protected-mode part sits
 *           at pref_address, when its init_size window fits there; else the
 *           lowest kernel_alignment slot in loadable RAM where it fits;
 *   initrd  page-aligned right above the kernel window, else the highest
 *           free loadable RAM below the kernel's initrd limit;
 *   config  the first page above cellboot's own low area (CB_LOW_END),
 *           below 0x9f000.
 *
 * Every candidate is judged by plan_place() with the planner input the
 * loader builds (lib/policy.c), and every image must lie in one memory
 * region with WRITE and LOADABLE, which is what the jailhouse driver
 * accepts for `jailhouse cell load` (docs/jailhouse-abi.md 3.2).
 */
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/bootplan.h"
#include "tools/cellboot/cellwarn.h"
#include "tools/cellboot/cmds.h"
#include "tools/cellboot/kdoctor.h"
#include "lib/bootparams.h"
#include "tools/lib/cellsim.h"
#include "lib/fmt.h"
#include "lib/crc32.h"
#include "lib/jhsetup.h"
#include "lib/params.h"
#include "lib/policy.h"
#include "lib/string.h"

_Static_assert(ARRAY_SIZE(((struct boot_plan *)0)->reserved) ==
	       POLICY_CELL_RESERVED, "a config's cell reserves three ranges");

#define LOAD_FLAGS (JAILHOUSE_MEM_WRITE | JAILHOUSE_MEM_LOADABLE)

/* ------------------------------------------------------------------------ */
/* checks and placement                                                     */
/* ------------------------------------------------------------------------ */

static int not_loadable(struct cb_err *err, const char *what, u64 s, u64 len)
{
	return cb_fail(err, what, "0x%llx-0x%llx is not inside one cell memory "
		       "region with the write and loadable flags (jailhouse cell "
		       "load would fail with EINVAL)", (unsigned long long)s,
		       (unsigned long long)(s + len - 1));
}

/* [s, s+len) inside one RAM region that jailhouse cell load may write. */
static bool loadable(const struct boot_plan *p, u64 s, u64 len)
{
	return len && s + len > s &&
	       ranges_contain(p->loadable, p->num_loadable, s, s + len);
}

void bp_policy_cell(struct boot_plan *p, struct policy_cell *c)
{
	*c = (struct policy_cell){
		.cfg = &p->cfg, .config_addr = p->config.addr,
		.comm_addr = p->comm_addr, .ram = p->ram, .num_ram = p->num_ram,
	};
}

/* The loader's planner for the kernel at kaddr and the initrd (if any). */
static int run_planner(struct boot_plan *p, u64 kaddr, bool with_initrd,
		       u64 iaddr, struct cb_err *err)
{
	struct policy_cell c;
	struct policy_plan pp;

	if (bzimage_parse(p->kernel_file.data, p->kernel_file.size, kaddr,
			  &p->k, err))
		return -1;
	bp_policy_cell(p, &c);
	policy_plan_input(&pp, &c, &p->k, with_initrd, iaddr, p->initrd.size);
	return plan_place(&pp.in, &p->pl, err);
}

/* 0 if the kernel file at addr runs where it is; else -1 with err. */
static int try_kernel(struct boot_plan *p, u64 addr, struct cb_err *err)
{
	u64 size = p->kernel_file.size;
	const struct range *hit;

	if (addr + size < addr)
		return cb_fail(err, "kernel", "0x%llx+0x%llx wraps past 2^64",
			       (unsigned long long)addr, (unsigned long long)size);
	if (run_planner(p, addr, false, 0, err))
		return -1;
	if (p->pl.kernel_moved)
		return cb_fail(err, "kernel", "at 0x%llx the loader would move it "
			       "to 0x%llx (the init_size window 0x%llx-0x%llx "
			       "does not fit where it is)",
			       (unsigned long long)addr,
			       (unsigned long long)p->pl.kernel_pm,
			       (unsigned long long)p->k.pm_addr,
			       (unsigned long long)(p->k.pm_addr +
						    p->k.init_size - 1));
	if (!loadable(p, addr, size))
		return not_loadable(err, "kernel", addr, size);
	/* the file's tail past syssize is loaded too */
	hit = ranges_first_overlap(p->reserved, POLICY_CELL_RESERVED, addr,
				   addr + size);
	if (hit)
		return cb_fail(err, "kernel", "0x%llx-0x%llx overlaps %s",
			       (unsigned long long)addr,
			       (unsigned long long)(addr + size - 1), hit->name);
	return 0;
}

/* The edges a kernel slot search tries (see place_kernel), by index. */
static u32 num_edges(const struct boot_plan *p)
{
	return p->num_loadable + p->num_ram + 2 * POLICY_CELL_RESERVED + 1;
}

static u64 edge(const struct boot_plan *p, const struct bzimage *k, u32 i)
{
	u64 x;

	if (i < p->num_loadable) {
		x = p->loadable[i].start;
		return x > UINT64_MAX - k->setup_size ? UINT64_MAX :
		       x + k->setup_size;
	}
	i -= p->num_loadable;
	if (i < p->num_ram)
		return p->ram[i].start;
	i -= p->num_ram;
	if (i < 2 * POLICY_CELL_RESERVED) {
		x = p->reserved[i / 2].end;
		if (i % 2 == 0)
			return x;
		return x > UINT64_MAX - k->setup_size ? UINT64_MAX :
		       x + k->setup_size;
	}
	return k->pref_address;
}

static int place_kernel(struct boot_plan *p, struct cb_err *err)
{
	struct cb_err first;
	struct bzimage k0;
	u64 pref_file = 0, best = 0;
	bool tried_pref = false;

	if (bzimage_parse(p->kernel_file.data, p->kernel_file.size, 0, &k0,
			  err))
		return -1;
	/* 1. the protected-mode part at pref_address */
	if (k0.pref_address >= k0.setup_size) {
		pref_file = k0.pref_address - k0.setup_size;
		tried_pref = true;
		if (!try_kernel(p, pref_file, &first)) {
			p->kernel.addr = pref_file;
			return 0;
		}
	}
	/*
	 * 2. the lowest aligned slot in loadable RAM. Going up from a slot
	 * that fails, the first one that can succeed lies at an edge, aligned
	 * up: the start of a loadable region (+ setup) or of a RAM range, the
	 * end of a reserved range (window or file past it), pref_address. Only
	 * those are tried: the search is bounded by the number of obstacles,
	 * never by the size of memory.
	 */
	for (u32 i = 0; k0.relocatable && i < num_edges(p); i++) {
		u64 x = edge(p, &k0, i), t = align_up(x, k0.kernel_alignment);
		struct cb_err e;

		if (x > UINT64_MAX - k0.kernel_alignment || t < k0.setup_size ||
		    (tried_pref && t - k0.setup_size == pref_file) ||
		    (best && t >= best))
			continue;
		if (!try_kernel(p, t - k0.setup_size, &e))
			best = t;
		else if (!tried_pref) {
			first = e;
			tried_pref = true;
		}
	}
	if (best) {	/* again: p->k and p->pl are the last try's */
		p->kernel.addr = best - k0.setup_size;
		return try_kernel(p, p->kernel.addr, err);
	}
	if (tried_pref) {
		*err = first;
		return -1;
	}
	return cb_fail(err, "kernel", "no address in the cell's loadable RAM "
		       "holds the 0x%llx-byte file with its protected-mode part "
		       "0x%x-aligned", (unsigned long long)p->kernel_file.size,
		       k0.kernel_alignment);
}

/* 0 if the initrd at addr stays where it is and the kernel too. */
static int try_initrd(struct boot_plan *p, u64 addr, struct cb_err *err)
{
	u64 size = p->initrd.size, kend = p->kernel.addr + p->kernel_file.size;

	if (addr + size < addr)
		return cb_fail(err, "initrd", "0x%llx+0x%llx wraps past 2^64",
			       (unsigned long long)addr, (unsigned long long)size);
	if (run_planner(p, p->kernel.addr, true, addr, err))
		return -1;
	if (p->pl.kernel_moved || p->pl.initrd_moved)
		return cb_fail(err, "initrd", "at 0x%llx-0x%llx the loader would "
			       "move the %s", (unsigned long long)addr,
			       (unsigned long long)(addr + size - 1),
			       p->pl.initrd_moved ? "initrd" : "kernel");
	if (!loadable(p, addr, size))
		return not_loadable(err, "initrd", addr, size);
	if (range_overlaps(addr, addr + size, p->kernel.addr, kend))
		return cb_fail(err, "initrd", "0x%llx-0x%llx overlaps the kernel "
			       "file 0x%llx-0x%llx", (unsigned long long)addr,
			       (unsigned long long)(addr + size - 1),
			       (unsigned long long)p->kernel.addr,
			       (unsigned long long)(kend - 1));
	return 0;
}

static int place_initrd(struct boot_plan *p, struct cb_err *err)
{
	u64 size = p->initrd.size, limit = plan_initrd_limit(&p->k);
	u64 win_s = p->pl.window_start, win_e = p->pl.window_end;
	u64 above = align_up(win_e, BP_PAGE);
	struct range avoid[7];
	struct cb_err e;

	/* err keeps what the loader says about the first choice */
	if (!try_initrd(p, above, err)) {
		p->initrd.addr = above;
		return 0;
	}
	/* the highest free page-aligned spot below the limit */
	memcpy(avoid, p->reserved, sizeof(p->reserved));
	avoid[3] = (struct range){ p->kernel.addr,
				   p->kernel.addr + p->kernel_file.size, NULL };
	avoid[4] = (struct range){ win_s, win_e, NULL };
	avoid[5] = (struct range){ p->config.addr,
				   p->config.addr + p->config.size, NULL };
	/* what the loader's planner avoids too (lib/plan.h) */
	avoid[6] = (struct range){ PLAN_MAP_LIMIT, UINT64_MAX, NULL };
	for (u32 i = p->num_loadable; i-- > 0;) {
		u64 lo = p->loadable[i].start;
		u64 hi = p->loadable[i].end < limit ? p->loadable[i].end : limit;

		while (hi > lo && hi - lo >= size) {
			u64 d = align_down(hi - size, BP_PAGE);
			const struct range *b = NULL;

			if (d < lo)
				break;
			for (u32 j = 0; j < ARRAY_SIZE(avoid); j++)
				if (range_overlaps(d, d + size, avoid[j].start,
						   avoid[j].end) &&
				    (!b || avoid[j].start > b->start))
					b = &avoid[j];
			if (b) {
				hi = b->start;
				continue;
			}
			if (!try_initrd(p, d, &e)) {
				p->initrd.addr = d;
				return 0;
			}
			/*
			 * Clear of every obstacle and below the limit, the
			 * planner has no other reason to refuse, and no lower
			 * spot of this range would change that: next range
			 * (bounded by the obstacles, not by memory).
			 */
			break;
		}
	}
	return -1;
}

static int check_loader(struct boot_plan *p, struct cb_err *err)
{
	u64 size = p->loader_file.size;

	if (size == 0 || size > CB_IMAGE_MAX)
		return cb_fail(err, "loader", "%s is 0x%llx bytes, cellboot.bin "
			       "is 1 to 0x%x bytes (is it the loader this tool "
			       "was built with?)", p->loader_file.path,
			       (unsigned long long)size, CB_IMAGE_MAX);
	if (!cellcfg_mem_granted(&p->cfg, 0, size, LOAD_FLAGS))
		return not_loadable(err, "loader", 0, size);
	return 0;
}

static int check_cell(struct boot_plan *p, struct cb_err *err)
{
	const struct jailhouse_memory *comm;

	if (cellcfg_parse(p->cell_file.data, p->cell_file.size, &p->cfg, err))
		return -1;
	if (p->cfg.desc->cpu_reset_address)
		return cb_fail(err, "cell config", "cpu_reset_address 0x%llx, "
			       "cellboot needs 0 (its entry is at 0)",
			       (unsigned long long)p->cfg.desc->cpu_reset_address);
	if (!cellcfg_num_cpus(&p->cfg))
		return cb_fail(err, "cell config", "the cpu set is empty");
	comm = cellcfg_comm_region(&p->cfg);
	if (!comm)
		return cb_fail(err, "cell config", "no comm region (a memory "
			       "region with the comm flag, normally at 0x100000): "
			       "cellboot reads num_cpus and the timer rates there");
	p->comm_addr = comm->virt_start;
	return 0;
}

/*
 * The loader's memory map step and its config rules (lib/policy.c), the
 * config copy where the params will put it; then what jailhouse cell load
 * may write.
 */
static int check_memory(struct boot_plan *p, struct cb_err *err)
{
	struct policy_cell c;
	u64 len;

	p->config.addr = align_up(CB_LOW_END, BP_PAGE);
	p->config.size = p->cell_file.size;
	p->e820.e = p->e820_buf;
	p->e820.max = CB_E820_MAX_ENTRIES;
	p->e820.count = 0;
	bp_policy_cell(p, &c);
	if (policy_memory_map(&c, &p->e820, NULL, err))
		return -1;
	p->num_ram = c.num_ram;

	p->loadable = calloc(p->cfg.num_mem ? p->cfg.num_mem : 1,
			     sizeof(*p->loadable));
	if (!p->loadable)
		return cb_fail(err, "memory", "out of memory");
	for (u32 i = 0; i < p->cfg.num_mem; i++) {
		const struct jailhouse_memory *m = &p->cfg.mem[i];
		u32 j;

		if (!cellcfg_mem_is_ram(m) || (m->flags & LOAD_FLAGS) != LOAD_FLAGS)
			continue;
		for (j = p->num_loadable; j > 0 &&
		     p->loadable[j - 1].start > m->virt_start; j--)
			p->loadable[j] = p->loadable[j - 1];
		p->loadable[j] = (struct range){ m->virt_start,
						 m->virt_start + m->size,
						 "loadable RAM" };
		p->num_loadable++;
	}

	if (policy_config_window(p->config.addr, p->config.size, &len, err))
		return -1;
	if (!loadable(p, p->config.addr, p->config.size))
		return not_loadable(err, "config", p->config.addr, p->config.size);
	policy_reserved(&c, p->reserved);
	return 0;
}

static int build_params(struct boot_plan *p, const struct bp_args *a,
			struct cb_err *err)
{
	struct strbuf b = { 0 };
	struct params parsed;
	char buf[CB_PARAMS_SIZE];
	size_t len;

	sb_addf(&b, "kernel=0x%llx,0x%llx", (unsigned long long)p->kernel.addr,
		(unsigned long long)p->kernel.size);
	if (p->has_initrd)
		sb_addf(&b, " initrd=0x%llx,0x%llx",
			(unsigned long long)p->initrd.addr,
			(unsigned long long)p->initrd.size);
	sb_addf(&b, " config=0x%llx,0x%llx", (unsigned long long)p->config.addr,
		(unsigned long long)p->config.size);
	if (a->digest) {
		sb_addf(&b, " crc=0x%08x", p->kernel_crc);
		if (p->has_initrd)
			sb_addf(&b, ",0x%08x", p->initrd_crc);
	}
	for (unsigned int i = 0; i < a->num_params; i++)
		sb_addf(&b, " %s", a->params[i]);
	if (*p->cmdline)
		sb_addf(&b, " -- %s", p->cmdline);
	len = b.len;
	if (len + 1 > CB_PARAMS_SIZE) {
		cb_fail(err, "params", "%zu bytes with the NUL, the buffer at "
			"0x%x holds %u (shorten the command line)", len + 1,
			CB_PARAMS_ADDR, CB_PARAMS_SIZE);
		sb_free(&b);
		return -1;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, b.s, len);
	memcpy(p->params, b.s, len + 1);
	p->params_len = len;
	sb_free(&b);

	/* the loader's parser, on what the loader will find at 0x1000 */
	if (params_parse(buf, sizeof(buf), &parsed, err))
		return -1;
	if (parsed.kernel_addr != p->kernel.addr ||
	    parsed.config_addr != p->config.addr ||
	    parsed.has_initrd != p->has_initrd ||
	    parsed.cmdline_len != strlen(p->cmdline))
		return cb_fail(err, "params", "the loader reads \"%s\" back "
			       "differently", p->params);
	/* the loader's rule and line */
	if (policy_console_request(&p->cfg, &parsed.console, err))
		return -1;
	if (!loadable(p, CB_PARAMS_ADDR, len + 1))
		return not_loadable(err, "params", CB_PARAMS_ADDR, len + 1);
	return 0;
}

int bp_boot_params(const struct boot_plan *p, struct boot_params *bp,
		   u8 *sd, size_t sd_size, struct bootparams_result *res,
		   struct jailhouse_setup_data *jh, struct cb_err *err)
{
	static u8 comm_page[COMM_REGION_PAGE_SIZE];
	static const struct cellsim_platform plat = { 0 };
	u8 ids[CB_MAX_CPUS];
	unsigned int n = cellcfg_num_cpus(&p->cfg);
	struct bootparams_input in = {
		.k = &p->k, .cmdline_addr = CB_CMDLINE_ADDR,
		.cmdline_len = strlen(p->cmdline),
		.initrd_addr = p->initrd.addr,
		.initrd_size = p->has_initrd ? p->initrd.size : 0,
		.e820 = &p->e820, .jh = jh, .sd_buf = sd,
		.sd_addr = CB_SETUP_DATA_ADDR, .sd_size = sd_size,
	};

	/* the APIC IDs as the CPUs check in: here 0..n-1 */
	if (n > CB_MAX_CPUS)
		n = CB_MAX_CPUS;
	for (unsigned int i = 0; i < n; i++)
		ids[i] = (u8)i;
	cellsim_comm_fill(comm_page, &p->cfg, &plat);
	jh_setup_fill(jh, (const struct jailhouse_comm_region *)comm_page,
		      &p->cfg, ids, n);
	return bootparams_build(bp, &in, res, err);
}

/* The loader's last step before the jump, on scratch buffers. */
static int check_boot_params(struct boot_plan *p, struct cb_err *err)
{
	static struct boot_params bp;
	static u8 sd[CB_SETUP_DATA_SIZE];
	struct jailhouse_setup_data jh;
	struct bootparams_result res;
	size_t cmdline_len = strlen(p->cmdline);

	if (bp_boot_params(p, &bp, sd, sizeof(sd), &res, &jh, err))
		return -1;
	if (cmdline_len >= CB_CMDLINE_SIZE)
		return cb_fail(err, "cmdline", "%zu bytes, cellboot's buffer holds "
			       "%u", cmdline_len, CB_CMDLINE_SIZE - 1);
	return 0;
}

/*
 * The kernel doctor (kdoctor.c): a corrupt or truncated kernel is refused,
 * a kernel that lacks what a cell needs gets one warning line per piece.
 */
static int kernel_check(const struct boot_plan *p, const struct bp_args *a)
{
	static struct kdoctor r;
	struct cb_err err;

	if (a->no_kernel_check)
		return 0;
	if (kdoctor_run(p->kernel_file.data, p->kernel_file.size, &r, &err))
		return report(&err);
	kdoctor_warn(&r);
	return 0;
}

int bp_make(const struct bp_args *a, struct boot_plan *p)
{
	struct cb_err err;
	int rc;

	memset(p, 0, sizeof(*p));
	p->cmdline = a->cmdline ? a->cmdline : "";
	if (a->loader) {
		p->loader_path = strdup(a->loader);
	} else {
		p->loader_path = default_loader();
		if (!p->loader_path)
			return fail_msg("loader", "no cellboot.bin next to the "
					"tool (%s/../libexec/cellboot/ or %s/) "
					"or in " CB_LOADER_DIR "/; "
					"give --loader PATH",
					self_dir() ? self_dir() : "?",
					self_dir() ? self_dir() : "?");
	}
	p->loader.path = p->loader_path;
	p->config.path = a->cell;
	p->kernel.path = a->kernel;
	p->initrd.path = a->initrd;
	p->has_initrd = a->initrd != NULL;

	if ((rc = file_load(&p->cell_file, a->cell, false)) ||
	    (rc = file_load(&p->kernel_file, a->kernel, true)) ||
	    (rc = file_load(&p->loader_file, p->loader_path, false)))
		return rc;
	if (p->has_initrd) {
		if ((rc = file_size(a->initrd, &p->initrd.size)))
			return rc;
		if (!p->initrd.size)
			return fail_msg("initrd", "%s is empty", a->initrd);
	}
	p->kernel.size = p->kernel_file.size;
	p->loader.size = p->loader_file.size;

	if (check_cell(p, &err)) {
		char what[256];

		report(&err);
		if (cellwarn_what_is(p->cell_file.data, p->cell_file.size, what,
				     sizeof(what)))
			hint_msg("%s is %s", a->cell, what);
		if (file_is_text(&p->cell_file))
			hint_msg("%s looks like a cell description; write the "
				 "binary config first: cellboot mkcell %s -o "
				 "NAME.cell", a->cell, a->cell);
		return CB_EXIT_FAILED;
	}
	cb_strlcpy(p->name, a->name ? a->name : p->cfg.name, sizeof(p->name));
	if (!p->name[0])
		return fail_msg("cell config", "the cell has no name; give "
				"--name NAME");
	for (const char *c = p->name; *c; c++)
		if ((u8)*c < ' ' || (u8)*c > '~') {
			/* it goes into the printed commands: never raw */
			char esc[4 * sizeof(p->name)];

			cb_snprintf(esc, sizeof(esc), "%pE", p->name);
			return fail_msg("cell config", "the cell name \"%s\" is "
					"not printable ASCII; give --name NAME",
					esc);
		}
	if (check_loader(p, &err) || check_memory(p, &err) ||
	    place_kernel(p, &err) ||
	    (p->has_initrd && place_initrd(p, &err)))
		return report(&err);
	/* final verdict of the loader's planner on the chosen addresses */
	if (run_planner(p, p->kernel.addr, p->has_initrd, p->initrd.addr, &err))
		return report(&err);
	if (p->pl.kernel_moved || p->pl.initrd_moved)
		return fail_msg("plan", "the loader would move the %s",
				p->pl.kernel_moved ? "kernel" : "initrd");
	if (a->digest) {
		p->kernel_crc = cb_crc32(p->kernel_file.data, p->kernel_file.size);
		if (p->has_initrd) {
			if ((rc = file_load(&p->initrd_file, a->initrd, true)))
				return rc;
			if (p->initrd_file.size != p->initrd.size)
				return fail_msg("initrd", "%s changed size while "
						"planning", a->initrd);
			p->initrd_crc = cb_crc32(p->initrd_file.data,
					      p->initrd_file.size);
		}
	}
	if (a->uncompressed && (rc = vmplan_apply(p, a)))
		return rc;
	if (build_params(p, a, &err) || check_boot_params(p, &err))
		return report(&err);
	return kernel_check(p, a);
}

void bp_release(struct boot_plan *p)
{
	file_release(&p->cell_file);
	file_release(&p->kernel_file);
	file_release(&p->loader_file);
	file_release(&p->initrd_file);
	free(p->loadable);
	free(p->loader_path);
	for (u32 i = 0; i < ELF_MAX_LOAD + 1; i++) {
		free(p->vm_paths[i]);
		p->vm_paths[i] = NULL;
	}
	p->loadable = NULL;
	p->loader_path = NULL;
}
