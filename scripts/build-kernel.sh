#!/bin/sh
# build-kernel.sh - build the minimal Jailhouse-guest kernel for the QEMU boot
# tests from Debian's linux-source package and the project's config fragment
# (configs/kernel/jailhouse-guest.config; docs/kernel.md explains it).
#
#   build/cache/linux-src/linux-source-<x.y>/       the unpacked source (once)
#   build/cache/kernel-build/                       out-of-tree objects (O=)
#   build/cache/kernel-build.log                    make output of the last run
#   build/cache/kernels/jailhouse-guest-bzImage     the result
#   build/cache/kernels/jailhouse-guest-bzImage.stamp   what it was built from
#
# Cached: if the bzImage exists and the stamp matches the fragment's sha256,
# the source package version and the compiler, nothing is done.  A changed
# fragment reconfigures and rebuilds incrementally; a new source package
# version unpacks afresh and rebuilds from scratch.  Prints the path of the
# bzImage on stdout at the end; progress goes to stderr, make's output to
# the log (its tail is printed on failure).
#
# Needs linux-source, make, gcc, bc, bison, flex and libelf-dev (objtool);
# as root, missing packages are installed with apt-get.
#
# Usage: scripts/build-kernel.sh [--force] [--jobs N] [--build-dir DIR]
#                                [--variants "NAME..." | --variants all]
#   --force     rebuild (incrementally) even if the stamp matches
#   --variants  also build variants of the kernel for the kernel doctor's
#               tests, each from the kernel's .config with a few options
#               changed: the guest kernels in its own build tree (its .config
#               is put back after), the others in cache/kernel-build-noguest/;
#               cached like the kernel, in cache/kernels/variants/:
#               NAME-bzImage, NAME.config, NAME-bzImage.stamp. NAMEs:
#                 gzip bzip2 lzma xz lzo lz4 zstd   the guest kernel with that
#                       CONFIG_KERNEL_* (only arch/x86/boot/compressed relinks)
#                 ikconfig-xz   xz, with its config embedded (CONFIG_IKCONFIG)
#                 noguest       without CONFIG_JAILHOUSE_GUEST
#                 noguest-ikconfig   the same, config embedded
#                 bare          none of what a cell needs: no JAILHOUSE_GUEST,
#                       X86_X2APIC, PCI, SERIAL_8250_CONSOLE, BLK_DEV_INITRD
set -eu
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
frag="$top/configs/kernel/jailhouse-guest.config"
force=0
variants=""
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
    case "$1" in
        --force) force=1 ;;
        --variants) shift; variants=$1 ;;
        --jobs) shift; jobs=$1 ;;
        --build-dir) shift; build=$1 ;;
        -h|--help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-kernel: error: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
case "$build" in /*) ;; *) build="$PWD/$build" ;; esac

cache="$build/cache"
srcroot="$cache/linux-src"
kbuild="$cache/kernel-build"
kernels="$cache/kernels"
out="$kernels/jailhouse-guest-bzImage"
stamp="$out.stamp"
log="$cache/kernel-build.log"

say() { echo "build-kernel: $*" >&2; }
die() { echo "build-kernel: error: $*" >&2; exit 1; }

[ -r "$frag" ] || die "config fragment $frag not found"
mkdir -p "$cache" "$kernels"

# One build at a time (parallel make targets, two terminals).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.build-kernel.lock"
    flock 9
fi

# ---------------------------------------------------------------- inputs --
# The newest linux-source-X.Y tarball in /usr/src and its package version.
find_tarball() {
    for f in /usr/src/linux-source-*.tar.xz; do
        [ -f "$f" ] && echo "$f"
    done | sort -V | tail -n 1
}

# Debian package names whose status is not "install ok installed".
missing_pkgs() {
    for p in "$@"; do
        case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
            *" ok installed") ;;
            *) echo "$p" ;;
        esac
    done
}

apt_install() {
    [ "$(id -u)" -eq 0 ] || die "missing packages: $*; install them as root (apt-get install $*)"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$(apt-cache policy "$@" 2>/dev/null | sed -n 's/^ *Candidate: *\([^(].*\)/\1/p' | head -n 1)" ]; then
        say "apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
    fi
    say "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

fragsum=$(sha256sum "$frag" | cut -d' ' -f1)
ccver=$(gcc -dumpfullversion 2>/dev/null || echo unknown)
# Bump when this script changes how the kernel is configured or built.
recipe=1
stamp_for() { echo "recipe=$recipe fragment=$fragsum source=$1 gcc=$ccver"; }

cached() {
    [ "$force" -eq 0 ] && [ -s "$out" ] && [ -r "$stamp" ] && [ "$(cat "$stamp")" = "$1" ]
}

tarball=$(find_tarball)

# A cached kernel (e.g. a restored CI cache) is used without installing
# linux-source just to compare versions: what it was built from stays in
# the stamp.
if [ -z "$tarball" ] && [ -r "$stamp" ] && [ -z "$variants" ]; then
    built=$(sed -n 's/.* source=\([^ ]*\) .*/\1/p' "$stamp")
    if [ -n "$built" ] && cached "$(stamp_for "$built")"; then
        say "cached: $out ($built; linux-source not installed)"
        echo "$out"
        exit 0
    fi
