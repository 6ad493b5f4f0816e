/* SPDX-License-Identifier: MIT */
/* The QEMU command line of one `cellboot qemu` run (qemu_cmd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cellboot/qemu_cmd.h"
#include "lib/layout.h"

/*
 * Debian's kernel has no Jailhouse guest support: on microvm it needs the
 * PIT and the PIC to calibrate and tick (docs/boot-testing.md). No UART
 * from the machine: the tool adds one per port the cell owns.
 */
static const char microvm_opts[] =
	"microvm,x-option-roms=off,rtc=off,pic=on,pit=on,isa-serial=off,"
	"acpi=off,pcie=off,ioapic2=off";

/* QEMU's key=value option syntax doubles commas. */
static void add_escaped(struct strbuf *b, const char *s)
{
	for (const char *c = s; *c; c++)
		sb_add(b, *c == ',' ? ",," : (char[]){ *c, 0 });
}

static void add_loader_device(struct strbuf *b, const char *path, u64 addr)
{
	sb_add(b, "loader,file=");
	add_escaped(b, path);
	sb_addf(b, ",addr=0x%llx,force-raw=on", (unsigned long long)addr);
}

static void push(struct qemu_cmd *q, const char *s)
{
	if (q->argc < (int)ARRAY_SIZE(q->argv) - 1)
		q->argv[q->argc++] = strdup(s);
}

static void pushf(struct qemu_cmd *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void pushf(struct qemu_cmd *q, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	push(q, buf);
}

static void push_device(struct qemu_cmd *q, const char *path, u64 addr)
{
	struct strbuf b = { 0 };

	add_loader_device(&b, path, addr);
	push(q, "-device");
	push(q, b.s);
	sb_free(&b);
}

static void push_chardev(struct qemu_cmd *q, const char *kind, unsigned int i,
			 const char *path, bool interactive)
{
	struct strbuf b = { 0 };

	sb_addf(&b, "%s,id=ttyS%u", kind, i);
	if (path) {
		sb_add(&b, ",path=");
		add_escaped(&b, path);
	}
	if (!strcmp(kind, "stdio") && !interactive)
		sb_add(&b, ",signal=off");
	push(q, "-chardev");
	push(q, b.s);
	sb_free(&b);
	push(q, "-device");
	pushf(q, "isa-serial,index=%u,chardev=ttyS%u", i, i);
}

void qemu_cmd_build(struct qemu_cmd *q, const struct qemu_cmd_in *in)
{
	const struct boot_plan *p = in->plan;
	const char *env = getenv("QEMU");

	memset(q, 0, sizeof(*q));
	push(q, in->qemu ? in->qemu : env && *env ? env : "qemu-system-x86_64");
	push(q, "-M");
	push(q, !strcmp(in->machine, "q35") ? "q35" : microvm_opts);
	push(q, "-accel");
	push(q, in->accel ? in->accel : "tcg");
	push(q, "-smp");
	pushf(q, "cpus=%u,sockets=1,cores=%u,threads=1", in->cpus, in->cpus);
	push(q, "-m");
	pushf(q, "%lluM", (unsigned long long)in->mem_mib);
	push(q, "-bios");
	push(q, in->rom);
	push(q, "-nodefaults");
	push(q, "-nographic");
	push(q, "-no-reboot");
	for (unsigned int i = 0; i < in->num_uarts; i++)
		push_chardev(q, in->uarts[i].console ? "stdio" : "file",
			     in->uarts[i].index, in->uarts[i].file,
			     in->interactive);
	push_device(q, in->loader, CB_IMAGE_BASE);
	push_device(q, p->config.path, p->config.addr);
	push_device(q, p->kernel.path, p->kernel.addr);
	for (u32 i = 0; i < p->num_seg; i++)	/* --uncompressed */
		push_device(q, p->seg[i].path, p->seg[i].addr);
	if (p->has_initrd)
		push_device(q, p->initrd.path, p->initrd.addr);
	push_device(q, in->comm, p->comm_addr);
	if (in->gdb) {
		push(q, "-S");
		push(q, "-gdb");
		pushf(q, "tcp::%u", in->gdb_port);
	}
}

void qemu_cmd_add_monitor(struct qemu_cmd *q, const char *monitor)
{
	struct strbuf b = { 0 };

	sb_add(&b, "pipe,id=monitor,path=");
	add_escaped(&b, monitor);
	push(q, "-chardev");
	push(q, b.s);
	push(q, "-mon");
	push(q, "chardev=monitor,mode=readline");
	sb_free(&b);
}

void qemu_cmd_free(struct qemu_cmd *q)
{
	for (int i = 0; i < q->argc; i++)
		free(q->argv[i]);
	memset(q, 0, sizeof(*q));
}
