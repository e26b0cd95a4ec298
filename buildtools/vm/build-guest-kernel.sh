#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the test guest's kernel of one series from Debian's source package
# pinned for it in fetch-kernel-source.sh (7.3 by default, or 6.12 LTS) with
# the config fragment kept beside this script, everything built in: for
# x86_64 (the default; one kernel for the emulated Intel VT-d and AMD-Vi)
# guest-kernel.config, for arm64 (QEMU virt with SMMUv3; cross-built with
# Debian's gcc-aarch64-linux-gnu) guest-kernel-arm64.config.
# The result is cached outside the tree, keyed by the source package version
# and the hash of the fragment and of this script:
#
#   $CACHE/kernel/<version>-<hash>/{bzImage,config,source-version,source-tree,
#                                   headers/,unknown-options}         (x86_64)
#   $CACHE/kernel/<version>-arm64-<hash>/{Image,config,...}             (arm64)
#
# The same fragment serves every series. An option of the fragment that the
# source's Kconfig does not define at all (e.g. one added by a later kernel)
# is listed in unknown-options and tolerated; every option that the Kconfig
# knows must survive dependency resolution exactly as requested.
#
# Usage: build-guest-kernel.sh [--series SERIES] [--arch ARCH] [CACHE_DIR]
#   --series SERIES   7.3 (default) or 6.12; environment DPDK_IOMMUFD_KERNEL_SERIES
#   --arch ARCH       x86_64 (default) or arm64
#   CACHE_DIR         default: $DPDK_IOMMUFD_CACHE or /var/cache/dpdk-iommufd
# Prints the directory of the cached kernel on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
series=${DPDK_IOMMUFD_KERNEL_SERIES:-7.3}
arch=x86_64
usage="usage: build-guest-kernel.sh [--series SERIES] [--arch x86_64|arm64] [CACHE_DIR]"
while [ $# -gt 0 ]; do
	case "$1" in
	--series) series=${2:?$usage}; shift 2 ;;
	--arch) arch=${2:?$usage}; shift 2 ;;
	-*) echo "$usage" >&2; exit 2 ;;
	*) break ;;
	esac
done
cache=${1:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}
die() { echo "build-guest-kernel: $*" >&2; exit 1; }
case "$arch" in
x86_64)
	fragment="$here/guest-kernel.config"
	kmake=(make)
	image=bzImage image_src=arch/x86/boot/bzImage suffix=
	tools=(make gcc flex bison bc xz dpkg-deb rsync) ;;
arm64)
	fragment="$here/guest-kernel-arm64.config"
	kmake=(make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	image=Image image_src=arch/arm64/boot/Image suffix=-arm64
	tools=(make gcc aarch64-linux-gnu-gcc flex bison bc xz dpkg-deb rsync) ;;
*) echo "build-guest-kernel: --arch takes x86_64 or arm64, not '$arch'" >&2; exit 2 ;;
esac

for tool in "${tools[@]}"; do
	command -v "$tool" >/dev/null || die "missing build tool '$tool' (run buildtools/install-deps.sh)"
done
[ -f /usr/include/libelf.h ] || die "missing libelf headers (package libelf-dev)"
[ -f /usr/include/openssl/ssl.h ] || die "missing OpenSSL headers (package libssl-dev)"

deb=$("$here/fetch-kernel-source.sh" "$cache/source" "$series") ||
	die "could not fetch the source of kernel series $series"
ver=$(dpkg-deb -f "$deb" Version)
pkg=$(dpkg-deb -f "$deb" Package)
key=$(cat "$fragment" "$0" | sha256sum | cut -c1-16)
out="$cache/kernel/${ver}${suffix}-${key}"

if [ -s "$out/$image" ]; then
	echo "build-guest-kernel: cached $pkg $ver ($out)" >&2
	echo "$out"
	exit 0
fi

# One build of a kernel at a time: a second caller waits for the first and
# then finds its result in the cache.
mkdir -p "$cache/build"
exec 9>"$cache/build/.lock"
flock 9
if [ -s "$out/$image" ]; then
	echo "build-guest-kernel: cached $pkg $ver ($out)" >&2
	echo "$out"
	exit 0
