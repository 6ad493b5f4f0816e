/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE		/* memmem */
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/kdoctor.h"
#include "tools/cellboot/util.h"
#include "lib/bzimage.h"

#define WHAT "kernel"
#define IKCFG_MAX (4u << 20)	/* a .config is a few hundred KiB */

/*
 * What each feature is called, the option that gives it, what to set when
 * it is missing, and the string only that option's code puts into the
 * image (used when there is no embedded config; see docs/kernel.md).
 */
static const struct feature {
	const char *label, *config, *set, *needle, *needle_desc;
} features[KD_NUM] = {
	[KD_GUEST] = { "jailhouse guest", "CONFIG_JAILHOUSE_GUEST",
		"set CONFIG_HYPERVISOR_GUEST=y and CONFIG_JAILHOUSE_GUEST=y "
		"(needs CONFIG_PCI): without it the kernel cannot read "
		"SETUP_JAILHOUSE and hangs or faults in a cell",
		"Jailhouse: No valid setup data found",
		"the panic message of the Jailhouse platform code" },
	[KD_X2APIC] = { "x2APIC", "CONFIG_X86_X2APIC",
		"set CONFIG_X86_X2APIC=y: Jailhouse keeps the root cell's APIC "
		"mode, x2APIC on most current machines",
		"physical x2apic", "the name of the x2APIC driver" },
	[KD_8250] = { "8250 serial console", "CONFIG_SERIAL_8250_CONSOLE",
		"set CONFIG_SERIAL_8250=y and CONFIG_SERIAL_8250_CONSOLE=y for "
		"console=ttyS0 (the cell's UART)",
		"uart8250", "the name of the 8250 early console" },
	[KD_PCI] = { "PCI", "CONFIG_PCI",
		"set CONFIG_PCI=y (and CONFIG_PCI_MMCONFIG=y): ivshmem and every "
		"passed-through device are PCI, and CONFIG_JAILHOUSE_GUEST "
		"depends on it",
		"PCI host bridge to bus %s\n", "a message of the PCI core"
		},
	[KD_INITRD] = { "initrd support", "CONFIG_BLK_DEV_INITRD",
		"set CONFIG_BLK_DEV_INITRD=y to boot with -i INITRD",
		"incorrect cpio method used: use -H newc option",
		"a message of the initramfs unpacker" },
};

/* "6.1.0-N-amd64 (debian-kernel@...) #1 SMP ..." -> "6.1.0-N-amd64", 6, 1 */
static void parse_release(const struct bzimage *k, struct kdoctor *r)
{
	size_t n = 0;

	while (k->version_str && n < k->version_len && n + 1 < sizeof(r->release) &&
	       k->version_str[n] > ' ' && k->version_str[n] < 0x7f) {
		r->release[n] = k->version_str[n];
		n++;
	}
	r->release[n] = '\0';
	if (sscanf(r->release, "%u.%u", &r->major, &r->minor) != 2)
		r->major = r->minor = 0;
}

/* "CONFIG_FOO=y" (or =m) in the embedded config text */
static bool config_set(const char *cfg, const char *opt, char *val, size_t size)
{
	size_t n = strlen(opt);

	for (const char *p = cfg; (p = strstr(p, opt)); p += n) {
		size_t v = 0;

		if ((p != cfg && p[-1] != '\n') || p[n] != '=')
			continue;
		p += n + 1;
		while (p[v] && p[v] != '\n' && v + 1 < size) {
			val[v] = p[v];
			v++;
		}
		val[v] = '\0';
		return true;
	}
	return false;
}

/* The "IKCFG_ST" ... "IKCFG_ED" gzip blob of CONFIG_IKCONFIG, decompressed. */
static char *find_ikconfig(const u8 *v, size_t len)
{
	const u8 *st = memmem(v, len, "IKCFG_ST", 8), *ed;
	char *cfg;
	size_t n;

	if (!st)
		return NULL;
	st += 8;
	ed = memmem(st, len - (size_t)(st - v), "IKCFG_ED", 8);
	if (!ed || kdecomp_gunzip(st, (size_t)(ed - st), IKCFG_MAX, &cfg, &n))
		return NULL;
	return cfg;
}

static void from_config(const char *cfg, struct kdoctor *r)
{
	for (int i = 0; i < KD_NUM; i++) {
		struct kd_item *it = &r->item[i];
		char val[16];

		if (config_set(cfg, features[i].config, val, sizeof(val)) &&
		    (!strcmp(val, "y") || !strcmp(val, "m"))) {
			it->state = KD_YES;
			snprintf(it->evidence, sizeof(it->evidence),
				 "embedded config: %s=%s", features[i].config, val);
		} else {
			it->state = KD_NO;
			snprintf(it->evidence, sizeof(it->evidence),
				 "embedded config: %s is not set",
				 features[i].config);
		}
	}
}

