#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Make (or find) a Debian release's userland tree with its DPDK, for the
# DPDK release matrix (and, for sid, the newest QEMU): a debootstrap
# --variant=minbase tree holding that release's unmodified dpdk-testpmd,
# libdpdk-dev and a compiler to build the adapter against it.
#
# The tree is cached outside the source tree, keyed by the release, the
# pinned package versions and the layout version below:
#
#   $CACHE/trees/<release>-<key>/          the root of the tree
#   $CACHE/trees/<release>-<key>/.dpdk-iommufd-tree   "<release> <dpdk version>"
#
# Usage: release-tree.sh RELEASE [CACHE_DIR]
#   RELEASE    trixie (DPDK 24.11) or sid (DPDK 25.11, QEMU 11.1 for x86 and,
#              for the arm64 guest with SMMUv3, qemu-system-aarch64)
#   CACHE_DIR  default $DPDK_IOMMUFD_CACHE or /var/cache/dpdk-iommufd
# Prints the tree's path on stdout. Progress and errors go to stderr.
#
# The versions are pinned: moving to newer ones is a commit that shows the
# new results. Downloaded .deb files stay in $CACHE/trees/debs-<release>, so
# a rebuilt tree needs no network.
set -euo pipefail

me=release-tree
die() { echo "$me: $*" >&2; exit 1; }
release=${1:?usage: release-tree.sh RELEASE [CACHE_DIR]}
cache=${2:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}

# release -> pinned package versions (what the matrix is tested with).
case "$release" in
trixie)
	pins=(dpdk=24.11.8-0+deb13u1 dpdk-dev=24.11.8-0+deb13u1 libdpdk-dev=24.11.8-0+deb13u1)
	extra=() ;;
sid)
	pins=(dpdk=25.11.4-1 dpdk-dev=25.11.4-1 libdpdk-dev=25.11.4-1 qemu-system-x86=1:11.1.3+ds-1
		qemu-system-arm=1:11.1.3+ds-1)
	extra=() ;;
*) die "unknown release '$release' (trixie or sid)" ;;
esac
[ -z "${RELEASE_TREE_PINS:-}" ] || read -r -a pins <<<"$RELEASE_TREE_PINS"
common=(gcc libc6-dev meson ninja-build pkg-config python3-pyelftools)

for tool in debootstrap chroot sha256sum; do
	command -v "$tool" >/dev/null || die "missing '$tool' (run buildtools/install-deps.sh)"
done
[ "$(id -u)" = 0 ] || die "debootstrap needs root"

# Bump when what this script puts into a tree changes.
layout=1
key=$(printf '%s\n' "$release" "${pins[@]}" "${extra[@]}" "${common[@]}" "layout $layout" |
	sha256sum | cut -c1-12)
tree="$cache/trees/$release-$key"
if [ -f "$tree/.dpdk-iommufd-tree" ]; then
	echo "$me: cached $(cat "$tree/.dpdk-iommufd-tree") ($tree)" >&2
	echo "$tree"
	exit 0
fi

uri=$("$(dirname "$0")/debian-mirror.sh") || die "cannot fetch from Debian's archive without a mirror"

mkdir -p "$cache/trees"
exec 9>"$cache/trees/.$release.lock"
flock 9
# Made by another caller while this one waited for the lock.
if [ -f "$tree/.dpdk-iommufd-tree" ]; then
	echo "$tree"
	exit 0
fi
debs="$cache/trees/debs-$release"
mkdir -p "$debs"
tmp="$tree.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/var/cache/apt/archives"
cp -a "$debs/." "$tmp/var/cache/apt/archives/" 2>/dev/null || true
t0=$(date +%s)
echo "$me: debootstrap $release (minbase) into $tmp" >&2
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	"$release" "$tmp" "$uri" >"$cache/trees/$release.log" 2>&1 ||
	die "debootstrap $release failed (see $cache/trees/$release.log)"

# apt inside the tree: sid's Release file may be past its Valid-Until date.
chroot_apt() {
	chroot "$tmp" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
		apt-get -o Acquire::Check-Valid-Until=false -q -y "$@"
}
mount -t proc proc "$tmp/proc"
trap 'umount "$tmp/proc" 2>/dev/null || true' EXIT
chroot_apt update >>"$cache/trees/$release.log" 2>&1 || die "apt update in the $release tree failed"
echo "$me: installing ${pins[*]} ${extra[*]} ${common[*]}" >&2
chroot_apt install --no-install-recommends "${pins[@]}" "${extra[@]}" "${common[@]}" \
	>>"$cache/trees/$release.log" 2>&1 ||
	die "installing DPDK in the $release tree failed (see $cache/trees/$release.log; a pinned version may be gone: set RELEASE_TREE_PINS)"
cp -a "$tmp/var/cache/apt/archives/"*.deb "$debs/" 2>/dev/null || true
chroot_apt clean >/dev/null 2>&1 || true
umount "$tmp/proc"
trap - EXIT

# Mount points for the adapter's source and its build against this
# release (buildtools/release-build.sh, and the tests inside the guest,
# where the tree is read-only).
mkdir -p "$tmp/dpdk-iommufd/src" "$tmp/dpdk-iommufd/build"
ver=$(chroot "$tmp" dpkg-query -W -f='${Version}' dpdk)
echo "$release $ver" >"$tmp/.dpdk-iommufd-tree"
rm -rf "$tree"
mv "$tmp" "$tree"
echo "$me: made $release tree with DPDK $ver in $(( $(date +%s) - t0 )) s ($tree)" >&2
echo "$tree"
