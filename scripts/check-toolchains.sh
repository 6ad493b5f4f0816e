#!/bin/sh
# check-toolchains.sh - build the loader with every supported compiler,
# check its size against the budget, and boot kernels with each image.
#
# For each compiler (Debian packages gcc-11, gcc-12, clang-14, clang-16,
# clang-19; installed here when missing) this builds build/tc/<cc>/cellboot.bin
# with `make CC_TARGET=<cc>`, fails if the image has less than MIN_SPARE
# bytes left under CB_IMAGE_MAX, and boots with that image under QEMU:
# the project's Jailhouse-guest kernel (tests/qemu/test_matrix.py) and the
# distribution kernel (tests/qemu/test_boot.py), one machine each; then it
# counts the instructions from reset to startup_64 (kernel in place, default
# log; target < MAX_INSNS) with the benchmark's TCG plugin.
#
# Usage: scripts/check-toolchains.sh [COMPILER...]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
COMPILERS=${*:-"gcc-11 gcc-12 clang-14 clang-16 clang-19"}
MIN_SPARE=${MIN_SPARE:-1024}
MAX_INSNS=${MAX_INSNS:-50000}
PYTHON=${PYTHON:-/usr/bin/python3}

missing=""
for cc in $COMPILERS; do
	command -v "$cc" >/dev/null 2>&1 || missing="$missing $cc"
done
if [ -n "$missing" ]; then
	echo "check-toolchains: installing$missing"
	apt-get update -qq
	# shellcheck disable=SC2086  # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi

summary=""
fail=0
for cc in $COMPILERS; do
	out="build/tc/$cc"
	line=$(make -s BUILD="$out" CC_TARGET="$cc" "$out/cellboot.bin" 2>&1 |
		grep '^check-image:') || { echo "check-toolchains: $cc: build failed" >&2; \
		make BUILD="$out" CC_TARGET="$cc" "$out/cellboot.bin" >&2 || true; exit 1; }
	size=$(stat -c %s "$out/cellboot.bin")
	spare=$(echo "$line" | sed -n 's/.* \([0-9]*\) spare.*/\1/p')
	echo "check-toolchains: $cc: $size bytes, $spare spare"
	if [ "$spare" -lt "$MIN_SPARE" ]; then
		echo "check-toolchains: $cc: only $spare bytes spare, want $MIN_SPARE" >&2
		fail=1
	fi
	if ! (cd tests/qemu && CELLBOOT_LOADER="$top/$out/cellboot.bin" \
		BUILD="$top/build" "$PYTHON" -m pytest -q -p no:cacheprovider \
		"test_matrix.py::test_jailhouse_guest_kernel[1-microvm]" \
		"test_boot.py::test_command_line_byte_for_byte[q35-2cpu]"); then
		echo "check-toolchains: $cc: boot failed" >&2
		fail=1
	fi
	# reset to startup_64, kernel in place (tests/bench/bench.py --loader-only)
	insns=$("$PYTHON" tests/bench/bench.py --loader-only --loader "$out/cellboot.bin" \
		--tool build/cellboot --plugin build/bench/insncount.so \
		--out "$out/bench" 2>"$out/bench.log" | tail -n 1) || {
		echo "check-toolchains: $cc: instruction count failed (see $out/bench.log)" >&2
		fail=1; insns='{}'; }
	default=$(echo "$insns" | sed -n 's/.*"default": \([0-9]*\).*/\1/p')
	quiet=$(echo "$insns" | sed -n 's/.*"quiet": \([0-9]*\).*/\1/p')
	if [ -z "$default" ] || [ "$default" -ge "$MAX_INSNS" ]; then
		echo "check-toolchains: $cc: ${default:-?} instructions reset to startup_64, want < $MAX_INSNS" >&2
		fail=1
	fi
	summary="$summary
  $cc: $size bytes ($spare spare), reset to startup_64: ${default:-?} instructions (log=quiet ${quiet:-?})"
done
# the budget as the build evaluated lib/layout.h (build/gen/abi.json, which
# make check-toolchains builds first)
budget=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["layout"]["CB_IMAGE_MAX"])' \
	build/gen/abi.json 2>/dev/null) || budget="?"
echo "check-toolchains: summary (budget: CB_IMAGE_MAX = $budget bytes, lib/layout.h):$summary"
exit $fail
