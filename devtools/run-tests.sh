#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every test suite, from a fresh Debian 12 machine (as root): installs the
# dependencies, builds with -Werror (with DPDK, and lib/ alone without it),
# builds or reuses the cached guest kernel, and runs the suites
#   fast  unit tests, no root, no device
#   abi   uAPI layouts against Debian's newest linux-libc-dev 7.x
#   vm    everything that talks to the kernel, inside QEMU (emulated VT-d)
# and then the robustness checks (devtools/robustness.sh: kernel fault
# injection, ASan/UBSan, TSan, valgrind in the VM, 60 s of fuzzing per
# target), unless only some suites are named.
#
# Usage: devtools/run-tests.sh [SUITE...]     (default: fast abi vm, robustness)
# Environment: BUILD_DIR (default build), DPDK_IOMMUFD_CACHE (default
# /var/cache/dpdk-iommufd: guest kernel, initramfs, downloaded packages).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
suites=("$@")
robust=0
if [ ${#suites[@]} -eq 0 ]; then
	suites=(fast abi vm)
	robust=1
fi
start=$(date +%s)

step() { echo; echo "=== $* ($(( $(date +%s) - start )) s)"; }

step "dependencies"
"$top/buildtools/install-deps.sh"
# Debian sid's userland tree (cached): QEMU 11.1 for the vm suite's PASID
# test devices (run-vm.sh --qemu sid) and DPDK 25.11 for the release build.
"$top/buildtools/release-tree.sh" sid >/dev/null

step "build without DPDK (lib/ and its tests)"
if [ ! -f "$build-nodpdk/build.ninja" ]; then
	meson setup "$build-nodpdk" "$top" -Ddpdk=disabled -Dwerror=true >/dev/null
fi
ninja -C "$build-nodpdk" >/dev/null

step "build"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Ddpdk=enabled -Dwerror=true
fi
ninja -C "$build"

step "the adapter against Debian's other DPDK releases (24.11 in trixie's tree, 25.11 in sid's; trees cached)"
for rel in trixie sid; do
	"$top/buildtools/release-build.sh" "$rel" "$build/release/$rel" >/dev/null
done

step "the arm64 guest's userland (bookworm arm64, DPDK 22.11; cached) and our programs cross-built against it"
"$top/buildtools/arm64-build.sh" "$build/cross/arm64" >/dev/null

step "documentation (Doxygen API reference and Sphinx guides, offline)"
ninja -C "$build" doc

if printf '%s\n' "${suites[@]}" | grep -qx vm; then
	step "guest kernels 7.3 and 6.12 LTS for x86, 7.3 for arm64 (cached: a cold build takes 5 to 11 minutes each)"
	DPDK_IOMMUFD_KERNEL=$("$top/buildtools/vm/build-guest-kernel.sh" --series 7.3)
	export DPDK_IOMMUFD_KERNEL
	# The vm612-* tests find it in the cache (run-vm.sh --kernel-series 6.12).
	"$top/buildtools/vm/build-guest-kernel.sh" --series 6.12 >/dev/null
	# The arm64 guest's (run-vm.sh --iommu smmuv3), cross-built.
	"$top/buildtools/vm/build-guest-kernel.sh" --arch arm64 >/dev/null
	step "the kernel's own iommufd selftests in the VM (a check of the rig, not our tests)"
	"$top/buildtools/vm/kernel-selftests.sh" || echo "run-tests: the kernel's selftests could not run (see above)"
fi

rc=0
for s in "${suites[@]}"; do
	step "suite $s"
	meson test -C "$build" --suite "$s" --print-errorlogs --num-processes 2 \
		--logbase "testlog-$s" || rc=1
done

if [ $robust = 1 ]; then
	step "robustness: fault injection, sanitizers, valgrind, fuzzing"
	# (fault injection already ran: vm-fail-nth is in the vm suite)
	if ROBUSTNESS_DIR="$build-robustness" "$top/devtools/robustness.sh" --no-doc \
			asan tsan valgrind fuzz; then
		echo "run-tests: robustness checks found nothing"
	else
		echo "run-tests: robustness checks FAILED (see above)"
		rc=1
	fi
fi

step "summary"
logs=()
for s in "${suites[@]}"; do
	logs+=("$build/meson-logs/testlog-$s.json")
done
summary=$(/usr/bin/python3 "$top/devtools/test-summary.py" "${logs[@]}") || rc=1
echo "$summary" | sed '$d'
echo "run-tests: $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(( $(date +%s) - start )) s"
# Last line: the count, "tests: N passed, N failed, N skipped".
echo "$summary" | tail -n 1
exit $rc
