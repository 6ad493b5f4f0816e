#!/bin/sh
# make-seeds.sh - write the fuzzers' seed corpora from real files.
#
#   BUILD/fuzz/seeds/params/      params strings shaped like the QEMU tests'
#                                 (real kernel and initrd sizes when known)
#   BUILD/fuzz/seeds/cellcfg/     every configs/*.cell.txt through
#                                 `cellboot mkcell`, plus truncated copies
#   BUILD/fuzz/seeds/commregion/  a comm page as the hypervisor fills it
#   BUILD/fuzz/seeds/bzimage/     the first 64 KiB of each cached kernel, as
#                                 is and with syssize/payload cut to fit
#                                 (so that the parse gets past the size check)
#                                 plus header variants
#   BUILD/fuzz/seeds/plan/        fuzz_plan inputs: the classic and moved cell
#                                 layouts with each cached kernel's header
#
# The kernel is build/cache/kernels/debian-vmlinuz (scripts/fetch-kernel.sh
# is run when it is missing; without network the kernel seeds are skipped
# with a warning). Small hand-made seeds live in tests/fuzz/seeds/ and are
# used next to these.
#
# Usage: tests/fuzz/make-seeds.sh [BUILD_DIR]     (default: build)
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
out=$build/fuzz/seeds
tool=$build/cellboot
kernels=$build/cache/kernels

say() { echo "make-seeds: $*" >&2; }

# --- little-endian helpers -------------------------------------------------
# bytes N VALUE: VALUE as N little-endian bytes on stdout (VALUE < 2^63, or
# any 64-bit value written as 0x... with 16 hex digits)
bytes() {
	n=$1 v=$2 i=0
	case $v in
	0x????????????????)	# split: shell arithmetic is signed 64-bit
		bytes 4 "0x$(echo "$v" | cut -c11-18)"
		bytes 4 "0x$(echo "$v" | cut -c3-10)"
		return ;;
	esac
	v=$((v))
	while [ $i -lt "$n" ]; do
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
		i=$((i + 1))
	done
}

# rd FILE OFFSET N: unsigned little-endian value of N (1, 2 or 4) bytes
rd() {
	od -An -tu"$3" -j "$2" -N "$3" "$1" | tr -d ' '
}

