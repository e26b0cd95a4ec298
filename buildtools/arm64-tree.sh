#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Make (or find) the arm64 guest's userland (run-vm.sh --iommu smmuv3):
# Debian bookworm for arm64 with its unmodified DPDK 22.11 (dpdk-testpmd,
# the e1000 PMD), libdpdk-dev and libjansson-dev to cross-build this
# project against (buildtools/arm64-build.sh), python3 and a static busybox
# for the guest's initramfs.
#
# An x86 host cannot run arm64 programs, so no maintainer script runs:
# debootstrap --foreign downloads the packages and their dependencies,
# every downloaded package is unpacked with dpkg-deb, and the few things
# the maintainer scripts would have made are made here (/etc/passwd and
# /etc/group from base-passwd, the awk alternative). Nothing in the tree
# needs more: the guest runs programs in it, never dpkg.
#
# The tree is cached outside the source tree, keyed by the pinned package
# versions, the package list and the layout version below:
#
#   $CACHE/trees/bookworm-arm64-<key>/                   the root of the tree
#   $CACHE/trees/bookworm-arm64-<key>/.dpdk-iommufd-tree  "bookworm-arm64 <dpdk version>"
#
# Usage: arm64-tree.sh [CACHE_DIR]   (default $DPDK_IOMMUFD_CACHE or
#                                     /var/cache/dpdk-iommufd)
# Prints the tree's path on stdout. Progress and errors go to stderr.
set -euo pipefail

me=arm64-tree
die() { echo "$me: $*" >&2; exit 1; }
cache=${1:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}

# Exact versions the arm64 rows of the matrix are tested with; moving to
# newer ones is a commit that shows the new results.
pins=(dpdk=22.11.11-0+deb12u1 dpdk-dev=22.11.11-0+deb12u1 libdpdk-dev=22.11.11-0+deb12u1
	librte-net-e1000-23=22.11.11-0+deb12u1 busybox-static=1:1.35.0-4+deb12u1+b1)
extra=(libjansson-dev python3 libc6-dev)

for tool in debootstrap dpkg-deb tar sha256sum flock; do
	command -v "$tool" >/dev/null || die "missing '$tool' (run buildtools/install-deps.sh)"
done
[ "$(id -u)" = 0 ] || die "debootstrap needs root"

# Bump when what this script puts into a tree changes.
layout=1
key=$(printf '%s\n' "${pins[@]}" "${extra[@]}" "layout $layout" | sha256sum | cut -c1-12)
tree="$cache/trees/bookworm-arm64-$key"
if [ -f "$tree/.dpdk-iommufd-tree" ]; then
	echo "$me: cached $(cat "$tree/.dpdk-iommufd-tree") ($tree)" >&2
	echo "$tree"
	exit 0
fi

uri=$("$(dirname "$0")/debian-mirror.sh") || die "cannot fetch from Debian's archive without a mirror"
mkdir -p "$cache/trees"
exec 9>"$cache/trees/.bookworm-arm64.lock"
flock 9
if [ -f "$tree/.dpdk-iommufd-tree" ]; then
	echo "$tree"
	exit 0
fi
debs="$cache/trees/debs-bookworm-arm64"
log="$cache/trees/bookworm-arm64.log"
mkdir -p "$debs"
tmp="$tree.tmp"
rm -rf "$tmp"
mkdir -p "$tmp/var/cache/apt/archives"
cp -a "$debs/." "$tmp/var/cache/apt/archives/" 2>/dev/null || true
t0=$(date +%s)
names=("${pins[@]%%=*}" "${extra[@]}")
echo "$me: debootstrap --arch=arm64 --foreign bookworm (minbase + ${names[*]}) into $tmp" >&2
include=$(IFS=,; echo "${names[*]}")
debootstrap --arch=arm64 --foreign --variant=minbase --include="$include" \
	--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
	bookworm "$tmp" "$uri" >"$log" 2>&1 ||
	die "debootstrap --arch=arm64 --foreign failed (see $log)"
cp -a "$tmp/var/cache/apt/archives/"*.deb "$debs/" 2>/dev/null || true

# The pinned versions are the ones downloaded.
for p in "${pins[@]}"; do
	name=${p%%=*} want=${p#*=} got=
	for deb in "$tmp"/var/cache/apt/archives/"${name}"_*_arm64.deb "$tmp"/var/cache/apt/archives/"${name}"_*_all.deb; do
		[ -f "$deb" ] || continue
		[ "$(dpkg-deb -f "$deb" Package)" = "$name" ] || continue
		got=$(dpkg-deb -f "$deb" Version)
	done
	[ "$got" = "$want" ] ||
		die "$name: the archive serves ${got:-nothing}, pinned $want (update the pin in a commit of its own)"
done

# Every package unpacked (the first stage unpacked only the required set),
# directory symlinks of the merged /usr kept.
n=0
for deb in "$tmp"/var/cache/apt/archives/*.deb; do
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --keep-directory-symlink -f - ||
		die "cannot unpack $deb"
	n=$((n + 1))
done
# What maintainer scripts would have made.
[ -s "$tmp/etc/passwd" ] || cp "$tmp/usr/share/base-passwd/passwd.master" "$tmp/etc/passwd"
[ -s "$tmp/etc/group" ] || cp "$tmp/usr/share/base-passwd/group.master" "$tmp/etc/group"
[ -e "$tmp/usr/bin/awk" ] || ln -s mawk "$tmp/usr/bin/awk"
for f in bin/bash bin/sh usr/bin/env usr/bin/python3 usr/bin/dpdk-testpmd bin/busybox \
	lib/ld-linux-aarch64.so.1 usr/lib/aarch64-linux-gnu/pkgconfig/libdpdk.pc; do
	[ -e "$tmp/$f" ] || die "the tree lacks /$f after unpacking $n packages (see $log)"
done
rm -f "$tmp"/var/cache/apt/archives/*.deb

ver=$(dpkg-deb -f "$debs/dpdk_${pins[0]#*=}_arm64.deb" Version 2>/dev/null || echo "${pins[0]#*=}")
echo "bookworm-arm64 $ver" >"$tmp/.dpdk-iommufd-tree"
rm -rf "$tree"
mv "$tmp" "$tree"
echo "$me: made the bookworm arm64 tree ($n packages, DPDK $ver) in $(( $(date +%s) - t0 )) s ($tree)" >&2
echo "$tree"
