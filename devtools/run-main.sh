#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job, in the test VM (emulated Intel VT-d, two e1000e NICs on
# vfio-pci): what iommufd reports for the NICs (dpdk-iommufd-info), then
# Debian's unmodified dpdk-testpmd forwarding between them over iommufd
# (started with dpdk-iommufd-run), with the legacy type1 path as the
# control. Installs the dependencies, builds, and builds or reuses the
# cached guest kernel.
#
# On a machine with an IOMMU and the NICs bound to vfio-pci, run directly:
#   build/app/dpdk-iommufd-info/dpdk-iommufd-info
#   build/app/dpdk-iommufd-run/dpdk-iommufd-run \
#       dpdk-testpmd -l 0-1 -a BDF1 -a BDF2 -- -i --forward-mode=io
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
"$top/buildtools/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Ddpdk=enabled -Dwerror=true
fi
ninja -C "$build"
DPDK_IOMMUFD_KERNEL=$("$top/buildtools/vm/build-guest-kernel.sh")
export DPDK_IOMMUFD_KERNEL

echo "=== dpdk-iommufd-info in the VM"
"$top/buildtools/vm/run-vm.sh" -- "$build/app/dpdk-iommufd-info/dpdk-iommufd-info"

echo "=== dpdk-testpmd over iommufd, and over type1 (the control), in the VM"
exec "$top/buildtools/vm/run-vm.sh" -- "$top/app/test/dpdk/testpmd_e2e.sh" \
	--launcher "$build/app/dpdk-iommufd-run/dpdk-iommufd-run" \
	--case iommufd-va --case type1-va