fi

work="$cache/build/${ver}"
tree="$work/tree"
if [ ! -f "$tree/Makefile" ]; then
	rm -rf "$work"
	mkdir -p "$work/deb" "$tree"
	echo "build-guest-kernel: unpacking $pkg $ver" >&2
	dpkg-deb -x "$deb" "$work/deb" || die "cannot unpack $deb"
	tarball=$(ls "$work"/deb/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
	[ -n "$tarball" ] || die "$deb holds no /usr/src/linux-source-*.tar.xz"
	tar -xJf "$tarball" -C "$tree" --strip-components=1 || die "cannot extract $tarball"
	rm -rf "$work/deb"
fi

objdir="$work/obj-$key"
# Same key, same configuration: an interrupted build resumes incrementally.
mkdir -p "$objdir"
echo "build-guest-kernel: configuring $arch (tinyconfig + $(basename "$fragment"))" >&2
"${kmake[@]}" -C "$tree" O="$objdir" -s tinyconfig >"$objdir/config.log" 2>&1 ||
	die "make tinyconfig failed (see $objdir/config.log)"
KCONFIG_CONFIG="$objdir/.config" ARCH=${arch/x86_64/x86} "$tree/scripts/kconfig/merge_config.sh" -m -O "$objdir" \
	"$objdir/.config" "$fragment" >>"$objdir/config.log" 2>&1 ||
	die "merging the fragment failed (see $objdir/config.log)"
"${kmake[@]}" -C "$tree" O="$objdir" -s olddefconfig >>"$objdir/config.log" 2>&1 ||
	die "make olddefconfig failed (see $objdir/config.log)"

# Every option of the fragment must have survived dependency resolution,
# unless this source's Kconfig does not define it at all (decided by the
# source, never by its version number).
known_in_kconfig() {
	grep -rqE --include='Kconfig*' "^[[:space:]]*(menu)?config[[:space:]]+${1#CONFIG_}[[:space:]]*\$" "$tree"
}
missing=0
: > "$objdir/unknown-options"
while IFS= read -r line; do
	if ! grep -q "^${line%%=*}=" "$objdir/.config" && ! known_in_kconfig "${line%%=*}"; then
		echo "build-guest-kernel: ${line%%=*}: not defined by $pkg $ver's Kconfig, left out" >&2
		echo "${line%%=*}" >> "$objdir/unknown-options"
		continue
	fi
	case "$line" in
	CONFIG_*=n) opt=${line%%=*}
		if grep -q "^$opt=" "$objdir/.config"; then
			echo "build-guest-kernel: $opt should be off but is $(grep "^$opt=" "$objdir/.config")" >&2
			missing=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" "$objdir/.config"; then
			echo "build-guest-kernel: $line requested, got: $(grep "^${line%%=*}=" "$objdir/.config" || echo 'not set')" >&2
			missing=1
		fi ;;
	esac
done < <(grep -E '^CONFIG_' "$fragment")
[ "$missing" = 0 ] || die "the kernel configuration lacks options of the fragment (unmet dependencies; see above)"

echo "build-guest-kernel: building the $arch $image with $(nproc) jobs (a few minutes)" >&2
if ! "${kmake[@]}" -C "$tree" O="$objdir" -j"$(nproc)" "$image" >"$objdir/build.log" 2>&1; then
	tail -n 30 "$objdir/build.log" >&2
	die "kernel build failed (see $objdir/build.log)"
fi
"${kmake[@]}" -C "$tree" O="$objdir" -s headers_install INSTALL_HDR_PATH="$objdir/headers" \
	>>"$objdir/build.log" 2>&1 || die "headers_install failed (see $objdir/build.log)"

tmp="$out.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$objdir/$image_src" "$tmp/$image"
cp "$objdir/.config" "$tmp/config"
cp -r "$objdir/headers" "$tmp/headers"
cp "$objdir/unknown-options" "$tmp/unknown-options"
echo "$pkg $ver" > "$tmp/source-version"
echo "$tree" > "$tmp/source-tree"
rm -rf "$out"
mv "$tmp" "$out"
echo "build-guest-kernel: built $pkg $ver for $arch into $out" >&2
echo "$out"
