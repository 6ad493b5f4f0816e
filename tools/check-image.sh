#!/bin/sh
# Checks the built loader, not only the flags: entry at 0, no relocations,
# no dynamic sections, flat image within the budget CB_IMAGE_MAX of
# lib/layout.h (read from the generated build/gen/layout.inc beside it).
#
# Usage: tools/check-image.sh ELF BIN [LAYOUT_INC]
set -eu
elf=$1 bin=$2
inc=${3:-$(dirname "$elf")/gen/layout.inc}
fail() { echo "check-image: $*" >&2; exit 1; }
budget=$(awk '$2 == "CB_IMAGE_MAX" { print $3 }' "$inc")
[ -n "$budget" ] || fail "CB_IMAGE_MAX not found in $inc"
budget=$((budget))
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
echo "check-image: $bin $size bytes, budget $budget, $((budget - size)) spare; entry 0x0, no relocations"
