#!/bin/sh
# install-deps.sh - install the Debian packages cellboot needs to build and test.
#
# Idempotent: checks every package with dpkg-query and, only if something is
# missing, runs "apt-get update" once and installs the missing packages
# without recommends.  Needs root (as on CI) when something is missing.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only report; exit 1 if something is missing
set -eu

PACKAGES="gcc make nasm qemu-system-x86 qemu-system-data libcmocka-dev python3
python3-pytest cpio clang libclang-rt-14-dev binutils
linux-source bison flex bc libelf-dev
zlib1g-dev libbz2-dev liblzma-dev liblzo2-dev liblz4-dev libzstd-dev
lzop lz4 zstd
build-essential dpkg-dev debhelper lintian fakeroot"

check_only=0
case "${1:-}" in
    --check) check_only=1 ;;
    "") ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: error: unknown argument: $1" >&2; exit 2 ;;
esac

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present:" $PACKAGES
    exit 0
fi

echo "install-deps: missing:$missing"
if [ "$check_only" -eq 1 ]; then
    exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: error: need root to install:$missing" >&2
        exit 1
    fi
else
    SUDO=""
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: running apt-get update"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
echo "install-deps: running apt-get install -y --no-install-recommends$missing"
# shellcheck disable=SC2086  # word splitting of the package list is intended
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
echo "install-deps: done"
