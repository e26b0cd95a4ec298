#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the test guest's initramfs: busybox (static) and guest-init.sh as
# /init, cached under $CACHE/initramfs/<key>/ keyed by the busybox version
# and the init script. Prints the path of the image.
#
# Usage: make-initramfs.sh [CACHE_DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}
die() { echo "make-initramfs: $*" >&2; exit 1; }

bb=$(dpkg -L busybox-static 2>/dev/null | grep -E '/busybox$' | head -n1 || true)
[ -n "$bb" ] && [ -x "$bb" ] || die "static busybox not found (package busybox-static)"
ver=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo unknown)
key=$( (echo "$ver"; cat "$here/guest-init.sh" "$0") | sha256sum | cut -c1-16)
out="$cache/initramfs/$key/initramfs.cpio.gz"
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi
command -v cpio >/dev/null || die "cpio missing (package cpio)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,host,hostro,out,tmp}
cp "$bb" "$tmp/bin/busybox"
cp "$here/guest-init.sh" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -9) > "$out.tmp" ||
	die "cpio failed"
mv "$out.tmp" "$out"
echo "$out"
