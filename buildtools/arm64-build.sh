#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Cross-build what the arm64 guest runs (run-vm.sh --iommu smmuv3) with
# Debian's gcc-aarch64-linux-gnu, against the arm64 DPDK 22.11 and jansson
# of the arm64 tree (buildtools/arm64-tree.sh, used as the sysroot), with
# -Werror: the libraries, dpdk-iommufd-info, the adapter
# (librte_bus_iommufd.so) and the kernel-facing test programs the SMMUv3
# tests run. The meson cross file is written into BUILD_DIR.
#
# Usage: arm64-build.sh BUILD_DIR [CACHE_DIR]
# Prints "TREE BUILD_DIR" on stdout; BUILD_DIR/tree holds TREE.
set -euo pipefail

me=arm64-build
die() { echo "$me: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:?usage: arm64-build.sh BUILD_DIR [CACHE_DIR]}
cache=${2:-${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}}
targets=(app/dpdk-iommufd-info/dpdk-iommufd-info drivers/bus/iommufd/librte_bus_iommufd.so
	app/test/vm/test_vm_dma)

for tool in aarch64-linux-gnu-gcc meson ninja pkg-config; do
	command -v "$tool" >/dev/null ||
		die "missing '$tool' (package gcc-aarch64-linux-gnu; run buildtools/install-deps.sh)"
done
tree=$("$here/arm64-tree.sh" "$cache") || die "no arm64 tree (see above)"
mkdir -p "$out"
out=$(cd "$out" && pwd)

cross="$out/arm64-cross.ini"
cat >"$cross.tmp" <<EOF
[binaries]
c = ['aarch64-linux-gnu-gcc', '--sysroot=$tree']
ar = 'aarch64-linux-gnu-ar'
strip = 'aarch64-linux-gnu-strip'
pkgconfig = 'pkg-config'

[properties]
sys_root = '$tree'
pkg_config_libdir = ['$tree/usr/lib/aarch64-linux-gnu/pkgconfig', '$tree/usr/share/pkgconfig']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'armv8-a'
endian = 'little'
EOF
# A changed tree (new key) or cross file: configure afresh.
if ! cmp -s "$cross.tmp" "$cross" || [ ! -f "$out/build.ninja" ]; then
	mv "$cross.tmp" "$cross"
	find "$out" -mindepth 1 -maxdepth 1 ! -name arm64-cross.ini -exec rm -rf {} +
	meson setup "$out" "$top" --cross-file "$cross" -Ddpdk=enabled -Dwerror=true \
		-Ddocs=disabled >"$out/setup.log" 2>&1 ||
		{ tail -n 20 "$out/setup.log" >&2; die "meson setup for arm64 failed (see $out/setup.log)"; }
else
	rm -f "$cross.tmp"
fi
t0=$(date +%s)
ninja -C "$out" "${targets[@]}" >"$out/build.log" 2>&1 ||
	{ grep -E 'error|warning' "$out/build.log" | head -n 20 >&2; die "the arm64 build failed (see $out/build.log)"; }
echo "$tree" >"$out/tree"
echo "$me: built for arm64 against $(cat "$tree/.dpdk-iommufd-tree") in $(( $(date +%s) - t0 )) s ($out)" >&2
echo "$tree $out"