fi

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found (Debian host needed)"
need=$(missing_pkgs make gcc bc bison flex libelf-dev | tr '\n' ' ')
# the compressors that the variants' CONFIG_KERNEL_* call
[ -z "$variants" ] || need="$need$(missing_pkgs xz-utils bzip2 lzop lz4 zstd | tr '\n' ' ')"
[ -n "$tarball" ] || need="${need}linux-source"
need=${need% }
if [ -n "$need" ]; then
    # shellcheck disable=SC2086
    apt_install $need
    tarball=$(find_tarball)
    [ -n "$tarball" ] || die "linux-source installed but no /usr/src/linux-source-*.tar.xz"
    ccver=$(gcc -dumpfullversion 2>/dev/null || echo unknown)
fi

owner=$(dpkg-query -S "$tarball" 2>/dev/null | head -n 1 | cut -d: -f1 || true)
[ -n "$owner" ] || die "no package owns $tarball"
srcver="$owner=$(dpkg-query -W -f='${Version}' "$owner")"
tree=$(basename "$tarball" .tar.xz)          # linux-source-6.1
src="$srcroot/$tree"
want=$(stamp_for "$srcver")

main_cached=0
if cached "$want"; then
    say "cached: $out ($srcver)"
    [ -n "$variants" ] || { echo "$out"; exit 0; }
    main_cached=1
fi

t0=$(date +%s)

# ---------------------------------------------------------------- source --
# Unpacked once per source package version; a new version wipes the old
# tree and the object directory (make cannot be trusted across versions).
if [ ! -r "$srcroot/.unpacked" ] || [ "$(cat "$srcroot/.unpacked")" != "$srcver" ] ||
   [ ! -f "$src/Makefile" ]; then
    say "unpacking $tarball ($srcver) -> $srcroot"
    rm -rf "$srcroot" "$kbuild"
    mkdir -p "$srcroot"
    tar -xJf "$tarball" -C "$srcroot" || die "cannot unpack $tarball"
    [ -f "$src/Makefile" ] || die "$tarball has no $tree/Makefile"
    echo "$srcver" > "$srcroot/.unpacked"
fi

kver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$src/Makefile" |
       paste -sd. -)

# ----------------------------------------------------------------- build --
mkdir -p "$kbuild"
[ "$main_cached" -eq 1 ] || : > "$log"

# Reproducible version string: fixed user, host and build number, the
# tarball's date.
export KBUILD_BUILD_USER=cellboot KBUILD_BUILD_HOST=build-kernel KBUILD_BUILD_VERSION=1
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$tarball")" '+%Y-%m-%d')
export KBUILD_BUILD_TIMESTAMP

kmake() {
    make -C "$src" O="$kbuild" ARCH=x86 "$@" >>"$log" 2>&1
}

fail() {
    echo "build-kernel: error: $1; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
}

