#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the test guest's initramfs: a gzip'ed newc cpio holding the host's
# static busybox (package busybox-static) as /bin/busybox and guest-init.sh
# (beside this script) as /init. The guest needs nothing else: its userspace
# is the host root, shared over 9p (see guest-init.sh and run-vm.sh).
#
# The result is cached outside the tree, keyed by the busybox version and
# the hash of guest-init.sh and of this script; it is reproducible:
#
#   $CACHE/initramfs/busybox_<version>-<hash>.cpio.gz
#
# Usage: make-initramfs.sh [--busybox FILE] [CACHE_DIR]
#   --busybox FILE  another static busybox (the arm64 guest's, from the tree
#                   of buildtools/arm64-tree.sh); cached as
#                   $CACHE/initramfs/busybox-<file hash>-<hash>.cpio.gz
#   CACHE_DIR       default: $DPDK_IOMMUFD_CACHE, else /var/cache/dpdk-iommufd
# Prints the path of the initramfs on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
other_busybox=
if [ "${1:-}" = --busybox ]; then
	busybox=${2:?usage: make-initramfs.sh [--busybox FILE] [CACHE_DIR]}
	other_busybox=1
	shift 2
fi
cache=${1:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}
init="$here/guest-init.sh"
die() { echo "make-initramfs: $*" >&2; exit 1; }

for tool in cpio gzip sha256sum dpkg-query; do
	command -v "$tool" >/dev/null || die "missing tool '$tool' (run buildtools/install-deps.sh)"
done
[ -f "$init" ] || die "missing $init"
if [ -z "$other_busybox" ]; then
	status=$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null || true)
	[ "$status" = "install ok installed" ] ||
		die "package busybox-static is not installed (run buildtools/install-deps.sh)"
	[ -x "$busybox" ] || die "$busybox is missing although busybox-static is installed"
else
	[ -f "$busybox" ] || die "no busybox $busybox"
fi
# A dynamically linked busybox would need the host's libraries in the guest.
if LC_ALL=C ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; the initramfs needs busybox-static's binary"
fi
key=$(cat "$init" "$0" | sha256sum | cut -c1-16)
if [ -z "$other_busybox" ]; then
	bbver=$(dpkg-query -W -f='${Version}' busybox-static)
	out="$cache/initramfs/busybox_${bbver//[^A-Za-z0-9.+~-]/_}-${key}.cpio.gz"
else
	out="$cache/initramfs/busybox-$(sha256sum <"$busybox" | cut -c1-12)-${key}.cpio.gz"
fi

if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache/initramfs" || die "cannot create $cache/initramfs"
tmp=$(mktemp -d "$cache/initramfs/.build.XXXXXX") ||
	die "cannot create a temporary directory in $cache/initramfs"
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"
mkdir -p "$root"/{bin,dev,proc,sys,out,host,hostro,tmp}
cp "$busybox" "$root/bin/busybox" || die "cannot copy $busybox"
cp "$init" "$root/init" || die "cannot copy $init"
chmod 0755 "$root/bin/busybox" "$root/init"
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$tmp/initramfs.cpio" ||
	die "cpio failed"
gzip -9n <"$tmp/initramfs.cpio" >"$tmp/initramfs.cpio.gz" || die "gzip failed"
# Atomic: a concurrent run sees either no file or a complete one.
mv "$tmp/initramfs.cpio.gz" "$out" || die "cannot move the initramfs to $out"
echo "make-initramfs: built $out" >&2
echo "$out"
