#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Smoke test of the test rig: boots the guest through run-vm.sh, once with
# VT-d aw-bits=48 and once with aw-bits=39, and checks inside it that
#   - /dev/iommu, /dev/vfio/devices/vfio0 and vfio1 exist;
#   - 0000:00:02.0 and 0000:00:03.0 are bound to vfio-pci and have a
#     vfio-dev/vfio* entry;
#   - /sys/class/iommu/*/intel-iommu/{cap,ecap} are readable (printed, with
#     the address widths they encode);
#   - hugetlbfs is mounted at /dev/hugepages with 256 free 2 MB pages;
#   - this script's directory (the host tree) is visible, and /tmp and the
#     run's out directory are writable.
#
# Usage: selfcheck.sh [run-vm.sh options...]   e.g. --timeout 120 -v
# Exits non-zero when a check fails or the rig itself fails.
# (selfcheck.sh --in-guest runs the checks; run-vm.sh runs that in the guest.)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

in_guest() {
	local failed=0 f d cap ecap
	ok() { echo "ok     $*"; }
	bad() { echo "FAILED $*"; failed=1; }
	check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

	[ "${DPDK_IOMMUFD_VM:-}" = 1 ] || { echo "selfcheck: --in-guest outside the guest" >&2; return 2; }
	echo "kernel $(uname -r), $(nproc) CPUs"
	check "/dev/iommu is a character device" test -c /dev/iommu
	check "/dev/vfio/devices/vfio0 is a character device" test -c /dev/vfio/devices/vfio0
	check "/dev/vfio/devices/vfio1 is a character device" test -c /dev/vfio/devices/vfio1
	for d in 0000:00:02.0 0000:00:03.0; do
		f=/sys/bus/pci/devices/$d
		check "$d is bound to vfio-pci" test "$(basename "$(readlink "$f/driver" 2>/dev/null)")" = vfio-pci
		if compgen -G "$f/vfio-dev/vfio*" >/dev/null; then
			ok "$d has $(cd "$f/vfio-dev" && echo vfio*)"
		else
			bad "$d has no vfio-dev/vfio* entry"
		fi
	done
	local n=0
	for d in /sys/class/iommu/*/intel-iommu; do
		[ -d "$d" ] || continue
		n=$((n + 1))
		if cap=$(cat "$d/cap") && ecap=$(cat "$d/ecap"); then
			ok "$(basename "$(dirname "$d")") cap 0x$cap ecap 0x$ecap version $(cat "$d/version" 2>/dev/null || echo '?')"
			printf '       MGAW %d bits, SAGAW 0x%x, ecap SMTS %d PASID %d\n' \
				$(( ((0x$cap >> 16) & 0x3f) + 1 )) $(( (0x$cap >> 8) & 0x1f )) \
				$(( (0x$ecap >> 43) & 1 )) $(( (0x$ecap >> 40) & 1 ))
		else
			bad "cannot read cap/ecap in $d"
		fi
	done
	[ "$n" -gt 0 ] || bad "no /sys/class/iommu/*/intel-iommu"
	check "hugetlbfs is mounted at /dev/hugepages" \
		grep -qE '^[^ ]+ /dev/hugepages hugetlbfs ' /proc/mounts
	f=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
	check "256 free 2 MB hugepages (found $(cat $f 2>/dev/null || echo none))" \
		test "$(cat $f 2>/dev/null)" = 256
	check "the host tree is visible ($here)" test -f "$here/run-vm.sh" -a -f "$here/guest-init.sh"
	check "/tmp is writable" sh -c 'f=$(mktemp) && rm "$f"'
	check "the out directory is writable ($DPDK_IOMMUFD_VM_OUT)" touch "$DPDK_IOMMUFD_VM_OUT/selfcheck"
	check "the lo interface is up" grep -q 1 /sys/class/net/lo/carrier
	return $failed
}

if [ "${1:-}" = --in-guest ]; then
	in_guest
	exit
fi

rc=0
for aw in 48 39; do
	echo "selfcheck: aw-bits=$aw"
	start=$(date +%s.%N)
	if "$here/run-vm.sh" "$@" --aw-bits "$aw" -- "$here/selfcheck.sh" --in-guest; then
		echo "selfcheck: aw-bits=$aw passed in $(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
	else
		echo "selfcheck: aw-bits=$aw FAILED" >&2
		rc=1
	fi
done
exit $rc