if [ "$main_cached" -eq 0 ]; then
    # Every symbol the fragment names must exist in this source: a misspelt or
    # renamed "# CONFIG_FOO is not set" would otherwise pass unnoticed.
    sed -n 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p
            s/^# CONFIG_\([A-Za-z0-9_]*\) is not set$/\1/p' "$frag" | sort -u > "$kbuild/.fragment-symbols"
    (cd "$src" && find . -name 'Kconfig*' -exec sed -n \
         's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Za-z0-9_]*\).*/\2/p' {} +) |
        sort -u > "$kbuild/.kconfig-symbols"
    unknown=$(comm -13 "$kbuild/.kconfig-symbols" "$kbuild/.fragment-symbols")
    [ -z "$unknown" ] || die "$(basename "$frag") names options Linux $kver does not have: $(echo "$unknown" | tr '\n' ' ')"

    say "configuring Linux $kver: allnoconfig + $(basename "$frag")"
    kmake KCONFIG_ALLCONFIG="$frag" allnoconfig || fail "make allnoconfig failed"

    # Every line of the fragment must hold in .config ("# ... is not set" also
    # holds for a symbol that is absent, i.e. unreachable).
    bad=$(awk '
        FNR == NR {
            if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) { n = index($0, "="); have[substr($0, 1, n - 1)] = $0 }
            next
        }
        /^CONFIG_[A-Za-z0-9_]+=/ {
            n = index($0, "="); sym = substr($0, 1, n - 1)
            if (!(sym in have)) print "  wanted " $0 ", got # " sym " is not set"
            else if (have[sym] != $0) print "  wanted " $0 ", got " have[sym]
            next
        }
        /^# CONFIG_[A-Za-z0-9_]+ is not set$/ {
            if ($2 in have) print "  wanted " $0 ", got " have[$2]
        }
    ' "$kbuild/.config" "$frag")
    if [ -n "$bad" ]; then
        echo "build-kernel: error: $(basename "$frag") does not hold in the kernel config:" >&2
        echo "$bad" >&2
        echo "  (a dependency is missing or the option does not exist in Linux $kver)" >&2
        exit 1
    fi

    say "building bzImage with -j$jobs (log: $log)"
    kmake -j"$jobs" bzImage || fail "kernel build failed"

    img="$kbuild/arch/x86/boot/bzImage"
    [ -s "$img" ] || fail "no $img after the build"
    cp "$img" "$out.tmp"
    mv "$out.tmp" "$out"
    echo "$want" > "$stamp"

    t1=$(date +%s)
    release=$(cat "$kbuild/include/config/kernel.release" 2>/dev/null || echo "$kver")
    say "built Linux $release, $(stat -c %s "$out") bytes, in $((t1 - t0)) s"
    # Little-endian header fields (boot protocol): what placement depends on.
    le() { od -An -t u"$2" -j "$1" -N "$2" "$out" | tr -d ' '; }
    say "$(printf 'protocol %d.%d, kernel_alignment 0x%x, pref_address 0x%x, init_size 0x%x' \
        $(($(le 0x206 2) >> 8)) $(($(le 0x206 2) & 255)) "$(le 0x230 4)" "$(le 0x258 8)" "$(le 0x260 4)")"
fi
# -------------------------------------------------------------- variants --
# Each variant: the kernel's .config, the options below changed with the
# kernel's own scripts/config, `make olddefconfig`, a check that every change
# holds, then `make bzImage`. Kbuild rebuilds only what the changed options
# touch: a compression alone relinks arch/x86/boot/compressed, so those are
# built in the kernel's own tree (its .config is put back at the end).
# Without JAILHOUSE_GUEST, PCI_MMCONFIG goes too (it depends on ACPI or
# JAILHOUSE_GUEST), which changes headers nearly every object includes: the
# non-guest variants share a tree of their own, built in full once. (A copy
# of the kernel's tree would not save that: objtool is built with absolute
# paths, rebuilt in a copy, and every object depends on it.)
variant_opts() {
    case "$1" in
        gzip)  echo "" ;;
        bzip2|lzma|xz|lzo|lz4|zstd)
            echo "-d KERNEL_GZIP -e KERNEL_$(echo "$1" | tr a-z A-Z)" ;;
        ikconfig-xz) echo "-d KERNEL_GZIP -e KERNEL_XZ -e IKCONFIG" ;;
        noguest) echo "-d JAILHOUSE_GUEST" ;;
        noguest-ikconfig) echo "-d JAILHOUSE_GUEST -e IKCONFIG" ;;
        bare) echo "-d JAILHOUSE_GUEST -d X86_X2APIC -d PCI -d SERIAL_8250_CONSOLE -d BLK_DEV_INITRD" ;;
        *) return 1 ;;
    esac
}
variant_tree() {
    case "$1" in
        noguest*|bare) echo "$cache/kernel-build-noguest" ;;
        *) echo "$kbuild" ;;
    esac
}
[ "$variants" != all ] ||
    variants="gzip bzip2 lzma xz lzo lz4 zstd ikconfig-xz noguest noguest-ikconfig bare"
