#!/bin/sh
# fetch-kernel.sh - fetch Debian's current distribution kernel (the package
# the meta package linux-image-<flavour> depends on) without installing it,
# for the tests (`make check KERNEL_FLAVOUR=...`, docs/kernel.md).
#
#   build/cache/debs/linux-image-<ver>_<...>.deb   the downloaded package
#   build/cache/kernels/vmlinuz-<ver>              the extracted bzImage
#   build/cache/kernels/debian-vmlinuz             stable symlink (amd64)
#   build/cache/kernels/debian-<flavour>-vmlinuz   stable symlink (others)
#
# Flavours: amd64 (default), cloud-amd64, rt-amd64 (any linux-image-<flavour>
# meta package of Debian whose kernel is a bzImage).
# Cached: if the symlink already points at a kernel, nothing is done
# (use --refresh to look for a newer distribution kernel).  Prints the path of
# the symlink on stdout at the end; progress goes to stderr.
#
# Usage: scripts/fetch-kernel.sh [--refresh] [--build-dir DIR] [--flavour F]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
refresh=0
flavour=amd64
while [ $# -gt 0 ]; do
    case "$1" in
        --refresh) refresh=1 ;;
        --build-dir) shift; build=$1 ;;
        --flavour) shift; flavour=$1 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "fetch-kernel: error: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

debs="$build/cache/debs"
kernels="$build/cache/kernels"
case "$flavour" in
    amd64) link="$kernels/debian-vmlinuz" ;;
    *[!a-z0-9-]*|"") echo "fetch-kernel: error: bad flavour '$flavour'" >&2; exit 2 ;;
    *) link="$kernels/debian-$flavour-vmlinuz" ;;
esac
meta="linux-image-$flavour"

say() { echo "fetch-kernel: $*" >&2; }
die() { echo "fetch-kernel: error: $*" >&2; exit 1; }

if [ "$refresh" -eq 0 ] && [ -L "$link" ] && [ -s "$link" ]; then
    say "cached: $(readlink "$link")"
    echo "$link"
    exit 0
fi

for tool in apt-cache apt-get dpkg-deb tar; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found (Debian host needed)"
done

# The versioned image package the meta package depends on, e.g.
# linux-image-6.1.0-41-amd64 (first Depends: line naming a linux-image-<ver>).
resolve() {
    apt-cache depends "$meta" 2>/dev/null |
        sed -n 's/^ *|\{0,1\}Depends: *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}

pkg=$(resolve || true)
if [ -z "$pkg" ] || [ "$refresh" -eq 1 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        say "apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
    elif [ -z "$pkg" ]; then
        die "apt knows no candidate for $meta; run 'apt-get update' as root"
    fi
    pkg=$(resolve || true)
fi
[ -n "$pkg" ] || die "cannot find the package $meta depends on"
ver=${pkg#linux-image-}
say "distribution kernel package ($flavour): $pkg"

target="$kernels/vmlinuz-$ver"
mkdir -p "$debs" "$kernels"

if [ ! -s "$target" ]; then
    deb=$(ls "$debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        say "apt-get download $pkg -> $debs"
        # As root apt downloads as user _apt, which cannot write into a
        # private directory; run the download as root to keep it quiet.
        sandbox=""
        if [ "$(id -u)" -eq 0 ]; then
            sandbox="-o APT::Sandbox::User=root"
        fi
        # shellcheck disable=SC2086
        (cd "$debs" && apt-get download -qq $sandbox "$pkg" >&2) ||
            die "apt-get download $pkg failed"
        deb=$(ls "$debs/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
        [ -n "$deb" ] || die "download of $pkg produced no .deb in $debs"
    fi
    say "extracting boot/vmlinuz-$ver from $(basename "$deb")"
    tmp=$(mktemp -d "$kernels/.extract.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "./boot/vmlinuz-$ver" ||
        die "no ./boot/vmlinuz-$ver in $deb"
    mv "$tmp/boot/vmlinuz-$ver" "$target"
    rm -rf "$tmp"
    trap - EXIT
fi

ln -sfn "vmlinuz-$ver" "$link.tmp"
mv -T "$link.tmp" "$link"
say "kernel: $target"
echo "$link"
