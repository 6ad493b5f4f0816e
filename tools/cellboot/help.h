/* SPDX-License-Identifier: MIT */
/* Help text shared by plan, boot and qemu. */
#ifndef CELLBOOT_TOOLS_HELP_H
#define CELLBOOT_TOOLS_HELP_H

#define HELP_COMMON_OPTIONS \
	"  -i, --initrd FILE      load FILE as the initrd (initramfs)\n" \
	"  -c, --cmdline TEXT     the kernel command line\n" \
	"      --loader PATH      the loader image (default: cellboot.bin in\n" \
	"                         ../libexec/cellboot/ from the tool, else next\n" \
	"                         to the tool)\n" \
	"      --name NAME        cell name for jailhouse cell load/start\n" \
	"                         (default: the name in the cell config)\n" \
	"      --param KEY=VALUE  one more loader option in the params, before\n" \
	"                         the command line: console=, log=,\n" \
	"                         cpu_wait_ms= (see cellboot(1)); repeatable\n" \
	"      --digest           add crc=KERNELCRC,INITRDCRC to the params: the\n" \
	"                         loader checks the CRC-32 of both in the cell\n" \
	"      --no-kernel-check  skip decompressing the kernel (integrity and\n" \
	"                         the Jailhouse guest check, see inspect)\n" \
	"      --uncompressed DIR boot the kernel without its decompressor:\n" \
	"                         write its vmlinux headers and segments to\n" \
	"                         DIR and load each segment where it runs\n" \
	"                         (docs/vmlinux-boot.md)\n"

#define HELP_EXIT_STATUS \
	"Exit status: 0 success, 1 a check failed or an input is bad (one\n" \
	"'cellboot: error: <what>: <detail>' line on stderr), 2 usage error.\n"

#endif