if [ -n "$variants" ]; then
    # the guest variants first: each tree goes from one variant to the next
    variants="$(for v in $variants; do [ "$(variant_tree "$v")" = "$kbuild" ] && echo "$v"; done)
$(for v in $variants; do [ "$(variant_tree "$v")" = "$kbuild" ] || echo "$v"; done)"
    vout="$kernels/variants"
    mkdir -p "$vout"
    [ -f "$kbuild/.config" ] || die "no $kbuild/.config: build the kernel first (--force)"
    cp "$kbuild/.config" "$kbuild/.config.kernel"
    # put the kernel's config back however the loop ends
    trap 'cp "$kbuild/.config.kernel" "$kbuild/.config"' EXIT
    for v in $variants; do
        opts=$(variant_opts "$v") || die "unknown variant '$v' (see --help)"
        if [ "$(variant_tree "$v")" != "$kbuild" ] && [ -z "${noguest_locked:-}" ]; then
            # done with the kernel's tree: give it back (config and lock)
            # and take the non-guest tree's own lock, so that a kernel build
            # or test run does not wait for the long non-guest builds
            cp "$kbuild/.config.kernel" "$kbuild/.config"
            trap - EXIT
            cp "$kbuild/.config.kernel" "$cache/.config.kernel-noguest"
            if command -v flock >/dev/null 2>&1; then
                flock -u 9
                exec 8>"$cache/.build-kernel-noguest.lock"
                flock 8
            fi
            log="$cache/kernel-build-noguest.log"
            : > "$log"
            noguest_locked=1
        fi
        vstamp="$want variant=$v opts=$opts"
        vimg="$vout/$v-bzImage"
        if [ "$force" -eq 0 ] && [ -s "$vimg" ] && [ -r "$vimg.stamp" ] &&
           [ "$(cat "$vimg.stamp")" = "$vstamp" ]; then
            say "cached: $vimg"
            continue
        fi
        tv=$(date +%s)
        vbuild=$(variant_tree "$v")
        mkdir -p "$vbuild"
        if [ -n "${noguest_locked:-}" ]; then
            cp "$cache/.config.kernel-noguest" "$vbuild/.config"
        else
            cp "$kbuild/.config.kernel" "$vbuild/.config"
        fi
        # shellcheck disable=SC2086
        [ -z "$opts" ] || "$src/scripts/config" --file "$vbuild/.config" $opts ||
            die "scripts/config $opts failed"
        make -C "$src" O="$vbuild" ARCH=x86 olddefconfig >>"$log" 2>&1 ||
            fail "variant $v: make olddefconfig failed"
        set -- $opts
        while [ $# -ge 2 ]; do
            case "$1" in
                -e) grep -q "^CONFIG_$2=y\$" "$vbuild/.config" ||
                        die "variant $v: CONFIG_$2=y does not hold after olddefconfig" ;;
                -d) ! grep -q "^CONFIG_$2=" "$vbuild/.config" ||
                        die "variant $v: CONFIG_$2 is still set after olddefconfig" ;;
            esac
            shift 2
        done
        say "variant $v: building bzImage (${opts:-the kernel's own config})"
        make -C "$src" O="$vbuild" ARCH=x86 -j"$jobs" bzImage >>"$log" 2>&1 ||
            fail "variant $v: kernel build failed"
        cp "$vbuild/arch/x86/boot/bzImage" "$vimg.tmp"
        cp "$vbuild/.config" "$vout/$v.config"
        mv "$vimg.tmp" "$vimg"
        echo "$vstamp" > "$vimg.stamp"
        say "variant $v: $(stat -c %s "$vimg") bytes in $(($(date +%s) - tv)) s"
    done
fi
echo "$out"
