#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: show what iommufd reports for the two e1000e NICs of the
# test VM (emulated Intel VT-d) and map memory through it. Installs the
# dependencies, builds, and builds or reuses the cached guest kernel.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
"$top/buildtools/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dwerror=true
fi
ninja -C "$build"
prog="$build/app/dpdk-iommufd-info/dpdk-iommufd-info"
if [ -x "$prog" ]; then
	exec "$top/buildtools/vm/run-vm.sh" -- "$prog"
fi
exec "$top/buildtools/vm/run-vm.sh" --env TEST_VERBOSE=1 -- "$build/app/test/test_vm_vfio"