static void from_strings(const u8 *v, size_t len, struct kdoctor *r)
{
	for (int i = 0; i < KD_NUM; i++) {
		const struct feature *f = &features[i];
		struct kd_item *it = &r->item[i];

		/* with its NUL: a whole string, not the start of a longer one */
		if (memmem(v, len, f->needle, strlen(f->needle) + 1)) {
			it->state = KD_YES;
			snprintf(it->evidence, sizeof(it->evidence), "string \"%.*s\", "
				 "%s", (int)strcspn(f->needle, "%\n"), f->needle,
				 f->needle_desc);
		} else {
			it->state = KD_NO;
			snprintf(it->evidence, sizeof(it->evidence), "no string "
				 "\"%.*s\" (%s) and no embedded config",
				 (int)strcspn(f->needle, "%\n"), f->needle,
				 f->needle_desc);
		}
	}
}

int kdoctor_run(const u8 *file, size_t size, struct kdoctor *r,
		struct cb_err *err)
{
	struct bzimage k;
	struct kdecomp d;
	const u8 *payload;
	char *cfg;

	memset(r, 0, sizeof(*r));
	if (bzimage_parse(file, size, 0, &k, err))
		return -1;
	parse_release(&k, r);
	kfile_check(file, size, r->major, r->minor, &r->file);
	if (r->file.crc == KFILE_CRC_BAD)
		return cb_fail(err, WHAT, "the file's CRC-32 is 0x%08x, the kernel "
			       "build stored 0x%08x in its last 4 bytes: the file "
			       "is corrupt or truncated", r->file.computed,
			       r->file.stored);
	payload = file + k.setup_size + k.hdr->payload_offset;
	if (kdecomp_payload(payload, k.hdr->payload_length, &d, err)) {
		kdecomp_free(&d);
		return -1;
	}
	r->comp = d.kind;
	r->vmlinux_size = d.out_len;
	memcpy(r->verified, d.verified, sizeof(r->verified));
	if (d.out_len < 4 || memcmp(d.out, "\177ELF", 4)) {
		kdecomp_free(&d);
		return cb_fail(err, WHAT, "the decompressed payload (%s) is not an "
			       "ELF image: the file is corrupt",
			       kcomp_name(r->comp));
	}
	cfg = find_ikconfig(d.out, d.out_len);
	r->ikconfig = cfg != NULL;
	if (cfg)
		from_config(cfg, r);
	else
		from_strings(d.out, d.out_len, r);
	free(cfg);
	kdecomp_free(&d);
	return 0;
}

const char *kdoctor_label(enum kd_feature i)
{
	return features[i].label;
}

const char *kdoctor_hint(enum kd_feature i)
{
	return features[i].set;
}

bool kdoctor_cell_ready(const struct kdoctor *r)
{
	for (int i = 0; i < KD_NUM; i++)
		if (r->item[i].state != KD_YES)
			return false;
	return true;
}

void kdoctor_print(FILE *f, const struct kdoctor *r, const char *indent)
{
	for (int i = 0; i < KD_NUM; i++) {
		const struct kd_item *it = &r->item[i];

		fprintf(f, "%s%s: %s (%s)\n", indent, features[i].label,
			it->state == KD_YES ? "yes" : "no", it->evidence);
	}
	fprintf(f, "%srelease: %s\n", indent, r->release[0] ? r->release :
		"unknown (no version string)");
}

void kdoctor_print_integrity(FILE *f, const struct kdoctor *r,
			     const char *indent)
{
	const struct kfile *k = &r->file;

	switch (k->crc) {
	case KFILE_CRC_OK:
		fprintf(f, "%sfile CRC-32: 0x%08x, matches what the kernel build "
			"stored\n", indent, k->stored);
		break;
	case KFILE_CRC_SIGNED:
		fprintf(f, "%sfile CRC-32: does not apply: the image was signed "
			"for Secure Boot after the build (PE signature of %u bytes "
			"at 0x%x), which rewrote the header\n", indent, k->sig_size,
			k->sig_offset);
		break;
	case KFILE_CRC_NOT_WRITTEN:
		fprintf(f, "%sfile CRC-32: none (Linux %u.%u's build no longer "
			"stores one)\n", indent, r->major, r->minor);
		break;
	case KFILE_CRC_BAD:
		break;		/* kdoctor_run refused it */
	}
	fprintf(f, "%spayload: %s, decompressed %zu bytes (vmlinux ELF), "
		"verified: %s\n", indent, kcomp_name(r->comp), r->vmlinux_size,
		r->verified);
}

unsigned int kdoctor_warn(const struct kdoctor *r)
{
	unsigned int n = 0;

	for (int i = 0; i < KD_NUM; i++) {
		if (r->item[i].state == KD_YES)
			continue;
		warn_msg("kernel: no %s: %s (cellboot inspect KERNEL shows the "
			 "evidence)", features[i].label, features[i].set);
		n++;
	}
	return n;
}
