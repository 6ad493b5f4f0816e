#!/bin/sh
# Checks the built loader, not only the flags: entry at 0, no relocations,
# no dynamic sections, flat image within the 16 KiB budget.
set -eu
elf=$1 bin=$2 budget=${3:-16384}
fail() { echo "check-image: $*" >&2; exit 1; }
entry=$(readelf -h "$elf" | awk '/Entry point/ {print $4}')
[ "$entry" = "0x0" ] || fail "entry point is $entry, expected 0x0"
if readelf -r "$elf" | grep -q 'Relocation section'; then
	fail "the image carries relocations"
fi
if readelf -S "$elf" | grep -qE '\.(dynamic|interp|got)'; then
	fail "the image has dynamic-linking sections"
fi
size=$(stat -c %s "$bin")
[ "$size" -le "$budget" ] || fail "cellboot.bin is $size bytes, budget $budget"
echo "check-image: $bin $size bytes (budget $budget), entry 0x0, no relocations"
