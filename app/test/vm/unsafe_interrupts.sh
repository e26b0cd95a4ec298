#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run PROGRAM in the test guest with MSI isolation waived
# (allow_unsafe_interrupts=1 for iommufd and vfio_iommu_type1), for an
# emulated IOMMU whose guest kernel runs without interrupt remapping: QEMU's
# AMD-Vi, where Linux finds no southbridge IOAPIC and disables it, so that
# every VFIO bind (iommufd or type1) answers EPERM. The waiver is made only
# when the guest kernel itself logged EVIDENCE (its own words that it has
# no interrupt remapping) and while both parameters are still off; the
# reason is printed first, as a TAP comment. Anything else fails loudly.
#
# Usage: unsafe_interrupts.sh EVIDENCE -- PROGRAM [ARGS...]
#   e.g. unsafe_interrupts.sh 'AMD-Vi: Disabling interrupt remapping' -- test_vm_dma
set -u
me=unsafe_interrupts
fail() { echo "Bail out! $me: $*"; exit 1; }
[ $# -ge 3 ] && [ "$2" = -- ] || fail "usage: $0 EVIDENCE -- PROGRAM [ARGS...]"
evidence=$1
shift 2
line=$(dmesg 2>/dev/null | grep -F -m1 -- "$evidence") ||
	fail "the guest kernel did not log \"$evidence\": no reason to waive MSI isolation (it has interrupt remapping, or the rig changed)"
for m in iommufd vfio_iommu_type1; do
	p=/sys/module/$m/parameters/allow_unsafe_interrupts
	[ -w "$p" ] || fail "$p missing (CONFIG_IOMMUFD / CONFIG_VFIO_IOMMU_TYPE1 not built in?)"
	[ "$(cat "$p")" = N ] || fail "$p is already $(cat "$p"): the waiver must be this script's alone"
done
# On stderr: PROGRAM's TAP must start its standard output.
echo "# MSI isolation waived (iommufd and vfio_iommu_type1 allow_unsafe_interrupts=1) because the guest kernel said: ${line#*] }" >&2
for m in iommufd vfio_iommu_type1; do
	echo 1 >/sys/module/$m/parameters/allow_unsafe_interrupts ||
		fail "cannot set $m allow_unsafe_interrupts"
done
exec "$@"