# wr FILE OFFSET N VALUE: overwrite N bytes in place
wr() {
	bytes "$3" "$4" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

rm -rf "$out"
mkdir -p "$out/params" "$out/cellcfg" "$out/commregion" "$out/bzimage" \
	"$out/plan" "$out/celldesc"

# --- cell descriptions: the shipped and the test ones, as they are ----------
for d in "$top"/configs/*.cell.txt "$top"/tests/qemu/*.cell.txt; do
	[ -e "$d" ] && cp "$d" "$out/celldesc/"
done

# --- kernels ----------------------------------------------------------------
if [ ! -e "$kernels/debian-vmlinuz" ]; then
	say "no cached kernel, trying scripts/fetch-kernel.sh"
	"$top/scripts/fetch-kernel.sh" --build-dir "$build" >/dev/null 2>&1 ||
		say "warning: fetch-kernel.sh failed; no kernel seeds"
fi
nk=0
for k in "$kernels"/*; do
	[ -f "$k" ] && [ ! -L "$k" ] || continue
	# only bzImages ("HdrS" at 0x202), at least 64 KiB
	[ "$(wc -c < "$k")" -ge 65536 ] &&
		[ "$(rd "$k" $((0x202)) 4)" = $((0x53726448)) ] || continue
	nk=$((nk + 1))
	name=$(basename "$k")
	size=$(wc -c < "$k")
	kernel_size=$size
	b=$out/bzimage/$name
	head -c 65536 "$k" > "$b.64k"

	# fitted: syssize covers what is left of the 64 KiB after the setup
	sects=$(rd "$k" $((0x1f1)) 1)
	[ "$sects" -eq 0 ] && sects=4
	setup=$(((sects + 1) * 512))
	pm=$(((65536 - setup) / 16 * 16))
	poff=$(rd "$k" $((0x248)) 4)
	[ "$poff" -lt "$pm" ] || poff=0
	cp "$b.64k" "$b.fit"
	wr "$b.fit" $((0x1f4)) 4 $((pm / 16))
	wr "$b.fit" $((0x248)) 4 "$poff"
	wr "$b.fit" $((0x24c)) 4 $((pm - poff))
	# header variants of the fitted image
	cp "$b.fit" "$b.fixed";   wr "$b.fixed" $((0x234)) 1 0
	cp "$b.fit" "$b.proto212"; wr "$b.proto212" $((0x206)) 2 $((0x20c))
	cp "$b.fit" "$b.below4g"; wr "$b.below4g" $((0x236)) 2 1
	cp "$b.fit" "$b.setup0";  wr "$b.setup0" $((0x1f1)) 1 0
	cp "$b.fit" "$b.noversion"; wr "$b.noversion" $((0x20e)) 2 0

	# plan seeds: this kernel's real header in the cell layouts
	init=$(rd "$k" $((0x260)) 4)
	align=$(rd "$k" $((0x230)) 4)
	pref=$(rd "$k" $((0x258)) 4)	# low half; Debian's is 16 MiB
	syssize=$(rd "$k" $((0x1f4)) 4)
	iam=$(rd "$k" $((0x22c)) 4)
	reloc=$(rd "$k" $((0x234)) 1)
	xlf=$(rd "$k" $((0x236)) 2)
	kflags=$(( (reloc ? 1 : 0) | (xlf & 2) | 4 ))
	# LEN: raw u64 (selector 0xc000); ADDR: raw (0xff, LEN 0, u64)
	len() { bytes 2 $((0xc000)); bytes 8 "$1"; }
	addr() { printf '\377'; bytes 2 0; bytes 8 "$1"; }
	# plan_seed NAME RAM_END2 KERNEL_ADDR [INITRD_ADDR INITRD_SIZE]
	plan_seed() {
		{
			# 2 RAM ranges, loader low range reserved, 2 more reserved
			bytes 1 $((1 | 8 | (2 << 4)))
			len 0; len $((0x100000))
			len $((0x100000)); len $(($2 - 0x200000))
			addr $((0x100000)); len $((0x1000))	# comm region
			addr $((0x80000)); len $((0x1000))	# config copy
			bytes 1 $kflags
			bytes 1 "$sects"
			bytes 1 $((0x80)); bytes 4 "$align"
			bytes 2 $((0xffff)); bytes 8 "$pref"
			len $((syssize * 16))
			len $((init - syssize * 16))
			bytes 1 3; bytes 4 "$iam"
			addr "$3"
			bytes 2 $((0x20f)); bytes 2 "$xlf"; bytes 2 $((0x6aeb))
			if [ $# -ge 5 ]; then
				bytes 1 1; addr "$4"; len "$5"
			else
				bytes 1 0
			fi
		} > "$out/plan/$name.$1"
	}
	# classic: 128 MiB, kernel where it runs (pm_addr = pref_address)
	plan_seed classic $((0x8000000)) $((pref - setup))
	plan_seed classic-initrd $((0x8000000)) $((pref - setup)) \
		$((0x6000000)) $((0x1a2b3c))
	# initrd across the init_size window: must move
	plan_seed initrd-in-window $((0x8000000)) $((pref - setup)) \
		$((0x2000000)) $((0x200000))
	# moved: kernel file low (0x400000), 240 MiB cell
	plan_seed moved $((0xf000000)) $((0x400000)) $((0xe000000)) \
		$((0x1000000))
	# kernel file above the window's end, initrd in the way
	plan_seed high-file $((0xf000000)) $((0x9000000)) $((0x1000000)) \
		$((0x2000000))
done
[ $nk -gt 0 ] || say "warning: no kernels in $kernels; no bzimage/plan seeds"

# --- cell configs -------------------------------------------------------------
if [ -x "$tool" ]; then
	for c in "$top"/configs/*.cell.txt; do
		name=$(basename "$c" .cell.txt)
		"$tool" mkcell "$c" -o "$out/cellcfg/$name.cell"
		head -c 132 "$out/cellcfg/$name.cell" > "$out/cellcfg/$name.desc-only"
		size=$(wc -c < "$out/cellcfg/$name.cell")
		head -c $((size - 1)) "$out/cellcfg/$name.cell" \
			> "$out/cellcfg/$name.short"
	done
else
	say "warning: $tool missing (make $tool); no cell config seeds"
fi

# --- comm region --------------------------------------------------------------
# the page cellrunner.comm_region_bytes() writes: 1 CPU, 2 GHz TSC, 1 GHz
# APIC, PM timer 0x608
comm() {
	printf 'JHCOMM'; bytes 2 2; bytes 4 0; bytes 4 0; bytes 4 0
	bytes 4 "$1"; head -c 32 /dev/zero; bytes 8 0; bytes 2 $((0x608))
	bytes 2 "$2"; bytes 4 2000000; bytes 4 1000000
}
{ comm 0 1; head -c $((4096 - 76)) /dev/zero; } > "$out/commregion/page"
comm 3 4 > "$out/commregion/4cpus-putc"
{ comm 0 1; } | sed 's/JHCOMM/JHCOMX/' > "$out/commregion/bad-signature"

# --- params -------------------------------------------------------------------
ksz=${kernel_size:-8247232}
isz=$((0x1a2b3c))
csz=$(wc -c < "$out/cellcfg/classic.cell" 2>/dev/null || echo 356)
p=$out/params
n=0
param() {
	n=$((n + 1))
	printf '%s\0' "$1" > "$p/$n"
}
param "kernel=0xfbb000,$(printf 0x%x "$ksz") config=0x80000,$(printf 0x%x "$csz") -- console=ttyS0 panic=-1"
param "kernel=0xfbb000,$(printf 0x%x "$ksz") initrd=0x6000000,$(printf 0x%x $isz) config=0x80000,$(printf 0x%x "$csz") -- console=ttyS0 panic=-1"
param "kernel=0x400000 initrd=0x2000000,0x200000 config=0x80000 console=io,0x3f8,115200 log=verbose cpu_wait_ms=200 -- console=ttyS0,115200 earlyprintk=serial"
param "kernel=0x400000 mem=0x0,0x100000 mem=0x200000,0x7e00000 comm=0x100000 console=mmio32,0xfe000000 log=quiet --"
param "kernel=0x100000000,0x800000 initrd=0x180000000,0x1000000 config=0x80000,0x164 console=none -- quiet"
param "kernel=0xfbb000 console=mmio,0xfed00000,9600 -- $(head -c 2000 /dev/zero | tr '\0' x)"
param "kernel=0xfbb000 bogus=1 -- x"
param "kernel=017 -- x"
say "seeds in $out: $(find "$out" -type f | wc -l) files"
