#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build dpdk-iommufd (libraries, adapter, CLI, launcher; no tests or docs)
# against another Debian release's DPDK, inside that release's tree
# (buildtools/release-tree.sh), with -Werror. The build directory lives on
# the host and is seen inside the tree as /dpdk-iommufd/build; the source as
# /dpdk-iommufd/src (both bind mounts, only while this script runs; the
# tests inside the guest mount them the same way: app/test/dpdk/in-tree.sh).
#
# Usage: release-build.sh RELEASE BUILD_DIR [CACHE_DIR]
#   RELEASE    trixie (DPDK 24.11) or sid (DPDK 25.11)
#   BUILD_DIR  host directory for the build (created; reused incrementally)
# Prints "TREE BUILD_DIR" on stdout; BUILD_DIR/tree holds TREE.
set -euo pipefail

me=release-build
die() { echo "$me: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
release=${1:?usage: release-build.sh RELEASE BUILD_DIR [CACHE_DIR]}
out=${2:?usage: release-build.sh RELEASE BUILD_DIR [CACHE_DIR]}
cache=${3:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}

tree=$("$here/release-tree.sh" "$release" "$cache") || die "no $release tree (see above)"
mkdir -p "$out"
out=$(cd "$out" && pwd)

mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
	done
}
trap cleanup EXIT
bind() {
	mount --bind "$1" "$2" || die "cannot bind $1 to $2"
	mounted+=("$2")
}
bind "$top" "$tree/dpdk-iommufd/src"
mount -o remount,bind,ro "$tree/dpdk-iommufd/src" 2>/dev/null || true
bind "$out" "$tree/dpdk-iommufd/build"
mount -t proc proc "$tree/proc" || die "cannot mount proc in $tree"
mounted+=("$tree/proc")

in_tree() {
	chroot "$tree" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 HOME=/root "$@"
}
t0=$(date +%s)
if [ ! -f "$out/build.ninja" ]; then
	in_tree meson setup /dpdk-iommufd/build /dpdk-iommufd/src -Ddpdk=enabled \
		-Dwerror=true -Dtests=false -Ddocs=disabled >"$out/setup.log" 2>&1 ||
		{ tail -n 20 "$out/setup.log" >&2; die "meson setup in the $release tree failed (see $out/setup.log)"; }
fi
in_tree ninja -C /dpdk-iommufd/build >"$out/build.log" 2>&1 ||
	{ grep -E 'error|warning' "$out/build.log" | head -n 20 >&2; die "the build against $release's DPDK failed (see $out/build.log)"; }
echo "$tree" >"$out/tree"
echo "$me: built against $(cat "$tree/.dpdk-iommufd-tree") in $(( $(date +%s) - t0 )) s ($out)" >&2
echo "$tree $out"
